-- Cairn on PostgreSQL, schema version 4: param and tag values up to their limits (6,000 and
-- 8,000 characters). A B-tree entry holds at most 2,704 bytes, so a long value that does not
-- compress could not be logged while the value indexes held whole values. They now hold each
-- value's first 200 characters (at most 800 bytes, beside a key of at most 1,000); the search
-- compares that prefix to find the rows, then the whole value.

DROP INDEX params_by_key_value;
CREATE INDEX params_by_key_value ON params (key, left(value, 200)) INCLUDE (run_id);

DROP INDEX tags_by_key_value;
CREATE INDEX tags_by_key_value ON tags (key, left(value, 200)) INCLUDE (run_id);
