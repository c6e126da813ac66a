-- 008: the baseline. The state (tables, types, sequences, indexes,
-- constraints, seed rows) that the released migrations 001_base.sql to
-- 008_reports.sql left, written once; the functions, trigger functions
-- and triggers of that release are in sql/functions/. A new database
-- starts here; a database those migrations made is recorded as at this
-- version instead (daemon/migrate.c knows their names and checksums) and
-- goes on with 009. Index and table-constraint names are the ones
-- PostgreSQL generated for those migrations, so both kinds of database
-- have the same names. Never edit this file: add a migration.
--
-- Conventions kept by every table:
-- - codes (communities, stations, teams, activities, catalogue items) are
--   letters, digits, - and _, at most 32;
-- - functions refuse an operation with SQLSTATE 'VPnnn' (nnn: the HTTP
--   status), the problem slug as message and a sentence as detail.
--
-- Invariants of the ledger, kept by these constraints and by the
-- functions of sql/functions/ledger.sql that rely on them:
-- - every movement of points is a transfer of a positive amount between
--   two accounts, and both balances change in the same transaction;
-- - a volunteer's balance is never negative (CHECK on accounts);
-- - transfers and shifts are append-only (triggers in
--   sql/functions/base.sql): a correction is a new shift that names the
--   one it corrects, and a reversing transfer;
-- - hours (whole minutes of actual service) never depend on the points
--   rule; the rule only decides the points.

-- Communities: the unit every other table carries.
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

-- RFC 7638 JWK SHA-256 thumbprint of an Ed25519 public key (32 bytes).
-- State, not a repeatable function: the CHECK of station_keys calls it,
-- so changing it is a versioned migration (see sql/README.md).
CREATE FUNCTION vp_thumbprint(public_key bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT rtrim(translate(encode(sha256(convert_to(
	    '{"crv":"Ed25519","kty":"OKP","x":"'
	    || rtrim(translate(encode(public_key, 'base64'), '+/', '-_'), '=')
	    || '"}', 'UTF8')), 'base64'), '+/', '-_'), '=')
$$;

-- Stations (and admins) and their keys: who may sign requests.
CREATE TABLE stations (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code		text NOT NULL UNIQUE
			CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	-- NULL only for city-wide admin keys.
	community_id	bigint REFERENCES communities,
	role		text NOT NULL CHECK (role IN ('station', 'admin')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT stations_check CHECK (role = 'admin' OR community_id IS NOT NULL)
);

CREATE TABLE station_keys (
	keyid		text PRIMARY KEY,
	station_id	bigint NOT NULL REFERENCES stations,
	public_key	bytea NOT NULL CHECK (length(public_key) = 32),
	created_at	timestamptz NOT NULL DEFAULT now(),
	created_by	text REFERENCES station_keys,
	revoked_at	timestamptz,
	revoked_by	text REFERENCES station_keys,
	CONSTRAINT station_keys_check CHECK (keyid = vp_thumbprint(public_key))
);
CREATE INDEX station_keys_station_id_idx ON station_keys (station_id);

-- Nonces seen per key; pruned once older than any acceptable signature.
CREATE TABLE request_nonces (
	keyid		text NOT NULL,
	nonce		text NOT NULL,
	seen_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (keyid, nonce)
);
CREATE INDEX request_nonces_seen_at_idx ON request_nonces (seen_at);

-- The outcome of each write, by key and Idempotency-Key, for retries.
CREATE TABLE idempotency (
	keyid		text NOT NULL,
	idem_key	text NOT NULL,
	fingerprint	text NOT NULL,
	status		integer NOT NULL,
	body		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (keyid, idem_key)
);
CREATE INDEX idempotency_created_at_idx ON idempotency (created_at);

-- Every administrative action, signed and kept.
CREATE TABLE admin_actions (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	keyid		text REFERENCES station_keys,	-- NULL: vpointsd --init-admin
	action		text NOT NULL,
	subject		text NOT NULL,
	detail		jsonb NOT NULL DEFAULT '{}'
);

-- What the caller of an operation is (vp_call passes it to each vp_op_*).
CREATE TYPE vp_caller AS (
	keyid		text,
	station_id	bigint,
	station_code	text,
	role		text,
	community_id	bigint
);

CREATE TABLE teams (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code		text NOT NULL UNIQUE
			CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	kind		text NOT NULL CHECK (kind IN ('standing', 'specialty')),
	-- NULL: a city-wide team.
	community_id	bigint REFERENCES communities,
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- Activity types and their points rules.
CREATE TABLE activities (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code		text NOT NULL UNIQUE
			CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	points_per_hour	integer NOT NULL CHECK (points_per_hour BETWEEN 0 AND 10000),
	daily_cap	integer CHECK (daily_cap > 0),
	-- [{"name","from","to","percent"} | {"name","dates":[...],"percent"}]
	multipliers	jsonb NOT NULL DEFAULT '[]',
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- The activity under which help between volunteers is recorded; its
-- shifts carry no points of their own (the requester pays the helper).
INSERT INTO activities (code, name, points_per_hour)
VALUES ('help', 'Help between volunteers', 0);

-- Star levels by cumulative service hours (national defaults).
CREATE TABLE star_levels (
	stars		integer PRIMARY KEY CHECK (stars BETWEEN 1 AND 5),
	hours		integer NOT NULL UNIQUE CHECK (hours > 0)
);
INSERT INTO star_levels VALUES (1, 100), (2, 300), (3, 600), (4, 1000), (5, 1500);

CREATE TABLE volunteers (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	number		text NOT NULL UNIQUE
			CHECK (number ~ '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	community_id	bigint NOT NULL REFERENCES communities,
	registered_on	date NOT NULL DEFAULT current_date,
	status		text NOT NULL DEFAULT 'active'
			CHECK (status IN ('active', 'suspended', 'left')),
	consent		boolean NOT NULL DEFAULT false,
	gender		text CHECK (gender IN ('female', 'male', 'other')),
	birth_month	text CHECK (birth_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	phone		text CHECK (length(phone) BETWEEN 1 AND 32),
	skills		text[],
	-- HMAC-SHA-256 (hex) of the national ID number, and its last four
	-- characters; the number itself never reaches the database.
	id_hash		text CHECK (id_hash ~ '^[0-9a-f]{64}$'),
	id_last4	text CHECK (length(id_last4) BETWEEN 1 AND 4),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	-- Personal fields only with recorded consent.
	CONSTRAINT volunteers_check CHECK (consent OR (gender IS NULL AND
	    birth_month IS NULL AND phone IS NULL AND skills IS NULL))
);
CREATE UNIQUE INDEX volunteers_id_hash_idx ON volunteers (id_hash)
	WHERE id_hash IS NOT NULL;
CREATE INDEX volunteers_community_id_number_idx ON volunteers (community_id, number);

-- Every change to a volunteer, with the key that made it (append-only).
CREATE TABLE volunteer_history (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	at		timestamptz NOT NULL DEFAULT now(),
	keyid		text,
	action		text NOT NULL,
	data		jsonb NOT NULL,
	reason		text
);
CREATE INDEX volunteer_history_volunteer_id_id_idx
	ON volunteer_history (volunteer_id, id);
-- The registrations and updates that say a volunteer left: only those
-- volunteers' status at a period's end may be "left" (vp_report_left).
CREATE INDEX volunteer_history_left ON volunteer_history (volunteer_id)
	WHERE action IN ('register', 'update') AND data ->> 'status' = 'left';

CREATE TABLE team_members (
	team_id		bigint NOT NULL REFERENCES teams,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	joined_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (team_id, volunteer_id)
);
CREATE INDEX team_members_volunteer_id_idx ON team_members (volunteer_id);

-- Each volunteer's minutes of service: the sum of the minutes of their
-- current shifts (as vp_current_shifts sees them), kept by the trigger
-- shifts_volunteer_totals (sql/functions/volunteers.sql).
CREATE TABLE volunteer_totals (
	volunteer_id	bigint PRIMARY KEY REFERENCES volunteers,
	community_id	bigint NOT NULL REFERENCES communities,
	minutes		bigint NOT NULL CHECK (minutes >= 0)
) WITH (fillfactor = 70);	-- room for HOT updates: no index is touched
CREATE INDEX volunteer_totals_community_id_idx ON volunteer_totals (community_id);

-- Accounts (double entry): a volunteer's, a community's issuance account
-- (where points come from) and escrow (points held for help requests),
-- a station's (where redeemed points go).
CREATE TABLE accounts (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind		text NOT NULL
			CHECK (kind IN ('volunteer', 'issuance', 'station', 'escrow')),
	community_id	bigint NOT NULL REFERENCES communities,
	volunteer_id	bigint UNIQUE REFERENCES volunteers,
	station_id	bigint UNIQUE REFERENCES stations,
	balance		bigint NOT NULL DEFAULT 0,
	CONSTRAINT accounts_check CHECK (kind <> 'volunteer' OR balance >= 0),
	CONSTRAINT accounts_check1
	    CHECK ((kind = 'volunteer') = (volunteer_id IS NOT NULL)),
	CONSTRAINT accounts_check2
	    CHECK ((kind = 'station') = (station_id IS NOT NULL))
);
-- One issuance account and one escrow account per community.
CREATE UNIQUE INDEX accounts_community_id_idx ON accounts (community_id)
	WHERE kind = 'issuance';
CREATE UNIQUE INDEX accounts_community_id_idx1 ON accounts (community_id)
	WHERE kind = 'escrow';
-- System accounts are few; volunteers' are many. GET /metrics reads only
-- these (vp_metrics).
CREATE INDEX accounts_system ON accounts (kind) WHERE kind <> 'volunteer';

-- Shifts and open check-ins share one series of ids: a checked-in shift
-- keeps its id when it is closed.
CREATE SEQUENCE shift_ids;

CREATE TABLE checkins (
	id		bigint PRIMARY KEY DEFAULT nextval('shift_ids'),
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	community_id	bigint NOT NULL REFERENCES communities,
	station_id	bigint NOT NULL REFERENCES stations,
	keyid		text NOT NULL REFERENCES station_keys,
	activity_id	bigint NOT NULL REFERENCES activities,
	details		jsonb NOT NULL DEFAULT '{}',
	started_at	timestamptz NOT NULL,
	closed_at	timestamptz
);
CREATE INDEX checkins_volunteer_id_idx ON checkins (volunteer_id)
	WHERE closed_at IS NULL;

-- The service records (append-only). Vacuumed after every 1 % of new
-- rows rather than 20 %, so that the index-only reads of reports find
-- the visibility map of the pages written since.
CREATE TABLE shifts (
	id		bigint PRIMARY KEY,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	community_id	bigint NOT NULL REFERENCES communities,
	station_id	bigint NOT NULL REFERENCES stations,
	keyid		text NOT NULL REFERENCES station_keys,	-- the recorder
	activity_id	bigint NOT NULL REFERENCES activities,
	activity_name	text CHECK (length(activity_name) <= 200),
	place		text CHECK (length(place) <= 200),
	served		text CHECK (length(served) <= 200),
	content		text CHECK (length(content) <= 2000),
	lead		text CHECK (length(lead) <= 100),
	started_at	timestamptz NOT NULL,
	ended_at	timestamptz NOT NULL,
	minutes		integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
	points		integer NOT NULL CHECK (points >= 0),
	source		text NOT NULL CHECK (source IN ('log', 'checkout', 'correction')),
	corrects	bigint UNIQUE REFERENCES shifts,
	reason		text CHECK (length(reason) <= 500),
	created_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT shifts_check CHECK (ended_at > started_at),
	CONSTRAINT shifts_check1 CHECK ((source = 'correction') =
	    (corrects IS NOT NULL AND reason IS NOT NULL))
) WITH (autovacuum_vacuum_insert_scale_factor = 0.01);
CREATE INDEX shifts_volunteer_id_started_at_idx ON shifts (volunteer_id, started_at);
-- A community's shifts of a period, and the city's community by
-- community, without the heap.
CREATE INDEX shifts_community_started ON shifts (community_id, started_at)
	INCLUDE (volunteer_id, station_id, minutes, id);
-- The corrections of a community: the records they replace, which reports
-- subtract from every record rather than look up every record.
CREATE INDEX shifts_corrections ON shifts (community_id, corrects)
	WHERE corrects IS NOT NULL;
-- The shifts longer than 24 hours, for vp_shift_check: none that vpoints
-- records, so this index stays empty.
CREATE INDEX shifts_longer_than_a_day ON shifts (volunteer_id)
	WHERE ended_at - started_at > interval '24 hours';

-- Station catalogues (gifts, books, services) with stock.
CREATE TABLE catalog_items (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	station_id	bigint NOT NULL REFERENCES stations,
	community_id	bigint NOT NULL REFERENCES communities,
	code		text NOT NULL
			CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	category	text NOT NULL CHECK (category IN ('gift', 'book', 'service')),
	price		integer NOT NULL CHECK (price BETWEEN 1 AND 1000000),
	stock		integer NOT NULL CHECK (stock >= 0),
	active		boolean NOT NULL DEFAULT true,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT catalog_items_station_id_code_key UNIQUE (station_id, code)
);

-- Every unit that entered a catalogue: the first stock and each restock
-- (append-only).
CREATE TABLE catalog_restocks (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	item_id		bigint NOT NULL REFERENCES catalog_items,
	quantity	integer NOT NULL CHECK (quantity >= 0),
	note		text CHECK (length(note) <= 500),
	keyid		text NOT NULL REFERENCES station_keys,
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalog_restocks_item_id_idx ON catalog_restocks (item_id);

-- Redemptions (append-only).
CREATE TABLE redemptions (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	station_id	bigint NOT NULL REFERENCES stations,
	community_id	bigint NOT NULL REFERENCES communities,
	item_id		bigint NOT NULL REFERENCES catalog_items,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	quantity	integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
	points		bigint NOT NULL CHECK (points > 0),
	keyid		text NOT NULL REFERENCES station_keys,
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX redemptions_volunteer_id_idx ON redemptions (volunteer_id);
CREATE INDEX redemptions_station_id_at_idx ON redemptions (station_id, at);
CREATE INDEX redemptions_at_idx ON redemptions (at);

-- A void names its redemption once: the primary key says "at most once"
-- (append-only).
CREATE TABLE redemption_voids (
	redemption_id	bigint PRIMARY KEY REFERENCES redemptions,
	reason		text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
	keyid		text NOT NULL REFERENCES station_keys,
	at		timestamptz NOT NULL DEFAULT now()
);

-- Points for help between volunteers: held in escrow, a two-phase
-- transfer.
CREATE TABLE help_requests (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	community_id	bigint NOT NULL REFERENCES communities,
	requester_id	bigint NOT NULL REFERENCES volunteers,
	helper_id	bigint REFERENCES volunteers,
	points		bigint NOT NULL CHECK (points BETWEEN 1 AND 1000000),
	description	text NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
	deadline	timestamptz,
	status		text NOT NULL DEFAULT 'open' CHECK (status IN
			    ('open', 'accepted', 'completed', 'cancelled', 'expired')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	accepted_at	timestamptz,
	resolved_at	timestamptz,
	reason		text CHECK (length(reason) <= 500),
	shift_id	bigint REFERENCES shifts,
	keyid		text NOT NULL REFERENCES station_keys,
	CONSTRAINT help_requests_check CHECK (helper_id IS DISTINCT FROM requester_id),
	CONSTRAINT help_requests_check1 CHECK
	    ((status IN ('open', 'cancelled', 'expired')) OR helper_id IS NOT NULL),
	CONSTRAINT help_requests_check2 CHECK
	    ((status IN ('open', 'accepted')) = (resolved_at IS NULL))
);
CREATE INDEX help_requests_community_id_status_id_idx
	ON help_requests (community_id, status, id);
CREATE INDEX help_requests_deadline_idx ON help_requests (deadline)
	WHERE status IN ('open', 'accepted');
CREATE INDEX help_requests_resolved_at_idx ON help_requests (resolved_at)
	WHERE status = 'completed';

-- Every movement of points (append-only), naming what caused it: a
-- shift, a reversed transfer, a redemption or a help request. Vacuumed
-- like shifts.
CREATE TABLE transfers (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	from_account	bigint NOT NULL REFERENCES accounts,
	to_account	bigint NOT NULL REFERENCES accounts,
	amount		bigint NOT NULL CHECK (amount > 0),
	cause		text NOT NULL
			CHECK (cause IN ('shift', 'reversal', 'redemption', 'help')),
	shift_id	bigint REFERENCES shifts,
	reversal_of	bigint UNIQUE REFERENCES transfers,
	keyid		text REFERENCES station_keys,
	memo		text,
	redemption_id	bigint REFERENCES redemptions,
	help_request_id	bigint REFERENCES help_requests,
	CONSTRAINT transfers_check CHECK (from_account <> to_account),
	CONSTRAINT transfers_check1 CHECK ((cause = 'reversal') = (reversal_of IS NOT NULL))
) WITH (autovacuum_vacuum_insert_scale_factor = 0.01);
CREATE INDEX transfers_shift_id_idx ON transfers (shift_id);
CREATE INDEX transfers_redemption_id_idx ON transfers (redemption_id)
	WHERE redemption_id IS NOT NULL;
CREATE INDEX transfers_help_request_id_idx ON transfers (help_request_id)
	WHERE help_request_id IS NOT NULL;
-- A period's transfers of one account (a community's issuance and
-- station accounts, a volunteer's) and of the city, without the heap.
CREATE INDEX transfers_from_at ON transfers (from_account, at)
	INCLUDE (amount, cause);
CREATE INDEX transfers_to_at ON transfers (to_account, at)
	INCLUDE (amount, cause);
CREATE INDEX transfers_at ON transfers (at)
	INCLUDE (from_account, to_account, amount, cause);

-- Certificates of service: what the daemon signed, as signed.
CREATE SEQUENCE certificate_numbers;

CREATE TABLE certificates (
	number		text PRIMARY KEY,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	community_id	bigint NOT NULL REFERENCES communities,
	station_id	bigint NOT NULL REFERENCES stations,
	keyid		text NOT NULL REFERENCES station_keys,
	from_date	date NOT NULL,
	to_date		date NOT NULL CHECK (to_date >= from_date),
	payload		text NOT NULL,	-- what the JWS signs, as signed
	sha256		text NOT NULL,	-- of the payload
	issued_at	timestamptz NOT NULL DEFAULT now(),
	revoked_at	timestamptz,
	revoke_reason	text
);
CREATE INDEX certificates_volunteer_id_idx ON certificates (volunteer_id);

-- Closed months: their shifts can no longer be recorded or corrected.
CREATE TABLE month_closes (
	month		text PRIMARY KEY CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	closed_at	timestamptz NOT NULL DEFAULT now(),
	keyid		text NOT NULL REFERENCES station_keys,
	digest		text NOT NULL,	-- SHA-256 of the community-level report
	payload		text NOT NULL,	-- what the JWS signs
	jws		text		-- set by the daemon right after
);
