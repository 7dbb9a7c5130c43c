-- Version 7: forgetting a customer is remembered without keeping who they
-- were. library_secret holds a random key made once per library; an
-- erasure mark is a slow keyed hash (PBKDF2-HMAC-SHA256, the key as salt,
-- tagged with its scheme; see docs/storage.md) of one normalised piece of
-- a forgotten customer's data (the full name, the e-mail, the phone's
-- digits, the street line). An order import compares the package's
-- customer against the marks, so an old order cannot bring a forgotten
-- name back; the marks alone say nothing about who was forgotten, and
-- confirming a guess costs some 22 ms.
CREATE TABLE library_secret (
	id     INTEGER PRIMARY KEY CHECK (id = 1),
	secret BLOB NOT NULL CHECK (length(secret) = 32)
);
INSERT INTO library_secret (id, secret) VALUES (1, randomblob(32));

CREATE TABLE erasure_marks (
	mark      TEXT PRIMARY KEY,   -- hex HMAC-SHA256
	erased_on TEXT NOT NULL       -- YYYY-MM-DD, the day of the (first) erasure
);
