-- 022: reports of a whole city without reading its year of shifts
-- (doc/performance.md, "Reports").
--
-- Each volunteer's minutes of current shifts per year, by the year (UTC)
-- in which the shift started and the shift's community, as the trigger
-- shifts_volunteer_years keeps them (sql/functions/reports.sql): a
-- report's minutes of the year to the period's end are the year's row
-- less what came after the end, so it reads the shifts since the
-- period's start, not since 1 January. UTC years, so that the rows
-- do not depend on the daemon's time zone: a year in it starts within
-- hours of one (the report reads those hours' shifts).
CREATE TABLE volunteer_years (
	year		integer NOT NULL,
	community_id	bigint NOT NULL REFERENCES communities,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	minutes		bigint NOT NULL CHECK (minutes >= 0),
	CONSTRAINT volunteer_years_pkey
	    PRIMARY KEY (year, community_id, volunteer_id)
) WITH (fillfactor = 70);	-- room for HOT updates: no index is touched

-- The current records: those no correction replaced.
INSERT INTO volunteer_years (year, community_id, volunteer_id, minutes)
SELECT extract(year FROM s.started_at AT TIME ZONE 'UTC')::integer,
    s.community_id, s.volunteer_id, sum(s.minutes)
FROM shifts s
WHERE NOT EXISTS (SELECT 1 FROM shifts k WHERE k.corrects = s.id)
GROUP BY 1, 2, 3;

-- A period's transfers of an account, without the heap again: since 015
-- a transfer's value time decides its period, and the indexes lacked it
-- (a city's monthly report read a heap page for each of its shifts'
-- transfers).
DROP INDEX transfers_from_at;
CREATE INDEX transfers_from_at ON transfers (from_account, at)
	INCLUDE (amount, cause, value_at);
DROP INDEX transfers_to_at;
CREATE INDEX transfers_to_at ON transfers (to_account, at)
	INCLUDE (amount, cause, value_at);
