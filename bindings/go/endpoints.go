package pnng

// #include "pnng_go.h"
import "C"

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// Dialer is an outgoing connection endpoint of a socket (pynng's Dialer). It is closed with
// the socket, or by Close. Safe for concurrent use; Close is idempotent.
type Dialer struct {
	options
	d      C.pnng_dialer
	sock   *Socket
	url    string // as given to Dial or NewDialer; "" for a dialer found by Socket.Dialers
	closed atomic.Bool
}

func newDialer(d C.pnng_dialer, s *Socket, url string) *Dialer {
	return &Dialer{options: options{optGetters{kind: kindDialer, id: d.id}}, d: d, sock: s, url: url}
}

// urlForError is the dialer's URL for an error message.
func (d *Dialer) urlForError() string {
	if d.url != "" {
		return d.url
	}
	u, _ := d.URL()
	return u
}

// ID returns the dialer's numeric id.
func (d *Dialer) ID() uint32 { return uint32(d.d.id) }

// Socket returns the socket the dialer belongs to.
func (d *Dialer) Socket() *Socket { return d.sock }

// Start starts a dialer made with Socket.NewDialer: DialBlocking (the default here) waits for
// the first connection, DialNonBlocking connects in the background. A failure is an
// *OpError naming the URL.
func (d *Dialer) Start(opts ...DialOption) error {
	flags := C.int(0)
	if lastDialOption(opts) == DialNonBlocking {
		flags = C.PNNG_FLAG_NONBLOCK
	}
	if flags != 0 {
		armDialer(d.ID()) // background failures from the first attempt on
	}
	rv := C.pnng_dialer_start(d.d, flags)
	runtime.KeepAlive(d)
	if err := errFor(rv); err != nil {
		return opErr("dial", d.urlForError(), err)
	}
	armDialer(d.ID())
	return nil
}

// Close closes the dialer and its pipes. Closing again (or after the socket closed) returns nil.
func (d *Dialer) Close() error {
	if !d.closed.CompareAndSwap(false, true) {
		return nil
	}
	rv := C.pnng_dialer_close(d.d)
	runtime.KeepAlive(d)
	unwatchDialer(d.ID())
	if rv == C.PNNG_ENOENT || rv == C.PNNG_ECLOSED {
		return nil
	}
	return errFor(rv)
}

// SetTLSConfig sets the TLS configuration of a dialer that is not started yet.
func (d *Dialer) SetTLSConfig(cfg *TLSConfig) error {
	return cfg.with(func(c *C.pnng_tls_config) C.pnng_result {
		rv := C.pnng_dialer_set_tls(d.d, c)
		runtime.KeepAlive(d)
		return rv
	})
}

// URL is the address the dialer connects to.
func (d *Dialer) URL() (string, error) { return d.GetString(OptURL) }

// LocalAddress is the dialer's local address option (often unspecified).
func (d *Dialer) LocalAddress() (SockAddr, error) { return d.GetAddr(OptLocalAddress) }

// ReconnectTimeMin overrides the socket's option for this dialer.
func (d *Dialer) ReconnectTimeMin() (time.Duration, error) { return d.GetMs(OptReconnectTimeMin) }

// SetReconnectTimeMin sets the dialer's first wait before redialing.
func (d *Dialer) SetReconnectTimeMin(v time.Duration) error {
	return d.SetMs(OptReconnectTimeMin, v)
}

// ReconnectTimeMax overrides the socket's option for this dialer.
func (d *Dialer) ReconnectTimeMax() (time.Duration, error) { return d.GetMs(OptReconnectTimeMax) }

// SetReconnectTimeMax sets the dialer's longest wait between redials.
func (d *Dialer) SetReconnectTimeMax(v time.Duration) error {
	return d.SetMs(OptReconnectTimeMax, v)
}

// Listener is an accepting endpoint of a socket (pynng's Listener). It is closed with the
// socket, or by Close. Safe for concurrent use; Close is idempotent.
type Listener struct {
	options
	l      C.pnng_listener
	sock   *Socket
	url    string // as given to Listen or NewListener; "" for one found by Socket.Listeners
	closed atomic.Bool
}

func newListener(l C.pnng_listener, s *Socket, url string) *Listener {
	return &Listener{options: options{optGetters{kind: kindListener, id: l.id}}, l: l, sock: s, url: url}
}

// urlForError is the listener's URL for an error message.
func (l *Listener) urlForError() string {
	if l.url != "" {
		return l.url
	}
	u, _ := l.URL()
	return u
}

// ID returns the listener's numeric id.
func (l *Listener) ID() uint32 { return uint32(l.l.id) }

// Socket returns the socket the listener belongs to.
func (l *Listener) Socket() *Socket { return l.sock }

// Start starts a listener made with Socket.NewListener. A failure is an *OpError naming the
// URL.
func (l *Listener) Start() error {
	rv := C.pnng_listener_start(l.l, 0)
	runtime.KeepAlive(l)
	if err := errFor(rv); err != nil {
		return opErr("listen", l.urlForError(), err)
	}
	return nil
}

// Close closes the listener and its pipes. Closing again (or after the socket closed) returns nil.
func (l *Listener) Close() error {
	if !l.closed.CompareAndSwap(false, true) {
		return nil
	}
	rv := C.pnng_listener_close(l.l)
	runtime.KeepAlive(l)
	if rv == C.PNNG_ENOENT || rv == C.PNNG_ECLOSED {
		return nil
	}
	return errFor(rv)
}

// SetTLSConfig sets the TLS configuration of a listener that is not started yet.
func (l *Listener) SetTLSConfig(cfg *TLSConfig) error {
	return cfg.with(func(c *C.pnng_tls_config) C.pnng_result {
		rv := C.pnng_listener_set_tls(l.l, c)
		runtime.KeepAlive(l)
		return rv
	})
}

// URL is the listener's address (with the bound port once started on port 0).
func (l *Listener) URL() (string, error) { return l.GetString(OptURL) }

// LocalAddress is the bound address: a "tcp://127.0.0.1:0" listener reports its real port.
func (l *Listener) LocalAddress() (SockAddr, error) { return l.GetAddr(OptLocalAddress) }

// Pipe is one connection between two sockets (pynng's Pipe). Pipes come from Socket.Pipes,
// Message.Pipe and pipe callbacks; a Pipe is a plain handle (compare with ID) and stays
// valid only while the connection lives. Safe for concurrent use.
type Pipe struct {
	optGetters
	p C.pnng_pipe
}

func newPipe(id uint32) *Pipe {
	return &Pipe{optGetters: optGetters{kind: kindPipe, id: C.uint32_t(id)}, p: C.pnng_pipe{id: C.uint32_t(id)}}
}

// ID returns the pipe's numeric id.
func (p *Pipe) ID() uint32 { return uint32(p.p.id) }

// Send sends a copy of data to this pipe's peer only (pynng Pipe.send).
func (p *Pipe) Send(data []byte) error {
	rv := C.pnng_pipe_send(p.p, bytesPtr(data), C.size_t(len(data)), 0)
	runtime.KeepAlive(data)
	runtime.KeepAlive(p)
	return errFor(rv)
}

// SendMsg sends msg to this pipe's peer; msg is consumed only on success.
func (p *Pipe) SendMsg(msg *Message) error {
	return msg.send(func(m *C.pnng_msg) C.pnng_result {
		rv := C.pnng_pipe_send_msg(p.p, m, 0)
		runtime.KeepAlive(p)
		return rv
	})
}

// SendContext sends a copy of data to this pipe's peer asynchronously, honouring ctx
// (pynng Pipe.asend).
func (p *Pipe) SendContext(ctx context.Context, data []byte) error {
	return sendBytesAio(ctx, data, func(a *C.pnng_aio) C.pnng_result {
		rv := C.pnng_pipe_send_aio(p.p, a)
		runtime.KeepAlive(p)
		return rv
	})
}

// Close closes the connection. Closing a pipe that is gone returns nil.
func (p *Pipe) Close() error {
	rv := C.pnng_pipe_close(p.p)
	runtime.KeepAlive(p)
	if rv == C.PNNG_ENOENT || rv == C.PNNG_ECLOSED {
		return nil
	}
	return errFor(rv)
}

// LocalAddress is this end's address.
func (p *Pipe) LocalAddress() (SockAddr, error) { return p.GetAddr(OptLocalAddress) }

// RemoteAddress is the peer's address.
func (p *Pipe) RemoteAddress() (SockAddr, error) { return p.GetAddr(OptRemoteAddress) }

// Socket returns the socket that owns the pipe (a handle sharing the original socket).
func (p *Pipe) Socket() (*Socket, error) {
	var s C.pnng_socket
	rv := C.pnng_pipe_socket(p.p, &s)
	runtime.KeepAlive(p)
	if err := errFor(rv); err != nil {
		return nil, err
	}
	return socketByID(uint32(s.id)), nil
}

// Dialer returns the dialer that made the pipe, or nil for an accepted pipe (or a closed one).
func (p *Pipe) Dialer() *Dialer {
	var d C.pnng_dialer
	if C.pnng_pipe_dialer(p.p, &d) != 0 {
		return nil
	}
	s, err := p.Socket()
	if err != nil {
		return nil
	}
	return newDialer(d, s, "")
}

// Listener returns the listener that accepted the pipe, or nil for a dialed pipe.
func (p *Pipe) Listener() *Listener {
	var l C.pnng_listener
	if C.pnng_pipe_listener(p.p, &l) != 0 {
		return nil
	}
	s, err := p.Socket()
	if err != nil {
		return nil
	}
	return newListener(l, s, "")
}

// Context is an independent protocol state on a socket (pynng's Context), so that one Req0
// or Rep0 socket can run several exchanges at once. Safe for concurrent use: NNG allows one
// send and one receive in flight per context, so concurrent sends (or receives) on one
// Context are serialized; use one Context per concurrent exchange. Close is idempotent; an
// unreachable Context is closed by a finalizer.
type Context struct {
	options
	c       C.pnng_ctx
	sock    *Socket
	closed  atomic.Bool
	sendMu  chan struct{}
	recvMu  chan struct{}
	bounded boundedWait // its blocking receives' waits in C (poll.go)
}

func newContext(c C.pnng_ctx, s *Socket) *Context {
	ctx := &Context{options: options{optGetters{kind: kindCtx, id: c.id}}, c: c, sock: s,
		sendMu: make(chan struct{}, 1), recvMu: make(chan struct{}, 1)}
	runtime.SetFinalizer(ctx, func(c *Context) { _ = c.Close() })
	return ctx
}

// ID returns the context's numeric id.
func (c *Context) ID() uint32 { return uint32(c.c.id) }

// Socket returns the context's socket.
func (c *Context) Socket() *Socket { return c.sock }

// Close closes the context; operations pending on it return ErrClosed. Idempotent.
func (c *Context) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	rv := C.pnng_ctx_close(c.c)
	runtime.KeepAlive(c)
	if rv == C.PNNG_ECLOSED || rv == C.PNNG_ENOENT {
		return nil
	}
	return errFor(rv)
}

func lock(ctx context.Context, mu chan struct{}) error {
	if ctx == nil {
		mu <- struct{}{}
		return nil
	}
	select {
	case mu <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Send sends a copy of data on the context (blocking up to the context's send timeout).
func (c *Context) Send(data []byte) error {
	_ = lock(nil, c.sendMu)
	defer func() { <-c.sendMu }()
	rv := C.pnng_ctx_send(c.c, bytesPtr(data), C.size_t(len(data)), 0)
	runtime.KeepAlive(data)
	runtime.KeepAlive(c)
	return errFor(rv)
}

// Recv receives on the context and returns a copy of the body.
func (c *Context) Recv() ([]byte, error) {
	_ = lock(nil, c.recvMu)
	defer func() { <-c.recvMu }()
	r := c.recvResult()
	if err := errFor(C.pnng_result(r.rv)); err != nil {
		return nil, err
	}
	return consumeBytes(r), nil
}

// recvResult receives on the context, parking in the Go scheduler while nothing is there
// (as a socket's Recv does, poll.go). A surveyor's context is not tried first: NNG's
// non-blocking receive there waits for the end of the survey.
func (c *Context) recvResult() C.pg_recv_result {
	r := C.pg_recv_result{rv: C.PNNG_EAGAIN}
	if !c.sock.st.surveyor && !c.bounded.triesLater() {
		r = C.pg_ctx_recv(c.c, C.PNNG_FLAG_NONBLOCK)
		c.bounded.tried(r.rv != C.PNNG_EAGAIN)
	}
	if r.rv == C.PNNG_EAGAIN {
		var ok bool
		if r, ok = recvWaitOn(uint32(c.c.id), true, !c.sock.st.surveyor, &c.bounded); !ok {
			r = C.pg_ctx_recv(c.c, 0)
		}
	}
	runtime.KeepAlive(c)
	return r
}

// SendMsg sends msg on the context; msg is consumed only on success.
func (c *Context) SendMsg(msg *Message) error {
	_ = lock(nil, c.sendMu)
	defer func() { <-c.sendMu }()
	return msg.send(func(m *C.pnng_msg) C.pnng_result {
		rv := C.pnng_ctx_send_msg(c.c, m, 0)
		runtime.KeepAlive(c)
		return rv
	})
}

// RecvMsg receives a Message on the context.
func (c *Context) RecvMsg() (*Message, error) {
	_ = lock(nil, c.recvMu)
	defer func() { <-c.recvMu }()
	r := c.recvResult()
	if err := errFor(C.pnng_result(r.rv)); err != nil {
		return nil, err
	}
	return wrapReceived(c.sock.st, r), nil
}

// SendContext sends a copy of data asynchronously, honouring ctx.
func (c *Context) SendContext(ctx context.Context, data []byte) error {
	if err := lock(ctx, c.sendMu); err != nil {
		return err
	}
	defer func() { <-c.sendMu }()
	return sendBytesAio(ctx, data, func(a *C.pnng_aio) C.pnng_result {
		rv := C.pnng_ctx_send_aio(c.c, a)
		runtime.KeepAlive(c)
		return rv
	})
}

// SendMsgContext sends msg asynchronously, honouring ctx; msg is consumed only on success.
func (c *Context) SendMsgContext(ctx context.Context, msg *Message) error {
	if err := lock(ctx, c.sendMu); err != nil {
		return err
	}
	defer func() { <-c.sendMu }()
	return sendMsgAio(ctx, msg, func(a *C.pnng_aio) C.pnng_result {
		rv := C.pnng_ctx_send_aio(c.c, a)
		runtime.KeepAlive(c)
		return rv
	})
}

// RecvContext receives asynchronously, honouring ctx (ctx.Err() when it is done first).
func (c *Context) RecvContext(ctx context.Context) ([]byte, error) {
	if err := lock(ctx, c.recvMu); err != nil {
		return nil, err
	}
	defer func() { <-c.recvMu }()
	return recvBytesAio(ctx, func(a *C.pnng_aio) C.pnng_result {
		rv := C.pnng_ctx_recv_aio(c.c, a)
		runtime.KeepAlive(c)
		return rv
	})
}

// RecvMsgContext receives a Message asynchronously, honouring ctx.
func (c *Context) RecvMsgContext(ctx context.Context) (*Message, error) {
	if err := lock(ctx, c.recvMu); err != nil {
		return nil, err
	}
	defer func() { <-c.recvMu }()
	m, err := recvAio(ctx, func(a *C.pnng_aio) C.pnng_result {
		rv := C.pnng_ctx_recv_aio(c.c, a)
		runtime.KeepAlive(c)
		return rv
	})
	if err != nil {
		return nil, err
	}
	return wrapMsg(m), nil
}

// Subscribe (Sub0 contexts) adds a topic for this context only.
func (c *Context) Subscribe(topic []byte) error {
	rv := C.pnng_sub0_ctx_subscribe(c.c, bytesPtr(topic), C.size_t(len(topic)))
	runtime.KeepAlive(topic)
	runtime.KeepAlive(c)
	return errFor(rv)
}

// Unsubscribe (Sub0 contexts) removes a topic; ErrNoEntry if it was not subscribed.
func (c *Context) Unsubscribe(topic []byte) error {
	rv := C.pnng_sub0_ctx_unsubscribe(c.c, bytesPtr(topic), C.size_t(len(topic)))
	runtime.KeepAlive(topic)
	runtime.KeepAlive(c)
	return errFor(rv)
}

// RecvTimeout is the context's receive timeout.
func (c *Context) RecvTimeout() (time.Duration, error) { return c.GetMs(OptRecvTimeout) }

// SetRecvTimeout sets the context's receive timeout.
func (c *Context) SetRecvTimeout(d time.Duration) error { return c.SetMs(OptRecvTimeout, d) }

// SendTimeout is the context's send timeout.
func (c *Context) SendTimeout() (time.Duration, error) { return c.GetMs(OptSendTimeout) }

// SetSendTimeout sets the context's send timeout.
func (c *Context) SetSendTimeout(d time.Duration) error { return c.SetMs(OptSendTimeout, d) }
