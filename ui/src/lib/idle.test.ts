import { describe, expect, it, vi } from 'vitest';

import { afterNextPaint, deferred, type IdleScheduler } from './idle';

/** A scheduler driven by hand: `fire('delay')` / `fire('idle')` runs what is waiting. */
function manualScheduler() {
  const waiting: { kind: 'delay' | 'idle'; ms: number; run: () => void; cancelled: boolean }[] = [];
  const scheduler: IdleScheduler = {
    delay(ms, run) {
      const entry = { kind: 'delay' as const, ms, run, cancelled: false };
      waiting.push(entry);
      return () => (entry.cancelled = true);
    },
    idle(ms, run) {
      const entry = { kind: 'idle' as const, ms, run, cancelled: false };
      waiting.push(entry);
      return () => (entry.cancelled = true);
    },
  };
  const fire = (kind: 'delay' | 'idle') => {
    for (const entry of waiting.splice(0)) {
      if (entry.kind === kind && !entry.cancelled) entry.run();
      else if (entry.kind !== kind) waiting.push(entry);
    }
  };
  return { scheduler, waiting, fire };
}

describe('deferred', () => {
  it('runs the task at the first idle moment after the delay', () => {
    const { scheduler, waiting, fire } = manualScheduler();
    let runs = 0;
    const task = deferred(() => runs++, { delayMs: 1500, idleTimeoutMs: 1000 }, scheduler);
    expect(waiting.map((entry) => [entry.kind, entry.ms])).toEqual([['delay', 1500]]);
    fire('idle');
    expect(runs).toBe(0);
    fire('delay');
    expect(waiting.map((entry) => [entry.kind, entry.ms])).toEqual([['idle', 1000]]);
    expect(runs).toBe(0);
    fire('idle');
    expect(runs).toBe(1);
    expect(task.done).toBe(true);
  });

  it('runs once when asked for first, and the timers do not run it again', () => {
    const { scheduler, waiting, fire } = manualScheduler();
    let runs = 0;
    const task = deferred(() => runs++, { delayMs: 10, idleTimeoutMs: 10 }, scheduler);
    task.now();
    task.now();
    expect(runs).toBe(1);
    expect(waiting.every((entry) => entry.cancelled)).toBe(true);
    fire('delay');
    fire('idle');
    expect(runs).toBe(1);
  });

  it('asked for while waiting for idle: runs now, not again at idle', () => {
    const { scheduler, fire } = manualScheduler();
    let runs = 0;
    const task = deferred(() => runs++, { delayMs: 10, idleTimeoutMs: 10 }, scheduler);
    fire('delay');
    task.now();
    fire('idle');
    expect(runs).toBe(1);
  });

  it('never runs once cancelled', () => {
    const { scheduler, fire } = manualScheduler();
    let runs = 0;
    const task = deferred(() => runs++, { delayMs: 10, idleTimeoutMs: 10 }, scheduler);
    task.cancel();
    fire('delay');
    fire('idle');
    task.now();
    expect(runs).toBe(0);
  });
});

describe('afterNextPaint', () => {
  it('runs after the next frame callback, through a message, never at once', async () => {
    const frames: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
    try {
      const order: string[] = [];
      afterNextPaint(() => order.push('after paint'));
      expect(order).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(order).toEqual([]);
      expect(frames).toHaveLength(1);
      frames[0]!();
      order.push('frame');
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(order).toEqual(['frame', 'after paint']);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
