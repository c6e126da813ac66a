-- 014: refusals carry RFC 9457 extension members (the values their
-- sentence names). vp_refuse and vp_problem take a fourth argument,
-- members jsonb (sql/functions/base.sql); the three-argument ones go, or
-- a call with three arguments would be ambiguous.
DROP FUNCTION IF EXISTS vp_refuse(integer, text, text);
DROP FUNCTION IF EXISTS vp_problem(integer, text, text);
