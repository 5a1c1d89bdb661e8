import { describe, expect, it } from 'vitest';

import { metricRows } from './compare';
import type { CompareRun } from './backend/charts';
import type { KeyValueStorage } from './columnChoice';
import { GOALS_KEY, bestValue, goalOf, loadGoals, saveGoals, withGoal } from './metricGoal';
import { metricDelta } from './registry';

class MemoryStorage implements KeyValueStorage {
  items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

describe('metric goals', () => {
  const guesses: [string, 'min' | 'max'][] = [
    ['train_loss', 'min'],
    ['val/error', 'min'],
    ['grad_norm', 'min'],
    ['latency_ms', 'min'],
    ['accuracy', 'max'],
    ['f1', 'max'],
    ['constructor', 'max'],
    ['__proto__', 'max'],
  ];
  it.each(guesses)('%s is guessed %s', (key, goal) => {
    expect(goalOf({}, key)).toBe(goal);
  });

  it('follows the user, and forgets a choice equal to the guess', () => {
    const goals = withGoal({}, 'grad_norm', 'max');
    expect(goalOf(goals, 'grad_norm')).toBe('max');
    expect(withGoal(goals, 'grad_norm', 'min')).toEqual({});
    expect(withGoal({}, 'accuracy', 'max')).toEqual({});
  });

  it('is remembered, and anything unreadable reads as no choice', () => {
    const storage = new MemoryStorage();
    saveGoals(storage, { grad_norm: 'max' });
    expect(loadGoals(storage)).toEqual({ grad_norm: 'max' });
    saveGoals(storage, {});
    expect(storage.items.has(GOALS_KEY)).toBe(false);
    for (const text of ['{bad', 'null', '[1]', '"max"', '{"a":"up","b":"min"}']) {
      storage.setItem(GOALS_KEY, text);
      expect(loadGoals(storage)).toEqual(text.includes('"b"') ? { b: 'min' } : {});
    }
    expect(loadGoals(undefined)).toEqual({});
  });

  it('picks the best of a min and a max', () => {
    expect(bestValue('min', 0.1, 0.9)).toBe(0.1);
    expect(bestValue('max', 0.1, 0.9)).toBe(0.9);
  });

  it("marks compare's best and the registry's verdict by the chosen goal", () => {
    const run = (grad_norm: number) => ({ metrics: { grad_norm } }) as unknown as CompareRun;
    const runs = [run(1), run(3)];
    expect(metricRows(runs, ['grad_norm'])[0]?.best).toEqual([0]);
    const chosen = withGoal({}, 'grad_norm', 'max');
    expect(metricRows(runs, ['grad_norm'], (key) => goalOf(chosen, key))[0]?.best).toEqual([1]);
    expect(metricDelta(3, 1, 'grad_norm').verdict).toBe('worse');
    expect(metricDelta(3, 1, 'grad_norm', 'max').verdict).toBe('better');
  });
});
