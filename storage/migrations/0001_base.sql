-- Atelier schema, version 1: catalogs, customers, designs with revisions,
-- orders. Times are UTC, RFC 3339 text; money is decimal text.

CREATE TABLE catalogs (
	id           INTEGER PRIMARY KEY,
	catalog_id   TEXT NOT NULL,              -- the catalog's own id
	version      TEXT NOT NULL,
	name         TEXT NOT NULL,
	manufacturer TEXT NOT NULL,
	hash         TEXT NOT NULL,              -- SHA-256 of the source, hex
	signature    TEXT NOT NULL CHECK (signature IN ('builtin', 'signed', 'unsigned')),
	source       BLOB NOT NULL,              -- the file as imported (JSON or zip)
	source_kind  TEXT NOT NULL CHECK (source_kind IN ('json', 'zip')),
	imported_at  TEXT NOT NULL,
	UNIQUE (catalog_id, version, hash)
);

CREATE TABLE customers (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	email      TEXT NOT NULL DEFAULT '',
	phone      TEXT NOT NULL DEFAULT '',
	address    TEXT NOT NULL DEFAULT '',   -- delivery address, several lines
	consent_at TEXT NOT NULL DEFAULT '',   -- when the customer agreed to be stored
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

CREATE TABLE designs (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL,
	notes        TEXT NOT NULL DEFAULT '',
	product_id   TEXT NOT NULL,
	product_name TEXT NOT NULL,
	catalog      INTEGER NOT NULL REFERENCES catalogs (id),
	customer     INTEGER REFERENCES customers (id) ON DELETE SET NULL,
	status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'quoted', 'ordered')),
	quantity     INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
	revision     INTEGER NOT NULL DEFAULT 0,  -- the newest revision's number
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	deleted_at   TEXT                         -- in the trash since
);
CREATE INDEX designs_updated ON designs (deleted_at, updated_at DESC);
CREATE INDEX designs_customer ON designs (customer);

-- Every save of a design keeps a revision: what was decided, on which
-- catalog, and what it cost then.
CREATE TABLE revisions (
	id          INTEGER PRIMARY KEY,
	design      INTEGER NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
	number      INTEGER NOT NULL,
	catalog     INTEGER NOT NULL REFERENCES catalogs (id),
	decisions   TEXT NOT NULL,               -- JSON object feature -> value as typed
	name        TEXT NOT NULL,
	notes       TEXT NOT NULL DEFAULT '',
	quantity    INTEGER NOT NULL,
	currency    TEXT NOT NULL,
	total       TEXT NOT NULL,               -- list price of the quantity, decimal
	breakdown   TEXT NOT NULL,               -- JSON price lines
	thumbnail   BLOB,                        -- PNG
	saved_at    TEXT NOT NULL,
	UNIQUE (design, number)
);

CREATE TABLE orders (
	id             INTEGER PRIMARY KEY,
	dealer         TEXT NOT NULL,
	seq            INTEGER NOT NULL,          -- 1, 2, 3... per dealer, no gaps
	number         TEXT NOT NULL UNIQUE,
	customer       INTEGER REFERENCES customers (id) ON DELETE SET NULL,
	delivery       TEXT NOT NULL DEFAULT '',  -- delivery address at the time
	requested_date TEXT NOT NULL DEFAULT '',
	notes          TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'exported', 'cancelled')),
	exported_file  TEXT NOT NULL DEFAULT '',
	exported_hash  TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	UNIQUE (dealer, seq)
);

CREATE TABLE order_lines (
	order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	line     INTEGER NOT NULL,
	revision INTEGER NOT NULL REFERENCES revisions (id),
	quantity INTEGER NOT NULL CHECK (quantity > 0),
	PRIMARY KEY (order_id, line)
);
