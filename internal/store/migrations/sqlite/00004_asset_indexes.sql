-- Indexes for the dashboard and the API's asset lists: newest first, and a
-- status filter with the same order, without sorting the whole inventory
-- for every page.

-- +goose Up
CREATE INDEX assets_last_seen ON assets (last_seen, id);
CREATE INDEX assets_status_last_seen ON assets (status, last_seen, id);

-- +goose Down
DROP INDEX assets_status_last_seen;
DROP INDEX assets_last_seen;
