package pnng

// #include "pnng_go.h"
import "C"

import (
	"context"
	"sync"
)

// The asynchronous operations (SendContext, RecvContext ...) run on pnng aios whose
// completions are posted to one process-wide completion queue. A single dispatcher goroutine
// waits on it with pnng_cq_wait (blocking one OS thread), pops each completed aio and closes
// the channel of the goroutine that started it. Userdata is an integer key (converted to a
// pointer in C only), so no Go pointer is ever stored in C memory.

var dispatcher struct {
	once    sync.Once
	err     error
	cq      *C.pnng_cq
	mu      sync.Mutex
	next    uintptr
	waiters map[uintptr]chan struct{}
}

func startDispatcher() error {
	dispatcher.once.Do(func() {
		var cq *C.pnng_cq
		if err := errFor(C.pnng_cq_new(&cq)); err != nil {
			dispatcher.err = err
			return
		}
		dispatcher.cq = cq
		dispatcher.waiters = make(map[uintptr]chan struct{})
		go dispatchLoop(cq)
	})
	return dispatcher.err
}

func dispatchLoop(cq *C.pnng_cq) {
	for {
		C.pnng_cq_wait(cq, -1)
		for {
			var a *C.pnng_aio
			var key C.uintptr_t
			if C.pg_cq_pop(cq, &a, &key) != 0 {
				break
			}
			dispatcher.mu.Lock()
			ch := dispatcher.waiters[uintptr(key)]
			delete(dispatcher.waiters, uintptr(key))
			dispatcher.mu.Unlock()
			if ch != nil {
				close(ch)
			}
		}
	}
}

// op is one asynchronous operation on its own aio.
type op struct {
	aio  *C.pnng_aio
	key  uintptr
	done chan struct{}
}

func newOp() (*op, error) {
	if err := startDispatcher(); err != nil {
		return nil, err
	}
	o := &op{done: make(chan struct{})}
	dispatcher.mu.Lock()
	dispatcher.next++
	o.key = dispatcher.next
	dispatcher.waiters[o.key] = o.done
	dispatcher.mu.Unlock()
	if err := errFor(C.pg_aio_new_cq(dispatcher.cq, C.uintptr_t(o.key), &o.aio)); err != nil {
		o.forget()
		return nil, err
	}
	return o, nil
}

func (o *op) forget() {
	dispatcher.mu.Lock()
	delete(dispatcher.waiters, o.key)
	dispatcher.mu.Unlock()
}

// run starts the operation and waits for it, cancelling the aio when ctx is done first.
// It returns the aio's result; canceled reports that ctx ended the operation.
func (o *op) run(ctx context.Context, start func(*C.pnng_aio) C.pnng_result) error {
	if rv := start(o.aio); rv != 0 {
		o.forget() // nothing started, nothing will be posted
		return errFor(rv)
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

func (o *op) free() {
	C.pnng_aio_free(o.aio)
	o.aio = nil
}

func recvAio(ctx context.Context, start func(*C.pnng_aio) C.pnng_result) (*C.pnng_msg, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o, err := newOp()
	if err != nil {
		return nil, err
	}
	defer o.free()
	if err := o.run(ctx, start); err != nil {
		return nil, err
	}
	var m *C.pnng_msg
	if err := errFor(C.pnng_aio_take_msg(o.aio, &m)); err != nil {
		return nil, err
	}
	return m, nil
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
	o, err := newOp()
	if err != nil {
		return m, err
	}
	defer o.free()
	if err := errFor(C.pnng_aio_set_msg(o.aio, m)); err != nil {
		o.forget()
		return m, err
	}
	if err := o.run(ctx, start); err != nil {
		var back *C.pnng_msg
		if C.pnng_aio_take_msg(o.aio, &back) != 0 {
			back = nil
		}
		return back, err
	}
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
