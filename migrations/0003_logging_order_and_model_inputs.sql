-- Cairn store, schema version 3: params and run tags remember the order they were first logged
-- in, so a run reads them back in that order (as MLflow's server returns them). Rows written
-- before this version keep 0 and come first, by key.

ALTER TABLE params ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tags ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;

-- The LoggedModels a run took as inputs (MLflow's `log-inputs` `models`, written by
-- `mlflow.evaluate` for the model it evaluated).
CREATE TABLE run_model_inputs (
    run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    model_id TEXT NOT NULL,
    PRIMARY KEY (run_id, model_id)
) WITHOUT ROWID;
