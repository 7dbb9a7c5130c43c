package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// DialTimeout bounds connecting to an SFTP server; HandshakeTimeout
// bounds the SSH handshake and login after it. A context's deadline, when
// sooner, ends either first.
var (
	DialTimeout      = 10 * time.Second
	HandshakeTimeout = 30 * time.Second
)

// ErrHostKeyChanged is wrapped by the error for a server whose host key
// is not the one the manufacturer's catalog names.
var ErrHostKeyChanged = errors.New("the manufacturer's server presented a different host key")

// ErrLoginRefused is wrapped by the error for a server that does not
// take the dealer's key.
var ErrLoginRefused = errors.New("the manufacturer's server refused the dealer's key")

// hostKeyError is a server's host key that is not the pinned one.
type hostKeyError struct {
	got, want ssh.PublicKey
}

func (e *hostKeyError) Error() string {
	return fmt.Sprintf("the manufacturer's server presented a different host key (%s) than the one its catalog names (%s): "+
		"refusing to send; this may be an attack, or the manufacturer changed its server: ask them",
		ssh.FingerprintSHA256(e.got), ssh.FingerprintSHA256(e.want))
}

func (e *hostKeyError) Is(target error) bool { return target == ErrHostKeyChanged }

// pinned accepts exactly the host key want (ssh.FixedHostKey, with an
// error that says what it means).
func pinned(want ssh.PublicKey) ssh.HostKeyCallback {
	return func(_ string, _ net.Addr, got ssh.PublicKey) error {
		if got == nil || !bytes.Equal(got.Marshal(), want.Marshal()) {
			return &hostKeyError{got: got, want: want}
		}
		return nil
	}
}

// hostKeyAlgorithms are the algorithms the client asks the server to
// prove its host key with: those of the pinned key's type only, so that a
// server with several host keys (RSA, ECDSA, Ed25519) shows the pinned
// one rather than one it prefers.
func hostKeyAlgorithms(k ssh.PublicKey) []string {
	if k.Type() == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}
	}
	return []string{k.Type()}
}

// sftpTransport is a connection to an SFTP server.
type sftpTransport struct {
	addr   string
	conn   *ssh.Client
	client *sftp.Client
	once   sync.Once
}

// dialSFTP connects to addr, checks its host key against hostKey, logs
// in as user with key and starts SFTP. The connection is closed when ctx
// ends before that is done.
func dialSFTP(ctx context.Context, addr, user string, hostKey ssh.PublicKey, key ssh.Signer) (Transport, error) {
	d := net.Dialer{Timeout: DialTimeout}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("connect to %s: %w", addr, ctx.Err())
		}
		return nil, fmt.Errorf("%w: connect to %s: %w", ErrUnreachable, addr, err)
	}
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(HandshakeTimeout))
	cfg := &ssh.ClientConfig{
		User:              user,
		Auth:              []ssh.AuthMethod{ssh.PublicKeys(key)},
		HostKeyCallback:   pinned(hostKey),
		HostKeyAlgorithms: hostKeyAlgorithms(hostKey),
		Timeout:           DialTimeout,
	}
	c, chans, reqs, err := ssh.NewClientConn(nc, addr, cfg)
	if err != nil {
		nc.Close()
		if !stop() {
			return nil, fmt.Errorf("connect to %s: %w", addr, ctx.Err())
		}
		return nil, handshakeError(addr, user, err)
	}
	conn := ssh.NewClient(c, chans, reqs)
	client, err := sftp.NewClient(conn, sftp.UseConcurrentWrites(true))
	nc.SetDeadline(time.Time{})
	if !stop() {
		conn.Close()
		return nil, fmt.Errorf("connect to %s: %w", addr, ctx.Err())
	}
	if err != nil {
		conn.Close()
		if lost(err) {
			return nil, fmt.Errorf("%w: start SFTP on %s: %w", ErrUnreachable, addr, err)
		}
		return nil, fmt.Errorf("start SFTP on %s as %s: %w", addr, user, err)
	}
	return &sftpTransport{addr: addr, conn: conn, client: client}, nil
}

// handshakeError says why the SSH handshake with addr failed.
func handshakeError(addr, user string, err error) error {
	switch {
	case errors.Is(err, ErrHostKeyChanged):
		var hk *hostKeyError
		errors.As(err, &hk)
		return fmt.Errorf("%s: %w", addr, hk)
	case strings.Contains(err.Error(), "unable to authenticate"):
		return fmt.Errorf("%w (login %q at %s): the manufacturer must add the dealer's public key to the server: %w",
			ErrLoginRefused, user, addr, err)
	case lost(err):
		return fmt.Errorf("%w: connect to %s: %w", ErrUnreachable, addr, err)
	}
	return fmt.Errorf("connect to %s: %w", addr, err)
}

// lost reports whether err says that the connection broke (or never
// came), rather than that the server refused something.
func lost(err error) bool {
	var ne net.Error
	return errors.Is(err, sftp.ErrSSHFxConnectionLost) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.As(err, &ne) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNABORTED)
}

// call runs fn, closing the connection when ctx ends first (nothing
// else stops a call the server does not answer; the transport is then
// done with).
func (s *sftpTransport) call(ctx context.Context, op, p string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s %s: %w", op, p, err)
	}
	stop := context.AfterFunc(ctx, func() { s.Close() })
	err := fn()
	if !stop() {
		return fmt.Errorf("%s %s on %s: %w (the connection was closed)", op, p, s.addr, ctx.Err())
	}
	if err == nil {
		return nil
	}
	if lost(err) && !errors.Is(err, ErrTooBig) {
		return fmt.Errorf("%s %s: %w: %s: %w", op, p, ErrUnreachable, s.addr, err)
	}
	return fmt.Errorf("%s %s on %s: %w", op, p, s.addr, err)
}

func (s *sftpTransport) Put(ctx context.Context, p string, data []byte) error {
	p, err := filePath(p)
	if err != nil {
		return err
	}
	return s.call(ctx, "put", p, func() error {
		if dir := path.Dir(p); dir != "." {
			if err := s.client.MkdirAll(dir); err != nil {
				return err
			}
		}
		partial := p + PartialSuffix
		f, err := s.client.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
		if err != nil {
			return err
		}
		err = s.write(f, data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = s.replace(partial, p)
		}
		if err != nil && !lost(err) {
			s.client.Remove(partial)
		}
		return err
	})
}

// write writes data to f and, where the server can, syncs it.
func (s *sftpTransport) write(f *sftp.File, data []byte) error {
	if _, err := f.ReadFrom(bytes.NewReader(data)); err != nil {
		return err
	}
	if _, ok := s.client.HasExtension("fsync@openssh.com"); ok {
		return f.Sync()
	}
	return nil
}

// replace renames from over to: atomically where the server renames the
// POSIX way (OpenSSH's posix-rename@openssh.com), else by removing to
// first (plain SFTP rename does not replace).
func (s *sftpTransport) replace(from, to string) error {
	if _, ok := s.client.HasExtension("posix-rename@openssh.com"); ok {
		return s.client.PosixRename(from, to)
	}
	if err := s.client.Remove(to); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return s.client.Rename(from, to)
}

func (s *sftpTransport) List(ctx context.Context, dir string) ([]Entry, error) {
	var entries []Entry
	err := s.readDir(ctx, dir, func(info fs.FileInfo) {
		if info.Mode().IsRegular() && !strings.HasSuffix(info.Name(), PartialSuffix) {
			entries = append(entries, Entry{Name: info.Name(), Size: info.Size(), ModTime: info.ModTime()})
		}
	})
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return entries, err
}

// readDir calls each with every entry of dir that is a plain name; a
// folder that does not exist has none.
func (s *sftpTransport) readDir(ctx context.Context, dir string, each func(fs.FileInfo)) error {
	dir, err := cleanPath(dir, true)
	if err != nil {
		return err
	}
	return s.call(ctx, "list", dir, func() error {
		infos, err := s.client.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, info := range infos {
			if !strings.Contains(info.Name(), "/") {
				each(info)
			}
		}
		return nil
	})
}

func (s *sftpTransport) Get(ctx context.Context, p string, limit int64) ([]byte, error) {
	p, err := filePath(p)
	if err != nil {
		return nil, err
	}
	var data []byte
	err = s.call(ctx, "get", p, func() error {
		// Not a FIFO or a device: opening one could hang the server.
		info, err := s.client.Stat(p)
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return errors.New("not a file")
		}
		f, err := s.client.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		data, err = readLimited(ctx, f, limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	return data, nil
}

func (s *sftpTransport) Remove(ctx context.Context, p string) error {
	p, err := cleanPath(p, false)
	if err != nil {
		return err
	}
	return s.call(ctx, "remove", p, func() error {
		info, err := s.client.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if info.IsDir() {
			return errors.New("a folder, not a file")
		}
		if err := s.client.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	})
}

func (s *sftpTransport) Rename(ctx context.Context, from, to string) error {
	from, err := filePath(from)
	if err != nil {
		return err
	}
	if to, err = filePath(to); err != nil {
		return err
	}
	return s.call(ctx, "rename", from, func() error {
		if dir := path.Dir(to); dir != "." {
			if err := s.client.MkdirAll(dir); err != nil {
				return err
			}
		}
		return s.replace(from, to)
	})
}

func (s *sftpTransport) Close() error {
	var err error
	s.once.Do(func() {
		// The connection first: the SFTP client's Close waits for the
		// server to answer, which a server that hangs never does.
		err = s.conn.Close()
		if errors.Is(err, net.ErrClosed) {
			err = nil
		}
		s.client.Close()
	})
	return err
}
