// Zooming and legend toggles on line charts drawn by cairn-chart: which x range a drag across
// the plot selects (in data units, from the chart's `PlotGeometry`), where the selection
// rectangle is drawn while dragging, and which runs the legend has toggled off. Pure: no DOM.
import type { PlotGeometry } from './backend/charts';
import { toData } from './chartGeometry';

/** A drag shorter than this (image pixels) is a click, not a zoom. */
export const DRAG_THRESHOLD_PX = 4;

/** Clamps an image pixel column to the plot area. */
export function clampToPlot(g: PlotGeometry, px: number): number {
  return Math.min(g.right_px, Math.max(g.left_px, px));
}

/**
 * The selection rectangle of a drag from image pixel column `fromPx` to `toPx`, clamped to the
 * plot: its left edge and width in image pixels.
 */
export function selectionBox(g: PlotGeometry, fromPx: number, toPx: number): { left: number; width: number } {
  const [a, b] = [clampToPlot(g, fromPx), clampToPlot(g, toPx)];
  return { left: Math.min(a, b), width: Math.abs(b - a) };
}

/**
 * The x range a drag from `fromPx` to `toPx` (image pixel columns) selects, low end first,
 * clamped to the plot; null for a drag shorter than `DRAG_THRESHOLD_PX` or one that selects no
 * width. With `wholeUnits` (a step axis) the ends round outward to whole steps.
 */
export function dragRange(
  g: PlotGeometry,
  fromPx: number,
  toPx: number,
  wholeUnits = false,
): [number, number] | null {
  const [a, b] = [clampToPlot(g, fromPx), clampToPlot(g, toPx)];
  if (Math.abs(b - a) < DRAG_THRESHOLD_PX) return null;
  let low = toData(g, Math.min(a, b), g.top_px).x;
  let high = toData(g, Math.max(a, b), g.top_px).x;
  if (wholeUnits) {
    low = Math.floor(low);
    high = Math.ceil(high);
  }
  if (!(Number.isFinite(low) && Number.isFinite(high)) || !(low < high)) return null;
  return [low, high];
}

/** `hidden` with `runId` toggled: shown again if it was hidden, hidden otherwise. Order follows `runIds`. */
export function toggleRun(hidden: readonly string[], runId: string, runIds: readonly string[]): string[] {
  const next = new Set(hidden);
  if (next.has(runId)) next.delete(runId);
  else next.add(runId);
  return runIds.filter((id) => next.has(id));
}

/** The hidden runs that are still on the chart (a run leaving the comparison leaves the list). */
export function keepHidden(hidden: readonly string[], runIds: readonly string[]): string[] {
  return hidden.filter((id) => runIds.includes(id));
}

/** Keys that zoom a focused line chart: in, out, pan (with Shift), and back to everything. */
const ZOOM_IN = new Set(['+', '=']);
const ZOOM_OUT = new Set(['-', '_']);
const RESET = new Set(['0', 'Escape']);

/**
 * What a key does to a focused line chart's zoom. `zoom` is the range shown now (null: all of
 * `full`, the chart's whole x range); `centre` where to zoom in around (the keyboard readout's x,
 * else the middle). + (or =) halves the width, − doubles it (everything again once it covers
 * `full`), Shift+←/→ pans a quarter of the width (whole steps on a step axis) within `full`, 0 or Esc shows everything. With
 * `wholeUnits` (a step axis) the ends round outward to whole steps and a range keeps at least
 * one step. Null when the key is not one of these or changes nothing.
 */
export function keyZoom(
  key: string,
  shift: boolean,
  zoom: readonly [number, number] | null,
  full: readonly [number, number],
  centre: number | null,
  wholeUnits = false,
): { range: [number, number] | null } | null {
  const [fullLow, fullHigh] = full;
  if (!(fullLow < fullHigh)) return null;
  const [low, high] = zoom ?? full;
  const width = high - low;
  if (RESET.has(key)) return zoom === null ? null : { range: null };
  let next: [number, number];
  if (ZOOM_IN.has(key) && !shift) {
    const at = Math.min(high, Math.max(low, centre ?? (low + high) / 2));
    const half = width / 4;
    next = [at - half, at + half];
  } else if (ZOOM_OUT.has(key)) {
    const middle = (low + high) / 2;
    next = [middle - width, middle + width];
  } else if (shift && (key === 'ArrowLeft' || key === 'ArrowRight')) {
    if (zoom === null) return null;
    // Whole steps on a step axis, so a pan keeps the width.
    const quarter = wholeUnits ? Math.max(1, Math.round(width / 4)) : width / 4;
    const by = key === 'ArrowLeft' ? -quarter : quarter;
    next = [low + by, high + by];
  } else {
    return null;
  }
  // Keep the width, slid back inside the whole range; whole steps on a step axis.
  const nextWidth = Math.min(next[1] - next[0], fullHigh - fullLow);
  if (next[0] < fullLow) next = [fullLow, fullLow + nextWidth];
  if (next[1] > fullHigh) next = [fullHigh - nextWidth, fullHigh];
  if (wholeUnits) {
    next = [Math.floor(next[0]), Math.ceil(next[1])];
    if (next[1] - next[0] < 1) next = [next[0], next[0] + 1];
  }
  if (next[0] <= fullLow && next[1] >= fullHigh) return zoom === null ? null : { range: null };
  if (zoom !== null && next[0] === zoom[0] && next[1] === zoom[1]) return null;
  return { range: next };
}
