package pnng_test

import (
	"context"
	"encoding/binary"
	"errors"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	pnng "github.com/pnng/pnng/bindings/go"
)

// A blocking receive first waits in C for a short slice (about 1 ms), reading its tcp/ipc
// connection, then parks for the same receive. These tests put messages, timeouts and Close
// on both sides of that boundary: nothing may be lost, doubled or left blocked.

// streamURLs are a tcp and an ipc address to listen on.
func streamURLs(t *testing.T) []string {
	return []string{"tcp://127.0.0.1:0", "ipc://" + filepath.Join(t.TempDir(), "bounded.ipc")}
}

// connect listens on url with l and dials it with d (blocking), and waits for both pipes.
func connect(t *testing.T, l, d *pnng.Socket, url string) {
	t.Helper()
	lis := must(l.Listen(url))
	if url[:3] == "tcp" {
		url = must(lis.LocalAddress()).String()
	}
	must(d.Dial(url, pnng.DialBlocking))
	waitPipes(l, 1)
	waitPipes(d, 1)
}

// around is a delay list on both sides of the slice (and well past it: parked).
var around = []time.Duration{0, 300 * time.Microsecond, 900 * time.Microsecond,
	time.Millisecond, 1100 * time.Microsecond, 1500 * time.Microsecond, 4 * time.Millisecond}

func u32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

func le(i uint32) []byte { return binary.LittleEndian.AppendUint32(nil, i) }

// Replies that come before, at and after the end of the slice are each received once, in
// order, with one P (the runtime's poller cannot run during a wait in C then) and with more.
func TestBoundedWaitRepliesAroundTheSlice(t *testing.T) {
	for _, procs := range []int{1, runtime.GOMAXPROCS(0)} {
		prev := runtime.GOMAXPROCS(procs)
		for _, url := range streamURLs(t) {
			rep, req := open(t, pnng.NewRep0), open(t, pnng.NewReq0)
			connect(t, rep, req, url)
			done := make(chan error, 1)
			go func() {
				for i := 0; ; i++ {
					m, err := rep.RecvMsg()
					if err != nil {
						done <- nil
						return
					}
					time.Sleep(around[i%len(around)])
					if err := rep.SendMsg(m); err != nil {
						done <- err
						return
					}
				}
			}()
			const n = 100
			for i := uint32(0); i < n; i++ {
				ok(t, req.Send(le(i)))
				got, err := req.Recv()
				ok(t, err)
				if u32(got) != i {
					t.Fatalf("%s GOMAXPROCS=%d: reply %d to request %d", url, procs, u32(got), i)
				}
			}
			ok(t, rep.Close())
			ok(t, <-done)
		}
		runtime.GOMAXPROCS(prev)
	}
}

// A stream whose gaps straddle the slice arrives whole: every message once, in order, and
// nothing more afterwards.
func TestBoundedWaitStreamAroundTheSlice(t *testing.T) {
	for _, url := range streamURLs(t) {
		a, b := open(t, func() (*pnng.Socket, error) { return pnng.NewPair1(false) }),
			open(t, func() (*pnng.Socket, error) { return pnng.NewPair1(false) })
		connect(t, a, b, url)
		// b has sent on the connection: its receives read it while they wait.
		ok(t, b.Send([]byte("hello")))
		must(a.Recv())
		const n = 60
		go func() {
			for i := uint32(0); i < n; i++ {
				time.Sleep(around[int(i)%len(around)])
				if a.Send(le(i)) != nil {
					return
				}
			}
		}()
		for i := uint32(0); i < n; i++ {
			got, err := b.Recv()
			ok(t, err)
			if u32(got) != i {
				t.Fatalf("%s: message %d, want %d", url, u32(got), i)
			}
		}
		time.Sleep(5 * time.Millisecond)
		_, err := b.TryRecv()
		wantErr(t, err, pnng.ErrAgain)
	}
}

// Close wakes a receive blocked in the slice or parked after it: ErrClosed.
func TestBoundedWaitClose(t *testing.T) {
	for _, url := range streamURLs(t) {
		for _, d := range around {
			a, b := must(pnng.NewPair1(false)), must(pnng.NewPair1(false))
			connect(t, a, b, url)
			ok(t, b.Send([]byte("hello")))
			must(a.Recv())
			ok(t, a.Send([]byte("hello")))
			must(b.Recv()) // b has received on the connection and sent on it
			errs := make(chan error, 1)
			go func() { _, err := b.Recv(); errs <- err }()
			time.Sleep(d)
			ok(t, b.Close())
			select {
			case err := <-errs:
				wantErr(t, err, pnng.ErrClosed)
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: Close %v into the wait did not wake the receive", url, d)
			}
			ok(t, a.Close())
		}
	}
}

// The socket's receive timeout ends a receive in the slice or parked after it; a message
// that comes later is received by the next call, once.
func TestBoundedWaitTimeouts(t *testing.T) {
	for _, url := range streamURLs(t) {
		a, b := open(t, func() (*pnng.Socket, error) { return pnng.NewPair1(false) }),
			open(t, func() (*pnng.Socket, error) { return pnng.NewPair1(false) })
		connect(t, a, b, url)
		ok(t, b.Send([]byte("hello")))
		must(a.Recv())
		for _, d := range []time.Duration{time.Millisecond, 3 * time.Millisecond} {
			ok(t, b.SetRecvTimeout(d))
			_, err := b.Recv()
			wantErr(t, err, pnng.ErrTimeout)
			ctx, cancel := context.WithTimeout(context.Background(), d)
			ok(t, b.SetRecvTimeout(-1))
			_, err = b.RecvContext(ctx)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("%s: RecvContext: %v", url, err)
			}
		}
		ok(t, a.Send([]byte("late")))
		got, err := b.Recv()
		ok(t, err)
		if string(got) != "late" {
			t.Fatalf("%s: got %q", url, got)
		}
		_, err = b.TryRecv()
		wantErr(t, err, pnng.ErrAgain)
	}
}

// Contexts wait the same way: each reply to its own context, with one P.
func TestBoundedWaitContexts(t *testing.T) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	for _, url := range streamURLs(t) {
		rep, req := open(t, pnng.NewRep0), open(t, pnng.NewReq0)
		connect(t, rep, req, url)
		go func() {
			for i := 0; ; i++ {
				m, err := rep.RecvMsg()
				if err != nil {
					return
				}
				time.Sleep(around[i%len(around)])
				if rep.SendMsg(m) != nil {
					return
				}
			}
		}()
		c := must(req.NewContext())
		for i := uint32(0); i < 30; i++ {
			ok(t, c.Send(le(i)))
			got, err := c.Recv()
			ok(t, err)
			if u32(got) != i {
				t.Fatalf("%s: reply %d to request %d", url, u32(got), i)
			}
		}
		ok(t, c.Close())
	}
}
