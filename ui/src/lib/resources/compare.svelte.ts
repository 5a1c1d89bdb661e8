// The compare view's data: the compared runs (`compare_runs`) and the code/data diff of two of
// them (`diff_runs`), each a `Resource` that drops answers to superseded requests.
import type { Backend } from '../backend';
import type { Comparison, RunDiffView } from '../backend/charts';
import { Resource, type Loaded } from '../resource.svelte';

/** The runs of a comparison: their chips, params, metrics and chart keys. */
export class ComparisonResource extends Resource<Comparison> {
  readonly #backend: () => Backend;

  constructor(backend: () => Backend) {
    super();
    this.#backend = backend;
  }

  /** Asks for `runIds`; `accept` sees the answer before the view does (see `Resource.load`). */
  compare(runIds: string[], accept?: (comparison: Comparison) => void): Promise<Loaded<Comparison>> {
    return this.load(() => this.#backend().call('compare_runs', { runIds }), accept);
  }
}

/** The diff of run A against run B. */
export class RunDiffResource extends Resource<RunDiffView> {
  readonly #backend: () => Backend;

  constructor(backend: () => Backend) {
    super();
    this.#backend = backend;
  }

  diff(runA: string, runB: string): Promise<Loaded<RunDiffView>> {
    return this.load(() => this.#backend().call('diff_runs', { runA, runB }));
  }
}
