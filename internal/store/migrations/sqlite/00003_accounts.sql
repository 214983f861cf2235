-- Accounts of the web dashboard and REST API (covered serve): users, their
-- login sessions, API tokens, the address ranges scans started from the web
-- may target, and small server settings. Secrets are never stored: users
-- keep an argon2id PHC string, sessions and tokens the hex SHA-256 of the
-- value the client holds. Every change but a session's is in audit_log.

-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    -- The store accepts ASCII names only (letters, digits, . _ - @ +), so
    -- lower() folds case identically here and in PostgreSQL.
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    -- Empty when no password is set: the user cannot log in.
    password_hash TEXT    NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX users_name ON users (lower(name));

CREATE TABLE sessions (
    -- Hex SHA-256 of the cookie value.
    id_hash    TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    -- Hex SHA-256 of the token.
    hash       TEXT    NOT NULL UNIQUE,
    -- Who created the token; NULL for one the server made by itself.
    user_id    INTEGER REFERENCES users (id),
    created_at TEXT    NOT NULL,
    last_used  TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE allowed_ranges (
    -- Canonical (masked) CIDR prefix, as netip.Prefix prints it.
    prefix   TEXT PRIMARY KEY,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE allowed_ranges;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
