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
