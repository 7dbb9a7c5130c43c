-- Version 5: an order line may carry the dealer's discount for the
-- customer on that line (percent, a decimal string; '0' for none).
ALTER TABLE order_lines ADD COLUMN discount TEXT NOT NULL DEFAULT '0';
