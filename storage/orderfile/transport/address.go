package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Address is where a manufacturer takes orders, as its signed catalog
// names it: an SFTP server or a folder (a mounted share), never both.
type Address struct {
	SFTP    string // "host:port" (port default 22); empty for a folder
	User    string // the login; empty: the dealer code in lower case
	HostKey string // the server's public host key, authorized_keys form ("ssh-ed25519 AAAA…"), pinned
	Folder  string // a mounted share's path, for the folder transport
}

// Check says in plain words what is wrong with an address, or nil.
func (a Address) Check() error {
	switch {
	case a.SFTP == "" && a.Folder == "":
		return errors.New("the order address names neither an SFTP server nor a folder")
	case a.SFTP != "" && a.Folder != "":
		return errors.New("the order address names both an SFTP server and a folder; it must name one")
	case a.Folder != "":
		if a.HostKey != "" || a.User != "" {
			return errors.New("the order address names a folder, but also a login or a host key, which only an SFTP server has")
		}
		return nil
	}
	if _, err := a.hostPort(); err != nil {
		return err
	}
	if strings.ContainsAny(a.User, " \t\r\n@:/\\\x00") {
		return fmt.Errorf("the order address's login %q is not a user name", a.User)
	}
	if a.HostKey == "" {
		return errors.New("the order address names an SFTP server but not its host key; without it the server cannot be told from an impostor")
	}
	if _, err := parseHostKey(a.HostKey); err != nil {
		return err
	}
	return nil
}

// hostPort is the SFTP server's host:port, with the port 22 when none is
// given.
func (a Address) hostPort() (string, error) {
	s := strings.TrimSpace(a.SFTP)
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("the order address's SFTP server %q is not host:port (%s)", a.SFTP, why)
	}
	if strings.Contains(s, "://") || strings.ContainsAny(s, " /@\\\t\r\n\x00") {
		return bad("write only the host name and the port, as sftp.example.com:22")
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		// no port: a host name, or an IPv6 address, bracketed or not
		h := strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
		if strings.Contains(h, ":") && net.ParseIP(h) == nil {
			return bad("it has a colon but no port after it")
		}
		host, port = h, "22"
	}
	if host == "" {
		return bad("no host")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return bad("the port must be a number from 1 to 65535")
	}
	return net.JoinHostPort(host, strconv.Itoa(n)), nil
}

// parseHostKey reads a host key in authorized_keys form.
func parseHostKey(s string) (ssh.PublicKey, error) {
	k, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(strings.TrimSpace(s)))
	if err != nil {
		return nil, fmt.Errorf("the order address's host key cannot be read (%v); it must be one line as in a known_hosts or .pub file: ssh-ed25519 AAAA…", err)
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return nil, errors.New("the order address's host key must be one key on one line")
	}
	if _, ok := k.(*ssh.Certificate); ok {
		return nil, errors.New("the order address's host key is a certificate; name the server's key itself")
	}
	return k, nil
}

// Open opens the transport an address names, for the dealer (whose code
// is the login when the address names none) with the dealer's SSH key:
// a folder is checked for being there, a server is connected to and its
// host key checked against the pinned one. An error wraps ErrUnreachable
// when trying again later may help (no network, server down, share not
// mounted), ErrHostKeyChanged when the server is not the one the catalog
// names, ErrLoginRefused when it does not take the dealer's key.
func Open(ctx context.Context, a Address, dealer string, key ssh.Signer) (Transport, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	if a.Folder != "" {
		f := &folder{root: a.Folder}
		r, err := f.open(ctx)
		if err != nil {
			return nil, err
		}
		r.Close()
		return f, nil
	}
	if key == nil {
		return nil, errors.New("no SSH key to log in to the manufacturer's server with")
	}
	user := a.User
	if user == "" {
		user = strings.ToLower(dealer)
	}
	if user == "" {
		return nil, errors.New("no login for the manufacturer's server: the order address names none and the dealer code is empty")
	}
	addr, _ := a.hostPort()
	hostKey, _ := parseHostKey(a.HostKey)
	return dialSFTP(ctx, addr, user, hostKey, key)
}
