-- 015: the open check-ins of a community, for the check-in board
-- (GET /v1/checkins): read on every refresh of a desk, while closed
-- check-ins pile up by the thousand.
CREATE INDEX checkins_open_community_idx ON checkins (community_id, started_at)
	WHERE closed_at IS NULL;
