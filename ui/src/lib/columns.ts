// The runs table's columns and sorting: which columns exist, how each maps to an MLflow
// `order_by` clause (`metrics.val_acc DESC`, `attributes.start_time ASC`, `params.lr ASC`), and
// what clicking a header does.

export type SortDirection = 'ASC' | 'DESC';

export type ColumnKind = 'attribute' | 'param' | 'metric';

export interface Column {
  /** Unique id: `attr:start`, `param:lr`, `metric:val_acc`. */
  id: string;
  kind: ColumnKind;
  /** The param or metric key, or the attribute's name. */
  key: string;
  label: string;
  /** The `order_by` field (`attributes.start_time`, `params.lr`), or null when not sortable. */
  sortField: string | null;
  /** Width in pixels. */
  width: number;
  align: 'left' | 'right';
}

/** The fixed columns before metrics and params. */
export const ATTRIBUTE_COLUMNS: readonly Column[] = [
  attribute('name', 'Name', 'attributes.run_name', 220),
  attribute('status', 'Status', 'attributes.status', 104),
  attribute('start', 'Start', 'attributes.start_time', 148),
  attribute('duration', 'Duration', null, 100, 'right'),
];

/** Who ran it and where it came from: after metrics and params, since runs logged through
 *  MLflow may leave them empty (then they are hidden by default). */
export const PROVENANCE_COLUMNS: readonly Column[] = [
  attribute('user', 'User', 'attributes.user_id', 96),
  attribute('source', 'Source', null, 112),
  attribute('commit', 'Commit', null, 92),
  attribute('data', 'Data hash', null, 96),
];

export const PARAM_COLUMN_WIDTH = 120;
export const METRIC_COLUMN_WIDTH = 112;

function attribute(
  key: string,
  label: string,
  sortField: string | null,
  width: number,
  align: 'left' | 'right' = 'left',
): Column {
  return { id: `attr:${key}`, kind: 'attribute', key, label, sortField, width, align };
}

/** All columns for a page of runs: the attributes, one per metric, one per param, then
 *  provenance (source, commit, data hash). */
export function buildColumns(paramKeys: readonly string[], metricKeys: readonly string[]): Column[] {
  return [
    ...ATTRIBUTE_COLUMNS,
    ...metricKeys.map(
      (key): Column => ({
        id: `metric:${key}`,
        kind: 'metric',
        key,
        label: key,
        sortField: `metrics.${quoteKey(key)}`,
        width: METRIC_COLUMN_WIDTH,
        align: 'right',
      }),
    ),
    ...paramKeys.map(
      (key): Column => ({
        id: `param:${key}`,
        kind: 'param',
        key,
        label: key,
        sortField: `params.${quoteKey(key)}`,
        width: PARAM_COLUMN_WIDTH,
        align: 'left',
      }),
    ),
    ...PROVENANCE_COLUMNS,
  ];
}

/** A key as MLflow's grammar wants it: bare when it is a plain identifier, else in backticks. */
export function quoteKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `\`${key}\``;
}

/** The current sort as the table shows it: which field, which way. */
export interface SortState {
  field: string;
  direction: SortDirection;
}

/** Reads the first `order_by` clause (`metrics.val_acc DESC`); a clause without a direction is ASC. */
export function parseOrderBy(orderBy: readonly string[]): SortState | null {
  const first = orderBy[0]?.trim();
  if (!first) return null;
  const match = /^(.*?)\s+(ASC|DESC)$/i.exec(first);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    return { field: match[1], direction: match[2].toUpperCase() as SortDirection };
  }
  return { field: first, direction: 'ASC' };
}

/**
 * What clicking a column header does to `order_by`: a new column sorts in its natural direction
 * (metrics and start time: highest first; names and params: A→Z); clicking the sorted column
 * again flips it. Columns that cannot be sorted leave `order_by` as it is.
 */
export function toggleOrderBy(orderBy: readonly string[], column: Column): string[] {
  if (column.sortField === null) return [...orderBy];
  const current = parseOrderBy(orderBy);
  let direction: SortDirection;
  if (current && current.field === column.sortField) {
    direction = current.direction === 'ASC' ? 'DESC' : 'ASC';
  } else {
    direction = naturalDirection(column);
  }
  return [`${column.sortField} ${direction}`];
}

export function naturalDirection(column: Column): SortDirection {
  return column.kind === 'metric' || column.id === 'attr:start' ? 'DESC' : 'ASC';
}

/** The direction `column` is sorted in under `orderBy`, or null when it is not the sort column. */
export function sortDirectionOf(orderBy: readonly string[], column: Column): SortDirection | null {
  const current = parseOrderBy(orderBy);
  if (!current || column.sortField === null) return null;
  return current.field === column.sortField ? current.direction : null;
}
