-- Help given (积分换互助) as a service record: the helper's shift earns
-- no points of the issuance, however it is corrected (the requester pays
-- the helper), and takes the activity's qualification like any shift. A
-- volunteer who moves loses the link to their page that the old
-- community's station issued.
BEGIN;
\ir setup.psql
SELECT plan(20);

DO $$
BEGIN
	PERFORM pg_temp.must('admin', 'activity_add',
	    '{"code":"aid","name":"First aid","points_per_hour":20,"requires":"first-aid"}');
	-- N1 earns points to pay for help with.
	PERFORM pg_temp.log('north', 'N1', 'clean', now() - interval '30 hours',
	    now() - interval '28 hours');
END
$$;

-- Help with an activity that has a rate: the helper gets the requester's
-- points, nothing from the issuance.
SELECT pg_temp.must('north', 'help_request', '{"requester":"N1","points":5,
    "description":"carry the shopping"}') ->> 'id' AS help_id \gset
SELECT pg_temp.must('north', 'help_accept', jsonb_build_object('id', :'help_id',
    'helper', 'N2')) AS fixture \gset
SELECT is(pg_temp.outcome('north', 'help_complete', jsonb_build_object('id', :'help_id',
    'minutes', 120, 'activity', 'clean')), '201', 'help completed as cleaning, 2 hours');
SELECT shift_id AS help_shift FROM help_requests WHERE id = :'help_id' \gset
SELECT is(pg_temp.balance('N2'), 5::bigint, 'the helper has the 5 points of the request');
SELECT is((SELECT points FROM shifts WHERE id = :help_shift), 0, 'the shift has no points');

-- A correction that changes nothing, then one that changes the minutes,
-- then one of that: never points.
SELECT is(body ->> 'points', '0', 'a correction of the help shift: 0 points')
FROM pg_temp.call('north', 'shift_correct', jsonb_build_object('id', :'help_shift',
    'reason', 'typo'));
SELECT is(pg_temp.balance('N2'), 5::bigint, 'and the helper''s balance stays 5');
SELECT id AS fix1 FROM shifts WHERE corrects = :help_shift \gset
SELECT is(body ->> 'points', '0', 'corrected again, to an hour: 0 points')
FROM pg_temp.call('north', 'shift_correct', jsonb_build_object('id', :'fix1',
    'reason', 'it was an hour',
    'started_at', (SELECT started_at FROM shifts WHERE id = :fix1),
    'ended_at', (SELECT started_at + interval '1 hour' FROM shifts WHERE id = :fix1)));
SELECT id AS fix2 FROM shifts WHERE corrects = :fix1 \gset
SELECT is((SELECT minutes FROM shifts WHERE id = :fix2), 60, 'the newest record has the hour');
SELECT is(body ->> 'points', '0', 'and to another activity with a rate: 0 points')
FROM pg_temp.call('north', 'shift_correct', jsonb_build_object('id', :'fix2',
    'reason', 'it was cleaning after all', 'activity', 'clean'));
SELECT is(pg_temp.balance('N2'), 5::bigint, 'the helper''s balance is still 5');
SELECT is((SELECT count(*) FROM transfers t JOIN shifts s ON s.id = t.shift_id
    WHERE s.volunteer_id = (SELECT id FROM volunteers WHERE number = 'N2')),
    0::bigint, 'no transfer of the issuance for any of the records');
SELECT is(vp_audit() -> 'problems', '[]'::jsonb, 'the audit is clean');

-- An ordinary shift's correction still earns its points.
SELECT body ->> 'id' AS plain_shift FROM pg_temp.log('north', 'N3', 'clean',
    now() - interval '30 hours', now() - interval '29 hours') \gset
SELECT is(body ->> 'points', '20', 'an ordinary shift corrected to 2 hours: 20 points')
FROM pg_temp.call('north', 'shift_correct', jsonb_build_object('id', :'plain_shift',
    'reason', 'stayed longer',
    'ended_at', (SELECT started_at + interval '2 hours' FROM shifts WHERE id = :plain_shift)));

-- The activity's qualification: N4 has no first aid.
SELECT pg_temp.must('north', 'help_request', '{"requester":"N1","points":3,
    "description":"a dressing changed"}') ->> 'id' AS aid_id \gset
SELECT pg_temp.must('north', 'help_accept', jsonb_build_object('id', :'aid_id',
    'helper', 'N4')) AS fixture \gset
SELECT pg_temp.snapshot() AS before_aid \gset
SELECT is(pg_temp.outcome('north', 'help_complete', jsonb_build_object('id', :'aid_id',
    'minutes', 30, 'activity', 'aid')), '409 qualification-required',
    'help as first aid by a volunteer without it: 409');
SELECT is(pg_temp.snapshot(), :'before_aid', 'and nothing changed');
SELECT is((SELECT status FROM help_requests WHERE id = :aid_id), 'accepted',
    'the request is still accepted');

-- A move revokes the link to the page, which the old community's station
-- issued (and whose token it knows).
SELECT pg_temp.must('north', 'volunteer_link', jsonb_build_object('number', 'N5',
    'token_hash', repeat('ab', 32))) ->> 'link' AS link_id \gset
SELECT is((SELECT status FROM vp_page(repeat('ab', 32), 'volunteer', 'view', '{}',
    'Asia/Shanghai', '{}')), 200, 'the link opens N5''s page');
SELECT is(body -> 'move' ->> 'link_revoked', :'link_id', 'moved to south: the link is revoked')
FROM pg_temp.call('admin', 'volunteer_move', '{"number":"N5","community":"south",
    "reason":"moved house"}');
SELECT is((SELECT status FROM vp_page(repeat('ab', 32), 'volunteer', 'view', '{}',
    'Asia/Shanghai', '{}')), 404, 'the old link opens nothing');
SELECT is((SELECT data ->> 'link_revoked' FROM volunteer_history
    WHERE volunteer_id = (SELECT id FROM volunteers WHERE number = 'N5')
    AND action = 'move'), :'link_id', 'the move''s history row names the link');
SELECT ok(NOT (body -> 'move' ? 'link_revoked'), 'a volunteer without a link: no link_revoked')
FROM pg_temp.call('admin', 'volunteer_move', '{"number":"N6","community":"south",
    "reason":"moved house"}');

SELECT * FROM finish();
ROLLBACK;
