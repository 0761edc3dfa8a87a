//! Contexts: independent protocol state machines sharing one socket (req, rep, sub, surveyor,
//! respondent).

use super::msg::Msg;
use super::oneshot;
use super::socket::{self, FLAG_NONBLOCK, Received, copy_or_keep, lock};
use super::{nng_ctx, nng_socket, sys};
use crate::error::{Error, Result, check};
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::ffi::c_int;
use std::sync::Mutex;

/// Messages a context receive could not fit into the caller's buffer, by context id.
static PENDING: Lazy<Mutex<HashMap<u32, Msg>>> = Lazy::new(Default::default);

/// The socket of each context opened here, for `gated`.
static SOCKET_OF: Lazy<Mutex<HashMap<u32, u32>>> = Lazy::new(Default::default);

/// Runs `call` (an NNG function taking context `ctx`) behind the close gate of the context's
/// socket (`socket::start_op`): `Closed`, and nothing called, once that socket's close has
/// begun. NNG 1.11's `nni_ctx_rele` wakes a waiting socket close before it destroys a closed
/// context, whose protocol state then locks the socket that close frees: a call holding the
/// last reference while the socket closes aborts the process
/// (stress_regressions.rs ctx_operations_racing_their_socket_close_do_not_crash). Behind the
/// gate every such call has released its reference before the socket's close starts. A
/// context not opened here (a stale or foreign id) has no live NNG context to race: `call`
/// runs as it is, and NNG answers.
pub(crate) fn gated<T>(ctx: u32, call: impl FnOnce() -> T) -> Result<T> {
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
pub fn take_pending(ctx: u32) -> Option<Msg> {
    lock(&PENDING).remove(&ctx)
}

pub fn open(sock: u32) -> Result<u32> {
    let mut c = nng_ctx(0);
    let mut rv = 0;
    // Behind the socket's gate, as every call on a context (see `gated`).
    // SAFETY: NNG validates the socket id; out-pointer valid.
    socket::start_op(sock, || {
        rv = unsafe { sys::nng_ctx_open(&mut c, nng_socket(sock)) }
    })?;
    check(rv)?;
    let id = c._bindgen_opaque_blob;
    // Listed before anyone else can know the id. A context closed with its socket stays listed
    // (a few bytes); its calls are then refused by the closed socket's gate, as NNG would.
    lock(&SOCKET_OF).insert(id, sock);
    Ok(id)
}

pub fn close(ctx: u32) -> Result<()> {
    // SAFETY: NNG validates the id.
    let rv = gated(ctx, || unsafe { sys::nng_ctx_close(nng_ctx(ctx)) });
    lock(&SOCKET_OF).remove(&ctx);
    drop(take_pending(ctx));
    check(rv?)
}

pub fn send_msg(ctx: u32, msg: Msg, flags: c_int) -> std::result::Result<(), (Error, Msg)> {
    if flags & !FLAG_NONBLOCK != 0 {
        return Err((Error::Invalid, msg));
    }
    // SAFETY: NNG validates the id and completes the aio exactly once.
    oneshot::send(msg, flags, |a| {
        gated(ctx, || unsafe { sys::nng_ctx_send(nng_ctx(ctx), a) })
    })
}

pub fn recv_msg(ctx: u32, flags: c_int) -> Result<Msg> {
    if flags & !FLAG_NONBLOCK != 0 {
        return Err(Error::Invalid);
    }
    if let Some(m) = take_pending(ctx) {
        return Ok(m);
    }
    // SAFETY: NNG validates the id and completes the aio exactly once.
    oneshot::recv(flags, |a| {
        gated(ctx, || unsafe { sys::nng_ctx_recv(nng_ctx(ctx), a) })
    })
}

/// Receives into `buf`; a message that does not fit is kept for the context's next receive.
pub fn recv_into(ctx: u32, buf: &mut [u8], flags: c_int) -> Result<Received> {
    let msg = recv_msg(ctx, flags)?;
    Ok(copy_or_keep(msg, buf, |m| {
        lock(&PENDING).entry(ctx).or_insert(m);
    }))
}

/// Subscribes (or unsubscribes) a sub0 context to a topic of arbitrary bytes.
pub fn subscribe(ctx: u32, topic: &[u8], on: bool) -> Result<()> {
    let p = topic.as_ptr().cast();
    // SAFETY: valid pointer and length (NNG accepts a zero length with any pointer).
    check(gated(ctx, || unsafe {
        if on {
            sys::nng_sub0_ctx_subscribe(nng_ctx(ctx), p, topic.len())
        } else {
            sys::nng_sub0_ctx_unsubscribe(nng_ctx(ctx), p, topic.len())
        }
    })?)
}
