-- A closed month's reports read from the rows its close stored
-- (migration 023, vp_month_store) are those the computation gives, at
-- every level and scope, for a month in which a volunteer moved to
-- another community: the month closed through vp_call, every report of
-- it compared with vp_report(…, p_live) (tests/sql/closed_reports.psql);
-- what the close stored holds no name; and a month without stored rows
-- (closed before 023) is computed. (Moves are dated by the clock: the
-- move is made, then dated back into the month, as the data of a move of
-- May 2025 would be.)
BEGIN;
\ir setup.psql
\ir closed_reports.psql
SELECT plan(28);

-- M1 and M2 of north and M3 of south, registered in January; star levels
-- of 1 to 5 hours. M1 serves in north in April and May and moves to
-- south on 15 May; M2 and M3 serve in May (M3's shift corrected). M4
-- and M5 of north served in November 2024 only (2 hours and 1).
DO $$
DECLARE
	b jsonb;
BEGIN
	PERFORM pg_temp.must('north', 'volunteer_add', '{"number":"M1",
	    "name":"Moving 1","registered_on":"2025-01-10"}');
	PERFORM pg_temp.must('north', 'volunteer_add', '{"number":"M2",
	    "name":"Staying 2","registered_on":"2025-01-10"}');
	PERFORM pg_temp.must('south', 'volunteer_add', '{"number":"M3",
	    "name":"South 3","registered_on":"2025-01-12"}');
	PERFORM pg_temp.must('north', 'volunteer_add', '{"number":"M4",
	    "name":"Earlier 4","registered_on":"2024-10-01"}');
	PERFORM pg_temp.must('north', 'volunteer_add', '{"number":"M5",
	    "name":"Earlier 5","registered_on":"2024-10-01"}');
	PERFORM pg_temp.must('admin', 'star_levels_set', '{"levels":[1,2,3,4,5]}');
	PERFORM pg_temp.must('north', 'shift_log', pg_temp.log_args('M4', 'clean',
	    '2024-11-05 09:00+08', '2024-11-05 11:00+08'));
	PERFORM pg_temp.must('north', 'shift_log', pg_temp.log_args('M5', 'clean',
	    '2024-11-06 09:00+08', '2024-11-06 10:00+08'));
	PERFORM pg_temp.must('north', 'shift_log', pg_temp.log_args('M1', 'clean',
	    '2025-04-10 09:00+08', '2025-04-10 11:00+08'));
	PERFORM pg_temp.must('north', 'shift_log', pg_temp.log_args('M1', 'clean',
	    '2025-05-05 09:00+08', '2025-05-05 10:30+08'));
	PERFORM pg_temp.must('north', 'shift_log', pg_temp.log_args('M2', 'clean',
	    '2025-05-06 09:00+08', '2025-05-06 12:00+08'));
	b := pg_temp.must('south', 'shift_log', pg_temp.log_args('M3', 'clean',
	    '2025-05-07 09:00+08', '2025-05-07 09:30+08'));
	-- corrected before the close: May counts the correction only
	PERFORM pg_temp.must('south', 'shift_correct', jsonb_build_object(
	    'id', b ->> 'id', 'reason', 'left later',
	    'ended_at', '2025-05-07T09:45:00+08:00'));
	PERFORM pg_temp.must('admin', 'volunteer_move', '{"number":"M1",
	    "community":"south","reason":"moved house"}');
END
$$;
SET LOCAL session_replication_role = replica;	-- past the append-only triggers
UPDATE volunteer_moves SET at = '2025-05-15 12:00+08';
UPDATE transfers SET at = '2025-05-15 12:00+08'
WHERE cause IN ('move-out', 'move-in');
SET LOCAL session_replication_role = origin;

SELECT is(pg_temp.outcome('admin', 'month_close', '{"month":"2025-05"}'), '201',
    'May 2025 closes');
SELECT is((SELECT string_agg(number, ' ' ORDER BY number)
	FROM month_report_volunteers WHERE month = '2025-05'), 'M1 M2 M3 M4 M5',
    'its close stored a row per volunteer of May (the others registered since)');
SELECT is((SELECT c.code FROM month_report_volunteers r
	JOIN communities c ON c.id = r.community_id
	JOIN volunteers v ON v.id = r.volunteer_id WHERE v.number = 'M1'),
    'south', 'M1 in south, where they belonged at the end of May');
SELECT is((SELECT count(*) FROM information_schema.columns
	WHERE table_name IN ('month_report_volunteers', 'month_report_communities')
	AND (column_name ~ 'name' OR column_name = ANY (vp_personal_fields()))),
    0::bigint, 'no name and no personal field in the stored rows');
SELECT ok((SELECT count(*) FROM pg_temp.closed_reports()) > 40,
    'every level and scope of May compared');
SELECT is((SELECT string_agg(what, ', ') FROM pg_temp.closed_reports()
	WHERE stored IS DISTINCT FROM computed), NULL,
    'every report of May, stored, is the computed one');
SELECT isnt((SELECT vp_report('monthly', '2025-05', 'community', id, NULL)
	-> 'rows' -> 0 ->> 'minutes' FROM communities WHERE code = 'south'), '0',
    '... and south''s shows M3''s service');

-- June, open after May's close, reads the year to May's end from May's
-- stored rows (vp_report_base) and June's shifts: M1 in south, M2 and
-- M3, one of M2's corrected, and M4, who reaches 3 hours in all (a new
-- star level) with 2 of them from 2024 (the stored total by May's end).
-- Every report of June is the one computed from 1 January (p_live),
-- which reads April's and May's shifts, and the running totals less
-- the shifts after June.
DO $$
DECLARE
	b jsonb;
BEGIN
	PERFORM pg_temp.must('south', 'shift_log', pg_temp.log_args('M1', 'clean',
	    '2025-06-02 09:00+08', '2025-06-02 10:00+08'));
	b := pg_temp.must('north', 'shift_log', pg_temp.log_args('M2', 'clean',
	    '2025-06-03 09:00+08', '2025-06-03 10:00+08'));
	PERFORM pg_temp.must('north', 'shift_correct', jsonb_build_object(
	    'id', b ->> 'id', 'reason', 'left later',
	    'ended_at', '2025-06-03T11:20:00+08:00'));
	PERFORM pg_temp.must('south', 'shift_log', pg_temp.log_args('M3', 'clean',
	    '2025-06-04 09:00+08', '2025-06-04 09:30+08'));
	PERFORM pg_temp.must('north', 'shift_log', pg_temp.log_args('M4', 'clean',
	    '2025-06-05 09:00+08', '2025-06-05 10:00+08'));
	-- and in July, after June: no part of June's totals
	PERFORM pg_temp.must('north', 'shift_log', pg_temp.log_args('M5', 'clean',
	    '2025-07-01 09:00+08', '2025-07-01 10:00+08'));
END
$$;
SELECT is((SELECT month || ' ' || since FROM vp_report_base('2025-01-01',
	'2025-06-01', false)), '2025-05 2025-06-01 00:00:00+08',
    'June reads the year to May''s end from May''s close');
SELECT is((SELECT string_agg(coalesce(month, '-') || ' ' || since, ', ')
	FROM (SELECT * FROM vp_report_base('2025-01-01', '2025-06-01', true)
	UNION ALL SELECT * FROM vp_report_base('2025-06-01', '2025-06-01', false)
	UNION ALL SELECT * FROM vp_report_base('2025-01-01', '2025-01-01', false)
	UNION ALL SELECT * FROM vp_report_base('2025-01-01', '2025-05-01', false)
	UNION ALL SELECT * FROM vp_report_base('2026-01-01', '2026-03-01', false)) x),
    '- 2025-01-01 00:00:00+08, - 2025-06-01 00:00:00+08, '
    '- 2025-01-01 00:00:00+08, - 2025-01-01 00:00:00+08, '
    '- 2026-01-01 00:00:00+08',
    '... and nothing else does: live, another start, a year, May itself, '
    'another year');
SELECT is((SELECT string_agg(r ->> 'number' || ' ' || (r ->> 'minutes_ytd'),
	' ' ORDER BY r ->> 'number') FROM jsonb_array_elements(vp_report('monthly',
	'2025-06', 'volunteer', NULL, NULL) -> 'rows') r),
    'M1 270 M2 320 M3 75 M4 60 M5 0',
    'June''s year to date: April, May and June, the correction counted');
SELECT is((SELECT string_agg(r.number || ' ' || r.minutes_total, ' '
	ORDER BY r.number) FROM vp_report_volunteers_of(NULL,
	'2025-06-01', '2025-07-01', NULL, false) r),
    'M1 270 M2 320 M3 75 M4 180 M5 60',
    '... and all minutes by June''s end: 2024''s too, not July''s');
SELECT is((SELECT string_agg(s ->> 'volunteer' || ' ' || (s ->> 'stars'), ' '
	ORDER BY s ->> 'volunteer') FROM jsonb_array_elements(vp_report('monthly',
	'2025-06', 'community', NULL, NULL) -> 'new_star_levels') s),
    'M1 4 M2 5 M3 1 M4 3', '... and the new star levels of June with them');
SELECT is((SELECT string_agg(what, ', ') FROM pg_temp.closed_reports()
	WHERE what LIKE '2025-06 %' AND stored IS DISTINCT FROM computed), NULL,
    'every report of June, from May''s close, is the one computed from 1 January');
SELECT ok((SELECT count(*) FROM pg_temp.closed_reports()
	WHERE what LIKE '2025-06 %') > 40, '... at every level and scope');
-- Every shift here is recorded long after it started: June's points
-- come from the index of late transfers (vp_report's ledger), whose
-- predicate is vp_value_lag()'s.
SELECT is((SELECT sum((r ->> 'points_issued')::numeric)
	FROM jsonb_array_elements(vp_report('monthly', '2025-06', 'community',
	    NULL, NULL) -> 'rows') r),
    (SELECT sum(CASE WHEN f.kind = 'issuance' THEN t.amount ELSE 0 END)
	- sum(CASE WHEN d.kind = 'issuance' THEN t.amount ELSE 0 END)
	FROM transfers t JOIN accounts f ON f.id = t.from_account
	JOIN accounts d ON d.id = t.to_account
	WHERE coalesce(t.value_at, t.at) >= '2025-06-01'
	AND coalesce(t.value_at, t.at) < '2025-07-01'
	AND t.cause NOT IN ('move-out', 'move-in')),
    'June''s points issued are its transfers'' out of the issuance accounts, '
    'less those back');
SELECT is((SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i
	WHERE i.indexrelid = 'transfers_late'::regclass),
    format('((at - value_at) > %L::interval)', vp_value_lag()),
    '... read from the index of late transfers, of vp_value_lag()');

-- May ended at midnight in Shanghai, where it was closed; a writer in a
-- zone to the east (its midnight six hours earlier) cannot date a shift
-- into May's last hours either: June's year would no longer be May's
-- stored year plus June.
SELECT is((SELECT c.status || ' ' || (c.body::jsonb ->> 'title')
	FROM vp_call(pg_temp.keyid('admin'), gen_random_uuid()::text,
	    'shift_log', gen_random_uuid()::text, 'late', pg_temp.log_args('M2',
	    'clean', '2025-05-31 19:00+08', '2025-05-31 20:00+08'),
	    'Pacific/Kiritimati') c), '409 month-closed',
    'a shift in May''s last hours, as its close counted them, is refused '
    'in another time zone too');
SET LOCAL timezone = 'UTC';
SELECT is((SELECT coalesce(month, '-') FROM vp_report_base('2025-01-01',
	'2025-06-01', false)), '-',
    'read in another time zone than the close''s, June reads from 1 January');
SET LOCAL timezone = 'Asia/Shanghai';

-- The audit holds the stored rows of the latest close to the records,
-- and the running totals too: reports read both.
SELECT is(vp_audit() -> 'problems', '[]', 'the audit finds nothing wrong');
SAVEPOINT faulted;
SET LOCAL session_replication_role = replica;	-- past the append-only triggers
UPDATE month_report_volunteers SET minutes_total = minutes_total + 1
WHERE number = 'M4';
UPDATE volunteer_totals SET minutes = minutes - 5
WHERE volunteer_id = (SELECT id FROM volunteers WHERE number = 'M2');
SET LOCAL session_replication_role = origin;
SELECT is(vp_audit() -> 'problems', jsonb_build_array(
    'volunteer M2: running total 315 minutes, current shifts 320',
    'closed month 2025-05, volunteer M4: stored 0 minutes of the year and '
    '121 in all, current shifts 0 and 120'),
    'a running total and a stored row that the records do not give are '
    'problems');
ROLLBACK TO SAVEPOINT faulted;

-- The close and its stored rows are kept as they were signed: no change,
-- no row gone, by anyone the triggers see.
SELECT throws_ok($$UPDATE month_report_communities SET row = row || '{"registered": 0}'$$,
    '42501', NULL, 'a stored row of the close is not changed');
SELECT throws_ok($$DELETE FROM month_report_volunteers WHERE number = 'M1'$$,
    '42501', NULL, '... nor deleted');
SELECT throws_ok($$TRUNCATE month_report_volunteers, month_report_communities, month_reports$$,
    '42501', NULL, '... nor truncated');
SELECT throws_ok($$UPDATE month_closes SET payload = '{}' WHERE month = '2025-05'$$,
    '42501', NULL, 'the signed payload of the close is not changed');
SELECT lives_ok($$UPDATE month_closes SET jws = 'x' WHERE month = '2025-05'$$,
    'its JWS is stored once (vp_month_close_sign)');
SELECT throws_ok($$UPDATE month_closes SET jws = 'y' WHERE month = '2025-05'$$,
    '42501', NULL, '... and not changed after');
SELECT throws_ok($$DELETE FROM month_closes WHERE month = '2025-05'$$,
    '42501', NULL, '... and the month is not opened again by deleting its close');

-- Without its rows (a month closed before 023) May is computed.
SELECT vp_report('monthly', '2025-05', 'volunteer', NULL, NULL)::text AS stored \gset
SET LOCAL session_replication_role = replica;	-- past the append-only triggers
DELETE FROM month_report_volunteers;
DELETE FROM month_report_communities;
DELETE FROM month_reports;
SET LOCAL session_replication_role = origin;
SELECT is(vp_report('monthly', '2025-05', 'volunteer', NULL, NULL)::text, :'stored',
    'without its stored rows, May''s volunteer level is computed, the same');

SELECT * FROM finish();
ROLLBACK;
