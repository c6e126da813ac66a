-- 001: communities, the unit every other table carries.
--
-- Business rules live in SQL functions next to the constraints that guard
-- them. Functions refuse an operation with SQLSTATE 'VPnnn' (nnn: the HTTP
-- status), the problem slug as message and a sentence as detail.

CREATE TABLE communities (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code		text NOT NULL UNIQUE
			CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	population	integer NOT NULL CHECK (population > 0),
	created_at	timestamptz NOT NULL DEFAULT now()
);

COMMENT ON COLUMN communities.population IS
	'resident population: the base of the 13 % registration share';

-- Every community, ordered by code.
CREATE FUNCTION vp_community_list() RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('communities', coalesce(jsonb_agg(
		jsonb_build_object('code', c.code, 'name', c.name,
		    'population', c.population) ORDER BY c.code), '[]'))
	FROM communities c
$$;
