-- 023: what the reports of a closed month need, stored by its close
-- (vp_month_store, sql/functions/months.sql) in the close's own
-- transaction, so that they read these rows instead of the year's
-- shifts again (doc/performance.md, "Stored closed months"). A closed
-- month's reports never change, so its rows never do either; they hold
-- figures only, no personal data: a report joins the volunteer's name
-- when it is read, as the computation does.
--
-- The months closed before this migration have no rows: their reports
-- are computed as before.

-- The closed months whose rows are stored, and the time zone the close
-- computed them in (the period's bounds): a report read in another time
-- zone is computed.
CREATE TABLE month_reports (
	month		text CONSTRAINT month_reports_pkey PRIMARY KEY
			CONSTRAINT month_reports_month_fkey
			REFERENCES month_closes,
	timezone	text NOT NULL,
	stored_at	timestamptz NOT NULL DEFAULT now()
);

-- Each community's row of the month's community level, as the close's
-- report has it (the rows its digest covers).
CREATE TABLE month_report_communities (
	month		text NOT NULL CONSTRAINT month_report_communities_month_fkey
			REFERENCES month_reports,
	community_id	bigint NOT NULL
			CONSTRAINT month_report_communities_community_id_fkey
			REFERENCES communities,
	row		jsonb NOT NULL,
	CONSTRAINT month_report_communities_pkey PRIMARY KEY (month, community_id)
);

-- Each volunteer's figures of the month's volunteer level for the whole
-- city (vp_report_volunteers): the volunteer's community at the month's
-- end, their service and points, the minutes by the month's start and
-- end (for stars). By number, for the pages of the level (after=NUMBER);
-- by community, for a report of one community or region; new_stars
-- (crossed a star level in the month, by the levels of the close) for
-- the few that make every report's new star levels. No foreign
-- keys: the close writes a city's volunteers at once (100,000 rows, and
-- a check of three keys each tripled the close's time), from the rows of
-- month_reports, volunteers and communities it has just read, none of
-- which is ever deleted.
CREATE TABLE month_report_volunteers (
	month		text NOT NULL,
	number		text NOT NULL,
	volunteer_id	bigint NOT NULL,
	community_id	bigint NOT NULL,
	minutes		bigint NOT NULL,
	shifts		bigint NOT NULL,
	minutes_ytd	bigint NOT NULL,
	minutes_before	bigint NOT NULL,
	minutes_total	bigint NOT NULL,
	points_earned	numeric NOT NULL,
	points_spent	numeric NOT NULL,
	balance		numeric NOT NULL,
	registered_by_end boolean NOT NULL,
	new_stars	boolean NOT NULL,
	CONSTRAINT month_report_volunteers_pkey PRIMARY KEY (month, number)
);
CREATE INDEX month_report_volunteers_community_idx
	ON month_report_volunteers (month, community_id, number);
CREATE INDEX month_report_volunteers_new_stars_idx
	ON month_report_volunteers (month, number) WHERE new_stars;
-- The close analyzes the table (vp_month_store): statistics of the
-- columns a report selects by, from a small sample (3,000 rows: 15 ms
-- where the default took 700 on a city's 100,000).
ALTER TABLE month_report_volunteers
	ALTER COLUMN month SET STATISTICS 10,
	ALTER COLUMN number SET STATISTICS 10,
	ALTER COLUMN community_id SET STATISTICS 10,
	ALTER COLUMN new_stars SET STATISTICS 10,
	ALTER COLUMN volunteer_id SET STATISTICS 0,
	ALTER COLUMN minutes SET STATISTICS 0,
	ALTER COLUMN shifts SET STATISTICS 0,
	ALTER COLUMN minutes_ytd SET STATISTICS 0,
	ALTER COLUMN minutes_before SET STATISTICS 0,
	ALTER COLUMN minutes_total SET STATISTICS 0,
	ALTER COLUMN points_earned SET STATISTICS 0,
	ALTER COLUMN points_spent SET STATISTICS 0,
	ALTER COLUMN balance SET STATISTICS 0,
	ALTER COLUMN registered_by_end SET STATISTICS 0;

-- vp_report and vp_report_page take p_live (compute, even a closed
-- month: the tests compare both answers).
DROP FUNCTION IF EXISTS vp_report(text, text, text, bigint, bigint);
DROP FUNCTION IF EXISTS vp_report_page(text, text, bigint, bigint, text,
    integer);
