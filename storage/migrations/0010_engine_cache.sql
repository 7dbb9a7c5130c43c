-- Version 10 (file 0010): the configuration engine's kept knowledge per
-- catalog version and product (rules.Model.Knowledge: witness
-- configurations, checked against the rules when read back), so that the
-- second start on a catalog opens its products without searching. Only
-- product data: nothing about customers. A cache: it may be emptied at any
-- time. IF NOT EXISTS: the migration may be applied to a file that has it.
CREATE TABLE IF NOT EXISTS engine_cache (
	catalog_hash TEXT NOT NULL,  -- the catalog version's sha256 (catalogs.hash)
	product      TEXT NOT NULL,  -- the product's id
	data         BLOB NOT NULL,
	saved_at     TEXT NOT NULL,
	PRIMARY KEY (catalog_hash, product)
);
