package pnng

// #include "pnng_go.h"
import "C"

import (
	"runtime"
)

// PipeEvent is a pipe lifecycle event (pynng's pre/post connect and post remove callbacks).
type PipeEvent int

// Pipe events.
const (
	// PipeEvAddPre: a connection was made but is not yet part of the socket.
	PipeEvAddPre PipeEvent = C.PNNG_PIPE_EV_ADD_PRE
	// PipeEvAddPost: the connection was added to the socket.
	PipeEvAddPost PipeEvent = C.PNNG_PIPE_EV_ADD_POST
	// PipeEvRemPost: the connection was removed from the socket.
	PipeEvRemPost PipeEvent = C.PNNG_PIPE_EV_REM_POST
)

// CallbackID identifies a registered pipe callback, for RemovePipeCallback.
type CallbackID uint64

type pipeCB struct {
	id CallbackID
	fn func(*Pipe)
}

// OnPipeEvent registers fn for ev. Callbacks run on one goroutine per socket, in the order
// the events happened and, per event, in registration order; they may call any method
// (including Pipe.Close and Socket.Close). Register before Listen or Dial so no connection
// is missed.
//
// Delivery is asynchronous: a PipeEvAddPre callback runs after NNG has moved on, so closing
// the pipe there disconnects it rather than preventing it from being added. Events that
// happen while the socket closes are still delivered, possibly after Close returned.
func (s *Socket) OnPipeEvent(ev PipeEvent, fn func(*Pipe)) (CallbackID, error) {
	if ev < PipeEvAddPre || ev > PipeEvRemPost || fn == nil {
		return 0, ErrInvalid
	}
	st := s.st
	defer runtime.KeepAlive(s)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed.Load() {
		return 0, ErrClosed
	}
	if st.cq == nil {
		var cq *C.pnng_cq
		if err := errFor(C.pnng_cq_new(&cq)); err != nil {
			return 0, err
		}
		st.cq = cq
		go st.eventLoop(cq)
	}
	if !st.registered[ev] {
		if err := errFor(C.pnng_socket_pipe_notify_cq(st.sock, C.int(ev), st.cq, nil)); err != nil {
			return 0, err
		}
		st.registered[ev] = true
	}
	st.nextCB++
	st.cbs[ev] = append(st.cbs[ev], pipeCB{id: st.nextCB, fn: fn})
	return st.nextCB, nil
}

// AddPrePipeConnectCB registers fn for PipeEvAddPre (pynng add_pre_pipe_connect_cb).
func (s *Socket) AddPrePipeConnectCB(fn func(*Pipe)) (CallbackID, error) {
	return s.OnPipeEvent(PipeEvAddPre, fn)
}

// AddPostPipeConnectCB registers fn for PipeEvAddPost (pynng add_post_pipe_connect_cb).
func (s *Socket) AddPostPipeConnectCB(fn func(*Pipe)) (CallbackID, error) {
	return s.OnPipeEvent(PipeEvAddPost, fn)
}

// AddPostPipeRemoveCB registers fn for PipeEvRemPost (pynng add_post_pipe_remove_cb).
func (s *Socket) AddPostPipeRemoveCB(fn func(*Pipe)) (CallbackID, error) {
	return s.OnPipeEvent(PipeEvRemPost, fn)
}

// RemovePipeCallback removes a callback; ErrNoEntry if id is not registered.
func (s *Socket) RemovePipeCallback(id CallbackID) error {
	st := s.st
	defer runtime.KeepAlive(s)
	st.mu.Lock()
	defer st.mu.Unlock()
	for ev := range st.cbs {
		for i, cb := range st.cbs[ev] {
			if cb.id == id {
				st.cbs[ev] = append(st.cbs[ev][:i:i], st.cbs[ev][i+1:]...)
				return nil
			}
		}
	}
	return ErrNoEntry
}

// eventLoop delivers the socket's pipe events. It holds only the socket state, not the
// Socket, so a forgotten Socket can still be finalized (which stops the loop).
func (st *sockState) eventLoop(cq *C.pnng_cq) {
	for {
		C.pnng_cq_wait(cq, -1)
		stopping := st.gone.Load() // read before draining: nothing is posted after close
		st.drainEvents(cq)
		if stopping {
			st.mu.Lock()
			st.cq = nil // close wakes the queue under mu only while st.cq is set
			st.mu.Unlock()
			C.pnng_cq_free(cq)
			return
		}
	}
}

func (st *sockState) drainEvents(cq *C.pnng_cq) {
	for {
		var pid C.uint32_t
		var ev C.int
		if C.pg_cq_pop_pipe_event(cq, &pid, &ev) != 0 {
			return
		}
		if ev < 0 || int(ev) >= len(st.cbs) {
			continue
		}
		st.mu.Lock()
		cbs := append([]pipeCB(nil), st.cbs[ev]...)
		st.mu.Unlock()
		for _, cb := range cbs {
			cb.fn(newPipe(uint32(pid)))
		}
	}
}
