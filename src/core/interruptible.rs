//! Blocking socket sends and receives that a file descriptor or a time slice can interrupt,
//! for language runtimes that must run signal handlers while a thread waits (Python returns to
//! its interpreter every 50 ms; a runtime may also pass the descriptor its signal handler
//! writes to). One foreign call per operation: the call waits for the operation and for the
//! descriptor together, and returns `Interrupted` when the descriptor is readable or the slice
//! is over.
//!
//! An interrupted operation is not cancelled: the same call again on the same thread (same
//! socket, same direction) goes on with it, so a signal whose handler returns normally changes
//! nothing (a cancelled req0 receive would drop its request). Any other call of this module on
//! the thread, or `abandon`, cancels it first; a message it received is kept for the socket's
//! next receive, so nothing is lost.
//!
//! Two ways to wait (see `send` and `recv_into`): an operation on the thread's own aio, whose
//! completion callback writes to the thread's eventfd (one `poll` on that eventfd and the
//! caller's descriptor), or, for request/reply sockets, the socket's own poll descriptor
//! followed by a non-blocking attempt (nothing is in flight while interrupted; only the
//! deadline of the socket's timeout is kept).

use super::msg::Msg;
use super::oneshot::generation;
use super::socket::{self, Received};
use super::sys;
use super::types::{Flags, SocketId};
use crate::error::{Error, Result, check};
use std::cell::RefCell;
use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Send,
    Recv,
}

/// The thread's aio and the eventfd its completion writes to.
struct Waiter {
    aio: *mut sys::nng_aio,
    /// Boxed so the completion callback's pointer stays valid while the Waiter moves.
    signal: Box<Signal>,
    generation: u64,
    /// The operation left running by an interrupted call: (socket, direction).
    parked: Option<(SocketId, Dir)>,
    /// An interrupted descriptor-wait receive (nothing running): its socket and deadline.
    deadline: Option<(SocketId, Option<Instant>)>,
    /// The last socket's poll descriptors (receive, send; -1 until fetched). NNG keeps them
    /// for the socket's life; every use follows a call that found the socket open.
    fds: Option<(SocketId, [c_int; 2])>,
}

struct Signal {
    efd: c_int,
    done: AtomicBool,
}

impl Drop for Waiter {
    fn drop(&mut self) {
        if self.generation == generation() {
            // SAFETY: the NNG that allocated the aio still runs; stop waits for its callback,
            // after which nothing refers to `signal`.
            unsafe {
                sys::nng_aio_stop(self.aio);
                let m = sys::nng_aio_get_msg(self.aio);
                if !m.is_null() {
                    sys::nng_msg_free(m);
                }
                sys::nng_aio_free(self.aio);
            }
        } else {
            // An aio of a finalized NNG is forgotten, never freed; its callback cannot run
            // any more, so the Signal may go.
        }
        // SAFETY: our own descriptor.
        unsafe { libc::close(self.signal.efd) };
    }
}

thread_local! {
    static WAITER: RefCell<Option<Waiter>> = const { RefCell::new(None) };
}

unsafe extern "C" fn completed(arg: *mut c_void) {
    // SAFETY: arg is the Waiter's boxed Signal, alive until the aio is stopped.
    let sig = unsafe { &*(arg as *const Signal) };
    sig.done.store(true, Ordering::Release);
    let one: u64 = 1;
    // SAFETY: writing 8 bytes to our eventfd; a full counter cannot happen (one write per op).
    let _ = unsafe { libc::write(sig.efd, (&one as *const u64).cast(), 8) };
}

impl Waiter {
    fn new() -> Result<Waiter> {
        // SAFETY: plain syscall.
        let efd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if efd < 0 {
            return Err(Error::NoMemory);
        }
        let signal = Box::new(Signal {
            efd,
            done: AtomicBool::new(false),
        });
        let mut aio = std::ptr::null_mut();
        let arg = &*signal as *const Signal as *mut c_void;
        // SAFETY: out-pointer valid; `arg` outlives the aio (stopped before the Box drops).
        if let Err(e) = check(unsafe { sys::nng_aio_alloc(&mut aio, Some(completed), arg) }) {
            // SAFETY: our own descriptor.
            unsafe { libc::close(efd) };
            return Err(e);
        }
        // `completed` only stores a flag and writes our eventfd: NNG may run it on the thread
        // that finished the operation (no task-queue hop before the waiter wakes).
        // SAFETY: a fresh aio.
        unsafe { super::extern_nng::nng_aio_set_inline(aio) };
        Ok(Waiter {
            aio,
            signal,
            generation: generation(),
            parked: None,
            deadline: None,
            fds: None,
        })
    }

    /// Socket `id`'s poll descriptor `opt` (`recv-fd` or `send-fd`), fetched once.
    fn fd(&mut self, id: SocketId, opt: &[u8]) -> Result<c_int> {
        let slot = usize::from(opt == sys::NNG_OPT_SENDFD);
        if self.fds.is_none_or(|(i, _)| i != id) {
            self.fds = Some((id, [-1, -1]));
        }
        let fds = &mut self.fds.as_mut().ok_or(Error::Internal)?.1;
        if fds[slot] < 0 {
            fds[slot] = get_fd(id, opt)?;
        }
        Ok(fds[slot])
    }

    /// Whether socket `id`'s poll descriptor `opt` is readable now.
    fn ready(&mut self, id: SocketId, opt: &[u8]) -> Result<bool> {
        let mut p = libc::pollfd {
            fd: self.fd(id, opt)?,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, no waiting.
        Ok(unsafe { libc::poll(&mut p, 1, 0) } == 1 && p.revents & libc::POLLIN != 0)
    }

    fn drain(&self) {
        let mut buf = 0u64;
        // SAFETY: non-blocking read of our eventfd.
        let _ = unsafe { libc::read(self.signal.efd, (&mut buf as *mut u64).cast(), 8) };
    }

    /// Starts an operation with `start` (which must complete the aio exactly once if it
    /// returns Ok).
    fn start(&mut self, start: impl FnOnce(*mut sys::nng_aio) -> Result<()>) -> Result<()> {
        self.drain();
        self.signal.done.store(false, Ordering::Release);
        // SAFETY: the aio is idle.
        unsafe { sys::nng_aio_set_timeout(self.aio, sys::NNG_DURATION_DEFAULT) };
        start(self.aio)
    }

    /// Waits for the running operation, or until `fd` is readable or `ms` milliseconds passed
    /// (negative: no limit): `Interrupted` then, still running. A negative `fd` is not
    /// watched; `Invalid` if `fd` is not an open descriptor.
    fn wait(&self, fd: c_int, ms: c_int) -> Result<()> {
        let mut ms = ms;
        if !self.signal.done.load(Ordering::Acquire) {
            // First NNG's own wait, which reads this thread's tcp/ipc pipe on this thread
            // (the kernel wakes us, not NNG's poller and then us).
            let started = std::time::Instant::now();
            // SAFETY: the aio runs our operation; fd is only polled.
            match unsafe { super::extern_nng::nng_aio_wait_pipe(self.aio, fd, ms) } {
                0 => {
                    // SAFETY: the operation completed; returns once the callback has.
                    unsafe { sys::nng_aio_wait(self.aio) };
                    return Ok(());
                }
                // fd readable or ms passed: the loop below tells which, without waiting.
                rv if rv == sys::NNG_EINTR as c_int => ms = 0,
                _ if ms > 0 => {
                    let spent = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
                    ms = (ms - spent).max(0);
                }
                _ => {}
            }
        }
        let mut fds = [
            libc::pollfd {
                fd: self.signal.efd,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        loop {
            if self.signal.done.load(Ordering::Acquire) {
                // SAFETY: the callback ran; nng_aio_wait returns once it has returned.
                unsafe { sys::nng_aio_wait(self.aio) };
                return Ok(());
            }
            // SAFETY: two valid pollfds.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, ms.max(-1)) };
            if n < 0 {
                continue; // EINTR: a signal arrived; its handler wrote to fd, seen next round
            }
            if n == 0 {
                return Err(Error::Interrupted); // ms passed
            }
            if fds[0].revents != 0 {
                self.drain();
                continue;
            }
            if fds[1].revents & libc::POLLNVAL != 0 {
                return Err(Error::Invalid);
            }
            if fds[1].revents != 0 {
                return Err(Error::Interrupted);
            }
        }
    }

    /// Cancels a parked operation and waits for it; a received message goes back to its
    /// socket (the next receive returns it), an unsent one is dropped.
    fn abandon(&mut self) {
        self.deadline = None;
        let Some((sock, dir)) = self.parked.take() else {
            return;
        };
        // SAFETY: the aio runs the parked operation; cancel completes it (or it completed).
        unsafe {
            sys::nng_aio_cancel(self.aio);
            sys::nng_aio_wait(self.aio);
        }
        let m = self.take_msg();
        if dir == Dir::Recv
            && self.result().is_ok()
            && let Some(m) = m
        {
            socket::keep_pending(sock, m);
        }
    }

    fn take_msg(&self) -> Option<Msg> {
        // SAFETY: the aio is idle; a message on it is ours once taken off.
        unsafe {
            let m = sys::nng_aio_get_msg(self.aio);
            sys::nng_aio_set_msg(self.aio, std::ptr::null_mut());
            std::ptr::NonNull::new(m).map(|m| Msg::from_raw(m))
        }
    }

    fn result(&self) -> Result<()> {
        // SAFETY: the aio is idle.
        check(unsafe { sys::nng_aio_result(self.aio) })
    }
}

/// Runs `f` with the thread's Waiter (made on first use, or again after `pnng_fini`).
fn with_waiter<T>(f: impl FnOnce(&mut Waiter) -> Result<T>) -> Result<T> {
    WAITER
        .try_with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.as_ref().is_some_and(|w| w.generation != generation()) {
                *slot = None; // belongs to a finalized NNG: forgotten by its Drop
            }
            if slot.is_none() {
                *slot = Some(Waiter::new()?);
            }
            f(slot.as_mut().ok_or(Error::Internal)?)
        })
        .unwrap_or(Err(Error::Closed))
}

/// Resumes the parked operation if it is `(sock, dir)`; else cancels whatever is parked and
/// starts a new one with `start`. Then waits (see the module comment).
fn run(
    w: &mut Waiter,
    sock: SocketId,
    dir: Dir,
    fd: c_int,
    ms: c_int,
    start: impl FnOnce(*mut sys::nng_aio) -> Result<()>,
) -> Result<()> {
    if w.parked != Some((sock, dir)) {
        w.abandon();
        w.start(start)?;
    }
    w.parked = None;
    match w.wait(fd, ms) {
        Err(Error::Interrupted) => {
            w.parked = Some((sock, dir));
            Err(Error::Interrupted)
        }
        Err(e) => {
            // A bad descriptor: stop the operation, as if it had never been asked for.
            w.parked = Some((sock, dir));
            w.abandon();
            Err(e)
        }
        Ok(()) => w.result(),
    }
}

const REQ0: u32 = sys::NNG_REQ0_SELF;
const REP0: u32 = sys::NNG_REP0_SELF;
const RESPONDENT0: u32 = sys::NNG_RESPONDENT0_SELF;

/// Sends a copy of `data` on socket `id`, blocking up to its send timeout, or until `fd` is
/// readable or `ms` passed (`Interrupted`; a retry on this thread resumes the same send).
///
/// A send that can go at once costs no wait: cooked rep0 and respondent0 send through a
/// callback-free synchronous operation (it completes inline unless the pipe is still busy with
/// the previous reply; a non-blocking attempt would give up the reply); cooked req0 does the
/// same when its send descriptor says a pipe takes the request now (its non-blocking send
/// always fails); other sockets first try a non-blocking send. Only a send that would block
/// waits on the thread's aio.
pub fn send(id: SocketId, data: &[u8], fd: c_int, ms: c_int) -> Result<()> {
    with_waiter(|w| {
        if w.parked != Some((id, Dir::Send)) {
            w.abandon();
            match socket::cooked_protocol(id)? {
                REP0 | RESPONDENT0 => return socket::send(id, data, Flags::NONE),
                // req0 schedules a send before it looks for a pipe, so a non-blocking send
                // always fails; the send descriptor says whether a pipe would take it now.
                REQ0 if w.ready(id, sys::NNG_OPT_SENDFD)? => {
                    return socket::send(id, data, Flags::NONE);
                }
                REQ0 => {}
                _ => match socket::send(id, data, Flags::NONBLOCK) {
                    Err(Error::Again) => {}
                    other => return other,
                },
            }
        }
        let rv = run(w, id, Dir::Send, fd, ms, |a| {
            let msg = Msg::from_bytes(data)?;
            // SAFETY: the aio is idle; it owns the message until NNG takes it.
            unsafe { sys::nng_aio_set_msg(a, msg.into_raw().as_ptr()) };
            // SAFETY: `a` is the thread's idle aio, alive until the Waiter drops; NNG checks the
            // socket id.
            socket::start_op(id, || unsafe { sys::nng_send_aio(id.nng(), a) }).inspect_err(|_| {
                // Not started: take the message back (dropped).
                // SAFETY: the aio is idle.
                unsafe {
                    let m = sys::nng_aio_get_msg(a);
                    sys::nng_aio_set_msg(a, std::ptr::null_mut());
                    if !m.is_null() {
                        sys::nng_msg_free(m);
                    }
                }
            })
        });
        if !matches!(rv, Err(Error::Interrupted)) {
            drop(w.take_msg()); // an unsent message (NNG took a sent one)
        }
        rv
    })
}

/// Receives on socket `id` into `buf`, blocking up to its receive timeout, or until `fd` is
/// readable or `ms` passed (`Interrupted`; a retry on this thread resumes the same receive).
/// A message held back by an earlier too-small buffer comes first; one that does not fit is
/// held back.
///
/// Cooked req0, rep0 and respondent0 wait for the socket's receive descriptor and then receive
/// without blocking: NNG's pipe thread wakes this thread directly, where a completed aio would
/// first wake NNG's callback thread (one context switch more per message). Their peers wait
/// for each message, so no stream stalls while nothing is posted. Other sockets first try a
/// non-blocking receive, then keep a receive posted on the thread's aio, so NNG hands the
/// next message straight to it.
pub fn recv_into(id: SocketId, buf: &mut [u8], fd: c_int, ms: c_int) -> Result<Received> {
    with_waiter(|w| {
        if w.parked == Some((id, Dir::Recv)) {
            return aio_recv(w, id, buf, fd, ms);
        }
        let deadline = match w.deadline {
            Some((i, d)) if i == id => d,
            _ => {
                w.abandon();
                if let Some(m) = socket::take_pending(id) {
                    return Ok(socket::copy_or_keep(m, buf, |m| {
                        socket::keep_pending(id, m)
                    }));
                }
                if !matches!(socket::cooked_protocol(id)?, REQ0 | REP0 | RESPONDENT0) {
                    // A message already queued costs no wait (nor a callback).
                    match socket::recv_into(id, buf, Flags::NONBLOCK) {
                        Err(Error::Again) => {}
                        other => return other,
                    }
                    return aio_recv(w, id, buf, fd, ms);
                }
                deadline_of(id)?
            }
        };
        w.deadline = None;
        let slice_end = (ms >= 0).then(|| Instant::now() + Duration::from_millis(ms as u64));
        let mut rfd: c_int = -1;
        loop {
            match socket::recv_into(id, buf, Flags::NONBLOCK) {
                Err(Error::Again) => {}
                other => return other,
            }
            if rfd < 0 {
                rfd = w.fd(id, sys::NNG_OPT_RECVFD)?;
            }
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                return Err(Error::TimedOut);
            }
            let until = match (deadline, slice_end) {
                (Some(d), Some(e)) => Some(d.min(e)),
                (d, e) => d.or(e),
            };
            let timeout = until.map_or(-1, |u| {
                let left = u.saturating_duration_since(now);
                c_int::try_from(left.as_millis() + u128::from(left.subsec_nanos() % 1_000_000 != 0))
                    .unwrap_or(c_int::MAX)
            });
            let mut fds = [
                libc::pollfd {
                    fd: rfd,
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            // poll(2), reading this thread's tcp/ipc pipe meanwhile: its message reaches the
            // socket on this thread (one wake-up, by the kernel, instead of NNG's poller's
            // and then the descriptor's).
            // SAFETY: two valid pollfds.
            let n = unsafe { super::extern_nng::nng_poll_pipe(fds.as_mut_ptr(), 2, timeout) };
            if n < 0 {
                continue;
            }
            if fds[1].revents & libc::POLLNVAL != 0 {
                return Err(Error::Invalid);
            }
            let slice_over = slice_end.is_some_and(|e| Instant::now() >= e);
            if fds[1].revents != 0 || (n == 0 && slice_over) {
                w.deadline = Some((id, deadline));
                return Err(Error::Interrupted);
            }
        }
    })
}

/// The receive on the thread's aio (started, or resumed when parked).
fn aio_recv(
    w: &mut Waiter,
    id: SocketId,
    buf: &mut [u8],
    fd: c_int,
    ms: c_int,
) -> Result<Received> {
    run(w, id, Dir::Recv, fd, ms, |a| {
        // SAFETY: `a` is the thread's idle aio, alive until the Waiter drops; NNG checks the
        // socket id.
        socket::start_op(id, || unsafe { sys::nng_recv_aio(id.nng(), a) })
    })?;
    let m = w.take_msg().ok_or(Error::Internal)?;
    Ok(socket::copy_or_keep(m, buf, |m| {
        socket::keep_pending(id, m)
    }))
}

/// When a receive starting now times out, from the socket's `recv-timeout` (None: never).
fn deadline_of(id: SocketId) -> Result<Option<Instant>> {
    let mut ms: sys::nng_duration = 0;
    // SAFETY: valid option name and out-pointer; NNG checks the id.
    check(unsafe {
        sys::nng_socket_get_ms(id.nng(), sys::NNG_OPT_RECVTIMEO.as_ptr().cast(), &mut ms)
    })?;
    Ok((ms >= 0).then(|| Instant::now() + Duration::from_millis(ms as u64)))
}

/// A socket's poll descriptor (`recv-fd` / `send-fd`).
fn get_fd(id: SocketId, opt: &[u8]) -> Result<c_int> {
    let mut fd: c_int = -1;
    // SAFETY: valid option name and out-pointer; NNG owns the descriptor, we only poll it.
    check(unsafe { sys::nng_socket_get_int(id.nng(), opt.as_ptr().cast(), &mut fd) })?;
    Ok(fd)
}

/// Cancels the operation an interrupted call left parked on this thread, if any.
pub fn abandon() {
    let _ = WAITER.try_with(|cell| {
        if let Some(w) = cell.borrow_mut().as_mut()
            && w.generation == generation()
        {
            w.abandon();
        }
    });
}
