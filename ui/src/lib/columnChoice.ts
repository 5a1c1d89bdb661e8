// Which columns the runs table shows, and in what order: the user's choice, remembered per
// experiment selection (localStorage). Columns the choice does not mention (a param that first
// appears later) show after the chosen ones, in their natural order; the name column always shows.
// Provenance columns empty for every loaded run (Commit, Data hash of runs logged through MLflow)
// are hidden by default, until the user shows them.
import type { RunRow } from './backend/backend';
import type { Column } from './columns';

/** The user's choice: column ids hidden, the order of the columns they moved, and the columns
 *  hidden by default (empty) that they chose to show. */
export interface ColumnChoice {
  hidden: string[];
  order: string[];
  shown?: string[];
}

export const NO_CHOICE: ColumnChoice = { hidden: [], order: [] };

/** Columns hidden unless the user shows them: provenance columns no loaded run has a value in,
 *  and the user when every loaded run has the same one (one person's store says nothing new).
 *  With no runs loaded there is nothing to judge by, and nothing is hidden. */
export function emptyColumns(runs: readonly RunRow[]): string[] {
  if (runs.length === 0) return [];
  const empty: string[] = [];
  if (new Set(runs.map((run) => run.user_id ?? '')).size < 2) empty.push('attr:user');
  if (runs.every((run) => !run.source_kind)) empty.push('attr:source');
  if (runs.every((run) => !run.git_commit)) empty.push('attr:commit');
  if (runs.every((run) => !run.data_hash)) empty.push('attr:data');
  return empty;
}

/** Whether a column is hidden under `choice`, given the columns hidden by default. */
export function isHidden(choice: ColumnChoice, columnId: string, hiddenByDefault: readonly string[] = []): boolean {
  if (columnId === PINNED_COLUMN) return false;
  if (choice.hidden.includes(columnId)) return true;
  return hiddenByDefault.includes(columnId) && !(choice.shown ?? []).includes(columnId);
}

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
export function visibleColumns(
  columns: readonly Column[],
  choice: ColumnChoice,
  hiddenByDefault: readonly string[] = [],
): Column[] {
  return orderedColumns(columns, choice).filter((c) => !isHidden(choice, c.id, hiddenByDefault));
}

/** Shows or hides a column (showing one hidden by default remembers that it was asked for). */
export function toggleColumn(
  choice: ColumnChoice,
  columnId: string,
  hiddenByDefault: readonly string[] = [],
): ColumnChoice {
  if (columnId === PINNED_COLUMN) return choice;
  const shown = (choice.shown ?? []).filter((id) => id !== columnId);
  const hidden = choice.hidden.filter((id) => id !== columnId);
  if (isHidden(choice, columnId, hiddenByDefault)) {
    return withShown({ ...choice, hidden }, hiddenByDefault.includes(columnId) ? [...shown, columnId] : shown);
  }
  return withShown({ ...choice, hidden: [...hidden, columnId] }, shown);
}

/** Shows every column, the ones hidden by default included. */
export function showAll(choice: ColumnChoice, hiddenByDefault: readonly string[]): ColumnChoice {
  return withShown({ hidden: [], order: choice.order }, [...hiddenByDefault]);
}

function withShown(choice: ColumnChoice, shown: string[]): ColumnChoice {
  const bare: ColumnChoice = { hidden: choice.hidden, order: choice.order };
  return shown.length > 0 ? { ...bare, shown } : bare;
}

/** True when the choice says nothing (the defaults apply). */
export function isNoChoice(choice: ColumnChoice): boolean {
  return choice.hidden.length === 0 && choice.order.length === 0 && (choice.shown ?? []).length === 0;
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

/** Keeps only the strings of a list read from outside (storage, a URL). */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
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
    const parsed = JSON.parse(text) as Partial<ColumnChoice> | null;
    if (parsed === null || typeof parsed !== 'object') return NO_CHOICE;
    return withShown({ hidden: stringList(parsed.hidden), order: stringList(parsed.order) }, stringList(parsed.shown));
  } catch {
    return NO_CHOICE;
  }
}

/** Remembers a choice; an empty choice is forgotten. */
export function saveChoice(storage: KeyValueStorage | undefined, key: string, choice: ColumnChoice): void {
  try {
    if (isNoChoice(choice)) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(choice));
  } catch {
    // Storage full or disabled: the choice lasts for this session only.
  }
}
