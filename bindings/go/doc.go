// Package pnng is pynng's object model for Go: the scalability protocols of NNG (pair,
// req/rep, pub/sub, push/pull, survey, bus) over libpnng, through cgo.
//
// Open a socket with a constructor per protocol (NewPair0, NewPair1(poly), NewReq0, ...,
// NewBus0, and a Raw variant of each), Listen and Dial (DialFallback, DialBlocking,
// DialNonBlocking: pynng's three dial modes; DialContext bounds a blocking dial by a
// context.Context), then Send and Recv bytes, or SendMsg and RecvMsg for messages that carry
// the Pipe they came from. Every blocking call has a Context variant (SendContext,
// RecvContext, ...) that cancels the operation when the context.Context is done.
//
// # Errors
//
// Errors are Error values carrying NNG's code; compare with errors.Is against the sentinels
// (ErrTimeout, ErrClosed, ErrAgain, ...). A failed dial or listen is an *OpError that names the
// operation and the URL and wraps the Error:
//
//	pnng: dial tcp://127.0.0.1:5555: connection refused
//
// # Logging
//
// The library's log lines, and a report of each dialer that keeps failing in the background,
// go to the function given to SetLogger; by default they are written with the standard log
// package.
//
// # Concurrency and memory
//
// Every object is safe for concurrent use by several goroutines. Close is idempotent; a
// socket, context, message or TLS configuration a program forgets is released by a finalizer.
// Blocking Send and Recv park the goroutine in the Go scheduler (on an asynchronous operation
// watched by the runtime's network poller) rather than blocking an OS thread in C; a receive
// first waits up to 1 ms in C, reading its tcp/ipc connection on its own thread. Pipe callbacks run on a goroutine of the
// package, never on an NNG thread. Recv copies a message body into Go memory; RecvMsg with
// Message.WithBody reads it in place.
//
// # Building
//
// cgo finds pnng.h and libpnng through pkg-config (pnng.pc, installed with the library); put
// its directory on PKG_CONFIG_PATH when it is not in a standard place. Inside the pnng
// repository, build with -tags pnng_intree to use the checkout's include/ and target/release/.
package pnng
