// An edit the user started from the UI: whether one is running (buttons wait), and why the
// last one failed, in words for the page. `run` tells the view to refresh when it succeeds.
import { errorText } from './resource.svelte';

export class Edit {
  busy = $state(false);
  problem = $state<string | null>(null);

  constructor(private readonly onDone: () => void) {}

  /** Runs `work`; true when it succeeded (and the view was told), false with `problem` set. */
  async run(work: () => Promise<unknown>): Promise<boolean> {
    this.busy = true;
    this.problem = null;
    try {
      await work();
      this.onDone();
      return true;
    } catch (thrown) {
      this.problem = errorText(thrown);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
