-- 024: index entries only for the rows an index is for. Two indexes held
-- an entry for every row although only some rows have the value they
-- look up: one B-tree insertion more for every shift write (and every
-- row of an import) and for every redemption's transfer, for nothing
-- (doc/performance.md, "Fewer index entries").

-- A correction names the shift it corrects, and no two name the same one.
-- Only corrections have one; the constraint's index had an entry, NULL,
-- for every shift. The same rule, on the corrections alone.
ALTER TABLE shifts DROP CONSTRAINT shifts_corrects_key;
CREATE UNIQUE INDEX shifts_corrects_key ON shifts (corrects)
	WHERE corrects IS NOT NULL;

-- The transfers of a shift, found by it (the audit, a correction's
-- reversal): redemptions, help and moves have none.
DROP INDEX transfers_shift_id_idx;
CREATE INDEX transfers_shift_id_idx ON transfers (shift_id)
	WHERE shift_id IS NOT NULL;
