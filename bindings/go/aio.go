package pnng

// #include "pnng_go.h"
import "C"

import (
	"context"
	"sync"
)

// The asynchronous operations (SendContext, RecvContext ...) run on pnng aios whose
// completions are posted to one process-wide completion queue. A single dispatcher goroutine
// waits on it (blocking one OS thread in C), pops every ready completion in one cgo call
// (pg_cq_wait_pop) and wakes the goroutine that started each one. Userdata is an integer key
// (converted to a pointer in C only), so no Go pointer is ever stored in C memory.
//
// Aios are pooled: an op (aio + key + wake-up channel) that completed successfully goes back
// to an idle list and serves the next operation, so a steady stream of *Context calls creates
// and frees no aio and allocates no channel. An op whose operation failed is freed (a failed
// send may leave state on it); at most maxIdleOps idle ops are kept.

const maxIdleOps = 64

var dispatcher struct {
	once sync.Once
	err  error
	cq   *C.pnng_cq
	mu   sync.Mutex
	next uintptr
	ops  map[uintptr]*op // every op that owns an aio (idle or running), by key
	idle []*op
}

func startDispatcher() error {
	dispatcher.once.Do(func() {
		var cq *C.pnng_cq
		if err := errFor(C.pnng_cq_new(&cq)); err != nil {
			dispatcher.err = err
			return
		}
		dispatcher.cq = cq
		dispatcher.ops = make(map[uintptr]*op)
		go dispatchLoop(cq)
	})
	return dispatcher.err
}

func dispatchLoop(cq *C.pnng_cq) {
	const batch = 64
	keys := make([]C.uintptr_t, batch) // C memory rules: no Go pointers inside
	for {
		n := int(C.pg_cq_wait_pop(cq, -1, &keys[0], batch))
		if n == 0 {
			continue
		}
		dispatcher.mu.Lock()
		for _, k := range keys[:n] {
			if o := dispatcher.ops[uintptr(k)]; o != nil {
				// Exactly one completion per started operation, and the starter consumes it
				// before the op is reused: the buffered slot is always free here.
				select {
				case o.done <- struct{}{}:
				default:
				}
			}
		}
		dispatcher.mu.Unlock()
	}
}

// op is one aio with its key and the channel its completion is signalled on.
type op struct {
	aio  *C.pnng_aio
	key  uintptr
	done chan struct{} // capacity 1: one signal per completed operation
}

// getOp returns an idle op, or a new one.
func getOp() (*op, error) {
	if err := startDispatcher(); err != nil {
		return nil, err
	}
	dispatcher.mu.Lock()
	if n := len(dispatcher.idle); n > 0 {
		o := dispatcher.idle[n-1]
		dispatcher.idle[n-1] = nil
		dispatcher.idle = dispatcher.idle[:n-1]
		dispatcher.mu.Unlock()
		return o, nil
	}
	dispatcher.next++
	o := &op{key: dispatcher.next, done: make(chan struct{}, 1)}
	dispatcher.mu.Unlock()
	if err := errFor(C.pg_aio_new_cq(dispatcher.cq, C.uintptr_t(o.key), &o.aio)); err != nil {
		return nil, err
	}
	dispatcher.mu.Lock()
	dispatcher.ops[o.key] = o
	dispatcher.mu.Unlock()
	return o, nil
}

// putOp returns an op whose operation is over (or never started): reuse keeps it for the next
// operation (only after a success, when the aio holds no message), otherwise its aio is freed.
func putOp(o *op, reuse bool) {
	dispatcher.mu.Lock()
	if reuse && len(dispatcher.idle) < maxIdleOps {
		dispatcher.idle = append(dispatcher.idle, o)
		dispatcher.mu.Unlock()
		return
	}
	delete(dispatcher.ops, o.key)
	dispatcher.mu.Unlock()
	C.pnng_aio_free(o.aio) // also frees a message still on the aio
	o.aio = nil
}

// run starts the operation and waits for it, cancelling the aio when ctx is done first.
// It returns the aio's result; canceled reports that ctx ended the operation.
func (o *op) run(ctx context.Context, start func(*C.pnng_aio) C.pnng_result) error {
	if rv := start(o.aio); rv != 0 {
		return errFor(rv) // nothing started, nothing will be posted
	}
	select {
	case <-o.done:
	case <-ctx.Done():
		C.pnng_aio_cancel(o.aio)
		<-o.done // the aio completes exactly once, cancelled or not
	}
	rv := C.pnng_aio_result(o.aio)
	if rv != 0 && ctx.Err() != nil && (rv == C.PNNG_ECANCELED || rv == C.PNNG_ETIMEDOUT) {
		return ctx.Err()
	}
	return errFor(rv)
}

func recvAio(ctx context.Context, start func(*C.pnng_aio) C.pnng_result) (*C.pnng_msg, error) {
	r, err := recvAioBody(ctx, start)
	if err != nil {
		return nil, err
	}
	return r.m, nil
}

// recvBytesAio receives asynchronously and returns a copy of the body (no Message wrapper,
// no finalizer).
func recvBytesAio(ctx context.Context, start func(*C.pnng_aio) C.pnng_result) ([]byte, error) {
	r, err := recvAioBody(ctx, start)
	if err != nil {
		return nil, err
	}
	return consumeBytes(r), nil
}

// recvAioBody runs a receive; on success the caller owns r.m.
func recvAioBody(ctx context.Context, start func(*C.pnng_aio) C.pnng_result) (C.pg_recv_result, error) {
	var r C.pg_recv_result
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	o, err := getOp()
	if err != nil {
		return r, err
	}
	if err := o.run(ctx, start); err != nil {
		putOp(o, false)
		return r, err
	}
	r = C.pg_aio_take_body(o.aio)
	if err := errFor(C.pnng_result(r.rv)); err != nil {
		putOp(o, false)
		return r, err
	}
	putOp(o, true)
	return r, nil
}

// sendAio sends m; on failure the message is handed back (nil if it is lost), on success
// NNG owns it.
func sendAio(ctx context.Context, m *C.pnng_msg, start func(*C.pnng_aio) C.pnng_result) (*C.pnng_msg, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return m, err
	}
	o, err := getOp()
	if err != nil {
		return m, err
	}
	if err := errFor(C.pnng_aio_set_msg(o.aio, m)); err != nil {
		putOp(o, false)
		return m, err
	}
	if err := o.run(ctx, start); err != nil {
		var back *C.pnng_msg
		if C.pnng_aio_take_msg(o.aio, &back) != 0 {
			back = nil
		}
		putOp(o, false)
		return back, err
	}
	putOp(o, true)
	return nil, nil
}

func sendBytesAio(ctx context.Context, data []byte, start func(*C.pnng_aio) C.pnng_result) error {
	var m *C.pnng_msg
	if err := errFor(C.pnng_msg_new(bytesPtr(data), C.size_t(len(data)), &m)); err != nil {
		return err
	}
	back, err := sendAio(ctx, m, start)
	if back != nil {
		C.pnng_msg_free(back)
	}
	return err
}

func sendMsgAio(ctx context.Context, msg *Message, start func(*C.pnng_aio) C.pnng_result) error {
	m, err := msg.take()
	if err != nil {
		return err
	}
	back, err := sendAio(ctx, m, start)
	if err != nil {
		if back != nil {
			msg.restore(back)
		}
		return err
	}
	return nil
}
