-- Cairn on PostgreSQL, schema version 7: the first 200 characters of each param and tag value
-- (`value_head`, kept by PostgreSQL from `value`) are stored beside it and carried by the
-- primary key's index. A search such as `params.lr = '0.01'` ordered by a metric walks the
-- metric's index and probes each run's param; the probe now reads the index alone instead of
-- the table row too, and answers in about half the time. The `(key, value)` indexes that find
-- the runs of a rare value hold the same column instead of the expression `left(value, 200)`.
-- A key (at most 1,000 bytes) and a head (at most 800) fit in one index entry.

ALTER TABLE params ADD COLUMN value_head TEXT GENERATED ALWAYS AS (left(value, 200)) STORED;
ALTER TABLE tags ADD COLUMN value_head TEXT GENERATED ALWAYS AS (left(value, 200)) STORED;

ALTER TABLE params
    DROP CONSTRAINT params_pkey,
    ADD CONSTRAINT params_pkey PRIMARY KEY (run_id, key) INCLUDE (value_head);
ALTER TABLE tags
    DROP CONSTRAINT tags_pkey,
    ADD CONSTRAINT tags_pkey PRIMARY KEY (run_id, key) INCLUDE (value_head);

DROP INDEX params_by_key_value;
CREATE INDEX params_by_key_value ON params (key, value_head) INCLUDE (run_id);

DROP INDEX tags_by_key_value;
CREATE INDEX tags_by_key_value ON tags (key, value_head) INCLUDE (run_id);
