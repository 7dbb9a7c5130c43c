package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/storage/orderfile/outbox"
	"github.com/atelier-app/atelier/storage/orderfile/transport"
)

// OrderSendCmd queues an order for the manufacturer.
type OrderSendCmd struct {
	Order string   `arg:"" help:"The order's number (or its id)."`
	Trust []string `help:"A manufacturer's public key file to trust besides the built-in ones (repeatable)." type:"existingfile"`
	DealerFlags
}

// findOrder finds an order by number or id.
func findOrder(ctx context.Context, db *storage.DB, ref string) (storage.Order, error) {
	orders, err := db.Orders(ctx)
	if err != nil {
		return storage.Order{}, err
	}
	for _, o := range orders {
		if strings.EqualFold(o.Number, ref) {
			return db.Order(ctx, o.ID)
		}
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		o, err := db.Order(ctx, id)
		return o, notFound(err)
	}
	return storage.Order{}, fmt.Errorf("no order %s in this library", ref)
}

// Run builds the package of the order's current revision and queues it;
// it is delivered by atelierctl outbox deliver (or the app) when the
// manufacturer's inbox can be reached.
func (c *OrderSendCmd) Run(env *Env, cli *CLI) error {
	if err := c.check(); err != nil {
		return err
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	o, err := findOrder(ctx, db, c.Order)
	if err != nil {
		return err
	}
	s, err := c.settings(db.Path())
	if err != nil {
		return err
	}
	trusted, err := trustedKeys(c.Trust)
	if err != nil {
		return err
	}
	it, err := outbox.Queue(ctx, db, o.ID, s, trusted)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "order %s %s queued for %s (%d bytes); atelierctl outbox deliver sends it\n", it.Number, revision(it.Revision), it.Manufacturer, len(it.Package))
	return nil
}

func revision(n int) string {
	if n <= 1 {
		return "(first revision)"
	}
	return fmt.Sprintf("revision %d", n)
}

// OrderReviseCmd makes the next revision of a refused order.
type OrderReviseCmd struct {
	Order string `arg:"" help:"The order's number (or its id)."`
}

// Run takes the newest saved revision of each of the order's designs
// (the corrections) with the same quantities and discounts, as the
// order's next revision.
func (c *OrderReviseCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	o, err := findOrder(ctx, db, c.Order)
	if err != nil {
		return err
	}
	lines, changed, err := outbox.CorrectedLines(ctx, db, o)
	if err != nil {
		return err
	}
	o, err = db.ReviseOrder(ctx, o.ID, lines)
	if err != nil {
		return err
	}
	same := ""
	if !changed {
		same = " (no design was saved again: the same lines)"
	}
	fmt.Fprintf(env.Stdout, "order %s is now at revision %d%s; atelierctl order send %s sends it\n", o.Number, o.Revision, same, o.Number)
	return nil
}

// OutboxCmd groups the outbox verbs.
type OutboxCmd struct {
	List    OutboxListCmd    `cmd:"" default:"1" help:"Show every order sent and where it is: queued, delivered, accepted or refused (and why)."`
	Deliver OutboxDeliverCmd `cmd:"" help:"Deliver what is queued and collect the manufacturer's answers."`
	Key     OutboxKeyCmd     `cmd:"" help:"Print this library's SSH public key, for the manufacturer's SFTP server."`
}

// OutboxListCmd lists the outbox.
type OutboxListCmd struct{}

// Run prints one line per order revision sent, and the manufacturer's
// reasons under a refused one.
func (c *OutboxListCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	items, err := db.Outbox(context.Background())
	if err != nil {
		return err
	}
	if len(items) == 0 {
		fmt.Fprintln(env.Stdout, "Nothing sent yet.")
		return nil
	}
	for _, it := range items {
		fmt.Fprintf(env.Stdout, "%-16s %-20s %-10s %s\n", it.Number, revision(it.Revision), it.State, outboxDetail(it))
		for _, r := range it.Reasons {
			fmt.Fprintf(env.Stdout, "    - %s\n", r)
		}
	}
	return nil
}

func outboxDetail(it storage.OutboxItem) string {
	switch it.State {
	case storage.OutboxQueued:
		s := "queued " + it.QueuedAt.Local().Format("2006-01-02 15:04")
		if it.LastError != "" {
			s += fmt.Sprintf("; %d attempts, next %s: %s", it.Attempts, it.NextAttempt.Local().Format("15:04:05"), it.LastError)
		}
		return s
	case storage.OutboxDelivered:
		return "delivered " + it.DeliveredAt.Local().Format("2006-01-02 15:04") + " to " + it.Manufacturer + ", awaiting the answer"
	case storage.OutboxAccepted:
		s := "accepted " + it.AnsweredAt.Local().Format("2006-01-02 15:04") + " by " + it.Manufacturer
		if it.Reference != "" {
			s += " (their reference " + it.Reference + ")"
		}
		return s
	}
	return "refused " + it.AnsweredAt.Local().Format("2006-01-02 15:04") + " by " + it.Manufacturer + ":"
}

// OutboxDeliverCmd delivers the outbox.
type OutboxDeliverCmd struct {
	Wait time.Duration `help:"Keep delivering and collecting answers for this long (e.g. 2m), trying unreachable inboxes again as they come back."`
}

// Run delivers every queued item that is due (with --wait, also those
// that become due) and collects the answers.
func (c *OutboxDeliverCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	key, err := transport.LoadOrCreateKey(sshKeyPath(db.Path()))
	if err != nil {
		return err
	}
	s := &outbox.Sender{DB: db, Key: key}
	ctx := context.Background()
	deadline := time.Now().Add(c.Wait)
	var problems []string
	for {
		d, err := s.Deliver(ctx)
		if err != nil {
			return err
		}
		a, err := s.Collect(ctx)
		if err != nil {
			return err
		}
		if d.Delivered > 0 {
			fmt.Fprintf(env.Stdout, "delivered %d\n", d.Delivered)
		}
		if a.Accepted+a.Refused > 0 {
			fmt.Fprintf(env.Stdout, "answers: %d accepted, %d refused\n", a.Accepted, a.Refused)
		}
		for _, i := range a.Ignored {
			fmt.Fprintf(env.Stderr, "answer ignored: %s\n", i)
		}
		problems = d.Problems
		if !time.Now().Before(deadline) {
			break
		}
		waiting, err := db.OutboxQueuedItems(ctx)
		if err != nil {
			return err
		}
		awaiting, err := db.OutboxAwaiting(ctx)
		if err != nil {
			return err
		}
		if len(waiting)+len(awaiting) == 0 {
			break
		}
		time.Sleep(time.Second)
		if _, err := s.Probe(ctx); err != nil {
			return err
		}
	}
	for _, p := range problems {
		fmt.Fprintf(env.Stderr, "not delivered: %s\n", p)
	}
	waiting, err := db.OutboxQueuedItems(ctx)
	if err != nil {
		return err
	}
	if len(waiting) > 0 {
		return fmt.Errorf("%d %s still queued; they go out when the manufacturer's inbox can be reached (atelierctl outbox shows them)", len(waiting), plural(len(waiting), "order", "orders"))
	}
	return nil
}

// sshKeyPath is the library's SSH key for the manufacturer's server.
func sshKeyPath(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "keys", "dealer-ssh.key")
}

// OutboxKeyCmd prints the SSH public key.
type OutboxKeyCmd struct{}

// Run prints the key (made on first use) as one authorized_keys line.
func (c *OutboxKeyCmd) Run(env *Env, cli *CLI) error {
	key, err := transport.LoadOrCreateKey(sshKeyPath(dbPath(cli.DB)))
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, transport.AuthorizedKey(key))
	return nil
}
