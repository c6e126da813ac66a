-- 020: volunteers who move (转移接续) from one community to another. The
-- volunteer keeps their number, history, hours, star level and
-- certificates (which keep the community that issued them); their
-- current community changes (volunteers, volunteer_totals, their account)
-- and their points move by two transfers: back to the old community's
-- issuance account ('move-out') and out of the new one's ('move-in'), so
-- that each community's accounts stay balanced and the volunteer's
-- balance is unchanged. The rules are in sql/functions/volunteers.sql
-- (vp_op_volunteer_move); what reads a volunteer's community at a time
-- reads it from here (vp_volunteer_community_at, sql/functions/reports.sql).

-- Every move (append-only, sql/functions/base.sql). last_transfer: the
-- last transfer of the volunteer's account while it was the old
-- community's (the 'move-out' one when there were points to move; NULL
-- when the account never had one), so that the audit knows on which
-- side of the move each transfer of the account is.
CREATE TABLE volunteer_moves (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	volunteer_id	bigint NOT NULL
			CONSTRAINT volunteer_moves_volunteer_id_fkey
			REFERENCES volunteers,
	from_community	bigint NOT NULL
			CONSTRAINT volunteer_moves_from_community_fkey
			REFERENCES communities,
	to_community	bigint NOT NULL
			CONSTRAINT volunteer_moves_to_community_fkey
			REFERENCES communities,
	at		timestamptz NOT NULL DEFAULT now(),
	keyid		text NOT NULL
			CONSTRAINT volunteer_moves_keyid_fkey
			REFERENCES station_keys,
	reason		text NOT NULL
			CONSTRAINT volunteer_moves_reason_check
			CHECK (length(reason) BETWEEN 1 AND 500),
	points		bigint NOT NULL
			CONSTRAINT volunteer_moves_points_check
			CHECK (points >= 0),
	out_transfer	bigint CONSTRAINT volunteer_moves_out_transfer_fkey
			REFERENCES transfers,
	in_transfer	bigint CONSTRAINT volunteer_moves_in_transfer_fkey
			REFERENCES transfers,
	last_transfer	bigint CONSTRAINT volunteer_moves_last_transfer_fkey
			REFERENCES transfers,
	CONSTRAINT volunteer_moves_communities
	    CHECK (from_community <> to_community),
	CONSTRAINT volunteer_moves_transfers
	    CHECK ((points > 0) = (out_transfer IS NOT NULL)
	    AND (points > 0) = (in_transfer IS NOT NULL)
	    AND (out_transfer IS NULL OR last_transfer = out_transfer))
);
CREATE INDEX volunteer_moves_volunteer_id_idx
	ON volunteer_moves (volunteer_id, id);
-- The moves after a time: the volunteers a report of a period before
-- them counts where they were (few).
CREATE INDEX volunteer_moves_at_idx ON volunteer_moves (at);

-- The causes of a move's two transfers.
ALTER TABLE transfers DROP CONSTRAINT transfers_cause_check;
ALTER TABLE transfers ADD CONSTRAINT transfers_cause_check
	CHECK (cause IN ('shift', 'reversal', 'redemption', 'help',
	    'move-out', 'move-in'));
