//! Synchronous send and receive, through an aio (nng_sendmsg / nng_recvmsg do the same
//! inside NNG, but pnng must start the operation behind the socket's close gate).
//!
//! Each thread keeps its last one as a spare: allocating an aio per call costs NNG 1.12 a
//! malloc and a getrandom(2) (nni_aio_init picks an expire queue at random), about 5 % of a
//! small message's round trip. `pnng_fini` starts a new generation: a spare of an older one
//! belongs to a finalized NNG and is forgotten, never freed.

use super::msg::Msg;
use super::sys;
use super::types::Flags;
use crate::error::{Error, Result, check};
use std::cell::Cell;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicU64, Ordering};

static GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static SPARE: Cell<Option<Spare>> = const { Cell::new(None) };
}

/// An idle aio of NNG generation `generation`; freed on drop if NNG is still that one.
struct Spare {
    aio: *mut sys::nng_aio,
    generation: u64,
}

impl Drop for Spare {
    fn drop(&mut self) {
        if self.generation == GENERATION.load(Ordering::Acquire) {
            // SAFETY: idle, owned, and allocated by the NNG that is still running.
            unsafe { sys::nng_aio_free(self.aio) }
        }
    }
}

/// The current NNG generation (`pnng_fini` starts a new one).
pub(crate) fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

/// Before `nng_fini`: frees this thread's spare and retires every other thread's.
pub(crate) fn retire_spares() {
    drop(SPARE.try_with(Cell::take));
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// Sends `msg` through an operation started by `start` (which gets the aio) and waits: up to
/// the socket's or context's send timeout, or not at all with `PNNG_FLAG_NONBLOCK` (`Again`
/// then, as NNG's own synchronous calls report it). On failure the message comes back
/// unchanged (msg::send_with).
pub(crate) fn send(
    msg: Msg,
    flags: Flags,
    start: impl FnOnce(*mut sys::nng_aio) -> Result<()>,
) -> std::result::Result<(), (Error, Msg)> {
    let aio = match OneShot::new(flags) {
        Ok(a) => a,
        Err(e) => return Err((e, msg)),
    };
    super::msg::send_with(msg, |m| {
        // SAFETY: the aio is idle; it holds m only while the send runs.
        unsafe { sys::nng_aio_set_msg(aio.raw(), m) };
        let rv = aio.run(start);
        // Whatever NNG did not take still belongs to send_with's `msg`: drop the aio's
        // pointer to it without freeing.
        // SAFETY: the operation is over, so the aio is idle again.
        unsafe { sys::nng_aio_set_msg(aio.raw(), std::ptr::null_mut()) };
        rv.err().map_or(0, Error::code)
    })
}

/// Receives a message through an operation started by `start` and waits, as `send` does.
pub(crate) fn recv(
    flags: Flags,
    start: impl FnOnce(*mut sys::nng_aio) -> Result<()>,
) -> Result<Msg> {
    let aio = OneShot::new(flags)?;
    aio.run(start)?;
    // SAFETY: the operation is over; the received message is ours once taken off the aio.
    unsafe {
        let m = sys::nng_aio_get_msg(aio.raw());
        sys::nng_aio_set_msg(aio.raw(), std::ptr::null_mut());
        std::ptr::NonNull::new(m)
            .map(|m| Msg::from_raw(m))
            .ok_or(Error::Internal)
    }
}

/// The aio of one synchronous send or receive. It never holds a message once the operation
/// is over; on drop it becomes its thread's spare.
struct OneShot {
    aio: ManuallyDrop<Spare>,
    /// `PNNG_FLAG_NONBLOCK`: wait not at all, and report a timeout as `Again`.
    nonblocking: bool,
}

impl OneShot {
    fn new(flags: Flags) -> Result<OneShot> {
        let generation = GENERATION.load(Ordering::Acquire);
        let aio = match SPARE.try_with(Cell::take).ok().flatten() {
            Some(spare) if spare.generation == generation => spare,
            stale => {
                drop(stale);
                let mut aio = std::ptr::null_mut();
                // SAFETY: out-pointer valid; no callback: the caller waits.
                check(unsafe { sys::nng_aio_alloc(&mut aio, None, std::ptr::null_mut()) })?;
                Spare { aio, generation }
            }
        };
        let nonblocking = flags.contains(Flags::NONBLOCK);
        let timeout = if nonblocking {
            sys::NNG_DURATION_ZERO as i32
        } else {
            sys::NNG_DURATION_DEFAULT
        };
        // SAFETY: idle (new, or a spare whose operation ended).
        unsafe { sys::nng_aio_set_timeout(aio.aio, timeout) };
        Ok(OneShot {
            aio: ManuallyDrop::new(aio),
            nonblocking,
        })
    }

    fn raw(&self) -> *mut sys::nng_aio {
        self.aio.aio
    }

    /// Starts the operation with `start` and waits for its result.
    fn run(&self, start: impl FnOnce(*mut sys::nng_aio) -> Result<()>) -> Result<()> {
        start(self.raw())?;
        // SAFETY: started: NNG completes the valid aio exactly once; after the wait it is
        // idle and its result readable.
        let rv = unsafe {
            sys::nng_aio_wait(self.raw());
            sys::nng_aio_result(self.raw())
        };
        match check(rv) {
            Err(Error::TimedOut) if self.nonblocking => Err(Error::Again),
            other => other,
        }
    }
}

impl Drop for OneShot {
    fn drop(&mut self) {
        // The operation finished (run waited) or never started, and no message is left: the
        // aio can serve this thread's next call. One spare per thread is enough; a previous
        // one, or this one if the thread is already exiting, is dropped (freed) here.
        // SAFETY: self.aio is not used after this.
        let aio = unsafe { ManuallyDrop::take(&mut self.aio) };
        let _ = SPARE.try_with(move |spare| spare.replace(Some(aio)));
    }
}
