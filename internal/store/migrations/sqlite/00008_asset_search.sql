-- An index for the inventory's substring search (AssetFilter.Search: the
-- dashboard's asset search, GET /api/v1/assets?q=). LIKE '%q%' over seven
-- columns reads every asset; an FTS5 table with the trigram tokenizer (every
-- three-character piece of the text a token, folded to lowercase) gives the
-- assets that hold every trigram of q, which the search then checks with the
-- LIKE it always used, so results stay exactly those of LIKE. Queries
-- shorter than three characters have no trigram and still scan.
--
-- The table is external-content (content='assets'): it holds the index
-- only, the text stays in assets. detail=none keeps which assets hold a
-- trigram, not where: the LIKE decides anyway, and the index is a fraction
-- of the size and cheaper to write on every new asset, which is what ingest
-- does most. columnsize=0 drops the per-row token counts, which only ranking
-- needs. Tombstones are indexed too (merged_into is not indexed: the search
-- filters it on assets, as every list does), so a merge writes nothing here.
-- The table is derived: export leaves it out, and import fills it through
-- the triggers.

-- +goose Up
CREATE VIRTUAL TABLE assets_search USING fts5 (
    last_host, last_ip, last_mac, manufacturer, model, covered_entity, site,
    content = 'assets', content_rowid = 'id', tokenize = 'trigram', columnsize = 0, detail = 'none'
);

-- The triggers keep the index in step with assets. An external-content
-- table is told what to remove ('delete' with the old values); an update
-- touches the index only when a searchable column (or the id) actually
-- changed: ingest rewrites every asset it sees, most often only its
-- last_seen and run, and that costs nothing here.
-- +goose StatementBegin
CREATE TRIGGER assets_search_insert AFTER INSERT ON assets BEGIN
    INSERT INTO assets_search (rowid, last_host, last_ip, last_mac, manufacturer, model, covered_entity, site)
    VALUES (new.id, new.last_host, new.last_ip, new.last_mac, new.manufacturer, new.model, new.covered_entity, new.site);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER assets_search_delete AFTER DELETE ON assets BEGIN
    INSERT INTO assets_search (assets_search, rowid, last_host, last_ip, last_mac, manufacturer, model, covered_entity, site)
    VALUES ('delete', old.id, old.last_host, old.last_ip, old.last_mac, old.manufacturer, old.model, old.covered_entity, old.site);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER assets_search_update
AFTER UPDATE OF id, last_host, last_ip, last_mac, manufacturer, model, covered_entity, site ON assets
WHEN old.id IS NOT new.id OR old.last_host IS NOT new.last_host OR old.last_ip IS NOT new.last_ip
    OR old.last_mac IS NOT new.last_mac OR old.manufacturer IS NOT new.manufacturer OR old.model IS NOT new.model
    OR old.covered_entity IS NOT new.covered_entity OR old.site IS NOT new.site
BEGIN
    INSERT INTO assets_search (assets_search, rowid, last_host, last_ip, last_mac, manufacturer, model, covered_entity, site)
    VALUES ('delete', old.id, old.last_host, old.last_ip, old.last_mac, old.manufacturer, old.model, old.covered_entity, old.site);
    INSERT INTO assets_search (rowid, last_host, last_ip, last_mac, manufacturer, model, covered_entity, site)
    VALUES (new.id, new.last_host, new.last_ip, new.last_mac, new.manufacturer, new.model, new.covered_entity, new.site);
END;
-- +goose StatementEnd

-- Backfill: the triggers see only later writes, so the assets already
-- stored are indexed here, by reading them all from the content table.
INSERT INTO assets_search (assets_search) VALUES ('rebuild');

-- +goose Down
DROP TRIGGER assets_search_update;
DROP TRIGGER assets_search_delete;
DROP TRIGGER assets_search_insert;
DROP TABLE assets_search;
