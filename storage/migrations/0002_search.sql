-- Version 2: full-text search over designs (name, notes, product and
-- customer name), kept up to date by the storage code in the same
-- transaction as every change. rowid = designs.id.
CREATE VIRTUAL TABLE design_search USING fts5 (
	name, notes, product, customer,
	tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO design_search (rowid, name, notes, product, customer)
	SELECT d.id, d.name, d.notes, d.product_name, coalesce(c.name, '')
	FROM designs d LEFT JOIN customers c ON c.id = d.customer;
