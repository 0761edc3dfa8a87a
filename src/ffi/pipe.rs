//! Pipe functions (pynng `Pipe`): send to one peer, find its socket and endpoint, close it.

use super::msg::{lend, pnng_msg, reclaim};
use super::{bytes, ffi_result, out_ptr, pnng_dialer, pnng_listener, pnng_pipe, pnng_socket, put};
use crate::core::msg::Msg;
use crate::core::pipe;
use crate::core::types::Flags;
use crate::error::pnng_result;
use std::ffi::{c_int, c_void};

/// pnng_pipe_id: the pipe's numeric id (0 for none).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_id(p: pnng_pipe) -> u32 {
    p.id
}

/// pnng_pipe_send: sends a copy of `len` bytes to this pipe's peer only, through the pipe's
/// socket (pynng `Pipe.send`). Blocking and flags as `pnng_socket_send`. `PNNG_ENOENT` once the
/// pipe is gone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_send(
    p: pnng_pipe,
    data: *const c_void,
    len: usize,
    flags: c_int,
) -> pnng_result {
    ffi_result! { pipe::send_msg(p.into(), Msg::from_bytes(bytes(data, len)?)?, Flags::from_bits(flags)).map_err(|(e, _)| e) }
}

/// pnng_pipe_send_msg: sends `msg` to this pipe's peer. Consumes `msg` on success; on failure
/// the caller still owns it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_send_msg(
    p: pnng_pipe,
    msg: *mut pnng_msg,
    flags: c_int,
) -> pnng_result {
    ffi_result! { pipe::send_msg(p.into(), lend(msg)?, Flags::from_bits(flags)).map_err(reclaim) }
}

/// pnng_pipe_socket: the socket that owns the pipe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_socket(
    p: pnng_pipe,
    socket_out: *mut pnng_socket,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(socket_out)?;
        put(out, pipe::socket(p.into())?.into());
        Ok(())
    }
}

/// pnng_pipe_dialer: the dialer that made the pipe; `PNNG_ENOENT` for an accepted pipe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_dialer(
    p: pnng_pipe,
    dialer_out: *mut pnng_dialer,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(dialer_out)?;
        put(out, pipe::dialer(p.into())?.into());
        Ok(())
    }
}

/// pnng_pipe_listener: the listener that accepted the pipe; `PNNG_ENOENT` for a dialed pipe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_listener(
    p: pnng_pipe,
    listener_out: *mut pnng_listener,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(listener_out)?;
        put(out, pipe::listener(p.into())?.into());
        Ok(())
    }
}

/// pnng_pipe_close: closes the connection. Allowed inside pipe callbacks (in `ADD_PRE` it
/// rejects the connection).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_close(p: pnng_pipe) -> pnng_result {
    ffi_result! { pipe::close(p.into()) }
}
