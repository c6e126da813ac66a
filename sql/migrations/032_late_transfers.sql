-- 032: the transfers made more than a week after their value time (a
-- shift recorded late, its reversal), by value time. A community's
-- points of a period are its accounts' transfers valued in it: those
-- made up to a week after its end are read by account and time
-- (transfers_from_at, transfers_to_at), the few made later from here,
-- where each of the others had to be read too (vp_report's ledger,
-- functions/reports.sql; vp_value_lag says the same week). Transfers
-- valued when they were made (no value_at) are never here.
CREATE INDEX transfers_late ON transfers (value_at)
	INCLUDE (from_account, to_account, amount, cause)
	WHERE at - value_at > interval '168 hours';
