-- Findings of the security checks (covered scan --checks): one row per
-- asset and check. A row is active while the latest run that ran the check
-- on the asset produced it; a later run that ran the check on the asset
-- and did not produce it clears it (active = 0, cleared_run_id). Runs that
-- did not run the check on the asset leave the row alone. Evidence is a
-- JSON list of {key, value, port, path}, redacted before it is written.

-- +goose Up
CREATE TABLE check_findings (
    id             INTEGER PRIMARY KEY,
    asset_id       INTEGER NOT NULL REFERENCES assets (id),
    check_id       TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    severity       TEXT    NOT NULL,
    cves           TEXT    NOT NULL DEFAULT '',  -- comma-separated CVE ids
    kev            INTEGER NOT NULL DEFAULT 0,
    kev_date_added TEXT    NOT NULL DEFAULT '',
    side_effect    TEXT    NOT NULL,
    requests       INTEGER NOT NULL DEFAULT 0,
    evidence       TEXT    NOT NULL DEFAULT '[]',
    advice         TEXT    NOT NULL DEFAULT '',
    source         TEXT    NOT NULL DEFAULT '',
    first_run_id   INTEGER NOT NULL REFERENCES runs (id),
    last_run_id    INTEGER NOT NULL REFERENCES runs (id),
    first_seen     TEXT    NOT NULL,
    last_seen      TEXT    NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    cleared_run_id INTEGER REFERENCES runs (id),
    UNIQUE (asset_id, check_id)
);
CREATE INDEX check_findings_check ON check_findings (check_id);
CREATE INDEX check_findings_active_severity ON check_findings (active, severity);

-- +goose Down
DROP TABLE check_findings;
