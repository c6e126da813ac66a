-- The ledger's guards: balances never negative, append-only tables,
-- conservation of points after a mix of operations.
BEGIN;
\ir setup.psql
SELECT plan(57);

-- A gift sink for north's station, where redemptions go.
INSERT INTO accounts (kind, community_id, station_id)
SELECT 'station', community_id, id FROM stations WHERE code = 'st-north';
CREATE FUNCTION pg_temp.sink() RETURNS bigint LANGUAGE sql STABLE AS $$
	SELECT a.id FROM accounts a JOIN stations s ON s.id = a.station_id
	WHERE s.code = 'st-north'
$$;

SELECT is(status, 201, 'a 2-hour shift is recorded')
FROM pg_temp.log('north', 'N1', 'clean', '2025-03-03 09:00+08', '2025-03-03 11:00+08');
SELECT is(pg_temp.balance('N1'), 20::bigint, 'it earns 20 points at 10 points an hour');

-- Never below zero.
SELECT pg_temp.snapshot() AS before \gset
SELECT throws_ok(format('SELECT vp_transfer(%s, %s, 21, %L, NULL, NULL, %L)',
    pg_temp.account('N1'), pg_temp.sink(), 'redemption', 'too much'),
    '23514', NULL, 'vp_transfer of 21 from a balance of 20 throws 23514');
SELECT is(pg_temp.snapshot(), :'before', 'and changes nothing');
SELECT lives_ok(format('SELECT vp_transfer(%s, %s, 20, %L, NULL, NULL, %L)',
    pg_temp.account('N1'), pg_temp.sink(), 'redemption', 'all of it'),
    'vp_transfer of the whole balance passes');
SELECT is(pg_temp.balance('N1'), 0::bigint, 'the balance is then 0');
SELECT throws_ok(format('SELECT vp_transfer(%s, %s, 1, %L, NULL, NULL, NULL)',
    pg_temp.account('N1'), pg_temp.sink(), 'redemption'),
    '23514', NULL, 'vp_transfer of 1 from a balance of 0 throws 23514');
SELECT throws_ok(format('UPDATE accounts SET balance = -1 WHERE id = %s',
    pg_temp.account('N1')), '23514', NULL,
    'the CHECK on accounts refuses a negative volunteer balance set directly');
SELECT throws_ok(format('SELECT vp_transfer(%s, %s, 0, %L, NULL, NULL, NULL)',
    vp_issuance_account(v.community_id), pg_temp.account('N1'), 'shift'),
    '23514', NULL, 'a transfer of 0 points throws 23514')
FROM volunteers v WHERE v.number = 'N1';
SELECT throws_ok(format('SELECT vp_transfer(%s, %s, -5, %L, NULL, NULL, NULL)',
    pg_temp.account('N1'), pg_temp.sink(), 'redemption'),
    '23514', NULL, 'a negative transfer (which would credit the payer) throws 23514');
SELECT throws_ok(format('SELECT vp_transfer(%s, %s, 1, %L, NULL, NULL, NULL)',
    pg_temp.sink(), pg_temp.sink(), 'redemption'),
    '23514', NULL, 'a transfer from an account to itself throws 23514');
SELECT is(pg_temp.balance('N1'), 0::bigint, 'after the refusals N1 still has 0');

SELECT is(status, 201, 'S1 of south earns 20 points')
FROM pg_temp.log('south', 'S1', 'clean', '2025-03-03 09:00+08', '2025-03-03 11:00+08');

-- Append-only tables.
SELECT pg_temp.snapshot() AS before \gset
SELECT count(*) AS history_rows FROM volunteer_history \gset
SELECT throws_ok('UPDATE transfers SET memo = ''edited''', '42501',
    'transfers is append-only: UPDATE refused', 'UPDATE on transfers is refused');
SELECT throws_ok('DELETE FROM transfers', '42501',
    'transfers is append-only: DELETE refused', 'DELETE on transfers is refused');
SELECT throws_ok('TRUNCATE transfers', '0A000', NULL,
    'TRUNCATE on transfers alone is refused (volunteer_moves refer to it)');
SELECT throws_ok('TRUNCATE transfers CASCADE', '42501', NULL,
    'TRUNCATE on transfers (with volunteer_moves, CASCADE) is refused by the append-only trigger');
SELECT throws_ok('UPDATE shifts SET points = points + 1', '42501',
    'shifts is append-only: UPDATE refused', 'UPDATE on shifts is refused');
SELECT throws_ok('DELETE FROM shifts', '42501',
    'shifts is append-only: DELETE refused', 'DELETE on shifts is refused');
SELECT throws_ok('TRUNCATE shifts', '0A000', NULL,
    'TRUNCATE on shifts alone is refused (transfers refer to it)');
SELECT throws_ok('TRUNCATE shifts CASCADE', '42501', NULL,
    'TRUNCATE on shifts (with transfers, CASCADE) is refused by the append-only trigger');
SELECT throws_ok('UPDATE volunteer_history SET reason = ''edited''', '42501',
    'volunteer_history is append-only: UPDATE refused',
    'UPDATE on volunteer_history is refused');
SELECT throws_ok('DELETE FROM volunteer_history', '42501',
    'volunteer_history is append-only: DELETE refused',
    'DELETE on volunteer_history is refused');
SELECT is(pg_temp.snapshot(), :'before', 'shifts, transfers and balances are intact');
SELECT is(count(*), :history_rows::bigint, 'volunteer_history is intact')
FROM volunteer_history;

-- Conservation after a mix: shifts logged, a check-in closed, corrections
-- up and down, redemptions, refusals, two communities.
DO $$
DECLARE
	b jsonb;
	old text;
BEGIN
	PERFORM pg_temp.must('north', 'shift_log', pg_temp.log_args('N2', 'clean',
	    '2025-03-04 09:00+08', '2025-03-04 12:30+08'));
	b := pg_temp.must('north', 'shift_log', pg_temp.log_args('N2', 'clean',
	    '2025-03-05 09:00+08', '2025-03-05 10:00+08'));
	PERFORM pg_temp.must('north', 'shift_correct', jsonb_build_object(
	    'id', b ->> 'id', 'reason', 'left later', 'ended_at', '2025-03-05T11:45:00+08:00'));
	b := pg_temp.must('north', 'shift_log', pg_temp.log_args('N3', 'clean',
	    '2025-03-04 13:00+08', '2025-03-04 17:00+08'));
	old := b ->> 'id';
	b := pg_temp.must('north', 'shift_correct', jsonb_build_object(
	    'id', old, 'reason', 'left early', 'ended_at', '2025-03-04T14:10:00+08:00'));
	PERFORM pg_temp.must('admin', 'shift_correct', jsonb_build_object(
	    'id', b ->> 'id', 'reason', 'really left at 15', 'ended_at', '2025-03-04T15:00:00+08:00'));
	b := pg_temp.must('north', 'shift_checkin', jsonb_build_object('volunteer', 'N4',
	    'activity', 'clean', 'started_at', now() - interval '3 hours 7 minutes'));
	PERFORM pg_temp.must('north', 'shift_checkout', jsonb_build_object(
	    'id', b ->> 'id', 'ended_at', now() - interval '1 hour'));
	PERFORM pg_temp.must('south', 'shift_log', pg_temp.log_args('S1', 'clean',
	    '2025-03-04 09:00+08', '2025-03-04 09:59+08'));
	PERFORM vp_transfer(pg_temp.account('N2'), pg_temp.sink(), 17, 'redemption', NULL, NULL, 'towel');
	PERFORM vp_transfer(pg_temp.account('N3'), pg_temp.sink(), 5, 'redemption', NULL, NULL, 'soap');
	-- Refusals in between.
	PERFORM pg_temp.call('north', 'shift_log', pg_temp.log_args('N2', 'clean',
	    '2025-03-04 10:00+08', '2025-03-04 11:00+08'));
	PERFORM pg_temp.call('north', 'shift_log', pg_temp.log_args('S1', 'clean',
	    '2025-03-06 10:00+08', '2025-03-06 11:00+08'));
	PERFORM pg_temp.call('north', 'shift_correct', jsonb_build_object(
	    'id', old, 'reason', 'twice'));
END
$$;

SELECT is(sum(balance), 0::numeric, 'conservation: the balances of all accounts sum to 0')
FROM accounts;
SELECT is_empty($$SELECT community_id FROM accounts GROUP BY community_id
    HAVING sum(balance) <> 0$$, 'and those of each community too');
SELECT is_empty($$SELECT a.id, a.balance FROM accounts a
    WHERE a.balance <> coalesce((SELECT sum(amount) FROM transfers WHERE to_account = a.id), 0)
	- coalesce((SELECT sum(amount) FROM transfers WHERE from_account = a.id), 0)$$,
    'each account''s balance is its incoming minus its outgoing transfers');
SELECT is_empty($$SELECT t.id FROM transfers t
    JOIN accounts f ON f.id = t.from_account JOIN accounts o ON o.id = t.to_account
    WHERE f.community_id <> o.community_id$$,
    'no transfer crosses communities');
SELECT is_empty($$SELECT v.number FROM volunteers v JOIN accounts a ON a.volunteer_id = v.id
    WHERE a.balance <> (SELECT coalesce(sum(s.points), 0) FROM shifts s
	WHERE s.volunteer_id = v.id
	AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id))
    - (SELECT coalesce(sum(t.amount), 0) FROM transfers t
	WHERE t.from_account = a.id AND t.cause = 'redemption')$$,
    'each volunteer holds the points of their current shifts less what they redeemed');
SELECT results_eq($$SELECT pg_temp.balance('N2'), pg_temp.balance('N3'),
	pg_temp.balance('N4'), pg_temp.balance('S1')$$,
    $$VALUES (35::bigint + 27 - 17, 20::bigint - 5, 21::bigint, 29::bigint)$$,
    'the balances are the expected ones (N2 35+27-17, N3 20-5, N4 21, S1 20+9)');
SELECT is_empty($$SELECT id FROM accounts WHERE kind = 'volunteer' AND balance < 0$$,
    'no volunteer balance is negative');

-- The issuance account is spread over parts (021): each shift's points
-- leave the part of its volunteer, so two shifts of a community hold two
-- rows when their volunteers' parts differ.
SELECT is_empty($$SELECT t.id FROM transfers t
    JOIN shifts s ON s.id = t.shift_id JOIN accounts a ON a.id = t.from_account
    WHERE t.cause = 'shift' AND (a.kind <> 'issuance'
	OR a.community_id <> s.community_id
	OR a.part <> vp_issuance_part(s.volunteer_id))$$,
    'a shift''s points leave its volunteer''s part of its community''s issuance account');
SELECT cmp_ok((SELECT count(DISTINCT a.id)::integer FROM transfers t
    JOIN accounts a ON a.id = t.from_account JOIN communities c ON c.id = a.community_id
    WHERE t.cause = 'shift' AND c.code = 'north'), '>', 1,
    'north''s shifts drew on more than one part');
SELECT is((SELECT issued FROM vp_metrics()), (SELECT sum(s.points)::bigint
    FROM shifts s WHERE NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id)),
    'the points issued (/metrics) are those of the current shifts, over every part');
SELECT ok((vp_audit() ->> 'ok')::boolean, 'vp_audit finds nothing wrong');

-- TRUNCATE is refused too.
SELECT throws_ok('TRUNCATE volunteer_history', '42501',
    'volunteer_history is append-only: TRUNCATE refused',
    'TRUNCATE on volunteer_history is refused');

-- The ledger's newest transfers: the two sides of the account (points in,
-- points out) read apart and merged, newest first (here one transaction:
-- one time, so by id), each limit cut across both sides.
SELECT is(status, 201, 'N1 serves again')
FROM pg_temp.log('north', 'N1', 'clean', '2025-03-04 09:00+08', '2025-03-04 10:00+08');
SELECT lives_ok(format('SELECT vp_transfer(%s, %s, 5, %L, NULL, NULL, %L)',
    pg_temp.account('N1'), pg_temp.sink(), 'redemption', 'five'),
    '... spends 5 of it');
SELECT is(status, 201, '... and serves once more')
FROM pg_temp.log('north', 'N1', 'clean', '2025-03-05 09:00+08', '2025-03-05 10:00+08');
SELECT is((SELECT array_agg((t ->> 'id')::bigint || ':' || (t ->> 'amount') ORDER BY o)
    FROM pg_temp.call('north', 'volunteer_ledger',
	jsonb_build_object('number', 'N1', 'limit', n)) c,
    jsonb_array_elements(c.body -> 'transfers') WITH ORDINALITY x(t, o)),
    (SELECT array_agg(id || ':' || CASE WHEN to_account = pg_temp.account('N1')
	THEN amount ELSE -amount END ORDER BY id DESC)
    FROM (SELECT * FROM transfers WHERE pg_temp.account('N1') IN (from_account,
	to_account) ORDER BY id DESC LIMIT n) t),
    format('the ledger of N1 with limit %s: its %s newest transfers, in and out', n, n))
FROM generate_series(1, 6) n;

-- A read commits without waiting for the disk; a write, refused or not,
-- as the server says (synchronous_commit: on).
SET LOCAL synchronous_commit = on;
SELECT is((SELECT status FROM pg_temp.call('north', 'shift_log', '{}')), 422,
    'a write refused ...');
SELECT is(current_setting('synchronous_commit'), 'on', '... commits durably');
SELECT is((SELECT status FROM pg_temp.call('north', 'volunteer_ledger',
    '{"number":"N1"}')), 200, 'a read ...');
SELECT is(current_setting('synchronous_commit'), 'off',
    '... commits without waiting for the flush');

-- A ledger faulted in many rows: the audit counts every problem and lists
-- the first vp_audit_listed() (here 1,005 items with stock no restock
-- gave).
SAVEPOINT faulted;
INSERT INTO catalog_items (station_id, community_id, code, name, category,
    price, stock)
SELECT s.id, s.community_id, 'fault-' || n, 'Fault ' || n, 'gift', 1, 1
FROM stations s, generate_series(1, 1005) n WHERE s.code = 'st-north';
SELECT is((vp_audit() ->> 'ok')::boolean, false, 'a faulted ledger: not ok');
SELECT is((vp_audit() ->> 'problem_count')::integer, 1005,
    '... every problem counted');
SELECT is(jsonb_array_length(vp_audit() -> 'problems'), vp_audit_listed(),
    '... the first vp_audit_listed() listed');
ROLLBACK TO SAVEPOINT faulted;

-- A certificate is kept as it was signed, revoked once, never un-revoked.
SELECT pg_temp.must('north', 'certificate_issue', '{"volunteer":"N1","year":"2025"}') ->> 'number'
    AS cert \gset
SELECT throws_ok(format($$UPDATE certificates SET payload = '{}' WHERE number = %L$$, :'cert'),
    '42501', NULL, 'a certificate''s signed payload is not changed');
SELECT is(pg_temp.outcome('north', 'certificate_revoke', jsonb_build_object('number', :'cert',
    'reason', 'issued in error')), '201', 'it is revoked');
SELECT throws_ok(format($$UPDATE certificates SET revoked_at = NULL, revoke_reason = NULL
    WHERE number = %L$$, :'cert'), '42501', NULL, '... and not un-revoked');
SELECT throws_ok(format($$DELETE FROM certificates WHERE number = %L$$, :'cert'),
    '42501', NULL, '... nor deleted');

SELECT * FROM finish();
ROLLBACK;
