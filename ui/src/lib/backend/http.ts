// The Backend in a browser: the store's commands, sent to `cairn serve` over HTTP as
// `POST /app/api/<command>` with the command's argument object as the JSON body; events arrive as
// server-sent events from `GET /app/events`. It has no `local` shell: the server refuses every
// command that names a path on its machine, so a browser is never offered one. Its `accounts`
// (accounts.ts) reach the server's users and grants; a 401 from a command tells
// `accounts.onUnauthorized` (the session ended) before the call rejects.
import { Accounts } from './accounts';
import {
  BackendError,
  TRANSPORT_ERROR,
  toBackendError,
  isAppError,
  type AppEvent,
  type Backend,
  type CommandArgs,
  type CommandName,
  type CommandResult,
} from './backend';

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** The subset of `EventSource` the backend uses (tests pass a stub). */
export interface EventStream {
  onmessage: ((message: MessageEvent<string>) => void) | null;
  close(): void;
}
export type OpenEventStream = (url: string) => EventStream;

export class HttpBackend implements Backend {
  readonly accounts: Accounts;

  /**
   * @param baseUrl where `cairn serve` answers, without a trailing slash; '' means this page's origin
   * @param fetchImpl the fetch to use (tests pass a stub)
   */
  constructor(
    private readonly baseUrl = '',
    private readonly fetchImpl: Fetch = (input, init) => globalThis.fetch(input, init),
    private readonly openEvents: OpenEventStream = (url) => new EventSource(url),
  ) {
    this.accounts = new Accounts(baseUrl, fetchImpl);
  }

  /** `cairn serve` answers MLflow's REST API at the same address as the app. */
  get trackingUri(): string {
    return this.baseUrl !== '' ? this.baseUrl : globalThis.location.origin;
  }

  subscribe(listener: (event: AppEvent) => void): () => void {
    const stream = this.openEvents(`${this.baseUrl}/app/events`);
    stream.onmessage = (message) => {
      try {
        listener(JSON.parse(message.data) as AppEvent);
      } catch {
        // A malformed event is dropped; the next one still arrives.
      }
    };
    return () => stream.close();
  }

  async call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>> {
    const url = `${this.baseUrl}/app/api/${command}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(args),
      });
    } catch (thrown) {
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      throw new BackendError(TRANSPORT_ERROR, `cannot reach the Cairn server: ${reason}`);
    }

    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      if (response.status === 401) {
        this.accounts.onUnauthorized?.();
        throw new BackendError(TRANSPORT_ERROR, 'Signed out: sign in again to continue.', 'UNAUTHENTICATED');
      }
      if (isAppError(body)) throw toBackendError(body);
      const detail = text.trim().slice(0, 200) || response.statusText;
      throw new BackendError(TRANSPORT_ERROR, `HTTP ${response.status} from ${url}: ${detail}`);
    }
    if (body === undefined) {
      throw new BackendError(TRANSPORT_ERROR, `the server sent a response that is not JSON: ${url}`);
    }
    return body as CommandResult<C>;
  }
}
