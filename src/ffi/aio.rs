//! Asynchronous operations (`pnng_aio`) and completion queues (`pnng_cq`).

use super::cast::{clone_arc, free_arc, to_arc_ptr, to_c_ptr, try_ref};
use super::msg::{give, lend, pnng_msg, reclaim};
use super::{ffi_boundary, ffi_result, out_ptr, pnng_ctx, pnng_pipe, pnng_socket, put};
use crate::abi::pnng_aio_cb;
use crate::core::aio::{Aio, Notify};
use crate::core::cq::Cq;
use crate::error::{Error, Result, pnng_result};
use std::ffi::{c_int, c_void};
use std::sync::Arc;

/// An asynchronous operation slot, NNG's `nng_aio`: one send or receive at a time.
///
/// Create it with `pnng_aio_new` (completion calls a callback) or `pnng_aio_new_cq`
/// (completion is posted to a `pnng_cq`); release it with `pnng_aio_free`. Start an operation
/// with `pnng_socket_send_aio`, `_recv_aio`, `pnng_ctx_send_aio`, `_recv_aio` or
/// `pnng_pipe_send_aio`: a start that returns 0 completes exactly once, with success or an
/// error (`PNNG_ETIMEDOUT`, `PNNG_ECLOSED`, `PNNG_ECANCELED`...) read by `pnng_aio_result`; a
/// start that returns non-zero started nothing and reports nothing (`PNNG_EBUSY`: an
/// operation is still running).
///
/// Messages: `pnng_aio_set_msg` gives the aio a message to send (the aio owns it; a successful
/// send consumes it); `pnng_aio_take_msg` takes the received message, or the unsent one back.
/// A message left on the aio is freed with it.
///
/// Re-entrancy (NNG's rules): inside the completion callback do not call `pnng_aio_free`,
/// `pnng_aio_wait` or `pnng_socket_close`; starting the next operation there is fine.
///
/// Callbacks run on one of NNG's task threads, never inside the call that started or
/// completed their operation. A callback must not block: the callbacks of operations it
/// completes (a receive its send satisfies) may run on the same thread right after it returns.
///
/// Methods: `pnng_aio_set_timeout`, `_set_msg`, `_take_msg`, `_take_body`, `_result`, `_wait`,
/// `_wait_timeout`, `_cancel`, `_busy`, `_free`.
///
/// Thread safety: movable.
///
/// @ingroup aio
pub struct pnng_aio {
    _private: [u8; 0],
}

/// A completion queue: operations (and pipe events) post here, and the owner pops them from
/// its own thread, so no foreign code ever runs on an NNG thread.
///
/// Create it with `pnng_cq_new`, release it with `pnng_cq_free` after freeing the aios that use
/// it. `pnng_cq_fd` gives an eventfd that is readable while entries wait (level-triggered: it
/// stays readable until the last entry is popped; it may also be readable for a moment with
/// none, so pop until `PNNG_EAGAIN`); poll it, never read it.
///
/// Methods: `pnng_cq_fd`, `_pop`, `_pop_pipe_event`, `_hold`, `_wait`, `_wake`, `_free`.
///
/// Thread safety: shareable (pop from one thread at a time for ordered delivery).
///
/// @ingroup cq
pub struct pnng_cq {
    _private: [u8; 0],
}

fn aio<'a>(a: *const pnng_aio) -> Result<&'a Aio> {
    try_ref(a)
}

fn cq<'a>(c: *const pnng_cq) -> Result<&'a Cq> {
    try_ref(c)
}

fn new_aio(notify: Notify, aio_out: *mut *mut pnng_aio) -> Result<()> {
    let out = out_ptr(aio_out)?;
    // Not a Box: the aio's one allocation with NNG's (Aio::new); freed by Aio::free.
    put(out, Aio::new(notify)?.as_ptr().cast::<pnng_aio>());
    Ok(())
}

/// A new aio whose completions call `cb(userdata)` (`cb` may be NULL: then poll with
/// `pnng_aio_wait`). The caller owns `*aio_out`.
///
/// @param cb Called (on an NNG thread) when an operation completes; may be NULL.
/// @param userdata Passed to `cb`.
/// @param aio_out Receives the aio on success; the caller owns it.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_new(
    cb: pnng_aio_cb,
    userdata: *mut c_void,
    aio_out: *mut *mut pnng_aio,
) -> pnng_result {
    ffi_result! {
        let notify = match cb {
            Some(cb) => Notify::Callback(cb, userdata as usize),
            None => Notify::None,
        };
        new_aio(notify, aio_out)
    }
}

/// A new aio whose completions are posted to `cq` with `userdata` (`pnng_cq_pop` returns both). The
/// aio keeps `cq` alive.
///
/// @param cq The completion queue to post completions to.
/// @param userdata Returned with the aio by `pnng_cq_pop`.
/// @param aio_out Receives the aio on success; the caller owns it.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_new_cq(
    cq: *mut pnng_cq,
    userdata: *mut c_void,
    aio_out: *mut *mut pnng_aio,
) -> pnng_result {
    ffi_result! {
        new_aio(Notify::Queue(clone_arc(cq)?, userdata as usize), aio_out)
    }
}

/// Cancels a running operation, waits for it to end, and frees the aio with any message it holds.
/// No callback or queue entry for it follows; an operation a callback still running starts on
/// it meanwhile fails with `PNNG_ECLOSED`. NULL is fine. Blocks briefly; never call it from the
/// aio's own callback.
///
/// @param a The aio.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_free(a: *mut pnng_aio) {
    ffi_boundary! {
        if let Some(a) = std::ptr::NonNull::new(a) {
            // SAFETY: the caller's contract: `a` came from pnng_aio_new* and is given up now.
            unsafe { Aio::free(a.cast()) }
        }
    }
}

/// The timeout of each following operation, in ms: -1 none, -2 (`PNNG_DURATION_DEFAULT`, the
/// initial value) the socket's or context's own timeout.
///
/// @param a The aio.
/// @param ms Milliseconds; -1 (`PNNG_DURATION_INFINITE`) none, -2 (`PNNG_DURATION_DEFAULT`) the
///        socket's or context's timeout.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_set_timeout(a: *mut pnng_aio, ms: i32) -> pnng_result {
    ffi_result! {
        aio(a)?.set_timeout(ms);
        Ok(())
    }
}

/// Gives `msg` to the aio for the next send. The aio owns it from now on (a message already on the
/// aio is freed). `PNNG_EBUSY` while an operation runs (then the caller keeps `msg`).
///
/// @param a The aio.
/// @param msg The message to send; the aio owns it on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EBUSY An operation is still running on the aio.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_set_msg(a: *mut pnng_aio, msg: *mut pnng_msg) -> pnng_result {
    ffi_result! {
        let a = aio(a)?;
        a.set_msg(lend(msg)?).map_err(reclaim)
    }
}

/// Takes the message on the aio (received, or an unsent one back); the caller owns it.
/// `PNNG_ENOENT` if there is none, `PNNG_EBUSY` while an operation runs.
///
/// @param a The aio.
/// @param msg_out Receives the message on success; the caller owns it.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The aio holds no message.
/// @retval PNNG_EBUSY An operation is still running on the aio.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_take_msg(
    a: *mut pnng_aio,
    msg_out: *mut *mut pnng_msg,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(msg_out)?;
        put(out, give(aio(a)?.take_msg()?));
        Ok(())
    }
}

/// Ends a completed receive in one call, for bindings whose foreign calls are dear:
/// `pnng_aio_result`, then `pnng_aio_take_msg`, then the message's body, length and pipe.
/// `info[0]` gets the body's length, `info[1]` the id of the pipe it came through (0: none).
/// A message without a header whose body fits in `cap` bytes has its body copied into `buf`
/// and is freed (`info[2]` gets 0); any other is handed to the caller as by
/// `pnng_aio_take_msg`, its address in `info[2]` (`buf` untouched). On an error nothing is
/// written and the aio keeps any message it holds.
///
/// @param a The aio, its receive completed.
/// @param buf Receives the body; may be NULL when `cap` is 0.
/// @param cap The size of `buf`.
/// @param info Receives three values: body length, pipe id, the message handed over or 0.
/// @return 0 (`PNNG_OK`) on success, else the operation's own error (as `pnng_aio_result`
/// gives it: `PNNG_ETIMEDOUT`, `PNNG_ECLOSED`...) or one of these:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The operation succeeded but the aio holds no message (a send's aio).
/// @retval PNNG_EBUSY An operation is still running on the aio.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_take_body(
    a: *mut pnng_aio,
    buf: *mut c_void,
    cap: usize,
    info: *mut u64,
) -> pnng_result {
    ffi_result! {
        let info = out_ptr(info)?;
        if cap > 0 {
            out_ptr(buf)?;
        }
        let a = aio(a)?;
        a.result()?;
        let m = a.take_msg()?;
        let len = m.len();
        let pipe = m.pipe().map_or(0, |p| p.0);
        let handed = if len <= cap && m.header_len() == 0 {
            if len > 0 {
                // SAFETY: buf is non-NULL with `cap` >= len writable bytes (the contract); the
                // body holds len bytes; the two cannot overlap (the message is ours).
                unsafe { std::ptr::copy_nonoverlapping(m.body_ptr(), buf.cast::<u8>(), len) };
            }
            0
        } else {
            give(m) as usize as u64
        };
        // SAFETY: non-NULL; the contract makes it three writable values.
        unsafe {
            info.write(len as u64);
            info.add(1).write(u64::from(pipe));
            info.add(2).write(handed);
        }
        Ok(())
    }
}

/// The outcome of the last operation (0 on success); `PNNG_EBUSY` while it runs.
///
/// @param a The aio.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EBUSY An operation is still running on the aio.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_result(a: *const pnng_aio) -> pnng_result {
    ffi_result! { aio(a)?.result() }
}

/// Blocks until the running operation (if any) has completed.
///
/// @param a The aio.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_wait(a: *mut pnng_aio) {
    ffi_boundary! {
        if let Ok(a) = aio(a) {
            let _ = a.wait(-1);
        }
    }
}

/// Waits at most `ms` (negative: forever) for the running operation. 0 once it is done (or none
/// runs), `PNNG_ETIMEDOUT` while it still runs. Waiting in short slices keeps a caller responsive
/// to signals such as Ctrl-C.
///
/// @param a The aio.
/// @param ms The longest wait in milliseconds; negative waits forever.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ETIMEDOUT The operation is still running after `ms`.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_wait_timeout(a: *mut pnng_aio, ms: i32) -> pnng_result {
    ffi_result! { aio(a)?.wait(ms) }
}

/// Waits at most `ms` for a running socket or context receive while the calling thread reads
/// the tcp or ipc connection it last sent on: when the message comes, the kernel wakes this
/// thread, which receives it itself, instead of waking the library's poller thread, which
/// would complete the aio and then wake the waiter (two thread switches fewer per message in
/// a request/reply exchange). For a runtime that waits for completions its own way (a
/// completion queue in an event loop) and can afford to block a thread briefly: wait a short
/// slice here first, then, on any result but 0, the usual way. The operation is never
/// cancelled, so nothing is lost between the two: its completion is reported as usual (a
/// callback, or an entry on its completion queue), also when it completes during this wait.
/// A completion queue's descriptor is not made readable for a completion during this wait:
/// after 0, pop the entry. One thread at a time waits this way for an aio.
///
/// @param a The aio.
/// @param fd A descriptor to watch for readability (the wait then ends with `PNNG_EINTR`), or
///   a negative number for none. Only polled, never read.
/// @param ms The longest wait in milliseconds; negative: no limit.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK The operation has completed (or none runs).
/// @retval PNNG_ETIMEDOUT The operation is still running after `ms`.
/// @retval PNNG_EINTR `fd` is readable (or not an open descriptor); the operation still runs.
/// @retval PNNG_ENOTSUP This thread has no connection to read for it (the operation is not a
///   socket or context receive, the transport is inproc or not a stream, the thread has not sent
///   on one, another thread reads it or waits this way, the connection is closing): returned at
///   once or before `ms` is over, the operation still running.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_wait_pipe(a: *mut pnng_aio, fd: c_int, ms: i32) -> pnng_result {
    ffi_result! { aio(a)?.wait_pipe(fd, ms) }
}

/// Asks the running operation to end with `PNNG_ECANCELED` (it may still complete normally if it
/// was finishing). Does not wait. Nothing happens if none runs.
///
/// @param a The aio.
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_cancel(a: *mut pnng_aio) {
    ffi_boundary! {
        if let Ok(a) = aio(a) {
            a.cancel();
        }
    }
}

/// True while an operation runs on the aio.
///
/// @param a The aio.
/// @return true while an operation runs, false otherwise (also for NULL).
/// @ingroup aio
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_aio_busy(a: *const pnng_aio) -> bool {
    ffi_boundary! { aio(a).map(Aio::is_busy).unwrap_or(false) }
}

/// Starts sending the message set with `pnng_aio_set_msg` (`PNNG_EINVAL` if none).
///
/// @param s The socket.
/// @param a The aio.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EINVAL No message was set on the aio, or a required pointer argument is NULL.
/// @retval PNNG_EBUSY An operation is still running on the aio.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_send_aio(s: pnng_socket, a: *mut pnng_aio) -> pnng_result {
    ffi_result! { aio(a)?.socket_send(s.into()) }
}

/// Starts receiving; take the message with `pnng_aio_take_msg`.
///
/// @param s The socket.
/// @param a The aio.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EBUSY An operation is still running on the aio.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_recv_aio(s: pnng_socket, a: *mut pnng_aio) -> pnng_result {
    ffi_result! { aio(a)?.socket_recv(s.into()) }
}

/// Starts sending the aio's message on a context.
///
/// @param c The context.
/// @param a The aio.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_EBUSY An operation is still running on the aio.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_send_aio(c: pnng_ctx, a: *mut pnng_aio) -> pnng_result {
    ffi_result! { aio(a)?.ctx_send(c.into()) }
}

/// Starts receiving on a context.
///
/// @param c The context.
/// @param a The aio.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_EBUSY An operation is still running on the aio.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_recv_aio(c: pnng_ctx, a: *mut pnng_aio) -> pnng_result {
    ffi_result! { aio(a)?.ctx_recv(c.into()) }
}

/// Starts sending the aio's message to one pipe's peer. `PNNG_ENOENT` (nothing started) if the pipe
/// is gone.
///
/// @param p The pipe.
/// @param a The aio.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid.
/// @retval PNNG_EBUSY An operation is still running on the aio.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_send_aio(p: pnng_pipe, a: *mut pnng_aio) -> pnng_result {
    ffi_result! { aio(a)?.pipe_send(p.into()) }
}

/// A new, empty completion queue; the caller owns `*cq_out`.
///
/// @param cq_out Receives the queue on success; the caller owns it.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup cq
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_cq_new(cq_out: *mut *mut pnng_cq) -> pnng_result {
    ffi_result! {
        let out = out_ptr(cq_out)?;
        put(out, to_arc_ptr(Arc::new(Cq::new()?)));
        Ok(())
    }
}

/// Drops the caller's reference; aios and sockets still using the queue keep it alive. NULL is
/// fine.
///
/// @param c The completion queue.
/// @ingroup cq
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_cq_free(c: *mut pnng_cq) {
    ffi_boundary! {
        free_arc(c)
    }
}

/// The queue's file descriptor, readable while entries wait. Owned by the queue.
///
/// @param c The completion queue.
/// @param fd_out Receives the descriptor on success (owned by the queue: do not close it).
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup cq
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_cq_fd(c: *const pnng_cq, fd_out: *mut c_int) -> pnng_result {
    ffi_result! {
        let out = out_ptr(fd_out)?;
        put(out, cq(c)?.fd());
        Ok(())
    }
}

/// Takes the oldest completed aio and its userdata; `PNNG_EAGAIN` when none waits. Read the outcome
/// with `pnng_aio_result`. Never blocks.
///
/// @param c The completion queue.
/// @param aio_out Receives the completed aio.
/// @param userdata_out Receives the aio's userdata.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EAGAIN No completion is waiting.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup cq
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_cq_pop(
    c: *mut pnng_cq,
    aio_out: *mut *mut pnng_aio,
    userdata_out: *mut *mut c_void,
) -> pnng_result {
    ffi_result! {
        let (aio_out, ud_out) = (out_ptr(aio_out)?, out_ptr(userdata_out)?);
        let (a, ud) = cq(c)?.pop_aio().ok_or(Error::Again)?;
        put(aio_out, to_c_ptr(a));
        put(ud_out, ud as *mut c_void);
        Ok(())
    }
}

/// Takes the oldest pipe event posted by `pnng_socket_pipe_notify_cq`; `PNNG_EAGAIN` when none
/// waits. Never blocks.
///
/// @param c The completion queue.
/// @param pipe_out Receives the pipe.
/// @param event_out Receives the event, a `PNNG_PIPE_EV_*` value.
/// @param userdata_out Receives the userdata given at registration.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EAGAIN No pipe event is waiting.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup cq
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_cq_pop_pipe_event(
    c: *mut pnng_cq,
    pipe_out: *mut pnng_pipe,
    event_out: *mut c_int,
    userdata_out: *mut *mut c_void,
) -> pnng_result {
    ffi_result! {
        let (p_out, e_out, ud_out) = (out_ptr(pipe_out)?, out_ptr(event_out)?, out_ptr(userdata_out)?);
        let (p, ev, ud) = cq(c)?.pop_pipe_event().ok_or(Error::Again)?;
        put(p_out, p.into());
        put(e_out, ev.code());
        put(ud_out, ud as *mut c_void);
        Ok(())
    }
}

/// Holds (`hold` true) or releases (false) the queue for the calling thread. While a thread holds
/// it, the completions that thread posts itself (operations NNG completes inline, within a call
/// made from that thread) do not make the descriptor readable: for an event loop that pops the
/// queue right after its own calls, which saves a `write` and a `read` system call per such
/// completion. Completions posted by other threads are signalled as usual. Releasing makes the
/// descriptor readable if entries wait. One queue per thread is held at a time. Never blocks.
///
/// @param c The completion queue.
/// @param hold true to hold, false to release.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup cq
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_cq_hold(c: *const pnng_cq, hold: bool) -> pnng_result {
    ffi_result! {
        let q = cq(c)?;
        if hold {
            q.hold();
        } else {
            q.release();
        }
        Ok(())
    }
}

/// Blocks until an entry waits (0), `ms` pass (`PNNG_ETIMEDOUT`), or `pnng_cq_wake` is called
/// (`PNNG_EINTR` when nothing is queued); negative `ms` waits forever. Pops nothing. For runtimes
/// that wait on a worker thread instead of polling the fd.
///
/// @param c The completion queue.
/// @param ms The longest wait in milliseconds; negative waits forever.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ETIMEDOUT `ms` passed with nothing queued.
/// @retval PNNG_EINTR `pnng_cq_wake` was called and nothing is queued.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup cq
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_cq_wait(c: *const pnng_cq, ms: i32) -> pnng_result {
    ffi_result! { cq(c)?.wait(ms) }
}

/// Makes a thread blocked in `pnng_cq_wait` on this queue return now (or the next call, if none is
/// blocked), so a runtime can stop its waiter without a timeout. Never blocks.
///
/// @param c The completion queue.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup cq
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_cq_wake(c: *const pnng_cq) -> pnng_result {
    ffi_result! {
        cq(c)?.wake();
        Ok(())
    }
}
