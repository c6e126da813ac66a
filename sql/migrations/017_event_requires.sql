-- 017: an event may require a qualification of whoever signs up for it
-- or checks in against it, held on the event's day (vp_event_unmet,
-- sql/functions/events.sql; vp_volunteer_qualified, record.sql). Like
-- activities.requires, a qualification's code.
ALTER TABLE events ADD COLUMN requires text
	CONSTRAINT events_requires_code
	CHECK (requires ~ '^[a-z0-9][a-z0-9_-]{0,31}$');

-- vp_event_unmet answers the refusal's members beside its sentence now
-- (jsonb, was text).
DROP FUNCTION IF EXISTS vp_event_unmet(volunteers, events);

-- The requester of a completed help request evaluates it from their own
-- page (vp_page, sql/functions/pages.sql), through the one evaluation
-- function (vp_op_evaluation_add, record.sql): no station and no key
-- then, but the page's link. vp_page names the link for its transaction
-- (vpoints.link), so that function's INSERT records it as it is.
ALTER TABLE evaluations ALTER COLUMN station_id DROP NOT NULL;
ALTER TABLE evaluations ALTER COLUMN keyid DROP NOT NULL;
ALTER TABLE evaluations ADD COLUMN link_id bigint
	CONSTRAINT evaluations_link_id_fkey REFERENCES links
	DEFAULT nullif(current_setting('vpoints.link', true), '')::bigint;
ALTER TABLE evaluations ADD CONSTRAINT evaluations_recorded_by
	CHECK ((station_id IS NOT NULL AND keyid IS NOT NULL)
	    OR link_id IS NOT NULL);

-- The page's actions: evaluate too.
ALTER TABLE page_actions DROP CONSTRAINT page_actions_action_check;
ALTER TABLE page_actions ADD CONSTRAINT page_actions_action
	CHECK (action IN ('signup', 'cancel', 'evaluate'));
