-- Indexes for the dashboard and the API's asset lists: newest first, and a
-- status filter with the same order, without sorting the whole inventory
-- for every page. merged_into comes before the order columns because every
-- list asks for merged_into IS NULL: the index then answers the filter,
-- the order and the count without visiting the rows it skips.

-- +goose Up
CREATE INDEX assets_live_last_seen ON assets (merged_into, last_seen, id);
CREATE INDEX assets_status_live_last_seen ON assets (status, merged_into, last_seen, id);

-- +goose Down
DROP INDEX assets_status_live_last_seen;
DROP INDEX assets_live_last_seen;
