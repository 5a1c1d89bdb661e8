-- Cairn store, schema version 5: monitoring registered model versions in production. A version's
-- reference is a sample of its training data (CSV); each production batch judged against it
-- keeps its drift share, per-column scores and performance metrics (JSON) and its full report.

CREATE TABLE monitoring_references (
    model_id   INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    row_count  INTEGER NOT NULL,
    sample_csv BLOB    NOT NULL,
    settings   TEXT    NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (model_id, version),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE monitoring_batches (
    id            INTEGER PRIMARY KEY,
    model_id      INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    received_ms   INTEGER NOT NULL,
    label         TEXT    NOT NULL,
    row_count     INTEGER NOT NULL,
    drift_share   REAL    NOT NULL,
    dataset_drift INTEGER NOT NULL CHECK (dataset_drift IN (0, 1)),
    scores        TEXT    NOT NULL,
    metrics       TEXT    NOT NULL,
    report        TEXT    NOT NULL,
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);
CREATE INDEX monitoring_batches_by_version ON monitoring_batches (model_id, version, id);
