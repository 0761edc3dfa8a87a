//! Error codes. Values 1..=31 and 1000 are NNG's numbers unchanged, so NNG's documentation, `nng.h`
//! and pynng's exception table apply directly. `PNNG_ESYSERR | errno` and `PNNG_ETRANERR | n` are
//! passed through from NNG as they are.

use std::ffi::{CStr, c_int};

/// The return type of every fallible function: 0 (`PNNG_OK`) on success, else a `PNNG_E*` code.
///
/// @ingroup errors
pub type pnng_result = i32;

/// Success. Every other value is an error code: NNG's numbers (`PNNG_E*`, equal to `nng.h`'s
/// `NNG_E*`), with `pnng_strerror` giving a static text for any of them.
///
/// @ingroup errors
pub const PNNG_OK: pnng_result = 0;
/// Interrupted (pynng `Interrupted`).
/// @ingroup errors
pub const PNNG_EINTR: pnng_result = 1;
/// Out of memory (pynng `NoMemory`).
/// @ingroup errors
pub const PNNG_ENOMEM: pnng_result = 2;
/// Invalid argument (pynng `InvalidOperation`).
/// @ingroup errors
pub const PNNG_EINVAL: pnng_result = 3;
/// Resource busy (pynng `Busy`).
/// @ingroup errors
pub const PNNG_EBUSY: pnng_result = 4;
/// Timed out (pynng `Timeout`).
/// @ingroup errors
pub const PNNG_ETIMEDOUT: pnng_result = 5;
/// Connection refused (pynng `ConnectionRefused`).
/// @ingroup errors
pub const PNNG_ECONNREFUSED: pnng_result = 6;
/// Object closed (pynng `Closed`).
/// @ingroup errors
pub const PNNG_ECLOSED: pnng_result = 7;
/// Try again (pynng `TryAgain`).
/// @ingroup errors
pub const PNNG_EAGAIN: pnng_result = 8;
/// Not supported (pynng `NotSupported`).
/// @ingroup errors
pub const PNNG_ENOTSUP: pnng_result = 9;
/// Address in use (pynng `AddressInUse`).
/// @ingroup errors
pub const PNNG_EADDRINUSE: pnng_result = 10;
/// Incorrect state (pynng `BadState`).
/// @ingroup errors
pub const PNNG_ESTATE: pnng_result = 11;
/// Entry not found (pynng `NoEntry`).
/// @ingroup errors
pub const PNNG_ENOENT: pnng_result = 12;
/// Protocol error (pynng `ProtocolError`).
/// @ingroup errors
pub const PNNG_EPROTO: pnng_result = 13;
/// Destination unreachable (pynng `DestinationUnreachable`).
/// @ingroup errors
pub const PNNG_EUNREACHABLE: pnng_result = 14;
/// Address invalid (pynng `AddressInvalid`).
/// @ingroup errors
pub const PNNG_EADDRINVAL: pnng_result = 15;
/// Permission denied (pynng `PermissionDenied`).
/// @ingroup errors
pub const PNNG_EPERM: pnng_result = 16;
/// Message too large (pynng `MessageTooLarge`).
/// @ingroup errors
pub const PNNG_EMSGSIZE: pnng_result = 17;
/// Connection aborted (pynng `ConnectionAborted`).
/// @ingroup errors
pub const PNNG_ECONNABORTED: pnng_result = 18;
/// Connection reset (pynng `ConnectionReset`).
/// @ingroup errors
pub const PNNG_ECONNRESET: pnng_result = 19;
/// Operation canceled (pynng `Canceled`).
/// @ingroup errors
pub const PNNG_ECANCELED: pnng_result = 20;
/// Out of files (pynng `OutOfFiles`).
/// @ingroup errors
pub const PNNG_ENOFILES: pnng_result = 21;
/// Out of space (pynng `OutOfSpace`).
/// @ingroup errors
pub const PNNG_ENOSPC: pnng_result = 22;
/// Resource already exists (pynng `AlreadyExists`).
/// @ingroup errors
pub const PNNG_EEXIST: pnng_result = 23;
/// Read only resource (pynng `ReadOnly`).
/// @ingroup errors
pub const PNNG_EREADONLY: pnng_result = 24;
/// Write only resource (pynng `WriteOnly`).
/// @ingroup errors
pub const PNNG_EWRITEONLY: pnng_result = 25;
/// Cryptographic error (pynng `CryptoError`).
/// @ingroup errors
pub const PNNG_ECRYPTO: pnng_result = 26;
/// Peer could not be authenticated (pynng `AuthenticationError`).
/// @ingroup errors
pub const PNNG_EPEERAUTH: pnng_result = 27;
/// Option requires argument (pynng `NoArgument`).
/// @ingroup errors
pub const PNNG_ENOARG: pnng_result = 28;
/// Ambiguous option (pynng `Ambiguous`).
/// @ingroup errors
pub const PNNG_EAMBIGUOUS: pnng_result = 29;
/// Incorrect type (pynng `BadType`).
/// @ingroup errors
pub const PNNG_EBADTYPE: pnng_result = 30;
/// Connection shutdown (pynng `ConnectionShutdown`).
/// @ingroup errors
pub const PNNG_ECONNSHUT: pnng_result = 31;
/// An internal failure, including a Rust panic caught at the API boundary.
///
/// @ingroup errors
pub const PNNG_EINTERNAL: pnng_result = 1000;
/// Flag: the low bits hold an operating-system `errno`.
///
/// @ingroup errors
pub const PNNG_ESYSERR: pnng_result = 0x1000_0000;
/// Flag: the low bits hold a transport-specific error.
///
/// @ingroup errors
pub const PNNG_ETRANERR: pnng_result = 0x2000_0000;

/// Every error pnng reports. The discriminant-like `code()` is the C value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("Interrupted")]
    Interrupted,
    #[error("Out of memory")]
    NoMemory,
    #[error("Invalid argument")]
    Invalid,
    #[error("Resource busy")]
    Busy,
    #[error("Timed out")]
    TimedOut,
    #[error("Connection refused")]
    ConnRefused,
    #[error("Object closed")]
    Closed,
    #[error("Try again")]
    Again,
    #[error("Not supported")]
    NotSupported,
    #[error("Address in use")]
    AddrInUse,
    #[error("Incorrect state")]
    State,
    #[error("Entry not found")]
    NoEntry,
    #[error("Protocol error")]
    Protocol,
    #[error("Destination unreachable")]
    Unreachable,
    #[error("Address invalid")]
    AddrInvalid,
    #[error("Permission denied")]
    Permission,
    #[error("Message too large")]
    MsgSize,
    #[error("Connection aborted")]
    ConnAborted,
    #[error("Connection reset")]
    ConnReset,
    #[error("Operation canceled")]
    Canceled,
    #[error("Out of files")]
    NoFiles,
    #[error("Out of space")]
    NoSpace,
    #[error("Resource already exists")]
    Exists,
    #[error("Read only resource")]
    ReadOnly,
    #[error("Write only resource")]
    WriteOnly,
    #[error("Cryptographic error")]
    Crypto,
    #[error("Peer could not be authenticated")]
    PeerAuth,
    #[error("Option requires argument")]
    NoArg,
    #[error("Ambiguous option")]
    Ambiguous,
    #[error("Incorrect type")]
    BadType,
    #[error("Connection shutdown")]
    ConnShut,
    #[error("Internal error detected")]
    Internal,
    #[error("System error")]
    System(i32),
    #[error("Transport error")]
    Transport(i32),
    #[error("Unknown error")]
    Unknown(i32),
}

/// Code ↔ variant ↔ C text; one place, used every way. The texts equal the `#[error]` ones
/// (tests/errors.rs checks), so Rust and C users read the same words.
const TABLE: [(pnng_result, Error, &CStr); 32] = [
    (PNNG_EINTR, Error::Interrupted, c"Interrupted"),
    (PNNG_ENOMEM, Error::NoMemory, c"Out of memory"),
    (PNNG_EINVAL, Error::Invalid, c"Invalid argument"),
    (PNNG_EBUSY, Error::Busy, c"Resource busy"),
    (PNNG_ETIMEDOUT, Error::TimedOut, c"Timed out"),
    (PNNG_ECONNREFUSED, Error::ConnRefused, c"Connection refused"),
    (PNNG_ECLOSED, Error::Closed, c"Object closed"),
    (PNNG_EAGAIN, Error::Again, c"Try again"),
    (PNNG_ENOTSUP, Error::NotSupported, c"Not supported"),
    (PNNG_EADDRINUSE, Error::AddrInUse, c"Address in use"),
    (PNNG_ESTATE, Error::State, c"Incorrect state"),
    (PNNG_ENOENT, Error::NoEntry, c"Entry not found"),
    (PNNG_EPROTO, Error::Protocol, c"Protocol error"),
    (
        PNNG_EUNREACHABLE,
        Error::Unreachable,
        c"Destination unreachable",
    ),
    (PNNG_EADDRINVAL, Error::AddrInvalid, c"Address invalid"),
    (PNNG_EPERM, Error::Permission, c"Permission denied"),
    (PNNG_EMSGSIZE, Error::MsgSize, c"Message too large"),
    (PNNG_ECONNABORTED, Error::ConnAborted, c"Connection aborted"),
    (PNNG_ECONNRESET, Error::ConnReset, c"Connection reset"),
    (PNNG_ECANCELED, Error::Canceled, c"Operation canceled"),
    (PNNG_ENOFILES, Error::NoFiles, c"Out of files"),
    (PNNG_ENOSPC, Error::NoSpace, c"Out of space"),
    (PNNG_EEXIST, Error::Exists, c"Resource already exists"),
    (PNNG_EREADONLY, Error::ReadOnly, c"Read only resource"),
    (PNNG_EWRITEONLY, Error::WriteOnly, c"Write only resource"),
    (PNNG_ECRYPTO, Error::Crypto, c"Cryptographic error"),
    (
        PNNG_EPEERAUTH,
        Error::PeerAuth,
        c"Peer could not be authenticated",
    ),
    (PNNG_ENOARG, Error::NoArg, c"Option requires argument"),
    (PNNG_EAMBIGUOUS, Error::Ambiguous, c"Ambiguous option"),
    (PNNG_EBADTYPE, Error::BadType, c"Incorrect type"),
    (PNNG_ECONNSHUT, Error::ConnShut, c"Connection shutdown"),
    (PNNG_EINTERNAL, Error::Internal, c"Internal error detected"),
];

impl Error {
    /// The variant for a non-zero C code (NNG's or ours).
    pub fn from_code(code: c_int) -> Error {
        if let Some((_, e, _)) = TABLE.iter().find(|(c, _, _)| *c == code) {
            return *e;
        }
        if code & PNNG_ESYSERR != 0 {
            Error::System(code)
        } else if code & PNNG_ETRANERR != 0 {
            Error::Transport(code)
        } else {
            Error::Unknown(code)
        }
    }

    /// The C value of this error.
    pub fn code(self) -> pnng_result {
        match self {
            Error::System(c) | Error::Transport(c) | Error::Unknown(c) => c,
            e => TABLE
                .iter()
                .find(|(_, v, _)| *v == e)
                .map(|(c, _, _)| *c)
                .unwrap_or(PNNG_EINTERNAL),
        }
    }

    /// A static, NUL-terminated description, as `pnng_strerror` returns it.
    pub fn c_message(self) -> &'static CStr {
        match self {
            Error::System(_) => c"System error",
            Error::Transport(_) => c"Transport error",
            Error::Unknown(_) => c"Unknown error",
            e => TABLE
                .iter()
                .find(|(_, v, _)| *v == e)
                .map_or(c"Unknown error", |(_, _, t)| t),
        }
    }
}

/// Result of the safe core.
pub type Result<T> = std::result::Result<T, Error>;

/// Turns an NNG return code into a `Result`.
pub fn check(rv: c_int) -> Result<()> {
    if rv == 0 {
        Ok(())
    } else {
        Err(Error::from_code(rv))
    }
}

/// Collapses a core result into the C return value.
pub fn to_code(r: Result<()>) -> pnng_result {
    match r {
        Ok(()) => PNNG_OK,
        Err(e) => e.code(),
    }
}
