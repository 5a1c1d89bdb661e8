// The compare view's tables, worked out from the compared runs: which params differ, each
// metric's best run, and whether the runs were trained on different data. Pure: no DOM.
import type { MetricValue } from './backend';
import type { CompareRun } from './backend/charts';
import { goalOf, type Goal } from './metricGoal';

/** One param across the compared runs. */
export interface ParamRow {
  key: string;
  /** Each run's value, in run order; null where a run lacks the param. */
  values: (string | null)[];
  /** Not every run has the same value (a missing value counts as different). */
  differs: boolean;
}

/** The params table: every key, or only those whose values differ. */
export function paramRows(runs: readonly CompareRun[], keys: readonly string[], onlyDifferences: boolean): ParamRow[] {
  const rows = keys.map((key) => {
    const values = runs.map((run) => run.params[key] ?? null);
    const differs = values.some((value) => value !== values[0]);
    return { key, values, differs };
  });
  return onlyDifferences ? rows.filter((row) => row.differs) : rows;
}

export { lowerIsBetter } from './metricGoal';

/** One metric across the compared runs, with the best run(s) marked. */
export interface MetricRow {
  key: string;
  values: (MetricValue | null)[];
  /** Indexes of the runs with the best finite value (all of them on a tie); empty when < 2 values. */
  best: number[];
  /** Which way is better for this metric. */
  goal: Goal;
}

function finite(value: MetricValue | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The latest value of each metric per run, with the best (by `goalFor`, the user's choice or
 *  the guess from the name) highlighted. */
export function metricRows(
  runs: readonly CompareRun[],
  keys: readonly string[],
  goalFor: (key: string) => Goal = (key) => goalOf({}, key),
): MetricRow[] {
  return keys.map((key) => {
    const values = runs.map((run) => run.metrics[key] ?? null);
    const goal = goalFor(key);
    const numbers = values.map(finite);
    const present = numbers.filter((value): value is number => value !== null);
    let best: number[] = [];
    if (present.length >= 2) {
      const target = goal === 'min' ? Math.min(...present) : Math.max(...present);
      best = numbers.flatMap((value, index) => (value === target ? [index] : []));
    }
    return { key, values, best, goal };
  });
}

/** A data input whose content differs between compared runs. */
export interface DataMismatch {
  path: string;
  /** Each distinct hash and the runs (names) that used it, most used first. */
  hashes: { hash: string; runs: string[] }[];
}

/** Data inputs (by path) used with more than one content hash among the runs. */
export function dataMismatches(runs: readonly CompareRun[]): DataMismatch[] {
  const byPath = new Map<string, Map<string, string[]>>();
  for (const run of runs) {
    for (const data of run.data) {
      const hashes = byPath.get(data.path) ?? new Map<string, string[]>();
      const names = hashes.get(data.hash) ?? [];
      names.push(run.run_name || run.run_id);
      hashes.set(data.hash, names);
      byPath.set(data.path, hashes);
    }
  }
  const mismatches: DataMismatch[] = [];
  for (const [path, hashes] of [...byPath].sort(([a], [b]) => a.localeCompare(b))) {
    if (hashes.size < 2) continue;
    mismatches.push({
      path,
      hashes: [...hashes]
        .map(([hash, names]) => ({ hash, runs: names }))
        .sort((a, b) => b.runs.length - a.runs.length || a.hash.localeCompare(b.hash)),
    });
  }
  return mismatches;
}

/** Params whose every present value is a number (usable on a numeric axis). */
export function numericParamKeys(runs: readonly CompareRun[], keys: readonly string[]): string[] {
  return keys.filter((key) => {
    const values = runs.map((run) => run.params[key]).filter((value): value is string => value !== undefined);
    return values.length > 0 && values.every((value) => value.trim() !== '' && Number.isFinite(Number(value)));
  });
}

/** Axes of the parallel-coordinates chart: the params that differ, then up to three metrics. */
export function parallelDimensions(
  runs: readonly CompareRun[],
  paramKeys: readonly string[],
  metricKeys: readonly string[],
  maxAxes = 7,
): string[] {
  const params = paramRows(runs, paramKeys, true).map((row) => `params.${row.key}`);
  // At most three metrics, so the params that differ keep most of the axes.
  const metrics = metricKeys.slice(0, 3).map((key) => `metrics.${key}`);
  return [...params.slice(0, Math.max(0, maxAxes - metrics.length)), ...metrics];
}

/** The compared run ids without `runId` (for the chip's remove button). */
export function withoutRun(runIds: readonly string[], runId: string): string[] {
  return runIds.filter((id) => id !== runId);
}

/** Runs built from one commit where some had uncommitted changes: their code may differ unseen. */
export interface UncommittedMismatch {
  commit: string;
  /** Runs with uncommitted changes (names). */
  dirty: string[];
  /** Runs without (names). */
  clean: string[];
}

/** Commits shared by several compared runs, at least one of them with uncommitted changes. */
export function uncommittedMismatches(runs: readonly CompareRun[]): UncommittedMismatch[] {
  const byCommit = new Map<string, CompareRun[]>();
  for (const run of runs) {
    if (!run.git_commit) continue;
    byCommit.set(run.git_commit, [...(byCommit.get(run.git_commit) ?? []), run]);
  }
  const name = (run: CompareRun) => run.run_name || run.run_id;
  return [...byCommit]
    .filter(([, group]) => group.length > 1 && group.some((run) => run.git_dirty === true))
    .map(([commit, group]) => ({
      commit,
      dirty: group.filter((run) => run.git_dirty === true).map(name),
      clean: group.filter((run) => run.git_dirty !== true).map(name),
    }));
}
