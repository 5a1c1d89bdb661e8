// When the compare view is ready, for the performance marks the UI benches read (ui/e2e/bench):
// `cairn:compare-start` when the runs are asked for, `cairn:compare-ready` (and the measure
// `cairn:compare`) once every chart that started drawing has drawn, the sections below the line
// charts are in the page, the diff has arrived (when there is one) and the browser has painted.
import { tick } from 'svelte';

import { afterNextPaint } from '../../idle';

export class CompareReadiness {
  #started = 0;
  #drawn = 0;
  #diffDone = false;
  #restDrawn = false;
  #marked = false;

  /** A new comparison: counts start again, and the start mark is set. */
  reset(): void {
    this.#started = 0;
    this.#drawn = 0;
    this.#diffDone = false;
    this.#restDrawn = false;
    this.#marked = false;
    performance.clearMarks('cairn:compare-ready');
    performance.mark('cairn:compare-start');
  }

  chartStarted(): void {
    this.#started += 1;
  }

  chartDrawn(): void {
    this.#drawn += 1;
  }

  diffDone(): void {
    this.#diffDone = true;
  }

  restDrawn(): void {
    this.#restDrawn = true;
  }

  /** Sets the ready mark once everything is in, unless `stillCurrent` says the runs changed meanwhile. */
  check(needDiff: boolean, stillCurrent: () => boolean): void {
    if (this.#marked) return;
    if (this.#started > 0 && this.#drawn >= this.#started && this.#restDrawn && (this.#diffDone || !needDiff)) {
      this.#marked = true;
      // Ready once the page is updated and the browser has painted it.
      void tick().then(() =>
        afterNextPaint(() => {
          if (!stillCurrent()) return;
          performance.mark('cairn:compare-ready');
          performance.measure('cairn:compare', 'cairn:compare-start', 'cairn:compare-ready');
        }),
      );
    }
  }
}
