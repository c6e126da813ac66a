-- Recording shifts through vp_call, as the daemon does: overlaps, open
-- check-ins, every refusal of POST /v1/shifts (each changing nothing),
-- corrections, retries.
BEGIN;
\ir setup.psql
SELECT plan(71);

INSERT INTO accounts (kind, community_id, station_id)
SELECT 'station', community_id, id FROM stations WHERE code = 'st-south';

-- A completed shift.
SELECT status AS s1_status, body AS s1_body, body ->> 'id' AS s1_id
FROM pg_temp.log('north', 'N1', 'clean', '2025-03-03 09:00+08', '2025-03-03 11:00+08') \gset
SELECT is(:s1_status, 201, 'shift_log: 201');
SELECT ok(:'s1_body'::jsonb @> jsonb_build_object('volunteer', 'N1', 'activity', 'clean',
    'minutes', 120, 'points', 20, 'status', 'recorded', 'source', 'log',
    'station', 'st-north', 'recorder', pg_temp.keyid('north')),
    'the shift: 120 minutes, 20 points, recorded by the north key');
SELECT is(:'s1_body'::jsonb ->> 'started_at', '2025-03-03T09:00:00+08:00',
    'times are answered in Asia/Shanghai');
SELECT is(pg_temp.balance('N1'), 20::bigint, 'N1 has 20 points');
SELECT results_eq(format($$SELECT amount, cause, shift_id, keyid FROM transfers
    WHERE to_account = %s$$, pg_temp.account('N1')),
    format($$VALUES (20::bigint, 'shift'::text, %s::bigint, %L::text)$$, :s1_id, pg_temp.keyid('north')),
    'one transfer of 20, cause shift, naming the shift and the key');

-- Overlaps.
SELECT pg_temp.snapshot() AS before \gset
SELECT status AS o_status, body AS o_body
FROM pg_temp.log('north', 'N1', 'clean', '2025-03-03 10:00+08', '2025-03-03 12:00+08') \gset
SELECT is(:o_status, 409, 'an overlapping shift (10:00-12:00 over 09:00-11:00): 409');
SELECT ok(:'o_body'::jsonb @> '{"type":"urn:vpoints:problem:shift-overlap","status":409}',
    'problem type shift-overlap');
SELECT is(pg_temp.snapshot(), :'before', 'and no row added, no points moved');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N1', 'clean',
    '2025-03-03 09:30+08', '2025-03-03 10:30+08')), '409 shift-overlap', 'a shift inside another: 409 shift-overlap');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N1', 'clean',
    '2025-03-03 08:00+08', '2025-03-03 12:00+08')), '409 shift-overlap', 'a shift around another: 409 shift-overlap');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N1', 'clean',
    '2025-03-03 09:00+08', '2025-03-03 11:00+08')), '409 shift-overlap', 'the same shift twice: 409 shift-overlap');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N1', 'clean',
    '2025-03-03 10:59:30+08', '2025-03-03 12:00+08')), '409 shift-overlap', 'thirty seconds of overlap: 409 shift-overlap');
SELECT is(pg_temp.snapshot(), :'before', 'none of them changed anything');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N1', 'clean',
    '2025-03-03 11:00+08', '2025-03-03 12:00+08')), '201', 'a shift starting when another ends is fine');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N1', 'clean',
    '2025-03-03 08:00+08', '2025-03-03 09:00+08')), '201', 'a shift ending when another starts is fine');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N2', 'clean',
    '2025-03-03 09:00+08', '2025-03-03 11:00+08')), '201', 'another volunteer at the same time is fine');
SELECT is(pg_temp.outcome('admin', 'shift_log', pg_temp.log_args('S1', 'clean',
    '2025-03-03 09:00+08', '2025-03-03 11:00+08')), '201', 'an admin key records for any community');
SELECT is(count(*), 3::bigint, 'N1 has three shifts')
FROM shifts WHERE volunteer_id = (SELECT id FROM volunteers WHERE number = 'N1');

-- An open check-in blocks what comes after its start.
SELECT status AS ci_status, body ->> 'status' AS ci_state, body ->> 'id' AS ci_id
FROM pg_temp.call('north', 'shift_checkin', jsonb_build_object('volunteer', 'N3',
    'activity', 'clean', 'started_at', now() - interval '2 hours')) \gset
SELECT is(:ci_status || ' ' || :'ci_state', '201 open', 'a check-in 2 h ago: 201, open');
SELECT pg_temp.snapshot() AS before \gset
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N3', 'clean',
    now() - interval '1 hour', now() - interval '30 minutes')), '409 shift-overlap',
    'a shift after the open check-in''s start: 409 shift-overlap');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N3', 'clean',
    now() - interval '3 hours', now() - interval '1 hour')), '409 shift-overlap',
    'a shift across the check-in''s start: 409 shift-overlap');
SELECT is(pg_temp.outcome('north', 'shift_checkin', jsonb_build_object('volunteer', 'N3',
    'activity', 'clean')), '409 shift-overlap', 'a second check-in: 409 shift-overlap');
SELECT is(pg_temp.snapshot(), :'before', 'no row added, no points moved');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N3', 'clean',
    now() - interval '5 hours', now() - interval '3 hours')), '201', 'a shift before the check-in is fine');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N3', 'clean',
    now() - interval '3 hours', now() - interval '2 hours')), '201', 'a shift ending when the check-in starts is fine');
SELECT is(pg_temp.outcome('admin', 'shift_checkin', jsonb_build_object('volunteer', 'N4',
    'activity', 'clean')), '403 station-only', 'a city-wide admin key cannot check in');
SELECT ok(body @> jsonb_build_object('id', :ci_id::bigint, 'status', 'recorded',
    'source', 'checkout', 'minutes', 120, 'points', 20), 'checkout: the shift keeps its id, 120 minutes, 20 points')
FROM pg_temp.call('north', 'shift_checkout', jsonb_build_object('id', :'ci_id'));
SELECT is(pg_temp.outcome('north', 'shift_checkout', jsonb_build_object('id', :'ci_id')),
    '409 shift-not-open', 'a second checkout: 409 shift-not-open');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N3', 'clean',
    now() - interval '1 hour', now() - interval '30 minutes')), '409 shift-overlap',
    'the closed check-in still blocks its time');

-- Every refusal of the table in doc/api.md changes nothing.
SELECT pg_temp.must('north', 'volunteer_update', '{"number":"N5","status":"suspended","reason":"test"}') IS NULL AS x \gset
SELECT pg_temp.must('north', 'volunteer_update', '{"number":"N6","status":"left"}') IS NULL AS x \gset
SELECT pg_temp.snapshot() AS before \gset
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N4', 'clean',
    '2025-03-10 10:00+08', '2025-03-10 10:00+08')), '422 end-before-start', 'end = start: 422 end-before-start');
SELECT is(pg_temp.snapshot(), :'before', 'end-before-start changed nothing');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N4', 'clean',
    '2025-03-10 10:00+08', '2025-03-10 09:00+08')), '422 end-before-start', 'end before start: 422 end-before-start');
SELECT is(pg_temp.snapshot(), :'before', 'end-before-start changed nothing');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N4', 'clean',
    '2025-03-10 00:00+08', '2025-03-11 00:01+08')), '422 shift-too-long', '24 h 1 min: 422 shift-too-long');
SELECT is(pg_temp.snapshot(), :'before', 'shift-too-long changed nothing');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N4', 'clean',
    now() + interval '5 minutes', now() + interval '65 minutes')), '422 start-in-future',
    'starting in 5 minutes: 422 start-in-future');
SELECT is(pg_temp.snapshot(), :'before', 'start-in-future changed nothing');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N4', 'clean',
    now() - interval '1 hour', now() + interval '10 minutes')), '422 end-in-future',
    'ending in 10 minutes: 422 end-in-future');
SELECT is(pg_temp.snapshot(), :'before', 'end-in-future changed nothing');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('NOBODY', 'clean',
    '2025-03-10 09:00+08', '2025-03-10 10:00+08')), '404 unknown-volunteer', 'unknown volunteer: 404 unknown-volunteer');
SELECT is(pg_temp.snapshot(), :'before', 'unknown-volunteer changed nothing');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N4', 'juggling',
    '2025-03-10 09:00+08', '2025-03-10 10:00+08')), '422 unknown-activity', 'unknown activity: 422 unknown-activity');
SELECT is(pg_temp.snapshot(), :'before', 'unknown-activity changed nothing');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N5', 'clean',
    '2025-03-10 09:00+08', '2025-03-10 10:00+08')), '409 volunteer-suspended', 'suspended volunteer: 409 volunteer-suspended');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N6', 'clean',
    '2025-03-10 09:00+08', '2025-03-10 10:00+08')), '409 volunteer-suspended', 'a volunteer who left: 409 volunteer-suspended');
SELECT is(pg_temp.snapshot(), :'before', 'volunteer-suspended changed nothing');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('S1', 'clean',
    '2025-03-10 09:00+08', '2025-03-10 10:00+08')), '403 outside-community', 'a north key for a south volunteer: 403 outside-community');
SELECT is(pg_temp.snapshot(), :'before', 'outside-community changed nothing');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N4', 'clean',
    '2025-03-10 10:00:10+08', '2025-03-10 10:00:50+08')), '422 shift-too-short', '40 seconds within a minute: 422 shift-too-short');
SELECT is(pg_temp.outcome('north', 'shift_log', '{"volunteer":"N4","activity":"clean",
    "started_at":"yesterday","ended_at":"2025-03-10T10:00:00+08:00"}'), '422 invalid-field', 'a malformed time: 422 invalid-field');
SELECT is(pg_temp.snapshot(), :'before', 'shift-too-short and invalid-field changed nothing');
SELECT is(body ->> 'minutes', '1440', 'exactly 24 h is accepted: 1440 minutes')
FROM pg_temp.log('north', 'N4', 'clean', '2025-03-12 00:00+08', '2025-03-13 00:00+08');

-- Retries: the same Idempotency-Key gets the stored answer and writes nothing.
SELECT status AS r_status, body AS r_body FROM vp_call(pg_temp.keyid('north'),
    gen_random_uuid()::text, 'shift_log', 'retry-1', 'fp-1', pg_temp.log_args('N4', 'clean',
    '2025-03-14 09:00+08', '2025-03-14 10:00+08'), 'Asia/Shanghai') \gset
SELECT pg_temp.snapshot() AS before \gset
SELECT is(status || ' ' || body, '201 ' || :'r_body', 'a retry gets the stored 201 byte for byte')
FROM vp_call(pg_temp.keyid('north'), gen_random_uuid()::text, 'shift_log', 'retry-1', 'fp-1',
    pg_temp.log_args('N4', 'clean', '2025-03-14 09:00+08', '2025-03-14 10:00+08'), 'Asia/Shanghai');
SELECT is(pg_temp.snapshot(), :'before', 'and writes nothing');

-- Corrections.
SELECT id AS n2_old FROM shifts WHERE volunteer_id = (SELECT id FROM volunteers WHERE number = 'N2') \gset
SELECT status AS c_status, body AS c_body
FROM pg_temp.call('north', 'shift_correct', jsonb_build_object('id', :'n2_old',
    'reason', 'left at ten', 'ended_at', '2025-03-03T10:00:00+08:00')) \gset
SELECT is(:c_status, 201, 'a correction: 201');
SELECT ok(:'c_body'::jsonb @> jsonb_build_object('corrects', :n2_old, 'points', 10, 'minutes', 60,
    'source', 'correction', 'reason', 'left at ten', 'status', 'recorded'),
    'the new record corrects the old one: 60 minutes, 10 points');
SELECT results_eq(format($$SELECT points, minutes, ended_at FROM shifts WHERE id = %s$$, :n2_old),
    $$VALUES (20, 120, '2025-03-03 11:00+08'::timestamptz)$$, 'the old record is kept unchanged');
SELECT is((SELECT string_agg(e ->> 'status', ',') FROM jsonb_array_elements(body -> 'shifts') e
    WHERE (e ->> 'id')::bigint = :n2_old), 'corrected', 'shift_list shows it with status corrected')
FROM pg_temp.call('north', 'shift_list', '{"volunteer":"N2"}');
SELECT is(pg_temp.balance('N2'), 10::bigint, 'N2''s balance: 20 reversed, 10 awarded');
SELECT results_eq(format($$SELECT t.amount, t.from_account, t.to_account, t.shift_id, t.memo, o.id
    FROM transfers t JOIN transfers o ON o.id = t.reversal_of WHERE t.cause = 'reversal'$$),
    format($$SELECT 20::bigint, %s::bigint, o.from_account, %s::bigint, 'left at ten'::text, o.id
	FROM transfers o WHERE o.shift_id = %s AND o.cause = 'shift'$$,
	pg_temp.account('N2'), :n2_old, :n2_old),
    'one reversal: 20 back to issuance, naming the old shift''s award');
SELECT is(vp_volunteer_minutes(id), 60::bigint, 'service minutes count the new record only')
FROM volunteers WHERE number = 'N2';
SELECT pg_temp.snapshot() AS before \gset
SELECT is(pg_temp.outcome('north', 'shift_correct', jsonb_build_object('id', :'n2_old',
    'reason', 'again')), '409 already-corrected', 'correcting it again: 409 already-corrected');
SELECT is(pg_temp.snapshot(), :'before', 'and nothing changed');
SELECT is(pg_temp.outcome('north', 'shift_log', pg_temp.log_args('N2', 'clean',
    '2025-03-03 10:00+08', '2025-03-03 11:00+08')), '201', 'the corrected record no longer blocks its time');
SELECT is(pg_temp.outcome('north', 'shift_correct', jsonb_build_object('id', :'s1_id',
    'reason', 'came earlier', 'started_at', '2025-03-03T07:30:00+08:00')), '409 shift-overlap',
    'a correction overlapping another shift: 409 shift-overlap');
SELECT status AS ci4_status, body ->> 'id' AS ci4_id FROM pg_temp.call('north', 'shift_checkin',
    jsonb_build_object('volunteer', 'N4', 'activity', 'clean', 'started_at', now() - interval '30 minutes')) \gset
SELECT is(pg_temp.outcome('north', 'shift_correct', jsonb_build_object('id', :'ci4_id',
    'reason', 'early')), '409 shift-not-open', 'correcting an open check-in: 409 shift-not-open');
-- Spent points cannot be reversed.
SELECT vp_transfer(pg_temp.account('S1'), a.id, 15, 'redemption', NULL, NULL, 'gift') IS NULL AS x
FROM accounts a JOIN stations s ON s.id = a.station_id WHERE s.code = 'st-south' \gset
SELECT pg_temp.snapshot() AS before \gset
SELECT is(pg_temp.outcome('south', 'shift_correct', jsonb_build_object('reason', 'shorter',
    'id', (SELECT id FROM shifts WHERE volunteer_id = (SELECT id FROM volunteers WHERE number = 'S1'))::text,
    'ended_at', '2025-03-03T10:00:00+08:00')), '409 points-already-spent',
    'S1 spent 15 of 20: shortening the shift to 10 points: 409 points-already-spent');
SELECT is(pg_temp.snapshot(), :'before', 'and nothing changed');
SELECT is(pg_temp.balance('S1'), 5::bigint, 'S1 still has 5');

-- Conservation after all of the above.
SELECT is(sum(balance), 0::numeric, 'the balances of all accounts sum to 0') FROM accounts;
SELECT is_empty($$SELECT a.id FROM accounts a
    WHERE a.balance <> coalesce((SELECT sum(amount) FROM transfers WHERE to_account = a.id), 0)
	- coalesce((SELECT sum(amount) FROM transfers WHERE from_account = a.id), 0)$$,
    'each account''s balance is its incoming minus its outgoing transfers');

SELECT * FROM finish();
ROLLBACK;
