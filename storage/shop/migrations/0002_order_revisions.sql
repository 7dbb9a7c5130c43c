-- Version 2: an order's revisions (docs/order-format.md, "Sending orders").
-- A refused order is corrected and sent again under its number: its lines
-- change and its revision goes up. The higher revision wins on every
-- machine, with its lines. Machines of an Atelier before this sync without
-- the two columns (the defaults are the first revision's).
ALTER TABLE atelier.orders ADD COLUMN revision integer NOT NULL DEFAULT 1,
	ADD COLUMN revised_at text NOT NULL DEFAULT '';
