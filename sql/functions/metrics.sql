-- The ledger's totals for GET /metrics, read on every scrape.
--
-- An account's balance is the sum of its transfers in minus its transfers
-- out, kept in the same transaction as each transfer (vp_transfer;
-- vp_audit checks it). So the balances of the few system accounts give
-- the totals without reading the transfers:
-- - issued: points out of the issuance accounts for shifts minus those
--   that came back (reversals of corrected shifts) = minus their balance;
-- - redeemed: points into the stations' accounts for redemptions minus
--   those voided back to volunteers = their balance.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- Net points issued and net points redeemed, over every community.
CREATE OR REPLACE FUNCTION vp_metrics(OUT issued bigint, OUT redeemed bigint)
LANGUAGE sql STABLE AS $$
	SELECT coalesce(-sum(balance) FILTER (WHERE kind = 'issuance'), 0)::bigint,
	    coalesce(sum(balance) FILTER (WHERE kind = 'station'), 0)::bigint
	FROM accounts WHERE kind <> 'volunteer'
$$;
