import { describe, expect, it } from 'vitest';

import type { PlotGeometry } from './backend/charts';
import { DRAG_THRESHOLD_PX, clampToPlot, dragRange, keepHidden, selectionBox, toggleRun } from './chartZoom';

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
