//! The `extern "C"` surface: thin functions, one file per pynng object. Each body runs inside
//! `ffi_result!`/`ffi_boundary!`, so a Rust panic never unwinds into C; it becomes
//! `PNNG_EINTERNAL` (or NULL / 0 / nothing for functions that do not return a code).
//!
//! This layer only checks pointers and converts C values into the core's types
//! (`crate::core`), whose functions do the work; the shared C types are in `crate::abi`.
//!
//! The helpers below take the raw pointers an export received and trust them as far as the
//! export's documented contract goes (a non-NULL pointer is valid for the length given with
//! it, an object pointer is live): every export is an `unsafe extern "C" fn`, and that contract
//! is its safety condition.

pub use crate::abi::{pnng_ctx, pnng_dialer, pnng_listener, pnng_pipe, pnng_socket};
use crate::core::types::{CtxId, DialerId, ListenerId, PipeId, SocketId};
use crate::error::{Error, PNNG_EINTERNAL, Result, pnng_result, to_code};
use std::ffi::{CStr, c_char, c_void};

pub(crate) mod cast;

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

/// Runs a body that yields `Result<()>` (and may use `?`) and returns its C code, inside the
/// panic boundary.
macro_rules! ffi_result {
    ($($body:tt)*) => {
        $crate::ffi::ffi_boundary! {
            $crate::ffi::run(|| -> $crate::error::Result<()> { $($body)* })
        }
    };
}

pub(crate) use {ffi_boundary, ffi_result};

/// Forwards until either socket closes. Blocks.
pub(crate) fn run(body: impl FnOnce() -> Result<()>) -> pnng_result {
    to_code(body())
}

/// A required C string argument.
pub(crate) fn cstr<'a>(p: *const c_char) -> Result<&'a CStr> {
    if p.is_null() {
        return Err(Error::Invalid);
    }
    // SAFETY: non-NULL; the export's contract makes it a NUL-terminated string valid for
    // the call.
    Ok(unsafe { CStr::from_ptr(p) })
}

/// An optional C string argument (NULL is `None`).
pub(crate) fn opt_cstr<'a>(p: *const c_char) -> Option<&'a CStr> {
    (!p.is_null()).then(|| {
        // SAFETY: as cstr.
        unsafe { CStr::from_ptr(p) }
    })
}

/// A byte buffer argument; NULL is allowed only with length 0.
pub(crate) fn bytes<'a>(p: *const c_void, len: usize) -> Result<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Error::Invalid);
    }
    // SAFETY: non-NULL; the export's contract makes it `len` readable bytes for the call.
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
    // SAFETY: checked non-NULL (out_ptr); the export's contract makes it writable.
    unsafe { p.write(v) }
}

/// Receives into `buf`; a message that does not fit is kept for the context's next receive.
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
        let buf = out_ptr(buf)?;
        // SAFETY: non-NULL; the export's contract makes it `cap` writable bytes for the call.
        unsafe { std::slice::from_raw_parts_mut(buf.cast(), cap) }
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
    // SAFETY: the export's contract makes a non-NULL pointer a live value of this type.
    unsafe { p.as_ref() }.ok_or(Error::Invalid)
}

/// Copies an id list into a caller's array: `*len_out` always gets the count; a too-small
/// array gives `PNNG_EMSGSIZE` and is left untouched.
pub(crate) fn put_list<I, H: From<I>>(
    ids: Vec<I>,
    buf: *mut H,
    cap: usize,
    len_out: *mut usize,
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
        put(unsafe { buf.add(i) }, H::from(id));
    }
    Ok(())
}

/// The core's ids and the C handle structs, both ways.
macro_rules! handle_conversions {
    ($($c:ident <=> $id:ident),*) => {$(
        impl From<$c> for $id {
            fn from(h: $c) -> $id {
                $id(h.id)
            }
        }
        impl From<$id> for $c {
            fn from(id: $id) -> $c {
                $c { id: id.0 }
            }
        }
    )*};
}
handle_conversions!(
    pnng_socket <=> SocketId,
    pnng_dialer <=> DialerId,
    pnng_listener <=> ListenerId,
    pnng_pipe <=> PipeId,
    pnng_ctx <=> CtxId
);
