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
use std::cell::UnsafeCell;
use std::ffi::{c_int, c_void};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};

/// The C callback type (`pnng_aio_cb` without its NULL): `void (*)(void *userdata)`.
pub type AioCallback = unsafe extern "C" fn(userdata: *mut c_void);

/// How an aio reports a completion.
pub enum Notify {
    None,
    Callback(AioCallback, usize),
    Queue(Arc<Cq>, usize),
}

/// The aio's phase (`Aio::phase`), one word: flags (which operation runs, none: idle; whether
/// its free has begun; whether a thread waits in `wait_pipe`), the number of operations started
/// (so a `wait_pipe` that ends tells its own operation from a later one) and, for a socket
/// receive, the socket's id (for `wait_pipe`, which may run on another thread).
mod phase {
    pub(super) const SEND: u64 = 1;
    pub(super) const RECV: u64 = 2;
    /// An operation runs (SEND or RECV).
    pub(super) const RUNNING: u64 = SEND | RECV;
    /// Set while freeing: the completion of a cancelled operation is not reported, and no
    /// operation starts.
    pub(super) const FREEING: u64 = 4;
    /// A thread waits in `wait_pipe` for the running receive (NNG allows one per operation);
    /// its completion is posted quietly, for that thread to pop.
    pub(super) const PIPE_WAITER: u64 = 8;
    /// The running receive is a socket's, whose id is in `SOCKET_SHIFT..`.
    pub(super) const SOCKET_RECV: u64 = 16;
    /// The flags above; `completed` clears all but FREEING.
    pub(super) const FLAGS: u64 = 0xff;
    /// One more operation started (bits 8..32 count them, wrapping).
    pub(super) const SEQ_ONE: u64 = 1 << 8;
    pub(super) const SEQ: u64 = 0xffff_ff00;
    pub(super) const SOCKET_SHIFT: u32 = 32;
}

/// What the running operation keeps, touched only by whoever owns it: the thread that
/// started it (from `begin` until it hands the aio to NNG) and then `completed`. NNG's
/// hand-over between the two (its aio's locks) orders their accesses.
#[derive(Default)]
struct OpState {
    /// The header of the message being sent, put back if the send fails (see msg::send_with).
    send_header: SavedHeader,
    /// The socket of the last socket operation and its state, so that an aio used again and
    /// again on one socket (a receive loop) skips the registry. Weak: the aio does not keep
    /// a closed socket's state alive; a live one that closed refuses operations itself.
    socket: Option<(SocketId, Weak<SocketState>)>,
}

/// A message header kept while its send runs. Most messages sent have none (a cooked
/// protocol adds its own): no room is kept for them, 8 bytes per aio instead of a `Vec`'s 24.
#[derive(Default)]
#[allow(clippy::box_collection)] // the Box is the point: 8 bytes in every aio, not 24
struct SavedHeader(Option<Box<Vec<u8>>>);

impl SavedHeader {
    #[inline]
    fn save(&mut self, h: &[u8]) {
        match &mut self.0 {
            None if h.is_empty() => {}
            _ => self.save_some(h),
        }
    }

    #[inline(never)]
    fn save_some(&mut self, h: &[u8]) {
        match &mut self.0 {
            Some(v) => {
                v.clear();
                v.extend_from_slice(h);
            }
            None => self.0 = Some(Box::new(h.to_vec())),
        }
    }

    fn get(&self) -> &[u8] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

/// An aio: this state, and NNG's aio right after it in the same allocation (`Aio::raw`).
pub struct Aio {
    notify: Notify,
    /// Timeout applied to each operation (`-2` = the socket's or context's own timeout).
    timeout: AtomicI32,
    /// `phase::*`: set to SEND or RECV by `begin` (a compare-and-swap from idle: one atomic
    /// operation, no lock, per start), cleared by `completed` after NNG stored the result (an
    /// Acquire load that sees it clear sees the result and the message); FREEING or-ed in by
    /// `drop`; PIPE_WAITER by `wait_pipe`.
    phase: AtomicU64,
    /// Set by `completed` before it clears the running operation, cleared (Release) when its
    /// report has returned: `drop` waits for NNG's callback only when set.
    notifying: AtomicBool,
    /// Threads waiting in `wait`: a completion takes `wait_lock` and notifies `finished` only
    /// when there are any (a notification is a futex system call even with nobody waiting).
    waiters: AtomicU32,
    wait_lock: Mutex<()>,
    finished: Condvar,
    /// The running operation's own state (see `OpState`).
    op: UnsafeCell<OpState>,
}

// SAFETY: the nng_aio is thread-safe for the calls we make; our own fields are atomics, a
// mutex, and `op`, which only the running operation's owner touches (see `OpState`).
unsafe impl Send for Aio {}
// SAFETY: as Send.
unsafe impl Sync for Aio {}

/// Where NNG's aio starts in an aio's allocation: after the `Aio`, aligned for any type (NNG
/// patch 0034, `nng_aio_init_at`).
const NNG_AIO_OFFSET: usize = std::mem::size_of::<Aio>().next_multiple_of(16);

/// The layout of an aio's one allocation: the `Aio`, then NNG's aio at `NNG_AIO_OFFSET`.
fn block_layout() -> Layout {
    // SAFETY: a constant of the library.
    let nng = unsafe { super::extern_nng::nng_aio_size() };
    let (layout, offset) = Layout::new::<Aio>()
        .extend(Layout::from_size_align(nng, 16).expect("NNG's aio size"))
        .expect("the aio's layout");
    debug_assert_eq!(offset, NNG_AIO_OFFSET);
    layout.pad_to_align()
}

impl Aio {
    /// A new aio, in one allocation with NNG's; the caller owns it and frees it with `free`.
    pub fn new(notify: Notify) -> Result<NonNull<Aio>> {
        let layout = block_layout();
        // SAFETY: the layout's size is not zero.
        let block = NonNull::new(unsafe { std::alloc::alloc(layout) }).ok_or(Error::NoMemory)?;
        let this = block.cast::<Aio>();
        let aio = Aio {
            notify,
            timeout: AtomicI32::new(sys::NNG_DURATION_DEFAULT),
            phase: AtomicU64::new(0),
            notifying: AtomicBool::new(false),
            waiters: AtomicU32::new(0),
            wait_lock: Mutex::new(()),
            finished: Condvar::new(),
            op: UnsafeCell::new(OpState::default()),
        };
        // SAFETY: the block is ours, sized and aligned for an Aio at its start.
        unsafe { this.as_ptr().write(aio) };
        // SAFETY: ours alone until returned.
        let aio = unsafe { &*this.as_ptr() };
        // SAFETY: `raw()` is room for NNG's aio; the Aio's address is stable until `free`,
        // which finishes NNG's aio first.
        let rv = unsafe {
            super::extern_nng::nng_aio_init_at(aio.raw(), Some(completed), this.as_ptr().cast())
        };
        if let Err(e) = check(rv) {
            // NNG's aio was never set up: drop the Aio's own fields only (not `Drop`, which
            // finishes NNG's aio), then the block.
            // SAFETY: the block holds the Aio written above, used by nobody else.
            unsafe {
                let aio = std::mem::ManuallyDrop::new(this.as_ptr().read());
                drop(std::ptr::read(&aio.notify));
                std::alloc::dealloc(block.as_ptr(), layout);
            }
            return Err(e);
        }
        if !matches!(aio.notify, Notify::Callback(..)) {
            // `completed` then only updates the aio's state, signals `finished` and posts to
            // the completion queue: no user code and no lock a caller holds while calling
            // NNG, so it may run inline where the operation finished (saves a task-queue hop
            // per completion). A user callback stays on NNG's task threads.
            // SAFETY: raw was just allocated and is idle.
            unsafe { super::extern_nng::nng_aio_set_inline(aio.raw()) };
        }
        Ok(this)
    }

    /// NNG's aio, right after this in the same allocation.
    fn raw(&self) -> *mut sys::nng_aio {
        // SAFETY: every Aio lives at the start of a block from `new`, with NNG's aio at
        // NNG_AIO_OFFSET.
        unsafe { (self as *const Aio).cast::<u8>().add(NNG_AIO_OFFSET) as *mut sys::nng_aio }
    }

    /// Stops and frees an aio from `new` (see `Drop`).
    ///
    /// # Safety
    /// `aio` came from `new`, and nothing uses it any more.
    pub unsafe fn free(aio: NonNull<Aio>) {
        // SAFETY: the caller's contract; the block was allocated with this layout.
        unsafe {
            std::ptr::drop_in_place(aio.as_ptr());
            std::alloc::dealloc(aio.as_ptr().cast(), block_layout());
        }
    }

    pub fn set_timeout(&self, ms: i32) {
        self.timeout.store(ms, Ordering::Relaxed);
    }

    pub fn is_busy(&self) -> bool {
        self.phase.load(Ordering::Acquire) & phase::RUNNING != 0
    }

    /// The running operation's state.
    ///
    /// # Safety
    /// The caller owns the running operation (see `OpState`), and holds no other reference
    /// from this.
    #[allow(clippy::mut_from_ref)]
    unsafe fn op_state(&self) -> &mut OpState {
        // SAFETY: the caller's contract.
        unsafe { &mut *self.op.get() }
    }

    /// Puts `msg` on the aio; the aio owns it (a message already there is freed). `Busy`
    /// while an operation runs, and the message comes back.
    pub fn set_msg(&self, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        if self.is_busy() {
            return Err((Error::Busy, msg));
        }
        // SAFETY: raw is valid and idle: a message on it is the aio's, freed once replaced;
        // the aio then holds the only reference to `msg`.
        unsafe {
            let old = sys::nng_aio_get_msg(self.raw());
            sys::nng_aio_set_msg(self.raw(), msg.into_raw().as_ptr());
            if let Some(old) = NonNull::new(old) {
                drop(Msg::from_raw(old));
            }
        }
        Ok(())
    }

    fn take_msg_unchecked(&self) -> Option<Msg> {
        // SAFETY: raw is valid and idle; a message on it is the aio's, and ours once taken off.
        unsafe {
            let m = NonNull::new(sys::nng_aio_get_msg(self.raw()))?;
            sys::nng_aio_set_msg(self.raw(), std::ptr::null_mut());
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
        check(unsafe { sys::nng_aio_result(self.raw()) })
    }

    pub fn cancel(&self) {
        // SAFETY: raw is valid; cancelling an idle aio does nothing.
        unsafe { sys::nng_aio_cancel(self.raw()) }
    }

    /// Waits for the running operation, at most `ms` (negative: forever). `TimedOut` if still running.
    pub fn wait(&self, ms: i32) -> Result<()> {
        // SeqCst with `completed`'s clearing of the phase and its read of `waiters`: either
        // it sees this waiter (and notifies under `wait_lock`), or this sees it idle.
        self.waiters.fetch_add(1, Ordering::SeqCst);
        if ms != 0 && matches!(self.notify, Notify::Callback(..)) && self.is_busy() {
            // A callback waiting for an operation it started: its completion may be held
            // back on this thread until the callback returns; the task queue runs it instead.
            // SAFETY: raw is valid.
            unsafe { super::extern_nng::nng_aio_claim(self.raw()) };
        }
        let r = wait_while(&self.wait_lock, &self.finished, ms, |_| {
            self.phase.load(Ordering::SeqCst) & phase::RUNNING != 0
        });
        self.waiters.fetch_sub(1, Ordering::SeqCst);
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
        let mut now = self.phase.load(Ordering::Acquire);
        loop {
            if now & phase::RUNNING == 0 {
                return Ok(());
            }
            if ms == 0 {
                return Err(Error::TimedOut);
            }
            // NNG allows one such waiter per operation.
            if now & phase::RECV == 0 || now & phase::PIPE_WAITER != 0 {
                return Err(Error::NotSupported);
            }
            match self.phase.compare_exchange_weak(
                now,
                now | phase::PIPE_WAITER,
                Ordering::Acquire,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(n) => now = n,
            }
        }
        // A socket receive reads the socket's own pipe, whichever thread waits.
        let socket = (now & phase::SOCKET_RECV != 0)
            .then(|| super::socket::state(SocketId((now >> phase::SOCKET_SHIFT) as u32)).ok())
            .flatten();
        if let Some(s) = &socket {
            s.restore_pipe_hints();
        }
        // SAFETY: raw is valid, and stays so while this call waits (freeing an aio that a
        // thread waits on breaks the caller's contract); the operation is a socket or context
        // receive, which NNG marks for this wait; fd is only polled.
        let rv = unsafe { super::extern_nng::nng_aio_wait_pipe(self.raw(), fd, ms) };
        if let Some(s) = &socket {
            s.save_pipe_hints();
        }
        // Still this operation (same count) and still waited for: it runs on, reported
        // loudly from now on. Otherwise it completed (which cleared the flag).
        let seq = now & phase::SEQ;
        let mut cur = self.phase.load(Ordering::Acquire);
        let running = loop {
            if cur & (phase::SEQ | phase::PIPE_WAITER) != seq | phase::PIPE_WAITER {
                break false;
            }
            match self.phase.compare_exchange_weak(
                cur,
                cur & !phase::PIPE_WAITER,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break true,
                Err(n) => cur = n,
            }
        };
        if !running {
            if cur & phase::SEQ == seq {
                // Its report (a quiet post, see `completed`) may still be under way when the
                // operation completed after NNG's wait gave up: NNG's callback has returned
                // once nng_aio_wait does. (A later operation has started only after the
                // report was taken: then there is nothing to wait for.)
                // SAFETY: raw is valid; the operation is over, so this only waits for the
                // callback.
                unsafe { sys::nng_aio_wait(self.raw()) };
            }
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

    /// Marks the aio running for `op` (`phase::SEND` or `RECV`, with `SOCKET_RECV` and the
    /// socket's id for a socket receive; `Busy` if an operation runs already, `Closed` once
    /// its free has begun), and `prepare`s the operation's state.
    fn begin<T>(&self, op: u64, prepare: impl FnOnce(&mut OpState) -> T) -> Result<T> {
        let mut now = self.phase.load(Ordering::Relaxed);
        loop {
            if now & phase::FLAGS != 0 {
                return Err(if now & phase::RUNNING != 0 {
                    Error::Busy
                } else {
                    // Another thread frees the aio while its callback starts the next
                    // operation.
                    Error::Closed
                });
            }
            let next = (now.wrapping_add(phase::SEQ_ONE) & phase::SEQ) | op;
            match self
                .phase
                .compare_exchange_weak(now, next, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => break,
                Err(n) => now = n,
            }
        }
        // SAFETY: running now: the operation, and its state, are ours until NNG has it.
        let out = prepare(unsafe { self.op_state() });
        // SAFETY: raw is valid, and ours until the operation starts.
        unsafe { sys::nng_aio_set_timeout(self.raw(), self.timeout.load(Ordering::Relaxed)) };
        Ok(out)
    }

    /// Starts a send of the message the aio holds through `start`.
    fn start_send(&self, start: impl FnOnce(*mut sys::nng_aio)) -> Result<()> {
        self.start_send_with(|_| (), |a, ()| start(a))
    }

    /// `start_send`, with `prepare` also run under `begin`'s lock; its result goes to `start`.
    fn start_send_with<T>(
        &self,
        prepare: impl FnOnce(&OpState) -> T,
        start: impl FnOnce(*mut sys::nng_aio, T),
    ) -> Result<()> {
        // SAFETY: raw is valid.
        let m = NonNull::new(unsafe { sys::nng_aio_get_msg(self.raw()) }).ok_or(Error::Invalid)?;
        let out = self.begin(phase::SEND, |st| {
            // SAFETY: the aio's message, not yet handed to NNG (the operation starts below).
            let m = unsafe { Msg::borrow_raw(m) };
            st.send_header.save(m.header());
            prepare(st)
        })?;
        start(self.raw(), out);
        Ok(())
    }

    /// Starts a receive through `start`; a message left on the aio is freed first.
    fn start_recv(&self, start: impl FnOnce(*mut sys::nng_aio)) -> Result<()> {
        self.begin(phase::RECV, |_| {})?;
        // Running now, so no set_msg or take_msg touches the message meanwhile.
        drop(self.take_msg_unchecked());
        start(self.raw());
        Ok(())
    }

    /// The state of socket `sock` remembered from the last socket operation, if it was on the
    /// same socket and is still alive (read by `begin`'s owner).
    fn cached_socket(st: &OpState, sock: SocketId) -> Option<Arc<SocketState>> {
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
        // SAFETY: called between `begin` and the operation's start: ours.
        unsafe { self.op_state() }.socket = Some((sock, Arc::downgrade(&s)));
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
        let op = phase::RECV | phase::SOCKET_RECV | (u64::from(sock.0) << phase::SOCKET_SHIFT);
        let cached = self.begin(op, |st| Self::cached_socket(st, sock))?;
        // Running now, so no set_msg or take_msg touches the message meanwhile.
        drop(self.take_msg_unchecked());
        let a = self.raw();
        let started = self.socket_state(sock, cached).and_then(|st| {
            st.start_recv(
                sock,
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
        // SAFETY: as socket_send (NNG refuses a closed context itself; see ctx.rs).
        self.start_send(|a| unsafe { sys::nng_ctx_send(ctx.nng(), a) })
    }

    /// Starts receiving on context `ctx`.
    pub fn ctx_recv(&self, ctx: CtxId) -> Result<()> {
        self.start_recv(|a| match super::ctx::take_pending(ctx) {
            Some(m) => complete_with(a, m),
            // SAFETY: as ctx_send.
            None => unsafe { sys::nng_ctx_recv(ctx.nng(), a) },
        })
    }

    /// Sends the held message to one pipe, through the pipe's socket.
    pub fn pipe_send(&self, pipe: PipeId) -> Result<()> {
        let sock = super::pipe::live_socket(pipe)?;
        if self.is_busy() {
            return Err(Error::Busy);
        }
        // SAFETY: raw is valid and idle.
        let m = NonNull::new(unsafe { sys::nng_aio_get_msg(self.raw()) }).ok_or(Error::Invalid)?;
        // SAFETY: the idle aio's message is not in use elsewhere.
        unsafe { Msg::borrow_raw(m) }.set_pipe(Some(pipe));
        self.socket_send(sock)
    }
}

impl Drop for Aio {
    /// Stops the aio, waits for its callback, and frees it and any message it holds. No
    /// completion is reported for an operation cancelled here.
    fn drop(&mut self) {
        // `begin` refuses from now on. SeqCst with `completed`'s clearing: if this sees the
        // operation over, it also sees `notifying` set for a report still to come.
        let before = self.phase.fetch_or(phase::FREEING, Ordering::SeqCst);
        let running = before & phase::RUNNING != 0;
        let notifying = self.notifying.load(Ordering::Acquire);
        // SAFETY: raw is valid. nng_aio_stop cancels the running operation and waits until
        // its callback has returned. With none running, the report of the last completion
        // may still run (a user callback may take the message): nng_aio_wait waits for it,
        // without stop's cancel and expiry bookkeeping (nng_aio_free does that). Neither is
        // needed for an idle aio whose last report returned (nng_aio_free still waits for
        // the rest of NNG's callback, before the aio's memory goes).
        unsafe {
            if running {
                sys::nng_aio_stop(self.raw());
            } else if notifying {
                sys::nng_aio_wait(self.raw());
            }
        }
        // No operation runs or starts, no callback runs: the message is the aio's.
        drop(self.take_msg_unchecked());
        // SAFETY: nothing runs on raw or refers to it any more; its memory goes with ours.
        unsafe { super::extern_nng::nng_aio_fini_at(self.raw()) };
        // After the last callback, so no entry it posted stays behind.
        if let Notify::Queue(cq, _) = &self.notify {
            cq.purge_aio(self);
        }
    }
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
        if aio.phase.load(Ordering::Relaxed) & phase::SEND != 0 {
            // SAFETY: raw valid.
            let rv = unsafe { sys::nng_aio_result(aio.raw()) };
            if rv == 0 {
                // NNG consumed the message; make sure take_msg cannot hand it out again.
                // SAFETY: raw is valid and its operation over.
                unsafe { sys::nng_aio_set_msg(aio.raw(), std::ptr::null_mut()) };
            } else if let Some(m) =
                // SAFETY: the operation is over, so the aio's message (if any) is ours again.
                NonNull::new(unsafe { sys::nng_aio_get_msg(aio.raw()) })
            {
                // SAFETY: the failed send left the message with the aio, unused elsewhere;
                // the operation (and its state) is ours until its phase is cleared below.
                unsafe { Msg::borrow_raw(m) }
                    .restore_header(unsafe { aio.op_state() }.send_header.get());
            }
        }
        // Before the operation shows over: a `drop` that sees it over sees this too.
        aio.notifying.store(true, Ordering::Relaxed);
        let before = aio
            .phase
            .fetch_and(phase::SEQ | phase::FREEING, Ordering::SeqCst);
        let quiet = before & phase::PIPE_WAITER != 0;
        if aio.waiters.load(Ordering::SeqCst) > 0 {
            // Under the lock: a waiter is either before its check (and sees the phase
            // clear) or asleep on `finished`.
            drop(lock(&aio.wait_lock));
            aio.finished.notify_all();
        }
        if before & phase::FREEING != 0 {
            // `drop` saw the operation running and waits in nng_aio_stop for this callback.
            aio.notifying.store(false, Ordering::Release);
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
