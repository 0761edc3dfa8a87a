//! The C ABI that both layers use: the handle structs, the callback types and the constants
//! (flags, durations, pipe events, TLS modes, log levels, statistic kinds). cbindgen emits them
//! into `include/pnng.h`; the safe core (`crate::core`) and the `extern "C"` layer
//! (`crate::ffi`) both name them from here, so neither depends on the other for them. Literal
//! values, so cbindgen can emit them; `crate::core::types` ties them to NNG's at compile
//! time.

use std::ffi::{c_char, c_int, c_void};

/// Address families (`pnng_sockaddr.family`), NNG's values: no address.
/// @ingroup sockaddr
pub const PNNG_AF_UNSPEC: u16 = 0;
/// `inproc://` (in-process).
/// @ingroup sockaddr
pub const PNNG_AF_INPROC: u16 = 1;
/// `ipc://` (Unix domain socket path).
/// @ingroup sockaddr
pub const PNNG_AF_IPC: u16 = 2;
/// IPv4 (`tcp://`, `ws://`, `tls+tcp://` ...).
/// @ingroup sockaddr
pub const PNNG_AF_INET: u16 = 3;
/// IPv6.
/// @ingroup sockaddr
pub const PNNG_AF_INET6: u16 = 4;
/// ZeroTier (not built into this library; listed for completeness).
/// @ingroup sockaddr
pub const PNNG_AF_ZT: u16 = 5;
/// `abstract://` (Linux abstract socket namespace).
/// @ingroup sockaddr
pub const PNNG_AF_ABSTRACT: u16 = 6;

/// Room for a path or name, as NNG's `NNG_MAXADDRLEN`.
/// @ingroup sockaddr
pub const PNNG_MAXADDRLEN: usize = 128;

/// A socket address (pynng's `SockAddr` family of classes).
///
/// A plain value: copy it freely, nothing to release. Filled by the `*_get_addr` functions.
/// Fields by `family`:
/// - `PNNG_AF_INPROC`, `PNNG_AF_IPC`: `path` (NUL-terminated) and `path_len`.
/// - `PNNG_AF_ABSTRACT`: `path` holds `path_len` bytes of the name, which may contain NULs.
/// - `PNNG_AF_INET`: `addr[0..4]` (network order, a.b.c.d) and `port` (host byte order).
/// - `PNNG_AF_INET6`: `addr[0..16]`, `port` (host byte order), `scope_id`.
/// - `PNNG_AF_ZT`: `zt_nwid`, `zt_nodeid`, `port`.
/// - `PNNG_AF_UNSPEC`: nothing.
///
/// Thread safety: movable.
///
/// @ingroup sockaddr
#[repr(C)]
#[derive(Clone, Copy)]
pub struct pnng_sockaddr {
    pub family: u16,
    pub port: u16,
    pub scope_id: u32,
    pub addr: [u8; 16],
    pub zt_nwid: u64,
    pub zt_nodeid: u64,
    pub path_len: usize,
    pub path: [u8; PNNG_MAXADDRLEN],
}

impl Default for pnng_sockaddr {
    fn default() -> Self {
        pnng_sockaddr {
            family: PNNG_AF_UNSPEC,
            port: 0,
            scope_id: 0,
            addr: [0; 16],
            zt_nwid: 0,
            zt_nodeid: 0,
            path_len: 0,
            path: [0; PNNG_MAXADDRLEN],
        }
    }
}

/// Statistic kind (`pnng_stats_kind`, NNG's values): a level, which goes up and down.
/// @ingroup stats
pub const PNNG_STAT_LEVEL: i32 = 1;
/// Statistic kind: a counter, which only goes up.
/// @ingroup stats
pub const PNNG_STAT_COUNTER: i32 = 2;
/// Statistic kind: a string (`pnng_stats_string`).
/// @ingroup stats
pub const PNNG_STAT_STRING: i32 = 3;
/// Statistic kind: a boolean (0 or 1).
/// @ingroup stats
pub const PNNG_STAT_BOOLEAN: i32 = 4;
/// Statistic kind: an id (of a socket, dialer, listener or pipe).
/// @ingroup stats
pub const PNNG_STAT_ID: i32 = 5;
/// Statistic unit (`pnng_stats_unit`, NNG's values): none.
/// @ingroup stats
pub const PNNG_UNIT_NONE: i32 = 0;
/// Statistic unit: bytes.
/// @ingroup stats
pub const PNNG_UNIT_BYTES: i32 = 1;
/// Statistic unit: messages.
/// @ingroup stats
pub const PNNG_UNIT_MESSAGES: i32 = 2;
/// Statistic unit: milliseconds.
/// @ingroup stats
pub const PNNG_UNIT_MILLIS: i32 = 3;
/// Statistic unit: events.
/// @ingroup stats
pub const PNNG_UNIT_EVENTS: i32 = 4;

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

/// A socket: a value handle holding NNG's socket id (pynng's `Socket` and its 11 subclasses).
///
/// Create it with one of the `pnng_<protocol>_open` functions and release it with
/// `pnng_socket_close`. The zero value (`PNNG_SOCKET_INITIALIZER`) is "no socket". Copying the
/// struct copies the handle, not the socket. A closed or never-valid handle gives
/// `PNNG_ECLOSED`; ids are not reused, so a stale copy never reaches another socket.
///
/// Methods: `pnng_socket_listen`, `_dial`, `_send`, `_send_msg`, `_recv`, `_recv_msg`,
/// `_send_aio`, `_recv_aio`, `_new_context`, `_pipes`, `_dialers`, `_listeners`,
/// `_pipe_notify`, `_set_*`/`_get_*`, `_set_tls`, `_close`.
///
/// Thread safety: shareable.
///
/// @ingroup socket
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct pnng_socket {
    pub id: u32,
}

/// A dialer: a value handle for an outgoing connection endpoint (pynng's `Dialer`).
///
/// Returned by `pnng_socket_dial` or `pnng_dialer_create`; released with `pnng_dialer_close`
/// or when its socket closes. Options can be set between `pnng_dialer_create` and
/// `pnng_dialer_start`.
///
/// Thread safety: shareable.
///
/// @ingroup dialer
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct pnng_dialer {
    pub id: u32,
}

/// A listener: a value handle for an accepting endpoint (pynng's `Listener`).
///
/// Returned by `pnng_socket_listen` or `pnng_listener_create`; released with
/// `pnng_listener_close` or when its socket closes.
///
/// Thread safety: shareable.
///
/// @ingroup listener
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct pnng_listener {
    pub id: u32,
}

/// A pipe: one live connection of a socket to one peer (pynng's `Pipe`).
///
/// Obtained from `pnng_msg_pipe`, `pnng_socket_pipes` or a pipe-event callback; never created
/// by the user. It lives until either side closes it (`pnng_pipe_close`); afterwards its
/// functions return `PNNG_ENOENT` or `PNNG_ECLOSED`.
///
/// Thread safety: shareable.
///
/// @ingroup pipe
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct pnng_pipe {
    pub id: u32,
}

/// A context: an independent protocol state on a socket (pynng's `Context`), so one socket can
/// carry several concurrent request/reply exchanges. Open with `pnng_socket_new_context`,
/// release with `pnng_ctx_close` (or by closing the socket). Available on req0, rep0, sub0,
/// surveyor0 and respondent0; other protocols give `PNNG_ENOTSUP`.
///
/// Thread safety: context-bound.
///
/// @ingroup ctx
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct pnng_ctx {
    pub id: u32,
}

/// A pipe-event callback: `pipe` is the connection, `event` a `PNNG_PIPE_EV_*` value.
///
/// Called on an NNG worker thread, possibly concurrently with other callbacks; must not block
/// for long and must not unwind (no C++ exceptions, no longjmp). Inside it you may call the
/// pipe's functions (`pnng_pipe_close`, `pnng_pipe_get_*`, `pnng_pipe_socket`...) and option
/// getters; never `pnng_socket_close`, `pnng_listener_close` or `pnng_aio_wait`/`_free`.
///
/// @ingroup pipe
pub type pnng_pipe_cb =
    Option<unsafe extern "C" fn(pipe: pnng_pipe, event: c_int, userdata: *mut c_void)>;

/// The completion callback of an aio: receives the `userdata` given to `pnng_aio_new`.
///
/// Called on an NNG worker thread, possibly concurrently with other callbacks; must not block;
/// must not call `pnng_aio_wait`, `pnng_aio_free` or `pnng_socket_close`; must not unwind.
///
/// @ingroup aio
pub type pnng_aio_cb = Option<unsafe extern "C" fn(userdata: *mut c_void)>;

/// A log callback: `level` is a `PNNG_LOG_*` value, `msg` a NUL-terminated line valid only
/// during the call. Called on any thread, NNG's included; must not block or unwind.
///
/// @ingroup library
pub type pnng_log_cb =
    Option<unsafe extern "C" fn(level: c_int, msg: *const c_char, userdata: *mut c_void)>;
