//! Socket functions (pynng `Socket`): listen, dial, send, receive, subscribe, contexts, lists
//! of pipes, dialers and listeners, pipe events, close.

use super::aio::pnng_cq;
use super::cast::clone_arc;
use super::msg::{give, lend, pnng_msg, reclaim};
use super::{
    bytes, cstr, ffi_boundary, ffi_result, obj, out_ptr, pnng_ctx, pnng_dialer, pnng_listener,
    pnng_pipe, pnng_socket, put, put_list, recv_into,
};
use crate::abi::{pnng_pipe_cb, pnng_sockaddr};
use crate::core::ctx;
use crate::core::options::{self, Target};
use crate::core::socket::{self, Subscriber};
use crate::core::types::{Flags, PipeEvent};
use crate::error::{Error, pnng_result};
use std::ffi::{c_char, c_int, c_void};

/// Closes the socket. Blocked calls on it return `PNNG_ECLOSED`; its dialers, listeners, pipes and
/// contexts close too. A second close returns `PNNG_ECLOSED`. Waits for running pipe callbacks: do
/// not call it from one.
///
/// @param s The socket.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED Already closed, or never valid.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_close(s: pnng_socket) -> pnng_result {
    ffi_result! { socket::close(s.into()) }
}

/// The socket's numeric id (positive for an opened socket), 0 for none.
///
/// @param s The socket.
/// @return The id, or 0 for the zero socket.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_id(s: pnng_socket) -> u32 {
    s.id
}

/// Creates and starts a listener on `url` (`tcp://127.0.0.1:5555`, `ipc:///tmp/x`, `inproc://name`,
/// `ws://...`, `abstract://name`, `tls+tcp://...`). `flags` must be 0. Writes the listener to
/// `*listener_out` when it is not NULL.
///
/// @param s The socket.
/// @param url The address, such as `tcp://127.0.0.1:5555` or `ipc:///tmp/x`.
/// @param flags Must be 0.
/// @param listener_out Receives the listener on success; may be NULL.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EADDRINUSE The address is already in use.
/// @retval PNNG_EADDRINVAL The address is invalid.
/// @retval PNNG_ENOTSUP Unknown scheme.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_listen(
    s: pnng_socket,
    url: *const c_char,
    flags: c_int,
    listener_out: *mut pnng_listener,
) -> pnng_result {
    ffi_result! {
        let id = socket::listen(s.into(), cstr(url)?, Flags::from_bits(flags))?;
        if !listener_out.is_null() {
            put(listener_out, id.into());
        }
        Ok(())
    }
}

/// Creates and starts a dialer to `url`. `flags`: 0 blocks until connected and fails if the peer is
/// not there (pynng `block=True`); `PNNG_FLAG_NONBLOCK` returns at once and connects in the
/// background, retrying (`block=False`); `PNNG_DIAL_FALLBACK` tries a blocking dial and on a
/// connection failure logs a warning and goes on in the background (pynng's default). Writes the
/// dialer to `*dialer_out` when it is not NULL. May block.
///
/// @param s The socket.
/// @param url The address, such as `tcp://127.0.0.1:5555` or `ipc:///tmp/x`.
/// @param flags 0 (block until connected), `PNNG_FLAG_NONBLOCK` (connect in the background) or
///        `PNNG_DIAL_FALLBACK` (block, then go on in the background).
/// @param dialer_out Receives the dialer on success; may be NULL.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ECONNREFUSED Blocking dial: the peer refused the connection.
/// @retval PNNG_ETIMEDOUT Blocking dial: the connection timed out.
/// @retval PNNG_EPEERAUTH Blocking TLS dial: the peer's certificate was not accepted.
/// @retval PNNG_EADDRINVAL The address is invalid.
/// @retval PNNG_ENOTSUP Unknown scheme.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_dial(
    s: pnng_socket,
    url: *const c_char,
    flags: c_int,
    dialer_out: *mut pnng_dialer,
) -> pnng_result {
    ffi_result! {
        let id = socket::dial(s.into(), cstr(url)?, Flags::from_bits(flags))?;
        if !dialer_out.is_null() {
            put(dialer_out, id.into());
        }
        Ok(())
    }
}

/// Sends a copy of `len` bytes at `data` (NULL allowed when `len` is 0). Blocks until queued, up to
/// the socket's send timeout, unless `flags` is `PNNG_FLAG_NONBLOCK` (then `PNNG_EAGAIN`).
///
/// @param s The socket.
/// @param data The bytes; may be NULL when `len` is 0.
/// @param len The number of bytes at `data`.
/// @param flags 0 to block, or `PNNG_FLAG_NONBLOCK`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EAGAIN `PNNG_FLAG_NONBLOCK` was given and the operation would block.
/// @retval PNNG_ETIMEDOUT The send timeout expired.
/// @retval PNNG_ENOTSUP The protocol cannot send (e.g. sub0, pull0).
/// @retval PNNG_ESTATE The protocol cannot send now (e.g. rep0 before a request).
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_send(
    s: pnng_socket,
    data: *const c_void,
    len: usize,
    flags: c_int,
) -> pnng_result {
    ffi_result! { socket::send(s.into(), bytes(data, len)?, Flags::from_bits(flags)) }
}

/// Sends `msg`. Consumes `msg` on success; on failure the caller still owns it. Blocking as
/// `pnng_socket_send`.
///
/// @param s The socket.
/// @param msg The message; consumed on success only.
/// @param flags 0 to block, or `PNNG_FLAG_NONBLOCK`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EAGAIN `PNNG_FLAG_NONBLOCK` was given and the operation would block.
/// @retval PNNG_ETIMEDOUT The send timeout expired.
/// @retval PNNG_ENOTSUP The protocol cannot send (e.g. sub0, pull0).
/// @retval PNNG_ESTATE The protocol cannot send now (e.g. rep0 before a request).
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_send_msg(
    s: pnng_socket,
    msg: *mut pnng_msg,
    flags: c_int,
) -> pnng_result {
    ffi_result! { socket::send_msg(s.into(), lend(msg)?, Flags::from_bits(flags)).map_err(reclaim) }
}

/// Receives a message; the caller owns `*msg_out` and frees it with `pnng_msg_free`. Blocks up to
/// the receive timeout unless `PNNG_FLAG_NONBLOCK`.
///
/// @param s The socket.
/// @param flags 0 to block, or `PNNG_FLAG_NONBLOCK`.
/// @param msg_out Receives the message on success; free it with `pnng_msg_free`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EAGAIN `PNNG_FLAG_NONBLOCK` was given and no message is waiting.
/// @retval PNNG_ETIMEDOUT The receive timeout expired.
/// @retval PNNG_ENOTSUP The protocol cannot receive (e.g. pub0, push0).
/// @retval PNNG_ESTATE The protocol cannot receive now (e.g. req0 before a request).
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_recv_msg(
    s: pnng_socket,
    flags: c_int,
    msg_out: *mut *mut pnng_msg,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(msg_out)?;
        put(out, give(socket::recv_msg(s.into(), Flags::from_bits(flags))?));
        Ok(())
    }
}

/// Receives a message and copies its body into `buf` (`cap` bytes), writing its length to
/// `*len_out`. A message longer than `cap` gives `PNNG_EMSGSIZE` with its length in `*len_out`, and
/// is NOT lost: the next receive on this socket returns it.
///
/// @param s The socket.
/// @param buf Receives the message body.
/// @param cap The size of `buf`.
/// @param flags 0 to block, or `PNNG_FLAG_NONBLOCK`.
/// @param len_out Receives the message length on success and with `PNNG_EMSGSIZE`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EAGAIN `PNNG_FLAG_NONBLOCK` was given and no message is waiting.
/// @retval PNNG_ETIMEDOUT The receive timeout expired.
/// @retval PNNG_ENOTSUP The protocol cannot receive (e.g. pub0, push0).
/// @retval PNNG_ESTATE The protocol cannot receive now (e.g. req0 before a request).
/// @retval PNNG_EMSGSIZE The buffer is too small.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_recv(
    s: pnng_socket,
    buf: *mut c_void,
    cap: usize,
    flags: c_int,
    len_out: *mut usize,
) -> pnng_result {
    ffi_result! { recv_into(len_out, buf, cap, |b| socket::recv_into(s.into(), b, Flags::from_bits(flags))) }
}

/// `pnng_socket_send` (blocking) that also ends when descriptor `fd` becomes readable or `ms`
/// milliseconds have passed: then it returns `PNNG_EINTR` and the send stays in progress, parked
/// on the calling thread. Calling it again on the same thread for the same socket resumes waiting
/// for that send (`data` is not looked at again); any other `*_fd` call on the thread, or
/// `pnng_fd_op_cancel`, cancels a parked operation first. `fd` is only polled, never read: empty
/// it before calling again. Meant for signal handling in language runtimes, with one foreign call
/// per operation: Python passes a 50 ms slice and runs its signal handlers whenever the call
/// returns `PNNG_EINTR` (a runtime may also pass the descriptor its signal handler writes to).
/// A send that can go at once does not wait at all.
///
/// @param s The socket.
/// @param data The bytes to send; may be NULL when `len` is 0.
/// @param len The number of bytes at `data`.
/// @param fd A descriptor to watch for readability, or a negative number for none.
/// @param ms The longest wait in milliseconds before `PNNG_EINTR`; negative: no limit.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINTR `fd` became readable or `ms` passed; the send is still in progress.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ETIMEDOUT The send timeout expired.
/// @retval PNNG_ENOTSUP The protocol cannot send (e.g. sub0, pull0).
/// @retval PNNG_ESTATE The protocol cannot send now (e.g. rep0 before a request).
/// @retval PNNG_EINVAL `fd` is not an open descriptor, or `data` is NULL with `len` > 0.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_send_fd(
    s: pnng_socket,
    data: *const c_void,
    len: usize,
    fd: c_int,
    ms: i32,
) -> pnng_result {
    ffi_result! { crate::core::interruptible::send(s.into(), bytes(data, len)?, fd, ms) }
}

/// `pnng_socket_recv` (blocking) that also ends with `PNNG_EINTR` when descriptor `fd` becomes
/// readable or `ms` milliseconds have passed; the receive stays parked on the calling thread as
/// for `pnng_socket_send_fd`, and the next `pnng_socket_recv_fd` for the same socket on that
/// thread resumes it. A message received by a parked receive that is then cancelled is kept: the
/// socket's next receive returns it. A message longer than `cap` gives `PNNG_EMSGSIZE` (its
/// length in `*len_out`) and is kept for the next receive, as with `pnng_socket_recv`.
///
/// @param s The socket.
/// @param buf Receives the message body.
/// @param cap The size of `buf`.
/// @param len_out Receives the message length on success and with `PNNG_EMSGSIZE`.
/// @param fd A descriptor to watch for readability, or a negative number for none.
/// @param ms The longest wait in milliseconds before `PNNG_EINTR`; negative: no limit.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINTR `fd` became readable or `ms` passed; the receive is still in progress.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ETIMEDOUT The receive timeout expired.
/// @retval PNNG_ENOTSUP The protocol cannot receive (e.g. pub0, push0).
/// @retval PNNG_ESTATE The protocol cannot receive now (e.g. req0 before a request).
/// @retval PNNG_EMSGSIZE The buffer is too small.
/// @retval PNNG_EINVAL `fd` is not an open descriptor, or a required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_recv_fd(
    s: pnng_socket,
    buf: *mut c_void,
    cap: usize,
    len_out: *mut usize,
    fd: c_int,
    ms: i32,
) -> pnng_result {
    ffi_result! {
        recv_into(len_out, buf, cap, |b| crate::core::interruptible::recv_into(s.into(), b, fd, ms))
    }
}

/// Cancels the operation a `pnng_socket_send_fd` or `pnng_socket_recv_fd` call that returned
/// `PNNG_EINTR` left in progress on the calling thread, and waits for it. A message it received
/// is kept for the socket's next receive. Nothing happens if none is in progress.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_fd_op_cancel() {
    ffi_boundary! { crate::core::interruptible::abandon() }
}

/// Subscribes a sub0 socket to messages starting with `len` bytes at `topic` (any bytes; length 0
/// matches everything). A sub0 socket with no subscription receives nothing. `PNNG_ENOTSUP` on
/// other protocols.
///
/// @param s The socket.
/// @param topic The topic; may be NULL when `len` is 0.
/// @param len The number of bytes at `topic`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP Not supported by this protocol or object.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_sub0_subscribe(
    s: pnng_socket,
    topic: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { options::set_bytes(Target::Socket(s.into()), c"sub:subscribe", bytes(topic, len)?) }
}

/// Removes a subscription; `PNNG_ENOENT` if there was none.
///
/// @param s The socket.
/// @param topic The topic; may be NULL when `len` is 0.
/// @param len The number of bytes at `topic`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOENT No such entry.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_sub0_unsubscribe(
    s: pnng_socket,
    topic: *const c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { options::set_bytes(Target::Socket(s.into()), c"sub:unsubscribe", bytes(topic, len)?) }
}

/// Opens a context on the socket; release it with `pnng_ctx_close`. `PNNG_ENOTSUP` for protocols
/// without contexts.
///
/// @param s The socket.
/// @param ctx_out Receives the context on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP Not supported by this protocol or object.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_new_context(
    s: pnng_socket,
    ctx_out: *mut pnng_ctx,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(ctx_out)?;
        put(out, ctx::open(s.into())?.into());
        Ok(())
    }
}

/// The socket's live pipes. Writes their number to `*len_out`; if it exceeds `cap`, returns
/// `PNNG_EMSGSIZE` and leaves `buf` untouched (call again with more room). A pipe is listed once
/// the protocol has started it, as its `PNNG_PIPE_EV_ADD_POST` callbacks begin (so once a pipe is
/// listed, a message the socket sends can go to it: waiting until `n` pipes are listed before a
/// pub, push, surveyor or bus send reaches all `n` peers), and no longer once it is closed
/// (`pnng_pipe_close`) or removed. A pipe in its `PNNG_PIPE_EV_ADD_PRE` callbacks is not listed.
///
/// @param s The socket.
/// @param buf Receives up to `cap` pipes; may be NULL when `cap` is 0.
/// @param cap The size of `buf`.
/// @param len_out Receives the number of pipes (also when `cap` is too small).
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EMSGSIZE The buffer is too small.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_pipes(
    s: pnng_socket,
    buf: *mut pnng_pipe,
    cap: usize,
    len_out: *mut usize,
) -> pnng_result {
    ffi_result! { put_list(socket::pipes(s.into())?, buf, cap, len_out) }
}

/// The socket's open dialers, as `pnng_socket_pipes`.
///
/// @param s The socket.
/// @param buf Receives up to `cap` dialers; may be NULL when `cap` is 0.
/// @param cap The size of `buf`.
/// @param len_out Receives the number of dialers (also when `cap` is too small).
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_dialers(
    s: pnng_socket,
    buf: *mut pnng_dialer,
    cap: usize,
    len_out: *mut usize,
) -> pnng_result {
    ffi_result! { put_list(socket::dialers(s.into())?, buf, cap, len_out) }
}

/// The socket's open listeners, as `pnng_socket_pipes`.
///
/// @param s The socket.
/// @param buf Receives up to `cap` listeners; may be NULL when `cap` is 0.
/// @param cap The size of `buf`.
/// @param len_out Receives the number of listeners (also when `cap` is too small).
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_listeners(
    s: pnng_socket,
    buf: *mut pnng_listener,
    cap: usize,
    len_out: *mut usize,
) -> pnng_result {
    ffi_result! { put_list(socket::listeners(s.into())?, buf, cap, len_out) }
}

/// Adds `cb` for `event` (`PNNG_PIPE_EV_*`); several callbacks per event run in registration order.
/// `cb == NULL` removes every callback of that event. Register before listening or dialing so no
/// connection is missed. Closing the pipe inside an `ADD_PRE` callback rejects the connection (a
/// `REM_POST` still follows). See `pnng_pipe_cb` for what a callback may do. `userdata` is passed
/// back untouched.
///
/// Threads and order: callbacks run on NNG's threads. For one pipe NNG runs every `ADD_PRE`
/// callback to the end before any `ADD_POST` one, and `REM_POST` last; events of different pipes
/// may interleave and run concurrently. A consumer that hands events to another thread (as
/// `pnng_socket_pipe_notify_cq` does) can therefore see `ADD_POST` while it is still working on
/// that pipe's `ADD_PRE` unless it handles events in queue order (pynng copes by creating the pipe
/// object on whichever event comes first). Closing the socket waits for callbacks that are running
/// and then no more run.
///
/// @param s The socket.
/// @param event `PNNG_PIPE_EV_ADD_PRE`, `PNNG_PIPE_EV_ADD_POST` or `PNNG_PIPE_EV_REM_POST`.
/// @param cb The callback; NULL removes every callback of `event`.
/// @param userdata Passed back to `cb` untouched.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_pipe_notify(
    s: pnng_socket,
    event: c_int,
    cb: pnng_pipe_cb,
    userdata: *mut c_void,
) -> pnng_result {
    ffi_result! {
        let event = PipeEvent::try_from(event)?;
        match cb {
            Some(cb) => socket::subscribe(s.into(), event, Subscriber::Callback { cb, userdata: userdata as usize }),
            None => socket::unsubscribe(s.into(), event, |s| matches!(s, Subscriber::Callback { .. })),
        }
    }
}

/// Removes one registration of `cb` with `userdata`; `PNNG_ENOENT` if there is none.
///
/// @param s The socket.
/// @param event The event `cb` was registered for.
/// @param cb The registered callback.
/// @param userdata The userdata it was registered with.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOENT No such entry.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_pipe_notify_remove(
    s: pnng_socket,
    event: c_int,
    cb: pnng_pipe_cb,
    userdata: *mut c_void,
) -> pnng_result {
    ffi_result! { socket::unsubscribe_callback(s.into(), PipeEvent::try_from(event)?, cb.ok_or(Error::Invalid)?, userdata as usize) }
}

/// Posts `event` to the completion queue `cq` instead of calling back; read entries with
/// `pnng_cq_pop_pipe_event`. The socket keeps `cq` alive while registered. `cq == NULL` removes the
/// queue registrations of that event. Rejecting a pipe is not possible this way (the event is read
/// later); close it with `pnng_pipe_close` instead.
///
/// @param s The socket.
/// @param event `PNNG_PIPE_EV_ADD_PRE`, `PNNG_PIPE_EV_ADD_POST` or `PNNG_PIPE_EV_REM_POST`.
/// @param cq The queue to post to; NULL removes the queue registrations of `event`.
/// @param userdata Returned with each event by `pnng_cq_pop_pipe_event`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_pipe_notify_cq(
    s: pnng_socket,
    event: c_int,
    cq: *const pnng_cq,
    userdata: *mut c_void,
) -> pnng_result {
    ffi_result! {
        let event = PipeEvent::try_from(event)?;
        if cq.is_null() {
            return socket::unsubscribe(s.into(), event, |s| matches!(s, Subscriber::Queue { .. }));
        }
        socket::subscribe(s.into(), event, Subscriber::Queue { cq: clone_arc(cq)?, userdata: userdata as usize })
    }
}

/// Writes `addr` as URL-like text (`tcp://127.0.0.1:5555`, `tcp://[::1]:5555`, `ipc:///tmp/x`,
/// `inproc://name`, `abstract://name`) into `buf` of `len` bytes, NUL-terminated. `PNNG_EMSGSIZE`
/// if it does not fit.
///
/// @param addr The address.
/// @param buf Receives the NUL-terminated text.
/// @param len The size of `buf` in bytes.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EMSGSIZE The buffer is too small.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup sockaddr
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_sockaddr_format(
    addr: *const pnng_sockaddr,
    buf: *mut c_char,
    len: usize,
) -> pnng_result {
    ffi_result! {
        let text = obj(addr)?.format();
        let buf = out_ptr(buf)?;
        if text.len() + 1 > len {
            return Err(Error::MsgSize);
        }
        // SAFETY: `buf` is non-NULL with `len` writable bytes (the export's contract), and
        // `len` has room for the text and the NUL.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast(), text.len());
            buf.add(text.len()).write(0);
        }
        Ok(())
    }
}
