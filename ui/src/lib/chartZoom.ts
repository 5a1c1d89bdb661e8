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
