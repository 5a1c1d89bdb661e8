// Timing around the browser's rendering: work that can wait for the screen in front (a task run
// once, either when asked for or once the page has drawn and the browser is idle), and a callback
// after the next paint.

/** What `deferred` needs of the browser's timers (replaced in tests). */
export interface IdleScheduler {
  /** Calls `run` after `ms` milliseconds; returns a cancel function. */
  delay(ms: number, run: () => void): () => void;
  /** Calls `run` when the browser is idle, within `timeoutMs` at the latest; returns a cancel function. */
  idle(timeoutMs: number, run: () => void): () => void;
}

export interface Deferred {
  /** Runs the task now, unless it has run already. */
  now(): void;
  /** Drops the task if it has not run yet. */
  cancel(): void;
  /** Whether the task has run. */
  readonly done: boolean;
}

export const browserScheduler: IdleScheduler = {
  delay(ms, run) {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
  idle(timeoutMs, run) {
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(run, { timeout: timeoutMs });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(run, 0);
    return () => clearTimeout(timer);
  },
};

/**
 * Runs `task` once: when `now()` is called, or `delayMs` after this call at the first idle moment
 * (at most `idleTimeoutMs` later), whichever comes first.
 */
export function deferred(
  task: () => void,
  { delayMs, idleTimeoutMs }: { delayMs: number; idleTimeoutMs: number },
  scheduler: IdleScheduler = browserScheduler,
): Deferred {
  let done = false;
  let cancelPending: (() => void) | null = null;
  const run = () => {
    if (done) return;
    done = true;
    cancelPending?.();
    cancelPending = null;
    task();
  };
  cancelPending = scheduler.delay(delayMs, () => {
    cancelPending = done ? null : scheduler.idle(idleTimeoutMs, run);
  });
  return {
    now: run,
    cancel() {
      cancelPending?.();
      cancelPending = null;
      done = true;
    },
    get done() {
      return done;
    },
  };
}

/**
 * Calls `run` just after the browser paints its next frame: the frame callback runs before style,
 * layout and paint, and a message posted from it is delivered once that frame is done.
 */
export function afterNextPaint(run: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      run();
    };
    channel.port2.postMessage(null);
  });
}
