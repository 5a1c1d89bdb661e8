// Transport shapes of the run page commands (cairn-app's run_page.rs, artifact_files.rs and
// run_page_views.rs).
import type { MetricValue, RunRow } from './backend';
import type { DataView } from './charts';

/** The latest point and size of one metric. */
export interface MetricSummary {
  key: string;
  value: MetricValue;
  step: number;
  timestamp: number;
  point_count: number;
}

/** A run's code provenance. */
export interface GitView {
  /** `repository` (read with git) or `mlflow_tags`. */
  origin: string;
  repo_root: string | null;
  commit: string | null;
  branch: string | null;
  remote_url: string | null;
  dirty: boolean | null;
  diff_artifact: string | null;
  untracked_files: string[];
  author: string | null;
  commit_time: number | null;
  commit_summary: string | null;
}

/** A registered model version made from the run. */
export interface ModelVersionView {
  name: string;
  version: string;
  stage: string;
  aliases: string[];
  source: string;
  creation_time: number;
}

/** How the page previews a file. */
export type ArtifactKind = 'image' | 'text' | 'json' | 'csv' | 'binary';

/** One artifact file of a run. */
export interface ArtifactEntry {
  path: string;
  size_bytes: number;
  blake3: string | null;
  modified_ms: number | null;
  kind: ArtifactKind;
  /** False when the store's index lists it but the file is gone. */
  present: boolean;
}

/** The start (or end) of a text file. */
export interface TextExcerpt {
  text: string;
  size_bytes: number;
  truncated: boolean;
}

export interface DatasetInputView {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  context: string | null;
}

export interface ModelOutputView {
  model_id: string;
  step: number;
}

/** Everything the run page shows at first paint. */
export interface RunPageView extends RunRow {
  artifact_uri: string;
  lifecycle_stage: 'active' | 'deleted';
  source_path: string | null;
  parent_run_id: string | null;
  metric_summaries: MetricSummary[];
  git: GitView | null;
  data: DataView[];
  model_versions: ModelVersionView[];
  experiment_name: string;
  command: string | null;
  artifact_dir: string | null;
  /** True when files can be added to the run's artifacts (they live in the store). */
  artifacts_writable: boolean;
  artifacts: ArtifactEntry[];
  artifacts_truncated: boolean;
  diff: TextExcerpt | null;
  output_log: string | null;
  inputs: DatasetInputView[];
  outputs: ModelOutputView[];
}

/** A preview of one artifact file. */
export interface ArtifactPreview {
  path: string;
  kind: ArtifactKind;
  mime: string | null;
  size_bytes: number;
  blake3: string;
  modified_ms: number | null;
  /** Text content of text, JSON and CSV files (up to 1 MB). */
  text: string | null;
  /** Image bytes (up to 5 MB). */
  base64: string | null;
  truncated: boolean;
  from_end: boolean;
}

export interface ManifestEntryView {
  path: string;
  kind: 'file' | 'symlink';
  size_bytes: number;
  hash: string;
}

/** The file list behind a directory's data hash. */
export interface ManifestView {
  root_hash: string;
  total_count: number;
  entries: ManifestEntryView[];
}

/** Commands of the run page. */
export interface RunPageCommands {
  get_run_page: { args: { runId: string }; result: RunPageView };
  read_artifact: {
    args: { runId: string; path: string; maxBytes?: number; fromEnd?: boolean };
    result: ArtifactPreview;
  };
  data_manifest: { args: { rootHash: string; limit?: number }; result: ManifestView };
}

/** The run page's command only the desktop app has: it opens the host's file manager. */
export interface RunPageLocalCommands {
  reveal_artifact: { args: { runId: string; path: string }; result: { folder: string } };
}
