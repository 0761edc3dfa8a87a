package pnng

// #include "pnng_go.h"
import "C"

import (
	"errors"
	"fmt"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// Error is an error reported by pnng (NNG's error numbers). Compare with errors.Is against
// the Err* sentinels:
//
//	if errors.Is(err, pnng.ErrTimeout) { ... }
//
// Codes in NNG's system-error range (ESYSERR | errno) also match ErrSystem and the
// corresponding syscall.Errno; codes in the transport range (ETRANERR | n) match ErrTransport.
// Error is a comparable value; errors.As(err, &e) with e of type Error gives the code.
type Error struct {
	Code int // NNG's error number (PNNG_E* in pnng.h)
}

// Error returns the library's description of the code (pnng_strerror) in Go's style:
// lowercase, e.g. "connection refused".
func (e Error) Error() string {
	return lowerFirst(C.GoString(C.pnng_strerror(C.int(e.Code))))
}

// lowerFirst lowercases a leading capital unless it starts an acronym ("TLS ...").
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) {
		return s
	}
	if r2, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// Timeout reports whether the error is a timeout (ErrTimeout), as net.Error does.
func (e Error) Timeout() bool { return e.Code == int(C.PNNG_ETIMEDOUT) }

// Temporary reports whether trying again later may succeed: timeouts, ErrAgain, ErrBusy,
// ErrInterrupted, and a peer that refused, reset, aborted or shut down the connection.
func (e Error) Temporary() bool {
	switch e.Code {
	case int(C.PNNG_ETIMEDOUT), int(C.PNNG_EAGAIN), int(C.PNNG_EBUSY), int(C.PNNG_EINTR),
		int(C.PNNG_ECONNREFUSED), int(C.PNNG_ECONNRESET), int(C.PNNG_ECONNABORTED),
		int(C.PNNG_ECONNSHUT):
		return true
	}
	return false
}

// Is reports whether target is the same error code as e. ErrSystem matches every code in the
// ESYSERR range, ErrTransport every code in the ETRANERR range, and a syscall.Errno matches the
// system error carrying that errno.
func (e Error) Is(target error) bool {
	var t Error
	switch v := target.(type) {
	case Error:
		t = v
	case *Error:
		if v == nil {
			return false
		}
		t = *v
	case syscall.Errno:
		errno, ok := e.Errno()
		return ok && errno == v
	default:
		return false
	}
	switch t.Code {
	case codeSysErr:
		return e.Code&codeSysErr != 0
	case codeTranErr:
		return e.Code&codeTranErr != 0
	}
	return e.Code == t.Code
}

// Errno returns the operating-system error of a code in the ESYSERR range.
func (e Error) Errno() (syscall.Errno, bool) {
	if e.Code&codeSysErr == 0 || e.Code&codeTranErr != 0 {
		return 0, false
	}
	return syscall.Errno(e.Code &^ codeSysErr), true
}

// GoString helps %#v.
func (e Error) GoString() string { return fmt.Sprintf("pnng.Error{Code: %d}", e.Code) }

const (
	codeSysErr  = int(C.PNNG_ESYSERR)
	codeTranErr = int(C.PNNG_ETRANERR)
)

// The error sentinels, one for every NNG error code (pynng's exception name in brackets).
var (
	ErrInterrupted  error = Error{int(C.PNNG_EINTR)}        // Interrupted
	ErrNoMemory     error = Error{int(C.PNNG_ENOMEM)}       // NoMemory
	ErrInvalid      error = Error{int(C.PNNG_EINVAL)}       // InvalidOperation
	ErrBusy         error = Error{int(C.PNNG_EBUSY)}        // Busy
	ErrTimeout      error = Error{int(C.PNNG_ETIMEDOUT)}    // Timeout
	ErrConnRefused  error = Error{int(C.PNNG_ECONNREFUSED)} // ConnectionRefused
	ErrClosed       error = Error{int(C.PNNG_ECLOSED)}      // Closed
	ErrAgain        error = Error{int(C.PNNG_EAGAIN)}       // TryAgain
	ErrNotSupported error = Error{int(C.PNNG_ENOTSUP)}      // NotSupported
	ErrAddrInUse    error = Error{int(C.PNNG_EADDRINUSE)}   // AddressInUse
	ErrState        error = Error{int(C.PNNG_ESTATE)}       // BadState
	ErrNoEntry      error = Error{int(C.PNNG_ENOENT)}       // NoEntry
	ErrProto        error = Error{int(C.PNNG_EPROTO)}       // ProtocolError
	ErrUnreachable  error = Error{int(C.PNNG_EUNREACHABLE)} // DestinationUnreachable
	ErrAddrInvalid  error = Error{int(C.PNNG_EADDRINVAL)}   // AddressInvalid
	ErrPerm         error = Error{int(C.PNNG_EPERM)}        // PermissionDenied
	ErrMsgSize      error = Error{int(C.PNNG_EMSGSIZE)}     // MessageTooLarge
	ErrConnAborted  error = Error{int(C.PNNG_ECONNABORTED)} // ConnectionAborted
	ErrConnReset    error = Error{int(C.PNNG_ECONNRESET)}   // ConnectionReset
	ErrCanceled     error = Error{int(C.PNNG_ECANCELED)}    // Canceled
	ErrNoFiles      error = Error{int(C.PNNG_ENOFILES)}     // OutOfFiles
	ErrNoSpace      error = Error{int(C.PNNG_ENOSPC)}       // OutOfSpace
	ErrExist        error = Error{int(C.PNNG_EEXIST)}       // AlreadyExists
	ErrReadOnly     error = Error{int(C.PNNG_EREADONLY)}    // ReadOnly
	ErrWriteOnly    error = Error{int(C.PNNG_EWRITEONLY)}   // WriteOnly
	ErrCrypto       error = Error{int(C.PNNG_ECRYPTO)}      // CryptoError
	ErrPeerAuth     error = Error{int(C.PNNG_EPEERAUTH)}    // AuthenticationError
	ErrNoArg        error = Error{int(C.PNNG_ENOARG)}       // NoArgument
	ErrAmbiguous    error = Error{int(C.PNNG_EAMBIGUOUS)}   // Ambiguous
	ErrBadType      error = Error{int(C.PNNG_EBADTYPE)}     // BadType
	ErrConnShut     error = Error{int(C.PNNG_ECONNSHUT)}    // ConnectionShutdown
	ErrInternal     error = Error{int(C.PNNG_EINTERNAL)}    // Internal
	ErrSystem       error = Error{codeSysErr}               // any ESYSERR | errno code
	ErrTransport    error = Error{codeTranErr}              // any ETRANERR | n code
)

// OpError is the error of an operation on an address (Dial, Listen, Dialer.Start, ...), in
// the style of net.OpError: it names the operation and the URL and wraps the cause, usually
// an Error, so errors.Is(err, ErrConnRefused) still matches. Its text reads
//
//	pnng: dial tcp://127.0.0.1:5555: connection refused
type OpError struct {
	Op  string // the operation: "dial", "listen"
	URL string // the address the operation was for
	Err error  // the cause: an Error, or the context's error for DialContext
}

// Error returns "pnng: <op> <url>: <cause>".
func (e *OpError) Error() string {
	if e == nil {
		return "<nil>"
	}
	s := "pnng: " + e.Op
	if e.URL != "" {
		s += " " + e.URL
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *OpError) Unwrap() error { return e.Err }

// Timeout reports whether the cause is a timeout (ErrTimeout, or an expired context
// deadline).
func (e *OpError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.Err, &t) && t.Timeout()
}

// Temporary reports whether the cause is temporary (see Error.Temporary).
func (e *OpError) Temporary() bool {
	var t interface{ Temporary() bool }
	return errors.As(e.Err, &t) && t.Temporary()
}

// opErr wraps err (nil stays nil) as an *OpError.
func opErr(op, url string, err error) error {
	if err == nil {
		return nil
	}
	return &OpError{Op: op, URL: url, Err: err}
}

// errFor turns a pnng_result into an error (nil for 0).
func errFor[T ~int32](rv T) error {
	if rv == 0 {
		return nil
	}
	return Error{int(rv)}
}

// Version returns the library's version string, e.g. "pnng 0.1.0 (NNG 1.12.0)".
func Version() string { return C.GoString(C.pnng_version()) }
