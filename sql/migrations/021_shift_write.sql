-- 021: a shift's write no longer waits for the other writes of its
-- community, and writes less (doc/performance.md explains each part with
-- its measurements).
--
-- 1. A community's issuance account is spread over parts: up to
--    vp_issuance_parts() accounts of kind 'issuance' per community, each
--    an account as any other (its balance the sum of its transfers,
--    vp_audit), made on first use; a shift's points leave the part its
--    volunteer's id chooses (vp_issuance_part, sql/functions/ledger.sql).
--    Every shift of a community updated the one row and held its lock
--    until its commit was flushed: the shifts of one community were
--    written one after the other. The community's points are the sum of
--    its parts (reports and /metrics sum by kind already). Existing
--    issuance accounts become part 0 with their balances: nothing moves.
-- 2. transfers.reversal_of is unique where it is set: a partial unique
--    index instead of the constraint, which indexed the NULL of every
--    transfer that reverses nothing (all but a few).
-- 3. request_nonces loses its index on seen_at: it holds ten minutes of
--    nonces, which vp_prune reads once a minute; the index cost every
--    signed request an insertion.
ALTER TABLE accounts ADD COLUMN part smallint NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD CONSTRAINT accounts_part
	CHECK (part >= 0 AND (kind = 'issuance' OR part = 0));
DROP INDEX accounts_community_id_idx;
CREATE UNIQUE INDEX accounts_issuance_part ON accounts (community_id, part)
	WHERE kind = 'issuance';

ALTER TABLE transfers DROP CONSTRAINT transfers_reversal_of_key;
CREATE UNIQUE INDEX transfers_reversal_of ON transfers (reversal_of)
	WHERE reversal_of IS NOT NULL;

DROP INDEX request_nonces_seen_at_idx;

-- vp_issuance_account takes the part (sql/functions/ledger.sql).
DROP FUNCTION IF EXISTS vp_issuance_account(bigint);
