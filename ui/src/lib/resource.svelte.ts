// The data layer's one generic part: which answer is the latest (`Latest`), the text and kind of a
// failed request (`errorText`, `errorKind`), and `Resource`, one subject's answer as reactive state
// (value, error, loading) that drops answers to superseded requests. The per-subject resources in
// resources/ are built on it; views read them and never count requests themselves.
import { toBackendError } from './backend';

/** The message to show for whatever a request threw: a `BackendError`'s, an `Error`'s, or the value as text. */
export function errorText(thrown: unknown): string {
  return toBackendError(thrown).message;
}

/** The backend's kind of a failure (`not_found`, `invalid_argument`…), `transport` for anything else. */
export function errorKind(thrown: unknown): string {
  return toBackendError(thrown).kind;
}

/** A failed request as a view shows it. */
export interface Failure {
  kind: string;
  message: string;
}

/** `{kind, message}` of whatever a request threw. */
export function failureOf(thrown: unknown): Failure {
  const error = toBackendError(thrown);
  return { kind: error.kind, message: error.message };
}

/**
 * Tickets for requests of which only the latest answer counts: `next()` starts a request and
 * makes every earlier ticket stale; follow-ups of the same request (another page) take `current`.
 */
export class Latest {
  #ticket = 0;

  /** A new request's ticket; every earlier one is stale from now on. */
  next(): number {
    return ++this.#ticket;
  }

  /** The latest request's ticket. */
  get current(): number {
    return this.#ticket;
  }

  /** Whether `ticket` is still the latest request's. */
  isCurrent(ticket: number): boolean {
    return ticket === this.#ticket;
  }
}

/** What `Resource.load` resolved with: the answer shown, or nothing (superseded or failed). */
export type Loaded<T> = { ok: true; value: T; ticket: number } | { ok: false; ticket: number };

/**
 * One subject's answer as reactive state: the latest request's `value` or `error`, and `loading`
 * while it is on its way. An answer to a request that a later `load` or `clear` superseded is
 * dropped. While a request is on its way the previous value stays; a failure clears it.
 */
export class Resource<T> {
  value = $state.raw<T | null>(null);
  error = $state.raw<Failure | null>(null);
  loading = $state(false);
  readonly #latest = new Latest();

  /**
   * Asks again. `accept` sees the answer before it becomes `value`, only if it is the latest (for
   * work that must start before the page reacts to it).
   */
  async load(request: () => Promise<T>, accept?: (value: T) => void): Promise<Loaded<T>> {
    const ticket = this.#latest.next();
    this.loading = true;
    this.error = null;
    try {
      const value = await request();
      if (!this.#latest.isCurrent(ticket)) return { ok: false, ticket };
      accept?.(value);
      this.value = value;
      this.loading = false;
      return { ok: true, value, ticket };
    } catch (thrown) {
      if (this.#latest.isCurrent(ticket)) {
        this.value = null;
        this.error = failureOf(thrown);
        this.loading = false;
      }
      return { ok: false, ticket };
    }
  }

  /** Drops the value, the error and any answer on its way. */
  clear(): void {
    this.#latest.next();
    this.value = null;
    this.error = null;
    this.loading = false;
  }

  /** Whether `ticket` (from `load`) is still the latest request's: for work that follows an answer. */
  isCurrent(ticket: number): boolean {
    return this.#latest.isCurrent(ticket);
  }
}
