-- 018: a tree of regions above the communities (district, street, ...),
-- and office keys that act for one region's subtree.
--
-- The programme names its levels, top first (region_levels); a region of
-- the top level has no parent, any other one a parent of the level just
-- above (its level never changes: a move keeps it). A community sits in
-- a region of the lowest level, or in none (a community of before the
-- regions, until it is placed). Renames, moves and placings are kept
-- from the time they are made (region_history, community_places, both
-- append-only): a report reads the tree as it stood at its period's end,
-- so that nothing done later changes a report of the past, least of all
-- one of a closed month (sql/functions/regions.sql).

-- The levels, top first. The city admin may rename them, or name more or
-- fewer, while no region uses them.
CREATE TABLE region_levels (
	depth		integer PRIMARY KEY
			CONSTRAINT region_levels_depth CHECK (depth BETWEEN 1 AND 8),
	name		text NOT NULL CONSTRAINT region_levels_name_key UNIQUE
			CONSTRAINT region_levels_name
			CHECK (name ~ '^[a-z][a-z0-9_-]{0,15}$' AND name NOT IN
			    ('volunteer', 'team', 'community', 'station',
			    'training', 'approval', 'recruitment'))
);
INSERT INTO region_levels (depth, name) VALUES (1, 'district'), (2, 'street');

-- A region as it is now; region_history keeps what it was.
CREATE TABLE regions (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code		text NOT NULL CONSTRAINT regions_code_key UNIQUE
			CONSTRAINT regions_code
			CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$'),
	name		text NOT NULL
			CONSTRAINT regions_name CHECK (length(name) BETWEEN 1 AND 200),
	depth		integer NOT NULL
			CONSTRAINT regions_depth_fkey REFERENCES region_levels,
	parent_id	bigint CONSTRAINT regions_parent_id_fkey REFERENCES regions,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT regions_top CHECK ((depth = 1) = (parent_id IS NULL))
);
CREATE INDEX regions_parent_id_idx ON regions (parent_id);

-- Each region's name and parent from a time on: a row when it is made,
-- renamed or moved (append-only).
CREATE TABLE region_history (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	region_id	bigint NOT NULL
			CONSTRAINT region_history_region_id_fkey REFERENCES regions,
	at		timestamptz NOT NULL DEFAULT now(),
	keyid		text CONSTRAINT region_history_keyid_fkey
			REFERENCES station_keys,
	name		text NOT NULL,
	parent_id	bigint CONSTRAINT region_history_parent_id_fkey
			REFERENCES regions
);
CREATE INDEX region_history_region_at_idx ON region_history (region_id, at);

-- The region a community sits in now (NULL: none yet).
ALTER TABLE communities ADD COLUMN region_id bigint
	CONSTRAINT communities_region_id_fkey REFERENCES regions;
CREATE INDEX communities_region_id_idx ON communities (region_id);

-- Each community's region from a time on (region NULL: taken out of
-- every region); append-only.
CREATE TABLE community_places (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	community_id	bigint NOT NULL
			CONSTRAINT community_places_community_id_fkey
			REFERENCES communities,
	region_id	bigint CONSTRAINT community_places_region_id_fkey
			REFERENCES regions,
	at		timestamptz NOT NULL DEFAULT now(),
	keyid		text CONSTRAINT community_places_keyid_fkey
			REFERENCES station_keys
);
CREATE INDEX community_places_community_at_idx
	ON community_places (community_id, at);

-- Office keys: a region's, acting for the communities of its subtree.
ALTER TABLE stations ADD COLUMN region_id bigint
	CONSTRAINT stations_region_id_fkey REFERENCES regions;
ALTER TABLE stations DROP CONSTRAINT stations_role_check;
ALTER TABLE stations ADD CONSTRAINT stations_role
	CHECK (role IN ('station', 'office', 'admin'));
ALTER TABLE stations DROP CONSTRAINT stations_check;
ALTER TABLE stations ADD CONSTRAINT stations_scope CHECK (CASE role
	WHEN 'station' THEN community_id IS NOT NULL AND region_id IS NULL
	WHEN 'office' THEN region_id IS NOT NULL AND community_id IS NULL
	ELSE region_id IS NULL END);

-- The caller carries its region (vp_call fills it).
ALTER TYPE vp_caller ADD ATTRIBUTE region_id bigint;

-- A list or report's scope is a set of communities now (an office's
-- subtree), not one: bigint[] where it was bigint.
DROP FUNCTION IF EXISTS vp_community_scope(vp_caller, jsonb);
DROP FUNCTION IF EXISTS vp_current_shifts(timestamptz, timestamptz, bigint);
DROP FUNCTION IF EXISTS vp_report_scope(bigint);
DROP FUNCTION IF EXISTS vp_report_service(timestamptz, timestamptz,
    timestamptz, bigint);
DROP FUNCTION IF EXISTS vp_report_served(timestamptz, timestamptz, bigint);
DROP FUNCTION IF EXISTS vp_report_moves(timestamptz, timestamptz, bigint);
DROP FUNCTION IF EXISTS vp_report_status(timestamptz, bigint);
DROP FUNCTION IF EXISTS vp_report_volunteers(timestamptz, timestamptz, bigint);
DROP FUNCTION IF EXISTS vp_report_volunteer_rows(timestamptz, timestamptz,
    bigint);
DROP FUNCTION IF EXISTS vp_report(text, text, text, bigint);

-- A station may be an office of a region.
DROP FUNCTION IF EXISTS vp_station_create(text, text, text, text, text, text);
