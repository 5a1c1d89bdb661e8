// The drift views' data: a version's Monitoring tab (`get_monitoring`), one batch's report
// (`get_monitoring_batch`) and, in the desktop app only, the drift between two runs' recorded
// data (`compare_run_data`), each a `Resource` that drops answers to superseded requests.
import type { Backend } from '../backend';
import type { BatchDetailView, MonitoringView, RunDataDrift } from '../backend/monitoring';
import { Resource, type Loaded } from '../resource.svelte';

/** A version's reference, alerts and batches. */
export class MonitoringResource extends Resource<MonitoringView> {
  readonly #backend: () => Backend;

  constructor(backend: () => Backend) {
    super();
    this.#backend = backend;
  }

  monitor(name: string, version: number): Promise<Loaded<MonitoringView>> {
    return this.load(() => this.#backend().call('get_monitoring', { name, version }));
  }
}

/** One batch with its drift and performance report. */
export class BatchReportResource extends Resource<BatchDetailView> {
  readonly #backend: () => Backend;

  constructor(backend: () => Backend) {
    super();
    this.#backend = backend;
  }

  report(name: string, version: number, id: string): Promise<Loaded<BatchDetailView>> {
    return this.load(() => this.#backend().call('get_monitoring_batch', { name, version, id }));
  }
}

/**
 * The drift between a reference run's data and another run's, read where the data lives: only
 * the desktop app can (a browser's backend has no `local`, and `drift` then never asks).
 */
export class RunDataDriftResource extends Resource<RunDataDrift> {
  readonly #backend: () => Backend;

  constructor(backend: () => Backend) {
    super();
    this.#backend = backend;
  }

  /** Whether this backend can read runs' data (the desktop app). */
  get available(): boolean {
    return this.#backend().local !== undefined;
  }

  drift(referenceRun: string, currentRun: string): Promise<Loaded<RunDataDrift>> {
    return this.load(() => {
      const local = this.#backend().local;
      if (local === undefined) return Promise.reject(new Error('only the desktop app reads runs’ data'));
      return local.call('compare_run_data', { referenceRun, currentRun });
    });
  }
}
