// Pixel ↔ data mapping for charts rendered by cairn-chart, from the `PlotGeometry` each chart
// command returns, and reading each run's value under the cursor. Pure: no DOM.
import type { ChartRun, ChartSeries, PlotGeometry } from './backend/charts';

type Scale = PlotGeometry['x_scale'];

function forward(scale: Scale, value: number): number {
  return scale === 'log10' ? Math.log10(value) : value;
}

function inverse(scale: Scale, value: number): number {
  return scale === 'log10' ? 10 ** value : value;
}

function fraction(value: number, [low, high]: [number, number], scale: Scale): number {
  const [v, l, h] = [forward(scale, value), forward(scale, low), forward(scale, high)];
  return h === l ? 0.5 : (v - l) / (h - l);
}

/** Where a data point is drawn, in image pixels (y down), unrounded. */
export function toPixel(g: PlotGeometry, x: number, y: number): { x: number; y: number } {
  const width = g.right_px - g.left_px;
  const height = g.bottom_px - g.top_px;
  return {
    x: g.left_px + fraction(x, g.x_range, g.x_scale) * width,
    y: g.bottom_px - fraction(y, g.y_range, g.y_scale) * height,
  };
}

/** The data point under an image pixel. */
export function toData(g: PlotGeometry, px: number, py: number): { x: number; y: number } {
  const width = Math.max(g.right_px - g.left_px, 1);
  const height = Math.max(g.bottom_px - g.top_px, 1);
  const value = (f: number, [low, high]: [number, number], scale: Scale) => {
    const [l, h] = [forward(scale, low), forward(scale, high)];
    return inverse(scale, l + f * (h - l));
  };
  return {
    x: value((px - g.left_px) / width, g.x_range, g.x_scale),
    y: value((g.bottom_px - py) / height, g.y_range, g.y_scale),
  };
}

/** Whether an image pixel lies in the plot area (edges included). */
export function insidePlot(g: PlotGeometry, px: number, py: number): boolean {
  return px >= g.left_px && px <= g.right_px && py >= g.top_px && py <= g.bottom_px;
}

/**
 * An element-relative mouse position in image pixels, when the image of `imageWidth` ×
 * `imageHeight` is shown stretched to `shownWidth` × `shownHeight` (between a resize and the
 * re-rendered chart).
 */
export function toImagePixel(
  offsetX: number,
  offsetY: number,
  shown: { width: number; height: number },
  image: { width: number; height: number },
): { x: number; y: number } {
  const sx = shown.width > 0 ? image.width / shown.width : 1;
  const sy = shown.height > 0 ? image.height / shown.height : 1;
  return { x: offsetX * sx, y: offsetY * sy };
}

/** The point of `points` whose x is nearest to `x`; ties keep the first. Null when empty. */
export function nearestPoint(points: readonly [number, number][], x: number): [number, number] | null {
  let best: [number, number] | null = null;
  let bestDistance = Infinity;
  for (const point of points) {
    const distance = Math.abs(point[0] - x);
    if (distance < bestDistance) {
      best = point;
      bestDistance = distance;
    }
  }
  return best;
}

/** One run's value at the hovered x. */
export interface ReadoutRow {
  run_id: string;
  name: string;
  colour: string;
  x: number;
  value: number;
}

/**
 * Each run's point nearest to `x`, in the chart's run order; runs with no point within
 * `maxDistance` (in x units) are left out.
 */
export function readout(
  runs: readonly ChartRun[],
  series: readonly ChartSeries[],
  x: number,
  maxDistance = Infinity,
): ReadoutRow[] {
  const byRun = new Map(series.map((s) => [s.run_id, s.points]));
  const rows: ReadoutRow[] = [];
  for (const run of runs) {
    const point = nearestPoint(byRun.get(run.run_id) ?? [], x);
    if (point === null || Math.abs(point[0] - x) > maxDistance) continue;
    rows.push({ run_id: run.run_id, name: run.name, colour: run.colour, x: point[0], value: point[1] });
  }
  return rows;
}

/** Every x at which a drawn series has a point, ascending, once each: the stops of the keyboard readout. */
export function readoutStops(series: readonly ChartSeries[]): number[] {
  const xs = new Set<number>();
  for (const s of series) for (const [x] of s.points) if (Number.isFinite(x)) xs.add(x);
  return [...xs].sort((a, b) => a - b);
}

/** The index of the stop nearest `x` in ascending `stops` (the earlier on a tie); null when there are none. */
export function nearestStop(stops: readonly number[], x: number): number | null {
  if (stops.length === 0) return null;
  let low = 0;
  let high = stops.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (stops[middle]! < x) low = middle + 1;
    else high = middle;
  }
  if (low > 0 && Math.abs(stops[low - 1]! - x) <= Math.abs(stops[low]! - x)) return low - 1;
  return low;
}

/** Keys that move the keyboard readout, and how far a page moves it (a tenth of the stops). */
const READOUT_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);

/**
 * Where the keyboard readout goes from stop `current` (null: not shown yet) of `count` on `key`:
 * ←/→ one stop, PageUp/PageDown a tenth of them, Home/End the first and last. From nothing, →
 * and Home start at the first stop and ← and End at the last. Null when the key does not move
 * the readout or there are no stops; moves stop at the ends.
 */
export function moveReadout(current: number | null, count: number, key: string): number | null {
  if (count === 0 || !READOUT_KEYS.has(key)) return null;
  const last = count - 1;
  const page = Math.max(1, Math.round(count / 10));
  if (key === 'Home') return 0;
  if (key === 'End') return last;
  if (current === null) return key === 'ArrowRight' || key === 'PageDown' ? 0 : last;
  const step = key === 'ArrowRight' ? 1 : key === 'ArrowLeft' ? -1 : key === 'PageDown' ? page : -page;
  return Math.min(last, Math.max(0, current + step));
}

/** A chart value as the readout shows it: five significant digits, exponents when tiny or huge. */
export function formatChartValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-3)) return value.toExponential(3);
  return Number(value.toPrecision(5)).toString();
}

/** The readout in words, for screen readers: `val_acc at step 40: run-a 0.81, run-b 0.79`. */
export function describeReadout(metric: string, at: string, rows: readonly ReadoutRow[]): string {
  const values = rows.map((row) => `${row.name || row.run_id} ${formatChartValue(row.value)}`);
  return `${metric} at ${at}: ${values.length > 0 ? values.join(', ') : 'no value'}`;
}
