//! Pipe functions (pynng `Pipe`): send to one peer, find its socket and endpoint, close it.

use super::msg::{lend, pnng_msg, reclaim};
use super::{bytes, ffi_result, out_ptr, pnng_dialer, pnng_listener, pnng_pipe, pnng_socket, put};
use crate::core::msg::Msg;
use crate::core::pipe;
use crate::core::types::Flags;
use crate::error::pnng_result;
use std::ffi::{c_int, c_void};

/// The pipe's numeric id (0 for none).
///
/// @param p The pipe.
/// @return The id, or 0 for the zero pipe.
/// @ingroup pipe
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_id(p: pnng_pipe) -> u32 {
    p.id
}

/// Sends a copy of `len` bytes to this pipe's peer only, through the pipe's socket (pynng
/// `Pipe.send`). Blocking and flags as `pnng_socket_send`. `PNNG_ENOENT` once the pipe is gone.
///
/// @param p The pipe.
/// @param data The bytes; may be NULL when `len` is 0.
/// @param len The number of bytes at `data`.
/// @param flags 0 to block, or `PNNG_FLAG_NONBLOCK`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid.
/// @retval PNNG_EAGAIN `PNNG_FLAG_NONBLOCK` was given and the operation would block.
/// @retval PNNG_ETIMEDOUT The send timeout expired.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_send(
    p: pnng_pipe,
    data: *const c_void,
    len: usize,
    flags: c_int,
) -> pnng_result {
    ffi_result! { pipe::send_msg(p.into(), Msg::from_bytes(bytes(data, len)?)?, Flags::from_bits(flags)).map_err(|(e, _)| e) }
}

/// Sends `msg` to this pipe's peer. Consumes `msg` on success; on failure the caller still owns it.
///
/// @param p The pipe.
/// @param msg The message; consumed on success only.
/// @param flags 0 to block, or `PNNG_FLAG_NONBLOCK`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid.
/// @retval PNNG_EAGAIN `PNNG_FLAG_NONBLOCK` was given and the operation would block.
/// @retval PNNG_ETIMEDOUT The send timeout expired.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_send_msg(
    p: pnng_pipe,
    msg: *mut pnng_msg,
    flags: c_int,
) -> pnng_result {
    ffi_result! { pipe::send_msg(p.into(), lend(msg)?, Flags::from_bits(flags)).map_err(reclaim) }
}

/// The socket that owns the pipe.
///
/// @param p The pipe.
/// @param socket_out Receives the socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
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

/// The dialer that made the pipe; `PNNG_ENOENT` for an accepted pipe.
///
/// @param p The pipe.
/// @param dialer_out Receives the dialer on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid, or was accepted (it has no dialer).
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
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

/// The listener that accepted the pipe; `PNNG_ENOENT` for a dialed pipe.
///
/// @param p The pipe.
/// @param listener_out Receives the listener on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid, or was dialed (it has no listener).
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
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

/// Closes the connection. Allowed inside pipe callbacks (in `ADD_PRE` it rejects the connection).
///
/// @param p The pipe.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT Already closed, or never valid.
/// @ingroup pipe
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_close(p: pnng_pipe) -> pnng_result {
    ffi_result! { pipe::close(p.into()) }
}
