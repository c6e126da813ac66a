-- 015: the whole record of service, as the national rules name it
-- (basic information, service, training, awards, evaluation), and points
-- counted in the month of the service.
--
-- 1. A transfer's value time (value_at): when it counts in reports. A
--    shift's points, and their reversal when the shift is corrected,
--    count at the shift's start, as its hours do; every other transfer
--    (redemptions, voids, help) at its own time (value_at NULL). Set by
--    vp_transfer (sql/functions/ledger.sql). Closed months stay as they
--    were signed: the backfill below dates only the transfers of shifts
--    that started after the latest closed month; the others keep the
--    ledger's clock, which is what the closed months' digests counted.
--    No shift of a closed month can be recorded or corrected any more
--    (vp_dated), so no later transfer is dated into one.
-- 2. Training sessions and who attended them (never service hours).
-- 3. Qualifications held by volunteers: granted by a station, or by
--    attending a training that grants one.
-- 4. Awards and commendations, corrected by a new record.
-- 5. Evaluations of a shift or a completed help request, corrected by
--    reversal.
-- 6. Recruitment: party membership (a personal field: only with consent,
--    erased with the others) and who recruited a volunteer.

ALTER TABLE transfers ADD COLUMN value_at timestamptz;
COMMENT ON COLUMN transfers.value_at IS
	'when the transfer counts in reports: the shift''s start for a shift''s '
	'points and their reversal; NULL: at';

-- The backfill, spelled out. The append-only trigger is off meanwhile (on
-- a new database there is none yet, and no transfer).
ALTER TABLE transfers DISABLE TRIGGER USER;
UPDATE transfers t SET value_at = s.started_at
FROM shifts s
WHERE s.id = t.shift_id AND t.shift_id IS NOT NULL
AND (t.cause = 'shift' OR (t.cause = 'reversal' AND EXISTS (
    SELECT 1 FROM transfers o WHERE o.id = t.reversal_of AND o.cause = 'shift')))
AND s.started_at >= coalesce((SELECT (max(m.month) || '-01')::date::timestamptz
    + interval '1 month' FROM month_closes m), '-infinity');
ALTER TABLE transfers ENABLE TRIGGER USER;

-- Training sessions (append-only), recorded by a station of the
-- community they were held for.
CREATE TABLE trainings (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	community_id	bigint NOT NULL REFERENCES communities,
	station_id	bigint NOT NULL REFERENCES stations,
	keyid		text NOT NULL REFERENCES station_keys,
	course		text NOT NULL CHECK (length(course) BETWEEN 1 AND 200),
	held_on		date NOT NULL,
	minutes		integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
	trainer		text CHECK (length(trainer) BETWEEN 1 AND 100),
	place		text CHECK (length(place) BETWEEN 1 AND 200),
	-- What attending grants, and for how many months (NULL: no expiry).
	qualification	text CHECK (qualification ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
	valid_months	integer CHECK (valid_months BETWEEN 1 AND 1200),
	created_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT trainings_valid_months
	    CHECK (valid_months IS NULL OR qualification IS NOT NULL)
);
CREATE INDEX trainings_community_id_held_on_idx
	ON trainings (community_id, held_on);

-- Who attended a training (append-only): once each.
CREATE TABLE training_attendance (
	training_id	bigint NOT NULL REFERENCES trainings,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	keyid		text NOT NULL REFERENCES station_keys,
	at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (training_id, volunteer_id)
);
CREATE INDEX training_attendance_volunteer_id_idx
	ON training_attendance (volunteer_id);

-- Qualifications a volunteer holds (append-only): valid from issued_on,
-- up to the day before expires_on (NULL: no expiry).
CREATE TABLE qualification_grants (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	qualification	text NOT NULL
			CHECK (qualification ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
	issued_on	date NOT NULL,
	expires_on	date,
	training_id	bigint REFERENCES trainings,	-- NULL: granted by a station
	keyid		text NOT NULL REFERENCES station_keys,
	note		text CHECK (length(note) <= 500),
	at		timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT qualification_grants_dates
	    CHECK (expires_on IS NULL OR expires_on > issued_on)
);
CREATE INDEX qualification_grants_volunteer_id_idx
	ON qualification_grants (volunteer_id, qualification);
CREATE INDEX qualification_grants_expires_on_idx
	ON qualification_grants (expires_on) WHERE expires_on IS NOT NULL;

-- Awards and commendations (append-only). A correction is a new record
-- naming the one it replaces (corrects), with a reason; one that
-- withdraws the award says so (withdrawn) and counts as none.
CREATE TABLE awards (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	title		text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	level		text NOT NULL CHECK (level IN ('community', 'street',
			    'district', 'city', 'province', 'national')),
	awarded_on	date NOT NULL,
	issuer		text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 200),
	reason		text CHECK (length(reason) <= 1000),
	corrects	bigint UNIQUE REFERENCES awards,
	correction	text CHECK (length(correction) BETWEEN 1 AND 500),
	withdrawn	boolean NOT NULL DEFAULT false,
	keyid		text NOT NULL REFERENCES station_keys,
	at		timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT awards_correction
	    CHECK ((corrects IS NULL) = (correction IS NULL)),
	CONSTRAINT awards_withdrawn CHECK (NOT withdrawn OR corrects IS NOT NULL)
);
CREATE INDEX awards_volunteer_id_idx ON awards (volunteer_id);

-- Evaluations of a shift or of a completed help request (append-only),
-- by the resident served or the activity lead, recorded by a station.
-- At most one evaluation stands per role and record: a new one needs the
-- standing one reversed first (evaluation_reversals).
CREATE TABLE evaluations (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	shift_id	bigint REFERENCES shifts,
	help_request_id	bigint REFERENCES help_requests,
	-- What the approval share counts it under: the record's community
	-- and activity type (help: the activity "help").
	community_id	bigint NOT NULL REFERENCES communities,
	activity_id	bigint NOT NULL REFERENCES activities,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,	-- who served
	role		text NOT NULL CHECK (role IN ('resident', 'lead')),
	score		integer NOT NULL CHECK (score BETWEEN 1 AND 5),
	comment		text CHECK (length(comment) BETWEEN 1 AND 1000),
	station_id	bigint NOT NULL REFERENCES stations,
	keyid		text NOT NULL REFERENCES station_keys,
	at		timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT evaluations_subject
	    CHECK ((shift_id IS NULL) <> (help_request_id IS NULL))
);
CREATE INDEX evaluations_shift_id_idx ON evaluations (shift_id)
	WHERE shift_id IS NOT NULL;
CREATE INDEX evaluations_help_request_id_idx ON evaluations (help_request_id)
	WHERE help_request_id IS NOT NULL;
CREATE INDEX evaluations_volunteer_id_idx ON evaluations (volunteer_id);
CREATE INDEX evaluations_at_idx ON evaluations (at);

-- A reversed evaluation counts no more (append-only; once each).
CREATE TABLE evaluation_reversals (
	evaluation_id	bigint PRIMARY KEY REFERENCES evaluations,
	reason		text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
	keyid		text NOT NULL REFERENCES station_keys,
	at		timestamptz NOT NULL DEFAULT now()
);

-- An activity may require a qualification of whoever serves in it
-- (vp_activity_required, sql/functions/record.sql).
ALTER TABLE activities ADD COLUMN requires text
	CHECK (requires ~ '^[a-z0-9][a-z0-9_-]{0,31}$');

-- Recruitment. party_member is a personal field: only with consent
-- (the constraint below), erased with the others (vp_personal_fields).
ALTER TABLE volunteers ADD COLUMN party_member boolean;
ALTER TABLE volunteers ADD COLUMN recruited_by bigint REFERENCES volunteers;
ALTER TABLE volunteers ADD CONSTRAINT volunteers_recruited_by_self
	CHECK (recruited_by IS DISTINCT FROM id);
ALTER TABLE volunteers ADD CONSTRAINT volunteers_party_member_consent
	CHECK (consent OR party_member IS NULL);
CREATE INDEX volunteers_recruited_by_idx ON volunteers (recruited_by)
	WHERE recruited_by IS NOT NULL;
