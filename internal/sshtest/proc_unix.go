//go:build unix

package sshtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// sysProcAttr puts sshd in a process group of its own, away from the
// terminal's signals.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// killTree kills pid and the processes under it (sshd's connections,
// which run in sessions of their own).
func killTree(pid int) {
	for _, p := range append(descendants(pid), pid) {
		syscall.Kill(p, syscall.SIGKILL)
	}
}

// signalTree stops (SIGSTOP) or continues (SIGCONT) pid and the
// processes under it.
func signalTree(pid int, cont bool) {
	sig := syscall.SIGSTOP
	if cont {
		sig = syscall.SIGCONT
	}
	for _, p := range append([]int{pid}, descendants(pid)...) {
		syscall.Kill(p, sig)
	}
}

// descendants are the processes under pid, as /proc tells (none where
// there is no /proc).
func descendants(pid int) []int {
	parent := map[int]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		p, err1 := strconv.Atoi(strings.Fields(s)[0])
		if err1 != nil || len(f) < 2 {
			continue
		}
		if pp, err := strconv.Atoi(f[1]); err == nil {
			parent[p] = pp
		}
	}
	var out []int
	var walk func(int)
	walk = func(p int) {
		for c, pp := range parent {
			if pp == p {
				out = append(out, c)
				walk(c)
			}
		}
	}
	walk(pid)
	return out
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// isSSHD reports whether pid is an sshd (not a process that took an
// old pid's number).
func isSSHD(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	return err == nil && strings.HasPrefix(strings.TrimSpace(string(b)), "sshd")
}
