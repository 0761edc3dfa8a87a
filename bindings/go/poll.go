package pnng

// #include "pnng_go.h"
import "C"

import (
	"errors"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Blocking Send and Recv on a socket wait in the Go scheduler, not in C (but for a receive's
// first slice, see boundedRecv). The operation is
// first tried without blocking (one cgo call, which is all a message costs while the socket
// keeps up). Only when it would block does the goroutine take a waiter: the operation is
// started asynchronously on the waiter's aio, whose completion is posted to the waiter's own
// completion queue, and the goroutine parks on that queue's eventfd through the runtime's
// network poller until the operation completes. A goroutine blocked in a C call holds an OS
// thread and, once the call returns, must win a P back from whichever goroutine runs
// meanwhile; when GOMAXPROCS is small (one CPU) that hand-off waits for the runtime's monitor
// thread and dominated the cost of a message. Parked goroutines cost nothing and are resumed
// by the scheduler directly.
//
// The socket's own readiness descriptors (recv-fd / send-fd) are not used: once one exists,
// NNG writes and reads a pipe on every empty/non-empty transition of the socket's queues,
// several system calls per message even when nobody waits. A waiter costs two (the eventfd's
// write and read), and only when the goroutine really parks.
//
// The aio's timeout is the socket's own (send or receive timeout, read when the operation
// starts); Close aborts the operation (ErrClosed). Both complete the aio, which wakes the
// goroutine. A socket where waiting this way is not possible (a handle this package did not
// open) blocks in C.

// waiter is one aio with its completion queue and that queue's eventfd (a duplicate,
// registered with the runtime poller). It serves one operation at a time; the operation's
// completion is always popped before the waiter goes back to the pool.
type waiter struct {
	cq  *C.pnng_cq
	aio *C.pnng_aio
	fd  C.int // the queue's own eventfd (f is a duplicate)
	f   *os.File
	rc  syscall.RawConn
}

// maxIdleWaiters bounds the pool: more goroutines than this blocked at once on sockets of
// the process create waiters that are freed afterwards.
const maxIdleWaiters = 64

var waiters struct {
	mu   sync.Mutex
	idle []*waiter
}

// getWaiter returns an idle waiter, or a new one (nil if one cannot be made: the caller
// blocks in C).
func getWaiter() *waiter {
	waiters.mu.Lock()
	if n := len(waiters.idle); n > 0 {
		w := waiters.idle[n-1]
		waiters.idle[n-1] = nil
		waiters.idle = waiters.idle[:n-1]
		waiters.mu.Unlock()
		return w
	}
	waiters.mu.Unlock()
	return newWaiter()
}

func putWaiter(w *waiter) {
	waiters.mu.Lock()
	if len(waiters.idle) < maxIdleWaiters {
		waiters.idle = append(waiters.idle, w)
		waiters.mu.Unlock()
		return
	}
	waiters.mu.Unlock()
	w.free()
}

func newWaiter() *waiter {
	var w waiter
	var fd C.int
	if C.pg_waiter_new(&w.cq, &w.aio, &fd) != 0 {
		return nil
	}
	w.fd = fd
	dup, err := syscall.Dup(int(fd))
	if err != nil {
		w.free()
		return nil
	}
	syscall.CloseOnExec(dup)
	// The eventfd is non-blocking (a property of the open file, shared with the duplicate),
	// so os.NewFile registers it with the runtime poller.
	w.f = os.NewFile(uintptr(dup), "pnng-wait")
	if w.rc, err = w.f.SyscallConn(); err != nil {
		w.free()
		return nil
	}
	return &w
}

func (w *waiter) free() {
	if w.f != nil {
		w.f.Close()
	}
	C.pnng_aio_free(w.aio) // idle: nothing runs on it, no entry is left on the queue
	C.pnng_cq_free(w.cq)
}

// wait parks until done (a non-blocking look at the queue) reports the operation complete.
// start runs first, after the poller's readiness is reset, so a completion it posts at once
// is not missed. The file is never closed while a waiter is in use; its read deadline is set
// only by kick, which wakes the goroutine to look again. So the only way out is the
// operation's completion.
func (w *waiter) wait(start func() bool, done func() bool) {
	first := true
	look := func(uintptr) bool {
		if first {
			first = false
			return start()
		}
		return done()
	}
	parkEnter(w)
	err := w.rc.Read(look)
	for errors.Is(err, os.ErrDeadlineExceeded) {
		_ = w.f.SetReadDeadline(time.Time{})
		err = w.rc.Read(look)
	}
	parkLeave(w)
	if err != nil {
		// Not expected (the descriptor is pollable and stays open): finish in C.
		if first && start() {
			return
		}
		C.pnng_aio_wait(w.aio)
		for !done() {
			C.pnng_aio_wait(w.aio)
		}
	}
}

// The waiters parked in the runtime poller. While a goroutine waits in C (a bounded wait,
// below) its thread keeps the P; with GOMAXPROCS=1 the runtime's poller, which would wake a
// parked goroutine whose operation completed, runs only after the monitor thread hands the
// P on (up to 10 ms later). In a request/reply exchange between two sockets of this process
// the peer is often that parked goroutine, and the bounded wait would wait for an answer the
// peer cannot send. So a bounded wait also watches the queue of the one parked waiter (there
// is no bounded wait while several are parked) and, when it becomes readable, wakes its
// goroutine directly (kick) and yields to it.
var parked struct {
	mu  sync.Mutex
	all []*waiter // the parked waiters (few: one per goroutine blocked past its slice)
}

func parkEnter(w *waiter) {
	parked.mu.Lock()
	parked.all = append(parked.all, w)
	parked.mu.Unlock()
}

func parkLeave(w *waiter) {
	parked.mu.Lock()
	for i, p := range parked.all {
		if p == w {
			last := len(parked.all) - 1
			parked.all[i] = parked.all[last]
			parked.all[last] = nil
			parked.all = parked.all[:last]
			break
		}
	}
	parked.mu.Unlock()
}

// parkedOne returns the one parked waiter (nil if none) and its queue's descriptor; ok is
// false while several are parked.
func parkedOne() (w *waiter, fd C.int, ok bool) {
	parked.mu.Lock()
	defer parked.mu.Unlock()
	switch len(parked.all) {
	case 0:
		return nil, -1, true
	case 1:
		return parked.all[0], parked.all[0].fd, true
	}
	return nil, -1, false
}

// kick wakes w's goroutine if w is still parked: its poller wait ends (a deadline in the
// past) and it looks at its queue again, without the runtime's poller.
func kick(w *waiter) {
	parked.mu.Lock()
	if len(parked.all) == 1 && parked.all[0] == w {
		_ = w.f.SetReadDeadline(time.Unix(1, 0))
	}
	parked.mu.Unlock()
}

// recvWait receives, parking until a message (or an error) comes; ok is false when no
// waiter could be made (the caller blocks in C instead).
func (st *sockState) recvWait() (r C.pg_recv_result, ok bool) {
	return recvWaitOn(uint32(st.sock.id), false, true, &st.bounded)
}

// recvWaitOn is recvWait for socket id, or context id when ctx is set, whose bounded waits
// adapt through b; try says whether a non-blocking receive may be tried (not on a surveyor's
// context, where it waits for the survey).
func recvWaitOn(id uint32, ctx, try bool, b *boundedWait) (r C.pg_recv_result, ok bool) {
	w := getWaiter()
	if w == nil {
		return r, false
	}
	c := C.int(0)
	if ctx {
		c = 1
	}
	if b.try() {
		if res, done := boundedRecv(w, id, c, try, b); done {
			putWaiter(w)
			return res, true
		}
		// Still running: park for the same receive (never cancelled, so nothing is lost
		// between the two waits). Its completion may have been posted since the look in C.
		received := func() bool {
			r = C.pg_waiter_received(w.cq)
			return r.rv != C.PNNG_EAGAIN
		}
		w.wait(received, received)
		putWaiter(w)
		return r, true
	}
	w.wait(func() bool {
		if rv := C.pg_waiter_recv(C.uint32_t(id), c, w.aio); rv != 0 {
			r = C.pg_recv_result{rv: rv} // nothing started, nothing will be posted
			return true
		}
		return false
	}, func() bool {
		r = C.pg_waiter_received(w.cq)
		return r.rv != C.PNNG_EAGAIN
	})
	putWaiter(w)
	return r, true
}

// boundedRecv starts the receive on w and waits for it in C, up to the slice; done is false
// when the receive still runs (the caller parks).
func boundedRecv(w *waiter, id uint32, ctx C.int, try bool, b *boundedWait) (r C.pg_recv_result, done bool) {
	// A goroutine that became runnable while this one ran Go code (its thread woke from a
	// C call and found the P taken) runs first: during the wait in C the P stays with this
	// thread, and the runtime hands it on only after the monitor thread notices.
	runtime.Gosched()
	pw, xfd, ok := parkedOne()
	if !ok {
		// Several goroutines parked: a wait in C could hold up their wake-ups.
		return pgWaiterRecvStart(w, id, ctx)
	}
	t := C.int(0)
	if try {
		t = 1 // a message may have come while others ran (the yield above)
	}
	res := C.pg_waiter_recv_within(C.uint32_t(id), ctx, t, w.aio, w.cq, xfd, boundedSliceMs)
	if try {
		b.tried(res.took != 0)
	}
	for i := 0; res.running != 0 && res.wait_rv == C.PNNG_EINTR && i < maxKicks; i++ {
		// The parked goroutine's operation completed: let it run, then wait again.
		kick(pw)
		runtime.Gosched()
		if pw, xfd, ok = parkedOne(); !ok {
			return r, false
		}
		res = C.pg_waiter_wait_within(w.aio, w.cq, xfd, boundedSliceMs)
	}
	if res.running == 0 {
		if res.r.rv == 0 {
			b.hit()
		}
		return res.r, true
	}
	if res.wait_rv != C.PNNG_EINTR {
		b.missed(res.wait_rv == C.PNNG_ETIMEDOUT)
	}
	return r, false
}

// pgWaiterRecvStart only starts the receive on w (done when it did not start).
func pgWaiterRecvStart(w *waiter, id uint32, ctx C.int) (r C.pg_recv_result, done bool) {
	if rv := C.pg_waiter_recv(C.uint32_t(id), ctx, w.aio); rv != 0 {
		return C.pg_recv_result{rv: rv}, true
	}
	return r, false
}

// maxKicks bounds the rounds of one bounded wait that wake a parked goroutine.
const maxKicks = 4

// boundedSliceMs is how long a blocking receive first waits in C, reading the thread's own
// tcp/ipc connection (pnng_aio_wait_pipe), before it parks in the Go scheduler.
const boundedSliceMs = 1

// maxBoundedBackoff bounds the back-off (see boundedWait).
const maxBoundedBackoff = 8

// boundedWait adapts a socket's (or context's) bounded waits to what they achieve. A wait
// that ends without the message held a thread, and with GOMAXPROCS=1 every other goroutine,
// for the slice; a wait that cannot read a connection (inproc, a thread that has not sent on
// the connection, another thread reading it) returns at once but costs a C call. After n
// such misses in a row the next 2^n-1 blocking receives park at once; a first timeout is
// forgiven (a request/reply peer in this process can miss one slice when the runtime gave
// its thread's P away), so a ping-pong does not fall into parking, which would make the
// peer's bounded waits miss in turn.
type boundedWait struct {
	skip  atomic.Int32 // blocking receives left that park at once
	miss  atomic.Int32 // bounded waits in a row that ended without the message
	empty atomic.Bool  // the last blocking receive's non-blocking try found nothing
}

// triesLater reports that a blocking receive can go straight to its wait: the last one's
// non-blocking try found nothing (as in a request/reply exchange, where the answer cannot be
// there yet), and the bounded wait tries again after yielding anyway. One try instead of two
// saves a cgo call and a receive start per message.
func (b *boundedWait) triesLater() bool {
	return b.empty.Load() && b.skip.Load() == 0
}

// tried records what a blocking receive's non-blocking try found.
func (b *boundedWait) tried(found bool) {
	if b.empty.Load() == found {
		b.empty.Store(!found)
	}
}

func (b *boundedWait) try() bool {
	if b.skip.Load() > 0 {
		b.skip.Add(-1)
		return false
	}
	return true
}

func (b *boundedWait) hit() {
	if b.miss.Load() != 0 {
		b.miss.Store(0)
	}
}

func (b *boundedWait) missed(timedOut bool) {
	n := b.miss.Add(1)
	if n > maxBoundedBackoff {
		n = maxBoundedBackoff
		b.miss.Store(n)
	}
	if timedOut {
		n--
	}
	if n > 0 {
		b.skip.Store(1<<n - 1)
	}
}

// sendWait sends m (the aio owns it while the send runs), parking until the send completes.
// On failure back is m given back (nil if the message is gone). ok is false when no waiter
// could be made (m is still the caller's).
func (st *sockState) sendWait(m *C.pnng_msg) (rv C.pnng_result, back *C.pnng_msg, ok bool) {
	w := getWaiter()
	if w == nil {
		return 0, m, false
	}
	w.wait(func() bool {
		if r := C.pg_waiter_send(st.sock, w.aio, m); r != 0 { // nothing started
			rv, back = C.pnng_result(r), m
			return true
		}
		return false
	}, func() bool {
		r := C.pg_waiter_sent(w.cq)
		rv, back = C.pnng_result(r.rv), r.m
		return r.rv != C.PNNG_EAGAIN
	})
	putWaiter(w)
	return rv, back, true
}
