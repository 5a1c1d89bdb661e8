// The metric goals the user chose (see metricGoal.ts), shared by every view that shows a "best":
// one reactive copy of what localStorage holds.
import { goalOf, loadGoals, saveGoals, withGoal, type Goal, type Goals } from './metricGoal';

const storage = typeof localStorage === 'undefined' ? undefined : localStorage;

class MetricGoals {
  #goals = $state<Goals>(loadGoals(storage));

  /** Which way is better for `key`. */
  goal(key: string): Goal {
    return goalOf(this.#goals, key);
  }

  /** Sets and remembers which way is better for `key`. */
  set(key: string, goal: Goal): void {
    this.#goals = withGoal(this.#goals, key, goal);
    saveGoals(storage, this.#goals);
  }

  /** Flips `key`'s goal. */
  toggle(key: string): void {
    this.set(key, this.goal(key) === 'min' ? 'max' : 'min');
  }

  /** Every chosen goal (read reactively by derivations that need them all). */
  get all(): Goals {
    return this.#goals;
  }
}

export const metricGoals = new MetricGoals();
