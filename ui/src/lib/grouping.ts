// "Group by a param" in the runs table: the store counts the groups (`group_runs`), each open
// group lists its runs with the user's filter AND `params.<key> = '<value>'` (so the store still
// filters and sorts), and the table shows one list of group headers, runs and "more" rows.
import type { MetricValue, RunRow } from './backend/backend';
import type { GroupMetric, RunGroup } from './backend/settings';
import { quoteKey } from './columns';
import { formatMetric } from './format';
import { bestValue, type Goal } from './metricGoal';

/** A string literal of the search grammar (a quote inside is doubled). */
export function quoteValue(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The filter listing one group's runs: the user's filter, narrowed to the group's value. */
export function groupFilter(userFilter: string, key: string, value: string | null): string {
  const field = `params.${quoteKey(key)}`;
  const clause = value === null ? `${field} IS NULL` : `${field} = ${quoteValue(value)}`;
  const user = userFilter.trim();
  return user === '' ? clause : `(${user}) and ${clause}`;
}

/** A stable id for a group (null is the runs without the param). */
export function groupId(value: string | null): string {
  return value === null ? '\u0000none' : `=${value}`;
}

/** What a group header shows: its value, or a note for runs without the param. */
export function groupLabel(value: string | null): string {
  return value === null ? '(not set)' : value;
}

/** The group's summary of the sorted metric: best by the metric's goal (never by the sort
 *  direction: sorting a loss high-to-low does not make the highest loss the best), and the mean. */
export function groupMetricText(metric: GroupMetric | null, goal: Goal): string | null {
  if (metric === null || metric.count === 0) return null;
  const best: MetricValue = bestValue(goal, metric.min, metric.max);
  return `best ${formatMetric(best)} · mean ${formatMetric(metric.mean)}`;
}

/** The runs of one open group loaded so far. */
export interface LoadedGroup {
  runs: RunRow[];
  nextOffset: number | null;
  loading: boolean;
}

export type TableItem =
  | { kind: 'group'; id: string; group: RunGroup; open: boolean }
  | { kind: 'run'; id: string; run: RunRow }
  | { kind: 'more'; id: string; groupId: string; remaining: number; loading: boolean };

/** Every row of an ungrouped table. */
export function runItems(runs: readonly RunRow[]): TableItem[] {
  return runs.map((run) => ({ kind: 'run', id: run.run_id, run }));
}

/** Headers, the loaded runs of open groups, and a "more" row where a group has more to load. */
export function groupedItems(
  groups: readonly RunGroup[],
  open: ReadonlySet<string>,
  loaded: ReadonlyMap<string, LoadedGroup>,
): TableItem[] {
  const items: TableItem[] = [];
  for (const group of groups) {
    const id = groupId(group.value);
    const isOpen = open.has(id);
    items.push({ kind: 'group', id: `group:${id}`, group, open: isOpen });
    if (!isOpen) continue;
    const runs = loaded.get(id);
    for (const run of runs?.runs ?? []) items.push({ kind: 'run', id: `${id}\u0000${run.run_id}`, run });
    const shown = runs?.runs.length ?? 0;
    if (runs === undefined || runs.nextOffset !== null) {
      items.push({
        kind: 'more',
        id: `more:${id}`,
        groupId: id,
        remaining: group.run_count - shown,
        loading: runs === undefined || runs.loading,
      });
    }
  }
  return items;
}

/** The run ids in table order (for range selection and keyboard moves). */
export function itemRunIds(items: readonly TableItem[]): string[] {
  return items.flatMap((item) => (item.kind === 'run' ? [item.run.run_id] : []));
}
