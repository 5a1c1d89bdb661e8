// The runs view's data: the experiments (`ExperimentsResource`) and the runs of the current query
// (`RunsQuery`): its first page, the pages after it, its groups and their pages, and a refresh in
// place. A new query makes every answer to the ones before it stale (`Latest`); a failed request
// leaves the rows of the last good query and says why in `error`.
import type { Backend, ExperimentView, ListRunsRequest, RunGroups, RunRow } from '../backend';
import { groupFilter, groupId, type LoadedGroup } from '../grouping';
import { Latest, errorText } from '../resource.svelte';

const PAGE_SIZE = 500;
/** The first page of a new query: a screenful and a half, so the table updates quickly; the
 *  rest arrives in PAGE_SIZE pages as the user scrolls. */
const FIRST_PAGE_SIZE = 150;
/** Most rows fetched again in one live refresh (the store's page limit). */
const MAX_REFRESH_ROWS = 50_000;

/** The store's experiments, for the sidebar. */
export class ExperimentsResource {
  list = $state<ExperimentView[]>([]);
  loading = $state(true);
  /** Why the last listing failed (the backend is likely unreachable), or null. */
  error = $state<string | null>(null);
  readonly #backend: () => Backend;

  constructor(backend: () => Backend) {
    this.#backend = backend;
  }

  /** Lists them again (`quiet`: without showing that it is loading); the list before, or null on failure. */
  async load(quiet = false): Promise<ExperimentView[] | null> {
    if (!quiet) this.loading = true;
    try {
      const previous = this.list;
      this.list = await this.#backend().call('list_experiments', {});
      this.error = null;
      return previous;
    } catch (thrown) {
      this.error = errorText(thrown);
      return null;
    } finally {
      this.loading = false;
    }
  }
}

/** What the runs table shows: which experiments, filtered, sorted and grouped how. */
export interface RunsQueryInput {
  experimentIds: string[];
  filter: string;
  orderBy: string[];
  /** A param's key, or '' for no grouping. */
  groupBy: string;
  /** The metric group headers summarise (the one sorted by), or null. */
  sortMetric: string | null;
  /** The deleted runs instead of the active ones. */
  deleted?: boolean;
}

/** The runs of the current query, page by page, and its groups. */
export class RunsQuery {
  runs = $state.raw<RunRow[]>([]);
  paramKeys = $state.raw<string[]>([]);
  metricKeys = $state.raw<string[]>([]);
  tagKeys = $state.raw<string[]>([]);
  totalCount = $state(0);
  nextOffset = $state<number | null>(null);
  /** A new query is on its way (the rows on screen are the last one's). */
  loading = $state(false);
  loadingMore = $state(false);
  /** Why the last request failed (usually the filter), or null. */
  error = $state<string | null>(null);
  groups = $state.raw<RunGroups | null>(null);
  openGroups = $state.raw<Set<string>>(new Set());
  loadedGroups = $state.raw<Map<string, LoadedGroup>>(new Map());

  readonly #backend: () => Backend;
  readonly #latest = new Latest();
  #input: RunsQueryInput = { experimentIds: [], filter: '', orderBy: [], groupBy: '', sortMetric: null };

  constructor(backend: () => Backend) {
    this.#backend = backend;
  }

  #request(offset: number): ListRunsRequest {
    return {
      experiment_ids: [...this.#input.experimentIds],
      filter: this.#input.filter,
      order_by: [...this.#input.orderBy],
      max_results: offset === 0 ? FIRST_PAGE_SIZE : PAGE_SIZE,
      offset,
      deleted: this.#input.deleted ?? false,
    };
  }

  /** Runs a new query; true when its first page (and groups) replaced the rows. */
  async load(input: RunsQueryInput): Promise<boolean> {
    const ticket = this.#latest.next();
    this.#input = input;
    const firstPage = this.#request(0);
    if (firstPage.experiment_ids.length === 0) {
      this.runs = [];
      this.totalCount = 0;
      this.nextOffset = null;
      return false;
    }
    this.loading = true;
    try {
      const page = await this.#backend().call('list_runs', { request: firstPage });
      if (!this.#latest.isCurrent(ticket)) return false;
      const grouped = input.groupBy !== '' ? await this.#loadGroups(firstPage) : null;
      if (!this.#latest.isCurrent(ticket)) return false;
      this.runs = page.runs;
      this.paramKeys = page.param_keys;
      this.metricKeys = page.metric_keys;
      this.tagKeys = page.tag_keys;
      this.totalCount = page.total_count;
      this.nextOffset = page.next_offset;
      this.groups = grouped;
      this.error = null;
      return true;
    } catch (thrown) {
      // Keep the rows of the last good query on screen; the message says what to fix.
      if (this.#latest.isCurrent(ticket)) this.error = errorText(thrown);
      return false;
    } finally {
      if (this.#latest.isCurrent(ticket)) this.loading = false;
    }
  }

  /** The next page of an ungrouped query. */
  async loadMore(): Promise<void> {
    if (this.loadingMore || this.nextOffset === null) return;
    const ticket = this.#latest.current;
    this.loadingMore = true;
    try {
      const page = await this.#backend().call('list_runs', { request: this.#request(this.nextOffset) });
      if (!this.#latest.isCurrent(ticket)) return;
      this.runs = [...this.runs, ...page.runs];
      this.#addKeys(page);
      this.totalCount = page.total_count;
      this.nextOffset = page.next_offset;
    } catch (thrown) {
      if (this.#latest.isCurrent(ticket)) this.error = errorText(thrown);
    } finally {
      this.loadingMore = false;
    }
  }

  /** The groups of the query, with the open ones' first runs loaded. */
  async #loadGroups(first: ListRunsRequest): Promise<RunGroups> {
    const { groupBy, sortMetric } = this.#input;
    const backend = this.#backend();
    const answer = await backend.call('group_runs', { request: first, groupBy, metric: sortMetric });
    const known = new Set(answer.groups.map((g) => groupId(g.value)));
    let open = new Set([...this.openGroups].filter((id) => known.has(id)));
    if (open.size === 0 && answer.groups[0] !== undefined) open = new Set([groupId(answer.groups[0].value)]);
    const loaded = new Map<string, LoadedGroup>();
    await Promise.all(
      answer.groups
        .filter((g) => open.has(groupId(g.value)))
        .map(async (g) => {
          const id = groupId(g.value);
          const keep = Math.min(MAX_REFRESH_ROWS, Math.max(FIRST_PAGE_SIZE, this.loadedGroups.get(id)?.runs.length ?? 0));
          const page = await backend.call('list_runs', {
            request: { ...first, filter: groupFilter(first.filter, groupBy, g.value), max_results: keep, offset: 0 },
          });
          loaded.set(id, { runs: page.runs, nextOffset: page.next_offset, loading: false });
        }),
    );
    this.openGroups = open;
    this.loadedGroups = loaded;
    return answer;
  }

  /** Opens or closes a group, loading its first runs when first opened. */
  async toggleGroup(id: string): Promise<void> {
    const open = new Set(this.openGroups);
    if (open.has(id)) {
      open.delete(id);
      this.openGroups = open;
      return;
    }
    open.add(id);
    this.openGroups = open;
    if (!this.loadedGroups.has(id)) await this.loadGroupPage(id);
  }

  /** The next page of an open group. */
  async loadGroupPage(id: string): Promise<void> {
    const group = this.groups?.groups.find((g) => groupId(g.value) === id);
    if (group === undefined) return;
    const ticket = this.#latest.current;
    const before = this.loadedGroups.get(id);
    if (before?.loading) return;
    const offset = before?.nextOffset ?? 0;
    this.loadedGroups = new Map(this.loadedGroups).set(id, { runs: before?.runs ?? [], nextOffset: offset, loading: true });
    try {
      const page = await this.#backend().call('list_runs', {
        request: { ...this.#request(offset), filter: groupFilter(this.#input.filter, this.#input.groupBy, group.value) },
      });
      if (!this.#latest.isCurrent(ticket)) return;
      this.loadedGroups = new Map(this.loadedGroups).set(id, {
        runs: [...(before?.runs ?? []), ...page.runs],
        nextOffset: page.next_offset,
        loading: false,
      });
    } catch (thrown) {
      if (this.#latest.isCurrent(ticket)) this.error = errorText(thrown);
    }
  }

  /**
   * Live refresh: the rows already loaded are fetched again with the same query and replace the
   * old ones in place (scroll position, selection and open groups stay). `alongside` runs at the
   * same time (the sidebar's counts). True when the rows were replaced.
   */
  async refreshInPlace(alongside: () => Promise<unknown>): Promise<boolean> {
    const ticket = this.#latest.current;
    if (this.#input.experimentIds.length === 0 || this.loading || this.loadingMore) return false;
    const keep = Math.min(MAX_REFRESH_ROWS, Math.max(FIRST_PAGE_SIZE, this.runs.length));
    try {
      const [page] = await Promise.all([
        this.#backend().call('list_runs', { request: { ...this.#request(0), max_results: keep } }),
        alongside(),
      ]);
      const grouped = this.#input.groupBy !== '' ? await this.#loadGroups(this.#request(0)) : null;
      if (!this.#latest.isCurrent(ticket)) return false;
      this.runs = page.runs;
      this.#addKeys(page);
      this.totalCount = page.total_count;
      this.nextOffset = page.next_offset;
      this.groups = grouped;
      return true;
    } catch {
      // The next change or a manual refresh tries again; the rows on screen stay.
      return false;
    }
  }

  #addKeys(page: { param_keys: string[]; metric_keys: string[]; tag_keys: string[] }) {
    this.paramKeys = union(this.paramKeys, page.param_keys);
    this.metricKeys = union(this.metricKeys, page.metric_keys);
    this.tagKeys = union(this.tagKeys, page.tag_keys);
  }
}

function union(known: string[], more: string[]): string[] {
  const extra = more.filter((key) => !known.includes(key));
  return extra.length === 0 ? known : [...known, ...extra].sort();
}
