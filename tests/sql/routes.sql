-- The routes of common/routes.h and vp_dispatch (the one list of
-- operations vp_call and vp_read share) agree: every route's operation
-- has its function vp_op_<operation>(vp_caller, jsonb) and its arm in
-- vp_dispatch's CASE, the arm calls that function, and there is no arm
-- and no vp_op_ function without a route. tests/e2e/sql.sh reads the
-- operations from the header and passes them as :routes (comma-separated).
BEGIN;
SET LOCAL client_min_messages = warning;
SELECT plan(7);

CREATE TEMP TABLE routes AS
SELECT DISTINCT operation
FROM unnest(string_to_array(:'routes', ',')) AS operation;

-- vp_dispatch's arms: WHEN '<operation>' THEN ... FROM vp_op_<function>(...).
CREATE TEMP TABLE arms AS
SELECT m[1] AS operation, m[2] AS function
FROM regexp_matches((SELECT prosrc FROM pg_proc
    WHERE oid = 'vp_dispatch'::regproc),
    'WHEN ''([a-z_]+)'' THEN\s+SELECT \* INTO status, v_body FROM ([a-z_]+)\(caller, p_args\);',
    'g') AS m;

-- The operation functions: vp_op_*(vp_caller, jsonb).
CREATE TEMP TABLE op_functions AS
SELECT substr(p.proname, 7) AS operation
FROM pg_proc p
WHERE p.proname LIKE 'vp\_op\_%'
AND p.pronamespace = 'public'::regnamespace
AND p.proargtypes = ARRAY['vp_caller'::regtype, 'jsonb'::regtype]::oidvector;

SELECT cmp_ok((SELECT count(*) FROM routes), '>=', 40::bigint,
    'the header lists the operations of its routes');

SELECT is(array(SELECT r.operation FROM routes r
    WHERE to_regprocedure('vp_op_' || r.operation || '(vp_caller, jsonb)') IS NULL
    ORDER BY 1), '{}'::text[],
    'every route''s operation has its function vp_op_<operation>(vp_caller, jsonb)');

SELECT is(array(SELECT r.operation FROM routes r
    EXCEPT SELECT a.operation FROM arms a ORDER BY 1), '{}'::text[],
    'every route''s operation has its arm in vp_dispatch');

SELECT is(array(SELECT a.operation FROM arms a
    EXCEPT SELECT r.operation FROM routes r ORDER BY 1), '{}'::text[],
    'no arm of vp_dispatch without a route');

SELECT is(array(SELECT a.operation FROM arms a
    WHERE a.function <> 'vp_op_' || a.operation ORDER BY 1), '{}'::text[],
    'each arm calls vp_op_<operation> of its own operation');

SELECT is((SELECT count(*) FROM arms), (SELECT count(DISTINCT operation) FROM arms),
    'no operation has two arms');

SELECT is(array(SELECT f.operation FROM op_functions f
    EXCEPT SELECT r.operation FROM routes r ORDER BY 1), '{}'::text[],
    'no vp_op_ function without a route');

SELECT * FROM finish();
ROLLBACK;
