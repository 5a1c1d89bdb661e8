// Which way is better for a metric: lower (loss, error, latency…) or higher (accuracy…). Guessed
// from the name until the user says otherwise; their choice is remembered per key in
// localStorage and used wherever "best" is shown (group headers, compare's best marker).
import type { MetricValue } from './backend/backend';
import type { KeyValueStorage } from './columnChoice';

export type Goal = 'min' | 'max';

/** The chosen goals, by metric key. */
export type Goals = Readonly<Record<string, Goal>>;

export const GOALS_KEY = 'cairn.metricGoals';

/** Whether lower is better for a metric, judged by its name (loss, error, perplexity, time…). */
export function lowerIsBetter(key: string): boolean {
  return /(loss|err|error|mae|mse|rmse|perplexity|latency|duration|time|wer|cer|norm|cost|regret)(?![a-z])/i.test(key);
}

/** The goal for `key`: the user's choice, else the guess from its name. */
export function goalOf(goals: Goals, key: string): Goal {
  const chosen = Object.hasOwn(goals, key) ? goals[key] : undefined;
  return chosen ?? (lowerIsBetter(key) ? 'min' : 'max');
}

/** The goals with `key`'s set; a choice equal to the guess is forgotten. */
export function withGoal(goals: Goals, key: string, goal: Goal): Goals {
  const next: Record<string, Goal> = {};
  for (const [k, v] of Object.entries(goals)) if (k !== key) next[k] = v;
  if (goal !== (lowerIsBetter(key) ? 'min' : 'max')) next[key] = goal;
  return next;
}

/** The best of a min and a max under a goal. */
export function bestValue(goal: Goal, min: MetricValue, max: MetricValue): MetricValue {
  return goal === 'min' ? min : max;
}

/** Words for a goal, for labels and tooltips. */
export function goalText(goal: Goal): string {
  return goal === 'min' ? 'lower is better' : 'higher is better';
}

/** Reads the remembered goals; anything unreadable is none. */
export function loadGoals(storage: KeyValueStorage | undefined): Goals {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(GOALS_KEY) ?? '{}');
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const goals: Record<string, Goal> = {};
    for (const [key, value] of Object.entries(parsed)) if (value === 'min' || value === 'max') goals[key] = value;
    return goals;
  } catch {
    return {};
  }
}

/** Remembers the goals; none is forgotten. */
export function saveGoals(storage: KeyValueStorage | undefined, goals: Goals): void {
  try {
    if (Object.keys(goals).length === 0) storage?.removeItem(GOALS_KEY);
    else storage?.setItem(GOALS_KEY, JSON.stringify(goals));
  } catch {
    // Storage full or disabled: the choice lasts for this session.
  }
}
