// Which runs are selected in the runs table (for Compare) and which row has the keyboard focus:
// click selects one, Ctrl/Cmd-click toggles one, Shift-click selects the range from the anchor;
// the checkbox and Space toggle; arrows move the focus.

export interface RunSelection {
  /** Selected run ids, in the order they were selected. */
  selected: string[];
  /** Where a Shift-click range starts. */
  anchor: string | null;
}

export const EMPTY_SELECTION: RunSelection = { selected: [], anchor: null };

export interface ClickModifiers {
  /** Shift: select the range from the anchor. */
  range: boolean;
  /** Ctrl/Cmd (or the checkbox): add or remove one run. */
  toggle: boolean;
}

/** The selection after a click on `runId`; `order` is the table's current row order. */
export function clickRun(
  selection: RunSelection,
  order: readonly string[],
  runId: string,
  modifiers: ClickModifiers,
): RunSelection {
  if (modifiers.range && selection.anchor !== null) {
    const from = order.indexOf(selection.anchor);
    const to = order.indexOf(runId);
    if (from !== -1 && to !== -1) {
      const range = order.slice(Math.min(from, to), Math.max(from, to) + 1);
      const kept = modifiers.toggle ? selection.selected.filter((id) => !range.includes(id)) : [];
      return { selected: [...kept, ...range], anchor: selection.anchor };
    }
  }
  if (modifiers.toggle) return toggleRun(selection, runId);
  return { selected: [runId], anchor: runId };
}

/** Adds or removes one run (checkbox, Space, Ctrl-click). */
export function toggleRun(selection: RunSelection, runId: string): RunSelection {
  const selected = selection.selected.includes(runId)
    ? selection.selected.filter((id) => id !== runId)
    : [...selection.selected, runId];
  return { selected, anchor: runId };
}

/** Keeps only runs still on screen (after a new filter), in their selection order. */
export function keepVisible(selection: RunSelection, order: readonly string[]): RunSelection {
  const present = new Set(order);
  const selected = selection.selected.filter((id) => present.has(id));
  if (selected.length === selection.selected.length) return selection;
  return { selected, anchor: selection.anchor !== null && present.has(selection.anchor) ? selection.anchor : null };
}

/** The focused row after an arrow/Home/End/PageUp/PageDown key; `null` for other keys. */
export function moveFocus(focus: number, rowCount: number, key: string, pageRows: number): number | null {
  if (rowCount === 0) return null;
  const last = rowCount - 1;
  const start = focus < 0 ? -1 : Math.min(focus, last);
  switch (key) {
    case 'ArrowDown':
      return Math.min(last, start + 1);
    case 'ArrowUp':
      return Math.max(0, start - 1);
    case 'PageDown':
      return Math.min(last, Math.max(0, start) + pageRows);
    case 'PageUp':
      return Math.max(0, start - pageRows);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}

/** The scroll offset that brings row `index` into a viewport (rows below a sticky header). */
export function scrollToShow(
  index: number,
  rowHeight: number,
  headerHeight: number,
  scrollTop: number,
  viewportHeight: number,
): number {
  const top = index * rowHeight;
  const visibleHeight = Math.max(rowHeight, viewportHeight - headerHeight);
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + visibleHeight) return top + rowHeight - visibleHeight;
  return scrollTop;
}
