//! Contexts: independent protocol state machines sharing one socket (req, rep, sub, surveyor,
//! respondent).

use super::msg::Msg;
use super::oneshot;
use super::socket::{self, Received, copy_or_keep};
use super::sync::lock;
use super::sys;
use super::types::{CtxId, Flags, SocketId};
use crate::error::{Error, Result, check};
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::sync::Mutex;

/// Messages a context receive could not fit into the caller's buffer, by context id.
static PENDING: Lazy<Mutex<HashMap<CtxId, Msg>>> = Lazy::new(Default::default);

/// The socket of each context opened here, for `gated`.
static SOCKET_OF: Lazy<Mutex<HashMap<CtxId, SocketId>>> = Lazy::new(Default::default);

/// Runs `call` (an NNG function taking context `ctx`) behind the close gate of the context's
/// socket (`socket::start_op`): `Closed`, and nothing called, once that socket's close has
/// begun. NNG 1.12's `nni_ctx_rele` wakes a waiting socket close before it destroys a closed
/// context, whose protocol state then locks the socket that close frees: a call holding the
/// last reference while the socket closes aborts the process
/// (stress_regressions.rs ctx_operations_racing_their_socket_close_do_not_crash). Behind the
/// gate every such call has released its reference before the socket's close starts. A
/// context not opened here (a stale or foreign id) has no live NNG context to race: `call`
/// runs as it is, and NNG answers.
pub(crate) fn gated<T>(ctx: CtxId, call: impl FnOnce() -> T) -> Result<T> {
    let sock = lock(&SOCKET_OF).get(&ctx).copied();
    match sock {
        Some(sock) => {
            let mut out = None;
            socket::start_op(sock, || out = Some(call()))?;
            out.ok_or(Error::Internal)
        }
        None => Ok(call()),
    }
}

/// Drops every held-back message and the maps' storage (used by `fini`).
pub fn forget_all() {
    let all = std::mem::take(&mut *lock(&PENDING));
    drop(all);
    drop(std::mem::take(&mut *lock(&SOCKET_OF)));
}

/// Takes a held-back message of the context, if any.
pub(crate) fn take_pending(ctx: CtxId) -> Option<Msg> {
    lock(&PENDING).remove(&ctx)
}

/// Opens a context on socket `sock`.
pub fn open(sock: SocketId) -> Result<CtxId> {
    let mut c = CtxId(0).nng();
    let mut rv = 0;
    // Behind the socket's gate, as every call on a context (see `gated`).
    socket::start_op(sock, || {
        // SAFETY: NNG validates the socket id; the out-pointer is a live local.
        rv = unsafe { sys::nng_ctx_open(&mut c, sock.nng()) }
    })?;
    check(rv)?;
    let id = CtxId::of(c);
    // Listed before anyone else can know the id. A context closed with its socket stays listed
    // (a few bytes); its calls are then refused by the closed socket's gate, as NNG would.
    lock(&SOCKET_OF).insert(id, sock);
    Ok(id)
}

/// Closes the context; `Closed` for a second close.
pub fn close(ctx: CtxId) -> Result<()> {
    // SAFETY: NNG validates the id.
    let rv = gated(ctx, || unsafe { sys::nng_ctx_close(ctx.nng()) });
    lock(&SOCKET_OF).remove(&ctx);
    drop(take_pending(ctx));
    check(rv?)
}

/// Sends `msg` on the context; on failure it comes back with the error.
pub fn send_msg(ctx: CtxId, msg: Msg, flags: Flags) -> std::result::Result<(), (Error, Msg)> {
    if let Err(e) = flags.check(Flags::NONBLOCK) {
        return Err((e, msg));
    }
    oneshot::send(msg, flags, |a| {
        // SAFETY: NNG validates the id and completes the valid, idle aio exactly once.
        gated(ctx, || unsafe { sys::nng_ctx_send(ctx.nng(), a) })
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
        gated(ctx, || unsafe { sys::nng_ctx_recv(ctx.nng(), a) })
    })
}

/// Receives into `buf`; a message that does not fit is kept for the context's next receive.
pub fn recv_into(ctx: CtxId, buf: &mut [u8], flags: Flags) -> Result<Received> {
    let msg = recv_msg(ctx, flags)?;
    Ok(copy_or_keep(msg, buf, |m| {
        lock(&PENDING).entry(ctx).or_insert(m);
    }))
}

/// Subscribes (or unsubscribes) a sub0 context to a topic of arbitrary bytes.
pub fn subscribe(ctx: CtxId, topic: &[u8], on: bool) -> Result<()> {
    let p = topic.as_ptr().cast();
    // SAFETY: NNG validates the id and copies `topic.len()` bytes from the live slice (it
    // accepts a zero length with any pointer).
    check(gated(ctx, || unsafe {
        if on {
            sys::nng_sub0_ctx_subscribe(ctx.nng(), p, topic.len())
        } else {
            sys::nng_sub0_ctx_unsubscribe(ctx.nng(), p, topic.len())
        }
    })?)
}
