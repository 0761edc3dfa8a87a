package pnng

// #include "pnng_go.h"
import "C"

import (
	"os"
	"sync"
	"syscall"
)

// Blocking Send and Recv on a socket wait in the Go scheduler, not in C. The operation is
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
// is not missed. The file is never closed while a waiter is in use and has no deadline, so
// the only way out is the operation's completion.
func (w *waiter) wait(start func() bool, done func() bool) {
	first := true
	err := w.rc.Read(func(uintptr) bool {
		if first {
			first = false
			return start()
		}
		return done()
	})
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

// recvWait receives, parking until a message (or an error) comes; ok is false when no
// waiter could be made (the caller blocks in C instead).
func (st *sockState) recvWait() (r C.pg_recv_result, ok bool) {
	return recvWaitWith(func(a *C.pnng_aio) C.int { return C.pg_waiter_recv(st.sock, a) })
}

// recvWaitWith is recvWait for the receive start starts on the waiter's aio.
func recvWaitWith(start func(a *C.pnng_aio) C.int) (r C.pg_recv_result, ok bool) {
	w := getWaiter()
	if w == nil {
		return r, false
	}
	w.wait(func() bool {
		if rv := start(w.aio); rv != 0 {
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
