//! Flags, sentinels and event numbers (option names are `#define`s in cbindgen.toml,
//! checked against NNG's by tests/options.rs). Literal values, so cbindgen can emit
//! them; compile-time checks below tie them to the core's and NNG's values.

use std::ffi::c_int;

/// Do not block: fail with `PNNG_EAGAIN` instead of waiting (send, receive, dialer start).
/// @ingroup socket
pub const PNNG_FLAG_NONBLOCK: c_int = 2;
/// `pnng_socket_dial` only: try a blocking dial; if the peer is not there (refused,
/// unreachable, timed out, reset), log a warning and go on dialing in the background, returning
/// 0. This is pynng's default `dial(block=None)`.
/// @ingroup socket
pub const PNNG_DIAL_FALLBACK: c_int = 0x10000;

/// A duration that never expires.
/// @ingroup options
pub const PNNG_DURATION_INFINITE: i32 = -1;
/// The socket's or context's own timeout (for `pnng_aio_set_timeout`).
/// @ingroup options
pub const PNNG_DURATION_DEFAULT: i32 = -2;
/// No waiting at all.
/// @ingroup options
pub const PNNG_DURATION_ZERO: i32 = 0;

/// Pipe event: a connection was made but not yet added to the socket (close it to reject it).
/// @ingroup pipe
pub const PNNG_PIPE_EV_ADD_PRE: c_int = 0;
/// Pipe event: the connection was added to the socket.
/// @ingroup pipe
pub const PNNG_PIPE_EV_ADD_POST: c_int = 1;
/// Pipe event: the connection was removed from the socket.
/// @ingroup pipe
pub const PNNG_PIPE_EV_REM_POST: c_int = 2;

/// TLS config for the dialing (client) side.
/// @ingroup tls
pub const PNNG_TLS_MODE_CLIENT: c_int = 0;
/// TLS config for the listening (server) side.
/// @ingroup tls
pub const PNNG_TLS_MODE_SERVER: c_int = 1;
/// Do not verify the peer's certificate.
/// @ingroup tls
pub const PNNG_TLS_AUTH_MODE_NONE: c_int = 0;
/// Verify the peer's certificate if it sends one.
/// @ingroup tls
pub const PNNG_TLS_AUTH_MODE_OPTIONAL: c_int = 1;
/// Require a valid peer certificate.
/// @ingroup tls
pub const PNNG_TLS_AUTH_MODE_REQUIRED: c_int = 2;

/// Log level: nothing. A log callback receives the levels up to the one set (NNG's numbers).
/// @ingroup library
pub const PNNG_LOG_NONE: c_int = 0;
/// Log level: errors.
/// @ingroup library
pub const PNNG_LOG_ERR: c_int = 3;
/// Log level: warnings (the default).
/// @ingroup library
pub const PNNG_LOG_WARN: c_int = 4;
/// Log level: notices.
/// @ingroup library
pub const PNNG_LOG_NOTICE: c_int = 5;
/// Log level: information.
/// @ingroup library
pub const PNNG_LOG_INFO: c_int = 6;
/// Log level: debugging.
/// @ingroup library
pub const PNNG_LOG_DEBUG: c_int = 7;

const _: () = {
    assert!(PNNG_FLAG_NONBLOCK as u32 == nng_sys::NNG_FLAG_NONBLOCK);
    assert!(
        PNNG_DIAL_FALLBACK & (nng_sys::NNG_FLAG_NONBLOCK | nng_sys::NNG_FLAG_ALLOC) as c_int == 0
    );
    assert!(PNNG_DURATION_DEFAULT == nng_sys::NNG_DURATION_DEFAULT);
    assert!(PNNG_DURATION_INFINITE == nng_sys::NNG_DURATION_INFINITE);
    assert!(PNNG_PIPE_EV_REM_POST as u32 == nng_sys::NNG_PIPE_EV_REM_POST);
    assert!(PNNG_PIPE_EV_ADD_PRE as u32 == nng_sys::NNG_PIPE_EV_ADD_PRE);
    assert!(PNNG_PIPE_EV_ADD_POST as u32 == nng_sys::NNG_PIPE_EV_ADD_POST);
};
