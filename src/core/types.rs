//! The core API's value types: id newtypes for NNG's objects, the flag set of sends, receives
//! and dials, and enums for pipe events and TLS modes. The `extern "C"` layer converts the
//! C values into these at the boundary; the core converts them into NNG's.

use super::sys;
use crate::abi;
use crate::error::{Error, Result};
use std::ffi::c_int;
use std::ops::BitOr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $nng:ident, $blob:path) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// NNG's handle for this id (NNG checks the id itself).
            pub(crate) fn nng(self) -> sys::$nng {
                $blob { _bindgen_opaque_blob: self.0 }
            }

            /// The id of an NNG handle.
            pub(crate) fn of(h: sys::$nng) -> $name {
                $name(h._bindgen_opaque_blob)
            }
        }
    };
}

id_type!(
    /// A socket's id (0: none).
    SocketId, nng_socket, sys::nng_socket_s
);
id_type!(
    /// A dialer's id (0: none).
    DialerId, nng_dialer, sys::nng_dialer_s
);
id_type!(
    /// A listener's id (0: none).
    ListenerId, nng_listener, sys::nng_listener_s
);
id_type!(
    /// A pipe's id (0: none).
    PipeId, nng_pipe, sys::nng_pipe_s
);
id_type!(
    /// A context's id (0: none).
    CtxId, nng_ctx, sys::nng_ctx_s
);

/// Flags of sends, receives, dials and endpoint starts: a bit set of `NONBLOCK` and
/// `DIAL_FALLBACK`. Any bits are representable; each operation refuses the ones it does not
/// take with `Invalid`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags(c_int);

impl Flags {
    /// No flag: block.
    pub const NONE: Flags = Flags(0);
    /// Do not block (`PNNG_FLAG_NONBLOCK`).
    pub const NONBLOCK: Flags = Flags(abi::PNNG_FLAG_NONBLOCK);
    /// Dial blocking, and go on in the background if the peer is not there
    /// (`PNNG_DIAL_FALLBACK`).
    pub const DIAL_FALLBACK: Flags = Flags(abi::PNNG_DIAL_FALLBACK);

    /// The flags of a C `flags` argument, unchecked.
    pub fn from_bits(bits: c_int) -> Flags {
        Flags(bits)
    }

    /// The bits, as C and NNG take them.
    pub fn bits(self) -> c_int {
        self.0
    }

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// `Invalid` if a flag outside `allowed` is set.
    pub fn check(self, allowed: Flags) -> Result<Flags> {
        if self.0 & !allowed.0 != 0 {
            Err(Error::Invalid)
        } else {
            Ok(self)
        }
    }
}

impl BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

/// A pipe event (`PNNG_PIPE_EV_*`, NNG's numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PipeEvent {
    /// Connected, not yet added to the socket: closing the pipe now rejects it.
    AddPre,
    /// Added to the socket.
    AddPost,
    /// Removed from the socket.
    RemPost,
}

impl PipeEvent {
    /// Every event, in NNG's order (the index is the event's number).
    pub const ALL: [PipeEvent; 3] = [PipeEvent::AddPre, PipeEvent::AddPost, PipeEvent::RemPost];

    /// The C (and NNG) number of the event.
    pub fn code(self) -> c_int {
        match self {
            PipeEvent::AddPre => abi::PNNG_PIPE_EV_ADD_PRE,
            PipeEvent::AddPost => abi::PNNG_PIPE_EV_ADD_POST,
            PipeEvent::RemPost => abi::PNNG_PIPE_EV_REM_POST,
        }
    }
}

impl TryFrom<c_int> for PipeEvent {
    type Error = Error;
    /// `Invalid` for a number that is no pipe event.
    fn try_from(code: c_int) -> Result<PipeEvent> {
        PipeEvent::ALL
            .into_iter()
            .find(|e| e.code() == code)
            .ok_or(Error::Invalid)
    }
}

/// Which side of a TLS connection a configuration is for (`PNNG_TLS_MODE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    Client,
    Server,
}

impl TlsMode {
    /// NNG's number of the mode.
    pub fn code(self) -> c_int {
        match self {
            TlsMode::Client => abi::PNNG_TLS_MODE_CLIENT,
            TlsMode::Server => abi::PNNG_TLS_MODE_SERVER,
        }
    }
}

impl TryFrom<c_int> for TlsMode {
    type Error = Error;
    /// `Invalid` for anything but client or server.
    fn try_from(code: c_int) -> Result<TlsMode> {
        [TlsMode::Client, TlsMode::Server]
            .into_iter()
            .find(|m| m.code() == code)
            .ok_or(Error::Invalid)
    }
}

/// How a TLS configuration verifies its peer (`PNNG_TLS_AUTH_MODE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsAuthMode {
    /// No verification.
    None,
    /// Verify a certificate if the peer sends one.
    Optional,
    /// Require a valid certificate.
    Required,
}

impl TlsAuthMode {
    /// NNG's number of the mode.
    pub fn code(self) -> c_int {
        match self {
            TlsAuthMode::None => abi::PNNG_TLS_AUTH_MODE_NONE,
            TlsAuthMode::Optional => abi::PNNG_TLS_AUTH_MODE_OPTIONAL,
            TlsAuthMode::Required => abi::PNNG_TLS_AUTH_MODE_REQUIRED,
        }
    }
}

impl TryFrom<c_int> for TlsAuthMode {
    type Error = Error;
    /// `Invalid` for a number that is no mode.
    fn try_from(code: c_int) -> Result<TlsAuthMode> {
        [
            TlsAuthMode::None,
            TlsAuthMode::Optional,
            TlsAuthMode::Required,
        ]
        .into_iter()
        .find(|m| m.code() == code)
        .ok_or(Error::Invalid)
    }
}

// The C values are literals (cbindgen emits them); these tie them to NNG's.
const _: () = {
    assert!(abi::PNNG_FLAG_NONBLOCK as u32 == sys::NNG_FLAG_NONBLOCK);
    assert!(abi::PNNG_DIAL_FALLBACK & (sys::NNG_FLAG_NONBLOCK | sys::NNG_FLAG_ALLOC) as c_int == 0);
    assert!(abi::PNNG_DURATION_DEFAULT == sys::NNG_DURATION_DEFAULT);
    assert!(abi::PNNG_DURATION_INFINITE == sys::NNG_DURATION_INFINITE);
    assert!(abi::PNNG_DURATION_ZERO == sys::NNG_DURATION_ZERO as i32);
    assert!(abi::PNNG_PIPE_EV_REM_POST as u32 == sys::NNG_PIPE_EV_REM_POST);
    assert!(abi::PNNG_PIPE_EV_ADD_PRE as u32 == sys::NNG_PIPE_EV_ADD_PRE);
    assert!(abi::PNNG_PIPE_EV_ADD_POST as u32 == sys::NNG_PIPE_EV_ADD_POST);
    assert!(abi::PNNG_STAT_LEVEL == sys::nng_stat_type_enum::NNG_STAT_LEVEL as i32);
    assert!(abi::PNNG_STAT_COUNTER == sys::nng_stat_type_enum::NNG_STAT_COUNTER as i32);
    assert!(abi::PNNG_STAT_STRING == sys::nng_stat_type_enum::NNG_STAT_STRING as i32);
    assert!(abi::PNNG_STAT_BOOLEAN == sys::nng_stat_type_enum::NNG_STAT_BOOLEAN as i32);
    assert!(abi::PNNG_STAT_ID == sys::nng_stat_type_enum::NNG_STAT_ID as i32);
};
