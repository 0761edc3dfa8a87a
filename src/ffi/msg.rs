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
///
/// @ingroup msg
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

/// A new message holding a copy of `len` bytes at `data` (NULL allowed when `len` is 0). The caller
/// owns `*msg_out`.
///
/// @param data The body's bytes; may be NULL when `len` is 0.
/// @param len The number of bytes at `data`.
/// @param msg_out Receives the message on success; free it with `pnng_msg_free`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup msg
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

/// Frees the message. NULL is fine.
///
/// @param m The message.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_free(m: *mut pnng_msg) {
    ffi_boundary! { drop(take_handle(m)) }
}

/// The body's bytes (valid until the message changes or is freed); NULL for a NULL message. For an
/// empty body the pointer must not be dereferenced.
///
/// @param m The message.
/// @return A pointer to the body's first byte, or NULL for a NULL message.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_body(m: *const pnng_msg) -> *const u8 {
    ffi_boundary! { borrow_handle(m).map_or(std::ptr::null(), |m| m.body_ptr().cast_const()) }
}

/// The body's bytes, writable in place.
///
/// @param m The message.
/// @return A pointer to the body's first byte, or NULL for a NULL message.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_body_mut(m: *mut pnng_msg) -> *mut u8 {
    ffi_boundary! { borrow_handle(m).map_or(std::ptr::null_mut(), |m| m.body_ptr()) }
}

/// The body's length in bytes (0 for NULL).
///
/// @param m The message.
/// @return The length in bytes, 0 for a NULL message.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_len(m: *const pnng_msg) -> usize {
    ffi_boundary! { borrow_handle(m).map_or(0, |m| m.len()) }
}

/// The header's bytes (raw sockets carry routing data there).
///
/// @param m The message.
/// @return A pointer to the header's first byte, or NULL for a NULL message.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_header(m: *const pnng_msg) -> *const u8 {
    ffi_boundary! { borrow_handle(m).map_or(std::ptr::null(), |m| m.header_ptr()) }
}

/// The header's length in bytes (0 for NULL).
///
/// @param m The message.
/// @return The length in bytes, 0 for a NULL message.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_header_len(m: *const pnng_msg) -> usize {
    ffi_boundary! { borrow_handle(m).map_or(0, |m| m.header_len()) }
}

/// Appends `len` bytes to the body.
///
/// @param m The message.
/// @param data The bytes; may be NULL when `len` is 0.
/// @param len The number of bytes at `data`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_append(
    m: *mut pnng_msg,
    data: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { borrow_handle(m)?.append(bytes(data, len)?) }
}

/// Inserts `len` bytes at the front of the body.
///
/// @param m The message.
/// @param data The bytes; may be NULL when `len` is 0.
/// @param len The number of bytes at `data`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_insert(
    m: *mut pnng_msg,
    data: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { borrow_handle(m)?.insert(bytes(data, len)?) }
}

/// Removes `n` bytes from the front of the body; `PNNG_EINVAL` if it is shorter.
///
/// @param m The message.
/// @param n The number of bytes to remove.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL The body is shorter than `n` bytes, or `m` is NULL.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_trim(m: *mut pnng_msg, n: usize) -> pnng_result {
    ffi_result! { borrow_handle(m)?.trim(n) }
}

/// Removes `n` bytes from the end of the body; `PNNG_EINVAL` if it is shorter.
///
/// @param m The message.
/// @param n The number of bytes to remove.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL The body is shorter than `n` bytes, or `m` is NULL.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_chop(m: *mut pnng_msg, n: usize) -> pnng_result {
    ffi_result! { borrow_handle(m)?.chop(n) }
}

/// Empties the body.
///
/// @param m The message.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_clear(m: *mut pnng_msg) -> pnng_result {
    ffi_result! {
        borrow_handle(m)?.clear();
        Ok(())
    }
}

/// Appends `len` bytes to the header.
///
/// @param m The message.
/// @param data The bytes; may be NULL when `len` is 0.
/// @param len The number of bytes at `data`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_header_append(
    m: *mut pnng_msg,
    data: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { borrow_handle(m)?.header_append(bytes(data, len)?) }
}

/// Empties the header.
///
/// @param m The message.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_header_clear(m: *mut pnng_msg) -> pnng_result {
    ffi_result! {
        borrow_handle(m)?.header_clear();
        Ok(())
    }
}

/// A copy of the message (body, header and pipe); the caller owns `*msg_out`.
///
/// @param m The message.
/// @param msg_out Receives the copy on success; the caller owns it.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup msg
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

/// The pipe a received message came from; `PNNG_ENOENT` if it has none.
///
/// @param m The message.
/// @param pipe_out Receives the pipe on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The message has no pipe (it was not received, and none was set).
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup msg
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

/// Addresses the message to one pipe (honoured by pair1 polyamorous, bus, and the reply protocols
/// when sending).
///
/// @param m The message.
/// @param p The pipe to send through.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `m` is NULL.
/// @ingroup msg
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_msg_set_pipe(m: *mut pnng_msg, p: pnng_pipe) -> pnng_result {
    ffi_result! {
        borrow_handle(m)?.set_pipe(Some(p.into()));
        Ok(())
    }
}
