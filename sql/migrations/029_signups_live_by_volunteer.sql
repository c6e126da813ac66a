-- 029: the index of live sign-ups (one a volunteer for an event) leads
-- with the volunteer. The sign-up's overlap check and the volunteer's
-- page look up a volunteer's live sign-ups. With statistics PostgreSQL
-- finds them through signups_volunteer_idx; without (a new programme's
-- first sign-ups, before autovacuum has analyzed the table) it took the
-- partial index, which matches their "state IN ('place', 'waiting')",
-- and with the event first it read every live sign-up of the city for
-- each one: sign-ups slowed down as the table grew (1,134, 873, then
-- 576 a second over three runs; doc/performance.md, "A new programme's
-- first sign-ups"). Led by the volunteer, either index finds them at
-- once. The constraint is the same. New sign-ups wait while the index
-- is built.
CREATE UNIQUE INDEX signups_live_by_volunteer ON signups (volunteer_id, event_id)
	WHERE state IN ('place', 'waiting');
DROP INDEX signups_live_idx;
ALTER INDEX signups_live_by_volunteer RENAME TO signups_live_idx;
