-- 022: the places an event has taken, kept on the event's row by a
-- trigger on signups (vp_signup_taken, sql/functions/events.sql) instead
-- of counted at every sign-up and on every volunteer's page: the count
-- grew with the event's sign-ups, under the event's lock. Every change
-- to an event's places holds its row already.
ALTER TABLE events ADD COLUMN taken integer NOT NULL DEFAULT 0
	CONSTRAINT events_taken_check CHECK (taken >= 0);
UPDATE events e SET taken = (SELECT count(*) FROM signups s
    WHERE s.event_id = e.id AND s.state = 'place')
WHERE EXISTS (SELECT 1 FROM signups s WHERE s.event_id = e.id
    AND s.state = 'place');
