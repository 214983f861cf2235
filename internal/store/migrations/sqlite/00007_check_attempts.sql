-- Authentication attempts of the auth-profile checks: one row per device
-- address and account, holding when the account was last tried there. The
-- checks try an account at most once per device per window (24 h by
-- default) across processes and runs, so a cron job cannot add failed
-- logins towards a lockout. The account is its SHA-256 (some defaults use
-- the password as the user name), so no credential is stored; the table is
-- operational state: export and import leave it out.

-- +goose Up
CREATE TABLE check_attempts (
    device   TEXT NOT NULL,
    account  TEXT NOT NULL, -- hex SHA-256 of the account name
    tried_at TEXT NOT NULL,
    PRIMARY KEY (device, account)
);

-- +goose Down
DROP TABLE check_attempts;
