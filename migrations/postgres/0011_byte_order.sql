-- Cairn on PostgreSQL, schema version 11: indexes in the byte order searches sort text by.
-- Searches compare and order names, params and tags by their bytes (`COLLATE "C"`, as SQLite's
-- BINARY collation); an index in the database's own collation can find a value but not hand
-- values over in that order, so every page ordered by one sorted all of the experiment's runs.
--
-- Each experiment's runs by name: `attributes.run_name = 'x'` (how scripts find a run again)
-- read every run of the experiment, 27 ms over 100,000 runs against MLflow's 34, and a page
-- ordered by run name sorted them all (81 ms).
CREATE INDEX runs_by_experiment_name ON runs (experiment_id, lifecycle_stage, name COLLATE "C");

-- Params and tags by key and value head, now in byte order: a page ordered by a param walks its
-- values in order (a head orders as its whole value does: it is a prefix of it) instead of
-- sorting every run (154 ms over 100,000 runs). Equality filters are written in this collation.
DROP INDEX params_by_key_value;
CREATE INDEX params_by_key_value ON params (key, value_head COLLATE "C") INCLUDE (run_id);
DROP INDEX tags_by_key_value;
CREATE INDEX tags_by_key_value ON tags (key, value_head COLLATE "C") INCLUDE (run_id);
