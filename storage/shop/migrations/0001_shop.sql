-- The shop's schema: machines and what they share (docs/shop.md).
-- {{dealer}}, {{showroom}} and {{owner}} are the group roles and the role
-- that runs the migrations, quoted by the code that runs this.

CREATE SCHEMA atelier;
REVOKE ALL ON SCHEMA atelier FROM PUBLIC;
GRANT USAGE ON SCHEMA atelier TO {{dealer}}, {{showroom}};

-- The migrations applied (storage/shop: migrate).
CREATE TABLE atelier.migrations (
	version    integer PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now()
);

-- Every shared row is stamped with the next value when it is merged; the
-- merges take the shop's advisory lock, so stamps commit in order. A row's
-- origin is the machine whose change it is, when that machine holds the
-- row exactly so (none after a merge its values partly lost): it does not
-- take its own change back.
CREATE SEQUENCE atelier.change_seq;

CREATE TABLE atelier.machines (
	number     integer PRIMARY KEY,
	role       text NOT NULL UNIQUE,
	name       text NOT NULL CHECK (name <> ''),
	kind       text NOT NULL CHECK (kind IN ('dealer', 'showroom')),
	machine_id text UNIQUE,               -- the machine's own id, once paired
	created_at timestamptz NOT NULL DEFAULT now(),
	pair_until timestamptz,               -- the one-time password's end
	paired_at  timestamptz,
	revoked_at timestamptz,
	last_seen  timestamptz,               -- its last sync
	pending    integer NOT NULL DEFAULT 0 -- changes it said it had waiting then
);

-- The shop's settings: identity, logo, price groups, terms. Showroom
-- machines read the public ones only.
CREATE TABLE atelier.settings (
	key    text PRIMARY KEY,
	value  bytea NOT NULL,                -- JSON, or a logo's bytes
	public boolean NOT NULL,
	stamp  text NOT NULL,                 -- when its value was set, on which machine: the later wins
	origin integer,
	seq    bigint NOT NULL
);
CREATE INDEX settings_seq ON atelier.settings (seq);
ALTER TABLE atelier.settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY dealer_all ON atelier.settings TO {{dealer}} USING (true) WITH CHECK (true);
CREATE POLICY showroom_public ON atelier.settings FOR SELECT TO {{showroom}} USING (public);

CREATE TABLE atelier.catalogs (
	gid          text PRIMARY KEY,
	catalog_id   text NOT NULL,
	version      text NOT NULL,
	name         text NOT NULL,
	manufacturer text NOT NULL,
	hash         text NOT NULL,
	signature    text NOT NULL CHECK (signature IN ('builtin', 'signed', 'unsigned')),
	source       bytea NOT NULL,
	source_kind  text NOT NULL CHECK (source_kind IN ('json', 'zip')),
	imported_at  text NOT NULL,
	origin       integer,                 -- the machine whose change this row is, as it has it (it need not take it back)
	seq          bigint NOT NULL,
	UNIQUE (catalog_id, version, hash)
);
CREATE INDEX catalogs_seq ON atelier.catalogs (seq);

CREATE TABLE atelier.customers (
	gid        text PRIMARY KEY,
	name       text NOT NULL,
	email      text NOT NULL DEFAULT '',
	phone      text NOT NULL DEFAULT '',
	address    text NOT NULL DEFAULT '',
	consent_at text NOT NULL DEFAULT '',
	created_at text NOT NULL,
	stamps     jsonb NOT NULL DEFAULT '{}',  -- field -> stamp of its value
	origin       integer,                 -- the machine whose change this row is, as it has it (it need not take it back)
	seq        bigint NOT NULL
);
CREATE INDEX customers_seq ON atelier.customers (seq);

-- Values that lost to a later edit on another machine.
CREATE TABLE atelier.customer_history (
	id       bigserial PRIMARY KEY,
	customer text NOT NULL REFERENCES atelier.customers (gid) ON DELETE CASCADE,
	field    text NOT NULL,
	value    text NOT NULL,
	stamp    text NOT NULL,
	seq      bigint NOT NULL
);
CREATE INDEX customer_history_seq ON atelier.customer_history (seq);

-- When the owner last made the tables again (shop vacuum): a forgotten
-- customer's bytes leave PostgreSQL's files only then.
CREATE TABLE atelier.maintenance (
	id          integer PRIMARY KEY CHECK (id = 1),
	vacuumed_at timestamptz
);
INSERT INTO atelier.maintenance (id) VALUES (1);

-- Forgotten customers: their gid only. Nothing of theirs is taken again.
CREATE TABLE atelier.erasures (
	customer  text PRIMARY KEY,
	erased_at text NOT NULL,
	origin       integer,                 -- the machine whose change this row is, as it has it (it need not take it back)
	seq       bigint NOT NULL
);
CREATE INDEX erasures_seq ON atelier.erasures (seq);

CREATE TABLE atelier.designs (
	gid          text PRIMARY KEY,
	name         text NOT NULL,
	notes        text NOT NULL DEFAULT '',
	product_id   text NOT NULL,
	product_name text NOT NULL,
	catalog      text NOT NULL REFERENCES atelier.catalogs (gid),
	customer     text,                    -- a customer's gid, or null
	status       text NOT NULL,
	quantity     integer NOT NULL CHECK (quantity > 0),
	created_at   text NOT NULL,
	deleted_at   text,
	stamps       jsonb NOT NULL DEFAULT '{}',
	origin       integer,                 -- the machine whose change this row is, as it has it (it need not take it back)
	seq          bigint NOT NULL
);
CREATE INDEX designs_seq ON atelier.designs (seq);

-- Immutable: a change is a new revision, made from its parent.
CREATE TABLE atelier.revisions (
	gid          text PRIMARY KEY,
	design       text NOT NULL REFERENCES atelier.designs (gid) ON DELETE CASCADE,
	parent       text,                    -- the revision it was made from
	merges       text NOT NULL DEFAULT '[]', -- revisions it settles (JSON list of gids)
	catalog      text NOT NULL REFERENCES atelier.catalogs (gid),
	product_id   text NOT NULL,
	product_name text NOT NULL,
	decisions    text NOT NULL,
	name         text NOT NULL,
	notes        text NOT NULL DEFAULT '',
	quantity     integer NOT NULL,
	currency     text NOT NULL,
	total        text NOT NULL,
	breakdown    text NOT NULL,
	thumbnail    bytea,
	saved_at     text NOT NULL,
	made_on      text NOT NULL DEFAULT '', -- the name of the machine that made it
	machine      integer NOT NULL,        -- its number
	origin       integer,                 -- the machine whose change this row is, as it has it (it need not take it back)
	seq          bigint NOT NULL
);
CREATE INDEX revisions_seq ON atelier.revisions (seq);
CREATE INDEX revisions_design ON atelier.revisions (design);

-- Each machine numbers its orders in a series of its own (docs/shop.md),
-- so a number is unique per dealer and machine; two laptops that made
-- orders before they joined the shop may share one.
CREATE TABLE atelier.orders (
	gid            text PRIMARY KEY,
	dealer         text NOT NULL,
	made_by        integer NOT NULL,
	series         integer NOT NULL,
	seq            integer NOT NULL,
	number         text NOT NULL,
	customer       text,
	delivery       text NOT NULL DEFAULT '',
	requested_date text NOT NULL DEFAULT '',
	notes          text NOT NULL DEFAULT '',
	status         text NOT NULL,
	exported_hash  text NOT NULL DEFAULT '',
	created_at     text NOT NULL,
	stamps         jsonb NOT NULL DEFAULT '{}',
	origin       integer,                 -- the machine whose change this row is, as it has it (it need not take it back)
	change         bigint NOT NULL,
	UNIQUE (dealer, made_by, series, seq),
	UNIQUE (dealer, made_by, number)
);
CREATE INDEX orders_change ON atelier.orders (change);
CREATE INDEX orders_number ON atelier.orders (number);

CREATE TABLE atelier.order_lines (
	order_gid text NOT NULL REFERENCES atelier.orders (gid) ON DELETE CASCADE,
	line      integer NOT NULL,
	revision  text NOT NULL REFERENCES atelier.revisions (gid),
	quantity  integer NOT NULL CHECK (quantity > 0),
	discount  text NOT NULL DEFAULT '0',
	PRIMARY KEY (order_gid, line)
);

CREATE TABLE atelier.showroom_queue (
	gid           text PRIMARY KEY,
	code          text NOT NULL,
	design        text NOT NULL REFERENCES atelier.designs (gid) ON DELETE CASCADE,
	customer_name text NOT NULL DEFAULT '',
	sent_at       text NOT NULL,
	taken_at      text,
	machine       integer NOT NULL,
	stamps        jsonb NOT NULL DEFAULT '{}',
	origin       integer,                 -- the machine whose change this row is, as it has it (it need not take it back)
	seq           bigint NOT NULL
);
CREATE INDEX showroom_queue_seq ON atelier.showroom_queue (seq);

-- Shared rows removed for good: a purged design, a dropped queue entry.
CREATE TABLE atelier.gone (
	entity  text NOT NULL,
	gid     text NOT NULL,
	gone_at text NOT NULL,
	origin       integer,                 -- the machine whose change this row is, as it has it (it need not take it back)
	seq     bigint NOT NULL,
	PRIMARY KEY (entity, gid)
);
CREATE INDEX gone_seq ON atelier.gone (seq);

-- Dealers: everything shared, read and written by the sync.
GRANT SELECT, INSERT, UPDATE ON atelier.settings, atelier.catalogs, atelier.customers,
	atelier.customer_history, atelier.erasures, atelier.designs, atelier.revisions,
	atelier.orders, atelier.order_lines, atelier.showroom_queue, atelier.gone TO {{dealer}};
GRANT DELETE ON atelier.order_lines, atelier.customers, atelier.designs, atelier.showroom_queue TO {{dealer}};
GRANT SELECT ON atelier.machines TO {{dealer}};
GRANT USAGE, SELECT ON SEQUENCE atelier.change_seq, atelier.customer_history_id_seq TO {{dealer}};

-- Showrooms: catalogs and the public settings; they send designs through
-- atelier.send_to_dealer only.
GRANT SELECT ON atelier.catalogs, atelier.settings TO {{showroom}};
GRANT SELECT ON SEQUENCE atelier.change_seq TO {{showroom}};

-- The pairing's last step, run by the new machine with its one-time
-- password: its role gets the password it made (as a SCRAM verifier, so
-- the password never leaves the machine) and loses the time limit.
CREATE FUNCTION atelier.complete_pairing(verifier text, machine_id text)
RETURNS TABLE (number integer, name text, kind text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	m atelier.machines%ROWTYPE;
BEGIN
	SELECT * INTO m FROM atelier.machines WHERE role = session_user FOR UPDATE;
	IF NOT FOUND OR m.revoked_at IS NOT NULL THEN
		RAISE EXCEPTION 'this machine is not one of the shop''s' USING ERRCODE = '28000';
	END IF;
	IF m.paired_at IS NOT NULL THEN
		RAISE EXCEPTION 'this pairing code was used already' USING ERRCODE = '28000';
	END IF;
	IF verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
		RAISE EXCEPTION 'not a SCRAM-SHA-256 verifier' USING ERRCODE = '22023';
	END IF;
	EXECUTE format('ALTER ROLE %I PASSWORD %L VALID UNTIL %L', session_user, verifier, 'infinity');
	UPDATE atelier.machines SET paired_at = now(), pair_until = NULL, machine_id = complete_pairing.machine_id
		WHERE atelier.machines.role = session_user;
	RETURN QUERY SELECT m.number, m.name, m.kind;
END $$;
REVOKE ALL ON FUNCTION atelier.complete_pairing(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atelier.complete_pairing(text, text) TO {{dealer}}, {{showroom}};

-- A machine says it synced, and how many changes it still had waiting.
CREATE FUNCTION atelier.checkin(pending integer)
RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	UPDATE atelier.machines SET last_seen = now(), pending = checkin.pending
		WHERE role = session_user AND revoked_at IS NULL;
$$;
REVOKE ALL ON FUNCTION atelier.checkin(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atelier.checkin(integer) TO {{dealer}}, {{showroom}};

-- A showroom sends the designs customers made there (and the catalogs
-- they were made with) to the dealer: new rows only, never a change to
-- what exists, and nothing is read back.
CREATE FUNCTION atelier.send_to_dealer(batch jsonb)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	m atelier.machines%ROWTYPE;
	c jsonb;
	d jsonb;
	r jsonb;
	q jsonb;
BEGIN
	SELECT * INTO m FROM atelier.machines WHERE role = session_user AND revoked_at IS NULL AND kind = 'showroom';
	IF NOT FOUND THEN
		RAISE EXCEPTION 'only a showroom machine of the shop sends designs this way' USING ERRCODE = '42501';
	END IF;
	PERFORM pg_advisory_xact_lock(18423852445558130); -- storage/shop: syncLock
	FOR c IN SELECT * FROM jsonb_array_elements(coalesce(batch->'Catalogs', '[]')) LOOP
		INSERT INTO atelier.catalogs (gid, catalog_id, version, name, manufacturer, hash, signature, source, source_kind, imported_at, origin, seq)
		VALUES (c->>'GID', c->>'CatalogID', c->>'Version', c->>'Name', c->>'Manufacturer', c->>'Hash', c->>'Signature',
			decode(c->>'Source', 'base64'), c->>'SourceKind', c->>'ImportedAt', m.number, nextval('atelier.change_seq'))
		ON CONFLICT (gid) DO NOTHING;
	END LOOP;
	FOR d IN SELECT * FROM jsonb_array_elements(coalesce(batch->'Designs', '[]')) LOOP
		INSERT INTO atelier.designs (gid, name, notes, product_id, product_name, catalog, customer, status, quantity, created_at, deleted_at, stamps, origin, seq)
		VALUES (d->>'GID', d->>'Name', d->>'Notes', d->>'ProductID', d->>'ProductName', d->>'Catalog', NULL, d->>'Status',
			(d->>'Quantity')::integer, d->>'CreatedAt', nullif(d->>'DeletedAt', ''), '{}', m.number, nextval('atelier.change_seq'))
		ON CONFLICT (gid) DO NOTHING;
	END LOOP;
	FOR r IN SELECT * FROM jsonb_array_elements(coalesce(batch->'Revisions', '[]')) LOOP
		INSERT INTO atelier.revisions (gid, design, parent, merges, catalog, product_id, product_name, decisions, name, notes, quantity,
			currency, total, breakdown, thumbnail, saved_at, made_on, machine, origin, seq)
		SELECT r->>'GID', r->>'Design', nullif(r->>'Parent', ''), coalesce(r->'Merges', '[]')::text, r->>'Catalog', r->>'ProductID',
			r->>'ProductName', r->>'Decisions', r->>'Name', r->>'Notes', (r->>'Quantity')::integer, r->>'Currency', r->>'Total',
			r->>'Breakdown', decode(r->>'Thumbnail', 'base64'), r->>'SavedAt', m.name, m.number, m.number, nextval('atelier.change_seq')
		WHERE EXISTS (SELECT 1 FROM atelier.designs WHERE gid = r->>'Design')
		ON CONFLICT (gid) DO NOTHING;
	END LOOP;
	FOR q IN SELECT * FROM jsonb_array_elements(coalesce(batch->'Queue', '[]')) LOOP
		INSERT INTO atelier.showroom_queue (gid, code, design, customer_name, sent_at, taken_at, machine, stamps, origin, seq)
		SELECT q->>'GID', q->>'Code', q->>'Design', q->>'CustomerName', q->>'SentAt', NULL, m.number, '{}', m.number, nextval('atelier.change_seq')
		WHERE EXISTS (SELECT 1 FROM atelier.designs WHERE gid = q->>'Design')
		ON CONFLICT (gid) DO NOTHING;
	END LOOP;
	PERFORM pg_notify('atelier_changes', m.number::text);
END $$;
REVOKE ALL ON FUNCTION atelier.send_to_dealer(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atelier.send_to_dealer(jsonb) TO {{showroom}};
