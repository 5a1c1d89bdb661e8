//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// What `cairn --version` prints after the name: the version and the git commit the binary was
/// built from (`build.rs`).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("CAIRN_BUILD_COMMIT"),
    ")"
);

/// Cairn: experiment tracking and a model registry in one local SQLite file.
#[derive(Debug, Parser)]
#[command(name = "cairn", version = VERSION, about, max_term_width = 100)]
pub struct Cli {
    /// The store's database file (default: $CAIRN_STORE, else the store remembered by
    /// `cairn store use`, else ~/.local/share/cairn/cairn.db).
    #[arg(long, global = true, value_name = "PATH")]
    pub store: Option<PathBuf>,
    /// Use a team database instead of the store file:
    /// `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (prefer CAIRN_DATABASE_URL for a
    /// password: the command line is visible to every user in `ps`). Cairn creates its tables on
    /// first use.
    #[arg(
        long,
        global = true,
        env = "CAIRN_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    /// How hard each commit tries to survive a power cut: `normal` (SQLite's
    /// synchronous=NORMAL in WAL mode: never corrupts the store, but a power loss may take the
    /// last commits) or `full` (every commit synced to disk before it is acknowledged; slower
    /// ingest).
    #[arg(
        long,
        global = true,
        env = "CAIRN_DURABILITY",
        value_enum,
        default_value_t = DurabilityArg::Normal,
        value_name = "LEVEL"
    )]
    pub durability: DurabilityArg,
    #[command(subcommand)]
    pub command: Command,
}

/// `--durability`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DurabilityArg {
    /// synchronous=NORMAL: fast; a power cut may lose the last commits.
    Normal,
    /// synchronous=FULL: every commit on disk before it is acknowledged.
    Full,
}

impl From<DurabilityArg> for cairn_core::Durability {
    fn from(arg: DurabilityArg) -> cairn_core::Durability {
        match arg {
            DurabilityArg::Normal => cairn_core::Durability::Normal,
            DurabilityArg::Full => cairn_core::Durability::Full,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List experiments with their run counts.
    Experiments {
        /// Include deleted experiments.
        #[arg(long)]
        all: bool,
        /// Only experiments matching a filter, in MLflow's search grammar, e.g.
        /// "name LIKE 'churn%' and tags.team = 'risk'".
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
    },
    /// List and inspect runs.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// Log a param, metric or tag to an existing run.
    #[command(subcommand)]
    Log(LogCommand),
    /// Serve the store over HTTP: MLflow's tracking, artifact and registry API, and the web UI.
    Serve(ServeArgs),
    /// Open the web UI: serve the store on loopback (the first free port from 5000, as
    /// `mlflow ui`) and open the default browser on it ($BROWSER, else xdg-open).
    Ui(UiArgs),
    /// Print a shell completion script: `cairn completions bash > ~/.local/share/bash-completion/completions/cairn`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Import runs from folders: MLflow mlruns/ and mlflow.db, TensorBoard event files,
    /// Lightning and Keras CSV logs. Incremental: unchanged files are skipped.
    Index {
        /// Folders or files to index.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Keep running and index again whenever something changes (Ctrl-C stops).
        #[arg(long)]
        watch: bool,
    },
    /// Draw a chart of runs to an SVG or PNG file.
    #[command(subcommand)]
    Plot(PlotCommand),
    /// The model registry: models, versions, stages, aliases and their history.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Judge a candidate version against a baseline with metric rules (CI); exits 0 when every
    /// rule passes, 1 when one fails, 2 on a usage or data error.
    Gate(GateArgs),
    /// Compare two data versions column by column (CSV or Parquet files or folders, or the data
    /// two runs used with --runs); exits 0 without drift, 1 with drift, 2 on a usage or data
    /// error.
    Drift(DriftArgs),
    /// Monitor a registered model version in production: give it a reference (its training
    /// data), then log production batches against it; each batch's drift (and, with labels, the
    /// model's accuracy/F1/AUC or MAE/RMSE) is stored with its time, shown on the version's
    /// Monitoring tab and exported on `cairn serve`'s /metrics.
    #[command(subcommand)]
    Monitor(MonitorCommand),
    /// Run a command as a tracked run: records the command, git provenance and data hashes,
    /// captures stdout/stderr, and points the child's mlflow client at this store.
    Run(RunArgs),
    /// Show what differs between two runs: params, code (commits) and data (files).
    Diff {
        /// The first run id.
        run_a: String,
        /// The second run id.
        run_b: String,
    },
    /// Print the content hash of files and directories (BLAKE3; see ARCHITECTURE.md,
    /// "Data hashes"). Unchanged files are not read again (stat cache in the store).
    Hash {
        /// Files or directories to hash.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Print which store is used and why (--store, CAIRN_STORE, remembered or default);
    /// `cairn store use PATH` remembers another one.
    Store {
        #[command(subcommand)]
        command: Option<StoreCommand>,
    },
    /// Manage the user accounts of a team server (`cairn serve --auth users`).
    #[command(subcommand)]
    Users(UsersCommand),
    /// Send runs to a team's MLflow-compatible tracking server (a `cairn serve`, a real
    /// `mlflow server`) through its REST API: params, tags, provenance, full metric histories,
    /// dataset inputs, artifact files and the run's registered model versions.
    ///
    /// Idempotent and resumable: the server's run carries the tag `cairn.source_run_id`, so a
    /// second push sends only what is missing (a metric's missing points, missing files) and
    /// creates nothing new. The local run remembers where it went in its tag `cairn.pushed_to`.
    /// Credentials: --token-file, else MLFLOW_TRACKING_TOKEN, else
    /// MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD.
    Push(PushArgs),
    /// Fill the store with demo experiments, runs and a registered model.
    Demo {
        /// Do nothing when the store already has runs.
        #[arg(long)]
        if_empty: bool,
        /// Instead of the demo data, add an experiment `sweep-N` of N synthetic runs (8 params,
        /// 5 metrics each), e.g. to try the UI at 100,000 runs.
        #[arg(long, value_name = "N")]
        sweep: Option<usize>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Remember the store to use when neither --store nor CAIRN_STORE is given.
    ///
    /// The CLI, `cairn serve` and the desktop app all open it. The choice is kept in
    /// settings.json in $CAIRN_CONFIG_DIR, else the user's config folder. The store is created
    /// when missing; a file that is not a Cairn store is refused.
    Use {
        /// The store's database file, or a folder (meaning FOLDER/cairn.db).
        #[arg(value_name = "PATH", required_unless_present = "default")]
        path: Option<PathBuf>,
        /// Forget the remembered store: back to the one in the user's data folder.
        #[arg(long, conflicts_with = "path")]
        default: bool,
    },
    /// Copy everything in one store into another: a store file or a PostgreSQL database
    /// (`postgresql://...`) on either side, ids, metric histories, provenance and the registry
    /// kept, and the artifact files Cairn stores with them.
    ///
    /// Resumable: run it again after an interruption and runs already copied are skipped. At
    /// the end both stores are counted and every metric point checksummed; exits 1 when they
    /// differ.
    ///
    /// The destination may also be an MLflow tracking server (`http(s)://HOST[:PORT]`, a real
    /// `mlflow server` included), as a way out: experiments, runs with full metric histories,
    /// dataset inputs, artifact files (through the server's artifact proxy) and the registry
    /// go through its REST API; each copy carries the tag `cairn.copied_from`, so a second copy
    /// skips what is there; runs, params, tags and metric points are read back and compared.
    Copy(StoreCopyArgs),
}

/// `cairn push`.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// The local runs to send.
    #[arg(required = true, value_name = "RUN_ID")]
    pub run_ids: Vec<String>,
    /// The server: `http(s)://HOST[:PORT][/PREFIX]`.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// The server's experiment to push into (created when missing); default: each run's own
    /// experiment's name.
    #[arg(long, value_name = "NAME")]
    pub experiment: Option<String>,
    /// A file holding the server's access token (sent as a bearer token).
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// Only read the server and print what would be sent.
    #[arg(long)]
    pub dry_run: bool,
    /// Move an alias the server's registered model already gives another version (say the
    /// team's `champion`) to the pushed version; without it such an alias stays, and the push
    /// says so.
    #[arg(long)]
    pub move_aliases: bool,
    /// Runs sent at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub workers: usize,
}

/// `cairn store copy`.
#[derive(Debug, Args)]
pub struct StoreCopyArgs {
    /// The store to copy from: a store file, or a database URL.
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// The store to copy into: a store file (created when missing), a database URL, or an
    /// MLflow tracking server's `http(s)://HOST[:PORT]` (credentials from
    /// MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD).
    #[arg(value_name = "DESTINATION")]
    pub destination: String,
    /// The folder a database store keeps artifact files in (default: ./cairn-artifacts); a
    /// store file keeps them beside itself.
    #[arg(long, value_name = "PATH")]
    pub database_artifacts: Option<PathBuf>,
    /// Where the source's artifact files are, when not in its own folder: the folder or
    /// `s3://bucket/prefix` its server was started with (`cairn serve --artifacts`).
    #[arg(long, value_name = "LOCATION")]
    pub source_artifacts: Option<String>,
    /// Where to put the artifact files, when not in the destination's own folder: the folder or
    /// `s3://bucket/prefix` its server is started with (`cairn serve --artifacts`). Files
    /// already there at the same size are skipped.
    #[arg(long, value_name = "LOCATION")]
    pub destination_artifacts: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// List runs, filtered and sorted with MLflow's search grammar.
    List(RunsListArgs),
    /// Show everything about one run.
    Show {
        /// The run id.
        run_id: String,
    },
}

#[derive(Debug, Args)]
pub struct RunsListArgs {
    /// Only runs of this experiment (by name; repeatable).
    #[arg(long = "experiment", value_name = "NAME")]
    pub experiments: Vec<String>,
    /// Filter, e.g. "metrics.val_acc > 0.9 and params.optimizer = 'adam'".
    #[arg(long, value_name = "EXPR", default_value = "")]
    pub filter: String,
    /// Sort key, e.g. "metrics.val_acc DESC" (repeatable; the first is most significant).
    #[arg(long = "order-by", value_name = "EXPR")]
    pub order_by: Vec<String>,
    /// Most runs to print.
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    /// Include deleted runs.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Log a param (params cannot change once logged).
    Param {
        /// The run id.
        run_id: String,
        /// Param key.
        key: String,
        /// Param value.
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Log one metric point.
    Metric {
        /// The run id.
        run_id: String,
        /// Metric key.
        key: String,
        /// Value: a number, nan, inf or -inf.
        #[arg(allow_hyphen_values = true)]
        value: String,
        /// Step (default 0).
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        step: i64,
        /// Time of the point in epoch milliseconds (default: now).
        #[arg(long, value_name = "MS")]
        timestamp: Option<i64>,
    },
    /// Set a tag.
    Tag {
        /// The run id.
        run_id: String,
        /// Tag key.
        key: String,
        /// Tag value.
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; anything but loopback requires --auth users, --auth-token(-file) or
    /// --basic-auth(-file).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 5000)]
    pub port: u16,
    /// `users`: user accounts kept in the store, each with their own permissions per
    /// experiment and registered model (create the first admin with `cairn users create NAME
    /// --admin`, or set CAIRN_ADMIN_USERNAME and CAIRN_ADMIN_PASSWORD when starting).
    #[arg(long, value_name = "MODE", value_parser = ["users"], conflicts_with_all = ["auth_token", "auth_token_file", "basic_auth", "basic_auth_file"])]
    pub auth: Option<String>,
    /// With `--auth users`: what users may do with experiments and models nobody gave them a
    /// permission on (MLflow's default is READ).
    #[arg(long, value_name = "PERMISSION", default_value = "READ", value_parser = ["READ", "EDIT", "MANAGE", "NO_PERMISSIONS"], requires = "auth")]
    pub default_permission: String,
    /// Require `Authorization: Bearer TOKEN` (what MLflow sends from MLFLOW_TRACKING_TOKEN).
    /// The command line is visible to every user in `ps`: prefer CAIRN_AUTH_TOKEN or
    /// --auth-token-file.
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["auth_token_file", "basic_auth", "basic_auth_file"])]
    pub auth_token: Option<String>,
    /// Read the bearer token from a file (one trailing newline is ignored).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["basic_auth", "basic_auth_file"])]
    pub auth_token_file: Option<PathBuf>,
    /// Require HTTP basic authentication (MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD).
    /// Prefer CAIRN_BASIC_AUTH or --basic-auth-file (the command line is visible in `ps`).
    #[arg(long, value_name = "USER:PASS", conflicts_with = "basic_auth_file")]
    pub basic_auth: Option<String>,
    /// Read USER:PASS for basic authentication from a file (one trailing newline is ignored).
    #[arg(long, value_name = "PATH")]
    pub basic_auth_file: Option<PathBuf>,
    /// Another Host name clients may use, e.g. the server's DNS name (`tracking.example.com`
    /// or `tracking.example.com:8443`); repeatable. Without it, a server bound to one address
    /// answers only to that address and localhost (DNS rebinding protection).
    #[arg(long = "allowed-host", value_name = "NAME")]
    pub allowed_hosts: Vec<String>,
    /// A reverse proxy in front of the server: its address, or a network holding only proxies
    /// (10.0.0.0/24); repeatable, or comma-separated in CAIRN_TRUSTED_PROXIES. A request from it
    /// is counted as coming from the client its `X-Forwarded-For` ends with (failed sign-ins are
    /// slowed per client address); from any other peer that header is ignored.
    #[arg(
        long = "trusted-proxy",
        value_name = "ADDRESS",
        env = "CAIRN_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// A built web UI to serve at / instead of the one built into the binary (for UI
    /// development: `npm run build` in ui/ and reload, without rebuilding cairn).
    #[arg(long, value_name = "DIR")]
    pub ui_dir: Option<PathBuf>,
    /// A folder of runs written by other tools (mlruns/, mlflow.db, TensorBoard, CSV logs) to
    /// index and follow while serving; repeatable. Runs found there are served like any other,
    /// and their files are read only inside the store's folders and these. HTTP callers can never
    /// name a folder of this machine.
    #[arg(long = "index-root", value_name = "PATH")]
    pub index_roots: Vec<PathBuf>,
    /// Where `mlflow-artifacts:/` files go: a folder, or `s3://bucket/prefix` on an S3-compatible
    /// store (endpoint from MLFLOW_S3_ENDPOINT_URL or AWS_ENDPOINT_URL, credentials from
    /// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, region from AWS_DEFAULT_REGION or AWS_REGION).
    /// Default: the store's own artifact folder.
    #[arg(long, value_name = "LOCATION", env = "CAIRN_ARTIFACTS")]
    pub artifacts: Option<String>,
    /// On a database: how long a request waits for PostgreSQL before it is answered 503
    /// (a database that stops answering, a network partition).
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub database_timeout: u64,
}

/// `cairn ui`.
#[derive(Debug, Args)]
pub struct UiArgs {
    /// Port to listen on (default: the first free one from 5000 up).
    #[arg(long)]
    pub port: Option<u16>,
    /// Only serve; do not open a browser.
    #[arg(long)]
    pub no_browser: bool,
    /// A built web UI to serve instead of the one built into the binary.
    #[arg(long, value_name = "DIR")]
    pub ui_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum PlotCommand {
    /// One metric's history for each run, overlaid.
    Line(PlotLineArgs),
    /// One point per run: a param or final metric on x against a final metric on y.
    Scatter(PlotScatterArgs),
    /// Parallel coordinates: params and final metrics of each run, coloured by a metric.
    Parallel(PlotParallelArgs),
    /// Histogram of a final metric across runs.
    Hist(PlotHistArgs),
}

/// Which runs a chart shows.
#[derive(Debug, Args)]
pub struct RunSelection {
    /// These runs, by id (in this order).
    #[arg(long, value_name = "ID", num_args = 1.., conflicts_with_all = ["filter", "experiments"])]
    pub runs: Vec<String>,
    /// Runs matching a filter, e.g. "metrics.val_acc > 0.9 and params.optimizer = 'adam'".
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Only runs of this experiment (by name; repeatable).
    #[arg(long = "experiment", value_name = "NAME")]
    pub experiments: Vec<String>,
    /// Most runs to chart (newest first) when selecting by filter or experiment.
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
}

/// The picture.
#[derive(Debug, Args)]
pub struct ImageArgs {
    /// Output file; .svg or .png.
    #[arg(short, long, value_name = "PATH")]
    pub output: PathBuf,
    /// Width in pixels.
    #[arg(long, default_value_t = 1200)]
    pub width: u32,
    /// Height in pixels.
    #[arg(long, default_value_t = 600)]
    pub height: u32,
    /// Colour theme.
    #[arg(long, default_value = "light", value_parser = ["light", "dark"])]
    pub theme: String,
    /// Title (default: what is charted).
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Debug, Args)]
pub struct PlotLineArgs {
    /// The metric to chart, e.g. val_loss.
    #[arg(long)]
    pub metric: String,
    #[command(flatten)]
    pub selection: RunSelection,
    /// What x shows: the step, time since the run's first point, or wall-clock time.
    #[arg(long, default_value = "step", value_parser = ["step", "time", "wall"])]
    pub x: String,
    /// Exponential smoothing weight in [0, 1), e.g. 0.6; the raw line is drawn faded behind.
    #[arg(long, value_name = "WEIGHT")]
    pub smooth: Option<f64>,
    /// Logarithmic y axis (values ≤ 0 become gaps).
    #[arg(long)]
    pub log_y: bool,
    #[command(flatten)]
    pub image: ImageArgs,
}

#[derive(Debug, Args)]
pub struct PlotScatterArgs {
    /// What x shows: params.KEY or metrics.KEY (a final value).
    #[arg(long)]
    pub x: String,
    /// What y shows: metrics.KEY (a final value) or a numeric params.KEY.
    #[arg(long)]
    pub y: String,
    #[command(flatten)]
    pub selection: RunSelection,
    #[command(flatten)]
    pub image: ImageArgs,
}

#[derive(Debug, Args)]
pub struct PlotParallelArgs {
    /// The axes, left to right: params.KEY or metrics.KEY (comma-separated or repeated).
    #[arg(
        long = "dim",
        value_name = "FIELD",
        value_delimiter = ',',
        required = true
    )]
    pub dimensions: Vec<String>,
    /// Colour each run by this value (e.g. metrics.val_acc); by run when absent.
    #[arg(long, value_name = "FIELD")]
    pub color_by: Option<String>,
    #[command(flatten)]
    pub selection: RunSelection,
    #[command(flatten)]
    pub image: ImageArgs,
}

#[derive(Debug, Args)]
pub struct PlotHistArgs {
    /// The value counted: metrics.KEY (a final value) or a numeric params.KEY.
    #[arg(long)]
    pub metric: String,
    /// Number of bins (default: Sturges' rule).
    #[arg(long)]
    pub bins: Option<usize>,
    #[command(flatten)]
    pub selection: RunSelection,
    #[command(flatten)]
    pub image: ImageArgs,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Every registered model with its stages and aliases.
    List,
    /// One model: description, latest version per stage, aliases.
    Show {
        /// The registered model.
        name: String,
    },
    /// Every version of a model.
    Versions {
        /// The registered model.
        name: String,
    },
    /// Register a run's model as a new version (creating the model when missing).
    Register {
        /// The run id.
        run_id: String,
        /// The model's folder in the run's artifacts.
        #[arg(long, default_value = "model")]
        artifact_path: String,
        /// The registered model.
        #[arg(long)]
        name: String,
    },
    /// Move a version to a stage (None, Staging, Production, Archived).
    Promote {
        /// The registered model.
        name: String,
        /// The version number.
        version: u64,
        /// The target stage.
        stage: String,
        /// Archive the other versions in the target stage.
        #[arg(long)]
        archive_existing: bool,
        /// Why, for the history.
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Point an alias at a version (moving it when it is set).
    Alias {
        /// The registered model.
        name: String,
        /// The alias, e.g. champion.
        alias: String,
        /// The version number.
        version: u64,
    },
    /// Which version a models:/ URI means, and where its files are
    /// (models:/NAME/3, /Production, /latest, models:/NAME@alias).
    Resolve {
        /// The URI.
        uri: String,
    },
    /// Every stage change, alias move and registration of a model, oldest first.
    History {
        /// The registered model.
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// The registered model.
    pub name: String,
    /// The candidate: a version number or a run id.
    #[arg(long, value_name = "VERSION|RUN")]
    pub candidate: String,
    /// The baseline: a stage, @alias or version number.
    #[arg(
        long,
        default_value = "Production",
        value_name = "STAGE|@ALIAS|VERSION"
    )]
    pub against: String,
    /// A rule: `metrics.KEY OP (NUMBER | baseline [+|- NUMBER] | baseline * NUMBER)`
    /// (repeatable; all must pass).
    #[arg(long = "rule", value_name = "RULE")]
    pub rules: Vec<String>,
    /// A requirement: clean-git, data-hash, same-data or no-drift[:SHARE] (the candidate's
    /// data against the baseline's; the dataset drifts when SHARE of its columns do, default
    /// 0.5) (repeatable).
    #[arg(long = "require", value_name = "WHAT")]
    pub requires: Vec<String>,
    /// The drift test `no-drift` uses for every column (default: Evidently's rules by column
    /// kind and size), as `cairn drift --test`.
    #[arg(long, value_name = "TEST", value_parser = ["ks", "chi2", "z", "psi", "wasserstein", "jensenshannon"])]
    pub drift_test: Option<String>,
    /// That test's threshold (needs --drift-test), as `cairn drift --threshold`.
    #[arg(long, value_name = "NUMBER", requires = "drift_test")]
    pub drift_threshold: Option<f64>,
    /// Promote the candidate to this stage when everything passes (archiving the stage's
    /// other versions), recording the report in the history.
    #[arg(long, value_name = "STAGE")]
    pub promote: Option<String>,
    /// Write the report here: .md, .html or .json.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// What a missing baseline means (default: an error, exit 2).
    #[arg(long, value_name = "pass|fail", value_parser = ["pass", "fail"])]
    pub missing_baseline: Option<String>,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    /// The reference and the current data: CSV or Parquet files, or folders of them (with
    /// --runs: two run ids, the first the reference).
    #[arg(required = true, num_args = 2, value_names = ["REFERENCE", "CURRENT"])]
    pub inputs: Vec<String>,
    /// Compare the data two runs used: their `--data` paths or logged dataset sources.
    #[arg(long)]
    pub runs: bool,
    /// The test for every column (default: Evidently's rules by column kind and size).
    #[arg(long, value_name = "TEST", value_parser = ["ks", "chi2", "z", "psi", "wasserstein", "jensenshannon"])]
    pub test: Option<String>,
    /// The test's threshold: a p-value (ks, chi2, z: drift below it) or a distance (psi,
    /// wasserstein, jensenshannon: drift at or above it). Needs --test.
    #[arg(long, value_name = "NUMBER")]
    pub threshold: Option<f64>,
    /// The dataset drifts when at least this share of its columns drift.
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    pub share: f64,
    /// Write the report here: .html (charts inline), .md (charts as SVG files beside it) or
    /// .json.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Rows kept per table; larger tables are streamed and a seeded reservoir sample of this
    /// many rows is tested.
    #[arg(long, value_name = "ROWS", default_value_t = 250_000)]
    pub max_rows: usize,
    /// The sample's seed.
    #[arg(long, value_name = "SEED", default_value_t = 0)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum MonitorCommand {
    /// Set a model version's reference: the data batches are compared with (CSV or Parquet
    /// files or a folder; without DATA, the data the version's run recorded with `cairn run
    /// --data` or as a logged dataset), and how they are judged. Above 50,000 rows a seeded
    /// sample is kept.
    Reference(MonitorReferenceArgs),
    /// Judge production batches (CSV or Parquet files or folders) against a version's reference
    /// and store the outcomes. Exits 0 when no batch drifted or broke an alert, 1 when one did,
    /// 2 on a usage or data error.
    Log(MonitorLogArgs),
    /// List a version's monitored batches: time, rows, drift share, metrics.
    Show {
        /// The model version: models:/NAME/VERSION or models:/NAME@ALIAS.
        #[arg(value_name = "MODEL_URI")]
        model: String,
        /// Show at most this many of the newest batches.
        #[arg(long, value_name = "N", default_value_t = 50)]
        last: usize,
    },
}

#[derive(Debug, Args)]
pub struct MonitorReferenceArgs {
    /// The model version: models:/NAME/VERSION or models:/NAME@ALIAS.
    #[arg(value_name = "MODEL_URI")]
    pub model: String,
    /// The reference data; default: the data the version's run used.
    #[arg(value_name = "DATA")]
    pub data: Option<PathBuf>,
    /// The drift test for every column (default: Evidently's rules by column kind and size).
    #[arg(long, value_name = "TEST", value_parser = ["ks", "chi2", "z", "psi", "wasserstein", "jensenshannon"])]
    pub test: Option<String>,
    /// The test's threshold (needs --test).
    #[arg(long, value_name = "NUMBER")]
    pub threshold: Option<f64>,
    /// A batch drifts when at least this share of its columns drift.
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    pub share: f64,
    /// The column holding the true labels (default: label, target, y or actual).
    #[arg(long, value_name = "COLUMN")]
    pub label_column: Option<String>,
    /// The column holding the model's predictions (default: prediction, predictions,
    /// predicted or pred).
    #[arg(long, value_name = "COLUMN")]
    pub prediction_column: Option<String>,
    /// classification or regression (default: inferred from the labels).
    #[arg(long, value_name = "TASK", value_parser = ["classification", "regression"])]
    pub task: Option<String>,
    /// An alert threshold drawn on the Monitoring tab, METRIC>=VALUE or METRIC<=VALUE
    /// (accuracy, f1, auc, mae, rmse, drift_share); repeatable.
    #[arg(long = "alert", value_name = "RULE")]
    pub alerts: Vec<String>,
}

#[derive(Debug, Args)]
pub struct MonitorLogArgs {
    /// The model version: models:/NAME/VERSION or models:/NAME@ALIAS.
    #[arg(value_name = "MODEL_URI")]
    pub model: String,
    /// The batches, in the order they arrived.
    #[arg(required = true, value_name = "BATCH")]
    pub batches: Vec<PathBuf>,
    /// The labels' column in these batches (default: the reference's setting).
    #[arg(long, value_name = "COLUMN")]
    pub label_column: Option<String>,
    /// The predictions' column in these batches (default: the reference's setting).
    #[arg(long, value_name = "COLUMN")]
    pub prediction_column: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Experiment to start in (created when missing; default: $MLFLOW_EXPERIMENT_NAME, else
    /// $MLFLOW_EXPERIMENT_ID, else Default). The run moves into the experiment the command's
    /// first run asks for (e.g. `mlflow.set_experiment`).
    #[arg(long, value_name = "NAME")]
    pub experiment: Option<String>,
    /// Run name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// A data input to hash and record (repeatable).
    #[arg(long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// A param to record, KEY=VALUE (repeatable).
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// Seconds between samples of the command's CPU, memory and GPU use, logged as `system/*`
    /// metrics (0 turns sampling off).
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub system_metrics_interval: f64,
    /// The command and its arguments, after `--`.
    #[arg(required = true, last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user. The password is read from CAIRN_PASSWORD, else from standard input
    /// (one line), never from the command line.
    Create {
        /// The user name.
        username: String,
        /// Make the user an admin (who manages users, groups and every permission).
        #[arg(long)]
        admin: bool,
    },
    /// List the users.
    List,
    /// Set a user's password (from CAIRN_PASSWORD or standard input); their browser sessions end.
    SetPassword {
        /// The user name.
        username: String,
    },
    /// Make a user an admin, or not (`--revoke`).
    Admin {
        /// The user name.
        username: String,
        /// Take admin away instead.
        #[arg(long)]
        revoke: bool,
    },
    /// Delete a user with their tokens, sessions, memberships and permissions.
    Delete {
        /// The user name.
        username: String,
    },
    /// Make a personal access token for a user and print it (once): clients send it as
    /// MLFLOW_TRACKING_TOKEN.
    Token {
        /// The user name.
        username: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until it stops working (default: never).
        #[arg(long, value_name = "DAYS")]
        expires_in_days: Option<u32>,
    },
}
