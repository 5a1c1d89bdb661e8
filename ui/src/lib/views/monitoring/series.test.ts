import { describe, expect, it } from 'vitest';

import type { AlertView, BatchView } from '../../backend/monitoring';
import { toPixel } from '../../chartGeometry';
import {
  alertBreaks,
  alertLines,
  alertText,
  driftSharePoints,
  dotted,
  driftedColumns,
  labelStride,
  labelWidth,
  metricNames,
  metricPoints,
  niceTicks,
  tableBatches,
  trendGeometry,
} from './series';

function batch(id: string, driftShare: number, metrics: Record<string, number | null>, drifted: string[] = []): BatchView {
  return {
    id,
    received_ms: 0,
    label: `day-${id}.csv`,
    rows: 100,
    drift_share: driftShare,
    dataset_drift: driftShare >= 0.5,
    scores: ['age', 'plan'].map((column) => ({ column, test: 'ks', score: 0.2, drifted: drifted.includes(column) })),
    metrics: Object.entries(metrics).map(([name, value]) => ({ name, value })),
    broken_alerts: [],
  };
}

const accuracyAlert: AlertView = { metric: 'accuracy', op: '>=', value: 0.8 };
const rmseAlert: AlertView = { metric: 'rmse', op: '<=', value: 2 };

describe('alerts', () => {
  it('break below a >= threshold and above a <= one, never on it', () => {
    expect(alertBreaks(accuracyAlert, 0.79)).toBe(true);
    expect(alertBreaks(accuracyAlert, 0.8)).toBe(false);
    expect(alertBreaks(rmseAlert, 2.1)).toBe(true);
    expect(alertBreaks(rmseAlert, 2)).toBe(false);
  });

  it('read as their metric, sign and value', () => {
    expect(alertText(accuracyAlert)).toBe('accuracy ≥ 0.8');
    expect(alertLines([accuracyAlert, rmseAlert], 'rmse')).toEqual([{ value: 2, label: 'alert rmse ≤ 2' }]);
  });
});

describe('series over batches', () => {
  const batches = [
    batch('1', 0, { accuracy: 0.91, f1: 0.9, custom: 3 }),
    batch('2', 0.5, { accuracy: 0.62, auc: null }, ['age']),
    batch('3', 1, {}, ['age', 'plan']),
  ];

  it('lists the metrics some batch has, known ones first in their order', () => {
    expect(metricNames(batches)).toEqual(['accuracy', 'f1', 'custom']);
  });

  it('keeps each batch position and marks the values that break an alert', () => {
    const points = metricPoints(batches, 'accuracy', [accuracyAlert]);
    expect(points.map((p) => [p.index, p.value, p.broken])).toEqual([
      [0, 0.91, false],
      [1, 0.62, true],
    ]);
    expect(metricPoints(batches, 'auc')).toEqual([]);
  });

  it('marks a drifted dataset, or a broken drift_share alert, on the share series', () => {
    expect(driftSharePoints(batches).map((p) => p.broken)).toEqual([false, true, true]);
    const alerts: AlertView[] = [{ metric: 'drift_share', op: '<=', value: 0.25 }];
    expect(driftSharePoints([batch('1', 0.3, {})], alerts)[0]?.broken).toBe(true);
  });

  it('names the drifted columns', () => {
    expect(batches.map(driftedColumns)).toEqual([[], ['age'], ['age', 'plan']]);
  });
});

describe('the batch table', () => {
  const many = Array.from({ length: 8 }, (_, i) => batch(String(i + 1), 0, {}));
  const ids = (batches: BatchView[]) => batches.map((b) => b.id);

  it('lists the newest first, up to the limit unless all are asked for', () => {
    expect(ids(tableBatches(many, 3, false))).toEqual(['8', '7', '6']);
    expect(ids(tableBatches(many, 3, true))).toHaveLength(8);
    expect(ids(tableBatches(many.slice(0, 2), 3, false))).toEqual(['2', '1']);
  });

  it('keeps an older selected batch in the list', () => {
    expect(ids(tableBatches(many, 3, false, '2'))).toEqual(['8', '7', '6', '2']);
    expect(ids(tableBatches(many, 3, false, '7'))).toEqual(['8', '7', '6']);
  });

  it('draws every dot while they fit, then only the broken and selected ones', () => {
    const points = driftSharePoints([batch('1', 0, {}), batch('2', 0.9, {}), batch('3', 0, {})]);
    expect(dotted(points, 300)).toHaveLength(3);
    expect(dotted(points, 20).map((p) => p.batch.id)).toEqual(['2']);
    expect(dotted(points, 20, '3').map((p) => p.batch.id)).toEqual(['2', '3']);
  });
});

describe('trend chart geometry', () => {
  it('gives each batch a slot and keeps shares within a fixed 0–1', () => {
    const g = trendGeometry(4, [0.2, 0.4], [0.5], 400, 200, [0, 1]);
    expect(g.x_range).toEqual([-0.5, 3.5]);
    expect(g.y_range).toEqual([0, 1]);
    expect(toPixel(g, 0, 1).y).toBe(g.top_px);
    expect(toPixel(g, 3.5, 0)).toEqual({ x: g.right_px, y: g.bottom_px });
  });

  it('pads the data and the alert lines to round values', () => {
    const g = trendGeometry(3, [0.62, 0.91], [0.8], 400, 200);
    expect(g.y_range[0]).toBeLessThanOrEqual(0.62);
    expect(g.y_range[1]).toBeGreaterThanOrEqual(0.91);
    expect(niceTicks(...g.y_range).length).toBeGreaterThanOrEqual(3);
  });

  it('keeps a flat series away from the plot edges', () => {
    const g = trendGeometry(2, [0.9, 0.9], [], 400, 200);
    expect(g.y_range[0]).toBeLessThan(0.9);
    expect(g.y_range[1]).toBeGreaterThan(0.9);
  });

  it('picks round ticks', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0.6, 1)).toEqual([0.6, 0.7, 0.8, 0.9, 1]);
    expect(niceTicks(1, 1)).toEqual([1]);
  });

  it('labels fewer batches when they would not fit', () => {
    expect(labelStride(5, 600)).toBe(1);
    expect(labelStride(30, 600)).toBe(5);
    expect(labelStride(4, 330, labelWidth('day-1.csv'.length))).toBe(1);
    expect(labelStride(4, 250, labelWidth('day-1.csv'.length))).toBe(2);
  });
});
