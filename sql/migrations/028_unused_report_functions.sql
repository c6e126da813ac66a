-- 028: two functions nothing calls any more. vp_report_volunteer_rows
-- built the volunteer level's rows before vp_report read
-- vp_report_volunteers itself, and vp_report_status, which only it
-- called, gave each volunteer's status at the period's end, a column
-- no report has.
DROP FUNCTION IF EXISTS vp_report_volunteer_rows(timestamptz, timestamptz,
    bigint[]);
DROP FUNCTION IF EXISTS vp_report_status(timestamptz, bigint[]);
