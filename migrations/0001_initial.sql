-- Cairn store, schema version 1.
-- Times are Unix epoch milliseconds (INTEGER). Run ids and LoggedModel ids keep the ids their
-- source gave them; every other table refers to a run by its integer `runs.id`.

CREATE TABLE experiments (
    experiment_id       INTEGER PRIMARY KEY,
    name                TEXT    NOT NULL UNIQUE,
    artifact_location   TEXT,
    lifecycle_stage     TEXT    NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
    creation_time_ms    INTEGER,
    last_update_time_ms INTEGER
);

CREATE TABLE experiment_tags (
    experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
    key           TEXT    NOT NULL,
    value         TEXT    NOT NULL,
    PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;

CREATE TABLE runs (
    id               INTEGER PRIMARY KEY,
    run_uuid         TEXT    NOT NULL UNIQUE,
    experiment_id    INTEGER NOT NULL REFERENCES experiments (experiment_id),
    name             TEXT    NOT NULL DEFAULT '',
    user_id          TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL DEFAULT 'RUNNING'
                     CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
    start_time_ms    INTEGER,
    end_time_ms      INTEGER,
    lifecycle_stage  TEXT    NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
    deleted_time_ms  INTEGER,
    artifact_uri     TEXT    NOT NULL DEFAULT '',
    -- where the run came from: mlflow_api, cairn_run, cli, demo, mlruns, mlflow_db, tensorboard,
    -- lightning_csv, keras_csv
    source_kind      TEXT    NOT NULL,
    -- the file or folder the run was indexed from (NULL for runs logged to Cairn directly)
    source_path      TEXT,
    -- 1 when the indexed source has disappeared; the run and its data are kept
    source_missing   INTEGER NOT NULL DEFAULT 0,
    -- by uuid, so a child can be stored before its parent is imported
    parent_run_uuid  TEXT
);
CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time_ms);
-- MLflow's default order (newest first, then run id), walked by run search.
CREATE INDEX runs_by_start ON runs (start_time_ms DESC, run_uuid);
CREATE INDEX runs_by_parent ON runs (parent_run_uuid) WHERE parent_run_uuid IS NOT NULL;
CREATE INDEX runs_by_source ON runs (source_path) WHERE source_path IS NOT NULL;

CREATE TABLE params (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key    TEXT    NOT NULL,
    value  TEXT    NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX params_by_key_value ON params (key, value);

CREATE TABLE tags (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key    TEXT    NOT NULL,
    value  TEXT    NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX tags_by_key_value ON tags (key, value);

-- One row per (run, metric key): the latest point (MLflow's rule: greatest step, then timestamp,
-- then value) kept for filtering and sorting, plus the history's size.
-- NaN cannot live in a REAL column, so it is latest_value NULL with latest_is_nan = 1.
CREATE TABLE metric_series (
    id                  INTEGER PRIMARY KEY,
    run_id              INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key                 TEXT    NOT NULL,
    latest_value        REAL,
    latest_is_nan       INTEGER NOT NULL DEFAULT 0,
    latest_step         INTEGER NOT NULL,
    latest_timestamp_ms INTEGER NOT NULL,
    point_count         INTEGER NOT NULL DEFAULT 0,
    -- how many of the points are still in metric_tail
    tail_count          INTEGER NOT NULL DEFAULT 0,
    UNIQUE (run_id, key)
);
-- Covering for run search: filters on a key's latest value and reads of a key in value order.
CREATE INDEX metric_series_by_key_value ON metric_series (key, latest_value, run_id, latest_is_nan);

-- Metric history, compressed: each chunk holds up to a few thousand consecutive points of one
-- series (see crates/cairn-core/src/metric_codec.rs for the encoding). `seq` is the index of the
-- chunk's first point in the series, so chunks and tail rows interleave in logging order.
CREATE TABLE metric_chunks (
    series_id        INTEGER NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    point_count      INTEGER NOT NULL,
    min_step         INTEGER NOT NULL,
    max_step         INTEGER NOT NULL,
    data             BLOB    NOT NULL,
    PRIMARY KEY (series_id, seq)
);

-- Points logged one or a few at a time wait here, in order, until they fill a chunk or the run
-- ends. value_bits is the IEEE-754 bit pattern, so NaN and infinities survive exactly; seq is
-- the point's index in the series.
CREATE TABLE metric_tail (
    series_id    INTEGER NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    step         INTEGER NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    value_bits   INTEGER NOT NULL,
    PRIMARY KEY (series_id, seq)
) WITHOUT ROWID;

CREATE TABLE datasets (
    id            INTEGER PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    digest        TEXT    NOT NULL,
    source_type   TEXT    NOT NULL DEFAULT '',
    source        TEXT    NOT NULL DEFAULT '',
    schema        TEXT,
    profile       TEXT,
    UNIQUE (experiment_id, name, digest)
);

CREATE TABLE run_inputs (
    run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    PRIMARY KEY (run_id, dataset_id)
) WITHOUT ROWID;

CREATE TABLE run_input_tags (
    run_id     INTEGER NOT NULL,
    dataset_id INTEGER NOT NULL,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    PRIMARY KEY (run_id, dataset_id, key),
    FOREIGN KEY (run_id, dataset_id) REFERENCES run_inputs (run_id, dataset_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- Files that belong to a run. `location` is the absolute path of a file indexed in place;
-- NULL means the file lives in the store's artifact folder under the run's artifact root.
CREATE TABLE artifacts (
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    path        TEXT    NOT NULL,
    size_bytes  INTEGER NOT NULL,
    blake3      TEXT,
    mime        TEXT,
    location    TEXT,
    modified_ms INTEGER,
    PRIMARY KEY (run_id, path)
) WITHOUT ROWID;

-- The code a run came from. `origin` says how it was learned: 'repository' (read with git) or
-- 'mlflow_tags' (only the mlflow.source.git.* tags were available).
CREATE TABLE git_provenance (
    run_id            INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    origin            TEXT    NOT NULL CHECK (origin IN ('repository', 'mlflow_tags')),
    repo_root         TEXT,
    commit_sha        TEXT,
    branch            TEXT,
    remote_url        TEXT,
    is_dirty          INTEGER,
    diff_artifact     TEXT,
    untracked_files   TEXT,
    author_name       TEXT,
    author_email      TEXT,
    commit_time_ms    INTEGER,
    commit_summary    TEXT
);
CREATE INDEX git_provenance_by_commit ON git_provenance (commit_sha);

-- Content hashes of a run's inputs (see ARCHITECTURE.md, "Data hashes").
CREATE TABLE run_data (
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    path        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('file', 'directory')),
    root_hash   TEXT    NOT NULL,
    size_bytes  INTEGER NOT NULL,
    file_count  INTEGER NOT NULL,
    dvc_md5     TEXT,
    PRIMARY KEY (run_id, path)
) WITHOUT ROWID;
CREATE INDEX run_data_by_hash ON run_data (root_hash);

-- The file list behind a directory hash, shared by every run that used the same data.
CREATE TABLE data_manifest_entries (
    root_hash  TEXT    NOT NULL,
    rel_path   TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('file', 'symlink')),
    size_bytes INTEGER NOT NULL,
    file_hash  TEXT    NOT NULL,
    PRIMARY KEY (root_hash, rel_path)
) WITHOUT ROWID;

-- Stat cache for data hashing: an unchanged file is not read again.
CREATE TABLE file_hash_cache (
    device     INTEGER NOT NULL,
    inode      INTEGER NOT NULL,
    size_bytes INTEGER NOT NULL,
    mtime_ns   INTEGER NOT NULL,
    blake3     TEXT    NOT NULL,
    PRIMARY KEY (device, inode)
) WITHOUT ROWID;

CREATE TABLE registered_models (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL UNIQUE,
    description          TEXT    NOT NULL DEFAULT '',
    creation_time_ms     INTEGER NOT NULL,
    last_updated_time_ms INTEGER NOT NULL
);

CREATE TABLE registered_model_tags (
    model_id INTEGER NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (model_id, key)
) WITHOUT ROWID;

-- Versions are soft-deleted (deleted = 1) so that numbers are never reused.
CREATE TABLE model_versions (
    model_id             INTEGER NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    version              INTEGER NOT NULL,
    creation_time_ms     INTEGER NOT NULL,
    last_updated_time_ms INTEGER NOT NULL,
    user_id              TEXT    NOT NULL DEFAULT '',
    current_stage        TEXT    NOT NULL DEFAULT 'None'
                         CHECK (current_stage IN ('None', 'Staging', 'Production', 'Archived')),
    description          TEXT    NOT NULL DEFAULT '',
    source               TEXT    NOT NULL DEFAULT '',
    run_uuid             TEXT,
    run_link             TEXT    NOT NULL DEFAULT '',
    status               TEXT    NOT NULL DEFAULT 'READY'
                         CHECK (status IN ('PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY')),
    status_message       TEXT    NOT NULL DEFAULT '',
    logged_model_id      TEXT,
    storage_location     TEXT,
    deleted              INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (model_id, version)
) WITHOUT ROWID;
CREATE INDEX model_versions_by_run ON model_versions (run_uuid);

CREATE TABLE model_version_tags (
    model_id INTEGER NOT NULL,
    version  INTEGER NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (model_id, version, key),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE model_aliases (
    model_id INTEGER NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    alias    TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    PRIMARY KEY (model_id, alias)
) WITHOUT ROWID;

-- Permanent audit trail of stage changes and alias moves. It names models rather than
-- referencing them, so it outlives deleted models and versions.
CREATE TABLE registry_history (
    id          INTEGER PRIMARY KEY,
    model_name  TEXT    NOT NULL,
    version     INTEGER,
    action      TEXT    NOT NULL CHECK (action IN ('create_version', 'transition', 'set_alias', 'delete_alias', 'delete_version')),
    from_stage  TEXT,
    to_stage    TEXT,
    alias       TEXT,
    user_id     TEXT    NOT NULL DEFAULT '',
    time_ms     INTEGER NOT NULL,
    comment     TEXT    NOT NULL DEFAULT '',
    -- where the change was made: rest, cli, app, gate, import
    origin      TEXT    NOT NULL,
    gate_report TEXT
);
CREATE INDEX registry_history_by_model ON registry_history (model_name, time_ms);

CREATE TABLE logged_models (
    model_id             TEXT    PRIMARY KEY,
    experiment_id        INTEGER NOT NULL REFERENCES experiments (experiment_id),
    name                 TEXT    NOT NULL,
    artifact_location    TEXT    NOT NULL DEFAULT '',
    creation_time_ms     INTEGER NOT NULL,
    last_updated_time_ms INTEGER NOT NULL,
    status               TEXT    NOT NULL DEFAULT 'LOGGED_MODEL_PENDING'
                         CHECK (status IN ('LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED')),
    status_message       TEXT    NOT NULL DEFAULT '',
    model_type           TEXT    NOT NULL DEFAULT '',
    source_run_uuid      TEXT,
    lifecycle_stage      TEXT    NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted'))
) WITHOUT ROWID;

CREATE TABLE logged_model_params (
    model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
) WITHOUT ROWID;

CREATE TABLE logged_model_tags (
    model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
) WITHOUT ROWID;

CREATE TABLE logged_model_metrics (
    model_id       TEXT    NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
    key            TEXT    NOT NULL,
    value_bits     INTEGER NOT NULL,
    step           INTEGER NOT NULL,
    timestamp_ms   INTEGER NOT NULL,
    run_uuid       TEXT,
    dataset_name   TEXT,
    dataset_digest TEXT,
    PRIMARY KEY (model_id, key, step, timestamp_ms, value_bits)
) WITHOUT ROWID;

CREATE TABLE run_outputs (
    run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    model_id TEXT    NOT NULL,
    step     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, model_id)
) WITHOUT ROWID;

-- What the indexer has read of each source file, so that re-indexing skips unchanged files and
-- resumes growing ones from `read_offset`. `parser_state` is opaque to the store.
CREATE TABLE index_files (
    path          TEXT    PRIMARY KEY,
    source_kind   TEXT    NOT NULL,
    size_bytes    INTEGER NOT NULL,
    mtime_ns      INTEGER NOT NULL,
    read_offset   INTEGER NOT NULL DEFAULT 0,
    run_uuid      TEXT,
    parser_state  BLOB,
    indexed_at_ms INTEGER NOT NULL,
    missing       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Folders the user asked to index; `watched` ones are followed live by the app.
CREATE TABLE index_roots (
    path        TEXT    PRIMARY KEY,
    watched     INTEGER NOT NULL DEFAULT 0,
    added_ms    INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage)
VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active');
