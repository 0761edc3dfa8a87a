// Package pnng is pynng's object model for Go: the scalability protocols of NNG 1.12.0 (pair,
// req/rep, pub/sub, push/pull, survey, bus) over libpnng, through cgo.
//
// Open a socket with a constructor per protocol (NewPair0, NewPair1(poly), NewReq0, ...,
// NewBus0, and a Raw variant of each), Listen and Dial (DialFallback, DialBlocking,
// DialNonBlocking: pynng's three dial modes), then Send and Recv bytes, or SendMsg and RecvMsg
// for messages that carry the Pipe they came from. Every blocking call has a Context variant
// (SendContext, RecvContext, ...) that cancels the operation when the context.Context is done.
//
// Errors are Error values carrying NNG's code; compare with errors.Is against the sentinels
// (ErrTimeout, ErrClosed, ErrAgain, ...).
//
// Every object is safe for concurrent use by several goroutines. Close is idempotent; a
// socket, context, message or TLS configuration a program forgets is released by a finalizer.
// Pipe callbacks run on a goroutine of the package, never on an NNG thread, except the
// pre-connect ones, which may reject a pipe by closing it and so run before the pipe is used.
//
// In this repository the package links target/release/libpnng.so (run `make release`); build
// with -tags pnng_pkgconfig to use an installed library found through pkg-config.
package pnng
