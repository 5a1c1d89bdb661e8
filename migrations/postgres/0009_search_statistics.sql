-- Cairn on PostgreSQL, schema version 9: the searched tables' statistics and visibility kept up
-- with their contents. PostgreSQL analyzes a table once a tenth of it has changed; a sweep that
-- makes 20,000 runs in a database of 300,000 changes less, so the planner went on taking the new
-- experiment for an empty one, and a filtered page of it read every run and sorted them
-- (100-180 ms instead of under 10). Analyzing these tables after one change in a hundred
-- (sampling 30,000 rows, whatever their size) and vacuuming them after two new rows in a hundred
-- (which marks the new pages all-visible, so that the indexes answer without reading rows)
-- brings the plans and the index-only reads back within autovacuum's next round.

ALTER TABLE runs SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE params SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE tags SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE metric_series SET (autovacuum_analyze_scale_factor = 0.01,
    autovacuum_analyze_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0.02,
    autovacuum_vacuum_insert_threshold = 1000);
