package catalog

import (
	"os"
	"strings"
	"testing"
)

// withOrders is the minimal catalog whose manufacturer names the order
// inbox orders (a JSON object).
func withOrders(t *testing.T, orders string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/valid/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), `"manufacturer": {`, `"manufacturer": {"orders": `+orders+`,`, 1)
	if s == string(data) {
		t.Fatal("minimal.json has no manufacturer object to extend")
	}
	return []byte(s)
}

func TestManufacturerOrderInbox(t *testing.T) {
	const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKq3eYRuBc9nYm0Lw0i8h2bBvXNrE1nq5p3XWmVjg2Jm"
	data := withOrders(t, `{"sftp": "orders.nordholm.example:2222", "user": "ber01", "hostKey": "`+key+`"}`)
	c, err := Parse("orders.json", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := OrderAddress{SFTP: "orders.nordholm.example:2222", User: "ber01", HostKey: key}
	if c.Manufacturer.Orders == nil || *c.Manufacturer.Orders != want {
		t.Fatalf("orders = %+v, want %+v", c.Manufacturer.Orders, want)
	}
	data = withOrders(t, `{"folder": "/mnt/nordholm/orders"}`)
	if c, err = Parse("orders.json", data, nil); err != nil || c.Manufacturer.Orders.Folder != "/mnt/nordholm/orders" {
		t.Fatalf("folder inbox: %v, %+v", err, c)
	}
	data, _ = os.ReadFile("testdata/valid/minimal.json")
	if c, err = Parse("orders.json", data, nil); err != nil || c.Manufacturer.Orders != nil {
		t.Fatalf("a catalog without an inbox: %v, %+v", err, c.Manufacturer.Orders)
	}
}

func TestManufacturerOrderInboxMistakes(t *testing.T) {
	for _, tc := range []struct{ orders, want string }{
		{`{"sftp": "orders.example:22"}`, `has no "hostKey"`},
		{`{"sftp": "orders.example:22", "hostKey": "AAAA"}`, "hostKey is not a public key"},
		{`{"sftp": "orders.example", "hostKey": "ssh-ed25519 AAAA"}`, "is not host:port"},
		{`{"sftp": "a:22", "hostKey": "ssh-ed25519 AAAA", "folder": "/x"}`, "both an SFTP server and a folder"},
		{`{}`, "neither an SFTP server"},
		{`{"folder": "/x", "hostkey": "ssh-ed25519 AAAA"}`, `did you mean "hostKey"`},
	} {
		data := withOrders(t, tc.orders)
		_, err := Parse("orders.json", data, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.orders, err, tc.want)
		}
	}
}
