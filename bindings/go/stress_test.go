package pnng_test

// Stress tests of the binding: closes racing blocked receives, storms of
// context cancellations racing message arrival, and sockets, contexts and messages left to
// the garbage collector while other goroutines are inside C calls. A few seconds in total
// (longer under -race); a crash, a hang (the test timeout), a lost or doubled message fails.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"sync"
	"testing"
	"time"

	pnng "github.com/pnng/pnng/bindings/go"
)

// wakeLimit bounds how long a blocked call may take to return after its socket closes: only a
// real hang reaches it, so it is generous enough for a loaded CI machine.
const wakeLimit = 5 * time.Second

// TestStressCloseDuringRecv closes sockets while goroutines block in a socket's Recv and in
// contexts' Recv and RecvContext (rep0 allows one receive per context), at random moments
// (before, while and after they block); every one of them must return ErrClosed.
func TestStressCloseDuringRecv(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	for round := 0; round < 1000; round++ {
		a := must(pnng.NewRep0())
		b := must(pnng.NewReq0())
		pairUp(t, a, b)
		c1, c2 := must(a.NewContext()), must(a.NewContext())
		errs := make(chan error, 3)
		go func() { _, err := a.Recv(); errs <- err }()
		go func() { _, err := c1.Recv(); errs <- err }()
		go func() { _, err := c2.RecvContext(context.Background()); errs <- err }()
		if d := rng.Intn(4); d > 0 {
			time.Sleep(time.Duration(rng.Intn(d*300)) * time.Microsecond)
		}
		if rng.Intn(2) == 0 {
			_ = b.Close() // the peer going first must not wake them
		}
		ok(t, a.Close())
		for i := 0; i < 3; i++ {
			select {
			case err := <-errs:
				wantErr(t, err, pnng.ErrClosed)
			case <-time.After(wakeLimit):
				t.Fatalf("round %d: a blocked receive did not return within %v of Close", round, wakeLimit)
			}
		}
		ok(t, b.Close())
	}
}

// TestStressCancelStorm: receivers whose contexts expire after 0-2 ms race a stream of
// numbered messages. A cancelled receive must not lose its message: with the remaining ones
// drained, every message arrives exactly once.
func TestStressCancelStorm(t *testing.T) {
	const total = 20000
	const receivers = 16
	pull := must(pnng.NewPull0())
	push := must(pnng.NewPush0())
	defer pull.Close()
	defer push.Close()
	pairUp(t, pull, push)
	ok(t, pull.SetMs(pnng.OptRecvTimeout, 2*time.Second))

	go func() {
		buf := make([]byte, 8)
		for i := uint64(0); i < total; i++ {
			binary.BigEndian.PutUint64(buf, i)
			if err := push.Send(buf); err != nil {
				t.Errorf("send %d: %v", i, err)
				return
			}
		}
	}()

	var mu sync.Mutex
	seen := make(map[uint64]int, total)
	record := func(b []byte) {
		mu.Lock()
		seen[binary.BigEndian.Uint64(b)]++
		mu.Unlock()
	}
	received := func() int { mu.Lock(); defer mu.Unlock(); return len(seen) }

	var cancelled, completed int64
	var wg sync.WaitGroup
	var countMu sync.Mutex
	stop := make(chan struct{})
	for r := 0; r < receivers; r++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rng.Intn(2000))*time.Microsecond)
				b, err := pull.RecvContext(ctx)
				cancel()
				countMu.Lock()
				switch {
				case err == nil:
					completed++
					countMu.Unlock()
					record(b)
				case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
					cancelled++
					countMu.Unlock()
				default:
					countMu.Unlock()
					t.Errorf("RecvContext: %v", err)
					return
				}
			}
		}(int64(r))
	}
	deadline := time.Now().Add(30 * time.Second)
	for received() < total && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	// what the storm left queued: nothing may be missing or doubled
	for received() < total {
		b, err := pull.Recv()
		if err != nil {
			break
		}
		record(b)
	}
	mu.Lock()
	defer mu.Unlock()
	var dups int
	for _, n := range seen {
		if n > 1 {
			dups++
		}
	}
	t.Logf("cancel storm: %d messages, %d receives completed, %d cancelled", total, completed, cancelled)
	if len(seen) != total || dups != 0 {
		t.Fatalf("%d of %d messages received, %d more than once", len(seen), total, dups)
	}
	if cancelled == 0 {
		t.Logf("no receive was cancelled this time (timing); the exactly-once check still held")
	}
}

// TestStressForgottenSockets leaves sockets (listening, with contexts and messages) to the
// garbage collector while other goroutines keep sockets busy in C calls. Each forgotten
// socket's finalizer must close it: its address becomes free again.
func TestStressForgottenSockets(t *testing.T) {
	const forgotten = 1000
	busyA := must(pnng.NewPair0())
	busyB := must(pnng.NewPair0())
	defer busyA.Close()
	defer busyB.Close()
	pairUp(t, busyA, busyB)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // traffic: cgo calls in flight while finalizers run
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := busyA.Send([]byte("busy")); err != nil {
				t.Errorf("send: %v", err)
				return
			}
			if _, err := busyB.Recv(); err != nil {
				t.Errorf("recv: %v", err)
				return
			}
		}
	}()
	go func() { // collections at the same time
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
				time.Sleep(time.Millisecond)
			}
		}
	}()

	urls := make([]string, forgotten)
	for i := range urls {
		urls[i] = inprocURL()
		forget(t, urls[i])
	}
	// Every address is free once the finalizers ran; Listen on it again proves the close.
	deadline := time.Now().Add(10 * time.Second)
	waits := 0
	for i := 0; i < len(urls); {
		s := must(pnng.NewPair0())
		_, err := s.Listen(urls[i])
		_ = s.Close()
		switch {
		case err == nil:
			i++
		case errors.Is(err, pnng.ErrAddrInUse) && time.Now().Before(deadline):
			waits++
			runtime.GC()
			time.Sleep(time.Millisecond)
		default:
			t.Fatalf("address %d of %d still in use after %v of GC (finalizer did not close the socket): %v",
				i, len(urls), 10*time.Second, err)
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("%d forgotten sockets closed by their finalizers (%d waits for a collection)", forgotten, waits)
}

// forget opens a socket that listens on url, with a context and an unsent message, and drops
// every reference to them.
func forget(t *testing.T, url string) {
	s := must(pnng.NewRep0())
	if _, err := s.Listen(url); err != nil {
		t.Fatalf("listen %s: %v", url, err)
	}
	_ = must(s.NewContext())
	m := must(pnng.NewMessage([]byte(fmt.Sprintf("forgotten %s", url))))
	_ = m
}
