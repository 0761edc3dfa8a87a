//! The `extern "C"` surface: thin functions, one file per pynng object. Each body runs inside
//! `ffi_result!`/`ffi_boundary!`, so a Rust panic never unwinds into C; it becomes
//! `PNNG_EINTERNAL` (or NULL / 0 / nothing for functions that do not return a code).

use crate::error::{Error, PNNG_EINTERNAL, Result, pnng_result, to_code};
use std::ffi::{CStr, c_char, c_void};

// cbindgen writes the header's functions in this order, so it follows the object model:
// sockets, dialers, listeners, pipes, contexts, messages, TLS, options, aio, statistics, library.
pub mod protocols;

pub mod socket;

pub mod dialer;

pub mod listener;

pub mod pipe;

pub mod ctx;

pub mod msg;

pub mod tls;

pub mod options;

pub mod aio;

pub mod stats;

pub mod misc;

pub mod consts;

/// What an export returns when a panic was caught.
pub trait PanicDefault {
    fn panic_default() -> Self;
}
impl PanicDefault for pnng_result {
    fn panic_default() -> Self {
        PNNG_EINTERNAL
    }
}
impl PanicDefault for () {
    fn panic_default() -> Self {}
}
impl PanicDefault for bool {
    fn panic_default() -> Self {
        false
    }
}
macro_rules! zero_on_panic {
    ($($t:ty),*) => { $(impl PanicDefault for $t { fn panic_default() -> Self { 0 } })* };
}
zero_on_panic!(u32, u64, usize);
impl<T> PanicDefault for *const T {
    fn panic_default() -> Self {
        std::ptr::null()
    }
}
impl<T> PanicDefault for *mut T {
    fn panic_default() -> Self {
        std::ptr::null_mut()
    }
}

/// Runs an export's body; a panic becomes the return type's `PanicDefault`.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(v) => v,
            Err(_) => $crate::ffi::PanicDefault::panic_default(),
        }
    };
}

/// Runs a body that yields `Result<()>` and returns its C code, inside the panic boundary.
macro_rules! ffi_result {
    ($($body:tt)*) => {
        $crate::ffi::ffi_boundary! {
            $crate::ffi::code((|| -> $crate::error::Result<()> { $($body)* })())
        }
    };
}

pub(crate) use {ffi_boundary, ffi_result};

pub(crate) fn code(r: Result<()>) -> pnng_result {
    to_code(r)
}

/// A required C string argument.
pub(crate) fn cstr<'a>(p: *const c_char) -> Result<&'a CStr> {
    if p.is_null() {
        return Err(Error::Invalid);
    }
    // SAFETY: the caller promises a NUL-terminated string valid for the call.
    Ok(unsafe { CStr::from_ptr(p) })
}

/// An optional C string argument (NULL is `None`).
pub(crate) fn opt_cstr<'a>(p: *const c_char) -> Option<&'a CStr> {
    // SAFETY: as cstr.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })
}

/// A byte buffer argument; NULL is allowed only with length 0.
pub(crate) fn bytes<'a>(p: *const c_void, len: usize) -> Result<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Error::Invalid);
    }
    // SAFETY: the caller promises `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(p.cast(), len) })
}

/// Checks that an output pointer is usable before any work is done.
pub(crate) fn out_ptr<T>(p: *mut T) -> Result<*mut T> {
    if p.is_null() {
        Err(Error::Invalid)
    } else {
        Ok(p)
    }
}

/// Writes an output (the pointer was checked with `out_ptr`).
pub(crate) fn put<T>(p: *mut T, v: T) {
    // SAFETY: checked non-NULL; the caller promises it is writable.
    unsafe { p.write(v) }
}

/// The shared body of the copy-into-buffer receives: `*len_out` gets the message length,
/// also with `PNNG_EMSGSIZE` (the message was kept for the next receive).
pub(crate) fn recv_into(
    len_out: *mut usize,
    buf: *mut c_void,
    cap: usize,
    recv: impl FnOnce(&mut [u8]) -> Result<crate::core::socket::Received>,
) -> Result<()> {
    use crate::core::socket::Received;
    let len_out = out_ptr(len_out)?;
    let buf: &mut [u8] = if cap == 0 {
        &mut []
    } else {
        // SAFETY: the caller promises `cap` writable bytes.
        unsafe { std::slice::from_raw_parts_mut(out_ptr(buf)?.cast(), cap) }
    };
    match recv(buf)? {
        Received::Copied(n) => {
            put(len_out, n);
            Ok(())
        }
        Received::TooLarge(n) => {
            put(len_out, n);
            Err(Error::MsgSize)
        }
    }
}

/// A reference from a required object pointer.
pub(crate) fn obj<'a, T>(p: *const T) -> Result<&'a T> {
    // SAFETY: the caller promises a live object of this type.
    unsafe { p.as_ref() }.ok_or(Error::Invalid)
}

/// Copies an id list into a caller's array: `*len_out` always gets the count; a too-small
/// array gives `PNNG_EMSGSIZE` and is left untouched.
pub(crate) fn put_list<H>(
    ids: Vec<u32>,
    buf: *mut H,
    cap: usize,
    len_out: *mut usize,
    make: fn(u32) -> H,
) -> Result<()> {
    let len_out = out_ptr(len_out)?;
    put(len_out, ids.len());
    if ids.len() > cap {
        return Err(Error::MsgSize);
    }
    if ids.is_empty() {
        return Ok(());
    }
    let buf = out_ptr(buf)?;
    for (i, id) in ids.into_iter().enumerate() {
        // SAFETY: i < count <= cap, within the caller's array.
        put(unsafe { buf.add(i) }, make(id));
    }
    Ok(())
}

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
