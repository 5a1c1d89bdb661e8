//! The table of what every route requires, by method and route template (`/ajax-api/` routes
//! are looked up under `/api/`), and of what every UI command requires. A route or command
//! with no entry is refused: a new one cannot be reachable until it is given one (a test walks
//! every route and command to check that each has).

use cairn_core::model::Permission::{self, Edit, Manage, Read};

/// Where a resource's id is found: `|`-separated argument names, tried in order — a path
/// parameter, then the query string or JSON body; a `.` goes into a nested object; a final
/// `=VALUE` is the value the handler takes when none is given.
pub type Field = &'static str;

/// How the entries of a listing reply name what they are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// `{ARRAY: [{FIELD: experiment id}]}`; an empty array key is a reply that is the array.
    Experiments(&'static str, &'static str),
    /// `{ARRAY: [{FIELD: registered model name}]}`.
    Models(&'static str, &'static str),
}

/// What a route requires of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing: anyone may call it.
    Open,
    /// A signed-in user.
    SignedIn,
    /// An admin.
    Admin,
    /// The permission on the experiment whose id is in the field.
    Experiment(Permission, Field),
    /// The permission on the experiment with the name in the field.
    ExperimentNamed(Permission, Field),
    /// The permission on every experiment listed in the field; an empty list is replaced by
    /// the experiments the caller may read.
    Experiments(Permission, Field),
    /// The permission on the experiment of the run whose id is in the field.
    Run(Permission, Field),
    /// The permission on the experiments of every run listed in the field.
    Runs(Permission, Field),
    /// The permission on the registered model named in the field.
    Model(Permission, Field),
    /// The permission on the registered model named in the field when it exists; when it does
    /// not, any signed-in user may make it, and gets MANAGE on it.
    ModelOrNew(Permission, Field),
    /// The permission on what a model version's source names: the run of a `runs:/RUN/...`
    /// URI, the experiment of a `mlflow-artifacts:/EXPERIMENT/...` URI, the registered model of
    /// a `models:/NAME...` URI (other sources are checked by the handler's own rules).
    Source(Permission, Field),
    /// The permission on the registered model of a `models:/NAME...` URI in the field.
    ModelUri(Permission, Field),
    /// The permission on the experiment of the LoggedModel whose id is in the field.
    LoggedModel(Permission, Field),
    /// The permission on the experiment an artifact key belongs to (its first segment).
    ArtifactKey(Permission, Field),
    /// The permission on the resource named by `resource_type` and `resource_id`.
    Resource(Permission),
    /// A signed-in user; the reply is cut to what the caller may read.
    Filtered(Listing),
    /// The UI's command table, by the command's name.
    Command,
}

use Need::*;

/// Every route: (method or `*`, template, need).
pub const ROUTES: &[(&str, &str, Need)] = &[
    ("*", "/health", Open),
    ("*", "/version", Open),
    ("*", "/api/3.0/mlflow/server-info", Open),
    ("*", "/metrics", Admin),
    // Experiments.
    ("*", "/api/2.0/mlflow/experiments/create", SignedIn),
    (
        "*",
        "/api/2.0/mlflow/experiments/get",
        Experiment(Read, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/experiments/get-by-name",
        ExperimentNamed(Read, "experiment_name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/experiments/search",
        Filtered(Listing::Experiments("experiments", "experiment_id")),
    ),
    (
        "*",
        "/api/2.0/mlflow/experiments/delete",
        Experiment(Manage, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/experiments/restore",
        Experiment(Manage, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/experiments/update",
        Experiment(Edit, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/experiments/set-experiment-tag",
        Experiment(Edit, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/experiments/delete-experiment-tag",
        Experiment(Edit, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/experiments/search-datasets",
        Experiments(Read, "experiment_ids"),
    ),
    // Runs.
    (
        "*",
        "/api/2.0/mlflow/runs/create",
        // Without an experiment id, a run goes to the Default experiment.
        Experiment(Edit, "experiment_id=0"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/create-promptlab-run",
        Experiment(Edit, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/update",
        Run(Edit, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/get",
        Run(Read, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/delete",
        Run(Manage, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/restore",
        Run(Manage, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/search",
        Experiments(Read, "experiment_ids"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/log-metric",
        Run(Edit, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/log-parameter",
        Run(Edit, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/set-tag",
        Run(Edit, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/delete-tag",
        Run(Edit, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/log-batch",
        Run(Edit, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/log-inputs",
        Run(Edit, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/outputs",
        Run(Edit, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/runs/log-model",
        Run(Edit, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/cairn/runs/append-metrics",
        Run(Edit, "run_id"),
    ),
    // Monitoring: sending data needs EDIT on the registered model, reading it READ.
    (
        "POST",
        "/api/2.0/cairn/monitoring/reference",
        Model(Edit, "name"),
    ),
    (
        "GET",
        "/api/2.0/cairn/monitoring/reference",
        Model(Read, "name"),
    ),
    (
        "POST",
        "/api/2.0/cairn/monitoring/batches",
        Model(Edit, "name"),
    ),
    (
        "GET",
        "/api/2.0/cairn/monitoring/batches",
        Model(Read, "name"),
    ),
    (
        "GET",
        "/api/2.0/cairn/monitoring/batches/get",
        Model(Read, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/metrics/get-history",
        Run(Read, "run_id|run_uuid"),
    ),
    (
        "*",
        "/api/2.0/mlflow/metrics/get-history-bulk",
        Runs(Read, "run_id|run_ids"),
    ),
    (
        "*",
        "/api/2.0/mlflow/metrics/get-history-bulk-interval",
        Runs(Read, "run_ids|run_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/artifacts/list",
        Run(Read, "run_id|run_uuid"),
    ),
    // LoggedModels.
    (
        "*",
        "/api/2.0/mlflow/logged-models",
        Experiment(Edit, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/logged-models/search",
        Experiments(Read, "experiment_ids"),
    ),
    (
        "GET",
        "/api/2.0/mlflow/logged-models/{model_id}",
        LoggedModel(Read, "model_id"),
    ),
    (
        "PATCH",
        "/api/2.0/mlflow/logged-models/{model_id}",
        LoggedModel(Edit, "model_id"),
    ),
    (
        "DELETE",
        "/api/2.0/mlflow/logged-models/{model_id}",
        LoggedModel(Manage, "model_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/logged-models/{model_id}/params",
        LoggedModel(Edit, "model_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/logged-models/{model_id}/tags",
        LoggedModel(Edit, "model_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/logged-models/{model_id}/tags/{key}",
        LoggedModel(Edit, "model_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/logged-models/{model_id}/artifacts/directories",
        LoggedModel(Read, "model_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/logged-models/{model_id}/artifacts/files",
        LoggedModel(Read, "model_id"),
    ),
    // The registry.
    ("*", "/api/2.0/mlflow/registered-models/create", SignedIn),
    (
        "*",
        "/api/2.0/mlflow/registered-models/get",
        Model(Read, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/rename",
        Model(Edit, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/update",
        Model(Edit, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/delete",
        Model(Manage, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/search",
        Filtered(Listing::Models("registered_models", "name")),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/get-latest-versions",
        Model(Read, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/set-tag",
        Model(Edit, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/delete-tag",
        Model(Edit, "name"),
    ),
    (
        "GET",
        "/api/2.0/mlflow/registered-models/alias",
        Model(Read, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/alias",
        Model(Edit, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/model-versions/create",
        Model(Edit, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/model-versions/get",
        Model(Read, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/model-versions/update",
        Model(Edit, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/model-versions/delete",
        Model(Manage, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/model-versions/transition-stage",
        Model(Edit, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/model-versions/search",
        Filtered(Listing::Models("model_versions", "name")),
    ),
    (
        "*",
        "/api/2.0/mlflow/model-versions/get-download-uri",
        Model(Read, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/model-versions/set-tag",
        Model(Edit, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/model-versions/delete-tag",
        Model(Edit, "name"),
    ),
    // Files.
    ("*", "/get-artifact", Run(Read, "run_id|run_uuid")),
    ("*", "/model-versions/get-artifact", Model(Read, "name")),
    (
        "*",
        "/api/2.0/mlflow/upload-artifact",
        Run(Edit, "run_id|run_uuid"),
    ),
    ("*", "/app/artifacts.zip", Run(Read, "run_id|run_uuid")),
    (
        "GET",
        "/api/2.0/mlflow-artifacts/artifacts",
        ArtifactKey(Read, "path"),
    ),
    (
        "GET",
        "/api/2.0/mlflow-artifacts/artifacts/{*path}",
        ArtifactKey(Read, "path"),
    ),
    (
        "PUT",
        "/api/2.0/mlflow-artifacts/artifacts/{*path}",
        ArtifactKey(Edit, "path"),
    ),
    (
        "DELETE",
        "/api/2.0/mlflow-artifacts/artifacts/{*path}",
        ArtifactKey(Manage, "path"),
    ),
    (
        "GET",
        "/api/2.0/mlflow-artifacts/presigned/{*path}",
        ArtifactKey(Read, "path"),
    ),
    (
        "*",
        "/api/2.0/mlflow-artifacts/mpu/create/{*path}",
        ArtifactKey(Edit, "path"),
    ),
    (
        "*",
        "/api/2.0/mlflow-artifacts/mpu/complete/{*path}",
        ArtifactKey(Edit, "path"),
    ),
    (
        "*",
        "/api/2.0/mlflow-artifacts/mpu/abort/{*path}",
        ArtifactKey(Edit, "path"),
    ),
    // GraphQL answers each query through the REST routes above, under this same policy.
    ("*", "/graphql", SignedIn),
    // The UI.
    ("*", "/app/api/{command}", Command),
    ("*", "/app/events", SignedIn),
    ("*", "/app/events/", SignedIn),
    ("*", "/app/auth/session", Open),
    ("*", "/app/auth/login", Open),
    ("*", "/app/auth/logout", Open),
    // Accounts (MLflow's auth API).
    ("*", "/api/2.0/mlflow/users/create", Admin),
    ("*", "/api/2.0/mlflow/users/get", SignedIn),
    ("*", "/api/2.0/mlflow/users/current", SignedIn),
    ("*", "/api/2.0/mlflow/users/list", Admin),
    ("*", "/api/2.0/mlflow/users/update-password", SignedIn),
    ("*", "/api/2.0/mlflow/users/update-admin", Admin),
    ("*", "/api/2.0/mlflow/users/delete", Admin),
    (
        "*",
        "/api/2.0/mlflow/experiments/permissions/create",
        Experiment(Manage, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/experiments/permissions/get",
        Experiment(Manage, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/experiments/permissions/update",
        Experiment(Manage, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/experiments/permissions/delete",
        Experiment(Manage, "experiment_id"),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/permissions/create",
        Model(Manage, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/permissions/get",
        Model(Manage, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/permissions/update",
        Model(Manage, "name"),
    ),
    (
        "*",
        "/api/2.0/mlflow/registered-models/permissions/delete",
        Model(Manage, "name"),
    ),
    (
        "*",
        "/api/3.0/mlflow/users/permissions/grant",
        Resource(Manage),
    ),
    (
        "*",
        "/api/3.0/mlflow/users/permissions/revoke",
        Resource(Manage),
    ),
    (
        "*",
        "/api/3.0/mlflow/users/permissions/get",
        Resource(Manage),
    ),
    ("*", "/api/3.0/mlflow/users/current/permissions", SignedIn),
    // Cairn's additions: sharing, groups, tokens.
    ("*", "/api/2.0/cairn/permissions/list", Resource(Read)),
    ("*", "/api/2.0/cairn/permissions/history", Resource(Read)),
    ("*", "/api/2.0/cairn/permissions/set", Resource(Manage)),
    ("*", "/api/2.0/cairn/permissions/remove", Resource(Manage)),
    ("*", "/api/2.0/cairn/users/names", SignedIn),
    ("*", "/api/2.0/cairn/groups/list", SignedIn),
    ("*", "/api/2.0/cairn/groups/create", Admin),
    ("*", "/api/2.0/cairn/groups/delete", Admin),
    ("*", "/api/2.0/cairn/groups/add-member", Admin),
    ("*", "/api/2.0/cairn/groups/remove-member", Admin),
    ("*", "/api/2.0/cairn/tokens/create", SignedIn),
    ("*", "/api/2.0/cairn/tokens/list", SignedIn),
    ("*", "/api/2.0/cairn/tokens/revoke", SignedIn),
];

/// Every UI command (`/app/api/<command>`): (name, need). Argument names are the commands'
/// own (camelCase).
pub const COMMANDS: &[(&str, Need)] = &[
    ("app_info", SignedIn),
    ("app_user", SignedIn),
    ("load_demo", Admin),
    (
        "list_experiments",
        Filtered(Listing::Experiments("", "experiment_id")),
    ),
    ("list_runs", Experiments(Read, "request.experiment_ids")),
    ("group_runs", Experiments(Read, "request.experiment_ids")),
    ("get_run_detail", Run(Read, "runId")),
    ("get_run_page", Run(Read, "runId")),
    ("read_artifact", Run(Read, "runId")),
    ("data_manifest", SignedIn),
    ("line_chart", Runs(Read, "runIds")),
    ("scatter_chart", Runs(Read, "runIds")),
    ("parallel_chart", Runs(Read, "runIds")),
    ("histogram_chart", Runs(Read, "runIds")),
    ("compare_runs", Runs(Read, "runIds")),
    ("diff_runs", Runs(Read, "runA|runB")),
    ("rename_run", Run(Edit, "runId")),
    ("set_run_description", Run(Edit, "runId")),
    ("set_runs_tag", Runs(Edit, "runIds")),
    ("delete_runs_tag", Runs(Edit, "runIds")),
    ("delete_runs", Runs(Manage, "runIds")),
    ("restore_runs", Runs(Manage, "runIds")),
    ("upload_artifact", Run(Edit, "runId")),
    ("register_run_model", Run(Read, "runId")),
    ("list_models", Filtered(Listing::Models("", "name"))),
    ("get_model", Model(Read, "name")),
    ("model_history", Model(Read, "name")),
    ("get_monitoring", Model(Read, "name")),
    ("get_monitoring_batch", Model(Read, "name")),
    ("compare_versions", Model(Read, "name")),
    ("resolve_model_uri", ModelUri(Read, "uri")),
    ("archive_model_version", Model(Edit, "name")),
    ("promote_model_version", Model(Edit, "request.name")),
    ("set_model_alias", Model(Edit, "name")),
    ("delete_model_alias", Model(Edit, "name")),
];

/// Extra requirements some routes have beyond their entry: (template or command, need).
/// `register_run_model` reads a run and writes a registered model, which it makes when there is
/// none: EDIT on the model too, or a new model of the caller's own.
pub const ALSO: &[(&str, Need)] = &[
    ("register_run_model", ModelOrNew(Edit, "name")),
    // A version may not point at files its maker may not read.
    ("/api/2.0/mlflow/model-versions/create", Run(Read, "run_id")),
    (
        "/api/2.0/mlflow/model-versions/create",
        Source(Read, "source"),
    ),
];

/// The arguments of UI commands that say who acts, for the registry's history: with accounts,
/// they are set to the signed-in user whatever the request says.
pub const ACTOR_FIELDS: &[(&str, &str)] = &[
    ("promote_model_version", "request.userId"),
    ("archive_model_version", "userId"),
    ("set_model_alias", "userId"),
    ("delete_model_alias", "userId"),
    ("register_run_model", "userId"),
];

/// The actor argument of a UI command, if it has one.
pub fn actor_field(command: &str) -> Option<&'static str> {
    ACTOR_FIELDS
        .iter()
        .find(|(name, _)| *name == command)
        .map(|(_, field)| *field)
}

/// What a route requires: its entry for the method, else its entry for any method.
pub fn route(method: &str, template: &str) -> Option<Need> {
    let template = normalise(template);
    let find = |wanted: &str| {
        ROUTES
            .iter()
            .find(|(method, path, _)| *method == wanted && *path == template)
            .map(|(_, _, need)| *need)
    };
    let method = if method == "HEAD" { "GET" } else { method };
    find(method).or_else(|| find("*"))
}

/// What a UI command requires.
pub fn command(name: &str) -> Option<Need> {
    COMMANDS
        .iter()
        .find(|(command, _)| *command == name)
        .map(|(_, need)| *need)
}

/// The further requirements of a route template (as [`route`] takes it) or command.
pub fn also(name: &str) -> Vec<Need> {
    let name = normalise(name);
    ALSO.iter()
        .filter(|(entry, _)| *entry == name)
        .map(|(_, need)| *need)
        .collect()
}

/// A template as the table names it: `/ajax-api/` is the same route as `/api/`.
pub fn normalise(template: &str) -> std::borrow::Cow<'_, str> {
    match template.strip_prefix("/ajax-api/") {
        Some(rest) => std::borrow::Cow::Owned(format!("/api/{rest}")),
        None => std::borrow::Cow::Borrowed(template),
    }
}
