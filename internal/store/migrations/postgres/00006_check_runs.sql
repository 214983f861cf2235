-- A run of kind 'check': `covered check --from-store --profile passive`
-- re-runs the security checks over the stored evidence and records their
-- findings, like a reidentify run re-runs identification.

-- +goose Up
ALTER TABLE runs DROP CONSTRAINT runs_kind_check;
ALTER TABLE runs ADD CONSTRAINT runs_kind_check CHECK (kind IN ('scan', 'import', 'reidentify', 'check'));
