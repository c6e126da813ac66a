-- 011: what a closed month's report reads stays as it was when the month
-- closed. Dated records before the end of the latest closed month are
-- refused (sql/functions/months.sql); what has no date of its own is
-- read as it stood at the close (sql/functions/reports.sql): the star
-- levels then in force (kept here from now on), the catalogue items then
-- active (their deactivations are dated from now on), and names, teams and
-- memberships from the rows and the history that exist already.

-- Every set of star levels, from the time it was set: the levels a
-- closed month's report uses are the last set before it closed.
-- Append-only (sql/functions/base.sql); the trigger star_levels_kept
-- (sql/functions/months.sql) adds a row whenever star_levels changes.
CREATE TABLE star_level_sets (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	hours		integer[] NOT NULL	-- for one star, two, ... five
);
CREATE INDEX star_level_sets_at_idx ON star_level_sets (at);

-- Backfill: the levels before any change (the national defaults that
-- 008_baseline.sql seeds, or the levels as they are when no admin ever
-- changed them), then each change an admin made, as admin_actions
-- recorded it.
INSERT INTO star_level_sets (at, hours)
SELECT '-infinity', CASE WHEN EXISTS (SELECT 1 FROM admin_actions
	WHERE action = 'star-levels')
    THEN ARRAY[100, 300, 600, 1000, 1500]
    ELSE (SELECT array_agg(hours ORDER BY stars) FROM star_levels) END;
INSERT INTO star_level_sets (at, hours)
SELECT a.at, ARRAY(SELECT l::numeric::integer
    FROM jsonb_array_elements_text(a.detail -> 'levels') WITH ORDINALITY x(l, n)
    ORDER BY n)
FROM admin_actions a
WHERE a.action = 'star-levels' AND jsonb_typeof(a.detail -> 'levels') = 'array'
ORDER BY a.id;

-- When an item left its station's catalogue (append-only). Items
-- deactivated before this migration have no known time: they count as
-- inactive in every closed month's station report.
CREATE TABLE catalog_deactivations (
	item_id		bigint PRIMARY KEY REFERENCES catalog_items,
	keyid		text REFERENCES station_keys,	-- NULL: before 011
	at		timestamptz NOT NULL DEFAULT now()
);
INSERT INTO catalog_deactivations (item_id, at)
SELECT id, '-infinity' FROM catalog_items WHERE NOT active ORDER BY id;

-- vp_call takes the date rules of the daemon's configuration
-- ("back_entry_days", "programme_start") and gives the daemon what it
-- logs of a refusal the database made (never sent): a new signature
-- (sql/functions/call.sql).
DROP FUNCTION IF EXISTS vp_call(text, text, text, text, text, jsonb, text);

-- The star levels are read as they were at a time (NULL: now).
DROP FUNCTION IF EXISTS vp_star_steps();
