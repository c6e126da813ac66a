-- 010: personal data that stays private.
--
-- 1. ID-number refusals. A registration or update refused because its ID
--    number is another volunteer's is recorded here, with the key that
--    sent it, for the city office to resolve; the station is told only
--    that the person appears to be registered already. A key with
--    vp_id_refusal_limit() unresolved refusals gets no more answers about
--    ID numbers (429) until an admin resolves them (sql/functions/
--    volunteers.sql), so no key can learn ID numbers by guessing.
-- 2. Erasure. Withdrawn consent and a volunteer who left take the
--    personal fields (gender, birth month, phone, skills) out of every
--    place they are kept: the volunteer, its history rows (whose
--    append-only trigger lets exactly that change through) and the
--    stored answers of idempotent writes (idempotency.volunteer_id says
--    which). The backfill below does it for
--    the volunteers that withdrew or left before this migration.

CREATE TABLE id_number_refusals (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	keyid		text NOT NULL REFERENCES station_keys,	-- who asked
	operation	text NOT NULL CHECK (operation IN ('register', 'update')),
	-- The volunteer number the refused write was for: the one to be
	-- registered (no such volunteer exists) or the one updated.
	volunteer	text NOT NULL CHECK (length(volunteer) BETWEEN 1 AND 32),
	-- Who holds the ID number already.
	existing_id	bigint NOT NULL REFERENCES volunteers,
	resolved_at	timestamptz,
	resolved_by	text REFERENCES station_keys,
	note		text CHECK (length(note) <= 500),
	CONSTRAINT id_number_refusals_resolved
	    CHECK ((resolved_at IS NULL) = (resolved_by IS NULL))
);
-- A key's unresolved refusals: read at every write with an ID number.
CREATE INDEX id_number_refusals_open ON id_number_refusals (keyid)
	WHERE resolved_at IS NULL;
CREATE INDEX id_number_refusals_existing_id_idx
	ON id_number_refusals (existing_id);

-- The volunteer a stored answer describes (the volunteer JSON of a
-- registration, update or team change), so that its personal fields can
-- be erased from it; NULL for the others.
ALTER TABLE idempotency ADD COLUMN volunteer_id bigint;
CREATE INDEX idempotency_volunteer_id ON idempotency (volunteer_id)
	WHERE volunteer_id IS NOT NULL;

-- The backfill, spelled out (no function of sql/functions/): a volunteer
-- who left keeps no consent; every volunteer without consent has the
-- personal fields erased from its history rows and from stored answers.
-- The triggers of both tables are off meanwhile (on a new database there
-- are none yet): the history's append-only trigger would refuse the
-- change, and the history row of the change is written here.
ALTER TABLE volunteers DISABLE TRIGGER USER;
ALTER TABLE volunteer_history DISABLE TRIGGER USER;

WITH gone AS (
	UPDATE volunteers SET consent = false, gender = NULL,
	    birth_month = NULL, phone = NULL, skills = NULL, updated_at = now()
	WHERE status = 'left' AND consent
	RETURNING *)
INSERT INTO volunteer_history (volunteer_id, keyid, action, data, reason)
SELECT g.id, NULL, 'update',
    to_jsonb(g) - 'id_hash' - 'created_at' - 'updated_at',
    'left: personal fields erased (upgrade)'
FROM gone g;

-- A history row's personal fields go when a later row of the same
-- volunteer says consent was withdrawn; a stored answer's, when such a
-- row is later than the answer.
UPDATE volunteer_history h
SET data = h.data || (SELECT jsonb_object_agg(k, 'null'::jsonb)
    FROM unnest(ARRAY['gender', 'birth_month', 'phone', 'skills']) k
    WHERE h.data ? k)
WHERE h.data ?| ARRAY['gender', 'birth_month', 'phone', 'skills']
AND EXISTS (SELECT 1 FROM unnest(ARRAY['gender', 'birth_month', 'phone',
    'skills']) k WHERE h.data -> k <> 'null'::jsonb)
AND EXISTS (SELECT 1 FROM volunteer_history w
    WHERE w.volunteer_id = h.volunteer_id AND w.id > h.id
    AND w.action IN ('register', 'update')
    AND w.data -> 'consent' = 'false'::jsonb);

UPDATE idempotency i
SET body = (i.body::jsonb - ARRAY['gender', 'birth_month', 'phone',
    'skills'])::text
FROM volunteers v
WHERE i.status < 300
AND strpos(i.body, '"number": "' || v.number || '"') > 0
AND (i.body::jsonb) ?| ARRAY['gender', 'birth_month', 'phone', 'skills']
AND EXISTS (SELECT 1 FROM volunteer_history w
    WHERE w.volunteer_id = v.id AND w.at >= i.created_at
    AND w.action IN ('register', 'update')
    AND w.data -> 'consent' = 'false'::jsonb);

ALTER TABLE volunteers ENABLE TRIGGER USER;
ALTER TABLE volunteer_history ENABLE TRIGGER USER;
