-- 019: a period's transfers of an account without the heap again
-- (doc/performance.md, "Reports"). Since 015 a transfer's value time
-- decides its period, and these indexes lacked it: a city's monthly
-- report read a heap page for each of its shifts' transfers.
DROP INDEX transfers_from_at;
CREATE INDEX transfers_from_at ON transfers (from_account, at)
	INCLUDE (amount, cause, value_at);
DROP INDEX transfers_to_at;
CREATE INDEX transfers_to_at ON transfers (to_account, at)
	INCLUDE (amount, cause, value_at);
