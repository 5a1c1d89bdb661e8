// The one seam between the UI and Cairn's backend. Components talk to a `Backend`; the Tauri
// implementation (tauri.ts) and the HTTP one for `cairn serve` (http.ts) are the only code that
// knows how a call travels. `call` takes the store's commands, which every caller has; what only
// the desktop app may do is its `local` shell (local.ts), absent in a browser. The transport types
// (arguments camelCase, results snake_case; times epoch milliseconds) and the `Commands` map are
// generated from the Rust command table into generated/commands.ts: a `cargo test` fails when it
// is stale.
import type { AppEvent, Commands, ErrorKind, RunRow } from './generated/commands';
import type { Accounts } from './accounts';
import type { LocalShell } from './local';

export type {
  AppEvent,
  Commands,
  ErrorKind,
  ExperimentView,
  ListRunsRequest,
  MetricValue,
  RunRow,
  RunsPage,
} from './generated/commands';

export type RunStatus = RunRow['status'];

/** An error as the backend reports it, e.g. `{kind: "not_found", message: "..."}`. */
export interface AppError {
  kind: ErrorKind;
  message: string;
  /** MLflow's code for it, e.g. `RESOURCE_DOES_NOT_EXIST`; sent by `cairn serve`. */
  error_code?: string;
}

export type CommandName = keyof Commands;
export type CommandArgs<C extends CommandName> = Commands[C]['args'];
export type CommandResult<C extends CommandName> = Commands[C]['result'];

/** Everything the UI can ask of the backend. */
export interface Backend {
  /** Runs one store command; rejects with a `BackendError`. */
  call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>>;
  /** Delivers every backend event to `listener` until the returned function is called. */
  subscribe(listener: (event: AppEvent) => void): () => void;
  /**
   * Where MLflow clients can log to: `cairn serve`'s address (it answers MLflow's REST API beside
   * the app's). Absent in the desktop app, which serves no HTTP.
   */
  readonly trackingUri?: string;
  /**
   * The desktop app's own commands and window: host paths, native drops, system choosers,
   * relaunch. Absent in a browser, which may reach only the store.
   */
  readonly local?: LocalShell;
  /**
   * `cairn serve`'s users, groups, tokens and grants (browser only). Present in every browser;
   * whether accounts are on is the session's `mode` (only `users` has them).
   */
  readonly accounts?: Accounts;
}

/** What every backend call rejects with: the backend's own error, or a transport failure. */
export class BackendError extends Error {
  /** The backend's kind, or `transport` when it could not be reached or answered garbage. */
  readonly kind: ErrorKind | typeof TRANSPORT_ERROR;
  readonly error_code?: string;

  constructor(kind: ErrorKind | typeof TRANSPORT_ERROR, message: string, errorCode?: string) {
    super(message);
    this.name = 'BackendError';
    this.kind = kind;
    if (errorCode !== undefined) this.error_code = errorCode;
  }
}

/** Kind of a `BackendError` raised when the backend could not be reached or answered garbage. */
export const TRANSPORT_ERROR = 'transport' as const;

/** Turns whatever a transport threw into a `BackendError`, keeping an `AppError`'s kind and message. */
export function toBackendError(thrown: unknown): BackendError {
  if (thrown instanceof BackendError) return thrown;
  if (isAppError(thrown)) {
    const code = typeof thrown.error_code === 'string' ? thrown.error_code : undefined;
    return new BackendError(thrown.kind, thrown.message, code);
  }
  if (thrown instanceof Error) return new BackendError(TRANSPORT_ERROR, thrown.message);
  return new BackendError(TRANSPORT_ERROR, String(thrown));
}

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).kind === 'string' &&
    typeof (value as AppError).message === 'string'
  );
}
