-- 009: what a database made by the released migrations 001_base.sql to
-- 008_reports.sql has that the baseline does not; a no-op on a database
-- that started at 008_baseline.sql.

-- The operations are named vp_op_<operation> after common/routes.h; the
-- five of 002 had other names. (Their new bodies are in
-- sql/functions/stations.sql; vp_call calls those.)
DROP FUNCTION IF EXISTS vp_community_add(vp_caller, jsonb);
DROP FUNCTION IF EXISTS vp_community_list_op(vp_caller, jsonb);
DROP FUNCTION IF EXISTS vp_station_add(vp_caller, jsonb);
DROP FUNCTION IF EXISTS vp_station_list(vp_caller, jsonb);
DROP FUNCTION IF EXISTS vp_station_revoke(vp_caller, jsonb);

-- 008_reports.sql replaced four indexes of 003 and 005 with covering
-- ones, but dropped them by the names PostgreSQL usually generates, with
-- IF EXISTS: under another name one would have stayed, costing every
-- write. Drop them by what they are.
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT i.indexrelid::regclass AS name
	    FROM pg_index i
	    WHERE NOT i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint c
		WHERE c.conindid = i.indexrelid)
	    AND (i.indrelid, regexp_replace(pg_get_indexdef(i.indexrelid),
		'^CREATE INDEX \S+ ON \S+ ', '')) IN (
		('shifts'::regclass, 'USING btree (community_id, started_at)'),
		('transfers'::regclass, 'USING btree (from_account, id)'),
		('transfers'::regclass, 'USING btree (to_account, id)'),
		('transfers'::regclass, 'USING btree (at)')) LOOP
		EXECUTE format('DROP INDEX %s', r.name);
	END LOOP;
END
$$;
