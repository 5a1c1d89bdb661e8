-- Cairn on PostgreSQL, schema version 6: whether a metric's history, as logged, is in the order
-- `metrics/get-history` returns it (timestamp, then step, then value), kept as points are
-- appended, with the last point appended to compare the next with. A page of a long history is
-- then read on its own, instead of the whole history being read to check its order for every
-- page. NULL: a history written before this version, whose order is checked when it is read.

ALTER TABLE metric_series
    ADD COLUMN in_mlflow_order BOOLEAN,
    ADD COLUMN last_step BIGINT,
    ADD COLUMN last_timestamp_ms BIGINT,
    ADD COLUMN last_value_bits BIGINT;
