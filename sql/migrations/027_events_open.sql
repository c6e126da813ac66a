-- 027: the events a volunteer may still sign up for, found among those
-- not yet closed. The volunteer's page lists the open events of their
-- community and the city-wide ones; by (community, start) it read every
-- event the community ever had and kept the few still open, a list that
-- grows by every event of every year (doc/performance.md, "Events still
-- open").
CREATE INDEX events_open ON events (community_id, closes_at)
	WHERE cancelled_at IS NULL;
