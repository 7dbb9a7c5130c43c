package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/atelier-app/atelier/storage"
)

// CustomerCmd groups the customer verbs.
type CustomerCmd struct {
	Add    CustomerAddCmd    `cmd:"" help:"Add a customer; prints their id."`
	List   CustomerListCmd   `cmd:"" help:"List the customers (or those matching --query)."`
	Forget CustomerForgetCmd `cmd:"" help:"Erase a customer's personal data from the database, its backups and every copy in the data folder."`
}

// CustomerAddCmd adds a customer.
type CustomerAddCmd struct {
	Name    string `required:"" help:"The customer's name."`
	Email   string `help:"E-mail address."`
	Phone   string `help:"Phone number."`
	Address string `help:"Delivery address (\\n between lines)."`
	Consent bool   `help:"The customer agreed to be kept on file (recorded with today's date)."`
}

// Run saves the customer and prints the id.
func (c *CustomerAddCmd) Run(env *Env, cli *CLI) error {
	if strings.TrimSpace(c.Name) == "" {
		return usagef("--name: a customer needs a name")
	}
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	cust := storage.Customer{Name: strings.TrimSpace(c.Name), Email: c.Email, Phone: c.Phone, Address: strings.ReplaceAll(c.Address, `\n`, "\n")}
	if c.Consent {
		cust.ConsentAt = time.Now().Format(time.DateOnly)
	}
	id, err := db.SaveCustomer(context.Background(), cust)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, id)
	return nil
}

// CustomerListCmd lists customers.
type CustomerListCmd struct {
	Query string `help:"Only customers whose name, e-mail or phone contains this."`
	JSON  bool   `name:"json" help:"Print JSON: id, name, email, phone, address, consent (YYYY-MM-DD or empty)."`
}

// Run prints the customers.
func (c *CustomerListCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := db.Customers(context.Background(), c.Query)
	if err != nil {
		return err
	}
	if c.JSON {
		type customerJSON struct {
			ID      int64  `json:"id"`
			Name    string `json:"name"`
			Email   string `json:"email"`
			Phone   string `json:"phone"`
			Address string `json:"address"`
			Consent string `json:"consent"`
		}
		out := []customerJSON{}
		for _, x := range list {
			out = append(out, customerJSON{x.ID, x.Name, x.Email, x.Phone, x.Address, x.ConsentAt})
		}
		return writeJSON(env.Stdout, out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tE-MAIL\tPHONE\tCONSENT")
	for _, x := range list {
		consent := x.ConsentAt
		if consent == "" {
			consent = "none on file"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", x.ID, safeText(x.Name), safeText(x.Email), safeText(x.Phone), consent)
	}
	return tw.Flush()
}

// CustomerForgetCmd forgets a customer.
type CustomerForgetCmd struct {
	ID int64 `arg:"" help:"The customer's id."`
}

// Run erases the customer.
func (c *CustomerForgetCmd) Run(env *Env, cli *CLI) error {
	db, err := openDB(cli.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.Forget(context.Background(), c.ID)
	for _, f := range rep.Scrubbed {
		fmt.Fprintf(env.Stdout, "erased from the copy %s\n", f)
	}
	for _, f := range rep.Deleted {
		fmt.Fprintf(env.Stdout, "deleted %s: it could not be opened to erase the customer from it\n", f)
	}
	for _, f := range rep.Skipped {
		fmt.Fprintf(env.Stdout, "left alone %s\n", f)
	}
	if err != nil {
		return notFound(err)
	}
	fmt.Fprintln(env.Stdout, rep.String(c.ID))
	return nil
}
