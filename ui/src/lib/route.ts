// Where the UI is, as the URL's hash: `#/runs`, `#/runs/<run id>`, `#/compare?runs=a,b`,
// `#/models`, `#/models/<name>`, a version's page `#/models/<name>/versions/<n>` and its
// Monitoring tab `#/models/<name>/versions/<n>/monitoring[?batch=<id>]`, `#/settings`, and with accounts `#/admin/users`,
// `#/admin/users/<name>`, `#/admin/groups`. Hash routes work the same in the desktop window
// (a file-like origin) and under `cairn serve`, and survive reloads and the back button.
// The runs view keeps its place in the query: `#/runs?exp=1,2&q=…&sort=…&group=…&hide=…&order=…&show=…`
// (each list item escaped on its own, so a comma inside a key survives). Anything garbled reads
// as the defaults, never as an error.
import type { ColumnChoice } from './columnChoice';

/** The runs view's place: what a reload or a shared link restores. */
export interface RunsPlace {
  /** The selected experiments' ids. */
  experiments: string[];
  /** The filter as the user typed it. */
  filter: string;
  /** MLflow `order_by` clauses. */
  orderBy: string[];
  /** The param the table is grouped by ('' for none). */
  groupBy: string;
  /** The column choice, or null when the URL names none (the remembered one applies). */
  columns: ColumnChoice | null;
}

export const EMPTY_PLACE: RunsPlace = { experiments: [], filter: '', orderBy: [], groupBy: '', columns: null };

export type Route =
  | { view: 'runs'; place?: RunsPlace }
  | { view: 'run'; runId: string }
  | { view: 'compare'; runIds: string[] }
  | { view: 'models' }
  | { view: 'model'; name: string }
  | { view: 'version'; name: string; version: number; tab: VersionTab; batch?: string }
  | { view: 'settings' }
  | { view: 'admin'; tab: AdminTab; user?: string };

/** A model version page's tabs. */
export type VersionTab = 'overview' | 'monitoring';

/** The administration screens' tabs. */
export type AdminTab = 'users' | 'groups';

/** The route a hash (`#/runs/abc`, with or without `#`) names; anything unknown is the runs view. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const at = text.indexOf('?');
  const path = at < 0 ? text : text.slice(0, at);
  const query = at < 0 ? '' : text.slice(at + 1);
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map(decodeSegment);
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case 'runs':
      if (parts[1] !== undefined) return { view: 'run', runId: parts[1] };
      return query.trim() === '' ? { view: 'runs' } : { view: 'runs', place: parsePlace(query) };
    case 'compare': {
      const runIds = (params.get('runs') ?? '').split(',').filter((id) => id !== '');
      return { view: 'compare', runIds };
    }
    case 'models':
      if (parts[1] === undefined) return { view: 'models' };
      return parts[2] === 'versions' ? versionRoute(parts[1], parts.slice(3), params) : { view: 'model', name: parts[1] };
    case 'settings':
      return { view: 'settings' };
    case 'admin':
      if (parts[1] === 'groups') return { view: 'admin', tab: 'groups' };
      return parts[1] === 'users' && parts[2] !== undefined ? { view: 'admin', tab: 'users', user: parts[2] } : { view: 'admin', tab: 'users' };
    default:
      return { view: 'runs' };
  }
}

/** The hash for a route; `parseRoute(routeHash(r))` gives `r` back. */
export function routeHash(route: Route): string {
  switch (route.view) {
    case 'runs':
      return route.place === undefined ? '#/runs' : `#/runs${placeQuery(route.place)}`;
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}`;
    case 'compare':
      return `#/compare?runs=${route.runIds.map(encodeURIComponent).join(',')}`;
    case 'models':
      return '#/models';
    case 'model':
      return `#/models/${encodeURIComponent(route.name)}`;
    case 'version': {
      const page = `#/models/${encodeURIComponent(route.name)}/versions/${route.version}`;
      if (route.tab === 'overview') return page;
      return route.batch === undefined ? `${page}/monitoring` : `${page}/monitoring?batch=${encodeURIComponent(route.batch)}`;
    }
    case 'settings':
      return '#/settings';
    case 'admin':
      if (route.tab === 'groups') return '#/admin/groups';
      return route.user === undefined ? '#/admin/users' : `#/admin/users/${encodeURIComponent(route.user)}`;
  }
}

/** `versions/<n>[/monitoring]` of model `name`; a version that is not a positive integer is the model's page. */
function versionRoute(name: string, rest: string[], params: URLSearchParams): Route {
  const version = Number(rest[0]);
  if (rest[0] === undefined || !Number.isSafeInteger(version) || version < 1) return { view: 'model', name };
  if (rest[1] !== 'monitoring') return { view: 'version', name, version, tab: 'overview' };
  const batch = params.get('batch');
  return batch === null || batch === '' ? { view: 'version', name, version, tab: 'monitoring' } : { view: 'version', name, version, tab: 'monitoring', batch };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The runs view's place from a query string (`exp=1,2&q=…`); unknown or repeated fields are
 *  ignored (the first wins), a malformed escape is kept as typed. */
export function parsePlace(query: string): RunsPlace {
  const raw = new Map<string, string>();
  for (const pair of query.split('&')) {
    const at = pair.indexOf('=');
    const name = at < 0 ? pair : pair.slice(0, at);
    if (name !== '' && !raw.has(name)) raw.set(name, at < 0 ? '' : pair.slice(at + 1));
  }
  const text = (name: string) => decodeSegment(raw.get(name) ?? '');
  const list = (name: string) =>
    (raw.get(name) ?? '')
      .split(',')
      .map(decodeSegment)
      .filter((item) => item.trim() !== '');
  const hasColumns = raw.has('hide') || raw.has('order') || raw.has('show');
  let columns: ColumnChoice | null = null;
  if (hasColumns) {
    const shown = list('show');
    columns = { hidden: list('hide'), order: list('order'), ...(shown.length > 0 ? { shown } : {}) };
  }
  return {
    experiments: unique(list('exp')),
    filter: text('q').trim(),
    orderBy: list('sort'),
    groupBy: text('group'),
    columns,
  };
}

/** The query (`?exp=1&q=…`, or '' when every field is a default) that `parsePlace` reads back. */
export function placeQuery(place: RunsPlace): string {
  const fields: string[] = [];
  const list = (name: string, items: readonly string[]) => {
    if (items.length > 0) fields.push(`${name}=${items.map(encodeURIComponent).join(',')}`);
  };
  const text = (name: string, value: string) => {
    if (value !== '') fields.push(`${name}=${encodeURIComponent(value)}`);
  };
  list('exp', place.experiments);
  text('q', place.filter);
  list('sort', place.orderBy);
  text('group', place.groupBy);
  if (place.columns !== null) {
    const { hidden, order, shown = [] } = place.columns;
    if (hidden.length + order.length + shown.length === 0) fields.push('hide=');
    list('hide', hidden);
    list('order', order);
    list('show', shown);
  }
  return fields.length > 0 ? `?${fields.join('&')}` : '';
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
