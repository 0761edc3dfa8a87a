//! Messages (pynng `Message`): a body, a header (used by raw sockets), and the pipe it came
//! from or is addressed to.

use super::cast::{borrow_handle, take_handle, to_handle_ptr};
use super::{bytes, ffi_boundary, ffi_result, out_ptr, pnng_pipe, put};
use crate::core::msg::Msg;
use crate::error::{Error, Result, pnng_result};
use std::ffi::c_void;

/// A message: an owned, growable buffer with a body and a header.
///
/// Create it with `pnng_msg_new` (or receive it with `pnng_socket_recv_msg`), release it with
/// `pnng_msg_free`. Sending consumes it on success; on failure the caller still owns it.
/// Freeing a message twice, or using it after a successful send, is undefined behaviour.
///
/// Methods: `pnng_msg_body`, `_body_mut`, `_len`, `_header`, `_header_len`, `_append`,
/// `_insert`, `_trim`, `_chop`, `_clear`, `_header_append`, `_header_clear`, `_dup`, `_pipe`,
/// `_set_pipe`, `_free`.
///
/// Thread safety: movable.
pub struct pnng_msg {
    _private: [u8; 0],
}

/// Takes a caller's message for an operation that may hand it back (see `reclaim`).
pub(crate) fn lend(m: *mut pnng_msg) -> Result<Msg> {
    take_handle(m)
}

/// On a failed send the caller keeps the message: release it without freeing.
pub(crate) fn reclaim((e, m): (Error, Msg)) -> Error {
    let _ = m.into_raw();
    e
}

/// Gives a message to the caller.
pub(crate) fn give(m: Msg) -> *mut pnng_msg {
    to_handle_ptr(m)
}

/// pnng_msg_new: a new message holding a copy of `len` bytes at `data` (NULL allowed when
/// `len` is 0). The caller owns `*msg_out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_new(
    data: *const c_void,
    len: usize,
    msg_out: *mut *mut pnng_msg,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(msg_out)?;
        put(out, give(Msg::from_bytes(bytes(data, len)?)?));
        Ok(())
    }
}

/// pnng_msg_free: frees the message. NULL is fine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_free(m: *mut pnng_msg) {
    ffi_boundary! { drop(take_handle(m)) }
}

/// pnng_msg_body: the body's bytes (valid until the message changes or is freed); NULL for a
/// NULL message. For an empty body the pointer must not be dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_body(m: *const pnng_msg) -> *const u8 {
    ffi_boundary! { borrow_handle(m).map_or(std::ptr::null(), |m| m.body_ptr().cast_const()) }
}

/// pnng_msg_body_mut: the body's bytes, writable in place.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_body_mut(m: *mut pnng_msg) -> *mut u8 {
    ffi_boundary! { borrow_handle(m).map_or(std::ptr::null_mut(), |m| m.body_ptr()) }
}

/// pnng_msg_len: the body's length in bytes (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_len(m: *const pnng_msg) -> usize {
    ffi_boundary! { borrow_handle(m).map_or(0, |m| m.len()) }
}

/// pnng_msg_header: the header's bytes (raw sockets carry routing data there).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_header(m: *const pnng_msg) -> *const u8 {
    ffi_boundary! { borrow_handle(m).map_or(std::ptr::null(), |m| m.header_ptr()) }
}

/// pnng_msg_header_len: the header's length in bytes (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_header_len(m: *const pnng_msg) -> usize {
    ffi_boundary! { borrow_handle(m).map_or(0, |m| m.header_len()) }
}

/// pnng_msg_append: appends `len` bytes to the body.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_append(
    m: *mut pnng_msg,
    data: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { borrow_handle(m)?.append(bytes(data, len)?) }
}

/// pnng_msg_insert: inserts `len` bytes at the front of the body.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_insert(
    m: *mut pnng_msg,
    data: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { borrow_handle(m)?.insert(bytes(data, len)?) }
}

/// pnng_msg_trim: removes `n` bytes from the front of the body; `PNNG_EINVAL` if it is shorter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_trim(m: *mut pnng_msg, n: usize) -> pnng_result {
    ffi_result! { borrow_handle(m)?.trim(n) }
}

/// pnng_msg_chop: removes `n` bytes from the end of the body; `PNNG_EINVAL` if it is shorter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_chop(m: *mut pnng_msg, n: usize) -> pnng_result {
    ffi_result! { borrow_handle(m)?.chop(n) }
}

/// pnng_msg_clear: empties the body.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_clear(m: *mut pnng_msg) -> pnng_result {
    ffi_result! {
        borrow_handle(m)?.clear();
        Ok(())
    }
}

/// pnng_msg_header_append: appends `len` bytes to the header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_header_append(
    m: *mut pnng_msg,
    data: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { borrow_handle(m)?.header_append(bytes(data, len)?) }
}

/// pnng_msg_header_clear: empties the header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_header_clear(m: *mut pnng_msg) -> pnng_result {
    ffi_result! {
        borrow_handle(m)?.header_clear();
        Ok(())
    }
}

/// pnng_msg_dup: a copy of the message (body, header and pipe); the caller owns `*msg_out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_dup(
    m: *const pnng_msg,
    msg_out: *mut *mut pnng_msg,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(msg_out)?;
        put(out, give(borrow_handle(m)?.dup()?));
        Ok(())
    }
}

/// pnng_msg_pipe: the pipe a received message came from; `PNNG_ENOENT` if it has none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_pipe(
    m: *const pnng_msg,
    pipe_out: *mut pnng_pipe,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(pipe_out)?;
        put(out, borrow_handle(m)?.pipe().ok_or(Error::NoEntry)?.into());
        Ok(())
    }
}

/// pnng_msg_set_pipe: addresses the message to one pipe (honoured by pair1 polyamorous, bus,
/// and the reply protocols when sending).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_set_pipe(m: *mut pnng_msg, p: pnng_pipe) -> pnng_result {
    ffi_result! {
        borrow_handle(m)?.set_pipe(Some(p.into()));
        Ok(())
    }
}
