//! Sockets: opening one per protocol, closing, listen/dial, synchronous send and receive, and
//! the per-socket state NNG has no place for (pipe-event subscribers, the live pipe, dialer
//! and listener lists, and a message held back by a too-small receive buffer).

use super::cq::Cq;
use super::msg::Msg;
use super::oneshot;
use super::{nng_socket, sys};
use crate::error::{Error, Result, check};
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::ffi::{CStr, CString, c_int, c_void};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

pub(crate) use crate::ffi::consts::{
    PNNG_DIAL_FALLBACK as DIAL_FALLBACK, PNNG_FLAG_NONBLOCK as FLAG_NONBLOCK,
};

/// The C type of a pipe-event callback, as the FFI layer declares it.
pub type PipeCallback =
    unsafe extern "C" fn(pipe: crate::ffi::pnng_pipe, event: c_int, userdata: *mut c_void);

/// One party interested in a pipe event.
#[derive(Clone)]
pub enum Subscriber {
    Callback { cb: PipeCallback, userdata: usize },
    Queue { cq: Arc<Cq>, userdata: usize },
}

impl Subscriber {
    fn same_callback(&self, cb: PipeCallback, userdata: usize) -> bool {
        matches!(self, Subscriber::Callback { cb: c, userdata: u } if *c as usize == cb as usize && *u == userdata)
    }
}

/// Number of pipe events (`ADD_PRE`, `ADD_POST`, `REM_POST`).
const PIPE_EVENTS: usize = 3;

#[derive(Default)]
pub struct SocketState {
    /// The name set with `socket-name`, kept here: NNG 1.11's own copy-in has its size
    /// arguments swapped (no length check, no terminator), so pnng checks and stores it.
    name: Mutex<Option<CString>>,
    /// A message a receive could not fit into the caller's buffer; the next receive returns it.
    pending: Mutex<Option<Msg>>,
    subscribers: Mutex<[Vec<Subscriber>; PIPE_EVENTS]>,
    /// Live pipes: listed once their ADD_PRE callbacks accepted them, until REM_POST or
    /// pnng_pipe_close, whichever comes first.
    pipes: Mutex<Pipes>,
    dialers: Mutex<Vec<u32>>,
    listeners: Mutex<Vec<u32>>,
    /// A cooked surveyor: a non-blocking receive looks at the receive fd first (see
    /// `is_cooked_surveyor`).
    cooked_surveyor: bool,
    /// The cooked protocol number (0 for raw sockets), for `interruptible`'s choice of wait.
    cooked_proto: u32,
    /// Set when close begins; operations start only while it is clear (see `start_op`).
    closing: RwLock<bool>,
    /// The aios of devices forwarding through this socket (addresses of `nng_aio`s), aborted
    /// when it closes: NNG 1.11 stops a device only when a receive fails, so closing its
    /// send-only side would otherwise wait until the other side closes.
    devices: Mutex<Vec<usize>>,
}

static SOCKETS: Lazy<Mutex<HashMap<u32, Arc<SocketState>>>> = Lazy::new(Default::default);

/// Locks a mutex, ignoring poisoning: every critical section here leaves its data consistent.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Waits on `cv` while `busy` holds, at most `ms` (negative: forever); `TimedOut` if still busy.
pub(crate) fn wait_while<T>(
    m: &Mutex<T>,
    cv: &Condvar,
    ms: i32,
    busy: impl Fn(&T) -> bool,
) -> Result<()> {
    let deadline = (ms >= 0).then(|| Instant::now() + Duration::from_millis(ms as u64));
    let mut guard = lock(m);
    while busy(&guard) {
        guard = match deadline {
            None => cv.wait(guard).unwrap_or_else(|p| p.into_inner()),
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    return Err(Error::TimedOut);
                }
                cv.wait_timeout(guard, d - now)
                    .unwrap_or_else(|p| p.into_inner())
                    .0
            }
        };
    }
    Ok(())
}

/// The socket's pipes as pnng sees them (see `SocketState::pipes`).
#[derive(Default)]
struct Pipes {
    live: Vec<u32>,
    /// Closed with pnng_pipe_close and not yet removed by NNG: never listed again, even when
    /// the close came from an ADD_PRE callback (a rejection) before the pipe was listed.
    closed: Vec<u32>,
    /// Pipes whose ADD_PRE callbacks are running, and whether NNG removed the pipe meanwhile
    /// (a pipe rejected in ADD_PRE can reach REM_POST on the reaper thread before the
    /// callback returns).
    in_pre: Vec<(u32, bool)>,
}

impl Pipes {
    fn pre_started(&mut self, pid: u32) {
        self.in_pre.push((pid, false));
    }

    /// After the ADD_PRE callbacks: listed, unless closed or removed meanwhile.
    fn pre_done(&mut self, pid: u32) {
        let removed = match self.in_pre.iter().position(|e| e.0 == pid) {
            Some(i) => self.in_pre.swap_remove(i).1,
            None => false,
        };
        if removed {
            self.closed.retain(|&p| p != pid); // REM_POST came already: nothing more will
        } else if !self.closed.contains(&pid) && !self.live.contains(&pid) {
            self.live.push(pid);
        }
    }

    fn removed(&mut self, pid: u32) {
        self.live.retain(|&p| p != pid);
        match self.in_pre.iter_mut().find(|e| e.0 == pid) {
            Some(e) => e.1 = true, // pre_done cleans up
            None => self.closed.retain(|&p| p != pid),
        }
    }
}

/// The state of an open socket, or `Closed`.
pub fn state(id: u32) -> Result<Arc<SocketState>> {
    lock(&SOCKETS).get(&id).cloned().ok_or(Error::Closed)
}

/// Drops every registry entry and its storage (used by `fini`, so leak checkers see nothing).
pub fn forget_all() {
    let all = std::mem::take(&mut *lock(&SOCKETS));
    drop(all);
}

/// An NNG protocol opener such as `nng_req0_open`.
pub type Opener = unsafe extern "C" fn(*mut sys::nng_socket) -> c_int;

/// Opens a socket with `opener` and sets up pnng's per-socket state.
pub fn open(opener: Opener) -> Result<u32> {
    let mut s = nng_socket(0);
    // SAFETY: opener writes the new socket on success.
    check(unsafe { opener(&mut s) })?;
    let id = s._bindgen_opaque_blob;
    let st = SocketState {
        cooked_surveyor: is_cooked_surveyor(s),
        cooked_proto: cooked_proto(s),
        ..Default::default()
    };
    lock(&SOCKETS).insert(id, Arc::new(st));
    // recv-size-max stays NNG's default, 0 (no limit), as in NNG and pynng.
    let setup = || -> Result<()> {
        for ev in 0..PIPE_EVENTS as u32 {
            // SAFETY: the trampoline finds the socket by id, so no pointer can dangle.
            check(unsafe {
                sys::nng_pipe_notify(s, ev, Some(pipe_event), id as usize as *mut c_void)
            })?;
        }
        Ok(())
    };
    if let Err(e) = setup() {
        let _ = close(id);
        return Err(e);
    }
    Ok(id)
}

/// NNG 1.11's cooked surveyor takes a non-blocking receive (timeout 0) for "wait until the
/// survey ends" (surv0_ctx_recv treats every timeout < 1 so), and a receive that times out
/// or is cancelled ends the survey (surv0_ctx_cancel), so no shorter wait can stand in for
/// it. A non-blocking receive on such a socket therefore first asks the socket's receive fd
/// whether a message waits, and is `Again` without touching the survey when none does.
/// (Contexts have no such fd: a non-blocking receive on a surveyor context waits as NNG's.)
fn is_cooked_surveyor(s: sys::nng_socket) -> bool {
    let (mut proto, mut raw) = (0, false);
    // SAFETY: valid socket and option names; out-pointers valid.
    unsafe {
        sys::nng_socket_get_int(s, sys::NNG_OPT_PROTO.as_ptr().cast(), &mut proto) == 0
            && sys::nng_socket_get_bool(s, sys::NNG_OPT_RAW.as_ptr().cast(), &mut raw) == 0
            && proto == sys::NNG_SURVEYOR0_SELF as c_int
            && !raw
    }
}

/// Starts an operation on socket `id` with `start` unless the socket's close has begun;
/// `Closed` then, and nothing started. NNG 1.11 loses an operation that reaches the protocol
/// after the protocol's close ran (pair0_sock_recv does not check), which then blocks forever
/// although the socket is closed. Behind this gate every operation is either queued before
/// close begins, and so woken by it, or refused.
pub(crate) fn start_op(id: u32, start: impl FnOnce()) -> Result<()> {
    state(id)?.start_op(start)
}

impl SocketState {
    /// `start_op` for a socket whose state the caller already holds.
    fn start_op(&self, start: impl FnOnce()) -> Result<()> {
        let closing = self.closing.read().unwrap_or_else(|p| p.into_inner());
        if *closing {
            return Err(Error::Closed);
        }
        start();
        Ok(())
    }
}

/// The protocol number of a cooked socket, 0 for a raw one.
fn cooked_proto(s: sys::nng_socket) -> u32 {
    let (mut proto, mut raw) = (0, true);
    // SAFETY: valid socket and option names; out-pointers valid.
    unsafe {
        sys::nng_socket_get_int(s, sys::NNG_OPT_PROTO.as_ptr().cast(), &mut proto);
        sys::nng_socket_get_bool(s, sys::NNG_OPT_RAW.as_ptr().cast(), &mut raw);
    }
    if raw { 0 } else { proto as u32 }
}

/// The socket's cooked protocol number (0: raw); `Closed` once closed.
pub fn cooked_protocol(id: u32) -> Result<u32> {
    Ok(state(id)?.cooked_proto)
}

/// Whether the socket's receive fd says a message is waiting (see `is_cooked_surveyor`).
fn message_waiting(id: u32) -> Result<bool> {
    let mut fd: c_int = -1;
    // SAFETY: valid option name and out-pointer; NNG owns the fd, we only poll it.
    check(unsafe {
        sys::nng_socket_get_int(nng_socket(id), sys::NNG_OPT_RECVFD.as_ptr().cast(), &mut fd)
    })?;
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no waiting.
    Ok(unsafe { libc::poll(&mut p, 1, 0) } == 1 && p.revents & libc::POLLIN != 0)
}

/// Closes the socket. Blocked calls on it return `Closed`; a second close returns `Closed`.
pub fn close(id: u32) -> Result<()> {
    if let Ok(st) = state(id) {
        *st.closing.write().unwrap_or_else(|p| p.into_inner()) = true;
        for &aio in lock(&st.devices).iter() {
            // SAFETY: a device aio stays valid while listed (device.rs unlists it under this
            // lock before freeing it); NNG completes the aborted device asynchronously.
            unsafe { sys::nng_aio_abort(aio as *mut sys::nng_aio, sys::NNG_ECLOSED as c_int) };
        }
    }
    // SAFETY: NNG validates the id. It waits for running pipe callbacks, which take the
    // registry lock only briefly, so it must not be held here.
    let rv = unsafe { sys::nng_close(nng_socket(id)) };
    let removed = lock(&SOCKETS).remove(&id);
    drop(removed);
    check(rv)
}

fn check_flags(flags: c_int, allowed: c_int) -> Result<()> {
    if flags & !allowed != 0 {
        Err(Error::Invalid)
    } else {
        Ok(())
    }
}

/// Sends a copy of `data`.
pub fn send(id: u32, data: &[u8], flags: c_int) -> Result<()> {
    check_flags(flags, FLAG_NONBLOCK)?;
    send_msg(id, Msg::from_bytes(data)?, flags).map_err(|(e, _)| e)
}

/// Sends `msg`; on failure it comes back with the error.
pub fn send_msg(id: u32, msg: Msg, flags: c_int) -> std::result::Result<(), (Error, Msg)> {
    if let Err(e) = check_flags(flags, FLAG_NONBLOCK) {
        return Err((e, msg));
    }
    // SAFETY: NNG validates the id and completes the aio exactly once.
    oneshot::send(msg, flags, |a| {
        start_op(id, || unsafe { sys::nng_send_aio(nng_socket(id), a) })
    })
}

/// Receives a message, returning a held-back one first.
pub fn recv_msg(id: u32, flags: c_int) -> Result<Msg> {
    check_flags(flags, FLAG_NONBLOCK)?;
    let st = state(id)?;
    if let Some(m) = lock(&st.pending).take() {
        return Ok(m);
    }
    if st.cooked_surveyor && flags & FLAG_NONBLOCK != 0 && !message_waiting(id)? {
        return Err(Error::Again);
    }
    // SAFETY: NNG validates the id and completes the aio exactly once.
    oneshot::recv(flags, |a| {
        st.start_op(|| unsafe { sys::nng_recv_aio(nng_socket(id), a) })
    })
}

/// Outcome of a receive into a caller's buffer.
pub enum Received {
    /// This many bytes were copied.
    Copied(usize),
    /// The message needs this many bytes; it is kept for the next receive.
    TooLarge(usize),
}

/// Copies `msg` into `buf`, or hands it to `keep` when it does not fit (so it is not lost).
pub fn copy_or_keep(msg: Msg, buf: &mut [u8], keep: impl FnOnce(Msg)) -> Received {
    let n = msg.len();
    if n > buf.len() {
        keep(msg);
        return Received::TooLarge(n);
    }
    buf[..n].copy_from_slice(msg.body());
    Received::Copied(n)
}

/// Receives into `buf`. A message that does not fit is kept for the next receive.
pub fn recv_into(id: u32, buf: &mut [u8], flags: c_int) -> Result<Received> {
    let msg = recv_msg(id, flags)?;
    Ok(copy_or_keep(msg, buf, |m| {
        // The socket may have closed meanwhile; then the message is dropped with it.
        if let Ok(st) = state(id) {
            lock(&st.pending).get_or_insert(m);
        }
    }))
}

/// Holds `msg` back for the socket's next receive (dropped if one is held already, or the
/// socket is closed).
pub fn keep_pending(id: u32, msg: Msg) {
    if let Ok(st) = state(id) {
        lock(&st.pending).get_or_insert(msg);
    }
}

/// Takes a held-back message, if any (used by asynchronous receives).
pub fn take_pending(id: u32) -> Option<Msg> {
    state(id).ok().and_then(|st| lock(&st.pending).take())
}

/// Creates and starts a listener.
pub fn listen(id: u32, url: &CStr, flags: c_int) -> Result<u32> {
    check_flags(flags, FLAG_NONBLOCK)?;
    let st = state(id)?;
    let mut l = super::nng_listener(0);
    // SAFETY: valid socket id (NNG checks), URL and out-pointer.
    check(unsafe { sys::nng_listen(nng_socket(id), url.as_ptr(), &mut l, flags) })?;
    let lid = l._bindgen_opaque_blob;
    lock(&st.listeners).push(lid);
    Ok(lid)
}

/// Longest socket name NNG has room for (its buffer is 64 bytes with the terminator).
const MAX_NAME: usize = 63;

/// Sets the socket's name (`socket-name`); `Invalid` when longer than 63 bytes.
pub fn set_name(id: u32, name: &CStr) -> Result<()> {
    let st = state(id)?;
    if name.to_bytes().len() > MAX_NAME {
        return Err(Error::Invalid);
    }
    // NNG copies the bytes without a terminator: clear its buffer first with a full-length
    // name, so its statistics and logs read the right text, then set the real one.
    let blank = CString::new(vec![b' '; MAX_NAME]).unwrap_or_default();
    let s = nng_socket(id);
    let opt = sys::NNG_OPT_SOCKNAME.as_ptr().cast();
    // SAFETY: both strings are at most MAX_NAME bytes, within NNG's buffer.
    unsafe {
        check(sys::nng_socket_set_string(s, opt, blank.as_ptr()))?;
        check(sys::nng_socket_set_string(s, opt, name.as_ptr()))?;
    }
    *lock(&st.name) = Some(name.to_owned());
    Ok(())
}

/// The socket's name: the one set, or NNG's default (the socket id).
pub fn name(id: u32) -> Result<Option<CString>> {
    Ok(lock(&state(id)?.name).clone())
}

/// Errors after which a fallback dial goes on in the background (the peer may come later).
pub(crate) fn worth_retrying(e: Error) -> bool {
    matches!(
        e,
        Error::ConnRefused
            | Error::Unreachable
            | Error::TimedOut
            | Error::ConnReset
            | Error::ConnAborted
            | Error::ConnShut
            | Error::PeerAuth
            | Error::Crypto
            | Error::Protocol
    )
}

/// Creates and starts a dialer in one of pynng's three modes (see `DIAL_FALLBACK`).
pub fn dial(id: u32, url: &CStr, flags: c_int) -> Result<u32> {
    check_flags(flags, FLAG_NONBLOCK | DIAL_FALLBACK)?;
    let st = state(id)?;
    let dial_with = |f: c_int| -> Result<u32> {
        let mut d = super::nng_dialer(0);
        // SAFETY: valid URL and out-pointer; NNG checks the socket id.
        check(unsafe { sys::nng_dial(nng_socket(id), url.as_ptr(), &mut d, f) })?;
        Ok(d._bindgen_opaque_blob)
    };
    let did = if flags & DIAL_FALLBACK != 0 && flags & FLAG_NONBLOCK == 0 {
        match dial_with(0) {
            Err(e) if worth_retrying(e) => {
                super::log::warn(&format!(
                    "Synchronous dial to {} failed ({e}); dialing in the background",
                    url.to_string_lossy()
                ));
                dial_with(FLAG_NONBLOCK)?
            }
            other => other?,
        }
    } else {
        dial_with(flags & FLAG_NONBLOCK)?
    };
    lock(&st.dialers).push(did);
    Ok(did)
}

/// Which endpoint list a dialer or listener id belongs to.
#[derive(Clone, Copy)]
pub enum Endpoint {
    Dialer,
    Listener,
}

/// Records an endpoint created outside `listen`/`dial` (the create/start API).
pub fn track_endpoint(id: u32, kind: Endpoint, eid: u32) {
    if let Ok(st) = state(id) {
        lock(st.endpoints(kind)).push(eid);
    }
}

/// Forgets a closed endpoint in whichever socket holds it.
pub fn untrack_endpoint(kind: Endpoint, eid: u32) {
    let all: Vec<_> = lock(&SOCKETS).values().cloned().collect();
    for st in all {
        lock(st.endpoints(kind)).retain(|&x| x != eid);
    }
}

impl SocketState {
    fn endpoints(&self, kind: Endpoint) -> &Mutex<Vec<u32>> {
        match kind {
            Endpoint::Dialer => &self.dialers,
            Endpoint::Listener => &self.listeners,
        }
    }
}

/// The ids of the socket's live pipes, dialers or listeners.
pub enum List {
    Pipes,
    Dialers,
    Listeners,
}

pub fn list(id: u32, which: List) -> Result<Vec<u32>> {
    let st = state(id)?;
    let v = match which {
        List::Pipes => lock(&st.pipes).live.clone(),
        List::Dialers => lock(&st.dialers).clone(),
        List::Listeners => lock(&st.listeners).clone(),
    };
    Ok(v)
}

/// Lists (`add`) or unlists a device aio forwarding through socket `id` (see `devices`).
pub(crate) fn list_device(id: u32, aio: *mut sys::nng_aio, add: bool) {
    if let Ok(st) = state(id) {
        let mut devices = lock(&st.devices);
        devices.retain(|&a| a != aio as usize);
        if add {
            devices.push(aio as usize);
        }
    }
}

/// Whether `pipe` is one of the socket's live pipes (NNG still finds a closed pipe by id
/// until it is reaped, and a message addressed to it would vanish without an error).
pub fn has_pipe(id: u32, pipe: u32) -> bool {
    state(id).is_ok_and(|st| lock(&st.pipes).live.contains(&pipe))
}

/// Takes a pipe the caller closed off the live list at once, before NNG's removal event.
pub fn forget_pipe(id: u32, pipe: u32) {
    if let Ok(st) = state(id) {
        let mut pipes = lock(&st.pipes);
        pipes.live.retain(|&p| p != pipe);
        if !pipes.closed.contains(&pipe) {
            pipes.closed.push(pipe);
        }
    }
}

fn event_index(event: c_int) -> Result<usize> {
    usize::try_from(event)
        .ok()
        .filter(|&e| e < PIPE_EVENTS)
        .ok_or(Error::Invalid)
}

/// Adds a pipe-event subscriber.
pub fn subscribe(id: u32, event: c_int, sub: Subscriber) -> Result<()> {
    let ev = event_index(event)?;
    lock(&state(id)?.subscribers)[ev].push(sub);
    Ok(())
}

/// Removes subscribers of `event` for which `pred` holds.
pub fn unsubscribe(id: u32, event: c_int, pred: impl Fn(&Subscriber) -> bool) -> Result<()> {
    let ev = event_index(event)?;
    lock(&state(id)?.subscribers)[ev].retain(|s| !pred(s));
    Ok(())
}

/// Removes one callback registration; `NoEntry` if there was none.
pub fn unsubscribe_callback(
    id: u32,
    event: c_int,
    cb: PipeCallback,
    userdata: usize,
) -> Result<()> {
    let ev = event_index(event)?;
    let st = state(id)?;
    let mut subs = lock(&st.subscribers);
    let pos = subs[ev]
        .iter()
        .position(|s| s.same_callback(cb, userdata))
        .ok_or(Error::NoEntry)?;
    subs[ev].remove(pos);
    Ok(())
}

/// NNG's pipe-notify trampoline. Runs on an NNG thread; no pnng lock is held while user code runs.
unsafe extern "C" fn pipe_event(pipe: sys::nng_pipe, event: sys::nng_pipe_ev, arg: *mut c_void) {
    let _ = std::panic::catch_unwind(|| {
        let Ok(st) = state(arg as usize as u32) else {
            return;
        };
        let pid = pipe._bindgen_opaque_blob;
        let ev = event as usize;
        if ev == sys::NNG_PIPE_EV_REM_POST as usize {
            lock(&st.pipes).removed(pid);
        } else if ev == sys::NNG_PIPE_EV_ADD_PRE as usize {
            lock(&st.pipes).pre_started(pid);
        }
        let subs = lock(&st.subscribers).get(ev).cloned().unwrap_or_default();
        for sub in subs {
            match sub {
                // SAFETY: the callback and its userdata come from the C caller, who promised
                // they stay valid while registered.
                Subscriber::Callback { cb, userdata } => unsafe {
                    cb(
                        crate::ffi::pnng_pipe { id: pid },
                        event as c_int,
                        userdata as *mut c_void,
                    )
                },
                Subscriber::Queue { cq, userdata } => {
                    cq.post_pipe_event(pid, event as c_int, userdata)
                }
            }
        }
        // Listed only once the ADD_PRE callbacks ran, and not if one of them rejected it.
        if ev == sys::NNG_PIPE_EV_ADD_PRE as usize {
            lock(&st.pipes).pre_done(pid);
        }
    });
}
