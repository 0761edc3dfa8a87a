//! Context functions (pynng `Context`).

use super::msg::{give, lend, pnng_msg, reclaim};
use super::{bytes, ffi_result, out_ptr, pnng_ctx, put, recv_into};
use crate::core::ctx;
use crate::core::msg::Msg;
use crate::core::types::Flags;
use crate::error::pnng_result;
use std::ffi::{c_int, c_void};

/// The context's numeric id (0 for none).
///
/// @param c The context.
/// @return The id, or 0 for the zero context.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_id(c: pnng_ctx) -> u32 {
    c.id
}

/// Sends a copy of `len` bytes on the context. Blocks up to the context's send timeout
/// (`PNNG_OPT_SENDTIMEO` on the context) unless `PNNG_FLAG_NONBLOCK`.
///
/// @param c The context.
/// @param data The bytes; may be NULL when `len` is 0.
/// @param len The number of bytes at `data`.
/// @param flags 0 to block, or `PNNG_FLAG_NONBLOCK`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_EAGAIN `PNNG_FLAG_NONBLOCK` was given and the operation would block.
/// @retval PNNG_ETIMEDOUT The send timeout expired.
/// @retval PNNG_ENOTSUP The protocol cannot send (e.g. sub0, pull0).
/// @retval PNNG_ESTATE The protocol cannot send now (e.g. rep0 before a request).
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_send(
    c: pnng_ctx,
    data: *const c_void,
    len: usize,
    flags: c_int,
) -> pnng_result {
    ffi_result! { ctx::send_msg(c.into(), Msg::from_bytes(bytes(data, len)?)?, Flags::from_bits(flags)).map_err(|(e, _)| e) }
}

/// Sends `msg` on the context. Consumes `msg` on success only.
///
/// @param c The context.
/// @param msg The message; consumed on success only.
/// @param flags 0 to block, or `PNNG_FLAG_NONBLOCK`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_EAGAIN `PNNG_FLAG_NONBLOCK` was given and the operation would block.
/// @retval PNNG_ETIMEDOUT The send timeout expired.
/// @retval PNNG_ENOTSUP The protocol cannot send (e.g. sub0, pull0).
/// @retval PNNG_ESTATE The protocol cannot send now (e.g. rep0 before a request).
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_send_msg(
    c: pnng_ctx,
    msg: *mut pnng_msg,
    flags: c_int,
) -> pnng_result {
    ffi_result! { ctx::send_msg(c.into(), lend(msg)?, Flags::from_bits(flags)).map_err(reclaim) }
}

/// Receives a message on the context; the caller owns `*msg_out`. Blocks up to the context's
/// receive timeout unless `PNNG_FLAG_NONBLOCK`.
///
/// @param c The context.
/// @param flags 0 to block, or `PNNG_FLAG_NONBLOCK`.
/// @param msg_out Receives the message on success; free it with `pnng_msg_free`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_EAGAIN `PNNG_FLAG_NONBLOCK` was given and no message is waiting.
/// @retval PNNG_ETIMEDOUT The receive timeout expired.
/// @retval PNNG_ENOTSUP The protocol cannot receive (e.g. pub0, push0).
/// @retval PNNG_ESTATE The protocol cannot receive now (e.g. req0 before a request).
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_recv_msg(
    c: pnng_ctx,
    flags: c_int,
    msg_out: *mut *mut pnng_msg,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(msg_out)?;
        put(out, give(ctx::recv_msg(c.into(), Flags::from_bits(flags))?));
        Ok(())
    }
}

/// Receives a message on the context and copies its body into `buf` (`cap` bytes), writing its
/// length to `*len_out`. A longer message gives `PNNG_EMSGSIZE` with its length in `*len_out` and
/// is kept: the context's next receive returns it.
///
/// @param c The context.
/// @param buf Receives the message body.
/// @param cap The size of `buf`.
/// @param flags 0 to block, or `PNNG_FLAG_NONBLOCK`.
/// @param len_out Receives the message length on success and with `PNNG_EMSGSIZE`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_EAGAIN `PNNG_FLAG_NONBLOCK` was given and no message is waiting.
/// @retval PNNG_ETIMEDOUT The receive timeout expired.
/// @retval PNNG_ENOTSUP The protocol cannot receive (e.g. pub0, push0).
/// @retval PNNG_ESTATE The protocol cannot receive now (e.g. req0 before a request).
/// @retval PNNG_EMSGSIZE The buffer is too small.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_recv(
    c: pnng_ctx,
    buf: *mut c_void,
    cap: usize,
    flags: c_int,
    len_out: *mut usize,
) -> pnng_result {
    ffi_result! { recv_into(len_out, buf, cap, |b| ctx::recv_into(c.into(), b, Flags::from_bits(flags))) }
}

/// Closes the context; operations pending on it end with `PNNG_ECLOSED`. A second close returns
/// `PNNG_ECLOSED`.
///
/// @param c The context.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED Already closed, or never valid.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_close(c: pnng_ctx) -> pnng_result {
    ffi_result! { ctx::close(c.into()) }
}

/// Subscribes a sub0 context to a topic (any bytes).
///
/// @param c The context.
/// @param topic The topic; may be NULL when `len` is 0.
/// @param len The number of bytes at `topic`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_sub0_ctx_subscribe(
    c: pnng_ctx,
    topic: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { ctx::subscribe(c.into(), bytes(topic, len)?, true) }
}

/// Removes a context's subscription; `PNNG_ENOENT` if none.
///
/// @param c The context.
/// @param topic The topic; may be NULL when `len` is 0.
/// @param len The number of bytes at `topic`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOENT No such entry.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_sub0_ctx_unsubscribe(
    c: pnng_ctx,
    topic: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { ctx::subscribe(c.into(), bytes(topic, len)?, false) }
}
