-- Cairn on PostgreSQL, schema version 12: run names by their trigrams, for `run_name ILIKE
-- '%part%'` (what the runs view asks for words typed into its filter). Without it such a search
-- reads every run of the experiment: 30–55 ms over 100,000 runs.
--
-- The index needs PostgreSQL's `pg_trgm` extension (in PostgreSQL's own contrib modules, and on
-- every managed service). It is used when it is installed, installed when the role may install it
-- (it is a trusted extension: the database's owner may), and otherwise left out: searches are the
-- same without it, only slower. The index expression is the one the search compiler writes for
-- ILIKE, ASCII letters folded (`lower` under the C collation).
DO $$
DECLARE
    trigram_schema TEXT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')
       AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm')
       AND has_database_privilege(current_database(), 'CREATE') THEN
        BEGIN
            CREATE EXTENSION pg_trgm;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'pg_trgm could not be installed: %', SQLERRM;
        END;
    END IF;
    SELECT n.nspname INTO trigram_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    IF trigram_schema IS NULL THEN
        RAISE NOTICE 'pg_trgm is not installed: run name searches by part of a name read every run';
    ELSE
        EXECUTE format(
            'CREATE INDEX runs_name_trigrams ON runs USING gin (lower(name COLLATE "C") %I.gin_trgm_ops)',
            trigram_schema);
    END IF;
END
$$;
