import { describe, expect, it } from 'vitest';

import type { PlotGeometry } from './backend/charts';
import {
  nearestStop,
  describeReadout,
  formatChartValue,
  insidePlot,
  moveReadout,
  nearestPoint,
  readout,
  readoutStops,
  toData,
  toImagePixel,
  toPixel,
} from './chartGeometry';

const linear: PlotGeometry = {
  left_px: 50,
  top_px: 10,
  right_px: 450,
  bottom_px: 210,
  x_range: [0, 100],
  y_range: [0, 1],
  x_scale: 'linear',
  y_scale: 'linear',
};
const logY: PlotGeometry = { ...linear, y_range: [0.01, 100], y_scale: 'log10' };

describe('chart geometry', () => {
  it('maps data to pixels as cairn-chart draws them', () => {
    expect(toPixel(linear, 0, 0)).toEqual({ x: 50, y: 210 });
    expect(toPixel(linear, 100, 1)).toEqual({ x: 450, y: 10 });
    expect(toPixel(linear, 50, 0.5)).toEqual({ x: 250, y: 110 });
    // Same numbers as cairn-chart's own geometry test.
    expect(toPixel(logY, 50, 1)).toEqual({ x: 250, y: 110 });
    expect(toPixel(logY, 0, 0.01)).toEqual({ x: 50, y: 210 });
  });

  it('maps pixels back to data', () => {
    for (const g of [linear, logY]) {
      for (const [x, y] of [
        [12, 0.05],
        [77, 0.9],
      ] as const) {
        const p = toPixel(g, x, y);
        const back = toData(g, p.x, p.y);
        expect(back.x).toBeCloseTo(x, 9);
        expect(back.y).toBeCloseTo(y, 9);
      }
    }
    expect(toData(logY, 250, 10).y).toBeCloseTo(100, 9);
  });

  it('knows the plot area', () => {
    expect(insidePlot(linear, 50, 10)).toBe(true);
    expect(insidePlot(linear, 450, 210)).toBe(true);
    expect(insidePlot(linear, 49, 100)).toBe(false);
    expect(insidePlot(linear, 100, 211)).toBe(false);
  });

  it('scales a mouse position on a stretched image', () => {
    expect(toImagePixel(100, 50, { width: 400, height: 200 }, { width: 800, height: 400 })).toEqual({ x: 200, y: 100 });
    expect(toImagePixel(10, 20, { width: 0, height: 0 }, { width: 800, height: 400 })).toEqual({ x: 10, y: 20 });
  });
});

describe('readout', () => {
  const runs = [
    { run_id: 'a', name: 'alpha', colour: '#111111' },
    { run_id: 'b', name: 'beta', colour: '#222222' },
    { run_id: 'c', name: 'gamma', colour: '#333333' },
  ];
  const series = [
    {
      run_id: 'a',
      points: [
        [0, 1],
        [10, 2],
        [20, 3],
      ] as [number, number][],
    },
    {
      run_id: 'b',
      points: [
        [5, 7],
        [40, 8],
      ] as [number, number][],
    },
    { run_id: 'c', points: [] as [number, number][] },
  ];

  it('finds the nearest point by x', () => {
    expect(nearestPoint(series[0]!.points, 14)).toEqual([10, 2]);
    expect(nearestPoint(series[0]!.points, 16)).toEqual([20, 3]);
    expect(nearestPoint([], 3)).toBeNull();
  });

  it('gives each run with data its value at x, in run order', () => {
    expect(readout(runs, series, 9)).toEqual([
      { run_id: 'a', name: 'alpha', colour: '#111111', x: 10, value: 2 },
      { run_id: 'b', name: 'beta', colour: '#222222', x: 5, value: 7 },
    ]);
  });

  it('leaves out runs with nothing near', () => {
    expect(readout(runs, series, 30, 5).map((row) => row.run_id)).toEqual([]);
    expect(readout(runs, series, 38, 5).map((row) => row.run_id)).toEqual(['b']);
  });
});

describe('keyboard readout', () => {
  it('stops at every x any run has a point at, once, in order', () => {
    const series = [
      { run_id: 'a', points: [[0, 1], [10, 2], [20, 3]] as [number, number][] },
      { run_id: 'b', points: [[5, 1], [10, 1], [Number.NaN, 0]] as [number, number][] },
    ];
    expect(readoutStops(series)).toEqual([0, 5, 10, 20]);
    expect(readoutStops([])).toEqual([]);
  });

  it('moves one stop with the arrows, a tenth with the page keys, to the ends with Home/End', () => {
    expect(moveReadout(3, 50, 'ArrowRight')).toBe(4);
    expect(moveReadout(3, 50, 'ArrowLeft')).toBe(2);
    expect(moveReadout(3, 50, 'PageDown')).toBe(8);
    expect(moveReadout(3, 50, 'PageUp')).toBe(0);
    expect(moveReadout(3, 50, 'Home')).toBe(0);
    expect(moveReadout(3, 50, 'End')).toBe(49);
    // The ends hold.
    expect(moveReadout(49, 50, 'ArrowRight')).toBe(49);
    expect(moveReadout(0, 50, 'ArrowLeft')).toBe(0);
    expect(moveReadout(0, 3, 'PageDown')).toBe(1);
  });

  it('starts at the first stop going right and at the last going left', () => {
    expect(moveReadout(null, 5, 'ArrowRight')).toBe(0);
    expect(moveReadout(null, 5, 'ArrowLeft')).toBe(4);
    expect(moveReadout(null, 5, 'End')).toBe(4);
    expect(moveReadout(null, 5, 'Home')).toBe(0);
  });

  it('ignores other keys and charts with no points', () => {
    expect(moveReadout(2, 5, 'ArrowUp')).toBeNull();
    expect(moveReadout(2, 5, 'a')).toBeNull();
    expect(moveReadout(null, 0, 'ArrowRight')).toBeNull();
  });

  it('says the readout in words, naming each run', () => {
    const rows = [
      { run_id: 'r1', name: 'adam', colour: '#000', x: 40, value: 0.812371 },
      { run_id: 'r2', name: '', colour: '#111', x: 40, value: 1.5e-5 },
    ];
    expect(describeReadout('val_acc', 'step 40', rows)).toBe('val_acc at step 40: adam 0.81237, r2 1.500e-5');
    expect(describeReadout('loss', 'step 3', [])).toBe('loss at step 3: no value');
    expect(formatChartValue(2_500_000)).toBe('2.500e+6');
    expect(formatChartValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});

describe('nearestStop', () => {
  it('finds the stop nearest an x, the earlier on a tie, and nothing among no stops', () => {
    const stops = [0, 10, 20, 40];
    expect(nearestStop(stops, -5)).toBe(0);
    expect(nearestStop(stops, 4)).toBe(0);
    expect(nearestStop(stops, 5)).toBe(0);
    expect(nearestStop(stops, 6)).toBe(1);
    expect(nearestStop(stops, 20)).toBe(2);
    expect(nearestStop(stops, 31)).toBe(3);
    expect(nearestStop(stops, 400)).toBe(3);
    expect(nearestStop([], 3)).toBeNull();
  });
});
