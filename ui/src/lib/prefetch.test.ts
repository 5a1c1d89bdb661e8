import { describe, expect, it, vi } from 'vitest';

import type { Backend } from './backend';
import { callKey, prefetching } from './prefetch';

function countingBackend() {
  const calls: [string, unknown][] = [];
  const backend = {
    call: async (command: string, args: unknown) => {
      calls.push([command, args]);
      if ((args as { fail?: boolean }).fail) throw new Error(`${command} failed`);
      return { command, args, n: calls.length };
    },
    subscribe: () => () => {},
  } as unknown as Backend;
  return { backend, calls };
}

const lineArgs = { runIds: ['a', 'b'], metric: 'loss', x: 'step' as const, smoothing: 0, logY: false, width: 661, height: 300, theme: 'light' as const };

describe('callKey', () => {
  it('does not depend on the order of keys, and tells different arguments apart', () => {
    expect(callKey('line_chart', { b: 1, a: { d: [1, 2], c: null } })).toBe(callKey('line_chart', { a: { c: null, d: [1, 2] }, b: 1 }));
    expect(callKey('line_chart', { a: 1 })).not.toBe(callKey('line_chart', { a: 2 }));
    expect(callKey('line_chart', { a: 1 })).not.toBe(callKey('scatter_chart', { a: 1 }));
    expect(callKey('line_chart', { a: [1, 2] })).not.toBe(callKey('line_chart', { a: [2, 1] }));
  });
});

describe('prefetching', () => {
  it('hands the prefetched answer to the first equal call, once', async () => {
    const { backend, calls } = countingBackend();
    const early = prefetching(backend);
    early.prefetch('line_chart', lineArgs);
    expect(calls).toHaveLength(1);
    const { theme, width, ...rest } = lineArgs;
    const first = await early.call('line_chart', { width, theme, ...rest });
    expect(calls).toHaveLength(1);
    expect(first).toMatchObject({ n: 1 });
    const second = await early.call('line_chart', lineArgs);
    expect(calls).toHaveLength(2);
    expect(second).toMatchObject({ n: 2 });
  });

  it('sends calls with other arguments to the backend', async () => {
    const { backend, calls } = countingBackend();
    const early = prefetching(backend);
    early.prefetch('line_chart', lineArgs);
    await early.call('line_chart', { ...lineArgs, width: 572 });
    expect(calls.map(([, args]) => (args as { width: number }).width)).toEqual([661, 572]);
  });

  it('reports a prefetched failure to the caller, and none when nobody asks', async () => {
    const { backend } = countingBackend();
    const early = prefetching(backend);
    early.prefetch('line_chart', { ...lineArgs, fail: true } as typeof lineArgs);
    early.prefetch('scatter_chart', { fail: true } as never);
    await expect(early.call('line_chart', { ...lineArgs, fail: true } as typeof lineArgs)).rejects.toThrow('line_chart failed');
  });

  it('forgets what was prefetched when cleared', async () => {
    const { backend, calls } = countingBackend();
    const early = prefetching(backend);
    early.prefetch('line_chart', lineArgs);
    early.clear();
    await early.call('line_chart', lineArgs);
    expect(calls).toHaveLength(2);
  });

  it('drops an answer nobody asked for in time, so a later call asks afresh', async () => {
    vi.useFakeTimers();
    try {
      const { backend, calls } = countingBackend();
      const early = prefetching(backend, 1_000);
      early.prefetch('line_chart', lineArgs);
      vi.advanceTimersByTime(999);
      const wider = { ...lineArgs, width: 900 };
      early.prefetch('line_chart', wider);
      vi.advanceTimersByTime(1);
      await early.call('line_chart', lineArgs);
      expect(calls).toHaveLength(3);
      // The other one is still kept.
      await early.call('line_chart', wider);
      expect(calls).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
