-- Version 6: the showroom's queue. A customer at the showroom screen sends
-- a design to the dealer; it waits here under a short code (shown to the
-- customer) until the dealer takes it or removes it. The customer's name
-- is optional and kept only while the design waits.
CREATE TABLE showroom_queue (
	code          TEXT PRIMARY KEY,            -- six letters and digits, no look-alikes
	design        INTEGER NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
	customer_name TEXT NOT NULL DEFAULT '',
	sent_at       TEXT NOT NULL,
	taken_at      TEXT                         -- when the dealer took it
);
CREATE INDEX showroom_queue_waiting ON showroom_queue (taken_at, sent_at);
