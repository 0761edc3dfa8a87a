//! Contexts: independent protocol state machines sharing one socket (req, rep, sub, surveyor,
//! respondent).

use super::msg::Msg;
use super::oneshot;
use super::socket::{self, IdMap, Received, SocketState, copy_or_keep};
use super::sync::lock;
use super::sys;
use super::types::{CtxId, Flags, SocketId};
use crate::error::{Error, Result, check};
use once_cell::sync::Lazy;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// A context opened here: its socket's state (for the close gate) and a message a receive
/// could not fit into the caller's buffer. Listed until the context or its socket closes.
struct Entry {
    socket: Arc<SocketState>,
    pending: Option<Msg>,
}

/// The contexts opened here, by id: one lookup finds a context's gate and held-back message.
static CTXS: Lazy<Mutex<IdMap<CtxId, Entry>>> = Lazy::new(Default::default);

/// Runs `call` (an NNG function taking context `ctx`) behind the close gate of the context's
/// socket (`socket::start_op`): `Closed`, and nothing called, once that socket's close has
/// begun. NNG 1.12's `nni_ctx_rele` wakes a waiting socket close before it destroys a closed
/// context, whose protocol state then locks the socket that close frees: a call holding the
/// last reference while the socket closes aborts the process
/// (stress_regressions.rs ctx_operations_racing_their_socket_close_do_not_crash). Behind the
/// gate every such call has released its reference before the socket's close starts. A
/// context not opened here (a stale or foreign id, or one whose socket has closed) has no live
/// NNG context to race: `call` runs as it is, and NNG answers.
pub(crate) fn gated<T>(ctx: CtxId, call: impl FnOnce() -> T) -> Result<T> {
    let socket = lock(&CTXS).get(&ctx).map(|e| Arc::clone(&e.socket));
    match socket {
        Some(st) => {
            let mut out = None;
            st.start_op(|| out = Some(call()))?;
            out.ok_or(Error::Internal)
        }
        None => Ok(call()),
    }
}

/// Starts a receive on context `ctx` with one lookup: a held-back message goes to
/// `with_pending` at once; otherwise `start` runs behind the gate, as `gated`.
pub(crate) fn start_recv(
    ctx: CtxId,
    with_pending: impl FnOnce(Msg),
    start: impl FnOnce(),
) -> Result<()> {
    let (socket, pending) = match lock(&CTXS).get_mut(&ctx) {
        Some(e) => (Some(Arc::clone(&e.socket)), e.pending.take()),
        None => (None, None),
    };
    if let Some(m) = pending {
        with_pending(m);
        return Ok(());
    }
    match socket {
        Some(st) => st.start_op(start),
        None => {
            start();
            Ok(())
        }
    }
}

/// Drops every entry and the map's storage (used by `fini`).
pub fn forget_all() {
    drop(std::mem::take(&mut *lock(&CTXS)));
}

/// Takes a held-back message of the context, if any.
pub(crate) fn take_pending(ctx: CtxId) -> Option<Msg> {
    lock(&CTXS).get_mut(&ctx).and_then(|e| e.pending.take())
}

/// Lists context `id` of socket `st` (its socket's count follows, under the map's lock).
fn list(id: CtxId, st: Arc<SocketState>) {
    let mut map = lock(&CTXS);
    st.ctxs.fetch_add(1, Ordering::Relaxed);
    let old = map.insert(
        id,
        Entry {
            socket: st,
            pending: None,
        },
    );
    if let Some(e) = &old {
        // NNG reused the id of a context whose socket's close has not unlisted it yet.
        e.socket.ctxs.fetch_sub(1, Ordering::Relaxed);
    }
    drop(map);
    drop(old);
}

/// Unlists context `id`; its entry is dropped by the caller, outside the map's lock.
fn unlist(id: CtxId) -> Option<Entry> {
    let mut map = lock(&CTXS);
    let e = map.remove(&id);
    if let Some(e) = &e {
        e.socket.ctxs.fetch_sub(1, Ordering::Relaxed);
    }
    e
}

/// Forgets the contexts of a socket whose close has finished (NNG closed them with it): a
/// search of the map, made only when the socket has contexts listed (a context's open and
/// close then cost no per-socket bookkeeping of their own).
pub(crate) fn forget_socket(st: &Arc<SocketState>) {
    let mut map = lock(&CTXS);
    if st.ctxs.load(Ordering::Relaxed) == 0 {
        return;
    }
    let ids: Vec<CtxId> = map
        .iter()
        .filter(|(_, e)| Arc::ptr_eq(&e.socket, st))
        .map(|(id, _)| *id)
        .collect();
    let dropped: Vec<Entry> = ids.iter().filter_map(|c| map.remove(c)).collect();
    st.ctxs.fetch_sub(dropped.len(), Ordering::Relaxed);
    drop(map);
    drop(dropped);
}

/// Opens a context on socket `sock`.
pub fn open(sock: SocketId) -> Result<CtxId> {
    let st = socket::state(sock)?;
    let mut c = CtxId(0).nng();
    let mut rv = 0;
    // Behind the socket's gate, as every call on a context (see `gated`).
    st.start_op(|| {
        // SAFETY: NNG validates the socket id; the out-pointer is a live local.
        rv = unsafe { sys::nng_ctx_open(&mut c, sock.nng()) }
    })?;
    check(rv)?;
    let id = CtxId::of(c);
    // Listed before anyone else can know the id; the socket's close unlists it. Its close
    // marks the socket closing before it searches the map, so this either is found there or
    // sees the mark below and unlists itself.
    list(id, Arc::clone(&st));
    if st.is_closing() {
        drop(unlist(id));
    }
    Ok(id)
}

/// Closes the context; `Closed` for a second close.
pub fn close(ctx: CtxId) -> Result<()> {
    // SAFETY: NNG validates the id.
    let rv = gated(ctx, || unsafe { sys::nng_ctx_close(ctx.nng()) });
    drop(unlist(ctx));
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
        // A context closed meanwhile drops the message with it.
        if let Some(e) = lock(&CTXS).get_mut(&ctx) {
            e.pending.get_or_insert(m);
        }
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
