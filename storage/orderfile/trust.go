package orderfile

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
)

// Trust is what a verifier trusts to sign orders. A manifest names the key
// that signed it, but anyone can make a key: the signature proves only
// that the package was not changed after signing by that key. Who signed
// is proven by the registry: a key enrolled for the dealer the order
// names, after its fingerprint was confirmed with the dealer out of band
// (atelierctl dealer trust). See docs/order-format.md, "Threat model".
type Trust struct {
	// Registry is the manufacturer's list of enrolled dealer keys
	// (storage.DB.DealerKeys).
	Registry []storage.DealerKey
	// Own are this library's own dealer keys, accepted for any dealer code:
	// a dealer importing or inspecting a package they made themselves.
	Own []sign.PublicKey
	// Fingerprint, when set, is the one fingerprint the signing key must
	// have, whatever else trusts it.
	Fingerprint string
	// Any accepts a key that no registry vouches for, with a warning: for
	// a dealer's own inspection of a package, never for taking an order in.
	Any bool
}

// TrustAny is a Trust that checks signatures but not who signed.
func TrustAny() Trust { return Trust{Any: true} }

// checkSigner decides whether key may sign an order of dealer dated
// created, and reports why not in plain words. It returns false when the
// order must not be trusted.
func (t Trust) checkSigner(r *Report, key sign.PublicKey, dealer string, created time.Time) bool {
	fp := key.Fingerprint()
	if t.Fingerprint != "" && storage.NormalizeFingerprint(t.Fingerprint) != storage.NormalizeFingerprint(fp) {
		r.errorf("signature", "signed by the key %s, not by the expected dealer key %s", fp, t.Fingerprint)
		return false
	}
	for _, own := range t.Own {
		if own.String() == key.String() {
			r.Trust = "own key"
			return true
		}
	}
	var forDealer, ofKey []storage.DealerKey
	for _, k := range t.Registry {
		if k.PublicKey == key.String() {
			ofKey = append(ofKey, k)
		}
		if k.Dealer == dealer {
			forDealer = append(forDealer, k)
		}
	}
	fail := func(format string, args ...any) bool {
		if t.Any {
			r.warnf("signature", format+"; accepted only because --trust-any was given: anyone could have signed this package", args...)
			r.Trust = "not checked (--trust-any)"
			return true
		}
		r.errorf("signature", format, args...)
		return false
	}
	date := created.UTC().Format("2006-01-02 15:04 MST")
	if len(ofKey) > 0 {
		// A key belongs to one dealer; should the registries given disagree,
		// the entry for the dealer the order names decides.
		k := ofKey[0]
		for _, c := range ofKey {
			if c.Dealer == dealer {
				k = c
				break
			}
		}
		if k.Dealer != dealer {
			return fail("the order names dealer %s, but the key that signed it (%s) is enrolled for dealer %s: refused", dealer, fp, k.Dealer)
		}
		if k.ValidFrom != "" {
			if from, err := time.Parse(time.RFC3339, k.ValidFrom); err == nil && created.Before(from) {
				return fail("the order is dated %s, before dealer %s's key %s became valid (%s)", date, dealer, fp, from.UTC().Format("2006-01-02 15:04 MST"))
			}
		}
		if k.RevokedAt != "" {
			at, err := time.Parse(time.RFC3339, k.RevokedAt)
			if err != nil || !created.Before(at) {
				return fail("dealer %s's key %s was revoked from %s (%s); this order is dated %s, after the revocation: refused", dealer, fp, k.RevokedAt, orNone(k.RevokeReason), date)
			}
			r.warnf("signature", "dealer %s's key %s is revoked from %s; this order is dated %s, before the revocation, and is accepted", dealer, fp, at.UTC().Format("2006-01-02 15:04 MST"), date)
		}
		r.Trust = "enrolled"
		if k.Name != "" {
			if !strings.EqualFold(strings.Join(strings.Fields(k.Name), " "), strings.Join(strings.Fields(r.DealerName), " ")) {
				r.warnf("signature", "the order names the dealer %q; the registry knows dealer %s as %q", prefix(r.DealerName, 80), dealer, k.Name)
			}
			r.DealerName = k.Name
		}
		return true
	}
	if len(forDealer) == 0 {
		return fail("dealer %s is not enrolled here: no key of theirs is trusted (the package is signed by the key %s). Ask the dealer for their key's fingerprint by phone or letter (not from this package), compare, and enrol it with atelierctl dealer trust %s --from-order … --fingerprint …", dealer, fp, dealer)
	}
	return fail("signed by a key that is not enrolled for dealer %s (fingerprint %s; their enrolled keys: %s): refused. If the dealer has a new key, confirm its fingerprint with them out of band and enrol it", dealer, fp, fingerprints(forDealer))
}

func fingerprints(keys []storage.DealerKey) string {
	out := ""
	for i, k := range keys {
		if i > 0 {
			out += ", "
		}
		out += k.Fingerprint
		if k.Revoked() {
			out += " (revoked)"
		}
	}
	return out
}

func orNone(reason string) string {
	if reason == "" {
		return "no reason given"
	}
	return fmt.Sprintf("reason: %s", reason)
}

// OwnKey is the trust of a dealer's library: the packages its own signing
// key (the file at keyPath) made, besides the keys enrolled in the
// library's registry. A library that has not made its key yet trusts only
// the registry.
func OwnKey(keyPath string) (Trust, error) {
	k, err := sign.Load(keyPath)
	if errors.Is(err, os.ErrNotExist) {
		return Trust{}, nil
	}
	if err != nil {
		return Trust{}, err
	}
	return Trust{Own: []sign.PublicKey{k.Public()}}, nil
}
