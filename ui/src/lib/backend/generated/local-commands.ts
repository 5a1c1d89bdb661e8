// Generated from cairn-local's command table (crates/cairn-local/src/commands/); do not edit.
// Regenerate: UPDATE_TS=1 cargo test -p cairn-local typescript

import type { AddedArtifact, DriftView, NoArgs } from './commands';

/**
 * The local files and folders to copy into a run's artifacts.
 */
export type AddArtifactsRequest = {
  /**
   * The run.
   */
  runId: string,
  /**
   * Absolute paths of files or folders (folders are copied with their contents).
   */
  paths: Array<string>,
  /**
   * Folder inside the run's artifacts to put them in; the root when empty.
   */
  dest?: string,
};

/**
 * What `add_artifacts` and `upload_artifact` did.
 */
export type AddedArtifacts = {
  /**
   * The run.
   */
  run_id: string,
  /**
   * Every file copied, sorted by path.
   */
  files: Array<AddedArtifact>,
};

export type CompareRunDataArgs = {
  /**
   * The reference run (the left of the comparison).
   */
  referenceRun: string,
  /**
   * The run compared with it.
   */
  currentRun: string,
};

/**
 * A folder on this machine.
 */
export type FolderPathArgs = { path: string, };

/**
 * A folder Cairn indexes; `watched` ones are followed live, `active` while their watcher runs.
 */
export type FolderView = {
  path: string,
  /**
   * Followed live.
   */
  watched: boolean,
  /**
   * A watcher thread is running for it now.
   */
  active: boolean,
  /**
   * Epoch milliseconds.
   */
  added_time: number,
};

/**
 * A source the indexer could not read.
 */
export type ImportError = {
  /**
   * The file or folder.
   */
  path: string,
  /**
   * Why.
   */
  reason: string,
};

export type ImportPathsArgs = {
  paths: Array<string>,
  /**
   * The UI's id for this import: progress events carry it.
   */
  job?: string,
};

/**
 * What an import did.
 */
export type ImportSummary = {
  /**
   * Runs that were not in the store before.
   */
  runs_new: number,
  /**
   * Runs re-read because their source changed.
   */
  runs_updated: number,
  /**
   * Runs whose source had not changed.
   */
  runs_unchanged: number,
  /**
   * Metric points imported.
   */
  points: number,
  /**
   * Files looked at.
   */
  files_seen: number,
  /**
   * Registered models imported or refreshed.
   */
  registered_models: number,
  /**
   * Sources that could not be read.
   */
  errors: Array<ImportError>,
};

/**
 * What one index pass did, for the UI.
 */
export type IndexSummary = {
  /**
   * The folder.
   */
  path: string,
  /**
   * Runs new to the store.
   */
  runs_new: number,
  /**
   * Runs re-read or grown.
   */
  runs_updated: number,
  /**
   * Runs whose source had not changed.
   */
  runs_unchanged: number,
  /**
   * Metric points imported.
   */
  points: number,
  /**
   * Files looked at.
   */
  files_seen: number,
  /**
   * Sources that could not be read: `path: reason`, sorted.
   */
  problems: Array<string>,
};

/**
 * One run not pushed, and why.
 */
export type PushFailureView = { run_id: string, error: string, };

/**
 * What "Push to team" did.
 */
export type PushResultView = {
  server: string, pushed: Array<PushedRunView>, failed: Array<PushFailureView>,
  /**
   * Points sent, over all runs.
   */
  points: number,
  /**
   * Files uploaded, over all runs.
   */
  files: number,
};

/**
 * The runs to push.
 */
export type PushToTeamArgs = { runIds: Array<string>, };

/**
 * One run pushed.
 */
export type PushedRunView = { run_id: string, remote_run_id: string | null, experiment: string, created: boolean, params: number, tags: number, points: number, files: number, model_versions: number, notes: Array<string>, };

export type RevealArtifactArgs = {
  runId: string,
  /**
   * The file or folder inside the run's artifacts; the folder itself when empty.
   */
  path?: string,
};

/**
 * The folder `reveal_artifact` asked the system to open.
 */
export type RevealedFolder = {
  /**
   * The folder.
   */
  folder: string,
};

/**
 * The drift between two runs' data.
 */
export type RunDataDrift = {
  /**
   * The reference run's table and how it was found.
   */
  reference_data: string,
  /**
   * The current run's table and how it was found.
   */
  current_data: string,
  /**
   * The report.
   */
  drift: DriftView,
};

/**
 * A new URL and, optionally, a new token.
 */
export type SetTeamServerArgs = {
  /**
   * `http(s)://HOST[:PORT]`; empty forgets the server (and its token).
   */
  url: string,
  /**
   * A new token; `null` keeps the saved one.
   */
  token: string | null,
  /**
   * Forget the saved token.
   */
  forgetToken?: boolean,
};

/**
 * What `use_store` remembered.
 */
export type StoreChoice = {
  /**
   * The database file launches without `--store` and `$CAIRN_STORE` now open.
   */
  store: string,
  /**
   * The remembered database file; `null` when back to the default store.
   */
  remembered: string | null,
  /**
   * The running app has another store open and must reopen to use this one.
   */
  reopen: boolean,
};

/**
 * The team server as Settings shows it: never the token itself.
 */
export type TeamServerView = {
  /**
   * `null` when none is set.
   */
  url: string | null,
  /**
   * A token is saved (it is never shown).
   */
  token_saved: boolean,
  /**
   * The file the settings are kept in (readable by its owner only).
   */
  settings_file: string | null,
};

export type UseStoreArgs = {
  /**
   * A database file or a folder (meaning `<folder>/cairn.db`); `null` forgets the choice.
   */
  path: string | null,
};

/**
 * Every command only the desktop app answers, by name: its argument object and its result.
 * `cairn serve` has none of them.
 */
export interface LocalCommands {
  compare_run_data: { args: CompareRunDataArgs; result: RunDataDrift };
  add_artifacts: { args: AddArtifactsRequest; result: AddedArtifacts };
  import_paths: { args: ImportPathsArgs; result: ImportSummary };
  list_watched_folders: { args: NoArgs; result: Array<FolderView> };
  add_watched_folder: { args: FolderPathArgs; result: Array<FolderView> };
  remove_watched_folder: { args: FolderPathArgs; result: Array<FolderView> };
  index_folder: { args: FolderPathArgs; result: IndexSummary };
  reveal_artifact: { args: RevealArtifactArgs; result: RevealedFolder };
  use_store: { args: UseStoreArgs; result: StoreChoice };
  get_team_server: { args: NoArgs; result: TeamServerView };
  set_team_server: { args: SetTeamServerArgs; result: TeamServerView };
  push_to_team: { args: PushToTeamArgs; result: PushResultView };
}
