package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// LibraryID names this library among a shop's machines: derived from the
// library's own secret (never the secret itself), so it stays the same
// for the library's life and is never the same for two libraries made
// apart. A library restored from another's backup has that one's id.
func (d *DB) LibraryID(ctx context.Context) (string, error) {
	var secret []byte
	if err := d.db.QueryRowContext(ctx, `SELECT secret FROM library_secret WHERE id = 1`).Scan(&secret); err != nil {
		return "", classify(err)
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("atelier library id"))
	return hex.EncodeToString(mac.Sum(nil)[:16]), nil
}
