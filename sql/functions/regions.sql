-- Regions: the tree above the communities (district, street, ...), its
-- history, and the reports of a level of it.
--
-- The tree now is regions.parent_id and communities.region_id; the tree
-- at a time is the last row before it of region_history (name, parent)
-- and community_places (region) for each region and community. A report
-- reads the tree at its period's end: a rename, a move or a placing made
-- later is dated later (now(), never a date given), so it changes no
-- report of a period that had ended, and none of a closed month.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

CREATE OR REPLACE TRIGGER region_history_append_only BEFORE UPDATE OR DELETE
	ON region_history FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER region_history_no_truncate BEFORE TRUNCATE
	ON region_history FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER community_places_append_only BEFORE UPDATE OR DELETE
	ON community_places FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER community_places_no_truncate BEFORE TRUNCATE
	ON community_places FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();

-- The name of a level (depth 1 is the top).
CREATE OR REPLACE FUNCTION vp_level_name(p_depth integer) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT name FROM region_levels WHERE depth = p_depth
$$;

-- The depth of the lowest level, where communities sit.
CREATE OR REPLACE FUNCTION vp_level_lowest() RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT max(depth) FROM region_levels
$$;

-- The region of a code, or a refusal (422 when it is an argument, 404 when
-- it is the subject of the route).
CREATE OR REPLACE FUNCTION vp_region_get(p_code text, p_status integer)
RETURNS regions LANGUAGE plpgsql STABLE AS $$
DECLARE
	r regions;
BEGIN
	SELECT * INTO r FROM regions WHERE code = p_code;
	IF NOT FOUND THEN
		PERFORM vp_refuse(p_status, 'unknown-region',
		    format('No region has code %s.', p_code),
		    jsonb_build_object('region', p_code));
	END IF;
	RETURN r;
END
$$;

-- Whether region p_region is p_top or below it, now.
CREATE OR REPLACE FUNCTION vp_region_within(p_region bigint, p_top bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	WITH RECURSIVE up AS (
		SELECT r.id, r.parent_id FROM regions r WHERE r.id = p_region
		UNION ALL
		SELECT r.id, r.parent_id FROM regions r JOIN up ON r.id = up.parent_id
	)
	SELECT EXISTS (SELECT 1 FROM up WHERE up.id = p_top)
$$;

-- The tree at p_at (NULL: now): every region made before it, with its
-- name and parent then.
CREATE OR REPLACE FUNCTION vp_regions_at(p_at timestamptz)
RETURNS TABLE (region_id bigint, code text, name text, depth integer,
    parent_id bigint)
LANGUAGE sql STABLE AS $$
	SELECT r.id, r.code, r.name, r.depth, r.parent_id FROM regions r
	WHERE p_at IS NULL
	UNION ALL
	SELECT r.id, r.code, h.name, r.depth, h.parent_id FROM regions r
	JOIN LATERAL (SELECT h.name, h.parent_id FROM region_history h
	    WHERE h.region_id = r.id AND h.at < p_at
	    ORDER BY h.at DESC, h.id DESC LIMIT 1) h ON true
	WHERE p_at IS NOT NULL
$$;

-- Each community's region at p_at (NULL: now); a community placed in
-- none then has none.
CREATE OR REPLACE FUNCTION vp_places_at(p_at timestamptz)
RETURNS TABLE (community_id bigint, region_id bigint)
LANGUAGE sql STABLE AS $$
	SELECT c.id, c.region_id FROM communities c
	WHERE p_at IS NULL AND c.region_id IS NOT NULL
	UNION ALL
	SELECT p.community_id, p.region_id FROM (
		SELECT DISTINCT ON (p.community_id) p.community_id, p.region_id
		FROM community_places p WHERE p.at < p_at
		ORDER BY p.community_id, p.at DESC, p.id DESC) p
	WHERE p_at IS NOT NULL AND p.region_id IS NOT NULL
$$;

-- Each region of the tree at p_at with each of its ancestors and itself
-- (ancestor_depth: the ancestor's level).
CREATE OR REPLACE FUNCTION vp_region_ancestors(p_at timestamptz)
RETURNS TABLE (region_id bigint, ancestor_id bigint, ancestor_depth integer)
LANGUAGE sql STABLE AS $$
	WITH RECURSIVE tree AS MATERIALIZED (
		SELECT * FROM vp_regions_at(p_at)
	), up AS (
		SELECT t.region_id, t.region_id AS ancestor_id, t.depth,
		    t.parent_id
		FROM tree t
		UNION ALL
		SELECT up.region_id, t.region_id, t.depth, t.parent_id
		FROM up JOIN tree t ON t.region_id = up.parent_id
	)
	SELECT up.region_id, up.ancestor_id, up.depth FROM up
$$;

-- The communities in the subtree of region p_region at p_at (NULL: now).
CREATE OR REPLACE FUNCTION vp_region_communities(p_region bigint,
    p_at timestamptz) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
	SELECT coalesce(array_agg(p.community_id ORDER BY p.community_id),
	    '{}')
	FROM vp_places_at(p_at) p
	JOIN vp_region_ancestors(p_at) a ON a.region_id = p.region_id
	WHERE a.ancestor_id = p_region
$$;

-- A region as JSON, as it is now.
CREATE OR REPLACE FUNCTION vp_region_json(r regions) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('code', r.code, 'name', r.name,
	    'level', vp_level_name(r.depth),
	    'parent', (SELECT p.code FROM regions p WHERE p.id = r.parent_id),
	    'communities', (SELECT count(*) FROM communities c
		WHERE c.region_id = r.id),
	    'created_at', r.created_at)
$$;

-- Refuse an office acting on a region outside its subtree, or on its own
-- region or one above (p_strict: a region it manages must be below its
-- own). An admin acts on every region.
CREATE OR REPLACE FUNCTION vp_require_region(caller vp_caller, p_region bigint,
    p_strict boolean) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF caller.role = 'admin' THEN
		RETURN;
	END IF;
	IF caller.role <> 'office' OR p_region IS NULL
	    OR NOT vp_region_within(p_region, caller.region_id)
	    OR (p_strict AND p_region = caller.region_id) THEN
		PERFORM vp_refuse(403, 'outside-region', format('Key of %s acts '
		    'for the regions below its own only.', caller.station_code),
		    jsonb_build_object('station', caller.station_code,
		    'region', (SELECT code FROM regions WHERE id = p_region)));
	END IF;
END
$$;

-- Record a region's name and parent from now on.
CREATE OR REPLACE FUNCTION vp_region_record(caller vp_caller, r regions)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO region_history (region_id, keyid, name, parent_id)
	VALUES (r.id, caller.keyid, r.name, r.parent_id)
$$;

-- The parent a region of this depth may have: the region "parent" names,
-- of the level just above, inside the caller's subtree.
CREATE OR REPLACE FUNCTION vp_region_parent(caller vp_caller, args jsonb,
    p_depth integer) RETURNS regions
LANGUAGE plpgsql STABLE AS $$
DECLARE
	p regions := vp_region_get(vp_code(args, 'parent'), 422);
BEGIN
	IF p.depth <> p_depth - 1 THEN
		PERFORM vp_refuse(422, 'invalid-field', format('The parent of a '
		    '%s must be a %s.', vp_level_name(p_depth),
		    vp_level_name(p_depth - 1)), jsonb_build_object(
		    'field', 'parent', 'reason', 'level',
		    'level', vp_level_name(p_depth - 1)));
	END IF;
	PERFORM vp_require_region(caller, p.id, false);
	RETURN p;
END
$$;

-- POST /v1/regions (admin; an office below its own region):
-- {"code", "name", "level", "parent"}. A region of the top level has no
-- parent; any other one a parent of the level just above.
CREATE OR REPLACE FUNCTION vp_op_region_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_level text := vp_text(args, 'level', 16);
	v_depth integer;
	p regions;
	r regions;
BEGIN
	SELECT depth INTO v_depth FROM region_levels WHERE name = v_level;
	IF NOT FOUND THEN
		PERFORM vp_refuse(422, 'invalid-field', '"level" must be one of '
		    'the programme''s levels', jsonb_build_object('field', 'level',
		    'reason', 'choice', 'choices', (SELECT jsonb_agg(name
			ORDER BY depth) FROM region_levels)));
	END IF;
	IF v_depth = 1 THEN
		PERFORM vp_require_admin(caller);
		IF args ? 'parent' THEN
			PERFORM vp_refuse(422, 'invalid-field', format('A %s is '
			    'at the top: it has no "parent".', v_level),
			    jsonb_build_object('field', 'parent',
			    'reason', 'level'));
		END IF;
	ELSE
		p := vp_region_parent(caller, args, v_depth);
	END IF;
	INSERT INTO regions (code, name, depth, parent_id)
	VALUES (vp_code(args, 'code'), vp_text(args, 'name'), v_depth, p.id)
	ON CONFLICT (code) DO NOTHING
	RETURNING * INTO r;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'region-exists', format(
		    'A region with code %s exists already.', args ->> 'code'),
		    jsonb_build_object('region', args ->> 'code'));
	END IF;
	PERFORM vp_region_record(caller, r);
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'region-add', r.code, args);
	status := 201;
	body := vp_region_json(r);
END
$$;

-- GET /v1/regions: the levels and every region (an office: those of its
-- subtree), by level and code.
CREATE OR REPLACE FUNCTION vp_op_region_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	SELECT jsonb_build_object('levels', (SELECT jsonb_agg(l.name
		ORDER BY l.depth) FROM region_levels l),
	    'regions', coalesce(jsonb_agg(vp_region_json(r)
		ORDER BY r.depth, r.code), '[]'))
	INTO body FROM regions r
	WHERE caller.role = 'admin' OR (caller.role = 'office'
	    AND vp_region_within(r.id, caller.region_id));
END
$$;

-- POST /v1/regions/{code}/rename {"name"}
CREATE OR REPLACE FUNCTION vp_op_region_rename(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	r regions := vp_region_get(vp_code(args, 'code'), 404);
BEGIN
	PERFORM vp_require_region(caller, r.id, true);
	UPDATE regions SET name = vp_text(args, 'name') WHERE id = r.id
	RETURNING * INTO r;
	PERFORM vp_region_record(caller, r);
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'region-rename', r.code, args);
	status := 201;
	body := vp_region_json(r);
END
$$;

-- POST /v1/regions/{code}/move {"parent"}: under another region of the
-- same level as its parent (its own level stays).
CREATE OR REPLACE FUNCTION vp_op_region_move(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	r regions := vp_region_get(vp_code(args, 'code'), 404);
	p regions;
BEGIN
	PERFORM vp_require_region(caller, r.id, true);
	IF r.depth = 1 THEN
		PERFORM vp_refuse(422, 'invalid-field', format('A %s is at the '
		    'top: it has no parent to move to.', vp_level_name(1)),
		    jsonb_build_object('field', 'code', 'reason', 'level'));
	END IF;
	p := vp_region_parent(caller, args, r.depth);
	UPDATE regions SET parent_id = p.id WHERE id = r.id RETURNING * INTO r;
	PERFORM vp_region_record(caller, r);
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'region-move', r.code, args);
	status := 201;
	body := vp_region_json(r);
END
$$;

-- Place a community in a region of the lowest level (NULL: in none), from
-- now on.
CREATE OR REPLACE FUNCTION vp_community_place(caller vp_caller, p_community bigint,
    r regions) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM vp_require_region(caller, r.id, false);
	IF r.id IS NOT NULL AND r.depth <> vp_level_lowest() THEN
		PERFORM vp_refuse(422, 'invalid-field', format('A community sits '
		    'in a %s.', vp_level_name(vp_level_lowest())),
		    jsonb_build_object('field', 'region', 'reason', 'level',
		    'level', vp_level_name(vp_level_lowest())));
	END IF;
	UPDATE communities SET region_id = r.id WHERE id = p_community;
	INSERT INTO community_places (community_id, region_id, keyid)
	VALUES (p_community, r.id, caller.keyid);
END
$$;

-- POST /v1/communities/{code}/place {"region"}: the community sits in
-- this region from now on. An office moves a community of its subtree
-- to another region of it.
CREATE OR REPLACE FUNCTION vp_op_community_place(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	c communities;
BEGIN
	SELECT * INTO c FROM communities WHERE code = vp_code(args, 'code')
	FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-community',
		    format('No community has code %s.', args ->> 'code'),
		    jsonb_build_object('community', args ->> 'code'));
	END IF;
	PERFORM vp_require_office(caller, c.id);
	PERFORM vp_community_place(caller, c.id,
	    vp_region_get(vp_code(args, 'region'), 422));
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'community-place', c.code, args);
	status := 201;
	SELECT vp_community_json(x) INTO body FROM communities x WHERE x.id = c.id;
END
$$;

-- POST /v1/region-levels (admin) {"levels": [top, ..., lowest]}: the
-- names of the levels, while no region uses them.
CREATE OR REPLACE FUNCTION vp_op_region_levels_set(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v jsonb := args -> 'levels';
BEGIN
	PERFORM vp_require_admin(caller);
	IF jsonb_typeof(v) IS DISTINCT FROM 'array'
	    OR jsonb_array_length(v) NOT BETWEEN 1 AND 8
	    OR EXISTS (SELECT 1 FROM jsonb_array_elements(v) x
		WHERE jsonb_typeof(x) <> 'string'
		OR x #>> '{}' !~ '^[a-z][a-z0-9_-]{0,15}$'
		OR x #>> '{}' IN ('volunteer', 'team', 'community', 'station',
		    'training', 'approval', 'recruitment'))
	    OR (SELECT count(DISTINCT x) <> count(*)
		FROM jsonb_array_elements_text(v) x) THEN
		PERFORM vp_refuse(422, 'invalid-field', '"levels" must name '
		    'one to eight levels, top first, each once, in small letters '
		    'and none a level of the reports',
		    jsonb_build_object('field', 'levels', 'reason', 'format'));
	END IF;
	LOCK TABLE regions IN SHARE MODE;
	IF EXISTS (SELECT 1 FROM regions) THEN
		PERFORM vp_refuse(409, 'levels-in-use', 'Regions exist already: '
		    'the levels they are at stay as they are.');
	END IF;
	DELETE FROM region_levels;
	INSERT INTO region_levels (depth, name)
	SELECT n, x FROM jsonb_array_elements_text(v) WITH ORDINALITY l(x, n);
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'region-levels', 'region_levels', args);
	status := 201;
	SELECT o.body INTO body FROM vp_op_region_list(caller, '{}') o;
END
$$;

-- A report of a level of regions (vp_report calls it with the rows of
-- the community level): a row for each region of level p_depth in the
-- tree at p_at (inside p_region's subtree when it is given), each the
-- sum of its communities' rows, and, for the whole city, a row for the
-- communities in no region then, so that the rows of every level add up
-- to the same totals as the communities'.
CREATE OR REPLACE FUNCTION vp_region_rows(p_rows jsonb, p_depth integer,
    p_at timestamptz, p_region bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH tree AS MATERIALIZED (
		SELECT * FROM vp_regions_at(p_at)
	), anc AS MATERIALIZED (
		SELECT * FROM vp_region_ancestors(p_at)
	), levelled AS (
		-- Each community row with its region of the level, or none.
		SELECT r.row, a.ancestor_id AS region_id
		FROM jsonb_array_elements(p_rows) r(row)
		JOIN communities c ON c.code = r.row ->> 'code'
		LEFT JOIN vp_places_at(p_at) p ON p.community_id = c.id
		LEFT JOIN anc a ON a.region_id = p.region_id
		    AND a.ancestor_depth = p_depth
	), sums AS (
		SELECT l.region_id,
		    sum((l.row ->> 'population')::bigint) AS population,
		    sum((l.row ->> 'registered')::bigint) AS registered,
		    sum((l.row ->> 'active')::bigint) AS active,
		    sum((l.row ->> 'minutes')::bigint) AS minutes,
		    sum((l.row ->> 'on_track')::bigint) AS on_track,
		    sum((l.row ->> 'points_issued')::numeric) AS points_issued,
		    sum((l.row ->> 'points_redeemed')::numeric) AS points_redeemed,
		    sum((l.row ->> 'gifts')::bigint) AS gifts,
		    sum((l.row ->> 'help_completed')::bigint) AS help_completed,
		    count(*) AS communities
		FROM levelled l GROUP BY l.region_id
	), shown AS (
		SELECT t.code, t.name, (SELECT u.code FROM tree u
			WHERE u.region_id = t.parent_id) AS parent, s.*
		FROM tree t LEFT JOIN sums s ON s.region_id = t.region_id
		WHERE t.depth = p_depth
		AND (p_region IS NULL OR EXISTS (SELECT 1 FROM anc a
		    WHERE a.region_id = t.region_id AND a.ancestor_id = p_region))
		UNION ALL
		SELECT NULL, NULL, NULL, s.* FROM sums s
		WHERE s.region_id IS NULL AND p_region IS NULL
	)
	SELECT coalesce(jsonb_agg(jsonb_build_object(
	    'code', x.code, 'name', x.name, 'parent', x.parent,
	    'communities', coalesce(x.communities, 0),
	    'population', coalesce(x.population, 0),
	    'registered', coalesce(x.registered, 0),
	    'registration_share', CASE WHEN coalesce(x.population, 0) = 0
		THEN NULL ELSE round(100.0 * x.registered / x.population, 2) END,
	    'share_target_met', coalesce(100.0 * x.registered
		/ nullif(x.population, 0) >= 13, false),
	    'active', coalesce(x.active, 0),
	    'minutes', coalesce(x.minutes, 0),
	    'hours', vp_hours(x.minutes),
	    'average_hours', CASE WHEN coalesce(x.registered, 0) = 0 THEN 0.00
		ELSE round(x.minutes / 60.0 / x.registered, 2) END,
	    'on_track', coalesce(x.on_track, 0),
	    'points_issued', coalesce(x.points_issued, 0),
	    'points_redeemed', coalesce(x.points_redeemed, 0),
	    'gifts', coalesce(x.gifts, 0),
	    'help_completed', coalesce(x.help_completed, 0))
	    ORDER BY x.code IS NULL, x.code), '[]')
	FROM shown x
$$;
