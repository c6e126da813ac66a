-- 026: a volunteer's page is built as JSON text, not jsonb: the daemon
-- reads it once to write the HTML, and jsonb's sorting of every
-- object's members was a quarter of the page's time in PostgreSQL
-- (doc/performance.md, "The volunteer's page, cheaper to build"). The
-- new return type is in sql/functions/pages.sql.
DROP FUNCTION IF EXISTS vp_page_view(volunteers);
