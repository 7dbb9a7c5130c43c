-- Version 13 (file 0013): the dealer's settings that belong to the shop
-- (identity, logo, the prices shown to customers, the manufacturer's terms),
-- kept in the library so that a shop's machines share them (docs/shop.md).
-- Machine-local settings (window, language, theme, the showroom PIN) stay
-- in the app's preferences.
CREATE TABLE shop_settings (
	id         INTEGER PRIMARY KEY,
	key        TEXT NOT NULL UNIQUE,   -- dealer.identity, dealer.prices, dealer.terms, dealer.logo
	value      BLOB NOT NULL,          -- JSON, or the logo's bytes
	public     INTEGER NOT NULL,       -- 1: a showroom machine may read it
	updated_at TEXT NOT NULL
);
CREATE TRIGGER shop_settings_sync_insert AFTER INSERT ON shop_settings BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('setting', NEW.id) ON CONFLICT DO UPDATE SET changes = changes + 1;
	INSERT INTO sync_fields (entity, id, field, stamp) VALUES ('setting', NEW.id, 'value', (SELECT stamp FROM sync_now))
		ON CONFLICT DO UPDATE SET stamp = excluded.stamp; END;
CREATE TRIGGER shop_settings_sync_update AFTER UPDATE ON shop_settings WHEN OLD.value IS NOT NEW.value OR OLD.public IS NOT NEW.public BEGIN
	INSERT INTO sync_pending (entity, id) VALUES ('setting', NEW.id) ON CONFLICT DO UPDATE SET changes = changes + 1;
	INSERT INTO sync_fields (entity, id, field, stamp) VALUES ('setting', NEW.id, 'value', (SELECT stamp FROM sync_now))
		ON CONFLICT DO UPDATE SET stamp = excluded.stamp; END;
