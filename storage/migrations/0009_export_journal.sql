-- Version 9 (file 0009): the export journal. An order being exported has a
-- row here from the moment its number is taken until its file is at its
-- destination and the order is recorded as exported (or the export is
-- rolled back: the order is cancelled, its number never reused). At the
-- next start, RecoverExports completes or rolls back what a killed export
-- left. IF NOT EXISTS: the migration may be applied to a file that has it.
CREATE TABLE IF NOT EXISTS order_exports (
	order_id   INTEGER PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
	path       TEXT NOT NULL,             -- where the file goes (absolute)
	temp       TEXT NOT NULL,             -- the temporary file beside it
	sha256     TEXT NOT NULL DEFAULT '',  -- of the file, once it is built
	overwrite  INTEGER NOT NULL DEFAULT 0, -- 1: an existing file at path may be replaced
	pid        INTEGER NOT NULL,          -- the process exporting
	started_at TEXT NOT NULL
);
