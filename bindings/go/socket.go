package pnng

// #include "pnng_go.h"
import "C"

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Protocol names one of the scalability protocols (one per pynng Socket subclass).
type Protocol int

// The protocols, in the order of the opener table in pnng_go.h.
const (
	ProtoPair0 Protocol = iota
	ProtoPair1
	ProtoReq0
	ProtoRep0
	ProtoPub0
	ProtoSub0
	ProtoPush0
	ProtoPull0
	ProtoSurveyor0
	ProtoRespondent0
	ProtoBus0
	protoCount
)

var protoNames = [...]string{"pair0", "pair1", "req0", "rep0", "pub0", "sub0", "push0", "pull0",
	"surveyor0", "respondent0", "bus0"}

// String returns the protocol's name: "pair0", "req0", ...
func (p Protocol) String() string {
	if p < 0 || p >= protoCount {
		return "unknown"
	}
	return protoNames[p]
}

// openerPair1Poly is the index of pnng_pair1_open_poly in pg_openers.
const openerPair1Poly = 2 * int(protoCount)

// Open opens a socket of protocol p; raw selects the raw (device) variant.
func Open(p Protocol, raw bool) (*Socket, error) {
	if p < 0 || p >= protoCount {
		return nil, ErrInvalid
	}
	idx := 2 * int(p)
	if raw {
		idx++
	}
	return openIndex(idx)
}

// NewPair0 opens a pair0 socket (pynng Pair0).
func NewPair0() (*Socket, error) { return Open(ProtoPair0, false) }

// NewPair1 opens a pair1 socket (pynng Pair1); poly opens it polyamorous (many peers; send
// to one peer with Pipe.Send, receive with RecvMsg to learn the peer).
func NewPair1(poly bool) (*Socket, error) {
	if poly {
		return openIndex(openerPair1Poly)
	}
	return Open(ProtoPair1, false)
}

// NewReq0 opens a req0 socket (pynng Req0).
func NewReq0() (*Socket, error) { return Open(ProtoReq0, false) }

// NewRep0 opens a rep0 socket (pynng Rep0).
func NewRep0() (*Socket, error) { return Open(ProtoRep0, false) }

// NewPub0 opens a pub0 socket (pynng Pub0).
func NewPub0() (*Socket, error) { return Open(ProtoPub0, false) }

// NewSub0 opens a sub0 socket (pynng Sub0). It receives nothing until it subscribes.
func NewSub0() (*Socket, error) { return Open(ProtoSub0, false) }

// NewPush0 opens a push0 socket (pynng Push0).
func NewPush0() (*Socket, error) { return Open(ProtoPush0, false) }

// NewPull0 opens a pull0 socket (pynng Pull0).
func NewPull0() (*Socket, error) { return Open(ProtoPull0, false) }

// NewSurveyor0 opens a surveyor0 socket (pynng Surveyor0).
func NewSurveyor0() (*Socket, error) { return Open(ProtoSurveyor0, false) }

// NewRespondent0 opens a respondent0 socket (pynng Respondent0).
func NewRespondent0() (*Socket, error) { return Open(ProtoRespondent0, false) }

// NewBus0 opens a bus0 socket (pynng Bus0).
func NewBus0() (*Socket, error) { return Open(ProtoBus0, false) }

// NewPair0Raw opens a raw pair0 socket (for Device).
func NewPair0Raw() (*Socket, error) { return Open(ProtoPair0, true) }

// NewPair1Raw opens a raw pair1 socket.
func NewPair1Raw() (*Socket, error) { return Open(ProtoPair1, true) }

// NewReq0Raw opens a raw req0 socket.
func NewReq0Raw() (*Socket, error) { return Open(ProtoReq0, true) }

// NewRep0Raw opens a raw rep0 socket.
func NewRep0Raw() (*Socket, error) { return Open(ProtoRep0, true) }

// NewPub0Raw opens a raw pub0 socket.
func NewPub0Raw() (*Socket, error) { return Open(ProtoPub0, true) }

// NewSub0Raw opens a raw sub0 socket.
func NewSub0Raw() (*Socket, error) { return Open(ProtoSub0, true) }

// NewPush0Raw opens a raw push0 socket.
func NewPush0Raw() (*Socket, error) { return Open(ProtoPush0, true) }

// NewPull0Raw opens a raw pull0 socket.
func NewPull0Raw() (*Socket, error) { return Open(ProtoPull0, true) }

// NewSurveyor0Raw opens a raw surveyor0 socket.
func NewSurveyor0Raw() (*Socket, error) { return Open(ProtoSurveyor0, true) }

// NewRespondent0Raw opens a raw respondent0 socket.
func NewRespondent0Raw() (*Socket, error) { return Open(ProtoRespondent0, true) }

// NewBus0Raw opens a raw bus0 socket.
func NewBus0Raw() (*Socket, error) { return Open(ProtoBus0, true) }

// Socket is an open socket of one protocol (pynng's Socket and its subclasses).
//
// Every method is safe for concurrent use by several goroutines; Close wakes blocked calls,
// which return ErrClosed. Close is idempotent. A Socket that becomes unreachable without
// Close is closed by a finalizer. Handles returned by Pipe.Socket share the socket but carry
// no finalizer: keep the Socket returned by the constructor reachable (or Close it).
type Socket struct {
	options
	st *sockState
}

type sockState struct {
	sock      C.pnng_socket
	pollable  bool        // opened here: a blocking Recv may wait in the Go scheduler (poll.go)
	pollSends bool        // and so may a blocking Send (protocols where a non-blocking try is safe)
	surveyor  bool        // cooked surveyor: a context's non-blocking receive waits for the survey
	bounded   boundedWait // blocking receives' waits in C before they park (poll.go)
	msgs      msgAlloc    // received Messages (message.go)
	closed    atomic.Bool // Close has started
	gone      atomic.Bool // pnng_socket_close has returned

	mu         sync.Mutex // guards the pipe-callback fields below
	cbs        [3][]pipeCB
	nextCB     CallbackID
	cq         *C.pnng_cq
	registered [3]bool
}

var registry struct {
	sync.Mutex
	m map[uint32]*sockState
}

func openIndex(idx int) (*Socket, error) {
	var id C.uint32_t
	if err := errFor(C.pg_open(C.int(idx), &id)); err != nil {
		return nil, err
	}
	st := &sockState{sock: C.pnng_socket{id: id}, pollable: true,
		surveyor: idx == 2*int(ProtoSurveyor0)}
	// A send is tried without blocking first (then parked, poll.go) only where a
	// non-blocking send that gives up leaves no state behind (rep0's and respondent0's
	// replies would be lost); elsewhere a blocking send blocks in C.
	switch Protocol(idx / 2) {
	case ProtoPair0, ProtoPair1, ProtoPush0, ProtoBus0:
		st.pollSends = true
	}
	if idx == openerPair1Poly {
		st.pollSends = true
	}
	registry.Lock()
	if registry.m == nil {
		registry.m = make(map[uint32]*sockState)
	}
	registry.m[uint32(id)] = st
	registry.Unlock()
	s := st.view()
	runtime.SetFinalizer(s, func(s *Socket) { _ = s.st.close() })
	return s, nil
}

func (st *sockState) view() *Socket {
	return &Socket{options: options{optGetters{kind: kindSocket, id: st.sock.id}}, st: st}
}

// socketByID returns a handle for an open socket of this process (no finalizer).
func socketByID(id uint32) *Socket {
	registry.Lock()
	st := registry.m[id]
	registry.Unlock()
	if st == nil {
		// Not opened through this package (or already closed): a bare handle still works,
		// and gives ErrClosed once the socket is gone.
		st = &sockState{sock: C.pnng_socket{id: C.uint32_t(id)}}
	}
	return st.view()
}

// ID returns the socket's numeric id (pynng's Socket.id).
func (s *Socket) ID() uint32 { return uint32(s.st.sock.id) }

// Close closes the socket, its dialers, listeners, pipes and contexts. Calls blocked on it
// return ErrClosed. Closing again does nothing and returns nil.
func (s *Socket) Close() error {
	err := s.st.close()
	runtime.KeepAlive(s)
	return err
}

func (st *sockState) close() error {
	if !st.closed.CompareAndSwap(false, true) {
		return nil
	}
	rv := C.pnng_socket_close(st.sock)
	st.gone.Store(true)
	unwatchSocket(uint32(st.sock.id))
	registry.Lock()
	if registry.m[uint32(st.sock.id)] == st {
		delete(registry.m, uint32(st.sock.id))
	}
	registry.Unlock()
	st.mu.Lock()
	if st.cq != nil {
		C.pnng_cq_wake(st.cq) // the event goroutine drains what is left and exits
	}
	st.mu.Unlock()
	if rv == C.PNNG_ECLOSED {
		return nil
	}
	return errFor(rv)
}

// DialOption selects how Socket.Dial behaves (pynng's dial block= argument).
type DialOption int

const (
	// DialFallback (the default, pynng block=None): try a blocking dial; if the peer is not
	// there, go on dialing in the background and return without error.
	DialFallback DialOption = iota
	// DialBlocking (block=True): wait for the connection and fail if it cannot be made.
	DialBlocking
	// DialNonBlocking (block=False): return at once; connect and retry in the background.
	DialNonBlocking
)

func (o DialOption) flags() C.int {
	switch o {
	case DialBlocking:
		return 0
	case DialNonBlocking:
		return C.PNNG_FLAG_NONBLOCK
	default:
		return C.PNNG_DIAL_FALLBACK
	}
}

func lastDialOption(opts []DialOption) DialOption {
	mode := DialFallback
	for _, o := range opts {
		mode = o
	}
	return mode
}

// Dial connects to url ("tcp://127.0.0.1:5555", "ipc:///tmp/x", "inproc://name", "ws://...",
// "tls+tcp://..."). The default mode is DialFallback; pass DialBlocking or DialNonBlocking to
// choose another (the last one given wins). May block. A failure is an *OpError naming the
// URL (errors.Is still matches the cause, e.g. ErrConnRefused).
func (s *Socket) Dial(url string, opts ...DialOption) (*Dialer, error) {
	if hasNUL(url) {
		return nil, opErr("dial", url, ErrAddrInvalid)
	}
	mode := lastDialOption(opts)
	if mode == DialNonBlocking {
		// Created, watched, then started: its first background failure is reported too.
		d, err := s.NewDialer(url)
		if err != nil {
			return nil, err
		}
		if err := d.Start(DialNonBlocking); err != nil {
			_ = d.Close()
			return nil, err
		}
		return d, nil
	}
	curl := C.CString(url)
	defer C.free(unsafe.Pointer(curl))
	var d C.pnng_dialer
	rv := C.pnng_socket_dial(s.st.sock, curl, mode.flags(), &d)
	runtime.KeepAlive(s)
	if err := errFor(rv); err != nil {
		return nil, opErr("dial", url, err)
	}
	if mode == DialFallback {
		watchFallbackDialer(uint32(d.id), uint32(s.st.sock.id), url)
	} else {
		watchDialer(uint32(d.id), uint32(s.st.sock.id), url, true)
	}
	return newDialer(d, s, url), nil
}

// DialContext dials url blocking (as DialBlocking) until connected, the dial fails, or ctx is
// done: then the dialer is closed and the error (an *OpError) wraps ctx.Err().
func (s *Socket) DialContext(ctx context.Context, url string) (*Dialer, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, opErr("dial", url, err)
	}
	d, err := s.NewDialer(url)
	if err != nil {
		return nil, err
	}
	if ctx.Done() == nil { // never cancelled
		if err := d.Start(DialBlocking); err != nil {
			_ = d.Close()
			return nil, err
		}
		return d, nil
	}
	// A watcher closes the dialer when ctx ends first, which ends the blocking start.
	finished := make(chan struct{})
	watcherDone := make(chan bool, 1)
	go func() {
		select {
		case <-ctx.Done():
			_ = d.Close()
			watcherDone <- true
		case <-finished:
			watcherDone <- false
		}
	}()
	err = d.Start(DialBlocking)
	close(finished)
	if cancelled := <-watcherDone; cancelled {
		return nil, opErr("dial", url, ctx.Err())
	}
	if err != nil {
		_ = d.Close()
		return nil, err
	}
	return d, nil
}

// Listen listens on url and returns the started listener. A "tcp://host:0" url binds a free
// port: read it with Listener.LocalAddress. A failure is an *OpError naming the URL.
func (s *Socket) Listen(url string) (*Listener, error) {
	if hasNUL(url) {
		return nil, opErr("listen", url, ErrAddrInvalid)
	}
	curl := C.CString(url)
	defer C.free(unsafe.Pointer(curl))
	var l C.pnng_listener
	rv := C.pnng_socket_listen(s.st.sock, curl, 0, &l)
	runtime.KeepAlive(s)
	if err := errFor(rv); err != nil {
		return nil, opErr("listen", url, err)
	}
	return newListener(l, s, url), nil
}

// ListenContext is Listen when ctx is not done yet; listening does not wait for peers, so
// ctx only stops a listen that has not started (the error wraps ctx.Err()).
func (s *Socket) ListenContext(ctx context.Context, url string) (*Listener, error) {
	if ctx != nil {
		if err := ctx.Err(); err != nil {
			return nil, opErr("listen", url, err)
		}
	}
	return s.Listen(url)
}

// NewDialer creates a dialer for url without starting it, so options (TLS, reconnect times)
// can be set first; start it with Dialer.Start. A failure is an *OpError naming the URL.
func (s *Socket) NewDialer(url string) (*Dialer, error) {
	if hasNUL(url) {
		return nil, opErr("dial", url, ErrAddrInvalid)
	}
	curl := C.CString(url)
	defer C.free(unsafe.Pointer(curl))
	var d C.pnng_dialer
	rv := C.pnng_dialer_create(s.st.sock, curl, &d)
	runtime.KeepAlive(s)
	if err := errFor(rv); err != nil {
		return nil, opErr("dial", url, err)
	}
	watchDialer(uint32(d.id), uint32(s.st.sock.id), url, false)
	return newDialer(d, s, url), nil
}

// NewListener creates a listener for url without starting it; start it with Listener.Start.
// A failure is an *OpError naming the URL.
func (s *Socket) NewListener(url string) (*Listener, error) {
	if hasNUL(url) {
		return nil, opErr("listen", url, ErrAddrInvalid)
	}
	curl := C.CString(url)
	defer C.free(unsafe.Pointer(curl))
	var l C.pnng_listener
	rv := C.pnng_listener_create(s.st.sock, curl, &l)
	runtime.KeepAlive(s)
	if err := errFor(rv); err != nil {
		return nil, opErr("listen", url, err)
	}
	return newListener(l, s, url), nil
}

// bytesPtr returns a pointer to data's first byte, or nil for an empty slice.
func bytesPtr(data []byte) unsafe.Pointer {
	if len(data) == 0 {
		return nil
	}
	return unsafe.Pointer(&data[0])
}

// bytesData is bytesPtr typed as bytes, for the hot send paths: an unsafe.Pointer argument
// makes cgo check the memory it points to for Go pointers on every call, a *C.uint8_t not
// (bytes hold none).
func bytesData(data []byte) *C.uint8_t {
	if len(data) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&data[0]))
}

// Send sends a copy of data, blocking until it is queued (up to the send timeout).
// Errors: ErrTimeout, ErrClosed, ErrNotSupported (e.g. Sub0), ErrState (e.g. Rep0 before a
// request).
func (s *Socket) Send(data []byte) error { return s.send(data, 0) }

// TrySend sends without blocking: ErrAgain if the message cannot be queued now.
func (s *Socket) TrySend(data []byte) error { return s.send(data, C.PNNG_FLAG_NONBLOCK) }

func (s *Socket) send(data []byte, flags C.int) error {
	st := s.st
	var rv C.pnng_result
	if flags == 0 && st.pollSends {
		// Tried without blocking; if it would block, the message built for the try is the
		// one the parked send owns (the data is copied once).
		r := C.pg_socket_send_keep(st.sock, bytesData(data), C.size_t(len(data)))
		rv = C.pnng_result(r.rv)
		if m := r.m; rv == C.PNNG_EAGAIN {
			var ok bool
			if rv, m, ok = st.sendWait(m); !ok {
				rv = C.pnng_socket_send_msg(st.sock, m, 0)
			}
			if rv != 0 && m != nil {
				C.pnng_msg_free(m)
			}
		}
	} else {
		rv = C.pg_socket_send(st.sock, bytesData(data), C.size_t(len(data)), flags)
	}
	runtime.KeepAlive(data)
	runtime.KeepAlive(s)
	return errFor(rv)
}

// Recv receives a message and returns a copy of its body, blocking up to the receive
// timeout (ErrTimeout). Errors: ErrClosed, ErrNotSupported (e.g. Pub0), ErrState (Req0
// before a request).
func (s *Socket) Recv() ([]byte, error) { return s.recv(0) }

// TryRecv receives without blocking: ErrAgain if nothing is waiting.
func (s *Socket) TryRecv() ([]byte, error) { return s.recv(C.PNNG_FLAG_NONBLOCK) }

func (s *Socket) recv(flags C.int) ([]byte, error) {
	// One cgo call receives and locates the body (returned by value: nothing escapes), the
	// body is copied with C.GoBytes (no zeroing), one more call frees the message.
	r := s.st.recvResult(flags)
	runtime.KeepAlive(s)
	if err := errFor(C.pnng_result(r.rv)); err != nil {
		return nil, err
	}
	return consumeBytes(r), nil
}

// recvResult receives a message and locates its body; flags 0 blocks (in the Go scheduler
// when the socket allows it).
func (st *sockState) recvResult(flags C.int) C.pg_recv_result {
	wait := flags == 0 && st.pollable
	r := C.pg_recv_result{rv: C.PNNG_EAGAIN}
	// While the last try found nothing, a blocking receive goes straight to the wait, which
	// tries first itself.
	if !wait || !st.bounded.triesLater() {
		if wait {
			flags = C.PNNG_FLAG_NONBLOCK
		}
		r = C.pg_socket_recv(st.sock, flags)
		if wait {
			st.bounded.tried(r.rv != C.PNNG_EAGAIN)
		}
	}
	if r.rv == C.PNNG_EAGAIN && wait {
		var ok bool
		if r, ok = st.recvWait(); !ok {
			r = C.pg_socket_recv(st.sock, 0)
		}
	}
	return r
}

// SendMsg sends msg. On success msg is consumed (later use gives ErrMessageState); on
// failure it stays usable.
func (s *Socket) SendMsg(msg *Message) error { return s.sendMsg(msg, 0) }

// TrySendMsg is SendMsg without blocking (ErrAgain).
func (s *Socket) TrySendMsg(msg *Message) error { return s.sendMsg(msg, C.PNNG_FLAG_NONBLOCK) }

func (s *Socket) sendMsg(msg *Message, flags C.int) error {
	st := s.st
	wait := flags == 0 && st.pollSends
	if wait {
		flags = C.PNNG_FLAG_NONBLOCK
	}
	m, err := msg.take()
	if err != nil {
		return err
	}
	rv := C.pnng_socket_send_msg(st.sock, m, flags)
	if rv == C.PNNG_EAGAIN && wait {
		// Parked, the aio owns the message; a failed send gives it back.
		var ok bool
		if rv, m, ok = st.sendWait(m); !ok {
			rv = C.pnng_socket_send_msg(st.sock, m, 0)
		}
	}
	runtime.KeepAlive(s)
	if rv != 0 {
		if m != nil {
			msg.restore(m)
		}
		return errFor(rv)
	}
	return nil
}

// RecvMsg receives a Message (which knows the pipe it came from).
func (s *Socket) RecvMsg() (*Message, error) { return s.recvMsg(0) }

// TryRecvMsg is RecvMsg without blocking (ErrAgain).
func (s *Socket) TryRecvMsg() (*Message, error) { return s.recvMsg(C.PNNG_FLAG_NONBLOCK) }

func (s *Socket) recvMsg(flags C.int) (*Message, error) {
	r := s.st.recvResult(flags)
	runtime.KeepAlive(s)
	if err := errFor(C.pnng_result(r.rv)); err != nil {
		return nil, err
	}
	return wrapReceived(s.st, r), nil
}

// SendContext sends a copy of data asynchronously; when ctx is done first the operation is
// cancelled and ctx.Err() returned.
func (s *Socket) SendContext(ctx context.Context, data []byte) error {
	return sendBytesAio(ctx, data, func(a *C.pnng_aio) C.pnng_result {
		rv := C.pnng_socket_send_aio(s.st.sock, a)
		runtime.KeepAlive(s)
		return rv
	})
}

// RecvContext receives asynchronously; when ctx is done first the operation is cancelled
// and ctx.Err() returned. The socket's receive timeout still applies.
func (s *Socket) RecvContext(ctx context.Context) ([]byte, error) {
	return recvBytesAio(ctx, func(a *C.pnng_aio) C.pnng_result {
		rv := C.pnng_socket_recv_aio(s.st.sock, a)
		runtime.KeepAlive(s)
		return rv
	})
}

// SendMsgContext is SendMsg honouring ctx; msg is consumed only on success.
func (s *Socket) SendMsgContext(ctx context.Context, msg *Message) error {
	return sendMsgAio(ctx, msg, func(a *C.pnng_aio) C.pnng_result {
		rv := C.pnng_socket_send_aio(s.st.sock, a)
		runtime.KeepAlive(s)
		return rv
	})
}

// RecvMsgContext is RecvMsg honouring ctx.
func (s *Socket) RecvMsgContext(ctx context.Context) (*Message, error) {
	m, err := recvAio(ctx, func(a *C.pnng_aio) C.pnng_result {
		rv := C.pnng_socket_recv_aio(s.st.sock, a)
		runtime.KeepAlive(s)
		return rv
	})
	if err != nil {
		return nil, err
	}
	return wrapMsg(m), nil
}

// Subscribe (Sub0) adds a topic: messages starting with these bytes are received. An
// empty topic matches everything. ErrNotSupported on other protocols.
func (s *Socket) Subscribe(topic []byte) error {
	rv := C.pnng_sub0_subscribe(s.st.sock, bytesPtr(topic), C.size_t(len(topic)))
	runtime.KeepAlive(topic)
	runtime.KeepAlive(s)
	return errFor(rv)
}

// Unsubscribe (Sub0) removes a topic; ErrNoEntry if it was not subscribed.
func (s *Socket) Unsubscribe(topic []byte) error {
	rv := C.pnng_sub0_unsubscribe(s.st.sock, bytesPtr(topic), C.size_t(len(topic)))
	runtime.KeepAlive(topic)
	runtime.KeepAlive(s)
	return errFor(rv)
}

// NewContext opens a Context on the socket (Req0, Rep0, Sub0, Surveyor0, Respondent0);
// ErrNotSupported for the other protocols.
func (s *Socket) NewContext() (*Context, error) {
	var c C.pnng_ctx
	rv := C.pnng_socket_new_context(s.st.sock, &c)
	runtime.KeepAlive(s)
	if err := errFor(rv); err != nil {
		return nil, err
	}
	return newContext(c, s), nil
}

// SetTLSConfig uses cfg for the socket's future tls+tcp:// and wss:// dialers and listeners.
func (s *Socket) SetTLSConfig(cfg *TLSConfig) error {
	return cfg.with(func(c *C.pnng_tls_config) C.pnng_result {
		rv := C.pnng_socket_set_tls(s.st.sock, c)
		runtime.KeepAlive(s)
		return rv
	})
}

func (s *Socket) listIDs(kind C.int) ([]uint32, error) {
	buf := make([]uint32, 8)
	for {
		var n C.size_t
		rv := C.pg_list(kind, s.st.sock.id, (*C.uint32_t)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n)
		runtime.KeepAlive(s)
		if rv == C.PNNG_EMSGSIZE && int(n) >= len(buf) {
			buf = make([]uint32, int(n)+8)
			continue
		}
		if err := errFor(rv); err != nil {
			return nil, err
		}
		return buf[:n], nil
	}
}

// Pipes returns the socket's live connections: each has been started by the protocol, so a
// message sent once n are listed can reach all n peers.
func (s *Socket) Pipes() ([]*Pipe, error) {
	ids, err := s.listIDs(kindPipe)
	if err != nil {
		return nil, err
	}
	out := make([]*Pipe, len(ids))
	for i, id := range ids {
		out[i] = newPipe(id)
	}
	return out, nil
}

// Dialers returns the socket's open dialers.
func (s *Socket) Dialers() ([]*Dialer, error) {
	ids, err := s.listIDs(kindDialer)
	if err != nil {
		return nil, err
	}
	out := make([]*Dialer, len(ids))
	for i, id := range ids {
		out[i] = newDialer(C.pnng_dialer{id: C.uint32_t(id)}, s, "")
	}
	return out, nil
}

// Listeners returns the socket's open listeners.
func (s *Socket) Listeners() ([]*Listener, error) {
	ids, err := s.listIDs(kindListener)
	if err != nil {
		return nil, err
	}
	out := make([]*Listener, len(ids))
	for i, id := range ids {
		out[i] = newListener(C.pnng_listener{id: C.uint32_t(id)}, s, "")
	}
	return out, nil
}

// Typed socket options (pynng's attributes). Durations have millisecond resolution; Infinite
// (any negative duration) means no timeout.

// RecvTimeout is the receive timeout (OptRecvTimeout).
func (s *Socket) RecvTimeout() (time.Duration, error) { return s.GetMs(OptRecvTimeout) }

// SetRecvTimeout sets the receive timeout.
func (s *Socket) SetRecvTimeout(d time.Duration) error { return s.SetMs(OptRecvTimeout, d) }

// SendTimeout is the send timeout (OptSendTimeout).
func (s *Socket) SendTimeout() (time.Duration, error) { return s.GetMs(OptSendTimeout) }

// SetSendTimeout sets the send timeout.
func (s *Socket) SetSendTimeout(d time.Duration) error { return s.SetMs(OptSendTimeout, d) }

// RecvMaxSize is the largest message received, in bytes (0: unlimited). Larger messages are
// dropped.
func (s *Socket) RecvMaxSize() (int, error) { return s.GetSize(OptRecvMaxSize) }

// SetRecvMaxSize sets the largest message received.
func (s *Socket) SetRecvMaxSize(n int) error { return s.SetSize(OptRecvMaxSize, n) }

// RecvBufferSize is the number of messages buffered on receive.
func (s *Socket) RecvBufferSize() (int, error) { return s.GetInt(OptRecvBuffer) }

// SetRecvBufferSize sets the receive buffer (messages).
func (s *Socket) SetRecvBufferSize(n int) error { return s.SetInt(OptRecvBuffer, n) }

// SendBufferSize is the number of messages buffered on send.
func (s *Socket) SendBufferSize() (int, error) { return s.GetInt(OptSendBuffer) }

// SetSendBufferSize sets the send buffer (messages).
func (s *Socket) SetSendBufferSize(n int) error { return s.SetInt(OptSendBuffer, n) }

// Name is the socket's name (for debugging).
func (s *Socket) Name() (string, error) { return s.GetString(OptSocketName) }

// SetName sets the socket's name.
func (s *Socket) SetName(name string) error { return s.SetString(OptSocketName, name) }

// Raw reports whether the socket is raw.
func (s *Socket) Raw() (bool, error) { return s.GetBool(OptRaw) }

// Protocol is the socket's 16-bit protocol number.
func (s *Socket) Protocol() (int, error) { return s.GetInt(OptProtocol) }

// ProtocolName is the socket's protocol name ("pair", "req", ...).
func (s *Socket) ProtocolName() (string, error) { return s.GetString(OptProtocolName) }

// Peer is the peer protocol's number.
func (s *Socket) Peer() (int, error) { return s.GetInt(OptPeer) }

// PeerName is the peer protocol's name.
func (s *Socket) PeerName() (string, error) { return s.GetString(OptPeerName) }

// ReconnectTimeMin is the first wait before redialing.
func (s *Socket) ReconnectTimeMin() (time.Duration, error) { return s.GetMs(OptReconnectTimeMin) }

// SetReconnectTimeMin sets the first wait before redialing.
func (s *Socket) SetReconnectTimeMin(d time.Duration) error {
	return s.SetMs(OptReconnectTimeMin, d)
}

// ReconnectTimeMax is the longest wait between redials (0: no growth).
func (s *Socket) ReconnectTimeMax() (time.Duration, error) { return s.GetMs(OptReconnectTimeMax) }

// SetReconnectTimeMax sets the longest wait between redials.
func (s *Socket) SetReconnectTimeMax(d time.Duration) error {
	return s.SetMs(OptReconnectTimeMax, d)
}

// RecvFD is a descriptor that polls readable when a receive would not block (poll only).
func (s *Socket) RecvFD() (int, error) { return s.GetInt(OptRecvFD) }

// SendFD is a descriptor that polls readable when a send would not block (poll only).
func (s *Socket) SendFD() (int, error) { return s.GetInt(OptSendFD) }

// TTLMax is the maximum number of hops (devices) a message may cross.
func (s *Socket) TTLMax() (int, error) { return s.GetInt(OptTTLMax) }

// SetTTLMax sets the maximum number of hops.
func (s *Socket) SetTTLMax(n int) error { return s.SetInt(OptTTLMax, n) }

// ResendTime (Req0) is the time after which an unanswered request is sent again.
func (s *Socket) ResendTime() (time.Duration, error) { return s.GetMs(OptReqResendTime) }

// SetResendTime (Req0) sets the resend time.
func (s *Socket) SetResendTime(d time.Duration) error { return s.SetMs(OptReqResendTime, d) }

// SurveyTime (Surveyor0) is how long a survey accepts responses.
func (s *Socket) SurveyTime() (time.Duration, error) { return s.GetMs(OptSurveyorTime) }

// SetSurveyTime (Surveyor0) sets how long a survey accepts responses.
func (s *Socket) SetSurveyTime(d time.Duration) error { return s.SetMs(OptSurveyorTime, d) }

// Polyamorous (Pair1) reports whether the socket was opened polyamorous.
func (s *Socket) Polyamorous() (bool, error) { return s.GetBool(OptPair1Poly) }

// TCPNoDelay reports whether Nagle's algorithm is off for new TCP connections.
func (s *Socket) TCPNoDelay() (bool, error) { return s.GetBool(OptTCPNoDelay) }

// SetTCPNoDelay sets TCP_NODELAY for new TCP connections.
func (s *Socket) SetTCPNoDelay(on bool) error { return s.SetBool(OptTCPNoDelay, on) }

// TCPKeepAlive reports whether TCP keep-alives are on for new connections.
func (s *Socket) TCPKeepAlive() (bool, error) { return s.GetBool(OptTCPKeepAlive) }

// SetTCPKeepAlive sets SO_KEEPALIVE for new TCP connections.
func (s *Socket) SetTCPKeepAlive(on bool) error { return s.SetBool(OptTCPKeepAlive, on) }

// Device forwards messages between two raw sockets until either closes or ctx is done. b may
// be nil to loop a itself back. It blocks. When ctx ends first, Device closes both sockets
// (NNG's device stops only when a socket closes) and returns ctx.Err(); when a socket is
// closed by other means it returns ErrClosed.
func Device(ctx context.Context, a, b *Socket) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	stop := make(chan struct{})
	watcher := make(chan bool, 1)
	if ctx.Done() != nil {
		go func() {
			select {
			case <-ctx.Done():
				if a != nil {
					_ = a.Close()
				}
				if b != nil {
					_ = b.Close()
				}
				watcher <- true
			case <-stop:
				watcher <- false
			}
		}()
	} else {
		watcher <- false
	}
	rv := C.pnng_device(sockOrZero(a), sockOrZero(b))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	close(stop)
	if <-watcher {
		return ctx.Err()
	}
	return errFor(rv)
}

// StartDevice runs Device in the background; it stops when either socket closes.
func StartDevice(a, b *Socket) error {
	rv := C.pnng_device_start(sockOrZero(a), sockOrZero(b))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	return errFor(rv)
}

func sockOrZero(s *Socket) C.pnng_socket {
	if s == nil {
		return C.pnng_socket{}
	}
	return s.st.sock
}

// Fini closes every socket and releases the library's global state, for leak checkers at
// process exit. Every object is unusable afterwards; call it last, once.
func Fini() {
	registry.Lock()
	states := make([]*sockState, 0, len(registry.m))
	for _, st := range registry.m {
		states = append(states, st)
	}
	registry.Unlock()
	for _, st := range states {
		_ = st.close()
	}
	C.pnng_fini()
}
