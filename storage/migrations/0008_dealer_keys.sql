-- Version 8: the registry of dealers' signing keys, on the manufacturer's
-- side (and on a dealer's, for packages of the shop's other machines). An
-- order package is trusted only when the key that signed it is enrolled
-- here for the dealer the order names, and the order is dated before the
-- key's revocation. A dealer may have several keys (rotation); a key
-- belongs to one dealer. Rows are never deleted: a revoked key stays, with
-- its date, so that orders signed before the revocation still verify.
CREATE TABLE dealer_keys (
	id            INTEGER PRIMARY KEY,
	dealer        TEXT NOT NULL,               -- the dealer's code, as order.json's dealer.id (upper case)
	name          TEXT NOT NULL DEFAULT '',    -- the dealer's name, for people
	public_key    TEXT NOT NULL UNIQUE,        -- ed25519, base64
	fingerprint   TEXT NOT NULL,               -- as sign.PublicKey.Fingerprint writes it
	valid_from    TEXT NOT NULL DEFAULT '',    -- RFC 3339: orders dated before are refused ('' = no bound)
	revoked_at    TEXT NOT NULL DEFAULT '',    -- RFC 3339: orders dated at or after are refused ('' = not revoked)
	revoke_reason TEXT NOT NULL DEFAULT '',
	enrolled_at   TEXT NOT NULL
);
CREATE INDEX dealer_keys_dealer ON dealer_keys (dealer);
