-- 016: a refused row of an import carries its refusal's extension
-- members, as a refusal of one request does (014): vp_import_refused
-- (sql/functions/import.sql) takes them as a fifth argument.
DROP FUNCTION IF EXISTS vp_import_refused(integer, text, text, text);
