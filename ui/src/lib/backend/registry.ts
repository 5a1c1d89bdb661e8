// Transport shapes of the registry commands (cairn-app's registry.rs).

/** One entry of a model's permanent registry history. */
export interface HistoryView {
  model: string;
  version: number | null;
  /** `create_version`, `transition`, `set_alias`, `delete_alias`, `delete_version`. */
  change: string;
  from_stage: string | null;
  to_stage: string | null;
  alias: string | null;
  user_id: string;
  time_ms: number;
  comment: string;
  /** Where the change was made: `app`, `cli`, `gate`, `server`, `store`. */
  origin: string;
  gate_report: string | null;
}

/** Moving a version to a stage (None, Staging, Production, Archived; any case). */
export interface PromoteRequest {
  name: string;
  version: number;
  stage: string;
  archiveExisting?: boolean;
  comment?: string;
  userId?: string;
}

/** A `models:/` URI resolved to a version and its files. */
export interface ResolvedModel {
  name: string;
  version: number;
  stage: string;
  source: string;
  run_id: string | null;
  artifact_location: string;
}

/** Commands of the registry screens. */
export interface RegistryCommands {
  model_history: { args: { name: string }; result: HistoryView[] };
  promote_model_version: { args: { request: PromoteRequest }; result: { stage: string } };
  set_model_alias: {
    args: { name: string; alias: string; version: number; userId?: string };
    result: Record<string, never>;
  };
  delete_model_alias: { args: { name: string; alias: string; userId?: string }; result: Record<string, never> };
  resolve_model_uri: { args: { uri: string }; result: ResolvedModel };
}

/** A metric value: non-finite values travel as strings (see backend.ts). */
export type RegistryMetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

/** The version a stage currently holds. */
export interface StageLatest {
  stage: string;
  version: number;
}

/** One row of the models list. */
export interface ModelSummary {
  name: string;
  description: string;
  /** The highest version in each stage that has one, in stage order. */
  latest_versions: StageLatest[];
  /** Alias → version. */
  aliases: Record<string, number>;
  version_count: number;
  creation_time: number;
  last_updated_time: number;
  tags: Record<string, string>;
}

/** What a version's source run brings to comparisons. */
export interface RunSummary {
  run_id: string;
  run_name: string;
  experiment_id: string;
  metrics: Record<string, RegistryMetricValue>;
  params: Record<string, string>;
  git_commit: string | null;
  git_dirty: boolean | null;
  /** Data path → BLAKE3 root hash. */
  data_hashes: Record<string, string>;
}

/** One version on the model page. */
export interface VersionDetail {
  version: number;
  stage: string;
  aliases: string[];
  source: string;
  status: string;
  user_id: string;
  description: string;
  creation_time: number;
  last_updated_time: number;
  tags: Record<string, string>;
  run_id: string | null;
  /** The source run, when the store has it. */
  run: RunSummary | null;
}

/** A model, its versions (newest first) and its history (oldest first). */
export interface ModelDetail {
  model: ModelSummary;
  versions: VersionDetail[];
  history: HistoryView[];
}

/** One metric or param on both sides of a comparison. */
export interface CompareRow<T> {
  key: string;
  candidate: T | null;
  current: T | null;
  differs: boolean;
}

/** The candidate beside the version it would replace (in a stage or under an alias). */
export interface VersionComparison {
  candidate: VersionDetail;
  current: VersionDetail | null;
  metrics: CompareRow<RegistryMetricValue>[];
  params: CompareRow<string>[];
  commit_differs: boolean;
  data_differs: boolean;
}

/** Commands of the models list and model page. */
export interface RegistryScreenCommands {
  list_models: { args: Record<string, never>; result: ModelSummary[] };
  get_model: { args: { name: string }; result: ModelDetail };
  /** Compare with `current`, else the other version in `stage`, else the holder of `alias`. */
  compare_versions: {
    args: { name: string; candidate: number; current?: number; stage?: string; alias?: string };
    result: VersionComparison;
  };
  archive_model_version: {
    args: { name: string; version: number; comment?: string; userId?: string };
    result: { stage: string };
  };
  /** The user name registry changes are recorded under when the UI sends none. */
  app_user: { args: Record<string, never>; result: { user: string } };
}
