-- 025: an operation may give its answer as JSON text. vp_dispatch passes
-- the body on as text (each operation's jsonb, or the text an operation
-- builds), and the ledger builds its answer as JSON text, not jsonb:
-- about 60 µs less of a read with 20 transfers (doc/performance.md,
-- "The ledger's answer as text"). The new signatures are in
-- sql/functions/call.sql and sql/functions/ledger.sql.
DROP FUNCTION IF EXISTS vp_dispatch(vp_caller, text, jsonb);
DROP FUNCTION IF EXISTS vp_op_volunteer_ledger(vp_caller, jsonb);
