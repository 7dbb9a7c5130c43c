package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/atelier-app/atelier/catalog/sign"
)

// DealerKey is one dealer signing key in the registry: the manufacturer
// trusts an order package only when its signing key is enrolled for the
// dealer the order names (orderfile.Verify). Times are RFC 3339 in UTC; an
// empty ValidFrom or RevokedAt is no bound.
type DealerKey struct {
	ID           int64  `json:"id"`
	Dealer       string `json:"dealer"` // the dealer's code, upper case
	Name         string `json:"name"`
	PublicKey    string `json:"public_key"` // ed25519, base64
	Fingerprint  string `json:"fingerprint"`
	ValidFrom    string `json:"valid_from,omitempty"`
	RevokedAt    string `json:"revoked_at,omitempty"`
	RevokeReason string `json:"revoke_reason,omitempty"`
	EnrolledAt   string `json:"enrolled_at"`
}

// Revoked tells whether the key is revoked.
func (k DealerKey) Revoked() bool { return k.RevokedAt != "" }

// ErrKeyConflict: the key is enrolled already (for this or another dealer).
var ErrKeyConflict = errors.New("the key is enrolled already")

// TrustDealerKey enrols a dealer's public key. The caller has confirmed
// the key's fingerprint with the dealer out of band (by phone, on paper):
// that confirmation is what makes the key trustworthy, so fingerprint must
// be given and must belong to the key. validFrom (zero: no bound) is the
// first date of orders the key may sign, for a rotation. A key enrolled
// already is refused (ErrKeyConflict), whoever it is enrolled for.
func (d *DB) TrustDealerKey(ctx context.Context, dealer, name string, key sign.PublicKey, fingerprint string, validFrom time.Time) (DealerKey, error) {
	dealer = strings.ToUpper(strings.TrimSpace(dealer))
	if !dealerCode.MatchString(dealer) {
		return DealerKey{}, fmt.Errorf("trust dealer key: %q is not a dealer code (letters, digits, '.', '_' and '-', up to 32)", dealer)
	}
	if NormalizeFingerprint(fingerprint) != NormalizeFingerprint(key.Fingerprint()) {
		return DealerKey{}, fmt.Errorf("trust dealer key for %s: the fingerprint %q is not the key's (%s): check with the dealer which key they sent; nothing was enrolled", dealer, fingerprint, key.Fingerprint())
	}
	k := DealerKey{Dealer: dealer, Name: strings.TrimSpace(name), PublicKey: key.String(), Fingerprint: key.Fingerprint(), EnrolledAt: d.stamp()}
	if !validFrom.IsZero() {
		k.ValidFrom = validFrom.UTC().Format(time.RFC3339)
	}
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var other string
		err := tx.QueryRowContext(ctx, `SELECT dealer FROM dealer_keys WHERE public_key = ?`, k.PublicKey).Scan(&other)
		if err == nil {
			return fmt.Errorf("%w for dealer %s (fingerprint %s)", ErrKeyConflict, other, k.Fingerprint)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO dealer_keys (dealer, name, public_key, fingerprint, valid_from, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)`,
			k.Dealer, k.Name, k.PublicKey, k.Fingerprint, k.ValidFrom, k.EnrolledAt)
		if err != nil {
			return err
		}
		k.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return DealerKey{}, fmt.Errorf("trust dealer key for %s: %w", dealer, classify(err))
	}
	return k, nil
}

// RevokeDealerKey revokes a dealer's key from a date on: orders dated at
// or after at are refused, orders dated before still verify. Give the date
// from which the key may have been in other hands (a lost laptop: the day
// it was lost), not the day the loss was noticed. A key revoked already
// keeps its earlier date unless at is earlier.
func (d *DB) RevokeDealerKey(ctx context.Context, dealer, fingerprint string, at time.Time, reason string) (DealerKey, error) {
	dealer = strings.ToUpper(strings.TrimSpace(dealer))
	var k DealerKey
	err := d.tx(ctx, func(tx *sql.Tx) error {
		keys, err := dealerKeys(ctx, tx, `WHERE dealer = ?`, dealer)
		if err != nil {
			return err
		}
		var found []DealerKey
		for _, c := range keys {
			if fingerprint == "" || strings.HasPrefix(NormalizeFingerprint(c.Fingerprint), NormalizeFingerprint(fingerprint)) {
				found = append(found, c)
			}
		}
		switch {
		case len(keys) == 0:
			return fmt.Errorf("dealer %s has no enrolled key: %w", dealer, ErrNotFound)
		case len(found) == 0:
			return fmt.Errorf("dealer %s has no key with the fingerprint %q: %w", dealer, fingerprint, ErrNotFound)
		case len(found) > 1:
			return fmt.Errorf("dealer %s has %d keys that match %q: give the whole fingerprint", dealer, len(found), fingerprint)
		}
		k = found[0]
		when := at.UTC().Format(time.RFC3339)
		if k.RevokedAt != "" && k.RevokedAt <= when {
			return nil // revoked from an earlier date already
		}
		k.RevokedAt, k.RevokeReason = when, strings.TrimSpace(reason)
		_, err = tx.ExecContext(ctx, `UPDATE dealer_keys SET revoked_at = ?, revoke_reason = ? WHERE id = ?`, k.RevokedAt, k.RevokeReason, k.ID)
		return err
	})
	if err != nil {
		return DealerKey{}, fmt.Errorf("revoke dealer key: %w", classify(err))
	}
	return k, nil
}

// DealerKeys lists the registry, by dealer and enrolment.
func (d *DB) DealerKeys(ctx context.Context) ([]DealerKey, error) {
	var out []DealerKey
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = dealerKeys(ctx, tx, ``)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dealer keys: %w", classify(err))
	}
	return out, nil
}

func dealerKeys(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]DealerKey, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, dealer, name, public_key, fingerprint, valid_from, revoked_at, revoke_reason, enrolled_at
		FROM dealer_keys `+where+` ORDER BY dealer, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DealerKey
	for rows.Next() {
		var k DealerKey
		if err := rows.Scan(&k.ID, &k.Dealer, &k.Name, &k.PublicKey, &k.Fingerprint, &k.ValidFrom, &k.RevokedAt, &k.RevokeReason, &k.EnrolledAt); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// NormalizeFingerprint is a fingerprint as compared: lower case, without
// spaces, colons or dashes ("3F2A:9C01" and "3f2a 9c01" are the same).
func NormalizeFingerprint(s string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", ":", "", "-", "", "\t", "").Replace(s))
}
