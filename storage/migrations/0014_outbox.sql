-- Version 14 (file 0014): sending orders to the manufacturer
-- (docs/order-format.md, "Sending an order"). An order has revisions: a
-- refused order is corrected and sent again under its number with the next
-- revision. The outbox holds each revision's package from the moment it is
-- sent (offline too) until the manufacturer answers; it belongs to the
-- machine that sends, and is not shared with the shop.
ALTER TABLE orders ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE orders ADD COLUMN revised_at TEXT NOT NULL DEFAULT ''; -- when the last revision was made ('': the first)
CREATE TABLE outbox (
	id           INTEGER PRIMARY KEY,
	order_id     INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	revision     INTEGER NOT NULL,
	number       TEXT NOT NULL,
	dealer       TEXT NOT NULL,
	file         TEXT NOT NULL,             -- the package's name in the inbox
	package      BLOB NOT NULL,             -- its bytes; emptied once answered
	sha256       TEXT NOT NULL,
	manufacturer TEXT NOT NULL,             -- its name, for people
	address      TEXT NOT NULL,             -- the inbox, JSON, from the signed catalog
	answer_key   TEXT NOT NULL,             -- the manufacturer's key (base64): only its answers count
	state        TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'accepted', 'refused')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_attempt TEXT NOT NULL,             -- RFC 3339, UTC
	last_error   TEXT NOT NULL DEFAULT '',
	reasons      TEXT NOT NULL DEFAULT '[]', -- the manufacturer's, JSON
	reference    TEXT NOT NULL DEFAULT '',
	queued_at    TEXT NOT NULL,
	delivered_at TEXT NOT NULL DEFAULT '',
	answered_at  TEXT NOT NULL DEFAULT '',
	UNIQUE (order_id, revision),
	UNIQUE (sha256)
);
CREATE INDEX outbox_due ON outbox (next_attempt) WHERE state = 'queued';
