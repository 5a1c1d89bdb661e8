// Asking for a command's answer before the component that needs it asks: a Backend that hands a
// prefetched call's pending answer to the first identical call (same command, same arguments),
// once; every other call goes to the backend as usual.
import type { Backend, CommandArgs, CommandName, CommandResult } from './backend';

export interface PrefetchingBackend extends Backend {
  /** Starts `command` now; the first `call` with equal arguments gets this answer. */
  prefetch<C extends CommandName>(command: C, args: CommandArgs<C>): void;
  /** Drops prefetched answers nobody asked for. */
  clear(): void;
}

/** A stable text for a command and its arguments: object keys sorted, undefined left out. */
export function callKey(command: string, args: unknown): string {
  return `${command} ${JSON.stringify(args, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  )}`;
}

/**
 * How long a prefetched answer waits for its caller. One that nobody asked for by then (a chart
 * laid out a pixel narrower than guessed) is dropped, so a later identical call never gets an
 * old answer about runs that went on training.
 */
export const PREFETCH_KEPT_MS = 5_000;

export function prefetching(backend: Backend, keptMs = PREFETCH_KEPT_MS): PrefetchingBackend {
  const pending = new Map<string, Promise<unknown>>();
  return {
    call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>> {
      const key = callKey(command, args);
      const early = pending.get(key);
      if (early !== undefined) {
        pending.delete(key);
        return early as Promise<CommandResult<C>>;
      }
      return backend.call(command, args);
    },
    subscribe: (listener) => backend.subscribe(listener),
    prefetch<C extends CommandName>(command: C, args: CommandArgs<C>): void {
      const answer = backend.call(command, args);
      // Nobody may ask for it; a failure is reported to whoever does.
      answer.catch(() => {});
      const key = callKey(command, args);
      pending.set(key, answer);
      setTimeout(() => {
        if (pending.get(key) === answer) pending.delete(key);
      }, keptMs);
    },
    clear() {
      pending.clear();
    },
  };
}
