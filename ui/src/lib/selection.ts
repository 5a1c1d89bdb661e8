// Which experiments the runs table shows.
import type { ExperimentView } from './backend/backend';

/**
 * The experiment to open with: the most recently updated active one that has runs, else the
 * first active one, else none.
 */
export function defaultSelection(experiments: readonly ExperimentView[]): string[] {
  const active = experiments.filter((e) => e.lifecycle_stage === 'active');
  const withRuns = active.filter((e) => e.run_count > 0);
  const candidates = withRuns.length > 0 ? withRuns : active;
  if (candidates.length === 0) return [];
  const best = candidates.reduce((a, b) => ((b.last_update_time ?? 0) > (a.last_update_time ?? 0) ? b : a));
  return [best.experiment_id];
}

/**
 * A click on an experiment: plain click selects only it; Ctrl/Cmd-click adds or removes it, but
 * never leaves the selection empty.
 */
export function clickSelection(selected: readonly string[], experimentId: string, additive: boolean): string[] {
  if (!additive) return [experimentId];
  if (!selected.includes(experimentId)) return [...selected, experimentId];
  const rest = selected.filter((id) => id !== experimentId);
  return rest.length > 0 ? rest : [experimentId];
}

/**
 * Keeps only ids that still exist, falling back to the default selection. When the store had no
 * runs before (`previous`) and has some now, the selection made for the empty store gives way to
 * the default, so the first runs in show at once.
 */
export function reconcileSelection(
  selected: readonly string[],
  experiments: readonly ExperimentView[],
  previous?: readonly ExperimentView[],
): string[] {
  if (previous !== undefined && previous.length > 0 && storeIsEmpty(previous) && !storeIsEmpty(experiments)) {
    return defaultSelection(experiments);
  }
  const known = new Set(experiments.map((e) => e.experiment_id));
  const kept = selected.filter((id) => known.has(id));
  return kept.length > 0 ? kept : defaultSelection(experiments);
}

/** True when no experiment has any run: the store is new. */
export function storeIsEmpty(experiments: readonly ExperimentView[]): boolean {
  return experiments.every((e) => e.run_count === 0);
}
