// Transport shapes of the drag-and-drop and upload commands (cairn-app's files.rs).

/** One file that became an artifact of a run. */
export interface AddedArtifact {
  /** Relative to the run's artifact root, `/`-separated. */
  path: string;
  size_bytes: number;
  /** BLAKE3, lower-case hex. */
  blake3: string;
}

/** What an import of dropped folders or logs did. */
export interface ImportSummary {
  runs_new: number;
  runs_updated: number;
  runs_unchanged: number;
  points: number;
  files_seen: number;
  registered_models: number;
  errors: { path: string; reason: string }[];
}

/** Progress of an import, pushed as the `import_progress` event. */
export interface ImportProgressEvent {
  type: 'import_progress';
  /** The id the UI gave `import_paths`. */
  job: string;
  /** The source just handled; empty in the final event. */
  current: string;
  runs_new: number;
  runs_updated: number;
  runs_unchanged: number;
  files_seen: number;
  errors: number;
  done: boolean;
}

/** The largest file `upload_artifact` takes (cairn-app's `MAX_UPLOAD_BYTES`). */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/** The drag-and-drop command any caller has: a file arrives as its bytes. */
export interface FilesCommands {
  /** One file's content, base64, into a run's artifacts at `path` (a browser's drops and uploads). */
  upload_artifact: { args: { runId: string; path: string; contentBase64: string }; result: AddedArtifact };
}

/** Drag-and-drop commands only the desktop app has: they read files and folders by host path. */
export interface FilesLocalCommands {
  /** Copies local files and folders into a run's artifacts (under `dest`). */
  add_artifacts: {
    args: { runId: string; paths: string[]; dest?: string };
    result: { run_id: string; files: AddedArtifact[] };
  };
  /** Indexes local folders or logs (MLflow, TensorBoard, CSV); progress arrives as events under `job`. */
  import_paths: { args: { paths: string[]; job?: string }; result: ImportSummary };
}
