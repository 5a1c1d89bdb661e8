// Tables logged by `mlflow.log_table`: pandas `orient="split"` JSON (`{"columns": [...],
// "data": [[...], ...]}`), the run's list of them in the `mlflow.loggedArtifacts` tag, and the
// sort a table view applies when a header is clicked (numbers numerically, text by locale).

/** The JSON list tag where `mlflow.log_table` records the tables it wrote. */
export const LOGGED_ARTIFACTS_TAG = 'mlflow.loggedArtifacts';

/** A cell as JSON gave it. */
export type Cell = string | number | boolean | null | object;

/** A table read from split JSON. */
export interface SplitTable {
  columns: string[];
  /** Rows kept (at most `maxRows`), each as long as `columns`. */
  rows: Cell[][];
  /** All rows in the file. */
  totalRows: number;
}

export type SplitTableResult = { ok: true; table: SplitTable } | { ok: false; error: string };

/** Reads pandas split JSON; the error names the field that is wrong. */
export function parseSplitTable(text: string, maxRows = Infinity): SplitTableResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (thrown) {
    return { ok: false, error: `not JSON: ${thrown instanceof Error ? thrown.message : String(thrown)}` };
  }
  return splitTableOf(value, maxRows);
}

/** The table in an already parsed JSON value (see `parseSplitTable`). */
export function splitTableOf(value: unknown, maxRows = Infinity): SplitTableResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'expected an object with "columns" and "data"' };
  }
  const record = value as Record<string, unknown>;
  const columns = record.columns;
  const data = record.data;
  if (!Array.isArray(columns)) return { ok: false, error: '"columns" must be a list' };
  if (!Array.isArray(data)) return { ok: false, error: '"data" must be a list of rows' };
  const names: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const name: unknown = columns[i];
    if (typeof name === 'string' || typeof name === 'number') names.push(String(name));
    else return { ok: false, error: `"columns"[${i}] must be a string or a number` };
  }
  const rows: Cell[][] = [];
  for (let r = 0; r < data.length; r++) {
    const row: unknown = data[r];
    if (!Array.isArray(row)) return { ok: false, error: `"data"[${r}] must be a list` };
    if (row.length !== names.length) {
      return { ok: false, error: `"data"[${r}] has ${row.length} cells, but there are ${names.length} columns` };
    }
    if (rows.length < maxRows) rows.push(row as Cell[]);
  }
  return { ok: true, table: { columns: names, rows, totalRows: data.length } };
}

/** True when the JSON text has the split shape (so a `.json` preview can show it as a table). */
export function looksLikeSplitTable(text: string): boolean {
  return parseSplitTable(text, 0).ok;
}

/** Paths of the tables a run logged with `mlflow.log_table`, read from its
 *  `mlflow.loggedArtifacts` tag; entries of another type or shape are skipped. */
export function loggedTablePaths(tags: Record<string, string>): string[] {
  const raw = tags[LOGGED_ARTIFACTS_TAG];
  if (raw === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  const paths = new Set<string>();
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { path, type } = item as Record<string, unknown>;
    if (type === 'table' && typeof path === 'string' && path !== '') paths.add(path);
  }
  return [...paths].sort();
}

/** A cell as text: `null` as empty, objects as JSON. */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'object') return JSON.stringify(cell);
  return String(cell);
}

/** How a table is sorted: by which column, which way. */
export interface TableSort {
  column: number;
  descending: boolean;
}

/** The next sort after a click on `column`: ascending first, then descending, then unsorted. */
export function nextSort(current: TableSort | null, column: number): TableSort | null {
  if (current === null || current.column !== column) return { column, descending: false };
  if (!current.descending) return { column, descending: true };
  return null;
}

/** The rows in the order of `sort` (a new array; the rows' original order breaks ties). Numbers
 *  (and numeric strings) sort numerically before text; empty cells go last either way. */
export function sortRows(rows: readonly Cell[][], sort: TableSort | null): Cell[][] {
  if (sort === null) return [...rows];
  const keyed = rows.map((row, index) => ({ row, index, key: sortKey(row[sort.column] ?? null) }));
  const sign = sort.descending ? -1 : 1;
  keyed.sort((a, b) => {
    if (a.key === null || b.key === null) {
      if (a.key === null && b.key === null) return a.index - b.index;
      return a.key === null ? 1 : -1;
    }
    const order = compareKeys(a.key, b.key);
    return order !== 0 ? sign * order : a.index - b.index;
  });
  return keyed.map((item) => item.row);
}

type SortKey = { number: number } | { text: string };

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function sortKey(cell: Cell): SortKey | null {
  if (cell === null || cell === '') return null;
  if (typeof cell === 'number') return Number.isNaN(cell) ? null : { number: cell };
  if (typeof cell === 'boolean') return { number: cell ? 1 : 0 };
  if (typeof cell === 'string') {
    const trimmed = cell.trim();
    const number = trimmed === '' ? NaN : Number(trimmed);
    return Number.isNaN(number) ? { text: cell } : { number };
  }
  return { text: JSON.stringify(cell) };
}

function compareKeys(a: SortKey, b: SortKey): number {
  if ('number' in a && 'number' in b) return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
  if ('number' in a) return -1;
  if ('number' in b) return 1;
  return collator.compare(a.text, b.text);
}
