package pnng

// #include "pnng_go.h"
import "C"

import (
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Blocking Send and Recv on a socket wait in the Go scheduler, not in C: the operation is
// tried without blocking, and while it would block the goroutine parks on the socket's
// pollable descriptor (NNG's recv-fd / send-fd, readable when the operation can go ahead)
// through the runtime's network poller, then tries again. A goroutine blocked in a C call
// holds an OS thread and, once the call returns, must win a P back from whichever goroutine
// runs meanwhile; when GOMAXPROCS is small (one CPU) that hand-off waits for the runtime's
// monitor thread and dominated the cost of a message. Parked goroutines cost nothing and are
// resumed by the scheduler directly.
//
// A socket whose protocol has no such descriptor (or a handle this package did not open)
// blocks in C as before. The socket's send and receive timeouts become the poller's
// deadline; Close closes the descriptors, which wakes every parked goroutine (ErrClosed).

// poller is one pollable descriptor of a socket: a duplicate of NNG's, registered with the
// runtime poller.
type poller struct {
	f  *os.File
	rc syscall.RawConn
}

// noPoller marks a socket direction that cannot be polled (blocking C calls are used).
var noPoller = &poller{}

type pollers struct {
	mu     sync.Mutex
	p      [2]atomic.Pointer[poller] // recv, send
	closed bool
}

const (
	pollRecv = 0
	pollSend = 1
)

// get returns the poller for dir, creating it on first use; nil when the socket cannot be
// polled (the caller blocks in C).
func (st *sockState) poller(dir int) *poller {
	if p := st.polls.p[dir].Load(); p != nil {
		if p == noPoller {
			return nil
		}
		return p
	}
	if !st.pollable || (dir == pollSend && !st.pollSends) {
		return nil
	}
	st.polls.mu.Lock()
	defer st.polls.mu.Unlock()
	if p := st.polls.p[dir].Load(); p != nil || st.polls.closed {
		if p == nil || p == noPoller {
			return nil
		}
		return p
	}
	p := newPoller(st.sock, dir)
	st.polls.p[dir].Store(p)
	if p == noPoller {
		return nil
	}
	return p
}

func newPoller(s C.pnng_socket, dir int) *poller {
	var fd C.int
	if C.pg_socket_poll_fd(s, C.int(dir), &fd) != 0 {
		return noPoller
	}
	dup, err := syscall.Dup(int(fd))
	if err != nil {
		return noPoller
	}
	syscall.CloseOnExec(dup)
	// O_NONBLOCK is a property of the open file, shared with NNG's descriptor: NNG reads it
	// only to clear it, which never waits either way.
	if err := syscall.SetNonblock(dup, true); err != nil {
		syscall.Close(dup)
		return noPoller
	}
	f := os.NewFile(uintptr(dup), "pnng-poll")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return noPoller
	}
	return &poller{f: f, rc: rc}
}

// closePollers wakes every goroutine parked on the socket (they return ErrClosed) and
// releases the descriptors.
func (st *sockState) closePollers() {
	st.polls.mu.Lock()
	st.polls.closed = true
	for i := range st.polls.p {
		if p := st.polls.p[i].Swap(noPoller); p != nil && p != noPoller {
			p.f.Close()
		}
	}
	st.polls.mu.Unlock()
}

// wait calls try until it reports done, parking between attempts until the descriptor is
// readable, up to the socket's timeout for dir. try runs once at once.
func (p *poller) wait(s C.pnng_socket, dir int, try func() bool) error {
	var ms C.int32_t
	if rv := C.pg_socket_timeout(s, C.int(dir), &ms); rv != 0 {
		return errFor(rv)
	}
	var deadline time.Time
	if ms >= 0 {
		deadline = time.Now().Add(time.Duration(ms) * time.Millisecond)
	}
	// Both descriptors poll readable (the send one when a send can go ahead).
	if err := p.f.SetReadDeadline(deadline); err != nil {
		return ErrClosed
	}
	err := p.rc.Read(func(uintptr) bool { return try() })
	switch {
	case err == nil:
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return ErrTimeout
	default: // the file was closed: the socket is
		return ErrClosed
	}
}

// recvWait receives without blocking C, parking while nothing is there.
func (st *sockState) recvWait(p *poller) C.pg_recv_result {
	var r C.pg_recv_result
	err := p.wait(st.sock, pollRecv, func() bool {
		r = C.pg_socket_recv(st.sock, C.PNNG_FLAG_NONBLOCK)
		return r.rv != C.PNNG_EAGAIN
	})
	if err != nil {
		return C.pg_recv_result{rv: C.int(err.(Error).Code)}
	}
	return r
}

// sendWait runs send (a non-blocking send) until it does not report EAGAIN, parking between.
func (st *sockState) sendWait(p *poller, send func() C.pnng_result) C.pnng_result {
	var rv C.pnng_result
	err := p.wait(st.sock, pollSend, func() bool {
		rv = send()
		return rv != C.PNNG_EAGAIN
	})
	if err != nil {
		return C.pnng_result(err.(Error).Code)
	}
	return rv
}
