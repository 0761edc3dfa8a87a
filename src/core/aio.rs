//! Asynchronous operations over `nng_aio`. Each start function either fails up front (nothing
//! started, nothing will fire) or hands the operation to NNG, which completes it exactly once:
//! the completion runs the C callback or posts to a completion queue.

use super::cq::Cq;
use super::msg::Msg;
use super::socket::SocketState;
use super::sync::{lock, wait_while};
use super::sys;
use super::types::{CtxId, PipeId, SocketId};
use crate::error::{Error, Result, check};
use std::alloc::Layout;
use std::ffi::{c_int, c_void};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};

/// The C callback type (`pnng_aio_cb` without its NULL): `void (*)(void *userdata)`.
pub type AioCallback = unsafe extern "C" fn(userdata: *mut c_void);

/// How an aio reports a completion.
pub enum Notify {
    None,
    Callback(AioCallback, usize),
    Queue(Arc<Cq>, usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Idle,
    Send,
    Recv,
}

struct State {
    running: bool,
    op: Op,
    /// Set while freeing: the completion of a cancelled operation is not reported, and no
    /// operation starts.
    freeing: bool,
    /// The header of the message being sent, put back if the send fails (see msg::send_with).
    send_header: Vec<u8>,
    /// Threads waiting in `wait`: a completion notifies `finished` only when there are any
    /// (a notification is a futex system call even with nobody waiting).
    waiters: u32,
    /// A thread waits in `wait_pipe` (NNG allows one per operation).
    pipe_waiter: bool,
    /// The running receive is on the socket `socket` names (not on a context).
    socket_recv: bool,
    /// The socket of the last socket operation and its state, so that an aio used again and
    /// again on one socket (a receive loop) skips the registry. Weak: the aio does not keep
    /// a closed socket's state alive; a live one that closed refuses operations itself.
    socket: Option<(SocketId, Weak<SocketState>)>,
}

pub struct Aio {
    raw: *mut sys::nng_aio,
    notify: Notify,
    /// Timeout applied to each operation (`-2` = the socket's or context's own timeout).
    timeout: AtomicI32,
    /// `State::running`, readable without the lock (set under it by `begin`, cleared under it
    /// by `completed` after NNG stored the result: an Acquire load that sees it clear sees the
    /// result and the message). `result`, `take_msg` and `set_msg` run once per message.
    busy: AtomicBool,
    /// Set (under the state's lock) by `completed` before it reports a completion, cleared
    /// (Release) when the report has returned: `drop` waits for NNG's callback only when set.
    notifying: AtomicBool,
    state: Mutex<State>,
    finished: Condvar,
}

// SAFETY: the nng_aio is thread-safe for the calls we make; our own fields are behind mutexes.
unsafe impl Send for Aio {}
// SAFETY: as Send: shared use goes through NNG's thread-safe aio calls and our mutexes.
unsafe impl Sync for Aio {}

/// The layout of an aio's one allocation: the `Aio`, then NNG's aio at the offset returned,
/// aligned for any type (NNG patch 0034, `nng_aio_init_at`).
fn block_layout() -> (Layout, usize) {
    // SAFETY: a constant of the library.
    let nng = unsafe { super::extern_nng::nng_aio_size() };
    let (layout, offset) = Layout::new::<Aio>()
        .extend(Layout::from_size_align(nng, 16).expect("NNG's aio size"))
        .expect("the aio's layout");
    (layout.pad_to_align(), offset)
}

impl Aio {
    /// A new aio, in one allocation with NNG's; the caller owns it and frees it with `free`.
    pub fn new(notify: Notify) -> Result<NonNull<Aio>> {
        let (layout, offset) = block_layout();
        // SAFETY: the layout's size is not zero.
        let block = NonNull::new(unsafe { std::alloc::alloc(layout) }).ok_or(Error::NoMemory)?;
        let this = block.cast::<Aio>();
        // SAFETY: the block holds an Aio at its start and NNG's aio at `offset`.
        let raw = unsafe { block.as_ptr().add(offset) }.cast::<sys::nng_aio>();
        let aio = Aio {
            raw: std::ptr::null_mut(),
            notify,
            timeout: AtomicI32::new(sys::NNG_DURATION_DEFAULT),
            busy: AtomicBool::new(false),
            notifying: AtomicBool::new(false),
            state: Mutex::new(State {
                running: false,
                op: Op::Idle,
                freeing: false,
                send_header: Vec::new(),
                waiters: 0,
                pipe_waiter: false,
                socket_recv: false,
                socket: None,
            }),
            finished: Condvar::new(),
        };
        // SAFETY: the block is ours, sized and aligned for an Aio at its start.
        unsafe { this.as_ptr().write(aio) };
        // SAFETY: `raw` is room for NNG's aio; the Aio's address is stable until `free`, which
        // finishes NNG's aio first.
        let rv = unsafe {
            super::extern_nng::nng_aio_init_at(raw, Some(completed), this.as_ptr().cast())
        };
        if let Err(e) = check(rv) {
            // SAFETY: `raw` still null: dropping the Aio leaves NNG alone.
            unsafe { Aio::free(this) };
            return Err(e);
        }
        // SAFETY: ours alone until returned.
        let aio = unsafe { &mut *this.as_ptr() };
        aio.raw = raw;
        if !matches!(aio.notify, Notify::Callback(..)) {
            // `completed` then only updates the aio's state, signals `finished` and posts to
            // the completion queue: no user code and no lock a caller holds while calling
            // NNG, so it may run inline where the operation finished (saves a task-queue hop
            // per completion). A user callback stays on NNG's task threads.
            // SAFETY: raw was just allocated and is idle.
            unsafe { super::extern_nng::nng_aio_set_inline(aio.raw) };
        }
        Ok(this)
    }

    /// Stops and frees an aio from `new` (see `Drop`).
    ///
    /// # Safety
    /// `aio` came from `new`, and nothing uses it any more.
    pub unsafe fn free(aio: NonNull<Aio>) {
        // SAFETY: the caller's contract; the block was allocated with this layout.
        unsafe {
            std::ptr::drop_in_place(aio.as_ptr());
            std::alloc::dealloc(aio.as_ptr().cast(), block_layout().0);
        }
    }

    pub fn set_timeout(&self, ms: i32) {
        self.timeout.store(ms, Ordering::Relaxed);
    }

    pub fn is_busy(&self) -> bool {
        self.busy.load(Ordering::Acquire)
    }

    /// Puts `msg` on the aio; the aio owns it (a message already there is freed). `Busy`
    /// while an operation runs, and the message comes back.
    pub fn set_msg(&self, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        if self.is_busy() {
            return Err((Error::Busy, msg));
        }
        drop(self.take_msg_unchecked());
        // SAFETY: raw is valid; the aio now holds the only reference.
        unsafe { sys::nng_aio_set_msg(self.raw, msg.into_raw().as_ptr()) };
        Ok(())
    }

    fn take_msg_unchecked(&self) -> Option<Msg> {
        // SAFETY: raw is valid and idle; a message on it is the aio's, and ours once taken off.
        unsafe {
            let m = NonNull::new(sys::nng_aio_get_msg(self.raw))?;
            sys::nng_aio_set_msg(self.raw, std::ptr::null_mut());
            Some(Msg::from_raw(m))
        }
    }

    /// The received message, or an unsent one back. `NoEntry` if the aio holds none.
    pub fn take_msg(&self) -> Result<Msg> {
        if self.is_busy() {
            return Err(Error::Busy);
        }
        self.take_msg_unchecked().ok_or(Error::NoEntry)
    }

    pub fn result(&self) -> Result<()> {
        if self.is_busy() {
            return Err(Error::Busy);
        }
        // SAFETY: raw is valid.
        check(unsafe { sys::nng_aio_result(self.raw) })
    }

    pub fn cancel(&self) {
        // SAFETY: raw is valid; cancelling an idle aio does nothing.
        unsafe { sys::nng_aio_cancel(self.raw) }
    }

    /// Waits for the running operation, at most `ms` (negative: forever). `TimedOut` if still running.
    pub fn wait(&self, ms: i32) -> Result<()> {
        lock(&self.state).waiters += 1;
        let r = wait_while(&self.state, &self.finished, ms, |st| st.running);
        lock(&self.state).waiters -= 1;
        r
    }

    /// Waits at most `ms` (negative: no limit) for a running socket or context receive while
    /// the calling thread reads its own tcp/ipc pipe (the last one it sent on), NNG's way
    /// (patch 0027): the kernel wakes this thread when the message comes, instead of NNG's
    /// poller thread, which would complete the aio and wake this one. Also returns when `fd`
    /// (if not negative) becomes readable: `Interrupted`. `TimedOut` if still running after
    /// `ms`; `NotSupported` when the thread has no pipe to read for it (not a receive, an
    /// inproc pipe, no send on this thread yet, another thread reads it, the pipe is closing),
    /// returned at once or after part of `ms`. The operation goes on in every case but `Ok`.
    pub fn wait_pipe(&self, fd: c_int, ms: i32) -> Result<()> {
        let socket;
        {
            let mut st = lock(&self.state);
            if !st.running {
                return Ok(());
            }
            if ms == 0 {
                return Err(Error::TimedOut);
            }
            // NNG allows one such waiter per operation.
            if st.op != Op::Recv || st.pipe_waiter {
                return Err(Error::NotSupported);
            }
            st.pipe_waiter = true;
            // A socket receive reads the socket's own pipe, whichever thread waits.
            socket = st
                .socket
                .as_ref()
                .filter(|_| st.socket_recv)
                .and_then(|(_, w)| w.upgrade());
        }
        if let Some(s) = &socket {
            s.restore_pipe_hints();
        }
        // SAFETY: raw is valid, and stays so while this call waits (freeing an aio that a
        // thread waits on breaks the caller's contract); the operation is a socket or context
        // receive, which NNG marks for this wait; fd is only polled.
        let rv = unsafe { super::extern_nng::nng_aio_wait_pipe(self.raw, fd, ms) };
        if let Some(s) = &socket {
            s.save_pipe_hints();
        }
        let mut st = lock(&self.state);
        st.pipe_waiter = false;
        let running = st.running;
        drop(st);
        if !running {
            // Its report (a quiet post, see `completed`) may still be under way when the
            // operation completed after NNG's wait gave up: NNG's callback has returned once
            // nng_aio_wait does.
            // SAFETY: raw is valid; the operation is over, so this only waits for the callback.
            unsafe { sys::nng_aio_wait(self.raw) };
            Ok(())
        } else if rv == sys::NNG_EINTR as i32 {
            // The slice is over, or fd is readable: a look at fd tells.
            let mut p = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one pollfd on the stack, no waiting.
            if fd >= 0 && unsafe { libc::poll(&mut p, 1, 0) } == 1 {
                Err(Error::Interrupted)
            } else {
                Err(Error::TimedOut)
            }
        } else {
            Err(Error::NotSupported)
        }
    }

    /// Marks the aio running for `op` (`Busy` if it already is), and `prepare`s its state
    /// under the same lock.
    fn begin<T>(&self, op: Op, prepare: impl FnOnce(&mut State) -> T) -> Result<T> {
        let mut st = lock(&self.state);
        if st.running {
            return Err(Error::Busy);
        }
        if st.freeing {
            // Another thread frees the aio while its callback starts the next operation.
            return Err(Error::Closed);
        }
        st.running = true;
        self.busy.store(true, Ordering::Relaxed);
        st.op = op;
        let out = prepare(&mut st);
        drop(st);
        // SAFETY: raw is valid, and ours until the operation starts.
        unsafe { sys::nng_aio_set_timeout(self.raw, self.timeout.load(Ordering::Relaxed)) };
        Ok(out)
    }

    /// Starts a send of the message the aio holds through `start`.
    fn start_send(&self, start: impl FnOnce(*mut sys::nng_aio)) -> Result<()> {
        self.start_send_with(|_| (), |a, ()| start(a))
    }

    /// `start_send`, with `prepare` also run under `begin`'s lock; its result goes to `start`.
    fn start_send_with<T>(
        &self,
        prepare: impl FnOnce(&State) -> T,
        start: impl FnOnce(*mut sys::nng_aio, T),
    ) -> Result<()> {
        // SAFETY: raw is valid.
        let m = NonNull::new(unsafe { sys::nng_aio_get_msg(self.raw) }).ok_or(Error::Invalid)?;
        let out = self.begin(Op::Send, |st| {
            // SAFETY: the aio's message, not yet handed to NNG (the operation starts below).
            let m = unsafe { Msg::borrow_raw(m) };
            st.send_header.clear();
            st.send_header.extend_from_slice(m.header());
            prepare(st)
        })?;
        start(self.raw, out);
        Ok(())
    }

    /// Starts a receive through `start`; a message left on the aio is freed first.
    fn start_recv(&self, start: impl FnOnce(*mut sys::nng_aio)) -> Result<()> {
        self.begin(Op::Recv, |st| st.socket_recv = false)?;
        // Running now, so no set_msg or take_msg touches the message meanwhile.
        drop(self.take_msg_unchecked());
        start(self.raw);
        Ok(())
    }

    /// The state of socket `sock` remembered from the last socket operation, if it was on the
    /// same socket and is still alive (read under the lock `begin` holds anyway).
    fn cached_socket(st: &State, sock: SocketId) -> Option<Arc<SocketState>> {
        match &st.socket {
            Some((id, weak)) if *id == sock => weak.upgrade(),
            _ => None,
        }
    }

    /// The state of socket `sock`: `cached` if there is one, else the registry's (`Closed` if
    /// none), remembered for the next operation.
    fn socket_state(
        &self,
        sock: SocketId,
        cached: Option<Arc<SocketState>>,
    ) -> Result<Arc<SocketState>> {
        if let Some(s) = cached {
            return Ok(s);
        }
        let s = super::socket::state(sock)?;
        lock(&self.state).socket = Some((sock, Arc::downgrade(&s)));
        Ok(s)
    }

    /// Starts sending the aio's message on socket `sock`, behind its close gate.
    pub fn socket_send(&self, sock: SocketId) -> Result<()> {
        self.start_send_with(
            |st| Self::cached_socket(st, sock),
            |a, cached| {
                let started = self.socket_state(sock, cached).and_then(|st| {
                    // SAFETY: `a` is valid; NNG checks the socket id and completes the aio
                    // either way.
                    st.start_op(|| unsafe { sys::nng_send_aio(sock.nng(), a) })
                });
                finish_unless_started(a, started)
            },
        )
    }

    /// Starts receiving on socket `sock`: a held-back message completes it at once.
    pub fn socket_recv(&self, sock: SocketId) -> Result<()> {
        let cached = self.begin(Op::Recv, |st| {
            st.socket_recv = true;
            Self::cached_socket(st, sock)
        })?;
        // Running now, so no set_msg or take_msg touches the message meanwhile.
        drop(self.take_msg_unchecked());
        let a = self.raw;
        let started = self.socket_state(sock, cached).and_then(|st| {
            st.start_recv(
                |m| complete_with(a, m),
                // SAFETY: as socket_send.
                || unsafe { sys::nng_recv_aio(sock.nng(), a) },
            )
        });
        finish_unless_started(a, started);
        Ok(())
    }

    /// Starts sending the aio's message on context `ctx`.
    pub fn ctx_send(&self, ctx: CtxId) -> Result<()> {
        // SAFETY: as socket_send.
        self.start_send(|a| on_ctx(ctx, a, || unsafe { sys::nng_ctx_send(ctx.nng(), a) }))
    }

    /// Starts receiving on context `ctx`.
    pub fn ctx_recv(&self, ctx: CtxId) -> Result<()> {
        self.start_recv(|a| {
            let started = super::ctx::start_recv(
                ctx,
                |m| complete_with(a, m),
                // SAFETY: as socket_send.
                || unsafe { sys::nng_ctx_recv(ctx.nng(), a) },
            );
            finish_unless_started(a, started)
        })
    }

    /// Sends the held message to one pipe, through the pipe's socket.
    pub fn pipe_send(&self, pipe: PipeId) -> Result<()> {
        let sock = super::pipe::live_socket(pipe)?;
        if self.is_busy() {
            return Err(Error::Busy);
        }
        // SAFETY: raw is valid and idle.
        let m = NonNull::new(unsafe { sys::nng_aio_get_msg(self.raw) }).ok_or(Error::Invalid)?;
        // SAFETY: the idle aio's message is not in use elsewhere.
        unsafe { Msg::borrow_raw(m) }.set_pipe(Some(pipe));
        self.socket_send(sock)
    }
}

impl Drop for Aio {
    /// Stops the aio, waits for its callback, and frees it and any message it holds. No
    /// completion is reported for an operation cancelled here.
    fn drop(&mut self) {
        if self.raw.is_null() {
            return; // nng_aio_init_at failed in `new`
        }
        let (running, notifying) = {
            let mut st = lock(&self.state);
            st.freeing = true; // `begin` refuses from now on
            (st.running, self.notifying.load(Ordering::Acquire))
        };
        // SAFETY: raw is valid. nng_aio_stop cancels the running operation and waits until
        // its callback has returned. With none running, the report of the last completion
        // may still run (a user callback may take the message): nng_aio_wait waits for it,
        // without stop's cancel and expiry bookkeeping (nng_aio_free does that). Neither is
        // needed for an idle aio whose last report returned (nng_aio_free still waits for
        // the rest of NNG's callback, before the aio's memory goes).
        unsafe {
            if running {
                sys::nng_aio_stop(self.raw);
            } else if notifying {
                sys::nng_aio_wait(self.raw);
            }
        }
        // No operation runs or starts, no callback runs: the message is the aio's.
        drop(self.take_msg_unchecked());
        // SAFETY: nothing runs on raw or refers to it any more; its memory goes with ours.
        unsafe { super::extern_nng::nng_aio_fini_at(self.raw) };
        // After the last callback, so no entry it posted stays behind.
        if let Notify::Queue(cq, _) = &self.notify {
            cq.purge_aio(self);
        }
    }
}

/// Starts an operation on the context with `start`, or completes the aio with `Closed` when
/// the socket's close has begun: behind its socket's close gate (ctx::gated).
fn on_ctx(ctx: CtxId, a: *mut sys::nng_aio, start: impl FnOnce()) {
    finish_unless_started(a, super::ctx::gated(ctx, start));
}

/// Completes `a` with the error of a start that was refused, so it still completes once.
fn finish_unless_started(a: *mut sys::nng_aio, started: Result<()>) {
    if let Err(e) = started {
        // SAFETY: `a` is valid and idle; begin/finish complete it through the callback.
        unsafe {
            if sys::nng_aio_begin(a) {
                sys::nng_aio_finish(a, e.code());
            }
        }
    }
}

/// Completes a receive at once with a message held back by a too-small synchronous buffer.
fn complete_with(a: *mut sys::nng_aio, m: Msg) {
    // SAFETY: `a` is valid and idle; begin/finish complete it through the callback. If the aio
    // is being stopped, begin fails, has already completed it, and the message is dropped.
    unsafe {
        if sys::nng_aio_begin(a) {
            sys::nng_aio_set_msg(a, m.into_raw().as_ptr());
            sys::nng_aio_finish(a, 0);
        }
    }
}

/// NNG's completion trampoline, on an NNG thread.
unsafe extern "C" fn completed(arg: *mut c_void) {
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: arg is the Aio's address given at `new`; it outlives the nng_aio.
        let aio = unsafe { &*(arg as *const Aio) };
        let mut st = lock(&aio.state);
        // SAFETY: raw valid.
        let rv = unsafe { sys::nng_aio_result(aio.raw) };
        if st.op == Op::Send {
            // SAFETY: the operation is over, so the aio's message (if any) is ours again.
            let m = NonNull::new(unsafe { sys::nng_aio_get_msg(aio.raw) });
            if rv == 0 {
                // NNG consumed the message; make sure take_msg cannot hand it out again.
                // SAFETY: raw is valid and its operation over.
                unsafe { sys::nng_aio_set_msg(aio.raw, std::ptr::null_mut()) };
            } else if let Some(m) = m {
                // SAFETY: the failed send left the message with the aio, unused elsewhere.
                unsafe { Msg::borrow_raw(m) }.restore_header(&st.send_header);
            }
        }
        st.running = false;
        aio.busy.store(false, Ordering::Release);
        st.op = Op::Idle;
        let freeing = st.freeing;
        let waiters = st.waiters;
        let quiet = st.pipe_waiter;
        if !freeing {
            aio.notifying.store(true, Ordering::Relaxed);
        }
        drop(st);
        if waiters > 0 {
            aio.finished.notify_all();
        }
        if freeing {
            return;
        }
        match &aio.notify {
            Notify::None => {}
            // SAFETY: the C caller supplied the callback and keeps userdata valid.
            Notify::Callback(cb, ud) => unsafe { cb(*ud as *mut c_void) },
            // The thread waiting in `wait_pipe` pops it itself.
            Notify::Queue(cq, ud) if quiet => cq.post_aio_quiet(aio, *ud),
            Notify::Queue(cq, ud) => cq.post_aio(aio, *ud),
        }
        // Not reached if the callback panicked: `drop` then waits for NNG's callback.
        aio.notifying.store(false, Ordering::Release);
    });
}
