// The one seam between the UI and Cairn's backend. Components talk to a `Backend`; the Tauri
// implementation (tauri.ts) and the HTTP one for `cairn serve` (http.ts) are the only code that
// knows how a call travels. `call` takes the store's commands, which every caller has; what only
// the desktop app may do is its `local` shell (local.ts), absent in a browser. The types below are
// the JSON transport shapes (snake_case, as serialised by the `cairn-app` crate); times are epoch
// milliseconds.
import type { ChartCommands } from './charts';
import type { DemoCommands } from './demo';
import type { FilesCommands, ImportProgressEvent } from './files';
import type { RegistryCommands, RegistryScreenCommands } from './registry';
import type { RunPageCommands } from './runpage';
import type { LocalShell } from './local';
import type { IndexSummary, SettingsCommands } from './settings';

/** An experiment as listed in the sidebar. */
export interface ExperimentView {
  experiment_id: string;
  name: string;
  lifecycle_stage: 'active' | 'deleted';
  run_count: number;
  creation_time: number | null;
  last_update_time: number | null;
}

/** Which runs to list: MLflow's search grammar in `filter`, `order_by` like `metrics.acc DESC`. */
export interface ListRunsRequest {
  experiment_ids: string[];
  filter: string;
  order_by: string[];
  max_results: number;
  offset: number;
}

/** A metric value: non-finite values travel as strings because JSON has no NaN or Infinity. */
export type MetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** One row of the runs table: a run with its params and the latest value of each metric. */
export interface RunRow {
  run_id: string;
  run_name: string;
  experiment_id: string;
  status: RunStatus;
  start_time: number | null;
  end_time: number | null;
  source_kind: string;
  user_id: string;
  git_commit: string | null;
  git_dirty: boolean | null;
  data_hash: string | null;
  params: Record<string, string>;
  metrics: Record<string, MetricValue>;
  tags: Record<string, string>;
}

/** One page of runs, with the param and metric keys present across all matching runs. */
export interface RunsPage {
  runs: RunRow[];
  total_count: number;
  next_offset: number | null;
  param_keys: string[];
  metric_keys: string[];
  tag_keys: string[];
}

/** An error as the backend reports it, e.g. `{kind: "invalid_filter", message: "..."}`. */
export interface AppError {
  kind: string;
  message: string;
  /** MLflow's code for it, e.g. `RESOURCE_DOES_NOT_EXIST`; sent by `cairn serve`. */
  error_code?: string;
}

/** Commands of the runs view. */
export interface RunsCommands {
  list_experiments: { args: Record<string, never>; result: ExperimentView[] };
  list_runs: { args: { request: ListRunsRequest }; result: RunsPage };
}

/**
 * Every command of the store, by name: its argument object and its result. Any caller may send
 * them (the desktop app, and a browser through `cairn serve`). Each subject declares its commands
 * in its own file (registry.ts, ...) and is joined here; the desktop app's own are in local.ts.
 */
export type Commands = RunsCommands &
  RegistryCommands &
  RegistryScreenCommands &
  ChartCommands &
  RunPageCommands &
  SettingsCommands &
  FilesCommands &
  DemoCommands;
export type CommandName = keyof Commands;
export type CommandArgs<C extends CommandName> = Commands[C]['args'];
export type CommandResult<C extends CommandName> = Commands[C]['result'];

/** Something the backend pushes to the UI, tagged by `type` (see cairn-app's `AppEvent`). */
export type AppEvent =
  | { type: 'runs_changed'; run_ids: string[] }
  | ({ type: 'index_progress'; finished: boolean; error: string | null } & IndexSummary)
  | ImportProgressEvent;

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
}

/** What every backend call rejects with: the backend's own error, or a transport failure. */
export class BackendError extends Error implements AppError {
  readonly kind: string;
  readonly error_code?: string;

  constructor(kind: string, message: string, errorCode?: string) {
    super(message);
    this.name = 'BackendError';
    this.kind = kind;
    if (errorCode !== undefined) this.error_code = errorCode;
  }
}

/** Kind of a `BackendError` raised when the backend could not be reached or answered garbage. */
export const TRANSPORT_ERROR = 'transport';

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
