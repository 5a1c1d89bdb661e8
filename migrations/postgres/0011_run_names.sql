-- Cairn on PostgreSQL, schema version 11: each experiment's runs by name, in the names' byte
-- order. `attributes.run_name = 'x'` (how scripts find a run again) read every run of the
-- experiment, 27 ms over 100,000 runs against MLflow's 34, and a page ordered by run name
-- sorted them all (81 ms). Searches compare and order names by their bytes (`COLLATE "C"`, as
-- SQLite's BINARY collation), so the index holds that order: it finds a name, or a `LIKE`
-- prefix, among the experiment's runs, and hands them over in name order for a page to stop
-- when it is full.

CREATE INDEX runs_by_experiment_name ON runs (experiment_id, lifecycle_stage, name COLLATE "C");
