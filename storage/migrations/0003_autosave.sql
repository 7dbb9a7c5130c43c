-- Version 3: the design being edited, saved in the background a moment after
-- each change (one slot), and the record of forgotten customers (their id
-- only) so that restoring an older backup forgets them again.
CREATE TABLE autosave (
	slot       INTEGER PRIMARY KEY CHECK (slot = 1),
	design     INTEGER REFERENCES designs (id) ON DELETE SET NULL,
	catalog    INTEGER NOT NULL REFERENCES catalogs (id),
	product_id TEXT NOT NULL,
	name       TEXT NOT NULL,
	decisions  TEXT NOT NULL,
	saved_at   TEXT NOT NULL
);

CREATE TABLE erasures (
	customer  INTEGER PRIMARY KEY,
	erased_at TEXT NOT NULL
);
