-- atelier: foreign keys off
-- Version 12 (file 0012): order numbers in a shop of several machines
-- (docs/shop.md). Each machine numbers its orders in a series of its own,
-- gap-free: the shop's first machine (and a library in no shop) keeps
-- <dealer>-<seq>; machine n writes <dealer>-<n>-<seq>. made_by is the
-- machine that made an order (0: made before the library joined a shop,
-- then its own number); orders from before two laptops joined a shop may
-- share a number, so a number is unique per dealer and machine only.
--
-- The table is made again (SQLite cannot drop a UNIQUE constraint), with
-- the foreign keys off while it is (the migration runner does that for
-- the line above), so that its lines and its export journal stay.
CREATE TABLE orders_new (
	id             INTEGER PRIMARY KEY,
	dealer         TEXT NOT NULL,
	made_by        INTEGER NOT NULL DEFAULT 0, -- the machine of the shop that made it
	series         INTEGER NOT NULL DEFAULT 0, -- 0: <dealer>-<seq>; n: <dealer>-<n>-<seq>
	seq            INTEGER NOT NULL,           -- 1, 2, 3... per dealer, machine and series, no gaps
	number         TEXT NOT NULL,
	customer       INTEGER REFERENCES customers (id) ON DELETE SET NULL,
	delivery       TEXT NOT NULL DEFAULT '',
	requested_date TEXT NOT NULL DEFAULT '',
	notes          TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'exported', 'cancelled')),
	exported_file  TEXT NOT NULL DEFAULT '',
	exported_hash  TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	gid            TEXT,
	UNIQUE (dealer, made_by, series, seq),
	UNIQUE (dealer, made_by, number)
);
INSERT INTO orders_new (id, dealer, made_by, series, seq, number, customer, delivery, requested_date, notes, status,
		exported_file, exported_hash, created_at, updated_at, gid)
	SELECT id, dealer, coalesce((SELECT machine FROM sync_state WHERE id = 1), 0), 0, seq, number, customer, delivery,
		requested_date, notes, status, exported_file, exported_hash, created_at, updated_at, gid FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE UNIQUE INDEX orders_gid ON orders (gid);
CREATE INDEX orders_number ON orders (number);
CREATE TRIGGER orders_gid AFTER INSERT ON orders WHEN NEW.gid IS NULL BEGIN
	UPDATE orders SET gid = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER orders_sync_insert AFTER INSERT ON orders BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('order', NEW.id) ON CONFLICT DO UPDATE SET changes = changes + 1; END;
CREATE TRIGGER orders_sync_update AFTER UPDATE ON orders BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('order', NEW.id) ON CONFLICT DO UPDATE SET changes = changes + 1;
	INSERT INTO sync_fields (entity, id, field, stamp)
		SELECT 'order', NEW.id, f.field, (SELECT stamp FROM sync_now) FROM (
			SELECT 'status' AS field WHERE OLD.status IS NOT NEW.status
			UNION ALL SELECT 'exported_hash' WHERE OLD.exported_hash IS NOT NEW.exported_hash
			UNION ALL SELECT 'customer' WHERE OLD.customer IS NOT NEW.customer
			UNION ALL SELECT 'delivery' WHERE OLD.delivery IS NOT NEW.delivery
			UNION ALL SELECT 'notes' WHERE OLD.notes IS NOT NEW.notes) f
		WHERE true ON CONFLICT DO UPDATE SET stamp = excluded.stamp; END;
CREATE TRIGGER orders_sync_delete AFTER DELETE ON orders BEGIN
	DELETE FROM sync_pending WHERE entity = 'order' AND id = OLD.id;
	DELETE FROM sync_fields WHERE entity = 'order' AND id = OLD.id; END;
