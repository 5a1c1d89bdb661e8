-- Cairn on PostgreSQL, schema version 3: monitoring registered model versions in production. A
-- version's reference is a sample of its training data (CSV); each production batch judged
-- against it keeps its drift share, per-column scores and performance metrics (JSONB) and its
-- full report.

CREATE TABLE monitoring_references (
    model_id   BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    source     TEXT   NOT NULL,
    row_count  BIGINT NOT NULL,
    sample_csv BYTEA  NOT NULL,
    settings   TEXT   NOT NULL,
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (model_id, version),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);

CREATE TABLE monitoring_batches (
    id            BIGSERIAL PRIMARY KEY,
    model_id      BIGINT           NOT NULL,
    version       BIGINT           NOT NULL,
    received_ms   BIGINT           NOT NULL,
    label         TEXT             NOT NULL,
    row_count     BIGINT           NOT NULL,
    drift_share   DOUBLE PRECISION NOT NULL,
    dataset_drift BOOLEAN          NOT NULL,
    scores        JSONB            NOT NULL,
    metrics       JSONB            NOT NULL,
    report        TEXT             NOT NULL,
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);
CREATE INDEX monitoring_batches_by_version ON monitoring_batches (model_id, version, id);
