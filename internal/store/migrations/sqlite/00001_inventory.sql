-- Inventory: runs, the append-only observations they produced, and the
-- assets (devices) those observations were matched to. Times are UTC text in
-- the fixed-width form 2006-01-02T15:04:05.000000Z so that they sort and
-- compare as strings.

-- +goose Up
CREATE TABLE runs (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT    NOT NULL CHECK (kind IN ('scan', 'import', 'reidentify')),
    status              TEXT    NOT NULL CHECK (status IN ('running', 'complete', 'interrupted')),
    actor               TEXT    NOT NULL,
    machine             TEXT    NOT NULL,
    site                TEXT    NOT NULL DEFAULT '',
    started_at          TEXT    NOT NULL,
    finished_at         TEXT,
    scope               TEXT    NOT NULL DEFAULT '[]',
    scope_key           TEXT    NOT NULL DEFAULT '',
    exclusions          TEXT    NOT NULL DEFAULT '[]',
    ports               TEXT    NOT NULL DEFAULT '',
    options             TEXT    NOT NULL DEFAULT '{}',
    tool_version        TEXT    NOT NULL DEFAULT '',
    rules_version       TEXT    NOT NULL DEFAULT '',
    lists_version       TEXT    NOT NULL DEFAULT '',
    hosts               INTEGER NOT NULL DEFAULT 0,
    observations        INTEGER NOT NULL DEFAULT 0,
    failed              INTEGER NOT NULL DEFAULT 0,
    stored_observations INTEGER NOT NULL DEFAULT 0,
    notes               TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX runs_scope ON runs (site, scope_key, id);

CREATE TABLE assets (
    id                INTEGER PRIMARY KEY,
    site              TEXT    NOT NULL DEFAULT '',
    first_seen        TEXT    NOT NULL,
    last_seen         TEXT    NOT NULL,
    first_run_id      INTEGER NOT NULL REFERENCES runs (id),
    last_run_id       INTEGER NOT NULL REFERENCES runs (id),
    last_host         TEXT    NOT NULL DEFAULT '',
    last_ip           TEXT    NOT NULL DEFAULT '',
    last_ip_key       BLOB,
    last_mac          TEXT    NOT NULL DEFAULT '',
    -- The current identification: a denormalised pointer that the store
    -- sets in the transaction that writes the identification (no foreign
    -- key, so the batch can write assets before their identifications).
    identification_id INTEGER,
    status            TEXT    NOT NULL DEFAULT 'unidentified',
    covered_entity    TEXT    NOT NULL DEFAULT '',
    manufacturer      TEXT    NOT NULL DEFAULT '',
    brand             TEXT    NOT NULL DEFAULT '',
    model             TEXT    NOT NULL DEFAULT '',
    device_type       TEXT    NOT NULL DEFAULT '',
    confidence        REAL    NOT NULL DEFAULT 0,
    merged_into       INTEGER REFERENCES assets (id) DEFERRABLE INITIALLY DEFERRED,
    merged_at         TEXT
);
CREATE INDEX assets_site_ip ON assets (site, last_ip);
CREATE INDEX assets_ip_key ON assets (last_ip_key);

CREATE TABLE asset_links (
    id         INTEGER PRIMARY KEY,
    asset_id   INTEGER NOT NULL REFERENCES assets (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('mac', 'serial', 'tls', 'hostname', 'mac_local')),
    value      TEXT    NOT NULL,
    site       TEXT    NOT NULL DEFAULT '',
    first_seen TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL,
    UNIQUE (asset_id, kind, value, site)
);
-- A strong identifier belongs to one live asset at a time; merging keeps it so.
CREATE UNIQUE INDEX asset_links_strong ON asset_links (value, kind) WHERE kind IN ('mac', 'serial', 'tls');
-- Hostname lookups are per site; strong ones use asset_links_strong.
CREATE INDEX asset_links_hostname ON asset_links (site, value) WHERE kind = 'hostname';

CREATE TABLE asset_merges (
    id          INTEGER PRIMARY KEY,
    survivor_id INTEGER NOT NULL REFERENCES assets (id),
    absorbed_id INTEGER NOT NULL REFERENCES assets (id),
    kind        TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    run_id      INTEGER NOT NULL REFERENCES runs (id),
    at          TEXT    NOT NULL
);
CREATE INDEX asset_merges_survivor ON asset_merges (survivor_id);
CREATE INDEX asset_merges_absorbed ON asset_merges (absorbed_id);

CREATE TABLE asset_sightings (
    id           INTEGER PRIMARY KEY,
    run_id       INTEGER NOT NULL REFERENCES runs (id),
    asset_id     INTEGER NOT NULL REFERENCES assets (id),
    host         TEXT    NOT NULL,
    ip           TEXT    NOT NULL DEFAULT '',
    mac          TEXT    NOT NULL DEFAULT '',
    first_seen   TEXT    NOT NULL,
    last_seen    TEXT    NOT NULL,
    observations INTEGER NOT NULL DEFAULT 0,
    -- How the host was tied to the asset: the identifier kind and value that
    -- matched, or 'new' when it became a new asset.
    match_kind   TEXT    NOT NULL DEFAULT '',
    match_value  TEXT    NOT NULL DEFAULT '',
    UNIQUE (run_id, host)
);
CREATE INDEX asset_sightings_asset ON asset_sightings (asset_id, run_id);

CREATE TABLE observations (
    id        INTEGER PRIMARY KEY,
    run_id    INTEGER NOT NULL REFERENCES runs (id),
    -- The sighting (run, host) the observation belongs to: how it reaches
    -- its asset without ever being rewritten when assets merge.
    sighting_id INTEGER NOT NULL REFERENCES asset_sightings (id),
    host      TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    value     BLOB    NOT NULL,
    port      INTEGER NOT NULL DEFAULT 0,
    transport TEXT    NOT NULL DEFAULT '',
    path      TEXT    NOT NULL DEFAULT '',
    source    TEXT    NOT NULL DEFAULT '',
    seen      TEXT,
    ip        TEXT    NOT NULL DEFAULT '',
    mac       TEXT    NOT NULL DEFAULT ''
);
-- Sighting ids grow with every batch, so this index is appended to
-- rather than written all over, which keeps bulk ingest fast.
CREATE INDEX observations_sighting ON observations (sighting_id);

CREATE TABLE identifications (
    id             INTEGER PRIMARY KEY,
    asset_id       INTEGER NOT NULL REFERENCES assets (id),
    run_id         INTEGER NOT NULL REFERENCES runs (id),
    host           TEXT    NOT NULL,
    at             TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    covered_entity TEXT    NOT NULL DEFAULT '',
    manufacturer   TEXT    NOT NULL DEFAULT '',
    brand          TEXT    NOT NULL DEFAULT '',
    model          TEXT    NOT NULL DEFAULT '',
    device_type    TEXT    NOT NULL DEFAULT '',
    confidence     REAL    NOT NULL DEFAULT 0,
    rules_version  TEXT    NOT NULL DEFAULT '',
    lists_version  TEXT    NOT NULL DEFAULT '',
    body           TEXT    NOT NULL
);
CREATE INDEX identifications_asset ON identifications (asset_id, id);
CREATE INDEX identifications_run ON identifications (run_id, asset_id);

-- +goose Down
DROP TABLE identifications;
DROP TABLE observations;
DROP TABLE asset_sightings;
DROP TABLE asset_merges;
DROP TABLE asset_links;
DROP TABLE assets;
DROP TABLE runs;
