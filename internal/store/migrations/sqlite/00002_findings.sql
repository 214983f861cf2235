-- Findings and their remediation, the identification change log, and the
-- audit log. Assets that version 1 already identified as covered or
-- suspected get their finding here, so an upgraded database does not lose
-- what it knew.

-- +goose Up
CREATE TABLE identification_changes (
    id                    INTEGER PRIMARY KEY,
    asset_id              INTEGER NOT NULL REFERENCES assets (id),
    run_id                INTEGER NOT NULL REFERENCES runs (id),
    at                    TEXT    NOT NULL,
    old_identification_id INTEGER REFERENCES identifications (id),
    new_identification_id INTEGER NOT NULL REFERENCES identifications (id),
    old_status            TEXT    NOT NULL,
    new_status            TEXT    NOT NULL,
    old_entity            TEXT    NOT NULL,
    new_entity            TEXT    NOT NULL
);
CREATE INDEX identification_changes_asset ON identification_changes (asset_id, id);
CREATE INDEX identification_changes_run ON identification_changes (run_id);
CREATE INDEX identification_changes_old ON identification_changes (old_identification_id);
CREATE INDEX identification_changes_new ON identification_changes (new_identification_id);

CREATE TABLE findings (
    id                INTEGER PRIMARY KEY,
    asset_id          INTEGER NOT NULL REFERENCES assets (id),
    covered_entity    TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('covered', 'suspected')),
    active            INTEGER NOT NULL DEFAULT 1,
    first_run_id      INTEGER NOT NULL REFERENCES runs (id),
    first_found       TEXT    NOT NULL,
    last_run_id       INTEGER NOT NULL REFERENCES runs (id),
    last_seen         TEXT    NOT NULL,
    identification_id INTEGER NOT NULL REFERENCES identifications (id),
    cleared_run_id    INTEGER REFERENCES runs (id),
    cleared_at        TEXT,
    merged_into       INTEGER REFERENCES findings (id) DEFERRABLE INITIALLY DEFERRED,
    state             TEXT    NOT NULL DEFAULT 'open' CHECK (state IN
                      ('open', 'replacing', 'replaced', 'replaced_verified', 'accepted_risk', 'false_positive')),
    owner             TEXT    NOT NULL DEFAULT '',
    due               TEXT,
    ticket            TEXT    NOT NULL DEFAULT '',
    notes             TEXT    NOT NULL DEFAULT '',
    reason            TEXT    NOT NULL DEFAULT '',
    expires           TEXT,
    -- FAR 52.204-25(d)(2): when the first report and the follow-up report
    -- went to the contracting officer.
    reported          TEXT,
    follow_up         TEXT,
    updated_by        TEXT    NOT NULL DEFAULT '',
    updated_at        TEXT    NOT NULL
);
CREATE UNIQUE INDEX findings_asset_entity ON findings (asset_id, covered_entity) WHERE merged_into IS NULL;
CREATE INDEX findings_state ON findings (state);
CREATE INDEX findings_asset ON findings (asset_id);
CREATE INDEX findings_identification ON findings (identification_id);

CREATE TABLE remediations (
    id         INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES findings (id),
    at         TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    owner      TEXT    NOT NULL DEFAULT '',
    due        TEXT,
    ticket     TEXT    NOT NULL DEFAULT '',
    notes      TEXT    NOT NULL DEFAULT '',
    reason     TEXT    NOT NULL DEFAULT '',
    expires    TEXT,
    reported   TEXT,
    follow_up  TEXT,
    run_id     INTEGER REFERENCES runs (id),
    comment    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX remediations_finding ON remediations (finding_id, id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   INTEGER NOT NULL DEFAULT 0,
    details     TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);

INSERT INTO findings (asset_id, covered_entity, status, first_run_id, first_found, last_run_id,
                      last_seen, identification_id, updated_by, updated_at)
SELECT a.id, a.covered_entity, a.status, i.run_id, i.at, a.last_run_id, a.last_seen, i.id,
       'migration', i.at
FROM assets a JOIN identifications i ON i.id = a.identification_id
WHERE a.merged_into IS NULL AND a.status IN ('covered', 'suspected');

INSERT INTO remediations (finding_id, at, actor, state, comment)
SELECT id, first_found, 'migration', 'open', 'finding created by schema upgrade' FROM findings;

-- +goose Down
DROP TABLE audit_log;
DROP TABLE remediations;
DROP TABLE findings;
DROP TABLE identification_changes;
