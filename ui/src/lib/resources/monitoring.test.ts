import { describe, expect, it } from 'vitest';

import type { Backend, CommandArgs, CommandName, LocalShell } from '../backend';
import type { DriftView, RunDataDrift } from '../backend/monitoring';
import { BackendError } from '../backend';
import { MonitoringResource, RunDataDriftResource } from './monitoring.svelte';

const DRIFT: DriftView = {
  reference: { source: 'a.csv', rows: 10, kept_rows: 10, sampled: false, reading: 'streamed all 10 rows' },
  current: { source: 'b.csv', rows: 12, kept_rows: 12, sampled: false, reading: 'streamed all 12 rows' },
  method: 'ks',
  columns: [],
  skipped: [],
  drifted_columns: 0,
  drift_share: 0,
  share_threshold: 0.5,
  drifted: false,
};

/** A backend that records each store command and answers it with `answer`. */
function storeBackend(answer: unknown, calls: [string, unknown][]): Backend {
  return {
    call: <C extends CommandName>(command: C, args: CommandArgs<C>) => {
      calls.push([command, args]);
      return Promise.resolve(answer) as never;
    },
    subscribe: () => () => {},
  };
}

/** The desktop's local shell answering `compare_run_data` with `answer` (or failing with it). */
function localShell(answer: RunDataDrift | BackendError, calls: unknown[]): LocalShell {
  return {
    call: (command, args) => {
      calls.push([command, args]);
      return (answer instanceof BackendError ? Promise.reject(answer) : Promise.resolve(answer)) as never;
    },
    onFileDrop: () => () => {},
    chooseFolder: () => Promise.resolve(null),
    chooseStoreFile: () => Promise.resolve(null),
    chooseNewStore: () => Promise.resolve(null),
    reopen: () => Promise.resolve(),
  };
}

describe('monitoring resources', () => {
  it('asks for a version by name and number', async () => {
    const calls: [string, unknown][] = [];
    const resource = new MonitoringResource(() => storeBackend({ name: 'm', version: 2, reference: null, alerts: [], batches: [] }, calls));
    const loaded = await resource.monitor('m', 2);
    expect(loaded.ok).toBe(true);
    expect(calls).toEqual([['get_monitoring', { name: 'm', version: 2 }]]);
  });

  it('reads runs’ data only where a local shell exists', async () => {
    const browser = new RunDataDriftResource(() => storeBackend(null, []));
    expect(browser.available).toBe(false);
    await browser.drift('a', 'b');
    expect(browser.error?.message).toBe('only the desktop app reads runs’ data');

    const calls: unknown[] = [];
    const answer: RunDataDrift = { reference_data: 'a.csv (run a)', current_data: 'b.csv (run b)', drift: DRIFT };
    const desktop = new RunDataDriftResource(() => ({ ...storeBackend(null, []), local: localShell(answer, calls) }));
    expect(desktop.available).toBe(true);
    await desktop.drift('a', 'b');
    expect(calls).toEqual([['compare_run_data', { referenceRun: 'a', currentRun: 'b' }]]);
    expect(desktop.value).toEqual(answer);
  });

  it('keeps the backend’s own message when the data is gone', async () => {
    const gone = new BackendError('not_found', "run a's data data/train.csv is no longer on disk");
    const desktop = new RunDataDriftResource(() => ({ ...storeBackend(null, []), local: localShell(gone, []) }));
    await desktop.drift('a', 'b');
    expect(desktop.error).toEqual({ kind: 'not_found', message: "run a's data data/train.csv is no longer on disk" });
    expect(desktop.value).toBeNull();
  });
});
