// Which columns the runs table shows, and in what order: the user's choice, remembered per
// experiment selection (localStorage). Columns the choice does not mention (a param that first
// appears later) show after the chosen ones, in their natural order; the name column always shows.
import type { Column } from './columns';

/** The user's choice: column ids hidden, and the order of the columns they moved. */
export interface ColumnChoice {
  hidden: string[];
  order: string[];
}

export const NO_CHOICE: ColumnChoice = { hidden: [], order: [] };

/** The column that can be neither hidden nor moved. */
export const PINNED_COLUMN = 'attr:name';

/** The storage key for a selection of experiments (order does not matter). */
export function choiceKey(experimentIds: readonly string[]): string {
  return `cairn.columns.${[...experimentIds].sort().join(',')}`;
}

/** All columns in the chosen order, hidden ones included. */
export function orderedColumns(columns: readonly Column[], choice: ColumnChoice): Column[] {
  const rank = new Map(choice.order.map((id, index) => [id, index]));
  const natural = new Map(columns.map((column, index) => [column.id, index]));
  return [...columns].sort((a, b) => {
    if (a.id === PINNED_COLUMN) return -1;
    if (b.id === PINNED_COLUMN) return 1;
    const ra = rank.get(a.id);
    const rb = rank.get(b.id);
    if (ra !== undefined && rb !== undefined) return ra - rb;
    if (ra !== undefined) return -1;
    if (rb !== undefined) return 1;
    return (natural.get(a.id) ?? 0) - (natural.get(b.id) ?? 0);
  });
}

/** The columns to show, in order. */
export function visibleColumns(columns: readonly Column[], choice: ColumnChoice): Column[] {
  const hidden = new Set(choice.hidden);
  return orderedColumns(columns, choice).filter((c) => c.id === PINNED_COLUMN || !hidden.has(c.id));
}

/** Shows or hides a column. */
export function toggleColumn(choice: ColumnChoice, columnId: string): ColumnChoice {
  if (columnId === PINNED_COLUMN) return choice;
  const hidden = choice.hidden.includes(columnId)
    ? choice.hidden.filter((id) => id !== columnId)
    : [...choice.hidden, columnId];
  return { ...choice, hidden };
}

/** Shows only the columns of one kind group, or all of them. */
export function setHidden(choice: ColumnChoice, columnIds: readonly string[], hidden: boolean): ColumnChoice {
  const ids = columnIds.filter((id) => id !== PINNED_COLUMN);
  const rest = choice.hidden.filter((id) => !ids.includes(id));
  return { ...choice, hidden: hidden ? [...rest, ...ids] : rest };
}

/**
 * Moves a column one place up (`-1`) or down (`+1`) among `columns` as currently ordered; the
 * whole order is written down, so later columns keep their place.
 */
export function moveColumn(
  columns: readonly Column[],
  choice: ColumnChoice,
  columnId: string,
  delta: -1 | 1,
): ColumnChoice {
  const ids = orderedColumns(columns, choice).map((c) => c.id);
  const from = ids.indexOf(columnId);
  const to = from + delta;
  if (from <= 0 || to <= 0 || to >= ids.length) return choice;
  [ids[from], ids[to]] = [ids[to] as string, ids[from] as string];
  return { ...choice, order: ids.filter((id) => id !== PINNED_COLUMN) };
}

/** The minimal storage interface (window.localStorage satisfies it). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Reads a remembered choice; anything unreadable is no choice. */
export function loadChoice(storage: KeyValueStorage | undefined, key: string): ColumnChoice {
  try {
    const text = storage?.getItem(key);
    if (!text) return NO_CHOICE;
    const parsed = JSON.parse(text) as Partial<ColumnChoice>;
    const strings = (value: unknown) =>
      Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    return { hidden: strings(parsed.hidden), order: strings(parsed.order) };
  } catch {
    return NO_CHOICE;
  }
}

/** Remembers a choice; an empty choice is forgotten. */
export function saveChoice(storage: KeyValueStorage | undefined, key: string, choice: ColumnChoice): void {
  try {
    if (choice.hidden.length === 0 && choice.order.length === 0) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(choice));
  } catch {
    // Storage full or disabled: the choice lasts for this session only.
  }
}
