//! Transport types of the run page: the page itself, a run's artifact files, previews of one
//! file and the file list behind a data hash. Field names are the contract with the UI, which
//! gets their TypeScript twins generated (`ui/src/lib/backend/generated/commands.ts`).

use serde::Serialize;
use ts_rs::TS;

use crate::views::RunDetail;

/// Everything the run page shows at first paint.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RunPageView {
    /// The run, as `get_run_detail` gives it.
    #[serde(flatten)]
    pub detail: RunDetail,
    /// The name of the run's experiment.
    pub experiment_name: String,
    /// The command that ran (`cairn.command`, else `mlflow.source.name`).
    pub command: Option<String>,
    /// The folder holding the run's artifacts on this machine, when there is one.
    pub artifact_dir: Option<String>,
    /// True when files can be added to the run's artifacts (`add_artifacts`, `upload_artifact`):
    /// they live in the store's artifact folder, not in a folder another tool wrote.
    pub artifacts_writable: bool,
    /// The run's artifact files, sorted by path.
    pub artifacts: Vec<ArtifactEntry>,
    /// True when the folder held more files than are listed.
    pub artifacts_truncated: bool,
    /// The uncommitted diff of tracked files at run time, when it was saved.
    pub diff: Option<TextExcerpt>,
    /// Artifact path of the run's output log (`cairn run`'s stdout and stderr), when present.
    pub output_log: Option<String>,
    /// Datasets the run used (MLflow `log_input`), sorted by name then digest.
    pub inputs: Vec<DatasetInputView>,
    /// LoggedModels the run produced, sorted by model id.
    pub outputs: Vec<ModelOutputView>,
}

/// One artifact file of a run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ArtifactEntry {
    /// Path relative to the run's artifact folder, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// BLAKE3 of the content, lower-case hex, when the store's index knows it.
    pub blake3: Option<String>,
    /// Last modification, epoch milliseconds.
    pub modified_ms: Option<i64>,
    /// How the page previews it, from its name: `image`, `text`, `json`, `csv` or `binary`.
    #[ts(type = "'image' | 'text' | 'json' | 'csv' | 'binary'")]
    pub kind: &'static str,
    /// False when the store's index lists it but the file is gone.
    pub present: bool,
}

/// The start (or the end) of a text file.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TextExcerpt {
    /// The text, lossily decoded as UTF-8.
    pub text: String,
    /// The whole file's size in bytes.
    pub size_bytes: u64,
    /// True when `text` is only part of the file.
    pub truncated: bool,
}

/// A dataset a run used.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DatasetInputView {
    /// Dataset name.
    pub name: String,
    /// Digest given by the client.
    pub digest: String,
    /// Kind of source, e.g. `local`.
    pub source_type: String,
    /// The source, as JSON text.
    pub source: String,
    /// `mlflow.data.context` of the use (`training`, `eval`...), when given.
    pub context: Option<String>,
}

/// A LoggedModel a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ModelOutputView {
    /// LoggedModel id.
    pub model_id: String,
    /// Step at which it was logged.
    pub step: i64,
}

/// A preview of one artifact file.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ArtifactPreview {
    /// Path relative to the run's artifact folder.
    pub path: String,
    /// `image`, `text`, `json`, `csv` or `binary`.
    #[ts(type = "'image' | 'text' | 'json' | 'csv' | 'binary'")]
    pub kind: &'static str,
    /// MIME type, for images.
    pub mime: Option<&'static str>,
    /// Size in bytes.
    pub size_bytes: u64,
    /// BLAKE3 of the whole file, lower-case hex.
    pub blake3: String,
    /// Last modification, epoch milliseconds.
    pub modified_ms: Option<i64>,
    /// Text content for `text`, `json` and `csv` (up to the byte limit).
    pub text: Option<String>,
    /// Base64 of the bytes, for images up to the image limit.
    pub base64: Option<String>,
    /// True when the content is partial (text) or left out (an image over the limit).
    pub truncated: bool,
    /// True when `text` is the end of the file rather than its start.
    pub from_end: bool,
}

/// The folder `reveal_artifact` asked the system to open.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RevealedFolder {
    /// The folder.
    pub folder: String,
}

/// One file of a directory's data hash.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ManifestEntryView {
    /// Path relative to the hashed directory.
    pub path: String,
    /// `file` or `symlink`.
    #[ts(type = "'file' | 'symlink'")]
    pub kind: &'static str,
    /// Size in bytes.
    pub size_bytes: u64,
    /// BLAKE3, lower-case hex.
    pub hash: String,
}

/// The file list behind a data hash, possibly cut short.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ManifestView {
    /// The root hash asked about.
    pub root_hash: String,
    /// Entries in the whole manifest.
    pub total_count: u64,
    /// The first entries, sorted by path.
    pub entries: Vec<ManifestEntryView>,
}
