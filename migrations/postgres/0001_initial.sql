-- Cairn's PostgreSQL schema, version 1. Times are epoch milliseconds (BIGINT), as MLflow sends
-- them; run ids are MLflow's 32-hex strings, joined through a BIGINT surrogate key.

-- ── Tracking ─────────────────────────────────────────────────────────────────────────────────

CREATE TABLE experiments (
    experiment_id       BIGINT  PRIMARY KEY,
    name                TEXT    NOT NULL UNIQUE,
    artifact_location   TEXT,
    lifecycle_stage     TEXT    NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
    creation_time_ms    BIGINT,
    last_update_time_ms BIGINT
);

CREATE TABLE experiment_tags (
    experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
    key           TEXT   NOT NULL,
    value         TEXT   NOT NULL,
    PRIMARY KEY (experiment_id, key)
);

CREATE TABLE runs (
    id               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_uuid         TEXT    NOT NULL UNIQUE,
    experiment_id    BIGINT  NOT NULL REFERENCES experiments (experiment_id),
    name             TEXT    NOT NULL DEFAULT '',
    user_id          TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL DEFAULT 'RUNNING'
                     CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
    start_time_ms    BIGINT,
    end_time_ms      BIGINT,
    lifecycle_stage  TEXT    NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
    deleted_time_ms  BIGINT,
    artifact_uri     TEXT    NOT NULL DEFAULT '',
    -- where the run came from: mlflow_api, cairn_run, cli, demo, mlruns, mlflow_db, ...
    source_kind      TEXT    NOT NULL,
    -- the file or folder the run was indexed from (NULL for runs logged to Cairn directly)
    source_path      TEXT,
    source_missing   BOOLEAN NOT NULL DEFAULT false,
    -- by uuid, so a child can be stored before its parent is imported
    parent_run_uuid  TEXT
);
-- The runs table's default page: an experiment's live runs, newest first.
CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time_ms DESC, run_uuid);
CREATE INDEX runs_by_start ON runs (start_time_ms DESC, run_uuid);
CREATE INDEX runs_by_parent ON runs (parent_run_uuid) WHERE parent_run_uuid IS NOT NULL;
CREATE INDEX runs_by_source ON runs (source_path) WHERE source_path IS NOT NULL;
CREATE INDEX runs_running ON runs (id) WHERE status = 'RUNNING';

CREATE TABLE params (
    run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key    TEXT   NOT NULL,
    value  TEXT   NOT NULL,
    -- logging order, which MLflow's answers keep
    seq    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, key)
);
-- `params.lr = '0.1'` and the runs view's group-by start from the key.
CREATE INDEX params_by_key_value ON params (key, value) INCLUDE (run_id);

CREATE TABLE tags (
    run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key    TEXT   NOT NULL,
    value  TEXT   NOT NULL,
    seq    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX tags_by_key_value ON tags (key, value) INCLUDE (run_id);

-- One row per (run, metric): the latest value every search and table reads, and the history's
-- size. The history itself is in metric_chunks.
CREATE TABLE metric_series (
    id                  BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id              BIGINT  NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key                 TEXT    NOT NULL,
    -- NULL when the latest value is NaN (latest_is_nan) or ±inf is kept as such
    latest_value        DOUBLE PRECISION,
    latest_is_nan       BOOLEAN NOT NULL DEFAULT false,
    latest_step         BIGINT  NOT NULL,
    latest_timestamp_ms BIGINT  NOT NULL,
    point_count         BIGINT  NOT NULL DEFAULT 0,
    UNIQUE (run_id, key)
);
-- `metrics.loss < 0.1` and ORDER BY metrics.loss start from the key.
CREATE INDEX metric_series_by_key_value ON metric_series (key, latest_value) INCLUDE (run_id);

-- A metric's history in compressed chunks (Cairn's metric codec), in logging order: the chunk
-- holding points first_point .. first_point + point_count - 1. A range read touches only the
-- chunks it needs; a history of ten million points is a few thousand rows, not ten million.
CREATE TABLE metric_chunks (
    series_id   BIGINT  NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
    first_point BIGINT  NOT NULL,
    point_count INTEGER NOT NULL,
    min_step    BIGINT  NOT NULL,
    max_step    BIGINT  NOT NULL,
    data        BYTEA   NOT NULL,
    PRIMARY KEY (series_id, first_point)
);

CREATE TABLE datasets (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
    name          TEXT   NOT NULL,
    digest        TEXT   NOT NULL,
    source_type   TEXT   NOT NULL DEFAULT '',
    source        TEXT   NOT NULL DEFAULT '',
    schema        TEXT,
    profile       TEXT,
    UNIQUE (experiment_id, name, digest)
);

CREATE TABLE run_inputs (
    run_id     BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    dataset_id BIGINT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    PRIMARY KEY (run_id, dataset_id)
);
CREATE INDEX run_inputs_by_dataset ON run_inputs (dataset_id);

CREATE TABLE run_input_tags (
    run_id     BIGINT NOT NULL,
    dataset_id BIGINT NOT NULL,
    key        TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    PRIMARY KEY (run_id, dataset_id, key),
    FOREIGN KEY (run_id, dataset_id) REFERENCES run_inputs (run_id, dataset_id) ON DELETE CASCADE
);

CREATE TABLE run_outputs (
    run_id   BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    model_id TEXT   NOT NULL,
    step     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, model_id)
);

CREATE TABLE run_model_inputs (
    run_id   BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    model_id TEXT   NOT NULL,
    PRIMARY KEY (run_id, model_id)
);

-- ── Provenance ───────────────────────────────────────────────────────────────────────────────

CREATE TABLE artifacts (
    run_id      BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    path        TEXT   NOT NULL,
    size_bytes  BIGINT NOT NULL,
    blake3      TEXT,
    mime        TEXT,
    location    TEXT,
    modified_ms BIGINT,
    PRIMARY KEY (run_id, path)
);

CREATE TABLE git_provenance (
    run_id          BIGINT  PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    origin          TEXT    NOT NULL CHECK (origin IN ('repository', 'mlflow_tags')),
    repo_root       TEXT,
    commit_sha      TEXT,
    branch          TEXT,
    remote_url      TEXT,
    is_dirty        BOOLEAN,
    diff_artifact   TEXT,
    untracked_files TEXT,
    author_name     TEXT,
    author_email    TEXT,
    commit_time_ms  BIGINT,
    commit_summary  TEXT
);
CREATE INDEX git_provenance_by_commit ON git_provenance (commit_sha);

CREATE TABLE run_data (
    run_id     BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    path       TEXT   NOT NULL,
    kind       TEXT   NOT NULL CHECK (kind IN ('file', 'directory')),
    root_hash  TEXT   NOT NULL,
    size_bytes BIGINT NOT NULL,
    file_count BIGINT NOT NULL,
    dvc_md5    TEXT,
    PRIMARY KEY (run_id, path)
);
CREATE INDEX run_data_by_hash ON run_data (root_hash);

CREATE TABLE data_manifest_entries (
    root_hash  TEXT   NOT NULL,
    rel_path   TEXT   NOT NULL,
    kind       TEXT   NOT NULL CHECK (kind IN ('file', 'symlink')),
    size_bytes BIGINT NOT NULL,
    file_hash  TEXT   NOT NULL,
    PRIMARY KEY (root_hash, rel_path)
);

CREATE TABLE file_hash_cache (
    device     BIGINT NOT NULL,
    inode      BIGINT NOT NULL,
    size_bytes BIGINT NOT NULL,
    mtime_ns   BIGINT NOT NULL,
    blake3     TEXT   NOT NULL,
    PRIMARY KEY (device, inode)
);

-- ── Registry ─────────────────────────────────────────────────────────────────────────────────

CREATE TABLE registered_models (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                 TEXT   NOT NULL UNIQUE,
    description          TEXT   NOT NULL DEFAULT '',
    creation_time_ms     BIGINT NOT NULL,
    last_updated_time_ms BIGINT NOT NULL
);

CREATE TABLE registered_model_tags (
    model_id BIGINT NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    key      TEXT   NOT NULL,
    value    TEXT   NOT NULL,
    PRIMARY KEY (model_id, key)
);

CREATE TABLE model_versions (
    model_id             BIGINT  NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    version              BIGINT  NOT NULL,
    creation_time_ms     BIGINT  NOT NULL,
    last_updated_time_ms BIGINT  NOT NULL,
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
    deleted              BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (model_id, version)
);
CREATE INDEX model_versions_by_run ON model_versions (run_uuid) WHERE run_uuid IS NOT NULL;

CREATE TABLE model_version_tags (
    model_id BIGINT NOT NULL,
    version  BIGINT NOT NULL,
    key      TEXT   NOT NULL,
    value    TEXT   NOT NULL,
    PRIMARY KEY (model_id, version, key),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);

CREATE TABLE model_aliases (
    model_id BIGINT NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    alias    TEXT   NOT NULL,
    version  BIGINT NOT NULL,
    PRIMARY KEY (model_id, alias)
);

CREATE TABLE registry_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_name  TEXT   NOT NULL,
    version     BIGINT,
    action      TEXT   NOT NULL CHECK (action IN ('create_version', 'transition', 'set_alias', 'delete_alias', 'delete_version')),
    from_stage  TEXT,
    to_stage    TEXT,
    alias       TEXT,
    user_id     TEXT   NOT NULL DEFAULT '',
    time_ms     BIGINT NOT NULL,
    comment     TEXT   NOT NULL DEFAULT '',
    -- where the change was made: rest, cli, app, gate, import
    origin      TEXT   NOT NULL,
    gate_report TEXT
);
CREATE INDEX registry_history_by_model ON registry_history (model_name, time_ms);

-- ── LoggedModels ─────────────────────────────────────────────────────────────────────────────

CREATE TABLE logged_models (
    model_id             TEXT   PRIMARY KEY,
    experiment_id        BIGINT NOT NULL REFERENCES experiments (experiment_id),
    name                 TEXT   NOT NULL,
    artifact_location    TEXT   NOT NULL DEFAULT '',
    creation_time_ms     BIGINT NOT NULL,
    last_updated_time_ms BIGINT NOT NULL,
    status               TEXT   NOT NULL DEFAULT 'LOGGED_MODEL_PENDING'
                         CHECK (status IN ('LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED')),
    status_message       TEXT   NOT NULL DEFAULT '',
    model_type           TEXT   NOT NULL DEFAULT '',
    source_run_uuid      TEXT,
    lifecycle_stage      TEXT   NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted'))
);
CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_time_ms DESC);

CREATE TABLE logged_model_params (
    model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
);

CREATE TABLE logged_model_tags (
    model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
);

CREATE TABLE logged_model_metrics (
    model_id       TEXT             NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
    key            TEXT             NOT NULL,
    -- the value's IEEE-754 bits, so NaN and ±inf round-trip and take part in the key
    value_bits     BIGINT           NOT NULL,
    step           BIGINT           NOT NULL,
    timestamp_ms   BIGINT           NOT NULL,
    run_uuid       TEXT,
    dataset_name   TEXT,
    dataset_digest TEXT,
    PRIMARY KEY (model_id, key, step, timestamp_ms, value_bits)
);

-- ── The indexer's bookkeeping ────────────────────────────────────────────────────────────────

CREATE TABLE index_files (
    path          TEXT    PRIMARY KEY,
    source_kind   TEXT    NOT NULL,
    size_bytes    BIGINT  NOT NULL,
    mtime_ns      BIGINT  NOT NULL,
    read_offset   BIGINT  NOT NULL DEFAULT 0,
    run_uuid      TEXT,
    parser_state  BYTEA,
    indexed_at_ms BIGINT  NOT NULL,
    missing       BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE index_roots (
    path     TEXT    PRIMARY KEY,
    watched  BOOLEAN NOT NULL DEFAULT false,
    added_ms BIGINT  NOT NULL
);

INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage)
VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active');

-- ── Change notification (LISTEN cairn_changes) ───────────────────────────────────────────────
-- The payload is the run's id, or '' for a change no run owns. PostgreSQL sends each distinct
-- payload once per transaction, at commit.

CREATE FUNCTION cairn_notify_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('cairn_changes', OLD.run_uuid);
    ELSE
        PERFORM pg_notify('cairn_changes', NEW.run_uuid);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION cairn_notify_run_child() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        owner := OLD.run_id;
    ELSE
        owner := NEW.run_id;
    END IF;
    PERFORM pg_notify('cairn_changes', COALESCE((SELECT run_uuid FROM runs WHERE id = owner), ''));
    RETURN NULL;
END;
$$;

CREATE FUNCTION cairn_notify_other() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cairn_changes', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER runs_changed AFTER INSERT OR UPDATE OR DELETE ON runs
    FOR EACH ROW EXECUTE FUNCTION cairn_notify_run();
CREATE TRIGGER params_changed AFTER INSERT OR UPDATE OR DELETE ON params
    FOR EACH ROW EXECUTE FUNCTION cairn_notify_run_child();
CREATE TRIGGER tags_changed AFTER INSERT OR UPDATE OR DELETE ON tags
    FOR EACH ROW EXECUTE FUNCTION cairn_notify_run_child();
CREATE TRIGGER metric_series_changed AFTER INSERT OR UPDATE ON metric_series
    FOR EACH ROW EXECUTE FUNCTION cairn_notify_run_child();
CREATE TRIGGER experiments_changed AFTER INSERT OR UPDATE OR DELETE ON experiments
    FOR EACH STATEMENT EXECUTE FUNCTION cairn_notify_other();
CREATE TRIGGER registered_models_changed AFTER INSERT OR UPDATE OR DELETE ON registered_models
    FOR EACH STATEMENT EXECUTE FUNCTION cairn_notify_other();
CREATE TRIGGER model_versions_changed AFTER INSERT OR UPDATE OR DELETE ON model_versions
    FOR EACH STATEMENT EXECUTE FUNCTION cairn_notify_other();
CREATE TRIGGER model_aliases_changed AFTER INSERT OR UPDATE OR DELETE ON model_aliases
    FOR EACH STATEMENT EXECUTE FUNCTION cairn_notify_other();
