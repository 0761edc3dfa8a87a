package pnng_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	pnng "github.com/pnng/pnng/bindings/go"
)

// OptTCPListenBacklog: a tcp listener's accept queue, by default the system's limit; at least
// 1; settable on the listener (before and after Start) and on the socket; tcp only.
func TestTCPListenBacklog(t *testing.T) {
	rep, err := pnng.NewRep0()
	ok(t, err)
	defer rep.Close()
	l, err := rep.NewListener("tcp://127.0.0.1:0")
	ok(t, err)
	def, err := l.GetInt(pnng.OptTCPListenBacklog)
	ok(t, err)
	if def <= 128 {
		t.Fatalf("default backlog %d", def)
	}
	if b, err := os.ReadFile("/proc/sys/net/core/somaxconn"); err == nil {
		if sys, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && sys != def {
			t.Fatalf("default backlog %d, system limit %d", def, sys)
		}
	}
	wantErr(t, l.SetInt(pnng.OptTCPListenBacklog, 0), pnng.ErrInvalid)
	ok(t, l.SetInt(pnng.OptTCPListenBacklog, 32))
	ok(t, l.Start())
	ok(t, l.SetInt(pnng.OptTCPListenBacklog, 1000))
	if v, err := l.GetInt(pnng.OptTCPListenBacklog); err != nil || v != 1000 {
		t.Fatalf("backlog %d, %v", v, err)
	}

	s, err := pnng.NewRep0()
	ok(t, err)
	defer s.Close()
	ok(t, s.SetInt(pnng.OptTCPListenBacklog, 64))
	l2, err := s.Listen("tcp://127.0.0.1:0")
	ok(t, err)
	if v, err := l2.GetInt(pnng.OptTCPListenBacklog); err != nil || v != 64 {
		t.Fatalf("socket backlog on its listener: %d, %v", v, err)
	}
	other, err := pnng.NewRep0()
	ok(t, err)
	defer other.Close()
	l3, err := other.Listen(inprocURL())
	ok(t, err)
	_, err = l3.GetInt(pnng.OptTCPListenBacklog)
	wantErr(t, err, pnng.ErrNotSupported)
}
