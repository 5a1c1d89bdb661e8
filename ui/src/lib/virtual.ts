// Which rows of a long list to render: only those in the viewport, plus a few either side.

export interface VisibleRange {
  /** First row to render (inclusive). */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** Height of the blank space above the rendered rows, in pixels. */
  paddingTop: number;
  /** Height of the blank space below the rendered rows, in pixels. */
  paddingBottom: number;
}

export function visibleRange(
  rowCount: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan = 8,
): VisibleRange {
  if (rowCount <= 0 || rowHeight <= 0) {
    return { start: 0, end: 0, paddingTop: 0, paddingBottom: 0 };
  }
  const firstVisible = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visibleCount = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.min(rowCount, Math.max(0, firstVisible - overscan));
  const end = Math.min(rowCount, firstVisible + visibleCount + overscan);
  return {
    start,
    end,
    paddingTop: start * rowHeight,
    paddingBottom: (rowCount - end) * rowHeight,
  };
}

/**
 * How many rows a `visibleRange` of this viewport can hold at most. Keying rendered rows by
 * `rowSlot(index, slots)` reuses a row's elements: the row scrolled out at one end comes back as
 * the row scrolled in at the other, and a new query refills the same rows instead of rebuilding
 * them. Slots stay unique within any range, since a range is never longer than `slots`.
 */
export function rowSlots(rowHeight: number, viewportHeight: number, overscan = 8): number {
  if (rowHeight <= 0) return 1;
  return Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1 + 2 * overscan;
}

/** The slot (the key of the rendered row) of the row at `index`; see `rowSlots`. */
export function rowSlot(index: number, slots: number): number {
  return index % Math.max(1, slots);
}
