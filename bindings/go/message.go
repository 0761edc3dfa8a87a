package pnng

// #include "pnng_go.h"
import "C"

import (
	"errors"
	"math"
	"runtime"
	"sync"
	"unsafe"
)

// ErrMessageState is returned when a Message is used after it was sent or freed
// (pynng's MessageStateError).
var ErrMessageState = errors.New("pnng: message already sent or freed")

// Message is a message with a body and a header (pynng's Message). Receive one with RecvMsg,
// or make one with NewMessage to send it with SendMsg or Pipe.SendMsg. Sending consumes the
// message on success only. Methods are safe for concurrent use, but a message being sent is
// unavailable (ErrMessageState, empty Body) until the send fails. Free releases it at once;
// a forgotten Message is released by a finalizer.
type Message struct {
	mu sync.Mutex
	m  *C.pnng_msg
	// The body located when the message was received (body, blen), valid while known: any
	// change to the message clears known, and WithBody then asks the library again.
	body  unsafe.Pointer
	blen  C.size_t
	known bool
}

// NewMessage returns a message holding a copy of data.
func NewMessage(data []byte) (*Message, error) {
	var m *C.pnng_msg
	rv := C.pnng_msg_new(bytesPtr(data), C.size_t(len(data)), &m)
	runtime.KeepAlive(data)
	if err := errFor(rv); err != nil {
		return nil, err
	}
	return wrapMsg(m), nil
}

func wrapMsg(m *C.pnng_msg) *Message {
	msg := &Message{m: m}
	runtime.SetFinalizer(msg, (*Message).Free)
	return msg
}

// wrapReceived wraps a received message, keeping the body its receive located (WithBody
// needs no further cgo call). Messages of up to blockedBody bytes come from st's current
// block (allocBlocked).
func wrapReceived(st *sockState, r C.pg_recv_result) *Message {
	if r.len > blockedBody {
		msg := &Message{m: r.m, body: r.body, blen: r.len, known: true}
		runtime.SetFinalizer(msg, (*Message).Free)
		return msg
	}
	msg := st.allocBlocked()
	msg.m, msg.body, msg.blen, msg.known = r.m, r.body, r.len, true
	return msg
}

// Received Messages with small bodies are allocated msgBlockLen at a time, with one finalizer
// for the block instead of one per message (registering a finalizer cost more than the rest
// of a small receive in Go). A block is released, and its forgotten messages freed, once none
// of its Messages is reachable; a slot is never reused, so a freed Message stays freed.
const (
	msgBlockLen = 16
	blockedBody = 64 << 10 // larger bodies get a finalizer of their own: released promptly
)

type msgBlock [msgBlockLen]Message

func freeBlock(b *msgBlock) {
	for i := range b {
		b[i].Free()
	}
}

type msgAlloc struct {
	mu   sync.Mutex
	blk  *msgBlock
	next int
}

func (st *sockState) allocBlocked() *Message {
	a := &st.msgs
	a.mu.Lock()
	if a.blk == nil || a.next == msgBlockLen {
		a.blk, a.next = new(msgBlock), 0
		runtime.SetFinalizer(a.blk, freeBlock)
	}
	msg := &a.blk[a.next]
	a.next++
	a.mu.Unlock()
	return msg
}

// msgBytes copies a message's body into a new slice (the message is not freed).
func msgBytes(m *C.pnng_msg) []byte {
	return recvBytes(C.pg_msg_body_len(m))
}

// recvBytes copies the body located by a pg_recv_result into a new slice. C.GoBytes
// allocates without zeroing and copies once (make + memcpy would clear the slice first: at
// 1 MiB that doubled the memory traffic of a receive). The message is not freed.
func recvBytes(r C.pg_recv_result) []byte {
	n := r.len
	if n == 0 || r.body == nil {
		return []byte{}
	}
	if n <= math.MaxInt32 {
		return C.GoBytes(r.body, C.int(n))
	}
	b := make([]byte, int(n)) // beyond C.GoBytes' int32 length
	C.pg_copy_body(r.m, unsafe.Pointer(&b[0]), n)
	return b
}

// consumeBytes copies the body of a received message (r.rv == 0) and frees the message.
func consumeBytes(r C.pg_recv_result) []byte {
	b := recvBytes(r)
	C.pnng_msg_free(r.m)
	return b
}

// Body returns a copy of the message body (nil once the message was sent or freed).
func (msg *Message) Body() []byte {
	msg.mu.Lock()
	defer msg.mu.Unlock()
	if msg.m == nil {
		return nil
	}
	return msgBytes(msg.m)
}

// WithBody calls fn with the message body in place: no copy, and fn may change the bytes
// (not the length). The slice points into the message's own memory, so it is valid only
// during fn: do not keep it or a sub-slice of it. fn must not call msg's other methods (they
// wait for fn). ErrMessageState once the message was sent or freed.
//
// Receiving with RecvMsg, reading the body with WithBody and calling Free moves no byte
// through Go memory, like the C API's pnng_socket_recv_msg; SendMsg hands the message to the
// library without copying it.
func (msg *Message) WithBody(fn func(body []byte)) error {
	msg.mu.Lock()
	defer msg.mu.Unlock()
	if msg.m == nil {
		return ErrMessageState
	}
	body, n := msg.body, msg.blen
	if !msg.known {
		r := C.pg_msg_body_mut(msg.m)
		body, n = r.body, r.len
	}
	if n == 0 || body == nil {
		fn([]byte{})
		return nil
	}
	fn(unsafe.Slice((*byte)(body), int(n)))
	return nil
}

// Bytes is Body (pynng's Message.bytes).
func (msg *Message) Bytes() []byte { return msg.Body() }

// Len returns the body's length.
func (msg *Message) Len() int {
	msg.mu.Lock()
	defer msg.mu.Unlock()
	return int(C.pnng_msg_len(msg.m))
}

// Header returns a copy of the header (raw sockets carry routing data there).
func (msg *Message) Header() []byte {
	msg.mu.Lock()
	defer msg.mu.Unlock()
	if msg.m == nil {
		return nil
	}
	n := C.pnng_msg_header_len(msg.m)
	b := make([]byte, int(n))
	if n > 0 {
		C.pg_copy_header(msg.m, unsafe.Pointer(&b[0]), n)
	}
	return b
}

func (msg *Message) do(f func(m *C.pnng_msg) C.pnng_result) error {
	msg.mu.Lock()
	defer msg.mu.Unlock()
	if msg.m == nil {
		return ErrMessageState
	}
	msg.known = false
	return errFor(f(msg.m))
}

// Append appends data to the body.
func (msg *Message) Append(data []byte) error {
	defer runtime.KeepAlive(data)
	return msg.do(func(m *C.pnng_msg) C.pnng_result {
		return C.pnng_msg_append(m, bytesPtr(data), C.size_t(len(data)))
	})
}

// Insert inserts data at the front of the body.
func (msg *Message) Insert(data []byte) error {
	defer runtime.KeepAlive(data)
	return msg.do(func(m *C.pnng_msg) C.pnng_result {
		return C.pnng_msg_insert(m, bytesPtr(data), C.size_t(len(data)))
	})
}

// AppendHeader appends data to the header.
func (msg *Message) AppendHeader(data []byte) error {
	defer runtime.KeepAlive(data)
	return msg.do(func(m *C.pnng_msg) C.pnng_result {
		return C.pnng_msg_header_append(m, bytesPtr(data), C.size_t(len(data)))
	})
}

// Clear empties the body.
func (msg *Message) Clear() error {
	return msg.do(func(m *C.pnng_msg) C.pnng_result { return C.pnng_msg_clear(m) })
}

// Pipe returns the pipe the message came from (or was addressed to), nil if none.
func (msg *Message) Pipe() *Pipe {
	var p C.pnng_pipe
	if msg.do(func(m *C.pnng_msg) C.pnng_result { return C.pnng_msg_pipe(m, &p) }) != nil {
		return nil
	}
	return newPipe(uint32(p.id))
}

// SetPipe addresses the message to one pipe (honoured by Pair1 polyamorous, Bus and the
// reply protocols).
func (msg *Message) SetPipe(p *Pipe) error {
	if p == nil {
		return ErrInvalid
	}
	return msg.do(func(m *C.pnng_msg) C.pnng_result { return C.pnng_msg_set_pipe(m, p.p) })
}

// Dup returns an independent copy of the message.
func (msg *Message) Dup() (*Message, error) {
	var out *C.pnng_msg
	if err := msg.do(func(m *C.pnng_msg) C.pnng_result { return C.pnng_msg_dup(m, &out) }); err != nil {
		return nil, err
	}
	return wrapMsg(out), nil
}

// Free releases the message now. Later use gives ErrMessageState; freeing again is harmless.
func (msg *Message) Free() {
	msg.mu.Lock()
	m := msg.m
	msg.m, msg.known = nil, false
	msg.mu.Unlock()
	if m != nil {
		C.pnng_msg_free(m)
	}
}

// take detaches the C message for a send; give it back with restore if the send fails.
func (msg *Message) take() (*C.pnng_msg, error) {
	if msg == nil {
		return nil, ErrInvalid
	}
	msg.mu.Lock()
	defer msg.mu.Unlock()
	if msg.m == nil {
		return nil, ErrMessageState
	}
	m := msg.m
	msg.m, msg.known = nil, false
	return m, nil
}

func (msg *Message) restore(m *C.pnng_msg) {
	msg.mu.Lock()
	msg.m = m
	msg.mu.Unlock()
}

// send runs a consuming send: the message is detached while the send runs and given back
// if it fails (NNG's ownership rule).
func (msg *Message) send(f func(m *C.pnng_msg) C.pnng_result) error {
	m, err := msg.take()
	if err != nil {
		return err
	}
	if err := errFor(f(m)); err != nil {
		msg.restore(m)
		return err
	}
	return nil
}
