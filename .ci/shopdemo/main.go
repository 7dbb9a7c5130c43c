//go:build ignore

// Command shopdemo runs a shop for trying the app's shop features by hand
// and for screenshots: a temporary PostgreSQL (internal/pgtest), the
// shop's schema, and pairing codes for the machines named on the command
// line. It prints the server and the codes, then waits until it is
// stopped (Ctrl+C), and removes the server.
//
//	go run .ci/shopdemo/main.go "Laptop Anna" "Laptop Ben"
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/atelier-app/atelier/internal/pgtest"
	"github.com/atelier-app/atelier/storage/shop"
)

func main() {
	srv, err := pgtest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "shopdemo:", err)
		os.Exit(1)
	}
	defer srv.Stop()
	ctx := context.Background()
	db, err := srv.CreateDatabase("shop")
	if err != nil {
		fmt.Fprintln(os.Stderr, "shopdemo:", err)
		return
	}
	admin, err := shop.OpenAdmin(ctx, srv.AdminURL(db))
	if err != nil {
		fmt.Fprintln(os.Stderr, "shopdemo:", err)
		return
	}
	defer admin.Close(ctx)
	if _, _, err := admin.Init(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "shopdemo:", err)
		return
	}
	fmt.Printf("server %s/%s\nowner  %s\n", srv.Address(), db, srv.AdminURL(db))
	for _, name := range os.Args[1:] {
		p, err := admin.AddMachine(ctx, name, shop.Dealer)
		if err != nil {
			fmt.Fprintln(os.Stderr, "shopdemo:", err)
			return
		}
		fmt.Printf("code   %s\t%s\n", p.Code, name)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
}
