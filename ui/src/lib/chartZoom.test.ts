import { describe, expect, it } from 'vitest';

import type { PlotGeometry } from './backend/charts';
import { DRAG_THRESHOLD_PX, clampToPlot, dragRange, keepHidden, keyZoom, selectionBox, toggleRun } from './chartZoom';

// Plot from pixel 100 to 500 showing steps 0..1000: 2.5 steps per pixel.
const g: PlotGeometry = {
  left_px: 100,
  top_px: 20,
  right_px: 500,
  bottom_px: 220,
  x_range: [0, 1000],
  y_range: [0, 1],
  x_scale: 'linear',
  y_scale: 'linear',
};

describe('dragRange', () => {
  it.each([
    { name: 'left to right', from: 140, to: 180, whole: false, range: [100, 200] },
    { name: 'right to left gives the same range', from: 180, to: 140, whole: false, range: [100, 200] },
    { name: 'clamped to the plot', from: 20, to: 300, whole: false, range: [0, 500] },
    { name: 'past the right edge', from: 400, to: 900, whole: false, range: [750, 1000] },
    { name: 'whole steps round outward', from: 140.3, to: 179.9, whole: true, range: [100, 200] },
  ])('$name', ({ from, to, whole, range }) => {
    const result = dragRange(g, from, to, whole)!;
    expect(result[0]).toBeCloseTo(range[0]!, 6);
    expect(result[1]).toBeCloseTo(range[1]!, 6);
  });

  it.each([
    { name: 'a click', from: 200, to: 200 },
    { name: 'below the threshold', from: 200, to: 200 + DRAG_THRESHOLD_PX - 0.5 },
    { name: 'entirely left of the plot', from: 10, to: 60 },
  ])('$name selects nothing', ({ from, to }) => {
    expect(dragRange(g, from, to)).toBeNull();
  });

  it('follows a zoomed chart: its geometry already shows the zoomed range', () => {
    const zoomed = { ...g, x_range: [500, 600] as [number, number] };
    expect(dragRange(zoomed, 100, 300)).toEqual([500, 550]);
  });
});

describe('selectionBox', () => {
  it.each([
    { from: 150, to: 250, box: { left: 150, width: 100 } },
    { from: 250, to: 150, box: { left: 150, width: 100 } },
    { from: 50, to: 700, box: { left: 100, width: 400 } },
  ])('$from → $to', ({ from, to, box }) => {
    expect(selectionBox(g, from, to)).toEqual(box);
  });

  it('clamps a column to the plot', () => {
    expect([clampToPlot(g, 0), clampToPlot(g, 300), clampToPlot(g, 999)]).toEqual([100, 300, 500]);
  });
});

describe('legend toggles', () => {
  const runs = ['a', 'b', 'c'];
  it.each([
    { hidden: [], run: 'b', next: ['b'] },
    { hidden: ['b'], run: 'b', next: [] },
    { hidden: ['c'], run: 'a', next: ['a', 'c'] },
    { hidden: ['a', 'c'], run: 'c', next: ['a'] },
  ])('toggling $run with $hidden hidden', ({ hidden, run, next }) => {
    expect(toggleRun(hidden, run, runs)).toEqual(next);
  });

  it('forgets runs no longer on the chart', () => {
    expect(keepHidden(['a', 'x', 'c'], runs)).toEqual(['a', 'c']);
  });
});

describe('keyZoom', () => {
  type Case = {
    name: string;
    key: string;
    shift?: boolean;
    zoom: [number, number] | null;
    centre?: number | null;
    whole?: boolean;
    result: { range: [number, number] | null } | null;
  };
  const full: [number, number] = [0, 1000];
  it.each<Case>([
    { name: '+ halves everything around the middle', key: '+', zoom: null, result: { range: [250, 750] } },
    { name: '= is + without Shift', key: '=', zoom: null, result: { range: [250, 750] } },
    { name: '+ zooms around the readout', key: '+', zoom: [200, 600], centre: 300, result: { range: [200, 400] } },
    { name: '+ near the start stays inside', key: '+', zoom: null, centre: 10, result: { range: [0, 500] } },
    { name: '- doubles around the middle', key: '-', zoom: [400, 500], result: { range: [350, 550] } },
    { name: '- slides back inside at the end', key: '-', zoom: [900, 1000], result: { range: [800, 1000] } },
    { name: '- back to everything', key: '-', zoom: [100, 700], result: { range: null } },
    { name: '- on everything does nothing', key: '-', zoom: null, result: null },
    { name: 'Shift+→ pans a quarter', key: 'ArrowRight', shift: true, zoom: [200, 600], result: { range: [300, 700] } },
    { name: 'Shift+← stops at the start', key: 'ArrowLeft', shift: true, zoom: [50, 450], result: { range: [0, 400] } },
    { name: 'Shift+← at the start does nothing', key: 'ArrowLeft', shift: true, zoom: [0, 400], result: null },
    { name: 'Shift+→ without a zoom does nothing', key: 'ArrowRight', shift: true, zoom: null, result: null },
    { name: '← alone is the readout’s', key: 'ArrowLeft', zoom: [200, 600], result: null },
    { name: '0 shows everything', key: '0', zoom: [200, 600], result: { range: null } },
    { name: 'Esc shows everything', key: 'Escape', zoom: [200, 600], result: { range: null } },
    { name: 'Esc without a zoom does nothing', key: 'Escape', zoom: null, result: null },
    { name: 'other keys do nothing', key: 'a', zoom: [200, 600], result: null },
    { name: 'whole steps round outward', key: '+', zoom: [0, 5], whole: true, result: { range: [1, 4] } },
    { name: 'a pan on a step axis keeps the width', key: 'ArrowRight', shift: true, zoom: [250, 401], whole: true, result: { range: [288, 439] } },
    { name: 'a pan moves at least one step', key: 'ArrowLeft', shift: true, zoom: [10, 12], whole: true, result: { range: [9, 11] } },
    { name: 'a step range keeps one step', key: '+', zoom: [10, 11], centre: 10.5, whole: true, result: null },
  ])('$name', ({ key, shift = false, zoom, centre = null, whole = false, result }) => {
    expect(keyZoom(key, shift, zoom, full, centre, whole)).toEqual(result);
  });

  it('does nothing on an empty range', () => {
    expect(keyZoom('+', false, null, [5, 5], null)).toBeNull();
  });
});
