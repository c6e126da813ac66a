-- Reports (monthly and annual, four levels) and star levels.
--
-- A shift counts in the month and year in which it started, in the
-- daemon's time zone; only current records count (a corrected shift is
-- replaced by its correction). So do its points, and their reversal when
-- it is corrected (a transfer's value_at); every other transfer counts
-- in the period in which it was made: redemptions, voids, help. (The
-- points of shifts of months closed before 015_service_record count as
-- they were signed: when they were made.)
--
-- A report's cost follows the period and the scope, not the length of the
-- history:
-- - volunteer_totals holds each volunteer's minutes of current shifts.
--   Minutes by a period's end are that total less the current shifts that
--   started after the end, so stars do not read the shifts before the
--   report's year; after a closed month of the year whose close stored
--   its rows, they are its stored total plus the shifts since its end
--   and before the period's (vp_report_base), and no later shift is read.
-- - Shifts are read community by community from a covering index, summed
--   per volunteer (or per station and volunteer) in small hash tables,
--   and the few records replaced by corrections are subtracted rather
--   than looked up for every shift. Then everything is joined once, set
--   against set.
-- - A community's points come from its issuance and station accounts'
--   transfers of the period, by index on (account, at).
-- - The status at a period's end is looked up only for volunteers who ever
--   left; the volunteer level's totals are summed from its columns.
--
-- What bounds each report, with
--   V  the scope's volunteers,
--   Y  the scope's shifts that started since 1 January of the report's
--      year (to now: the later ones give minutes by the period's end);
--      for a monthly report after a closed month of its year whose
--      close stored its rows, since that month's end and before the
--      period's, and the scope's stored rows of that month
--      (vp_report_base),
--   A  the scope's shifts that started since the period's start (in Y),
--   P  the scope's shifts of the period (in A),
--   C  the scope's corrections, all of them (few),
--   T  the transfers of the scope's volunteer accounts since the period's
--      start (one community: by account; the city: the city's, by time),
--   Tp the transfers of the scope's issuance and station accounts since
--      the period's start (a shift's points count at its start, which
--      is earlier than the transfer: those made after the period count
--      in it when their shift started in it),
--   R  the city's redemptions and completed help requests of the period,
--   L  the history entries of the volunteers who ever left:
-- - volunteer: O(V + Y + C + T), and a sort of V rows by number;
-- - community: O(V + Y + C + Tp + R + L);
-- - team:      O(P + C + the memberships of P's volunteers + A);
-- - station:   O(P + C + A + the period's redemptions of the scope's
--              stations + their catalogue items);
-- - vp_volunteer_minutes (volunteer, ledger, certificate): O(1).
-- Nothing grows with the years of history before the report's year but C
-- and L. A report of one community reads in addition the shifts since the
-- year's start, in other communities, of the volunteers who moved into or
-- out of it (vp_report_service), and every report the moves after its
-- period's end (vp_report_moved): both few. A settled period (vp_settled_at) reads in addition, at the
-- volunteer level and in new_star_levels, the history of each volunteer
-- it names (the name then); at the team level, the team history of each
-- volunteer who served (memberships then); at the station level, each
-- station's catalogue moves since the close (the stock then).
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- The current records among the shifts that started in [p_from, p_to),
-- of one community or of all.
CREATE OR REPLACE FUNCTION vp_current_shifts(p_from timestamptz, p_to timestamptz,
    p_scope bigint[]) RETURNS SETOF shifts
LANGUAGE sql STABLE AS $$
	SELECT s.* FROM shifts s
	WHERE s.started_at >= p_from AND s.started_at < p_to
	AND (p_scope IS NULL OR s.community_id = ANY (p_scope))
	AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id)
$$;

-- The volunteers who moved at or after p_at, with the community each
-- belonged to before it: the one their first move since left (few; by
-- index on volunteer_moves.at). Everyone else belonged then where they
-- belong now. Every report reads a volunteer's community at a period's
-- end from here, so that a move changes no report of a period before it.
CREATE OR REPLACE FUNCTION vp_report_moved(p_at timestamptz)
RETURNS TABLE (volunteer_id bigint, community_id bigint)
LANGUAGE sql STABLE AS $$
	SELECT DISTINCT ON (m.volunteer_id) m.volunteer_id, m.from_community
	FROM volunteer_moves m WHERE m.at >= p_at
	ORDER BY m.volunteer_id, m.id
$$;

-- The community a volunteer belonged to just before p_at.
CREATE OR REPLACE FUNCTION vp_volunteer_community_at(p_volunteer bigint,
    p_at timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT m.community_id FROM vp_report_moved(p_at) m
	    WHERE m.volunteer_id = p_volunteer),
	    (SELECT v.community_id FROM volunteers v WHERE v.id = p_volunteer))
$$;

-- The volunteers of the communities of p_scope as they belonged just
-- before p_to, and the community of each then (p_scope NULL: every
-- volunteer). A report of the city needs no such filter: its queries say
-- "p_scope IS NULL OR v.id = ANY (ARRAY(SELECT ... vp_report_members
-- ...))" (or vp_report's v_members, the same array read once), which
-- the plan of a city report drops, and take the community of each
-- volunteer from vp_report_moved (few rows, hashed). A scoped plan looks
-- the array's volunteers up by id, then their accounts and transfers;
-- "v.id IN (SELECT ...)" filtered every volunteer of the city and
-- joined every transfer since the period began (doc/performance.md).
-- (The page of vp_report_page keeps "IN": it walks the volunteers by
-- number and stops after one page.)
CREATE OR REPLACE FUNCTION vp_report_members(p_to timestamptz, p_scope bigint[])
RETURNS TABLE (volunteer_id bigint, community_id bigint)
LANGUAGE sql STABLE AS $$
	SELECT v.id, v.community_id FROM volunteers v
	WHERE (p_scope IS NULL OR v.community_id = ANY (p_scope))
	AND NOT EXISTS (SELECT 1 FROM vp_report_moved(p_to) m
	    WHERE m.volunteer_id = v.id)
	UNION ALL
	SELECT m.volunteer_id, m.community_id FROM vp_report_moved(p_to) m
	WHERE p_scope IS NULL OR m.community_id = ANY (p_scope)
$$;

-- Hours to two decimals.
CREATE OR REPLACE FUNCTION vp_hours(p_minutes numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
	SELECT round(coalesce(p_minutes, 0) / 60.0, 2)
$$;

-- The sums of the numeric members of rows, for the "totals" of a report;
-- hours are those of the summed minutes, not a sum of rounded hours.
CREATE OR REPLACE FUNCTION vp_report_totals(p_rows jsonb, p_keys text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT t || CASE WHEN t ? 'hours' THEN jsonb_build_object('hours',
		vp_hours((t ->> 'minutes')::numeric)) ELSE '{}' END
	    || CASE WHEN t ? 'hours_ytd' THEN jsonb_build_object('hours_ytd',
		vp_hours((t ->> 'minutes_ytd')::numeric)) ELSE '{}' END
	FROM (SELECT coalesce(jsonb_object_agg(k, (SELECT
	    coalesce(sum((r ->> k)::numeric), 0)
	    FROM jsonb_array_elements(p_rows) r)), '{}') AS t
	    FROM unnest(p_keys) k) x
$$;

-- The communities of a report's scope: those of p_scope, or all (NULL).
CREATE OR REPLACE FUNCTION vp_report_scope(p_scope bigint[]) RETURNS SETOF communities
LANGUAGE sql STABLE AS $$
	SELECT c.* FROM communities c
	WHERE p_scope IS NULL OR c.id = ANY (p_scope)
$$;

-- Where a computed report reads the year so far from, when p_since is
-- the start of the year of p_from: the latest month of that year, ended
-- by p_from, whose close stored each volunteer's minutes of the year to
-- its end (month_report_volunteers.minutes_ytd, in this time zone);
-- since: that month's end. Nothing dated before the end of a closed
-- month, as its close's time zone counts it, can be recorded or
-- corrected any more (vp_dated, months.sql; the bulk import checks the
-- same bounds), so those minutes are still what the current records
-- say, and a report reads the shifts from since on and adds them: the
-- open month after a close reads one month of shifts, not the year's.
-- Otherwise (no such month, another p_since, p_live: the tests compare)
-- month is NULL and since is p_since.
CREATE OR REPLACE FUNCTION vp_report_base(p_since timestamptz,
    p_from timestamptz, p_live boolean, OUT month text, OUT since timestamptz)
LANGUAGE sql STABLE AS $$
	SELECT b.month, coalesce(b.since, p_since)
	FROM (SELECT NULL) one
	LEFT JOIN (SELECT m.month,
		(m.month || '-01')::date::timestamptz + interval '1 month' AS since
	    FROM month_reports m
	    WHERE NOT p_live AND p_since = date_trunc('year', p_from)
	    AND m.timezone = current_setting('timezone')
	    AND m.month >= to_char(p_since, 'YYYY-MM')
	    AND m.month < to_char(p_from, 'YYYY-MM')
	    ORDER BY m.month DESC LIMIT 1) b ON true
$$;

-- Per volunteer of the scope with a shift since p_since (at or before
-- p_from), counting current records only: minutes and shifts of the
-- period [p_from, p_to), minutes of [p_since, p_to), and minutes since
-- p_to (the running total less these is the total by the period's end),
-- or, when a closed month's stored rows are the base (below), each row's
-- part of that total: the shifts since the base's end add their minutes
-- of [since, p_to) and the base's row its stored minutes of all years
-- to that end (minutes_end; NULL without a base), so that no shift
-- after p_to is read at all (minutes_after is 0).
-- One row per community the volunteer served in: the shifts' own. When
-- the scope is one community, the volunteers who moved into or out of it
-- have their rows of the other communities too (their hours are theirs
-- wherever they served): a caller that counts the community's service
-- keeps the rows of its community, one that counts a volunteer's sums
-- them. The minutes of [p_since, p_to) come from a closed month's
-- stored rows up to its end when vp_report_base finds one: each
-- volunteer's row of it is one more row, with those minutes only, in
-- the community they belonged to at that month's end, wherever they
-- served (a caller sums minutes_since and minutes_end per volunteer,
-- never per community).
CREATE OR REPLACE FUNCTION vp_report_service(p_since timestamptz, p_from timestamptz,
    p_to timestamptz, p_scope bigint[], p_live boolean)
RETURNS TABLE (community_id bigint, volunteer_id bigint, minutes bigint,
    shifts bigint, minutes_since bigint, minutes_after bigint,
    minutes_end bigint)
LANGUAGE sql STABLE AS $$
	WITH base AS (
		-- upto: where the shifts read end (with a base, the period's)
		SELECT b.*, CASE WHEN b.month IS NULL THEN 'infinity'
		    ELSE p_to END AS upto
		FROM vp_report_base(p_since, p_from, p_live) b
	), moved AS (
		SELECT DISTINCT m.volunteer_id FROM volunteer_moves m
		WHERE m.from_community = ANY (p_scope)
		OR m.to_community = ANY (p_scope)
	), every AS (
		-- Every record, community by community (each one's sums stay
		-- small, in cache)...
		SELECT c.id AS community_id, x.* FROM vp_report_scope(p_scope) c
		CROSS JOIN LATERAL (SELECT s.volunteer_id,
		    sum(s.minutes) FILTER (WHERE s.started_at >= p_from
			AND s.started_at < p_to) AS minutes,
		    count(*) FILTER (WHERE s.started_at >= p_from
			AND s.started_at < p_to) AS shifts,
		    sum(s.minutes) FILTER (WHERE s.started_at < p_to) AS since,
		    sum(s.minutes) FILTER (WHERE s.started_at >= p_to) AS after
		    FROM shifts s
		    WHERE s.community_id = c.id
		    AND s.started_at >= (SELECT since FROM base)
		    AND s.started_at < (SELECT upto FROM base)
		    GROUP BY s.volunteer_id) x
		UNION ALL
		-- ...and the moved volunteers' elsewhere...
		SELECT s.community_id, s.volunteer_id,
		    sum(s.minutes) FILTER (WHERE s.started_at >= p_from
			AND s.started_at < p_to),
		    count(*) FILTER (WHERE s.started_at >= p_from
			AND s.started_at < p_to),
		    sum(s.minutes) FILTER (WHERE s.started_at < p_to),
		    sum(s.minutes) FILTER (WHERE s.started_at >= p_to)
		FROM shifts s
		WHERE s.volunteer_id IN (SELECT volunteer_id FROM moved)
		AND s.community_id <> ALL (p_scope)
		AND s.started_at >= (SELECT since FROM base)
		AND s.started_at < (SELECT upto FROM base)
		GROUP BY s.community_id, s.volunteer_id
	), replaced AS (
		-- ...less the records replaced by a correction (few; a
		-- correction is in its record's community: none is made of a
		-- record from before its volunteer's move, vp_after_move).
		SELECT o.community_id, o.volunteer_id,
		    sum(o.minutes) FILTER (WHERE o.started_at >= p_from
			AND o.started_at < p_to) AS minutes,
		    count(*) FILTER (WHERE o.started_at >= p_from
			AND o.started_at < p_to) AS shifts,
		    sum(o.minutes) FILTER (WHERE o.started_at < p_to) AS since,
		    sum(o.minutes) FILTER (WHERE o.started_at >= p_to) AS after
		FROM shifts k JOIN shifts o ON o.id = k.corrects
		WHERE k.corrects IS NOT NULL
		AND ((p_scope IS NULL OR k.community_id = ANY (p_scope))
		    AND (p_scope IS NULL OR o.community_id = ANY (p_scope))
		    OR o.volunteer_id IN (SELECT volunteer_id FROM moved))
		AND o.started_at >= (SELECT since FROM base)
		AND o.started_at < (SELECT upto FROM base)
		GROUP BY o.community_id, o.volunteer_id
	)
	SELECT e.community_id, e.volunteer_id,
	    coalesce(e.minutes, 0) - coalesce(r.minutes, 0),
	    e.shifts - coalesce(r.shifts, 0),
	    coalesce(e.since, 0) - coalesce(r.since, 0),
	    coalesce(e.after, 0) - coalesce(r.after, 0),
	    CASE WHEN (SELECT month FROM base) IS NOT NULL
		THEN coalesce(e.since, 0) - coalesce(r.since, 0) END
	FROM every e LEFT JOIN replaced r ON r.volunteer_id = e.volunteer_id
	    AND r.community_id = e.community_id
	UNION ALL
	-- With a base, each volunteer's minutes of the year and of all
	-- years to its end, in the community they belonged to then: the
	-- scope's (by index), and the moved volunteers' elsewhere (by
	-- number). No shift of the period is among them.
	SELECT r.community_id, r.volunteer_id, 0, 0, r.minutes_ytd, 0,
	    r.minutes_total
	FROM month_report_volunteers r
	WHERE r.month = (SELECT month FROM base) AND r.minutes_total > 0
	AND (p_scope IS NULL OR r.community_id = ANY (p_scope))
	UNION ALL
	SELECT r.community_id, r.volunteer_id, 0, 0, r.minutes_ytd, 0,
	    r.minutes_total
	FROM moved m JOIN volunteers v ON v.id = m.volunteer_id
	JOIN month_report_volunteers r ON r.month = (SELECT month FROM base)
	    AND r.number = v.number
	WHERE r.minutes_total > 0 AND r.community_id <> ALL (p_scope)
$$;

-- vp_report_service summed per volunteer: all their service, wherever
-- it was, and their total minutes by p_to (minutes_end: from the base's
-- stored total, or the running total, volunteer_totals, less the
-- minutes after; joined here, set against set, before the sums hide how
-- many rows there are). A volunteer's minutes fit an integer many times
-- over (no two of their shifts overlap, so they are fewer than the
-- minutes since the programme began: 2^31 minutes are 4,000 years), so
-- they are summed as integers, as bigint (bigints are summed as
-- numeric, a value allocated per group).
CREATE OR REPLACE FUNCTION vp_report_service_each(p_since timestamptz,
    p_from timestamptz, p_to timestamptz, p_scope bigint[], p_live boolean)
RETURNS TABLE (volunteer_id bigint, minutes bigint, shifts bigint,
    minutes_since bigint, minutes_end bigint)
LANGUAGE sql STABLE AS $$
	SELECT s.volunteer_id, sum(s.minutes::integer), sum(s.shifts::integer),
	    sum(s.minutes_since::integer),
	    coalesce(sum(s.minutes_end::integer), coalesce(t.minutes, 0)
		- sum(s.minutes_after::integer))
	FROM vp_report_service(p_since, p_from, p_to, p_scope, p_live) s
	LEFT JOIN volunteer_totals t ON t.volunteer_id = s.volunteer_id
	GROUP BY s.volunteer_id, t.minutes
$$;

-- Per station and volunteer of the scope: the current shifts of the
-- period [p_from, p_to) and their minutes (every record less those
-- replaced by a correction, as in vp_report_service).
CREATE OR REPLACE FUNCTION vp_report_served(p_from timestamptz, p_to timestamptz,
    p_scope bigint[])
RETURNS TABLE (station_id bigint, volunteer_id bigint, shifts bigint,
    minutes bigint)
LANGUAGE sql STABLE AS $$
	WITH every AS (
		SELECT x.* FROM vp_report_scope(p_scope) c
		CROSS JOIN LATERAL (SELECT s.station_id, s.volunteer_id,
		    count(*) AS shifts, sum(s.minutes) AS minutes
		    FROM shifts s
		    WHERE s.community_id = c.id
		    AND s.started_at >= p_from AND s.started_at < p_to
		    GROUP BY s.station_id, s.volunteer_id) x
	), replaced AS (
		SELECT o.station_id, o.volunteer_id, count(*) AS shifts,
		    sum(o.minutes) AS minutes
		FROM shifts k JOIN shifts o ON o.id = k.corrects
		WHERE k.corrects IS NOT NULL
		AND (p_scope IS NULL OR k.community_id = ANY (p_scope))
		AND (p_scope IS NULL OR o.community_id = ANY (p_scope))
		AND o.started_at >= p_from AND o.started_at < p_to
		GROUP BY o.station_id, o.volunteer_id
	)
	SELECT e.station_id, e.volunteer_id, e.shifts - coalesce(r.shifts, 0),
	    e.minutes - coalesce(r.minutes, 0)
	FROM every e LEFT JOIN replaced r
	    ON r.station_id = e.station_id AND r.volunteer_id = e.volunteer_id
	WHERE e.shifts > coalesce(r.shifts, 0)
$$;

-- Per volunteer of the scope with transfers since p_from: points
-- earned and spent in [p_from, p_to), and the net of what moved since
-- p_to (today's balance less it is the balance at p_to). A transfer
-- counts once per side. A volunteer's move to another community
-- ('move-out', 'move-in': their points leave and come back) is neither
-- earned nor spent.
CREATE OR REPLACE FUNCTION vp_report_moves(p_from timestamptz, p_to timestamptz,
    p_scope bigint[])
RETURNS TABLE (volunteer_id bigint, earned numeric, spent numeric,
    later numeric)
LANGUAGE sql STABLE AS $$
	SELECT m.volunteer_id,
	    sum(CASE WHEN m.inflow <> m.reversal THEN m.signed ELSE 0 END)
		FILTER (WHERE m.at < p_to AND NOT m.move),
	    sum(CASE WHEN m.inflow = m.reversal THEN -m.signed ELSE 0 END)
		FILTER (WHERE m.at < p_to AND NOT m.move),
	    sum(m.signed) FILTER (WHERE m.at >= p_to)
	FROM (SELECT v.id AS volunteer_id, coalesce(t.value_at, t.at) AS at,
		true AS inflow, t.cause = 'reversal' AS reversal,
		t.cause IN ('move-out', 'move-in') AS move,
		t.amount AS signed
	    FROM volunteers v
	    JOIN accounts a ON a.volunteer_id = v.id
	    JOIN transfers t ON t.to_account = a.id
	    WHERE (p_scope IS NULL OR v.id = ANY (ARRAY(SELECT e.volunteer_id
		FROM vp_report_members(p_to, p_scope) e)))
	    AND t.at >= p_from - vp_value_lead()
	    AND coalesce(t.value_at, t.at) >= p_from
	    UNION ALL
	    SELECT v.id, coalesce(t.value_at, t.at), false,
		t.cause = 'reversal', t.cause IN ('move-out', 'move-in'),
		-t.amount
	    FROM volunteers v
	    JOIN accounts a ON a.volunteer_id = v.id
	    JOIN transfers t ON t.from_account = a.id
	    WHERE (p_scope IS NULL OR v.id = ANY (ARRAY(SELECT e.volunteer_id
		FROM vp_report_members(p_to, p_scope) e)))
	    AND t.at >= p_from - vp_value_lead()
	    AND coalesce(t.value_at, t.at) >= p_from) m
	GROUP BY m.volunteer_id
$$;

-- How far a transfer's value time may be after its own: a shift may
-- start a minute ahead of the clock (vp_dated), no more; every other
-- value time is at or before the transfer. So the transfers that count
-- from p_from on were all made from p_from less this on (by index).
CREATE OR REPLACE FUNCTION vp_value_lead() RETURNS interval
LANGUAGE sql IMMUTABLE AS $$
	SELECT interval '2 minutes'
$$;

-- How long after its value time a transfer is made for the index of late
-- transfers to hold it (transfers_late, migration 032: its predicate is
-- "at - value_at > interval '168 hours'", the same week, and the tests
-- compare them). A period's transfers made up to this long after its end
-- are read by account and time; those made later, from that index.
CREATE OR REPLACE FUNCTION vp_value_lag() RETURNS interval
LANGUAGE sql IMMUTABLE AS $$
	SELECT interval '168 hours'
$$;

-- The volunteers who had left by p_to: whose last registration or update
-- before it says so. Only those with such an entry at all are looked at
-- (volunteer_history_left holds them); they are few.
CREATE OR REPLACE FUNCTION vp_report_left(p_to timestamptz)
RETURNS TABLE (volunteer_id bigint)
LANGUAGE sql STABLE AS $$
	SELECT x.volunteer_id FROM (
		SELECT DISTINCT ON (h.volunteer_id) h.volunteer_id,
		    h.data ->> 'status' AS status
		FROM volunteer_history h
		WHERE h.action IN ('register', 'update') AND h.at < p_to
		AND h.volunteer_id IN (SELECT l.volunteer_id FROM volunteer_history l
		    WHERE l.action IN ('register', 'update')
		    AND l.data ->> 'status' = 'left' AND l.at < p_to)
		ORDER BY h.volunteer_id, h.id DESC) x
	WHERE x.status = 'left'
$$;

-- The star levels as steps, for vp_stars_in: the thresholds in minutes,
-- ascending, and the stars at each (the most of any level at or below
-- it, which is what vp_stars counts). The levels in force at p_at (the
-- last set before it in star_level_sets), or now when p_at is NULL.
CREATE OR REPLACE FUNCTION vp_star_steps(p_at timestamptz, OUT minutes bigint[],
    OUT stars integer[])
LANGUAGE sql STABLE AS $$
	SELECT array_agg(hours::bigint * 60 ORDER BY hours),
	    array_agg(s ORDER BY hours)
	FROM (SELECT hours, max(stars) OVER (ORDER BY hours) AS s
	    FROM (SELECT l.stars, l.hours FROM star_levels l WHERE p_at IS NULL
		UNION ALL
		SELECT x.n::integer, x.h
		FROM (SELECT z.hours FROM star_level_sets z WHERE z.at < p_at
		    ORDER BY z.at DESC, z.id DESC LIMIT 1) y,
		    unnest(y.hours) WITH ORDINALITY x(h, n)) l) l
$$;

-- The campaign's targets the reports judge by: the share of evaluations
-- scoring 4 or 5, in percent, and how many volunteers each party member
-- is to bring. vp_call sets them from the daemon's configuration
-- (approval_target, recruitment_target); other callers get the defaults.
CREATE OR REPLACE FUNCTION vp_approval_target() RETURNS integer
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN coalesce(nullif(current_setting('vpoints.approval_target', true),
	    '')::integer, 90);
END
$$;

CREATE OR REPLACE FUNCTION vp_recruitment_target() RETURNS integer
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN coalesce(nullif(current_setting('vpoints.recruitment_target',
	    true), '')::integer, 3);
END
$$;

-- A volunteer's row at p_at, as the last registration or update before it
-- recorded it in the history (NULL: none).
CREATE OR REPLACE FUNCTION vp_volunteer_at(p_volunteer bigint, p_at timestamptz)
RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT h.data FROM volunteer_history h
	WHERE h.volunteer_id = p_volunteer
	AND h.action IN ('register', 'update') AND h.at < p_at
	ORDER BY h.id DESC LIMIT 1
$$;

-- A volunteer's name at p_at, for the report of a settled period: as the
-- last registration or update before it says (p_name, the name now, when
-- none does). Called once per row of a report, under the reports'
-- force_custom_plan: as SQL its query is planned once per report, where
-- PL/pgSQL planned it again at every call (60 µs a row of a page).
CREATE OR REPLACE FUNCTION vp_volunteer_name_at(p_volunteer bigint, p_name text,
    p_at timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT h.data ->> 'name' FROM volunteer_history h
	    WHERE h.volunteer_id = p_volunteer
	    AND h.action IN ('register', 'update') AND h.at < p_at
	    ORDER BY h.id DESC LIMIT 1), p_name)
$$;

-- The teams a volunteer was a member of at p_at: of each team, as the last
-- joining or leaving before it in the volunteer's history says; a
-- membership the history never mentions (older than it) as team_members
-- says.
CREATE OR REPLACE FUNCTION vp_teams_at(p_volunteer bigint, p_at timestamptz)
RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
	SELECT t.id FROM (SELECT DISTINCT ON (h.data ->> 'team')
		h.data ->> 'team' AS code, h.action
	    FROM volunteer_history h
	    WHERE h.volunteer_id = p_volunteer
	    AND h.action IN ('team-join', 'team-leave') AND h.at < p_at
	    ORDER BY h.data ->> 'team', h.id DESC) x
	JOIN teams t ON t.code = x.code
	WHERE x.action = 'team-join'
	UNION
	SELECT m.team_id FROM team_members m JOIN teams t ON t.id = m.team_id
	WHERE m.volunteer_id = p_volunteer AND m.joined_at < p_at
	AND NOT EXISTS (SELECT 1 FROM volunteer_history h
	    WHERE h.volunteer_id = p_volunteer
	    AND h.action IN ('team-join', 'team-leave') AND h.data ->> 'team' = t.code)
$$;

-- The units in stock at p_at in a station's catalogue as it was then
-- (the items created before it and not deactivated by it): their stock
-- now, less what came in since, plus what was redeemed since, less what
-- came back by a void since.
CREATE OR REPLACE FUNCTION vp_station_stock_at(p_station bigint, p_at timestamptz)
RETURNS bigint
LANGUAGE sql STABLE AS $$
	WITH items AS (
		SELECT i.id, i.stock FROM catalog_items i
		WHERE i.station_id = p_station AND i.created_at < p_at
		AND NOT EXISTS (SELECT 1 FROM catalog_deactivations d
		    WHERE d.item_id = i.id AND d.at < p_at)
	)
	SELECT (coalesce((SELECT sum(i.stock) FROM items i), 0)
	    - coalesce((SELECT sum(k.quantity) FROM catalog_restocks k
		JOIN items i ON i.id = k.item_id WHERE k.at >= p_at), 0)
	    + coalesce((SELECT sum(r.quantity) FROM redemptions r
		JOIN items i ON i.id = r.item_id
		WHERE r.station_id = p_station AND r.at >= p_at), 0)
	    - coalesce((SELECT sum(r.quantity) FROM redemption_voids z
		JOIN redemptions r ON r.id = z.redemption_id
		JOIN items i ON i.id = r.item_id
		WHERE r.station_id = p_station AND z.at >= p_at), 0))::bigint
$$;

-- vp_stars(p_minutes), given vp_star_steps(): an expression, not a query
-- per volunteer.
CREATE OR REPLACE FUNCTION vp_stars_in(p_minutes bigint, p_step_minutes bigint[],
    p_step_stars integer[]) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(p_step_stars[width_bucket(p_minutes, p_step_minutes)], 0)
$$;

-- Per volunteer of the scope registered by the period's end or with a
-- current shift before it: minutes and shifts of the period, minutes of
-- the year to its end, all minutes before its start and by its end (for
-- stars), points earned and spent in it, and the balance at its end.
CREATE OR REPLACE FUNCTION vp_report_volunteers(p_from timestamptz, p_to timestamptz,
    p_scope bigint[], p_live boolean)
RETURNS TABLE (volunteer_id bigint, number text, name text,
    community_id bigint, community text, minutes bigint, shifts bigint,
    minutes_ytd bigint, minutes_before bigint, minutes_total bigint,
    points_earned numeric, points_spent numeric, balance numeric,
    registered_by_end boolean)
LANGUAGE sql STABLE AS $$
	SELECT v.id, v.number, v.name, c.id, c.code,
	    coalesce(p.minutes, 0), coalesce(p.shifts, 0),
	    coalesce(p.minutes_since, 0), n.total - coalesce(p.minutes, 0),
	    n.total, coalesce(m.earned, 0), coalesce(m.spent, 0),
	    coalesce(a.balance, 0) - coalesce(m.later, 0),
	    v.registered_on < p_to::date
	FROM volunteers v
	LEFT JOIN vp_report_moved(p_to) mv ON mv.volunteer_id = v.id
	JOIN communities c ON c.id = coalesce(mv.community_id, v.community_id)
	LEFT JOIN vp_report_service_each(date_trunc('year', p_from), p_from, p_to,
	    p_scope, p_live) p ON p.volunteer_id = v.id
	-- the total by p_to of a volunteer with no service row: nothing
	-- with a base (they had no minutes by its end, none since), the
	-- running total without (no minutes since p_since, after p_to)
	LEFT JOIN volunteer_totals t ON t.volunteer_id = v.id
	    AND p.volunteer_id IS NULL
	    AND (SELECT b.month FROM vp_report_base(date_trunc('year', p_from),
		p_from, p_live) b) IS NULL
	CROSS JOIN LATERAL (SELECT coalesce(p.minutes_end, t.minutes, 0)
	    AS total) n
	LEFT JOIN accounts a ON a.volunteer_id = v.id
	LEFT JOIN vp_report_moves(p_from, p_to, p_scope) m
	    ON m.volunteer_id = v.id
	WHERE (p_scope IS NULL OR v.id = ANY (ARRAY(SELECT e.volunteer_id
	    FROM vp_report_members(p_to, p_scope) e)))
	AND (v.registered_on < p_to::date OR n.total > 0)
$$;

-- The closed month whose stored rows a report of the period reads
-- (vp_month_store, in months.sql): p_period itself, a monthly one, when
-- its close stored them in the time zone the report is read in; NULL
-- when the report is computed (an open month, a year, a month closed
-- before 023_closed_month_reports, or p_live).
CREATE OR REPLACE FUNCTION vp_report_stored(p_kind text, p_period text,
    p_live boolean) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT m.month FROM month_reports m
	WHERE NOT p_live AND p_kind = 'monthly' AND m.month = p_period
	AND m.timezone = current_setting('timezone')
$$;

-- vp_report_volunteers, or the rows of closed month p_month that its
-- close stored from it (p_month NULL: computed). The name is joined
-- here: a stored row holds none.
CREATE OR REPLACE FUNCTION vp_report_volunteers_of(p_month text,
    p_from timestamptz, p_to timestamptz, p_scope bigint[], p_live boolean)
RETURNS TABLE (volunteer_id bigint, number text, name text,
    community_id bigint, community text, minutes bigint, shifts bigint,
    minutes_ytd bigint, minutes_before bigint, minutes_total bigint,
    points_earned numeric, points_spent numeric, balance numeric,
    registered_by_end boolean)
LANGUAGE sql STABLE AS $$
	SELECT r.volunteer_id, r.number, v.name, r.community_id, c.code,
	    r.minutes, r.shifts, r.minutes_ytd, r.minutes_before,
	    r.minutes_total, r.points_earned, r.points_spent, r.balance,
	    r.registered_by_end
	FROM month_report_volunteers r
	JOIN volunteers v ON v.id = r.volunteer_id
	JOIN communities c ON c.id = r.community_id
	WHERE p_month IS NOT NULL AND r.month = p_month
	AND (p_scope IS NULL OR r.community_id = ANY (p_scope))
	UNION ALL
	SELECT * FROM vp_report_volunteers(p_from, p_to, p_scope, p_live)
	WHERE p_month IS NULL
$$;

-- The communities a report's scope holds: the region's as the tree of
-- regions stood at the period's end p_to (as it is, for a period that
-- has not ended), narrowed to p_community when one is named; the
-- community alone; or NULL, the whole city.
CREATE OR REPLACE FUNCTION vp_report_scope_at(p_community bigint,
    p_region bigint, p_to timestamptz) RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_scope bigint[];
BEGIN
	IF p_region IS NULL THEN
		RETURN CASE WHEN p_community IS NULL THEN NULL
		    ELSE ARRAY[p_community] END;
	END IF;
	v_scope := vp_region_communities(p_region,
	    CASE WHEN p_to > now() THEN NULL ELSE p_to END);
	IF p_community IS NOT NULL THEN
		v_scope := CASE WHEN p_community = ANY (v_scope)
		    THEN ARRAY[p_community] ELSE '{}' END;
	END IF;
	RETURN v_scope;
END
$$;

-- The columns of the volunteer level, in order (vp_report and a page of
-- it, vp_report_page).
CREATE OR REPLACE FUNCTION vp_report_volunteer_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT ARRAY['number', 'name', 'community', 'minutes', 'hours',
	    'minutes_ytd', 'hours_ytd', 'progress', 'shifts', 'points_earned',
	    'points_spent', 'balance', 'stars']
$$;

-- What every report's answer says of itself (vp_report, vp_report_page):
-- its period, level and scope, the time zone and the targets it judges
-- by. The targets of approval and recruitment only where they judge: the
-- community level's report is digested when its month closes, and stays
-- as signed; a region only in a report of a region, for the same reason.
CREATE OR REPLACE FUNCTION vp_report_head(p_kind text, p_period text,
    p_level text, p_community bigint, p_region bigint, p_from timestamptz,
    p_to timestamptz) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('kind', p_kind, 'period', p_period,
	    'level', p_level,
	    'community', (SELECT code FROM communities WHERE id = p_community),
	    'timezone', current_setting('timezone'), 'from', p_from, 'to', p_to,
	    'targets', jsonb_build_object('hours_per_year', 20,
		'registration_share', 0.13)
		|| CASE p_level WHEN 'approval' THEN jsonb_build_object(
		    'approval_share', round(vp_approval_target() / 100.0, 2))
		WHEN 'recruitment' THEN jsonb_build_object(
		    'recruited_per_party_member', vp_recruitment_target())
		ELSE '{}' END)
	    || CASE WHEN p_region IS NULL THEN '{}' ELSE jsonb_build_object(
		'region', (SELECT code FROM regions WHERE id = p_region)) END
$$;

-- The start and end of a report's period: p_kind 'monthly' (p_period
-- YYYY-MM) or 'annual' (YYYY), in the daemon's time zone.
CREATE OR REPLACE FUNCTION vp_report_period(p_kind text, p_period text,
    OUT p_from timestamptz, OUT p_to timestamptz)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF p_kind = 'monthly' THEN
		IF p_period !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
			PERFORM vp_refuse(422, 'invalid-field', '"month" must be YYYY-MM',
			    jsonb_build_object('field', 'month', 'reason', 'format',
			    'format', 'YYYY-MM'));
		END IF;
		p_from := (p_period || '-01')::date::timestamptz;
		p_to := p_from + interval '1 month';
	ELSIF p_kind = 'annual' THEN
		IF p_period !~ '^[0-9]{4}$' THEN
			PERFORM vp_refuse(422, 'invalid-field', '"year" must be YYYY',
			    jsonb_build_object('field', 'year', 'reason', 'format',
			    'format', 'YYYY'));
		END IF;
		p_from := (p_period || '-01-01')::date::timestamptz;
		p_to := p_from + interval '1 year';
	ELSE
		RAISE EXCEPTION 'vp_report: kind %', p_kind;
	END IF;
END
$$;

-- One report as JSON; p_kind 'monthly' (p_period YYYY-MM) or 'annual'
-- (YYYY); p_level volunteer, team, community, station ... or a level of
-- the regions (vp_region_rows; p_region: the subtree of one). Each query is
-- planned for its period and scope (force_custom_plan: one plan for "one
-- community or all" would fit neither); JIT would cost more to compile
-- than it saves.
--
-- A settled period (its last month closed, or a later one: vp_settled_at)
-- reads the ledger as it stood at the close, so that no later write
-- changes it: its records are dated and no record can be dated in it any
-- more (vp_dated); what has no date of its own is read at the close: the
-- communities, teams and stations there were, volunteers' names, team
-- memberships, the star levels and the stock. (Each branch below is
-- decided when the query is planned: open periods read as before.)
--
-- A closed month whose close stored its rows (vp_report_stored) reads
-- them at the volunteer and community levels, the levels of regions
-- (community rows summed up the tree at the period's end) and in the
-- new star levels of every level: the rows the computation gave at the
-- close, which it would give again. p_live computes it all the same.
CREATE OR REPLACE FUNCTION vp_report(p_kind text, p_period text, p_level text,
    p_community bigint, p_region bigint DEFAULT NULL,
    p_live boolean DEFAULT false) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
SET jit = off
AS $$
DECLARE
	v_from timestamptz;
	v_to timestamptz;
	v_year_start timestamptz;
	v_year_share numeric;
	v_rows jsonb;
	v_totals jsonb;
	v_new_stars jsonb;
	v_columns text[];
	v_sum text[];
	v_steps record;
	v_asof timestamptz;
	v_scope bigint[];
	v_members bigint[];
	v_tree_at timestamptz;
	v_depth integer;
	v_stored text;
	v_base text;
BEGIN
	SELECT * INTO v_from, v_to FROM vp_report_period(p_kind, p_period);
	v_asof := vp_settled_at(v_to);
	v_stored := vp_report_stored(p_kind, p_period, p_live);
	v_year_start := date_trunc('year', v_from);
	v_base := (SELECT b.month FROM vp_report_base(v_year_start, v_from,
	    p_live) b);
	v_year_share := extract(epoch FROM v_to - v_year_start)
	    / extract(epoch FROM (v_year_start + interval '1 year') - v_year_start);
	SELECT * INTO v_steps FROM vp_star_steps(v_asof);
	-- The tree of regions as it stood at the period's end (as it is, for
	-- a period that has not ended): the rows of a level of regions, as
	-- vp_report_scope_at reads a region's scope.
	v_tree_at := CASE WHEN v_to > now() THEN NULL ELSE v_to END;
	SELECT depth INTO v_depth FROM region_levels WHERE name = p_level;
	IF p_region IS NOT NULL THEN
		IF v_depth < (SELECT depth FROM regions WHERE id = p_region) THEN
			PERFORM vp_refuse(422, 'invalid-field', format('A report '
			    'of a %s is by %s or a level below it.',
			    vp_level_name((SELECT depth FROM regions
				WHERE id = p_region)), vp_level_name((SELECT depth
				FROM regions WHERE id = p_region))),
			    jsonb_build_object('field', 'level', 'reason',
			    'above-region'));
		END IF;
	END IF;
	v_scope := vp_report_scope_at(p_community, p_region, v_to);
	-- The scope's volunteers as they belonged at the end, read once: a
	-- constant array in each query's plan, which finds its volunteers
	-- by their ids (where "v.id IN (SELECT ... vp_report_members ...)"
	-- read every volunteer of the city and kept the scope's, twice in
	-- a community's report). Every level but the volunteers' uses it
	-- (the community level's service, the new star levels below); a
	-- city's report has no scope and no filter.
	IF v_scope IS NOT NULL AND p_level <> 'volunteer' THEN
		v_members := ARRAY(SELECT e.volunteer_id
		    FROM vp_report_members(v_to, v_scope) e);
	END IF;

	IF p_level = 'volunteer' THEN
		v_columns := vp_report_volunteer_columns();
		v_sum := ARRAY['minutes', 'hours', 'minutes_ytd', 'hours_ytd',
		    'shifts', 'points_earned', 'points_spent', 'balance'];
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'number', r.number, 'name', r.shown_name, 'community', r.community,
		    'minutes', r.minutes, 'hours', vp_hours(r.minutes),
		    'minutes_ytd', r.minutes_ytd, 'hours_ytd', vp_hours(r.minutes_ytd),
		    'progress', round(r.minutes_ytd / 12.0, 2),
		    'shifts', r.shifts,
		    'points_earned', r.points_earned,
		    'points_spent', r.points_spent,
		    'balance', r.balance,
		    'stars', r.stars)
		    ORDER BY r.number), '[]'),
		    -- vp_report_totals' sums, from the columns rather than the
		    -- JSON of every row
		    jsonb_build_object('minutes', coalesce(sum(r.minutes), 0),
			'hours', vp_hours(coalesce(sum(r.minutes), 0)),
			'minutes_ytd', coalesce(sum(r.minutes_ytd), 0),
			'hours_ytd', vp_hours(coalesce(sum(r.minutes_ytd), 0)),
			'shifts', coalesce(sum(r.shifts), 0),
			'points_earned', coalesce(sum(r.points_earned), 0),
			'points_spent', coalesce(sum(r.points_spent), 0),
			'balance', coalesce(sum(r.balance), 0)),
		    coalesce(jsonb_agg(jsonb_build_object(
			'volunteer', r.number, 'name', r.shown_name,
			'community', r.community, 'stars', r.stars,
			'hours', vp_hours(r.minutes_total))
			ORDER BY r.number) FILTER (WHERE r.stars > r.stars_before),
			'[]')
		INTO v_rows, v_totals, v_new_stars
		FROM (SELECT r.*,
		    CASE WHEN v_asof IS NULL THEN r.name ELSE vp_volunteer_name_at(
			r.volunteer_id, r.name, v_asof) END AS shown_name,
		    vp_stars_in(r.minutes_total, v_steps.minutes, v_steps.stars)
			AS stars,
		    vp_stars_in(r.minutes_before, v_steps.minutes, v_steps.stars)
			AS stars_before
		    FROM vp_report_volunteers_of(v_stored, v_from, v_to, v_scope,
			p_live) r) r;
	ELSIF (p_level = 'community' OR v_depth IS NOT NULL)
	    AND v_stored IS NOT NULL THEN
		-- The close's rows of the communities of the scope; the
		-- new star levels from its volunteers' rows, below.
		SELECT coalesce(jsonb_agg(s.row ORDER BY c.code), '[]')
		INTO v_rows
		FROM month_report_communities s
		JOIN communities c ON c.id = s.community_id
		WHERE s.month = v_stored
		AND (v_scope IS NULL OR s.community_id = ANY (v_scope));
	ELSIF p_level = 'community' OR v_depth IS NOT NULL THEN
		-- Only registered volunteers count, and only those who served
		-- are active: no need to know who else belongs to the report.
		WITH service AS MATERIALIZED (
			SELECT * FROM vp_report_service(v_year_start, v_from, v_to,
			    v_scope, p_live)
		), each AS (
			-- Each volunteer's service, wherever it was, summed as
			-- integers (vp_report_service_each says why).
			SELECT s.volunteer_id, sum(s.minutes::integer) AS minutes,
			    sum(s.minutes_since::integer) AS minutes_since,
			    sum(s.minutes_after::integer) AS minutes_after,
			    sum(s.minutes_end::integer) AS minutes_end
			FROM service s GROUP BY s.volunteer_id
		), people AS (
			-- The scope's volunteers: where they belonged at the
			-- period's end, whether registered by then and not left,
			-- and their service.
			SELECT v.id, v.number, v.name,
			    coalesce(mv.community_id, v.community_id) AS community_id,
			    v.registered_on < v_to::date AND l.volunteer_id IS NULL
				AS registered,
			    s.minutes, s.minutes_since, s.minutes_after, s.minutes_end
			FROM volunteers v
			LEFT JOIN vp_report_moved(v_to) mv ON mv.volunteer_id = v.id
			LEFT JOIN vp_report_left(v_to) l ON l.volunteer_id = v.id
			LEFT JOIN each s ON s.volunteer_id = v.id
			WHERE (v_scope IS NULL OR v.id = ANY (v_members))
		), by_community AS (
			-- Per community, in one pass over its volunteers (a
			-- materialized list of them read twice cost 35 ms of a
			-- city's 350): the registered by the period's end and
			-- not left by then, those on track, and the new star
			-- levels, as at the end, from this service: the totals by
			-- the end from the base, or the running totals of those
			-- who served less what they served after. Unordered here
			-- (an aggregate with ORDER BY groups by sorting every
			-- volunteer); ordered by number below.
			SELECT p.community_id,
			    count(*) FILTER (WHERE p.registered) AS registered,
			    count(*) FILTER (WHERE p.registered
				AND coalesce(p.minutes_since, 0)
				>= 1200 * v_year_share) AS on_track,
			    jsonb_agg(jsonb_build_object(
				'volunteer', p.number, 'name', CASE WHEN v_asof IS NULL
				THEN p.name ELSE vp_volunteer_name_at(p.id, p.name,
				    v_asof) END,
				'stars', x.stars, 'hours', vp_hours(x.total)))
				FILTER (WHERE p.minutes > 0
				AND x.stars > x.stars_before) AS new_stars
			FROM people p
			LEFT JOIN volunteer_totals t ON t.volunteer_id = p.id
			    AND v_base IS NULL
			CROSS JOIN LATERAL (SELECT coalesce(p.minutes_end,
			    coalesce(t.minutes, 0) - p.minutes_after) AS total) n
			CROSS JOIN LATERAL (SELECT n.total,
			    vp_stars_in(n.total, v_steps.minutes, v_steps.stars) AS stars,
			    vp_stars_in(n.total - p.minutes, v_steps.minutes,
				v_steps.stars) AS stars_before) x
			GROUP BY 1
		), served AS (
			-- Rows without a current shift of the period (a base's,
			-- the year's before it) have no minutes of it either.
			SELECT s.community_id, count(*) AS active,
			    sum(s.minutes) AS minutes
			FROM service s WHERE s.shifts > 0 GROUP BY s.community_id
		), late AS (
			-- The transfers valued in the period but made more than
			-- vp_value_lag() after its end (a shift recorded late;
			-- few), from their own index, by account.
			SELECT x.account, sum(x.outflow) AS outflow,
			    sum(x.inflow) AS inflow
			FROM transfers t
			CROSS JOIN LATERAL (VALUES (t.from_account, t.amount, 0),
			    (t.to_account, 0, t.amount)) x(account, outflow, inflow)
			WHERE t.at - t.value_at > vp_value_lag()
			AND t.value_at >= v_from AND t.value_at < v_to
			AND t.at >= v_to + vp_value_lag()
			AND t.cause NOT IN ('move-out', 'move-in')
			GROUP BY x.account
		), ledger AS (
			-- Points issued (out of the issuance account, less what
			-- came back) and redeemed (into the station accounts, less
			-- voids): each account's transfers of the period, those
			-- made up to vp_value_lag() after it by account and time,
			-- and the later ones. A volunteer's points that moved
			-- with them to another community were issued where they
			-- were earned: the move's transfers are no issuance.
			SELECT a.community_id,
			    sum(x.outflow - x.inflow) FILTER (WHERE a.kind = 'issuance')
				AS issued,
			    sum(x.inflow - x.outflow) FILTER (WHERE a.kind = 'station')
				AS redeemed
			FROM accounts a
			LEFT JOIN late l ON l.account = a.id
			CROSS JOIN LATERAL (SELECT
			    coalesce((SELECT sum(t.amount) FROM transfers t
				WHERE t.from_account = a.id
				AND t.at >= v_from - vp_value_lead()
				AND t.at < v_to + vp_value_lag()
				AND coalesce(t.value_at, t.at) >= v_from
				AND coalesce(t.value_at, t.at) < v_to
				AND t.cause NOT IN ('move-out', 'move-in')), 0)
				+ coalesce(l.outflow, 0) AS outflow,
			    coalesce((SELECT sum(t.amount) FROM transfers t
				WHERE t.to_account = a.id
				AND t.at >= v_from - vp_value_lead()
				AND t.at < v_to + vp_value_lag()
				AND coalesce(t.value_at, t.at) >= v_from
				AND coalesce(t.value_at, t.at) < v_to
				AND t.cause NOT IN ('move-out', 'move-in')), 0)
				+ coalesce(l.inflow, 0) AS inflow) x
			WHERE a.kind IN ('issuance', 'station')
			AND (v_scope IS NULL OR a.community_id = ANY (v_scope))
			GROUP BY a.community_id
		), gifts AS (
			SELECT d.community_id, sum(d.quantity) AS gifts
			FROM redemptions d
			WHERE d.at >= v_from AND d.at < v_to
			AND (v_scope IS NULL OR d.community_id = ANY (v_scope))
			AND NOT EXISTS (SELECT 1 FROM redemption_voids z
			    WHERE z.redemption_id = d.id)
			GROUP BY d.community_id
		), help AS (
			SELECT h.community_id, count(*) AS completed
			FROM help_requests h
			WHERE h.status = 'completed'
			AND h.resolved_at >= v_from AND h.resolved_at < v_to
			AND (v_scope IS NULL OR h.community_id = ANY (v_scope))
			GROUP BY h.community_id
		)
		SELECT (SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'code', c.code, 'name', c.name, 'population', c.population,
		    'registered', x.registered,
		    'registration_share', round(100.0 * x.registered / c.population, 2),
		    'share_target_met', 100.0 * x.registered / c.population >= 13,
		    'active', x.active, 'minutes', x.minutes,
		    'hours', vp_hours(x.minutes),
		    'average_hours', CASE WHEN x.registered = 0 THEN 0.00
			ELSE round(x.minutes / 60.0 / x.registered, 2) END,
		    'on_track', x.on_track,
		    'points_issued', coalesce(l.issued, 0),
		    'points_redeemed', coalesce(l.redeemed, 0),
		    'gifts', coalesce(g.gifts, 0),
		    'help_completed', coalesce(h.completed, 0))
		    ORDER BY c.code), '[]')
		    FROM vp_report_scope(v_scope) c
		    LEFT JOIN by_community r ON r.community_id = c.id
		    LEFT JOIN served s ON s.community_id = c.id
		    CROSS JOIN LATERAL (SELECT coalesce(r.registered, 0) AS registered,
			coalesce(s.active, 0) AS active,
			coalesce(s.minutes, 0) AS minutes,
			coalesce(r.on_track, 0) AS on_track) x
		    LEFT JOIN ledger l ON l.community_id = c.id
		    LEFT JOIN gifts g ON g.community_id = c.id
		    LEFT JOIN help h ON h.community_id = c.id
		    WHERE v_asof IS NULL OR c.created_at < v_asof),
		    -- the new star levels of every community of the scope
		    (SELECT coalesce(jsonb_agg(e || jsonb_build_object('community',
			c.code) ORDER BY e ->> 'volunteer'), '[]')
		    FROM by_community r JOIN communities c ON c.id = r.community_id
		    CROSS JOIN LATERAL jsonb_array_elements(r.new_stars) e)
		INTO v_rows, v_new_stars;
	ELSIF p_level = 'team' THEN
		v_columns := ARRAY['code', 'name', 'kind', 'community', 'volunteers',
		    'shifts', 'minutes', 'hours'];
		v_sum := ARRAY['volunteers', 'shifts', 'minutes', 'hours'];
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'code', t.code, 'name', t.name, 'kind', t.kind,
		    'community', c.code,
		    'volunteers', coalesce(x.volunteers, 0),
		    'shifts', coalesce(x.shifts, 0),
		    'minutes', coalesce(x.minutes, 0), 'hours', vp_hours(x.minutes))
		    ORDER BY t.code), '[]') INTO v_rows
		FROM teams t
		LEFT JOIN communities c ON c.id = t.community_id
		LEFT JOIN (
			-- Each member who served counts once per team, with all
			-- their shifts.
			SELECT m.team_id, count(*) AS volunteers,
			    sum(p.shifts) AS shifts, sum(p.minutes) AS minutes
			FROM (SELECT s.volunteer_id, sum(s.shifts) AS shifts,
				sum(s.minutes) AS minutes
			    FROM vp_report_served(v_from, v_to, v_scope) s
			    GROUP BY s.volunteer_id) p
			CROSS JOIN LATERAL (SELECT tm.team_id FROM team_members tm
			    WHERE v_asof IS NULL AND tm.volunteer_id = p.volunteer_id
			    UNION ALL
			    SELECT a.team_id FROM vp_teams_at(p.volunteer_id, v_asof) a(team_id)
			    WHERE v_asof IS NOT NULL) m
			GROUP BY m.team_id
		) x ON x.team_id = t.id
		WHERE (v_scope IS NULL OR t.community_id IS NULL
		    OR t.community_id = ANY (v_scope))
		AND (v_asof IS NULL OR t.created_at < v_asof);
	ELSIF p_level = 'station' THEN
		v_columns := ARRAY['code', 'name', 'community', 'volunteers', 'shifts',
		    'minutes', 'hours', 'redemptions', 'points_redeemed', 'stock'];
		v_sum := ARRAY['volunteers', 'shifts', 'minutes', 'hours',
		    'redemptions', 'points_redeemed', 'stock'];
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'code', st.code, 'name', st.name, 'community', c.code,
		    'volunteers', coalesce(x.volunteers, 0),
		    'shifts', coalesce(x.shifts, 0),
		    'minutes', coalesce(x.minutes, 0), 'hours', vp_hours(x.minutes),
		    'redemptions', y.redemptions, 'points_redeemed', y.points,
		    'stock', CASE WHEN v_asof IS NULL
			THEN (SELECT coalesce(sum(i.stock), 0) FROM catalog_items i
			    WHERE i.station_id = st.id AND i.active)
			ELSE vp_station_stock_at(st.id, v_asof) END)
		    ORDER BY st.code), '[]') INTO v_rows
		FROM stations st
		JOIN communities c ON c.id = st.community_id
		LEFT JOIN (
			SELECT s.station_id, count(*) AS volunteers,
			    sum(s.shifts) AS shifts, sum(s.minutes) AS minutes
			FROM vp_report_served(v_from, v_to, v_scope) s
			GROUP BY s.station_id
		) x ON x.station_id = st.id
		JOIN LATERAL (
			SELECT count(*) AS redemptions, coalesce(sum(d.points), 0) AS points
			FROM redemptions d WHERE d.station_id = st.id
			AND d.at >= v_from AND d.at < v_to
			AND NOT EXISTS (SELECT 1 FROM redemption_voids z
			    WHERE z.redemption_id = d.id)
		) y ON true
		WHERE (v_scope IS NULL OR st.community_id = ANY (v_scope))
		AND (v_asof IS NULL OR st.created_at < v_asof);
	ELSIF p_level = 'training' THEN
		-- Training is never service: its own rows, from trainings and
		-- attendance only (dated by the training: vp_dated).
		v_columns := ARRAY['number', 'name', 'community', 'sessions',
		    'minutes', 'hours'];
		v_sum := ARRAY['sessions', 'minutes', 'hours'];
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'number', v.number, 'name', CASE WHEN v_asof IS NULL THEN v.name
			ELSE vp_volunteer_name_at(v.id, v.name, v_asof) END,
		    'community', c.code, 'sessions', x.sessions,
		    'minutes', x.minutes, 'hours', vp_hours(x.minutes))
		    ORDER BY v.number), '[]') INTO v_rows
		FROM (SELECT a.volunteer_id, count(*) AS sessions,
			sum(t.minutes) AS minutes
		    FROM trainings t
		    JOIN training_attendance a ON a.training_id = t.id
		    WHERE t.held_on >= v_from::date AND t.held_on < v_to::date
		    AND (v_scope IS NULL OR t.community_id = ANY (v_scope))
		    AND (v_asof IS NULL OR a.at < v_asof)
		    GROUP BY a.volunteer_id) x
		JOIN volunteers v ON v.id = x.volunteer_id
		JOIN communities c
		    ON c.id = vp_volunteer_community_at(v.id, v_to);
	ELSIF p_level = 'approval' THEN
		-- Evaluations count in the period they were recorded in; a
		-- reversed one counts nowhere (its reversal is dated by it:
		-- vp_dated).
		v_columns := ARRAY['community', 'activity', 'evaluations',
		    'approving', 'approval_share', 'target_met'];
		v_sum := ARRAY['evaluations', 'approving'];
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'community', c.code, 'activity', a.code,
		    'evaluations', x.evaluations, 'approving', x.approving,
		    'approval_share', round(100.0 * x.approving / x.evaluations, 2),
		    'target_met', 100.0 * x.approving / x.evaluations
			>= vp_approval_target())
		    ORDER BY c.code, a.code), '[]') INTO v_rows
		FROM (SELECT e.community_id, e.activity_id, count(*) AS evaluations,
			count(*) FILTER (WHERE e.score >= 4) AS approving
		    FROM evaluations e
		    WHERE e.at >= v_from AND e.at < v_to
		    AND (v_scope IS NULL OR e.community_id = ANY (v_scope))
		    AND (v_asof IS NULL OR e.at < v_asof)
		    AND NOT EXISTS (SELECT 1 FROM evaluation_reversals r
			WHERE r.evaluation_id = e.id
			AND (v_asof IS NULL OR r.at < v_asof))
		    GROUP BY e.community_id, e.activity_id) x
		JOIN communities c ON c.id = x.community_id
		JOIN activities a ON a.id = x.activity_id;
		v_totals := vp_report_totals(v_rows, v_sum);
		v_totals := v_totals || jsonb_build_object('approval_share',
		    CASE WHEN (v_totals ->> 'evaluations')::numeric = 0 THEN NULL
		    ELSE round(100.0 * (v_totals ->> 'approving')::numeric
			/ (v_totals ->> 'evaluations')::numeric, 2) END);
	ELSIF p_level = 'recruitment' THEN
		-- Every party member of the scope (registered by the period's
		-- end), with the volunteers they brought: registered by the
		-- period's end and not left by then, and of those the ones who
		-- served in the period. (Party membership and who recruited
		-- whom are read as they are now, or, for a settled period, as
		-- the volunteers' history had them at the close.)
		v_columns := ARRAY['number', 'name', 'community', 'teams',
		    'recruited', 'active', 'target_met'];
		v_sum := ARRAY['recruited', 'active'];
		WITH people AS MATERIALIZED (
			SELECT v.id, v.number, v.name,
			    coalesce(mv.community_id, v.community_id) AS community_id,
			    CASE WHEN v_asof IS NULL THEN v.party_member
				ELSE (vp_volunteer_at(v.id, v_asof) ->> 'party_member')::boolean
				END AS party_member,
			    CASE WHEN v_asof IS NULL THEN v.recruited_by
				ELSE (vp_volunteer_at(v.id, v_asof) ->> 'recruited_by')::bigint
				END AS recruited_by
			FROM volunteers v
			LEFT JOIN vp_report_moved(v_to) mv ON mv.volunteer_id = v.id
			WHERE (v.party_member OR v.recruited_by IS NOT NULL
			    OR v_asof IS NOT NULL)
			AND v.registered_on < v_to::date
			AND NOT EXISTS (SELECT 1 FROM vp_report_left(v_to) l
			    WHERE l.volunteer_id = v.id)
		), brought AS (
			SELECT p.recruited_by AS member, count(*) AS recruited,
			    count(*) FILTER (WHERE EXISTS (SELECT 1 FROM shifts s
				WHERE s.volunteer_id = p.id
				AND s.started_at >= v_from AND s.started_at < v_to
				AND NOT EXISTS (SELECT 1 FROM shifts k
				    WHERE k.corrects = s.id))) AS active
			FROM people p WHERE p.recruited_by IS NOT NULL
			GROUP BY p.recruited_by
		)
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'number', m.number, 'name', CASE WHEN v_asof IS NULL THEN m.name
			ELSE vp_volunteer_name_at(m.id, m.name, v_asof) END,
		    'community', c.code,
		    'teams', (SELECT coalesce(string_agg(t.code, ' ' ORDER BY t.code), '')
			FROM teams t WHERE t.id IN (SELECT tm.team_id FROM team_members tm
			    WHERE v_asof IS NULL AND tm.volunteer_id = m.id
			    UNION ALL
			    SELECT a.team_id FROM vp_teams_at(m.id, v_asof) a(team_id)
			    WHERE v_asof IS NOT NULL)),
		    'recruited', coalesce(b.recruited, 0),
		    'active', coalesce(b.active, 0),
		    'target_met', coalesce(b.recruited, 0) >= vp_recruitment_target())
		    ORDER BY c.code, m.number), '[]') INTO v_rows
		FROM people m
		JOIN communities c ON c.id = m.community_id
		LEFT JOIN brought b ON b.member = m.id
		WHERE m.party_member
		AND (v_scope IS NULL OR m.community_id = ANY (v_scope));
		v_totals := vp_report_totals(v_rows, v_sum) || jsonb_build_object(
		    'party_members', jsonb_array_length(v_rows),
		    'target_met', (SELECT count(*) FROM jsonb_array_elements(v_rows) r
			WHERE (r ->> 'target_met')::boolean));
	ELSE
		PERFORM vp_refuse(422, 'invalid-field', '"level" must be '
		    'volunteer, team, community, station, training, approval '
		    'or recruitment, or a level of the regions',
		    jsonb_build_object('field', 'level', 'reason', 'choice',
		    'choices', jsonb_build_array('volunteer', 'team', 'community',
		    'station', 'training', 'approval', 'recruitment')
		    || (SELECT coalesce(jsonb_agg(l.name ORDER BY l.depth), '[]')
			FROM region_levels l)));
	END IF;

	IF p_level = 'community' OR v_depth IS NOT NULL THEN
		-- The community level's columns, and a level of regions made
		-- of its rows, stored or computed.
		v_columns := ARRAY['code', 'name', 'population', 'registered',
		    'registration_share', 'share_target_met', 'active', 'minutes',
		    'hours', 'average_hours', 'on_track', 'points_issued',
		    'points_redeemed', 'gifts', 'help_completed'];
		v_sum := ARRAY['population', 'registered', 'active', 'minutes',
		    'hours', 'on_track', 'points_issued', 'points_redeemed',
		    'gifts', 'help_completed'];
		IF v_depth IS NOT NULL THEN
			-- A level of regions: each the sum of its communities'
			-- rows (vp_region_rows), so that every level adds up.
			v_rows := vp_region_rows(v_rows, v_depth, v_tree_at, p_region);
			v_columns := ARRAY['code', 'name', 'parent', 'communities']
			    || v_columns[3:];
			v_sum := v_sum || ARRAY['communities'];
		END IF;
	END IF;

	IF v_new_stars IS NULL THEN
		-- Only those who served in the period can cross a threshold in
		-- it; by its end they had the running total less what they
		-- served after it. (The community level does the same with the
		-- service it has read already; a stored month's close marked
		-- those who crossed one, by the same levels.)
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'volunteer', v.number, 'name', CASE WHEN v_asof IS NULL
			THEN v.name ELSE vp_volunteer_name_at(v.id, v.name, v_asof) END,
		    'community', c.code,
		    'stars', x.stars, 'hours', vp_hours(x.total))
		    ORDER BY v.number), '[]') INTO v_new_stars
		FROM (SELECT p.volunteer_id, p.minutes, p.minutes_end AS total
		    FROM vp_report_service_each(v_from, v_from, v_to, v_scope,
			p_live) p
		    WHERE v_stored IS NULL
		    UNION ALL
		    SELECT r.volunteer_id, r.minutes, r.minutes_total
		    FROM month_report_volunteers r
		    WHERE r.month = v_stored AND r.new_stars
		    AND (v_scope IS NULL OR r.community_id = ANY (v_scope))) p
		CROSS JOIN LATERAL (SELECT p.total,
		    vp_stars_in(p.total, v_steps.minutes, v_steps.stars) AS stars,
		    vp_stars_in(p.total - p.minutes, v_steps.minutes,
			v_steps.stars) AS stars_before) x
		JOIN volunteers v ON v.id = p.volunteer_id
		LEFT JOIN vp_report_moved(v_to) mv ON mv.volunteer_id = v.id
		JOIN communities c ON c.id = coalesce(mv.community_id, v.community_id)
		WHERE p.minutes > 0 AND x.stars > x.stars_before
		AND (v_scope IS NULL OR v.id = ANY (v_members));
	END IF;

	RETURN vp_report_head(p_kind, p_period, p_level, p_community,
	    p_region, v_from, v_to)
	    || jsonb_build_object('columns', to_jsonb(v_columns),
	    'rows', v_rows,
	    'totals', coalesce(v_totals, vp_report_totals(v_rows, v_sum)),
	    'new_star_levels', v_new_stars);
END
$$;

-- The scope of a report a caller asks for: the community named (or a
-- station's own), and the region named (or an office's own, when it
-- names no community). vp_report takes the region's communities as they
-- were at the period's end.
CREATE OR REPLACE FUNCTION vp_report_for(caller vp_caller, args jsonb,
    OUT community bigint, OUT region bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF args ? 'community' OR caller.role = 'station' THEN
		community := vp_community_for(caller, args);
	END IF;
	IF args ? 'region' THEN
		region := (vp_region_get(vp_code(args, 'region'), 422)).id;
		PERFORM vp_require_region(caller, region, false);
	ELSIF caller.role = 'office' AND community IS NULL THEN
		region := caller.region_id;
	END IF;
END
$$;

-- A page of the volunteer level (limit=N[&after=NUMBER]): the rows of the
-- scope's volunteers numbered after p_after (from the first when NULL),
-- at most p_limit, in the report's order, and "next": the number of its
-- last row when more follow, null on the last page. Its rows are those
-- of vp_report's volunteer level, figure for figure, but each is read
-- from its own volunteer's records by index (the shifts since 1 January
-- of the period's year, or since the end of a closed month whose close
-- stored each volunteer's year to it (vp_report_base) and that row; the
-- account's transfers since the period's start, the account, the
-- running total), so a page costs O(p_limit × one volunteer's records
-- of the year) whatever the size of the city.
-- A page has no totals and no new star levels: p_limit 0 gives those of
-- the whole report and no rows, at the cost of the whole volunteer level
-- less its rows' JSON. A closed month whose close stored its rows
-- (vp_report_stored) reads them instead, a page by index on (month,
-- number); p_live computes it all the same.
CREATE OR REPLACE FUNCTION vp_report_page(p_kind text, p_period text,
    p_community bigint, p_region bigint, p_after text, p_limit integer,
    p_live boolean DEFAULT false)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
SET jit = off
AS $$
DECLARE
	v_from timestamptz;
	v_to timestamptz;
	v_asof timestamptz;
	v_steps record;
	v_rows jsonb := '[]';
	v_next text;
	v_totals jsonb;
	v_new_stars jsonb;
	v_scope bigint[];
	v_stored text;
	v_base text;
	v_since timestamptz;
BEGIN
	SELECT * INTO v_from, v_to FROM vp_report_period(p_kind, p_period);
	v_scope := vp_report_scope_at(p_community, p_region, v_to);
	v_asof := vp_settled_at(v_to);
	v_stored := vp_report_stored(p_kind, p_period, p_live);
	SELECT * INTO v_base, v_since
	FROM vp_report_base(date_trunc('year', v_from), v_from, p_live);
	SELECT * INTO v_steps FROM vp_star_steps(v_asof);
	IF p_limit > 0 THEN
		WITH live AS (
			-- by number, each volunteer's service until one more
			-- row than the page (which says whether more follow)
			SELECT v.id, v.number, v.name,
			    coalesce(mv.community_id, v.community_id) AS community_id,
			    p.minutes,
			    p.shifts, p.minutes_ytd + coalesce(b.minutes_ytd, 0)
				AS minutes_ytd,
			    n.total AS minutes_total,
			    a.id AS account_id, a.balance,
			    row_number() OVER (ORDER BY v.number) AS n
			FROM volunteers v
			-- where each belonged at the period's end (a move since)
			LEFT JOIN vp_report_moved(v_to) mv ON mv.volunteer_id = v.id
			-- the running total, without a base
			LEFT JOIN volunteer_totals t ON t.volunteer_id = v.id
			    AND v_base IS NULL
			LEFT JOIN accounts a ON a.volunteer_id = v.id
			-- the year and all minutes to a closed month's end
			-- (vp_report_base)
			LEFT JOIN month_report_volunteers b ON b.month = v_base
			    AND b.number = v.number
			CROSS JOIN LATERAL (SELECT
			    coalesce(sum(s.minutes) FILTER (WHERE s.started_at >= v_from
				AND s.started_at < v_to), 0) AS minutes,
			    count(*) FILTER (WHERE s.started_at >= v_from
				AND s.started_at < v_to) AS shifts,
			    coalesce(sum(s.minutes) FILTER (WHERE s.started_at < v_to),
				0) AS minutes_ytd,
			    coalesce(sum(s.minutes) FILTER (WHERE s.started_at >= v_to),
				0) AS minutes_after
			    FROM shifts s
			    WHERE s.volunteer_id = v.id
			    AND s.started_at >= v_since
			    -- with a base, none after the period (as
			    -- vp_report_service)
			    AND (v_base IS NULL OR s.started_at < v_to)
			    -- the scope's records; a moved volunteer's everywhere
			    AND (v_scope IS NULL OR s.community_id = ANY (v_scope)
				OR EXISTS (SELECT 1 FROM volunteer_moves vm
				WHERE vm.volunteer_id = v.id
				AND (vm.from_community = ANY (v_scope)
				    OR vm.to_community = ANY (v_scope))))
			    AND NOT EXISTS (SELECT 1 FROM shifts k
				WHERE k.corrects = s.id)) p
			-- all their minutes by the period's end: the base's
			-- and since, or the running total less those after
			CROSS JOIN LATERAL (SELECT CASE WHEN v_base IS NULL
			    THEN coalesce(t.minutes, 0) - p.minutes_after
			    ELSE coalesce(b.minutes_total, 0) + p.minutes_ytd
			    END AS total) n
			WHERE v_stored IS NULL
			AND (v_scope IS NULL OR v.id IN (SELECT e.volunteer_id
			    FROM vp_report_members(v_to, v_scope) e))
			AND (p_after IS NULL OR v.number > p_after)
			AND (v.registered_on < v_to::date OR n.total > 0)
			ORDER BY v.number LIMIT p_limit + 1
		), page AS (
			SELECT r.id, r.number, r.name, r.community_id, r.minutes,
			    r.shifts, r.minutes_ytd, r.minutes_total,
			    coalesce(m.earned, 0) AS points_earned,
			    coalesce(m.spent, 0) AS points_spent,
			    coalesce(r.balance, 0) - coalesce(m.later, 0) AS balance,
			    r.n
			FROM live r
			-- the account's moves, as vp_report_moves counts them
			LEFT JOIN LATERAL (SELECT
			    sum(CASE WHEN m.inflow <> m.reversal THEN m.signed ELSE 0 END)
				FILTER (WHERE m.at < v_to AND NOT m.move) AS earned,
			    sum(CASE WHEN m.inflow = m.reversal THEN -m.signed ELSE 0 END)
				FILTER (WHERE m.at < v_to AND NOT m.move) AS spent,
			    sum(m.signed) FILTER (WHERE m.at >= v_to) AS later
			    FROM (SELECT coalesce(t.value_at, t.at) AS at, true AS inflow,
				t.cause = 'reversal' AS reversal,
				t.cause IN ('move-out', 'move-in') AS move, t.amount AS signed
				FROM transfers t WHERE t.to_account = r.account_id
				AND t.at >= v_from - vp_value_lead()
				AND coalesce(t.value_at, t.at) >= v_from
				UNION ALL
				SELECT coalesce(t.value_at, t.at), false,
				t.cause = 'reversal', t.cause IN ('move-out', 'move-in'),
				-t.amount
				FROM transfers t WHERE t.from_account = r.account_id
				AND t.at >= v_from - vp_value_lead()
				AND coalesce(t.value_at, t.at) >= v_from) m) m ON true
			UNION ALL
			-- the close's rows, by index on (month, number)
			SELECT r.volunteer_id, r.number, (SELECT v.name
				FROM volunteers v WHERE v.id = r.volunteer_id),
			    r.community_id, r.minutes, r.shifts, r.minutes_ytd,
			    r.minutes_total, r.points_earned, r.points_spent,
			    r.balance, row_number() OVER (ORDER BY r.number)
			FROM (SELECT * FROM month_report_volunteers r
			    WHERE r.month = v_stored
			    AND (v_scope IS NULL OR r.community_id = ANY (v_scope))
			    AND (p_after IS NULL OR r.number > p_after)
			    ORDER BY r.number LIMIT p_limit + 1) r
		)
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'number', r.number, 'name', CASE WHEN v_asof IS NULL THEN r.name
			ELSE vp_volunteer_name_at(r.id, r.name, v_asof) END,
		    'community', c.code,
		    'minutes', r.minutes, 'hours', vp_hours(r.minutes),
		    'minutes_ytd', r.minutes_ytd, 'hours_ytd', vp_hours(r.minutes_ytd),
		    'progress', round(r.minutes_ytd / 12.0, 2),
		    'shifts', r.shifts,
		    'points_earned', r.points_earned,
		    'points_spent', r.points_spent,
		    'balance', r.balance,
		    'stars', vp_stars_in(r.minutes_total, v_steps.minutes,
			v_steps.stars))
		    ORDER BY r.number) FILTER (WHERE r.n <= p_limit), '[]'),
		    CASE WHEN count(*) > p_limit THEN max(r.number)
			FILTER (WHERE r.n = p_limit) END
		INTO v_rows, v_next
		FROM page r
		JOIN communities c ON c.id = r.community_id;
	ELSE
		-- vp_report's totals and new star levels of the volunteer
		-- level, without its rows
		SELECT jsonb_build_object('minutes', coalesce(sum(r.minutes), 0),
			'hours', vp_hours(coalesce(sum(r.minutes), 0)),
			'minutes_ytd', coalesce(sum(r.minutes_ytd), 0),
			'hours_ytd', vp_hours(coalesce(sum(r.minutes_ytd), 0)),
			'shifts', coalesce(sum(r.shifts), 0),
			'points_earned', coalesce(sum(r.points_earned), 0),
			'points_spent', coalesce(sum(r.points_spent), 0),
			'balance', coalesce(sum(r.balance), 0)),
		    coalesce(jsonb_agg(jsonb_build_object(
			'volunteer', r.number, 'name', CASE WHEN v_asof IS NULL
			THEN r.name ELSE vp_volunteer_name_at(r.volunteer_id,
			r.name, v_asof) END,
			'community', r.community, 'stars', r.stars,
			'hours', vp_hours(r.minutes_total))
			ORDER BY r.number) FILTER (WHERE r.stars > r.stars_before),
			'[]')
		INTO v_totals, v_new_stars
		FROM (SELECT r.*,
		    vp_stars_in(r.minutes_total, v_steps.minutes, v_steps.stars)
			AS stars,
		    vp_stars_in(r.minutes_before, v_steps.minutes, v_steps.stars)
			AS stars_before
		    FROM vp_report_volunteers_of(v_stored, v_from, v_to, v_scope,
			p_live) r) r;
	END IF;
	-- vp_report's answer, with the page's rows
	RETURN vp_report_head(p_kind, p_period, 'volunteer', p_community,
	    p_region, v_from, v_to)
	    || jsonb_build_object('columns',
		to_jsonb(vp_report_volunteer_columns()), 'rows', v_rows,
		'next', v_next)
	    || CASE WHEN p_limit = 0 THEN jsonb_build_object('totals', v_totals,
		'new_star_levels', v_new_stars) ELSE '{}' END;
END
$$;

-- A report or, with limit (and after), a page of its volunteer level.
CREATE OR REPLACE FUNCTION vp_report_args(p_kind text, p_period text,
    caller vp_caller, args jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_level text := vp_text(args, 'level', 16);
	v_limit integer;
	v_community bigint;
	v_region bigint;
BEGIN
	SELECT * INTO v_community, v_region FROM vp_report_for(caller, args);
	IF args ->> 'limit' IS NULL AND args ->> 'after' IS NULL THEN
		RETURN vp_report(p_kind, p_period, v_level, v_community,
		    v_region);
	END IF;
	IF v_level <> 'volunteer' THEN
		PERFORM vp_refuse(422, 'invalid-field', '"limit" and "after" page '
		    'the volunteer level only',
		    jsonb_build_object('field', 'level', 'reason', 'choice',
		    'choices', jsonb_build_array('volunteer')));
	END IF;
	IF args ->> 'limit' IS NULL THEN
		PERFORM vp_refuse(422, 'invalid-field', '"after" needs "limit"',
		    jsonb_build_object('field', 'after', 'reason', 'needs',
		    'needs', 'limit'));
	END IF;
	-- (as vp_limit, but 0 asks for the totals only)
	IF args ->> 'limit' ~ '^[0-9]{1,5}$' THEN
		v_limit := (args ->> 'limit')::integer;
	END IF;
	IF v_limit IS NULL OR v_limit > 10000 THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"limit" must be from 0 to 10000',
		    jsonb_build_object('field', 'limit', 'reason', 'range',
		    'min', 0, 'max', 10000));
	END IF;
	RETURN vp_report_page(p_kind, p_period, v_community, v_region,
	    vp_text_opt(args, 'after', 32), v_limit);
END
$$;

-- GET /v1/reports/monthly?month=&level=[&community=][&region=][&limit=[&after=]]
CREATE OR REPLACE FUNCTION vp_op_report_monthly(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	body := vp_report_args('monthly', vp_text(args, 'month', 7), caller,
	    args);
END
$$;

-- GET /v1/reports/annual?year=&level=[&community=][&region=][&limit=[&after=]]
CREATE OR REPLACE FUNCTION vp_op_report_annual(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	body := vp_report_args('annual', vp_text(args, 'year', 4), caller,
	    args);
END
$$;

-- GET /v1/star-levels
CREATE OR REPLACE FUNCTION vp_op_star_levels(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	SELECT jsonb_build_object('levels', jsonb_agg(jsonb_build_object(
	    'stars', stars, 'hours', hours) ORDER BY stars)) INTO body
	FROM star_levels;
END
$$;

-- POST /v1/star-levels (admin): {"levels":[h1,h2,h3,h4,h5]}
CREATE OR REPLACE FUNCTION vp_op_star_levels_set(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v jsonb := args -> 'levels';
	i integer;
BEGIN
	PERFORM vp_require_admin(caller);
	IF jsonb_typeof(v) IS DISTINCT FROM 'array' OR jsonb_array_length(v) <> 5 THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"levels" must list the hours of five star levels',
		    jsonb_build_object('field', 'levels', 'reason', 'count',
		    'count', 5));
	END IF;
	FOR i IN 0..4 LOOP
		IF NOT vp_is_integer(v -> i) OR (v ->> i)::bigint NOT BETWEEN 1 AND 100000
		    OR (i > 0 AND (v ->> i)::bigint <= (v ->> (i - 1))::bigint) THEN
			PERFORM vp_refuse(422, 'invalid-field', '"levels" must be '
			    'whole hours, strictly increasing',
			    jsonb_build_object('field', 'levels', 'reason', 'increasing'));
		END IF;
	END LOOP;
	DELETE FROM star_levels;
	INSERT INTO star_levels (stars, hours)
	SELECT n + 1, (v ->> n)::integer FROM generate_series(0, 4) n;
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'star-levels', 'star_levels', args);
	status := 201;
	SELECT o.body INTO body FROM vp_op_star_levels(caller, args) o;
END
$$;
