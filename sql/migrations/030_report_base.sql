-- 030: a computed report reads the year so far from the latest closed
-- month's stored rows up to that month's end (vp_report_base in
-- functions/reports.sql), unless it is asked for live. The functions
-- that read the year's service take p_live to say so.
DROP FUNCTION IF EXISTS vp_report_service(timestamptz, timestamptz,
    timestamptz, bigint[]);
DROP FUNCTION IF EXISTS vp_report_service_each(timestamptz, timestamptz,
    timestamptz, bigint[]);
DROP FUNCTION IF EXISTS vp_report_volunteers(timestamptz, timestamptz,
    bigint[]);
DROP FUNCTION IF EXISTS vp_report_volunteers_of(text, timestamptz,
    timestamptz, bigint[]);
