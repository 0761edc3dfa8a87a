package pnng

// #include "pnng_go.h"
import "C"

import (
	"fmt"
	"syscall"
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
	Code int
}

// Error returns the library's description of the code (pnng_strerror).
func (e Error) Error() string {
	return C.GoString(C.pnng_strerror(C.int(e.Code)))
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

// errFor turns a pnng_result into an error (nil for 0).
func errFor[T ~int32](rv T) error {
	if rv == 0 {
		return nil
	}
	return Error{int(rv)}
}

// Version returns the library's version string, e.g. "pnng 0.1.0 (NNG 1.12.0)".
func Version() string { return C.GoString(C.pnng_version()) }
