//! Context functions (pynng `Context`).

use super::msg::{give, lend, pnng_msg, reclaim};
use super::{bytes, ffi_result, out_ptr, pnng_ctx, put, recv_into};
use crate::core::ctx;
use crate::core::msg::Msg;
use crate::core::types::Flags;
use crate::error::pnng_result;
use std::ffi::{c_int, c_void};

/// pnng_ctx_id: the context's numeric id (0 for none).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_id(c: pnng_ctx) -> u32 {
    c.id
}

/// pnng_ctx_send: sends a copy of `len` bytes on the context. Blocks up to the context's send
/// timeout (`PNNG_OPT_SENDTIMEO` on the context) unless `PNNG_FLAG_NONBLOCK`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_send(
    c: pnng_ctx,
    data: *const c_void,
    len: usize,
    flags: c_int,
) -> pnng_result {
    ffi_result! { ctx::send_msg(c.into(), Msg::from_bytes(bytes(data, len)?)?, Flags::from_bits(flags)).map_err(|(e, _)| e) }
}

/// pnng_ctx_send_msg: sends `msg` on the context. Consumes `msg` on success only.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_send_msg(
    c: pnng_ctx,
    msg: *mut pnng_msg,
    flags: c_int,
) -> pnng_result {
    ffi_result! { ctx::send_msg(c.into(), lend(msg)?, Flags::from_bits(flags)).map_err(reclaim) }
}

/// pnng_ctx_recv_msg: receives a message on the context; the caller owns `*msg_out`.
/// Blocks up to the context's receive timeout unless `PNNG_FLAG_NONBLOCK`.
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

/// pnng_ctx_recv: receives a message on the context and copies its body into `buf` (`cap`
/// bytes), writing its length to `*len_out`. A longer message gives `PNNG_EMSGSIZE` with its
/// length in `*len_out` and is kept: the context's next receive returns it.
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

/// pnng_ctx_close: closes the context; operations pending on it end with `PNNG_ECLOSED`.
/// A second close returns `PNNG_ECLOSED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_close(c: pnng_ctx) -> pnng_result {
    ffi_result! { ctx::close(c.into()) }
}

/// pnng_sub0_ctx_subscribe: subscribes a sub0 context to a topic (any bytes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_sub0_ctx_subscribe(
    c: pnng_ctx,
    topic: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { ctx::subscribe(c.into(), bytes(topic, len)?, true) }
}

/// pnng_sub0_ctx_unsubscribe: removes a context's subscription; `PNNG_ENOENT` if none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_sub0_ctx_unsubscribe(
    c: pnng_ctx,
    topic: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { ctx::subscribe(c.into(), bytes(topic, len)?, false) }
}
