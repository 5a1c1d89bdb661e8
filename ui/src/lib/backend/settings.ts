// Transport shapes of the settings and runs-view commands (cairn-app's commands/settings.rs and
// commands/runs_view.rs).
import type { ListRunsRequest, MetricValue } from './backend';

/**
 * What the store holds and, for the desktop app only, where it lives. Over HTTP every path and the
 * store's origin are null: a browser is never told where anything is on the server's disk.
 */
export interface AppInfo {
  /** The database file; null over HTTP. */
  database_path: string | null;
  /** The folder of artifacts stored by Cairn; null over HTTP. */
  artifacts_path: string | null;
  schema_version: number;
  /** Active runs in active experiments. */
  run_count: number;
  experiment_count: number;
  version: string;
  /** Why the store is this one; null when the shell did not say. */
  store_origin: StoreOrigin | null;
  /** The store launches without `--store` and `CAIRN_STORE` open; null: the default one. */
  remembered_store: string | null;
  /** The store in the user's data folder. */
  default_store: string | null;
  /** The settings file the remembered store is kept in. */
  settings_file: string | null;
  /** Why the settings file could not be read, when it could not. */
  settings_error: string | null;
  /** This app can switch to another store (`use_store`): the desktop app. */
  can_switch_store: boolean;
  /** The caller is the desktop app, which may name paths on this machine; false over HTTP. */
  local_shell: boolean;
}

/** `--store`, `CAIRN_STORE`, the remembered store, or the user's data folder. */
export type StoreOrigin = 'flag' | 'env' | 'remembered' | 'default';

/** What `use_store` remembered. */
export interface StoreChoice {
  /** The database file launches without `--store` and `CAIRN_STORE` now open. */
  store: string;
  /** The remembered database file; null when back to the default store. */
  remembered: string | null;
  /** The running app has another store open and must reopen to use this one. */
  reopen: boolean;
}

/** A folder Cairn indexes; `watched` ones are followed live, `active` while their watcher runs. */
export interface FolderView {
  path: string;
  watched: boolean;
  active: boolean;
  added_time: number;
}

/** What one index pass did (also the body of `index_progress` events). */
export interface IndexSummary {
  path: string;
  runs_new: number;
  runs_updated: number;
  runs_unchanged: number;
  points: number;
  files_seen: number;
  problems: string[];
}

/** A metric summarised over a group's runs with a finite latest value. */
export interface GroupMetric {
  min: MetricValue;
  max: MetricValue;
  mean: MetricValue;
  count: number;
}

/** One group of the runs table: runs sharing a param value (`null`: runs without the param). */
export interface RunGroup {
  value: string | null;
  run_count: number;
  metric: GroupMetric | null;
}

export interface RunGroups {
  group_by: string;
  groups: RunGroup[];
  total_count: number;
}

/** Commands of the settings view and of the runs table's grouping. */
export interface SettingsCommands {
  app_info: { args: Record<string, never>; result: AppInfo };
  group_runs: {
    args: { request: ListRunsRequest; groupBy: string; metric?: string | null };
    result: RunGroups;
  };
}

/** Settings commands only the desktop app has: each names a path on this machine. */
export interface SettingsLocalCommands {
  /** Remembers a store (a database file or a folder; null: the default). */
  use_store: { args: { path: string | null }; result: StoreChoice };
  list_watched_folders: { args: Record<string, never>; result: FolderView[] };
  add_watched_folder: { args: { path: string }; result: FolderView[] };
  remove_watched_folder: { args: { path: string }; result: FolderView[] };
  index_folder: { args: { path: string }; result: IndexSummary };
}
