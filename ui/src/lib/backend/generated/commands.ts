// Generated from cairn-app's command table (crates/cairn-app/src/commands/); do not edit.
// Regenerate: UPDATE_TS=1 cargo test -p cairn-app typescript

/**
 * One file that became an artifact.
 */
export type AddedArtifact = {
  /**
   * Path relative to the run's artifact root, `/`-separated.
   */
  path: string,
  /**
   * Size in bytes.
   */
  size_bytes: number,
  /**
   * BLAKE3 of the content, lower-case hex.
   */
  blake3: string,
};

/**
 * A threshold drawn on a metric's chart.
 */
export type AlertView = {
  /**
   * `accuracy`, `f1`, `auc`, `mae`, `rmse` or `drift_share`.
   */
  metric: string,
  /**
   * `>=` (healthy at or above) or `<=`.
   */
  op: string,
  /**
   * The threshold.
   */
  value: number,
};

/**
 * Something the UI should know about, as JSON `{"type": "...", ...}`.
 */
export type AppEvent = {
  "type": "runs_changed",
  /**
   * The runs concerned; empty when unknown (refresh whatever is on screen).
   */
  run_ids: Array<string>, } | { "type": "index_progress",
  /**
   * The pass is over.
   */
  finished: boolean,
  /**
   * Why it stopped, when it failed.
   */
  error: string | null,
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
  problems: Array<string>, } | { "type": "import_progress" } & ImportProgress;

/**
 * Where the store lives and what it holds. The paths and the store's origin are `null` for a
 * caller that is not a shell on the store's own machine.
 */
export type AppInfo = {
  /**
   * The database file.
   */
  database_path: string | null,
  /**
   * The folder of artifacts stored by Cairn.
   */
  artifacts_path: string | null,
  /**
   * The version of the store's schema (SQLite's `user_version`, or PostgreSQL's migration
   * number), as this build keeps it.
   */
  schema_version: number,
  /**
   * Active runs in active experiments.
   */
  run_count: number,
  /**
   * Active experiments.
   */
  experiment_count: number,
  /**
   * Cairn's version.
   */
  version: string,
  /**
   * Why the store is this one: `flag`, `env`, `remembered` or `default`.
   */
  store_origin: 'flag' | 'env' | 'remembered' | 'default' | null,
  /**
   * The store remembered in the settings file.
   */
  remembered_store: string | null,
  /**
   * The store in the user's data folder.
   */
  default_store: string | null,
  /**
   * The settings file holding the remembered store.
   */
  settings_file: string | null,
  /**
   * Why the settings file could not be read, when it could not.
   */
  settings_error: string | null,
  /**
   * This app can switch to another store (`use_store`): the desktop app.
   */
  can_switch_store: boolean,
  /**
   * The caller is a shell on this machine: it may name host paths (import, index, watch,
   * reveal). False over HTTP.
   */
  local_shell: boolean,
};

export type ArchiveArgs = { name: string, version: number, comment?: string, userId?: string, };

/**
 * One artifact file of a run.
 */
export type ArtifactEntry = {
  /**
   * Path relative to the run's artifact folder, `/`-separated.
   */
  path: string,
  /**
   * Size in bytes.
   */
  size_bytes: number,
  /**
   * BLAKE3 of the content, lower-case hex, when the store's index knows it.
   */
  blake3: string | null,
  /**
   * Last modification, epoch milliseconds.
   */
  modified_ms: number | null,
  /**
   * How the page previews it, from its name: `image`, `text`, `json`, `csv` or `binary`.
   */
  kind: 'image' | 'text' | 'json' | 'csv' | 'binary',
  /**
   * False when the store's index lists it but the file is gone.
   */
  present: boolean,
};

/**
 * A preview of one artifact file.
 */
export type ArtifactPreview = {
  /**
   * Path relative to the run's artifact folder.
   */
  path: string,
  /**
   * `image`, `text`, `json`, `csv` or `binary`.
   */
  kind: 'image' | 'text' | 'json' | 'csv' | 'binary',
  /**
   * MIME type, for images.
   */
  mime: string | null,
  /**
   * Size in bytes.
   */
  size_bytes: number,
  /**
   * BLAKE3 of the whole file, lower-case hex.
   */
  blake3: string,
  /**
   * Last modification, epoch milliseconds.
   */
  modified_ms: number | null,
  /**
   * Text content for `text`, `json` and `csv` (up to the byte limit).
   */
  text: string | null,
  /**
   * Base64 of the bytes, for images up to the image limit.
   */
  base64: string | null,
  /**
   * True when the content is partial (text) or left out (an image over the limit).
   */
  truncated: boolean,
  /**
   * True when `text` is the end of the file rather than its start.
   */
  from_end: boolean,
};

/**
 * A batch of a model version.
 */
export type BatchArgs = { name: string, version: number, id: string, };

/**
 * One batch with its whole report.
 */
export type BatchDetailView = {
  /**
   * The batch.
   */
  batch: BatchView,
  /**
   * Its drift report.
   */
  drift: DriftView | null,
  /**
   * Its performance, when it had labels.
   */
  performance: PerformanceView | null,
};

/**
 * A named number of a batch.
 */
export type BatchMetric = {
  /**
   * `accuracy`, `f1`, `auc`, `mae`, `rmse`.
   */
  name: string,
  /**
   * Its value; null when not finite.
   */
  value: number | null,
};

/**
 * One batch, as the tab's charts and table show it.
 */
export type BatchView = {
  /**
   * Its id.
   */
  id: string,
  /**
   * Received at, epoch milliseconds.
   */
  received_ms: number,
  /**
   * Its name.
   */
  label: string,
  /**
   * Rows in it.
   */
  rows: number,
  /**
   * Share of tested columns that drifted.
   */
  drift_share: number,
  /**
   * Whether the dataset drifted.
   */
  dataset_drift: boolean,
  /**
   * Each tested column's score.
   */
  scores: Array<ScoreView>,
  /**
   * Performance metrics, when it had labels.
   */
  metrics: Array<BatchMetric>,
  /**
   * The alerts it breaks, in words.
   */
  broken_alerts: Array<string>,
};

/**
 * A value on each side of a diff; `null` where a side lacks it.
 */
export type Change = {
  /**
   * Param key, `commit`, data path or file path.
   */
  key: string,
  /**
   * Run A's value.
   */
  a: string | null,
  /**
   * Run B's value.
   */
  b: string | null,
};

/**
 * A run on a chart and its colour there.
 */
export type ChartRun = {
  /**
   * Run id.
   */
  run_id: string,
  /**
   * Display name.
   */
  name: string,
  /**
   * `#rrggbb`, the same for this run on every chart of the same runs and theme.
   */
  colour: string,
};

/**
 * One run's line as drawn: finite `[x, y]` points in x order of logging, M4-reduced.
 */
export type ChartSeries = {
  /**
   * Run id.
   */
  run_id: string,
  /**
   * `[x, value]` pairs (smoothed values when smoothing is on).
   */
  points: Array<[number, number]>,
};

/**
 * A rendered chart.
 */
export type ChartView = {
  /**
   * The SVG document.
   */
  svg: string,
  /**
   * Where the plot area is and what it shows.
   */
  geometry: PlotGeometry,
  /**
   * Points in the data (line charts: history points; others: runs plotted).
   */
  point_count: number,
  /**
   * Whether fewer points were drawn than the data has (line charts only).
   */
  downsampled: boolean,
  /**
   * The runs, in the order asked, with their colours.
   */
  runs: Array<ChartRun>,
  /**
   * Line charts: each run's drawn series, for reading values under the cursor.
   */
  series?: Array<ChartSeries>,
};

/**
 * One column's verdict.
 */
export type ColumnDriftView = {
  /**
   * The column.
   */
  name: string,
  /**
   * `numeric` or `categorical`.
   */
  kind: string,
  /**
   * How it was tested (`categorical` for numbers with few values).
   */
  tested_as: string,
  /**
   * The test (`ks`, `chi2`, `z`, `psi`, `wasserstein`, `jensenshannon`).
   */
  test: string,
  /**
   * Whether the score is a p-value (drift below the threshold) or a distance (at or above).
   */
  score_is_p_value: boolean,
  /**
   * The score; null when it could not be computed.
   */
  score: number | null,
  /**
   * The threshold.
   */
  threshold: number,
  /**
   * Whether the column drifted.
   */
  drifted: boolean,
  /**
   * Values tested on the reference side.
   */
  reference_values: number,
  /**
   * Values tested on the current side.
   */
  current_values: number,
  /**
   * Missing values on the reference side.
   */
  reference_missing: number,
  /**
   * Missing values on the current side.
   */
  current_missing: number,
  /**
   * Current categories the reference never had (at most 20).
   */
  unseen_categories: Array<string>,
  /**
   * Current rows holding one of them.
   */
  unseen_rows: number,
  /**
   * Anything worth saying.
   */
  note: string,
  /**
   * Both distributions.
   */
  distribution: DistributionView,
};

/**
 * One metric or param of the comparison: both sides' values and whether they differ.
 */
export type CompareRow<T> = {
  /**
   * Metric or param key.
   */
  key: string,
  /**
   * The candidate's value.
   */
  candidate: T | null,
  /**
   * The current version's value.
   */
  current: T | null,
  /**
   * The values differ (or only one side has the key).
   */
  differs: boolean,
};

/**
 * One compared run.
 */
export type CompareRun = {
  /**
   * Experiment name.
   */
  experiment_name: string,
  /**
   * The run's colour on light backgrounds, as on every chart of these runs.
   */
  colour_light: string,
  /**
   * The run's colour on dark backgrounds.
   */
  colour_dark: string,
  /**
   * Every data input with its content hash.
   */
  data: Array<DataView>,
  /**
   * Code provenance.
   */
  git: GitView | null,
  /**
   * Run id.
   */
  run_id: string,
  /**
   * Display name.
   */
  run_name: string,
  /**
   * Experiment id, as a decimal string.
   */
  experiment_id: string,
  /**
   * `RUNNING`, `FINISHED`...
   */
  status: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED',
  /**
   * Epoch milliseconds.
   */
  start_time: number | null,
  /**
   * Epoch milliseconds.
   */
  end_time: number | null,
  /**
   * How the run reached the store.
   */
  source_kind: string,
  /**
   * Who ran it.
   */
  user_id: string,
  /**
   * HEAD commit, full.
   */
  git_commit: string | null,
  /**
   * Uncommitted changes at run time.
   */
  git_dirty: boolean | null,
  /**
   * Content hash of the first data input.
   */
  data_hash: string | null,
  /**
   * Params by key.
   */
  params: { [key in string]: string },
  /**
   * Latest metric values by key.
   */
  metrics: { [key in string]: MetricValue },
  /**
   * Tags by key.
   */
  tags: { [key in string]: string },
};

export type CompareRunsArgs = { runIds: Array<string>, };

/**
 * Compare with `current`, else the other version in `stage`, else the holder of `alias`.
 */
export type CompareVersionsArgs = {
  name: string, candidate: number,
  /**
   * The version to compare with, when the UI knows it.
   */
  current?: number,
  /**
   * Otherwise: the highest other version in this stage...
   */
  stage?: string,
  /**
   * ...or the version this alias points at.
   */
  alias?: string,
};

/**
 * The compared runs in the order asked, with the union of their keys.
 */
export type Comparison = {
  /**
   * The runs.
   */
  runs: Array<CompareRun>,
  /**
   * Param keys of any run, sorted.
   */
  param_keys: Array<string>,
  /**
   * Metric keys of any run, sorted.
   */
  metric_keys: Array<string>,
};

/**
 * Files that differ inside one data input.
 */
export type DataFilesView = {
  /**
   * The data input's path.
   */
  path: string,
  /**
   * Files added (`a` null), removed (`b` null) or changed, by relative path.
   */
  files: Array<Change>,
};

export type DataManifestArgs = { rootHash: string, limit?: number, };

/**
 * The content hash of one input.
 */
export type DataView = {
  /**
   * Path as given.
   */
  path: string,
  /**
   * `file` or `directory`.
   */
  kind: 'file' | 'directory',
  /**
   * BLAKE3 root hash.
   */
  hash: string,
  /**
   * Total bytes.
   */
  size_bytes: number,
  /**
   * Regular files.
   */
  file_count: number,
  /**
   * DVC's md5, when tracked by DVC.
   */
  dvc_md5: string | null,
};

/**
 * A dataset a run used.
 */
export type DatasetInputView = {
  /**
   * Dataset name.
   */
  name: string,
  /**
   * Digest given by the client.
   */
  digest: string,
  /**
   * Kind of source, e.g. `local`.
   */
  source_type: string,
  /**
   * The source, as JSON text.
   */
  source: string,
  /**
   * `mlflow.data.context` of the use (`training`, `eval`...), when given.
   */
  context: string | null,
};

export type DeleteAliasArgs = { name: string, alias: string, userId?: string, };

export type DeleteTagArgs = { runIds: Array<string>, key: string, };

/**
 * What `load_demo` did.
 */
export type DemoLoaded = {
  /**
   * False when the store already had runs: the demo is only added to an empty store.
   */
  loaded: boolean, experiments: number, runs: number, metric_points: number,
  /**
   * The registered model the demo makes ("" when nothing was loaded).
   */
  model_name: string,
};

export type DescriptionArgs = {
  runId: string,
  /**
   * The description; blank removes it.
   */
  text: string,
};

export type DiffRunsArgs = { runA: string, runB: string, };

/**
 * Both sides' distributions of a column over common bins or categories (shares).
 */
export type DistributionView = {
  /**
   * Bin edges (numeric columns; one more than the shares).
   */
  edges: Array<number> | null,
  /**
   * Categories (categorical columns).
   */
  categories: Array<string>,
  /**
   * The reference's shares.
   */
  reference: Array<number>,
  /**
   * The current data's shares.
   */
  current: Array<number>,
};

/**
 * The result of a command that returns nothing to show: `{}`.
 */
export type Done = Record<string, never>;

/**
 * How one side of a comparison was read.
 */
export type DriftTableView = {
  /**
   * What was read.
   */
  source: string,
  /**
   * Rows read.
   */
  rows: number,
  /**
   * Rows tested.
   */
  kept_rows: number,
  /**
   * Whether they were a sample.
   */
  sampled: boolean,
  /**
   * The same in words.
   */
  reading: string,
};

/**
 * A drift report.
 */
export type DriftView = {
  /**
   * The reference side.
   */
  reference: DriftTableView,
  /**
   * The current side.
   */
  current: DriftTableView,
  /**
   * The tests used, in words.
   */
  method: string,
  /**
   * Tested columns.
   */
  columns: Array<ColumnDriftView>,
  /**
   * Columns not tested.
   */
  skipped: Array<SkippedColumnView>,
  /**
   * How many drifted.
   */
  drifted_columns: number,
  /**
   * Their share.
   */
  drift_share: number,
  /**
   * The share at which the dataset drifts.
   */
  share_threshold: number,
  /**
   * Whether it did.
   */
  drifted: boolean,
};

/**
 * What kind of failure an [`AppError`] is; the UI branches on it (`"not_found"`, ...).
 */
export type ErrorKind = "not_found" | "invalid" | "search" | "conflict" | "forbidden" | "too_large" | "internal";

/**
 * One experiment in the sidebar.
 */
export type ExperimentView = {
  /**
   * The id, as a decimal string.
   */
  experiment_id: string,
  /**
   * Name.
   */
  name: string,
  /**
   * `active` or `deleted`.
   */
  lifecycle_stage: 'active' | 'deleted',
  /**
   * Active runs in it.
   */
  run_count: number,
  /**
   * Epoch milliseconds.
   */
  creation_time: number | null,
  /**
   * Epoch milliseconds.
   */
  last_update_time: number | null,
};

/**
 * A run's code provenance.
 */
export type GitView = {
  /**
   * `repository` or `mlflow_tags`.
   */
  origin: string,
  /**
   * Repository root.
   */
  repo_root: string | null,
  /**
   * HEAD commit.
   */
  commit: string | null,
  /**
   * Branch.
   */
  branch: string | null,
  /**
   * Remote, without credentials.
   */
  remote_url: string | null,
  /**
   * Uncommitted changes.
   */
  dirty: boolean | null,
  /**
   * Artifact path of the uncommitted diff.
   */
  diff_artifact: string | null,
  /**
   * Untracked files.
   */
  untracked_files: Array<string>,
  /**
   * Commit author.
   */
  author: string | null,
  /**
   * Commit time, epoch milliseconds.
   */
  commit_time: number | null,
  /**
   * Commit summary line.
   */
  commit_summary: string | null,
};

/**
 * A metric summarised over a group's runs with a finite latest value.
 */
export type GroupMetric = { min: MetricValue, max: MetricValue, mean: MetricValue, count: number, };

export type GroupRunsArgs = {
  request: ListRunsRequest,
  /**
   * The param key to group by.
   */
  groupBy: string,
  /**
   * A metric to summarise per group (the sort column, when it is a metric).
   */
  metric?: string | null,
};

/**
 * What a histogram shows.
 */
export type HistogramChartArgs = {
  /**
   * The field counted, `metrics.KEY` (or a bare key) or a numeric `params.KEY`.
   */
  field: string,
  /**
   * Number of bins; chosen from the data when absent.
   */
  bins?: number,
  /**
   * The runs, in legend order.
   */
  runIds: Array<string>,
  /**
   * Image width, pixels.
   */
  width: number,
  /**
   * Image height, pixels.
   */
  height: number,
  /**
   * `light` (default) or `dark`.
   */
  theme?: 'light' | 'dark',
};

/**
 * One history entry as JSON shows it.
 */
export type HistoryView = {
  /**
   * Model name at the time.
   */
  model: string,
  /**
   * The version concerned.
   */
  version: number | null,
  /**
   * `create_version`, `transition`, `set_alias`, `delete_alias`, `delete_version`.
   */
  change: string,
  /**
   * Stage before.
   */
  from_stage: string | null,
  /**
   * Stage after.
   */
  to_stage: string | null,
  /**
   * The alias.
   */
  alias: string | null,
  /**
   * Who.
   */
  user_id: string,
  /**
   * When, epoch milliseconds.
   */
  time_ms: number,
  /**
   * Why.
   */
  comment: string,
  /**
   * Where.
   */
  origin: string,
  /**
   * The gate report that allowed it.
   */
  gate_report: string | null,
};

/**
 * How far an import has got: running totals, and the source just handled.
 */
export type ImportProgress = {
  /**
   * Which import (the UI's id for it), so concurrent imports are told apart.
   */
  job: string,
  /**
   * The file or folder just handled; empty in the final event.
   */
  current: string,
  /**
   * Runs new to the store so far.
   */
  runs_new: number,
  /**
   * Runs re-read so far.
   */
  runs_updated: number,
  /**
   * Runs found unchanged so far.
   */
  runs_unchanged: number,
  /**
   * Files looked at so far.
   */
  files_seen: number,
  /**
   * Sources that could not be read so far.
   */
  errors: number,
  /**
   * The import has finished; the counts are final.
   */
  done: boolean,
};

/**
 * What a line chart shows.
 */
export type LineChartArgs = {
  /**
   * The metric's key.
   */
  metric: string,
  /**
   * `step` (default), `time` (since each run's first point) or `wall`.
   */
  x?: 'step' | 'time' | 'wall',
  /**
   * EMA weight in [0, 1); absent or 0 draws the raw lines only.
   */
  smoothing?: number,
  /**
   * Log10 y axis.
   */
  logY?: boolean,
  /**
   * Zoom: only the points whose x lies in `[low, high]`, reduced per pixel over that range
   * alone (a spike inside it stays visible); the x axis spans exactly this range.
   */
  xRange?: [number, number],
  /**
   * Runs left off the chart (toggled off in its legend); they keep their colour and their
   * place in `runs`, but are not read or drawn and do not count in `point_count`.
   */
  hiddenRunIds?: Array<string>,
  /**
   * The runs, in legend order.
   */
  runIds: Array<string>,
  /**
   * Image width, pixels.
   */
  width: number,
  /**
   * Image height, pixels.
   */
  height: number,
  /**
   * `light` (default) or `dark`.
   */
  theme?: 'light' | 'dark',
};

export type ListRunsArgs = { request: ListRunsRequest, };

/**
 * What the runs table asks for.
 */
export type ListRunsRequest = {
  /**
   * Experiments, as decimal strings; empty means all.
   */
  experiment_ids: Array<string>,
  /**
   * MLflow search filter; empty matches everything.
   */
  filter: string,
  /**
   * Sort keys such as `metrics.val_acc DESC`.
   */
  order_by: Array<string>,
  /**
   * Page size.
   */
  max_results: number,
  /**
   * Rows to skip.
   */
  offset: number,
  /**
   * Deleted runs instead of active ones (MLflow's `DELETED_ONLY` view).
   */
  deleted?: boolean,
};

/**
 * One file of a directory's data hash.
 */
export type ManifestEntryView = {
  /**
   * Path relative to the hashed directory.
   */
  path: string,
  /**
   * `file` or `symlink`.
   */
  kind: 'file' | 'symlink',
  /**
   * Size in bytes.
   */
  size_bytes: number,
  /**
   * BLAKE3, lower-case hex.
   */
  hash: string,
};

/**
 * The file list behind a data hash, possibly cut short.
 */
export type ManifestView = {
  /**
   * The root hash asked about.
   */
  root_hash: string,
  /**
   * Entries in the whole manifest.
   */
  total_count: number,
  /**
   * The first entries, sorted by path.
   */
  entries: Array<ManifestEntryView>,
};

/**
 * The latest point and size of one metric, for the run page.
 */
export type MetricSummary = {
  /**
   * Key.
   */
  key: string,
  /**
   * Latest value.
   */
  value: MetricValue,
  /**
   * Its step.
   */
  step: number,
  /**
   * Its time, epoch milliseconds.
   */
  timestamp: number,
  /**
   * Points in the history.
   */
  point_count: number,
};

/**
 * A metric value; NaN and infinities travel as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 */
export type MetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

/**
 * A model with every version, newest first, and its registry history, oldest first.
 */
export type ModelDetail = {
  /**
   * The list row.
   */
  model: ModelSummary,
  /**
   * Every version, newest first.
   */
  versions: Array<VersionDetail>,
  /**
   * Every change, oldest first.
   */
  history: Array<HistoryView>,
};

/**
 * The model a command is about.
 */
export type ModelNameArgs = { name: string, };

/**
 * A LoggedModel a run produced.
 */
export type ModelOutputView = {
  /**
   * LoggedModel id.
   */
  model_id: string,
  /**
   * Step at which it was logged.
   */
  step: number,
};

/**
 * One row of the models list.
 */
export type ModelSummary = {
  /**
   * Unique name.
   */
  name: string,
  /**
   * Free text.
   */
  description: string,
  /**
   * The highest version in each stage that has one, in stage order.
   */
  latest_versions: Array<StageLatest>,
  /**
   * Alias → version.
   */
  aliases: { [key in string]: number },
  /**
   * How many versions it has.
   */
  version_count: number,
  /**
   * Epoch milliseconds.
   */
  creation_time: number,
  /**
   * Epoch milliseconds.
   */
  last_updated_time: number,
  /**
   * Tags by key.
   */
  tags: { [key in string]: string },
};

/**
 * A model version, as lists show it.
 */
export type ModelVersionView = {
  /**
   * Registered model.
   */
  name: string,
  /**
   * Version number, as MLflow shows it (a string).
   */
  version: string,
  /**
   * `None`, `Staging`, `Production` or `Archived`.
   */
  stage: string,
  /**
   * Aliases on it.
   */
  aliases: Array<string>,
  /**
   * Where its files are.
   */
  source: string,
  /**
   * Epoch milliseconds.
   */
  creation_time: number,
};

/**
 * The Monitoring tab of a version.
 */
export type MonitoringView = {
  /**
   * The model.
   */
  name: string,
  /**
   * The version.
   */
  version: number,
  /**
   * Its reference, if one is set.
   */
  reference: ReferenceView | null,
  /**
   * Its alerts.
   */
  alerts: Array<AlertView>,
  /**
   * Its newest batches, oldest first.
   */
  batches: Array<BatchView>,
};

/**
 * The arguments of a command that takes none: whatever the caller sends is ignored.
 */
export type NoArgs = Record<string, never>;

/**
 * What a parallel-coordinates chart shows.
 */
export type ParallelChartArgs = {
  /**
   * One axis per field, `params.KEY` or `metrics.KEY`, left to right.
   */
  dimensions: Array<string>,
  /**
   * Colour lines by this field's value instead of by run.
   */
  colourBy?: string,
  /**
   * The runs, in legend order.
   */
  runIds: Array<string>,
  /**
   * Image width, pixels.
   */
  width: number,
  /**
   * Image height, pixels.
   */
  height: number,
  /**
   * `light` (default) or `dark`.
   */
  theme?: 'light' | 'dark',
};

/**
 * A batch's performance.
 */
export type PerformanceView = {
  /**
   * `classification` or `regression`.
   */
  task: string,
  /**
   * Rows with a label and a prediction.
   */
  rows: number,
  /**
   * Rows without one of them.
   */
  skipped: number,
  /**
   * The metrics.
   */
  metrics: Array<BatchMetric>,
};

/**
 * The plot area of a chart, as [`PlotGeometry`] describes it.
 */
export type PlotGeometry = {
  /**
   * Pixel column of the plot area's left edge.
   */
  left_px: number,
  /**
   * Pixel row of its top edge.
   */
  top_px: number,
  /**
   * Pixel column of its right edge.
   */
  right_px: number,
  /**
   * Pixel row of its bottom edge.
   */
  bottom_px: number,
  /**
   * Data shown from left to right.
   */
  x_range: [number, number],
  /**
   * Data shown from bottom to top.
   */
  y_range: [number, number],
  /**
   * `linear` or `log10`.
   */
  x_scale: 'linear' | 'log10',
  /**
   * `linear` or `log10`.
   */
  y_scale: 'linear' | 'log10',
};

export type PromoteArgs = { request: PromoteRequest, };

/**
 * What the UI sends to move a version to a stage.
 */
export type PromoteRequest = {
  /**
   * Registered model.
   */
  name: string,
  /**
   * Version number.
   */
  version: number,
  /**
   * Target stage, any case.
   */
  stage: string,
  /**
   * Archive the other versions in the target stage.
   */
  archiveExisting?: boolean,
  /**
   * Why.
   */
  comment?: string,
  /**
   * Who (the UI's user name, when it knows one).
   */
  userId?: string,
};

export type ReadArtifactArgs = { runId: string, path: string, maxBytes?: number, fromEnd?: boolean, };

/**
 * How a version's batches are judged, and from what data.
 */
export type ReferenceView = {
  /**
   * Where the reference data came from.
   */
  source: string,
  /**
   * Rows of that data.
   */
  rows: number,
  /**
   * Size of the kept sample.
   */
  sample_bytes: number,
  /**
   * Set at, epoch milliseconds.
   */
  created_ms: number,
  /**
   * The drift test, when one is chosen (Evidently's rules otherwise).
   */
  test: string | null,
  /**
   * Its threshold, when chosen.
   */
  threshold: number | null,
  /**
   * The share of drifted columns at which a batch drifts.
   */
  share: number,
  /**
   * The labels' column, when named.
   */
  label_column: string | null,
  /**
   * The predictions' column, when named.
   */
  prediction_column: string | null,
  /**
   * `classification` or `regression`, when named.
   */
  task: string | null,
};

export type RegisterArgs = {
  runId: string,
  /**
   * The artifact folder holding the model's `MLmodel`, relative to the run's artifacts; empty
   * for the artifact root.
   */
  path: string,
  /**
   * The registered model: an existing one gets a new version, a new name is created.
   */
  name: string,
  /**
   * Who registers it, for the history; the app's user when absent.
   */
  userId?: string,
};

export type RenameRunArgs = { runId: string, name: string, };

export type ResolveUriArgs = { uri: string, };

/**
 * A `models:/` URI resolved to a version and where its files are.
 */
export type ResolvedModel = {
  /**
   * The registered model.
   */
  name: string,
  /**
   * The version number.
   */
  version: number,
  /**
   * The version's stage.
   */
  stage: string,
  /**
   * The version's source as registered.
   */
  source: string,
  /**
   * The run it came from.
   */
  run_id: string | null,
  /**
   * Where the files are: `runs:/RUN/path` made absolute with the run's artifact root.
   */
  artifact_location: string,
};

/**
 * Everything about one run.
 */
export type RunDetail = {
  /**
   * Artifact root.
   */
  artifact_uri: string,
  /**
   * `active` or `deleted`.
   */
  lifecycle_stage: 'active' | 'deleted',
  /**
   * Where it was indexed from.
   */
  source_path: string | null,
  /**
   * Parent run, for nested runs.
   */
  parent_run_id: string | null,
  /**
   * Latest value and size of every metric, by key.
   */
  metric_summaries: Array<MetricSummary>,
  /**
   * Code provenance.
   */
  git: GitView | null,
  /**
   * Data hashes.
   */
  data: Array<DataView>,
  /**
   * Registered model versions made from this run.
   */
  model_versions: Array<ModelVersionView>,
  /**
   * Run id.
   */
  run_id: string,
  /**
   * Display name.
   */
  run_name: string,
  /**
   * Experiment id, as a decimal string.
   */
  experiment_id: string,
  /**
   * `RUNNING`, `FINISHED`...
   */
  status: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED',
  /**
   * Epoch milliseconds.
   */
  start_time: number | null,
  /**
   * Epoch milliseconds.
   */
  end_time: number | null,
  /**
   * How the run reached the store.
   */
  source_kind: string,
  /**
   * Who ran it.
   */
  user_id: string,
  /**
   * HEAD commit, full.
   */
  git_commit: string | null,
  /**
   * Uncommitted changes at run time.
   */
  git_dirty: boolean | null,
  /**
   * Content hash of the first data input.
   */
  data_hash: string | null,
  /**
   * Params by key.
   */
  params: { [key in string]: string },
  /**
   * Latest metric values by key.
   */
  metrics: { [key in string]: MetricValue },
  /**
   * Tags by key.
   */
  tags: { [key in string]: string },
};

/**
 * What differs between runs A and B.
 */
export type RunDiffView = {
  /**
   * Run A's id.
   */
  run_a: string,
  /**
   * Run B's id.
   */
  run_b: string,
  /**
   * Params whose values differ, sorted by key.
   */
  params: Array<Change>,
  /**
   * Each side's commit (`+dirty` when uncommitted changes were recorded), when they differ.
   */
  code: Change | null,
  /**
   * Data inputs whose hashes differ, by path.
   */
  data: Array<Change>,
  /**
   * Files that differ in data inputs both runs used.
   */
  data_files: Array<DataFilesView>,
  /**
   * Warnings for a person (different data, only uncommitted changes differ).
   */
  warnings: Array<string>,
  /**
   * The uncommitted changes each dirty side recorded (`cairn run` saves them as an artifact).
   */
  uncommitted: Array<UncommittedView>,
};

/**
 * One group of the runs table: runs sharing a param value.
 */
export type RunGroup = {
  /**
   * The param's value; null for runs without the param.
   */
  value: string | null, run_count: number,
  /**
   * Summary of the requested metric over the group, when any run has a finite value.
   */
  metric: GroupMetric | null,
};

/**
 * Every group of the filtered runs, sorted by value, runs without the param last.
 */
export type RunGroups = { group_by: string, groups: Array<RunGroup>, total_count: number, };

/**
 * The run a command is about.
 */
export type RunIdArgs = {
  /**
   * Run id.
   */
  runId: string,
};

export type RunIdsArgs = { runIds: Array<string>, };

/**
 * Everything the run page shows at first paint.
 */
export type RunPageView = {
  /**
   * The name of the run's experiment.
   */
  experiment_name: string,
  /**
   * The command that ran (`cairn.command`, else `mlflow.source.name`).
   */
  command: string | null,
  /**
   * The folder holding the run's artifacts on this machine, when there is one.
   */
  artifact_dir: string | null,
  /**
   * True when files can be added to the run's artifacts (`add_artifacts`, `upload_artifact`):
   * they live in the store's artifact folder, not in a folder another tool wrote.
   */
  artifacts_writable: boolean,
  /**
   * The run's artifact files, sorted by path.
   */
  artifacts: Array<ArtifactEntry>,
  /**
   * True when the folder held more files than are listed.
   */
  artifacts_truncated: boolean,
  /**
   * The uncommitted diff of tracked files at run time, when it was saved.
   */
  diff: TextExcerpt | null,
  /**
   * Artifact path of the run's output log (`cairn run`'s stdout and stderr), when present.
   */
  output_log: string | null,
  /**
   * Datasets the run used (MLflow `log_input`), sorted by name then digest.
   */
  inputs: Array<DatasetInputView>,
  /**
   * LoggedModels the run produced, sorted by model id.
   */
  outputs: Array<ModelOutputView>,
  /**
   * Artifact root.
   */
  artifact_uri: string,
  /**
   * `active` or `deleted`.
   */
  lifecycle_stage: 'active' | 'deleted',
  /**
   * Where it was indexed from.
   */
  source_path: string | null,
  /**
   * Parent run, for nested runs.
   */
  parent_run_id: string | null,
  /**
   * Latest value and size of every metric, by key.
   */
  metric_summaries: Array<MetricSummary>,
  /**
   * Code provenance.
   */
  git: GitView | null,
  /**
   * Data hashes.
   */
  data: Array<DataView>,
  /**
   * Registered model versions made from this run.
   */
  model_versions: Array<ModelVersionView>,
  /**
   * Run id.
   */
  run_id: string,
  /**
   * Display name.
   */
  run_name: string,
  /**
   * Experiment id, as a decimal string.
   */
  experiment_id: string,
  /**
   * `RUNNING`, `FINISHED`...
   */
  status: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED',
  /**
   * Epoch milliseconds.
   */
  start_time: number | null,
  /**
   * Epoch milliseconds.
   */
  end_time: number | null,
  /**
   * How the run reached the store.
   */
  source_kind: string,
  /**
   * Who ran it.
   */
  user_id: string,
  /**
   * HEAD commit, full.
   */
  git_commit: string | null,
  /**
   * Uncommitted changes at run time.
   */
  git_dirty: boolean | null,
  /**
   * Content hash of the first data input.
   */
  data_hash: string | null,
  /**
   * Params by key.
   */
  params: { [key in string]: string },
  /**
   * Latest metric values by key.
   */
  metrics: { [key in string]: MetricValue },
  /**
   * Tags by key.
   */
  tags: { [key in string]: string },
};

/**
 * One row of the runs table.
 */
export type RunRow = {
  /**
   * Run id.
   */
  run_id: string,
  /**
   * Display name.
   */
  run_name: string,
  /**
   * Experiment id, as a decimal string.
   */
  experiment_id: string,
  /**
   * `RUNNING`, `FINISHED`...
   */
  status: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED',
  /**
   * Epoch milliseconds.
   */
  start_time: number | null,
  /**
   * Epoch milliseconds.
   */
  end_time: number | null,
  /**
   * How the run reached the store.
   */
  source_kind: string,
  /**
   * Who ran it.
   */
  user_id: string,
  /**
   * HEAD commit, full.
   */
  git_commit: string | null,
  /**
   * Uncommitted changes at run time.
   */
  git_dirty: boolean | null,
  /**
   * Content hash of the first data input.
   */
  data_hash: string | null,
  /**
   * Params by key.
   */
  params: { [key in string]: string },
  /**
   * Latest metric values by key.
   */
  metrics: { [key in string]: MetricValue },
  /**
   * Tags by key.
   */
  tags: { [key in string]: string },
};

/**
 * What a version's source run contributes to comparisons; `None` fields when the run is not
 * in the store (registered from elsewhere, or deleted).
 */
export type RunSummary = {
  /**
   * Run id.
   */
  run_id: string,
  /**
   * Display name.
   */
  run_name: string,
  /**
   * Experiment id, as a decimal string.
   */
  experiment_id: string,
  /**
   * Latest value of each metric.
   */
  metrics: { [key in string]: MetricValue },
  /**
   * Params by key.
   */
  params: { [key in string]: string },
  /**
   * HEAD commit the run was made from.
   */
  git_commit: string | null,
  /**
   * Uncommitted changes at run time.
   */
  git_dirty: boolean | null,
  /**
   * Content hash of each data input, by path.
   */
  data_hashes: { [key in string]: string },
};

/**
 * One page of the runs table.
 */
export type RunsPage = {
  /**
   * The rows, in the requested order.
   */
  runs: Array<RunRow>,
  /**
   * Every run matching the filter.
   */
  total_count: number,
  /**
   * Offset of the next page, absent on the last.
   */
  next_offset: number | null,
  /**
   * Param keys present on this page, sorted.
   */
  param_keys: Array<string>,
  /**
   * Metric keys present on this page, sorted.
   */
  metric_keys: Array<string>,
  /**
   * Tag keys present on this page, sorted (for filter completion).
   */
  tag_keys: Array<string>,
};

/**
 * What a scatter chart shows.
 */
export type ScatterChartArgs = {
  /**
   * `params.KEY` or `metrics.KEY` (a bare key is a metric).
   */
  x: string,
  /**
   * A metric, `metrics.KEY` or a bare key.
   */
  y: string,
  /**
   * The runs, in legend order.
   */
  runIds: Array<string>,
  /**
   * Image width, pixels.
   */
  width: number,
  /**
   * Image height, pixels.
   */
  height: number,
  /**
   * `light` (default) or `dark`.
   */
  theme?: 'light' | 'dark',
};

/**
 * One column's score in a batch.
 */
export type ScoreView = {
  /**
   * The column.
   */
  column: string,
  /**
   * The test.
   */
  test: string,
  /**
   * The score; null when it could not be computed.
   */
  score: number | null,
  /**
   * Whether it drifted.
   */
  drifted: boolean,
};

export type SetAliasArgs = {
  name: string, alias: string,
  /**
   * Required; `Option` so that leaving it out is the same `invalid` error as before.
   */
  version: number, userId?: string,
};

export type SetTagArgs = {
  /**
   * The runs to tag: one (the run page) or the rows selected in the runs table.
   */
  runIds: Array<string>, key: string, value: string,
};

/**
 * A column left out, and why.
 */
export type SkippedColumnView = {
  /**
   * The column.
   */
  name: string,
  /**
   * Why.
   */
  reason: string,
};

/**
 * The version a stage currently holds, as the models list shows it.
 */
export type StageLatest = {
  /**
   * `Staging`, `Production`, `None` or `Archived`.
   */
  stage: string,
  /**
   * The highest version in that stage.
   */
  version: number,
};

/**
 * A version's stage after a change.
 */
export type StageView = { stage: string, };

/**
 * The start (or the end) of a text file.
 */
export type TextExcerpt = {
  /**
   * The text, lossily decoded as UTF-8.
   */
  text: string,
  /**
   * The whole file's size in bytes.
   */
  size_bytes: number,
  /**
   * True when `text` is only part of the file.
   */
  truncated: boolean,
};

/**
 * The uncommitted diff a run recorded when it started.
 */
export type UncommittedView = {
  /**
   * The run.
   */
  run_id: string,
  /**
   * The diff text (unified diff), at most [`UNCOMMITTED_MAX_BYTES`].
   */
  diff: string,
  /**
   * The file was longer and was cut.
   */
  truncated: boolean,
};

/**
 * A file sent from a browser.
 */
export type UploadRequest = {
  /**
   * The run.
   */
  runId: string,
  /**
   * Path inside the run's artifacts, `/`-separated (`plots/roc.png`).
   */
  path: string,
  /**
   * The content, base64 (standard alphabet, padded).
   */
  contentBase64: string,
};

/**
 * The user name registry changes are recorded under when the UI sends none.
 */
export type UserView = { user: string, };

/**
 * A model version.
 */
export type VersionArgs = { name: string, version: number, };

/**
 * The candidate version beside the one it would replace, for the confirmation dialog.
 */
export type VersionComparison = {
  /**
   * The version about to change.
   */
  candidate: VersionDetail,
  /**
   * The version it is compared with (holding the target stage or alias); `None` when there is
   * none.
   */
  current: VersionDetail | null,
  /**
   * Metrics of both source runs, by key.
   */
  metrics: Array<CompareRow<MetricValue>>,
  /**
   * Params of both source runs, by key.
   */
  params: Array<CompareRow<string>>,
  /**
   * The two runs were made from different commits (both known).
   */
  commit_differs: boolean,
  /**
   * The two runs read different data (a path hashed differently, or hashed on one side only).
   */
  data_differs: boolean,
};

/**
 * One version on the model page.
 */
export type VersionDetail = {
  /**
   * Version number.
   */
  version: number,
  /**
   * `None`, `Staging`, `Production` or `Archived`.
   */
  stage: string,
  /**
   * Aliases pointing at it.
   */
  aliases: Array<string>,
  /**
   * Where its files are.
   */
  source: string,
  /**
   * `READY`, `PENDING_REGISTRATION` or `FAILED_REGISTRATION`.
   */
  status: string,
  /**
   * Who registered it.
   */
  user_id: string,
  /**
   * Free text.
   */
  description: string,
  /**
   * Epoch milliseconds.
   */
  creation_time: number,
  /**
   * Epoch milliseconds.
   */
  last_updated_time: number,
  /**
   * Tags by key.
   */
  tags: { [key in string]: string },
  /**
   * The run it came from, as recorded.
   */
  run_id: string | null,
  /**
   * That run, when the store has it.
   */
  run: RunSummary | null,
};

/**
 * Every command of the store, by name: its argument object and its result. Any caller may
 * send them (the desktop app, and a browser through `cairn serve`).
 */
export interface Commands {
  list_experiments: { args: NoArgs; result: Array<ExperimentView> };
  list_runs: { args: ListRunsArgs; result: RunsPage };
  get_run_detail: { args: RunIdArgs; result: RunDetail };
  list_models: { args: NoArgs; result: Array<ModelSummary> };
  get_model: { args: ModelNameArgs; result: ModelDetail };
  compare_versions: { args: CompareVersionsArgs; result: VersionComparison };
  archive_model_version: { args: ArchiveArgs; result: StageView };
  app_user: { args: NoArgs; result: UserView };
  model_history: { args: ModelNameArgs; result: Array<HistoryView> };
  promote_model_version: { args: PromoteArgs; result: StageView };
  set_model_alias: { args: SetAliasArgs; result: Done };
  delete_model_alias: { args: DeleteAliasArgs; result: Done };
  resolve_model_uri: { args: ResolveUriArgs; result: ResolvedModel };
  get_monitoring: { args: VersionArgs; result: MonitoringView };
  get_monitoring_batch: { args: BatchArgs; result: BatchDetailView };
  line_chart: { args: LineChartArgs; result: ChartView };
  scatter_chart: { args: ScatterChartArgs; result: ChartView };
  parallel_chart: { args: ParallelChartArgs; result: ChartView };
  histogram_chart: { args: HistogramChartArgs; result: ChartView };
  compare_runs: { args: CompareRunsArgs; result: Comparison };
  diff_runs: { args: DiffRunsArgs; result: RunDiffView };
  get_run_page: { args: RunIdArgs; result: RunPageView };
  read_artifact: { args: ReadArtifactArgs; result: ArtifactPreview };
  data_manifest: { args: DataManifestArgs; result: ManifestView };
  rename_run: { args: RenameRunArgs; result: Done };
  set_run_description: { args: DescriptionArgs; result: Done };
  set_runs_tag: { args: SetTagArgs; result: Done };
  delete_runs_tag: { args: DeleteTagArgs; result: Done };
  delete_runs: { args: RunIdsArgs; result: Done };
  restore_runs: { args: RunIdsArgs; result: Done };
  register_run_model: { args: RegisterArgs; result: ModelVersionView };
  group_runs: { args: GroupRunsArgs; result: RunGroups };
  app_info: { args: NoArgs; result: AppInfo };
  upload_artifact: { args: UploadRequest; result: AddedArtifact };
  load_demo: { args: NoArgs; result: DemoLoaded };
}
