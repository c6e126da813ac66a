-- 012: bulk import and the national platform's export. Each row a key
-- imported is remembered by the key the client derived from the file's
-- name and the row's content, so that running a file again (or the rest
-- of an import that was cut off) imports no row twice; and a volunteer
-- may carry their number on the national volunteer information system,
-- which the export for that system lists (never the ID number).

-- The rows imported, by signing key and row key (sql/functions/import.sql).
-- subject: the volunteer's number or the shift's id. Only rows that
-- were imported are kept: a refused row may be tried again.
CREATE TABLE import_rows (
	keyid		text NOT NULL,
	row_key		text NOT NULL CHECK (row_key ~ '^[0-9a-f]{32,64}$'),
	kind		text NOT NULL CHECK (kind IN ('volunteer', 'shift')),
	subject		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT import_rows_pkey PRIMARY KEY (keyid, row_key)
);

-- The volunteer's number on the national volunteer information system.
ALTER TABLE volunteers ADD COLUMN platform_number text
	CONSTRAINT volunteers_platform_number_check
	CHECK (platform_number ~ '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$');
