-- Cairn on PostgreSQL, schema version 10: a run's latest metrics read from its series index
-- alone. A search page loads the latest value, step, time and count of each of its runs'
-- metrics, and a filter on a metric tests each candidate run's latest value; both find the
-- series by `(run_id, key)` and then read its row from the table, a page of the heap for each
-- run. Carried in the index, they are read from it (where the visibility map allows, which
-- vacuum keeps up, see schema 9): on 100,000 runs a filtered page of 100 went from 7.0-7.8 to
-- 6.2-7.2 ms of PostgreSQL's time. A series row changes these columns with every batch, which
-- already writes a new entry in each of its indexes (its latest value is a key of two), so
-- writing costs the entry's size, not another entry.

ALTER TABLE metric_series
    DROP CONSTRAINT metric_series_run_id_key_key,
    ADD CONSTRAINT metric_series_run_id_key_key UNIQUE (run_id, key)
        INCLUDE (latest_value, latest_is_nan, latest_step, latest_timestamp_ms, point_count);
