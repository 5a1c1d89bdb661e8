// Small line charts of one metric's history drawn in the page (SVG paths), with the point
// nearest the pointer for a hover readout. Non-finite values break the line.
import type { MetricValue } from './backend/backend';

export interface SparklineGeometry {
  /** SVG path data: one `M…L…` run per stretch of finite values. */
  path: string;
  minStep: number;
  maxStep: number;
  minValue: number;
  maxValue: number;
}

/** A metric value as a number (`NaN` for the non-finite strings' NaN, ±Infinity for theirs). */
export function metricNumber(value: MetricValue): number {
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return value;
}

/** The path of `values` against `steps` in a `width`×`height` box with `pad` pixels inside. */
export function sparkline(
  steps: readonly number[],
  values: readonly MetricValue[],
  width: number,
  height: number,
  pad = 4,
): SparklineGeometry | null {
  const finite: [number, number][] = [];
  for (let i = 0; i < steps.length; i++) {
    const v = metricNumber(values[i]!);
    if (Number.isFinite(v)) finite.push([steps[i]!, v]);
  }
  if (finite.length === 0) return null;
  let minStep = Infinity;
  let maxStep = -Infinity;
  let minValue = Infinity;
  let maxValue = -Infinity;
  for (const [s, v] of finite) {
    minStep = Math.min(minStep, s);
    maxStep = Math.max(maxStep, s);
    minValue = Math.min(minValue, v);
    maxValue = Math.max(maxValue, v);
  }
  const x = scale(minStep, maxStep, pad, width - pad);
  const y = scale(minValue, maxValue, height - pad, pad);
  let path = '';
  let drawing = false;
  for (let i = 0; i < steps.length; i++) {
    const v = metricNumber(values[i]!);
    if (!Number.isFinite(v)) {
      drawing = false;
      continue;
    }
    path += `${drawing ? 'L' : 'M'}${round(x(steps[i]!))},${round(y(v))}`;
    drawing = true;
  }
  // A lone point still shows: a tiny horizontal stroke.
  if (finite.length === 1) path += 'h0.01';
  return { path, minStep, maxStep, minValue, maxValue };
}

/** The index of the point whose step is nearest `step` (steps ascending, as histories are). */
export function nearestIndex(steps: readonly number[], step: number): number {
  if (steps.length === 0) return -1;
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]! < step) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(steps[lo - 1]! - step) <= Math.abs(steps[lo]! - step)) return lo - 1;
  return lo;
}

/** A linear map from [d0, d1] to [r0, r1]; a flat domain maps to the middle. */
export function scale(d0: number, d1: number, r0: number, r1: number): (value: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
