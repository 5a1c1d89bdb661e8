// The Monitoring tab's numbers over time: the drift share and each performance metric per batch
// (oldest first), the alert thresholds drawn on each chart and whether a batch breaks them, and
// the trend charts' plot geometry and ticks (the `PlotGeometry` that chartGeometry's `toPixel`
// maps through). Pure: no DOM.
import type { PlotGeometry } from '../../backend/charts';
import type { AlertView, BatchView } from '../../backend/monitoring';

/** One batch's value on a trend chart. */
export interface TrendPoint {
  /** The batch's position, oldest 0 (the x axis). */
  index: number;
  value: number;
  batch: BatchView;
  /** Whether the value breaks one of the chart's alerts. */
  broken: boolean;
}

/** A horizontal line across a trend chart. */
export interface ThresholdLine {
  value: number;
  label: string;
}

/** The performance metrics in the order their charts appear; others follow by name. */
const METRIC_ORDER = ['accuracy', 'f1', 'auc', 'mae', 'rmse'];

/** Whether `value` breaks `alert` (`>=` wants at least its value, `<=` at most). */
export function alertBreaks(alert: Pick<AlertView, 'op' | 'value'>, value: number): boolean {
  return alert.op === '<=' ? value > alert.value : value < alert.value;
}

/** `accuracy ≥ 0.8`. */
export function alertText(alert: AlertView): string {
  return `${alert.metric} ${alert.op === '<=' ? '≤' : '≥'} ${alert.value}`;
}

/** A batch's value of metric `name`, or null when it has none (or a non-finite one). */
export function metricValue(batch: BatchView, name: string): number | null {
  const value = batch.metrics.find((metric) => metric.name === name)?.value;
  return value === undefined || value === null || !Number.isFinite(value) ? null : value;
}

/** The performance metrics some batch has a value of, in chart order. */
export function metricNames(batches: readonly BatchView[]): string[] {
  const present = new Set<string>();
  for (const batch of batches) {
    for (const metric of batch.metrics) if (metricValue(batch, metric.name) !== null) present.add(metric.name);
  }
  const known = METRIC_ORDER.filter((name) => present.has(name));
  const others = [...present].filter((name) => !METRIC_ORDER.includes(name)).sort();
  return [...known, ...others];
}

function breaksAny(alerts: readonly AlertView[], metric: string, value: number): boolean {
  return alerts.some((alert) => alert.metric === metric && alertBreaks(alert, value));
}

/** The drift share of each batch; a batch whose dataset drifted, or that breaks a drift_share alert, is broken. */
export function driftSharePoints(batches: readonly BatchView[], alerts: readonly AlertView[] = []): TrendPoint[] {
  return batches.map((batch, index) => ({
    index,
    value: batch.drift_share,
    batch,
    broken: batch.dataset_drift || breaksAny(alerts, 'drift_share', batch.drift_share),
  }));
}

/** Metric `name` of each batch that has it. */
export function metricPoints(batches: readonly BatchView[], name: string, alerts: readonly AlertView[] = []): TrendPoint[] {
  const points: TrendPoint[] = [];
  batches.forEach((batch, index) => {
    const value = metricValue(batch, name);
    if (value !== null) points.push({ index, value, batch, broken: breaksAny(alerts, name, value) });
  });
  return points;
}

/** The alert lines of `metric`'s chart. */
export function alertLines(alerts: readonly AlertView[], metric: string): ThresholdLine[] {
  return alerts.filter((alert) => alert.metric === metric).map((alert) => ({ value: alert.value, label: `alert ${alertText(alert)}` }));
}

/** The names of a batch's drifted columns. */
export function driftedColumns(batch: BatchView): string[] {
  return batch.scores.filter((score) => score.drifted).map((score) => score.column);
}

/**
 * The batches the table lists, newest first: the newest `limit` unless `all`, and always the
 * selected one (an older batch opened from a link).
 */
export function tableBatches(batches: readonly BatchView[], limit: number, all: boolean, selected?: string): BatchView[] {
  const newestFirst = [...batches].reverse();
  if (all || newestFirst.length <= limit) return newestFirst;
  const shown = newestFirst.slice(0, limit);
  const chosen = selected === undefined ? undefined : newestFirst.slice(limit).find((batch) => batch.id === selected);
  return chosen === undefined ? shown : [...shown, chosen];
}

/** The points drawn as dots: all of them while there is room, else only those that break an alert or are selected. */
export function dotted(points: readonly TrendPoint[], plotWidth: number, selected?: string): TrendPoint[] {
  if (points.length * 10 <= plotWidth) return [...points];
  return points.filter((point) => point.broken || point.batch.id === selected);
}

/** Room around a trend chart's plot for its axis labels, in pixels. */
export const TREND_MARGIN = { left: 46, right: 14, top: 12, bottom: 26 };

/**
 * The plot of a trend chart `width` × `height` pixels over `count` batches: one slot per batch
 * on x, and on y the `values` and `lines` with some room (or at least `fixed`, e.g. [0, 1] for
 * shares).
 */
export function trendGeometry(
  count: number,
  values: readonly number[],
  lines: readonly number[],
  width: number,
  height: number,
  fixed?: [number, number],
): PlotGeometry {
  const all = [...values, ...lines].filter(Number.isFinite);
  let low = all.length > 0 ? Math.min(...all) : 0;
  let high = all.length > 0 ? Math.max(...all) : 1;
  if (fixed !== undefined) {
    low = Math.min(low, fixed[0]);
    high = Math.max(high, fixed[1]);
  } else {
    const pad = high > low ? (high - low) * 0.15 : Math.max(Math.abs(high) * 0.1, 0.05);
    low -= pad;
    high += pad;
    const step = tickStep(low, high);
    low = Math.floor(low / step) * step;
    high = Math.ceil(high / step) * step;
  }
  return {
    left_px: TREND_MARGIN.left,
    top_px: TREND_MARGIN.top,
    right_px: Math.max(TREND_MARGIN.left + 1, width - TREND_MARGIN.right),
    bottom_px: Math.max(TREND_MARGIN.top + 1, height - TREND_MARGIN.bottom),
    x_range: [-0.5, Math.max(count, 1) - 0.5],
    y_range: [low, high],
    x_scale: 'linear',
    y_scale: 'linear',
  };
}

/** A round step (1, 2, 2.5 or 5 × 10ⁿ) giving about `target` intervals over [low, high]. */
function tickStep(low: number, high: number, target = 4): number {
  const raw = (high - low) / target;
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10;
  return step * power;
}

/** About `target` round values from `low` to `high`, both included when round. */
export function niceTicks(low: number, high: number, target = 4): number[] {
  if (!(high > low)) return Number.isFinite(low) ? [low] : [];
  const step = tickStep(low, high, target);
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step - 1e-9) * step; tick <= high + step * 1e-9; tick += step) {
    ticks.push(Number(tick.toPrecision(12)));
  }
  return ticks;
}

/** About how wide a batch label of `chars` characters is drawn (10.5 px text), with room around it. */
export function labelWidth(chars: number): number {
  return chars * 6.2 + 14;
}

/** Label every n-th batch on x so that labels `labelPx` wide fit in `plotWidth` pixels. */
export function labelStride(count: number, plotWidth: number, labelPx = labelWidth(12)): number {
  if (count <= 0 || plotWidth <= 0) return 1;
  return Math.max(1, Math.ceil((count * labelPx) / plotWidth));
}
