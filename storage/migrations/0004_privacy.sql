-- Version 4: the search index overwrites what it deletes (FTS5
-- secure-delete), so a forgotten customer's name does not linger in its
-- pages; revisions record their product, so restoring one restores the
-- product too.
INSERT INTO design_search (design_search, rank) VALUES ('secure-delete', 1);
INSERT INTO design_search (design_search) VALUES ('optimize');
ALTER TABLE revisions ADD COLUMN product_id TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN product_name TEXT NOT NULL DEFAULT '';
UPDATE revisions SET product_id = (SELECT product_id FROM designs WHERE designs.id = revisions.design),
	product_name = (SELECT product_name FROM designs WHERE designs.id = revisions.design);
UPDATE orders SET dealer = upper(dealer);
