-- 031: with a closed month's stored rows as its base, a computed report
-- takes each volunteer's total minutes by the period's end from them too
-- (vp_report_service's minutes_end, functions/reports.sql) and reads no
-- shift after the period; vp_report_service_each gives that total
-- instead of the running total and the minutes after.
DROP FUNCTION IF EXISTS vp_report_service_each(timestamptz, timestamptz,
    timestamptz, bigint[], boolean);
DROP FUNCTION IF EXISTS vp_report_service(timestamptz, timestamptz,
    timestamptz, bigint[], boolean);
