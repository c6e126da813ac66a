-- 013: events (活动), the occurrences of an activity that volunteers sign
-- up for before the shift; their sign-ups and waiting lists; the lifted
-- no-show blocks; the capability links of volunteers' own pages and of
-- stations' calendars (only a hash of each token), and what a page did.
-- The rules are in sql/functions/events.sql and pages.sql.

-- A recurring series ("every saturday until 2027-03-31"), expanded into
-- its events when it is added; kept to cancel what is left of it.
CREATE TABLE event_series (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	every		text NOT NULL CHECK (every IN ('day', 'week', 'monday',
			    'tuesday', 'wednesday', 'thursday', 'friday',
			    'saturday', 'sunday')),
	until		date NOT NULL,
	keyid		text NOT NULL REFERENCES station_keys,
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- One occurrence. community_id NULL: city-wide (an admin's). The sign-up
-- window is [opens_at, closes_at); a cancellation at or after cancel_by
-- counts as a no-show.
CREATE TABLE events (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	series_id	bigint REFERENCES event_series,
	activity_id	bigint NOT NULL REFERENCES activities,
	title		text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	place		text CHECK (length(place) BETWEEN 1 AND 200),
	community_id	bigint REFERENCES communities,
	station_id	bigint NOT NULL REFERENCES stations,	-- who published it
	keyid		text NOT NULL REFERENCES station_keys,
	starts_at	timestamptz NOT NULL,
	ends_at		timestamptz NOT NULL,
	places		integer NOT NULL CHECK (places BETWEEN 1 AND 10000),
	-- Requirements: a team the volunteer must be in. (A qualification
	-- requirement is a column a later migration adds; see
	-- vp_event_unmet in sql/functions/events.sql.)
	team_id		bigint REFERENCES teams,
	opens_at	timestamptz NOT NULL,
	closes_at	timestamptz NOT NULL,
	cancel_by	timestamptz NOT NULL,
	lead		text CHECK (length(lead) BETWEEN 1 AND 100),
	cancelled_at	timestamptz,
	cancel_reason	text CHECK (length(cancel_reason) <= 500),
	created_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT events_times CHECK (ends_at > starts_at
	    AND ends_at - starts_at <= interval '24 hours'),
	CONSTRAINT events_window CHECK (opens_at < closes_at
	    AND closes_at <= ends_at),
	CONSTRAINT events_cancel_by CHECK (cancel_by <= ends_at)
);
CREATE INDEX events_starts_at_idx ON events (starts_at);
CREATE INDEX events_community_starts_idx ON events (community_id, starts_at);
CREATE INDEX events_series_idx ON events (series_id) WHERE series_id IS NOT NULL;

-- The capability links: a volunteer's own page and calendar, or a
-- station's calendar. The token is never stored: token_hash is the
-- SHA-256 of it (daemon/page.c makes and checks tokens). One live link
-- per volunteer and per station; a new one revokes the old.
CREATE TABLE links (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	volunteer_id	bigint REFERENCES volunteers,
	station_id	bigint REFERENCES stations,
	token_hash	text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
	keyid		text NOT NULL REFERENCES station_keys,	-- who issued it
	created_at	timestamptz NOT NULL DEFAULT now(),
	revoked_at	timestamptz,
	CONSTRAINT links_owner CHECK ((volunteer_id IS NULL) <> (station_id IS NULL))
);
CREATE UNIQUE INDEX links_token_hash_idx ON links (token_hash);
CREATE UNIQUE INDEX links_volunteer_live_idx ON links (volunteer_id)
	WHERE revoked_at IS NULL AND volunteer_id IS NOT NULL;
CREATE UNIQUE INDEX links_station_live_idx ON links (station_id)
	WHERE revoked_at IS NULL AND station_id IS NOT NULL;

-- Sign-ups. state: 'place' holds one of the event's places, 'waiting'
-- waits for one (in order of id), 'cancelled' was cancelled before the
-- deadline, 'late' after it (a no-show). A 'place' never checked in
-- (shift_id NULL) once the event ended is a no-show too. walk_in: taken
-- at check-in without a sign-up. shift_id: the check-in's id, which its
-- shift keeps (the series shift_ids).
CREATE TABLE signups (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	event_id	bigint NOT NULL REFERENCES events,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	state		text NOT NULL CHECK (state IN ('place', 'waiting',
			    'cancelled', 'late')),
	walk_in		boolean NOT NULL DEFAULT false,
	shift_id	bigint UNIQUE,
	-- Who signed up: a station's key, or the volunteer's own page.
	keyid		text REFERENCES station_keys,
	link_id		bigint REFERENCES links,
	created_at	timestamptz NOT NULL DEFAULT now(),
	promoted_at	timestamptz,
	cancelled_at	timestamptz,
	cancelled_keyid	text REFERENCES station_keys,
	cancelled_link	bigint REFERENCES links,
	CONSTRAINT signups_by CHECK ((keyid IS NULL) <> (link_id IS NULL)),
	CONSTRAINT signups_cancelled CHECK ((state IN ('cancelled', 'late'))
	    = (cancelled_at IS NOT NULL))
);
-- One live sign-up of a volunteer for an event.
CREATE UNIQUE INDEX signups_live_idx ON signups (event_id, volunteer_id)
	WHERE state IN ('place', 'waiting');
CREATE INDEX signups_event_state_idx ON signups (event_id, state, id);
CREATE INDEX signups_volunteer_idx ON signups (volunteer_id, event_id);

-- A station lifted a volunteer's no-show block: no-shows before "at" no
-- longer count.
CREATE TABLE noshow_unblocks (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	keyid		text NOT NULL REFERENCES station_keys,
	at		timestamptz NOT NULL DEFAULT now(),
	reason		text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500)
);
CREATE INDEX noshow_unblocks_volunteer_idx ON noshow_unblocks (volunteer_id, at);

-- Every action taken through a page, allowed or refused, by link.
CREATE TABLE page_actions (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	link_id		bigint NOT NULL REFERENCES links,
	at		timestamptz NOT NULL DEFAULT now(),
	action		text NOT NULL CHECK (action IN ('signup', 'cancel')),
	subject		text NOT NULL CHECK (length(subject) <= 40),
	outcome		text NOT NULL CHECK (length(outcome) <= 64)
);
CREATE INDEX page_actions_link_idx ON page_actions (link_id, at);
