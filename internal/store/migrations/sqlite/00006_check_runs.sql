-- A run of kind 'check': `covered check --from-store --profile passive`
-- re-runs the security checks over the stored evidence and records their
-- findings, like a reidentify run re-runs identification.
--
-- SQLite cannot alter a CHECK constraint, so the runs table is rebuilt with
-- the larger kind list, as SQLite's ALTER TABLE page prescribes: foreign
-- keys off (which only takes effect outside a transaction, hence NO
-- TRANSACTION and the explicit one below; the store's write pool is one
-- connection, so every statement runs on it), new table, copy, drop, rename,
-- so that the other tables' REFERENCES runs bind to the new table.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE IF EXISTS runs_00006;
CREATE TABLE runs_00006 (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT    NOT NULL CHECK (kind IN ('scan', 'import', 'reidentify', 'check')),
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
INSERT INTO runs_00006 SELECT * FROM runs;
DROP TABLE runs;
ALTER TABLE runs_00006 RENAME TO runs;
CREATE INDEX runs_scope ON runs (site, scope_key, id);
COMMIT;
PRAGMA foreign_keys = ON;
