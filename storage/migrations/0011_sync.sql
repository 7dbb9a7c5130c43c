-- Version 11 (file 0011): what a library needs to be kept in step with its
-- shop's other machines (docs/shop.md). A library in no shop keeps
-- working as before; these records only wait until it joins one.
--
-- Global ids: every shared row gets a gid, a random 128-bit id in hex,
-- given by a trigger when a row is made without one. A catalog version's
-- gid is made of what names it (id, version, hash), so that two machines
-- that import the same file agree on it.
ALTER TABLE customers ADD COLUMN gid TEXT;
ALTER TABLE designs ADD COLUMN gid TEXT;
ALTER TABLE revisions ADD COLUMN gid TEXT;
ALTER TABLE orders ADD COLUMN gid TEXT;
ALTER TABLE showroom_queue ADD COLUMN gid TEXT;
ALTER TABLE catalogs ADD COLUMN gid TEXT;
UPDATE customers SET gid = lower(hex(randomblob(16)));
UPDATE designs SET gid = lower(hex(randomblob(16)));
UPDATE revisions SET gid = lower(hex(randomblob(16)));
UPDATE orders SET gid = lower(hex(randomblob(16)));
UPDATE showroom_queue SET gid = lower(hex(randomblob(16)));
UPDATE catalogs SET gid = catalog_id || '@' || version || '#' || hash;
CREATE UNIQUE INDEX customers_gid ON customers (gid);
CREATE UNIQUE INDEX designs_gid ON designs (gid);
CREATE UNIQUE INDEX revisions_gid ON revisions (gid);
CREATE UNIQUE INDEX orders_gid ON orders (gid);
CREATE UNIQUE INDEX showroom_queue_gid ON showroom_queue (gid);
CREATE UNIQUE INDEX catalogs_gid ON catalogs (gid);
CREATE TRIGGER customers_gid AFTER INSERT ON customers WHEN NEW.gid IS NULL BEGIN
	UPDATE customers SET gid = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER designs_gid AFTER INSERT ON designs WHEN NEW.gid IS NULL BEGIN
	UPDATE designs SET gid = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER revisions_gid AFTER INSERT ON revisions WHEN NEW.gid IS NULL BEGIN
	UPDATE revisions SET gid = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER orders_gid AFTER INSERT ON orders WHEN NEW.gid IS NULL BEGIN
	UPDATE orders SET gid = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER showroom_queue_gid AFTER INSERT ON showroom_queue WHEN NEW.gid IS NULL BEGIN
	UPDATE showroom_queue SET gid = lower(hex(randomblob(16))) WHERE code = NEW.code; END;
CREATE TRIGGER catalogs_gid AFTER INSERT ON catalogs WHEN NEW.gid IS NULL BEGIN
	UPDATE catalogs SET gid = NEW.catalog_id || '@' || NEW.version || '#' || NEW.hash WHERE id = NEW.id; END;

-- A revision is made from another (its parent: the design's newest when
-- it was saved), and may supersede others (merges: a JSON list of gids,
-- when the user settles "changed on two machines"). made_on names the
-- machine that saved it.
ALTER TABLE revisions ADD COLUMN parent TEXT;
ALTER TABLE revisions ADD COLUMN merges TEXT NOT NULL DEFAULT '[]';
ALTER TABLE revisions ADD COLUMN made_on TEXT NOT NULL DEFAULT '';
UPDATE revisions SET parent = (SELECT p.gid FROM revisions p WHERE p.design = revisions.design AND p.number = revisions.number - 1);
CREATE TRIGGER revisions_parent AFTER INSERT ON revisions WHEN NEW.parent IS NULL AND NEW.number > 1 BEGIN
	UPDATE revisions SET parent = (SELECT p.gid FROM revisions p WHERE p.design = NEW.design AND p.number = NEW.number - 1)
		WHERE id = NEW.id; END;

-- The library's place in its shop (one row once it joined).
CREATE TABLE sync_state (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	machine    INTEGER NOT NULL,           -- its number in the shop
	name       TEXT NOT NULL,              -- its name there
	pulled     INTEGER NOT NULL DEFAULT 0, -- the newest change stamp taken in
	synced_at  TEXT NOT NULL DEFAULT '',   -- the last sync that reached the shop
	last_error TEXT NOT NULL DEFAULT ''    -- why the last try did not
);

CREATE TRIGGER revisions_made_on AFTER INSERT ON revisions WHEN NEW.made_on = '' AND EXISTS (SELECT 1 FROM sync_state) BEGIN
	UPDATE revisions SET made_on = (SELECT name FROM sync_state WHERE id = 1) WHERE id = NEW.id; END;

-- What changed here and is not yet in the shop: one row per shared row,
-- counted up by every change, so that a row changed again while it was
-- being sent stays to be sent.
CREATE TABLE sync_pending (
	entity  TEXT NOT NULL,     -- customer, design, revision, order, queue, catalog, gone
	id      INTEGER NOT NULL,  -- the local id (the rowid; for gone: sync_gone's)
	changes INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (entity, id)
) WITHOUT ROWID;

-- When each field of a customer, a design or an order was last changed
-- here: "<UTC time>/<machine number>" (compared as text). Edits on two
-- machines: the later wins, field by field.
CREATE TABLE sync_fields (
	entity TEXT NOT NULL,
	id     INTEGER NOT NULL,
	field  TEXT NOT NULL,
	stamp  TEXT NOT NULL,
	PRIMARY KEY (entity, id, field)
) WITHOUT ROWID;

-- Shared rows removed here for good: a purged design, a queue entry
-- dropped, a forgotten customer (gone = 'erasure': forget wins over all).
CREATE TABLE sync_gone (
	id       INTEGER PRIMARY KEY,
	entity   TEXT NOT NULL,
	gid      TEXT NOT NULL,
	gone_at  TEXT NOT NULL,
	UNIQUE (entity, gid)
);

-- The values of a customer's fields that lost to a later edit on another
-- machine (the shop keeps them; they are shown in the customer's history).
CREATE TABLE customer_history (
	id       INTEGER PRIMARY KEY,
	customer INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	field    TEXT NOT NULL,
	value    TEXT NOT NULL,
	stamp    TEXT NOT NULL,
	UNIQUE (customer, field, stamp)
);

-- The stamp a change here gets.
CREATE VIEW sync_now AS SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') || '/' ||
	printf('%04d', coalesce((SELECT machine FROM sync_state WHERE id = 1), 0)) AS stamp;

-- Change capture: every insert and change of a shared row is counted in
-- sync_pending; the fields changed get a stamp.
CREATE TRIGGER customers_sync_insert AFTER INSERT ON customers BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('customer', NEW.id) ON CONFLICT DO UPDATE SET changes = changes + 1; END;
CREATE TRIGGER customers_sync_update AFTER UPDATE ON customers BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('customer', NEW.id) ON CONFLICT DO UPDATE SET changes = changes + 1;
	INSERT INTO sync_fields (entity, id, field, stamp)
		SELECT 'customer', NEW.id, f.field, (SELECT stamp FROM sync_now) FROM (
			SELECT 'name' AS field WHERE OLD.name IS NOT NEW.name
			UNION ALL SELECT 'email' WHERE OLD.email IS NOT NEW.email
			UNION ALL SELECT 'phone' WHERE OLD.phone IS NOT NEW.phone
			UNION ALL SELECT 'address' WHERE OLD.address IS NOT NEW.address
			UNION ALL SELECT 'consent_at' WHERE OLD.consent_at IS NOT NEW.consent_at) f
		WHERE true ON CONFLICT DO UPDATE SET stamp = excluded.stamp; END;
CREATE TRIGGER customers_sync_delete AFTER DELETE ON customers WHEN OLD.gid IS NOT NULL BEGIN
	DELETE FROM sync_pending WHERE entity = 'customer' AND id = OLD.id;
	DELETE FROM sync_fields WHERE entity = 'customer' AND id = OLD.id;
	INSERT INTO sync_gone (entity, gid, gone_at) VALUES ('erasure', OLD.gid, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT DO NOTHING;
	INSERT INTO sync_pending (entity, id) SELECT 'gone', id FROM sync_gone WHERE entity = 'erasure' AND gid = OLD.gid
		ON CONFLICT DO UPDATE SET changes = changes + 1; END;

CREATE TRIGGER designs_sync_insert AFTER INSERT ON designs BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('design', NEW.id) ON CONFLICT DO UPDATE SET changes = changes + 1; END;
CREATE TRIGGER designs_sync_update AFTER UPDATE ON designs BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('design', NEW.id) ON CONFLICT DO UPDATE SET changes = changes + 1;
	INSERT INTO sync_fields (entity, id, field, stamp)
		SELECT 'design', NEW.id, f.field, (SELECT stamp FROM sync_now) FROM (
			SELECT 'name' AS field WHERE OLD.name IS NOT NEW.name
			UNION ALL SELECT 'notes' WHERE OLD.notes IS NOT NEW.notes
			UNION ALL SELECT 'product_id' WHERE OLD.product_id IS NOT NEW.product_id
			UNION ALL SELECT 'product_name' WHERE OLD.product_name IS NOT NEW.product_name
			UNION ALL SELECT 'catalog' WHERE OLD.catalog IS NOT NEW.catalog
			UNION ALL SELECT 'customer' WHERE OLD.customer IS NOT NEW.customer
			UNION ALL SELECT 'status' WHERE OLD.status IS NOT NEW.status
			UNION ALL SELECT 'quantity' WHERE OLD.quantity IS NOT NEW.quantity
			UNION ALL SELECT 'deleted_at' WHERE OLD.deleted_at IS NOT NEW.deleted_at) f
		WHERE true ON CONFLICT DO UPDATE SET stamp = excluded.stamp; END;
CREATE TRIGGER designs_sync_delete AFTER DELETE ON designs WHEN OLD.gid IS NOT NULL BEGIN
	DELETE FROM sync_pending WHERE entity = 'design' AND id = OLD.id;
	DELETE FROM sync_fields WHERE entity = 'design' AND id = OLD.id;
	INSERT INTO sync_gone (entity, gid, gone_at) VALUES ('design', OLD.gid, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT DO NOTHING;
	INSERT INTO sync_pending (entity, id) SELECT 'gone', id FROM sync_gone WHERE entity = 'design' AND gid = OLD.gid
		ON CONFLICT DO UPDATE SET changes = changes + 1; END;

CREATE TRIGGER revisions_sync_insert AFTER INSERT ON revisions BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('revision', NEW.id) ON CONFLICT DO UPDATE SET changes = changes + 1; END;
-- A revision is changed only when a customer is forgotten (their name
-- leaves it): then it is sent again.
CREATE TRIGGER revisions_sync_update AFTER UPDATE ON revisions BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('revision', NEW.id) ON CONFLICT DO UPDATE SET changes = changes + 1; END;
CREATE TRIGGER revisions_sync_delete AFTER DELETE ON revisions BEGIN
	DELETE FROM sync_pending WHERE entity = 'revision' AND id = OLD.id; END;

CREATE TRIGGER catalogs_sync_insert AFTER INSERT ON catalogs BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('catalog', NEW.id) ON CONFLICT DO UPDATE SET changes = changes + 1; END;

CREATE TRIGGER showroom_queue_sync_insert AFTER INSERT ON showroom_queue BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('queue', NEW.rowid) ON CONFLICT DO UPDATE SET changes = changes + 1; END;
CREATE TRIGGER showroom_queue_sync_update AFTER UPDATE ON showroom_queue BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('queue', NEW.rowid) ON CONFLICT DO UPDATE SET changes = changes + 1;
	INSERT INTO sync_fields (entity, id, field, stamp)
		SELECT 'queue', NEW.rowid, f.field, (SELECT stamp FROM sync_now) FROM (
			SELECT 'customer_name' AS field WHERE OLD.customer_name IS NOT NEW.customer_name
			UNION ALL SELECT 'taken_at' WHERE OLD.taken_at IS NOT NEW.taken_at) f
		WHERE true ON CONFLICT DO UPDATE SET stamp = excluded.stamp; END;
CREATE TRIGGER showroom_queue_sync_delete AFTER DELETE ON showroom_queue WHEN OLD.gid IS NOT NULL BEGIN
	DELETE FROM sync_pending WHERE entity = 'queue' AND id = OLD.rowid;
	DELETE FROM sync_fields WHERE entity = 'queue' AND id = OLD.rowid;
	INSERT INTO sync_gone (entity, gid, gone_at) VALUES ('queue', OLD.gid, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT DO NOTHING;
	INSERT INTO sync_pending (entity, id) SELECT 'gone', id FROM sync_gone WHERE entity = 'queue' AND gid = OLD.gid
		ON CONFLICT DO UPDATE SET changes = changes + 1; END;

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
