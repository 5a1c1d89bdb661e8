-- Cairn on PostgreSQL, schema version 5: a metric's latest values indexed per experiment. A
-- search in one experiment ordered by a metric walked the metric's index across
-- every experiment that logs a metric of that name ("loss", "accuracy"), stepping over the other
-- experiments' runs; it now walks the experiment's own entries. Each series row carries its
-- run's experiment (moved with the run), and the index across experiments stays for searches
-- over several.

ALTER TABLE metric_series ADD COLUMN experiment_id BIGINT;
UPDATE metric_series s SET experiment_id = r.experiment_id FROM runs r WHERE r.id = s.run_id;
ALTER TABLE metric_series ALTER COLUMN experiment_id SET NOT NULL;
CREATE INDEX metric_series_by_experiment_key_value
    ON metric_series (experiment_id, key, latest_value) INCLUDE (run_id);
