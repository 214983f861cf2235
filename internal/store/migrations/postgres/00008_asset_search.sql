-- An index for the inventory's substring search (AssetFilter.Search: the
-- dashboard's asset search, GET /api/v1/assets?q=). ILIKE '%q%' over seven
-- columns reads every asset; a GIN index of pg_trgm trigrams answers ILIKE
-- '%q%' from the trigrams of q. It is one index on the seven columns joined
-- by the unit separator U+001F (one index to maintain on every asset write
-- instead of seven); the search asks that expression, exactly as written
-- here, to use it. A query without U+001F matches the joined text where it
-- matches one of the columns, so results stay exactly those of ILIKE on the
-- columns; for one with it, the search checks the columns as well.
--
-- pg_trgm ships with PostgreSQL and is trusted since version 13: a role
-- with CREATE on the database may install it. A role that may not (or a
-- server without the contrib modules) still migrates: the extension and the
-- index are skipped with a notice, and the search scans as before (the
-- store looks for the index when it opens). An administrator can add both
-- later (CREATE EXTENSION pg_trgm, then this index) and reopen the store.
--
-- The extension goes where it already is, else in public when this role
-- may create there, else in the store's schema: an extension is one per
-- database, and in public it does not vanish with one store's schema (with
-- DROP SCHEMA ... CASCADE), taking the indexes of other stores with it. Its
-- operator class is named with its schema for that reason; the search's
-- ILIKE is the built-in operator and needs no search_path.
--
-- CREATE INDEX indexes the rows already stored: that is the backfill. It
-- runs in the migration's transaction (CONCURRENTLY cannot) and holds
-- writes to assets off meanwhile: about a second and a half per 100,000
-- assets. The index is derived: export leaves it out, and import fills it
-- as it writes.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE
    ext_schema name;
BEGIN
    SELECT n.nspname INTO ext_schema
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NULL THEN
        BEGIN
            IF to_regnamespace('public') IS NOT NULL AND has_schema_privilege('public', 'CREATE') THEN
                CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
            ELSE
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
            END IF;
        EXCEPTION
            WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
                RAISE NOTICE 'covered: pg_trgm not installed (%); asset search will scan', SQLERRM;
                RETURN;
            WHEN unique_violation OR duplicate_object THEN
                NULL; -- installed concurrently by another session: use that one
        END;
        SELECT n.nspname INTO ext_schema
            FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    END IF;
    BEGIN
        EXECUTE format('CREATE INDEX assets_search_trgm ON assets USING gin ((last_host || E''\x1f'' || last_ip '
            '|| E''\x1f'' || last_mac || E''\x1f'' || manufacturer || E''\x1f'' || model || E''\x1f'' || covered_entity '
            '|| E''\x1f'' || site) %I.gin_trgm_ops)', ext_schema);
    EXCEPTION
        WHEN insufficient_privilege THEN
            RAISE NOTICE 'covered: no trigram index on assets (%); asset search will scan', SQLERRM;
    END;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- The extension stays: other schemas of the database may use it.
DROP INDEX IF EXISTS assets_search_trgm;
