import { describe, expect, it } from 'vitest';

import type { ExperimentView } from './backend/backend';
import { clickSelection, defaultSelection, reconcileSelection, storeIsEmpty } from './selection';

function experiment(id: string, runCount: number, lastUpdate: number | null, stage: 'active' | 'deleted' = 'active'): ExperimentView {
  return {
    experiment_id: id,
    name: `exp ${id}`,
    lifecycle_stage: stage,
    run_count: runCount,
    creation_time: null,
    last_update_time: lastUpdate,
  };
}

describe('defaultSelection', () => {
  it('opens the most recently updated active experiment that has runs', () => {
    const experiments = [experiment('0', 0, 900), experiment('1', 5, 100), experiment('2', 3, 200), experiment('3', 9, 999, 'deleted')];
    expect(defaultSelection(experiments)).toEqual(['2']);
  });

  it('falls back to an empty active experiment, then to nothing', () => {
    expect(defaultSelection([experiment('0', 0, null)])).toEqual(['0']);
    expect(defaultSelection([])).toEqual([]);
  });
});

describe('clickSelection', () => {
  it('selects only the clicked experiment on a plain click', () => {
    expect(clickSelection(['1', '2'], '3', false)).toEqual(['3']);
  });

  it('adds and removes with Ctrl/Cmd, never emptying the selection', () => {
    expect(clickSelection(['1'], '2', true)).toEqual(['1', '2']);
    expect(clickSelection(['1', '2'], '1', true)).toEqual(['2']);
    expect(clickSelection(['2'], '2', true)).toEqual(['2']);
  });
});

describe('reconcileSelection and storeIsEmpty', () => {
  it('drops experiments that are gone', () => {
    const experiments = [experiment('1', 1, 1), experiment('2', 1, 2)];
    expect(reconcileSelection(['1', '9'], experiments)).toEqual(['1']);
    expect(reconcileSelection(['9'], experiments)).toEqual(['2']);
  });

  it("moves off the empty store's experiment when the first runs arrive elsewhere", () => {
    const before = [experiment('0', 0, 10)];
    const after = [experiment('0', 0, 10), experiment('7', 4, 20)];
    expect(reconcileSelection(['0'], after, before)).toEqual(['7']);
    // Once the store had runs, the user's choice stays, even on an empty experiment.
    const later = [experiment('0', 0, 10), experiment('7', 5, 30)];
    expect(reconcileSelection(['0'], later, after)).toEqual(['0']);
    // The first load (nothing known before) keeps what was chosen.
    expect(reconcileSelection(['0'], after, [])).toEqual(['0']);
  });

  it('calls a store with only empty experiments empty', () => {
    expect(storeIsEmpty([])).toBe(true);
    expect(storeIsEmpty([experiment('0', 0, null)])).toBe(true);
    expect(storeIsEmpty([experiment('0', 0, null), experiment('1', 2, null)])).toBe(false);
  });
});
