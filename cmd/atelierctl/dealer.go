package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/atelier-app/atelier/catalog"
	"github.com/atelier-app/atelier/catalog/sign"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile"
)

// DealerCmd groups the dealer registry's verbs.
type DealerCmd struct {
	Trust  DealerTrustCmd  `cmd:"" help:"Enrol a dealer's public key, after confirming its fingerprint with the dealer out of band (by phone or letter)."`
	Revoke DealerRevokeCmd `cmd:"" help:"Revoke a dealer's key from a date on: orders dated before it still verify."`
	List   DealerListCmd   `cmd:"" help:"List the enrolled dealers and their keys."`
	Key    DealerKeyCmd    `cmd:"" help:"Print this library's own dealer key (made on first use) with its fingerprint, to send to the manufacturer for enrolment."`
}

// DealerTrustCmd enrols a key.
type DealerTrustCmd struct {
	Dealer      string `arg:"" help:"The dealer's code, as their orders name it (dealer.id in order.json)."`
	Key         string `help:"The dealer's public key: a .pub file or the key in base64."`
	FromOrder   string `name:"from-order" help:"Take the public key from an order package the dealer sent (its signature is checked; who signed it is what you confirm)." type:"path"`
	Fingerprint string `required:"" help:"The key's fingerprint as the dealer told you out of band; it must match the key."`
	Name        string `help:"The dealer's name, for people."`
	ValidFrom   string `name:"valid-from" help:"Orders dated before this date (YYYY-MM-DD or RFC 3339) are refused with this key (default: no bound)."`
}

// Run enrols the key.
func (c *DealerTrustCmd) Run(env *Env, cli *CLI) error {
	var key sign.PublicKey
	switch {
	case (c.Key == "") == (c.FromOrder == ""):
		return usagef("give the dealer's public key with either --key or --from-order")
	case c.Key != "":
		text := c.Key
		if _, err := os.Stat(c.Key); err == nil {
			b, err := catalog.ReadFileLimited(c.Key, 4096, "a public key file")
			if err != nil {
				return err
			}
			text = string(b)
		}
		k, err := sign.ParsePublicKey(text)
		if err != nil {
			return usagef("--key: %v", err)
		}
		key = k
	default:
		data, err := catalog.ReadFileLimited(c.FromOrder, orderfile.DefaultLimits.MaxPackage, "an order package")
		if err != nil {
			return err
		}
		r := orderfile.Verify(data, nil, orderfile.TrustAny(), orderfile.DefaultLimits)
		if r.DealerFingerprint == "" || r.Order == nil {
			for _, f := range r.Findings {
				fmt.Fprintf(env.Stderr, "%s: %s: %s\n", f.Severity, safeText(f.Where), safeText(f.Message))
			}
			return fmt.Errorf("%s: not a signed order package; no key was enrolled", c.FromOrder)
		}
		if want := strings.ToUpper(strings.TrimSpace(c.Dealer)); r.Dealer != want {
			return fmt.Errorf("%s is an order of dealer %s, not of %s; no key was enrolled", c.FromOrder, safeText(r.Dealer), safeText(want))
		}
		if key, err = sign.ParsePublicKey(r.DealerKey); err != nil {
			return err
		}
	}
	from, err := parseDateFlag("valid-from", c.ValidFrom, time.Time{})
	if err != nil {
		return err
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	k, err := db.TrustDealerKey(context.Background(), c.Dealer, c.Name, key, c.Fingerprint, from)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "dealer %s: key %s enrolled; their order packages signed with it now verify\n", k.Dealer, k.Fingerprint)
	return nil
}

// DealerRevokeCmd revokes a key.
type DealerRevokeCmd struct {
	Dealer      string `arg:"" help:"The dealer's code."`
	Fingerprint string `help:"The key's fingerprint (or its beginning); needed when the dealer has several keys."`
	From        string `required:"" help:"The first date (YYYY-MM-DD or RFC 3339) on which the key may have been in other hands, or 'now'; orders dated from then on are refused."`
	Reason      string `help:"Why (shown when an order is refused)."`
}

// Run revokes the key.
func (c *DealerRevokeCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	at, err := parseDateFlag("from", c.From, db.Now())
	if err != nil {
		return err
	}
	k, err := db.RevokeDealerKey(context.Background(), c.Dealer, c.Fingerprint, at, c.Reason)
	if err != nil {
		return notFound(err)
	}
	fmt.Fprintf(env.Stdout, "dealer %s: key %s revoked from %s; orders dated before still verify\n", k.Dealer, k.Fingerprint, k.RevokedAt)
	return nil
}

// parseDateFlag reads a date flag: YYYY-MM-DD (midnight UTC), RFC 3339,
// or "now"; empty gives def.
func parseDateFlag(name, s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return time.Time{}, nil
	case strings.EqualFold(s, "now"):
		if now.IsZero() {
			now = time.Now()
		}
		return now.UTC().Truncate(time.Second), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, usagef("--%s %q: write a date as YYYY-MM-DD or 2026-12-07T09:30:00Z", name, s)
}

// DealerListCmd lists the registry.
type DealerListCmd struct {
	JSON bool `name:"json" help:"Print the registry as JSON."`
}

// Run prints the registry.
func (c *DealerListCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	keys, err := db.DealerKeys(context.Background())
	if err != nil {
		return err
	}
	if c.JSON {
		if keys == nil {
			keys = []storage.DealerKey{}
		}
		return writeJSON(env.Stdout, keys)
	}
	if len(keys) == 0 {
		fmt.Fprintln(env.Stdout, "no dealer is enrolled: enrol one with atelierctl dealer trust")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DEALER\tNAME\tFINGERPRINT\tVALID FROM\tREVOKED FROM\tENROLLED")
	for _, k := range keys {
		revoked := "-"
		if k.Revoked() {
			revoked = k.RevokedAt
			if k.RevokeReason != "" {
				revoked += " (" + k.RevokeReason + ")"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Dealer, safeText(orDash(k.Name)), k.Fingerprint, orDash(k.ValidFrom), safeText(revoked), shortTime(k.EnrolledAt))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// DealerKeyCmd prints the dealer's own key.
type DealerKeyCmd struct {
	Key string `help:"The dealer's private key (default: keys/dealer.key beside the database, made on first use)." type:"path"`
}

// Run prints the public key and its fingerprint.
func (c *DealerKeyCmd) Run(env *Env, cli *CLI) error {
	path := c.Key
	if path == "" {
		path = filepath.Join(filepath.Dir(dbPath(cli.DB)), "keys", "dealer.key")
	}
	k, err := sign.LoadOrCreate(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "public key  %s\nfingerprint %s\nSend the public key to the manufacturer, and tell them the fingerprint by phone or letter (not in the same e-mail): they enrol it with atelierctl dealer trust.\n", k.Public().String(), k.Public().Fingerprint())
	return nil
}

// dbPath is the database the CLI works on.
func dbPath(flag string) string {
	if flag == "" {
		return storage.DefaultPath()
	}
	return flag
}
