-- Cairn store, schema version 2: a counter that moves whenever the set of runs an experiment holds
-- in a lifecycle view may have changed (a run added, removed, moved or deleted/restored), in any
-- process. Searches keep the runs of their experiments between calls and trust them only while
-- this counter, read in the same read transaction, has not moved.

CREATE TABLE run_scope_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);

INSERT INTO run_scope_generation (id, generation) VALUES (1, 0);

CREATE TRIGGER run_scope_after_insert AFTER INSERT ON runs
BEGIN
    UPDATE run_scope_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER run_scope_after_delete AFTER DELETE ON runs
BEGIN
    UPDATE run_scope_generation SET generation = generation + 1 WHERE id = 1;
END;

-- An upsert names these columns whether or not they change (re-indexing an unchanged run): only
-- a real change counts.
CREATE TRIGGER run_scope_after_update AFTER UPDATE OF id, experiment_id, lifecycle_stage ON runs
WHEN OLD.id IS NOT NEW.id
  OR OLD.experiment_id IS NOT NEW.experiment_id
  OR OLD.lifecycle_stage IS NOT NEW.lifecycle_stage
BEGIN
    UPDATE run_scope_generation SET generation = generation + 1 WHERE id = 1;
END;
