//! Contexts: independent protocol state machines sharing one socket (req, rep, sub, surveyor,
//! respondent).

use super::held::HeldBack;
use super::msg::Msg;
use super::oneshot;
use super::socket::{Received, copy_or_keep};
use super::sys;
use super::types::{CtxId, Flags, SocketId};
use crate::error::{Error, Result, check};

// Every context call goes straight to NNG: NNG refuses a closed context (or one whose socket
// closed) itself, and pnng's copy destroys a closed context before its socket's close can go on
// (vendor/nng-patches/0036), so a call racing the socket's close cannot reach a freed socket
// (stress_regressions.rs ctx_operations_racing_their_socket_close_do_not_crash). A context
// call reaches its protocol only while the context holds NNG's reference, and the protocol's
// ctx_fini (which finishes every operation a context queued, with `Closed`) runs after the last
// reference is gone and before the socket's protocol closes: no operation is lost.

/// Messages held back for a context's next receive (see `held`).
static PENDING: HeldBack<CtxId> = HeldBack::new();

/// Drops every held-back message (used by `fini`).
pub fn forget_all() {
    PENDING.clear();
}

/// Takes a held-back message of the context, if any.
pub(crate) fn take_pending(ctx: CtxId) -> Option<Msg> {
    PENDING.take(ctx)
}

/// Whether NNG still knows context `ctx` as open (closed contexts, and those of a closed
/// socket, answer `Closed`).
fn is_open(ctx: CtxId) -> bool {
    let mut ms = 0;
    // SAFETY: NNG validates the id; the name is a NUL-terminated constant and the out-pointer
    // a live local.
    let rv =
        unsafe { sys::nng_ctx_get_ms(ctx.nng(), sys::NNG_OPT_RECVTIMEO.as_ptr().cast(), &mut ms) };
    rv != sys::NNG_ECLOSED as i32
}

/// Drops the held-back messages of contexts that have closed (called when a socket closes:
/// NNG closed its contexts with it).
pub(crate) fn forget_closed() {
    PENDING.forget_closed(is_open);
}

/// Opens a context on socket `sock`.
pub fn open(sock: SocketId) -> Result<CtxId> {
    let mut c = CtxId(0).nng();
    // SAFETY: NNG validates the socket id; the out-pointer is a live local.
    check(unsafe { sys::nng_ctx_open(&mut c, sock.nng()) })?;
    Ok(CtxId::of(c))
}

/// Closes the context; `Closed` for a second close.
pub fn close(ctx: CtxId) -> Result<()> {
    // SAFETY: NNG validates the id.
    let rv = unsafe { sys::nng_ctx_close(ctx.nng()) };
    drop(take_pending(ctx));
    check(rv)
}

/// Sends `msg` on the context; on failure it comes back with the error.
pub fn send_msg(ctx: CtxId, msg: Msg, flags: Flags) -> std::result::Result<(), (Error, Msg)> {
    if let Err(e) = flags.check(Flags::NONBLOCK) {
        return Err((e, msg));
    }
    oneshot::send(msg, flags, |a| {
        // SAFETY: NNG validates the id and completes the valid, idle aio exactly once.
        unsafe { sys::nng_ctx_send(ctx.nng(), a) };
        Ok(())
    })
}

/// Receives a message on the context, returning a held-back one first.
pub fn recv_msg(ctx: CtxId, flags: Flags) -> Result<Msg> {
    flags.check(Flags::NONBLOCK)?;
    if let Some(m) = take_pending(ctx) {
        return Ok(m);
    }
    oneshot::recv(flags, |a| {
        // SAFETY: NNG validates the id and completes the valid, idle aio exactly once.
        unsafe { sys::nng_ctx_recv(ctx.nng(), a) };
        Ok(())
    })
}

/// Receives into `buf`; a message that does not fit is kept for the context's next receive.
pub fn recv_into(ctx: CtxId, buf: &mut [u8], flags: Flags) -> Result<Received> {
    let msg = recv_msg(ctx, flags)?;
    Ok(copy_or_keep(msg, buf, |m| {
        PENDING.keep(ctx, m, || is_open(ctx))
    }))
}

/// Subscribes (or unsubscribes) a sub0 context to a topic of arbitrary bytes.
pub fn subscribe(ctx: CtxId, topic: &[u8], on: bool) -> Result<()> {
    let p = topic.as_ptr().cast();
    // SAFETY: NNG validates the id and copies `topic.len()` bytes from the live slice (it
    // accepts a zero length with any pointer).
    check(unsafe {
        if on {
            sys::nng_sub0_ctx_subscribe(ctx.nng(), p, topic.len())
        } else {
            sys::nng_sub0_ctx_unsubscribe(ctx.nng(), p, topic.len())
        }
    })
}
