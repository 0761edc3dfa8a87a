//! The aio behind each synchronous send and receive (nng_sendmsg / nng_recvmsg do the same
//! inside NNG, but pnng must start the operation behind the socket's close gate).
//!
//! Each thread keeps its last one as a spare: allocating an aio per call costs NNG 1.11 a
//! malloc and a getrandom(2) (nni_aio_init picks an expire queue at random), about 5 % of a
//! small message's round trip. `pnng_fini` starts a new generation: a spare of an older one
//! belongs to a finalized NNG and is forgotten, never freed.

use super::msg::Msg;
use super::socket::FLAG_NONBLOCK;
use super::sys;
use crate::error::{check, Error, Result};
use std::cell::Cell;
use std::ffi::c_int;
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

/// Before `nng_fini`: frees this thread's spare and retires every other thread's.
pub(crate) fn retire_spares() {
    drop(SPARE.try_with(Cell::take));
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// An aio for one synchronous send or receive. It never holds a message once the operation
/// is over; on drop it becomes its thread's spare.
pub(crate) struct OneShot(ManuallyDrop<Spare>);

impl OneShot {
    pub(crate) fn new(timeout_ms: i32) -> Result<OneShot> {
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
        // SAFETY: idle (new, or a spare whose operation ended).
        unsafe { sys::nng_aio_set_timeout(aio.aio, timeout_ms) };
        Ok(OneShot(ManuallyDrop::new(aio)))
    }

    fn raw(&self) -> *mut sys::nng_aio {
        self.0.aio
    }

    /// Starts the operation with `start` and waits for its result. A timeout of a
    /// non-blocking operation is `Again`, as NNG's own synchronous calls report it.
    pub(crate) fn run(&self, nonblocking: bool, start: impl FnOnce(*mut sys::nng_aio) -> Result<()>) -> Result<()> {
        start(self.raw())?;
        // SAFETY: started: NNG completes the aio exactly once.
        unsafe { sys::nng_aio_wait(self.raw()) };
        match check(unsafe { sys::nng_aio_result(self.raw()) }) {
            Err(Error::TimedOut) if nonblocking => Err(Error::Again),
            other => other,
        }
    }

    /// Sends `msg` through an operation started by `start` and waits; on failure the message
    /// comes back unchanged (msg::send_with).
    pub(crate) fn send_with(
        &self,
        msg: Msg,
        flags: c_int,
        start: impl FnOnce(*mut sys::nng_aio) -> Result<()>,
    ) -> std::result::Result<(), (Error, Msg)> {
        super::msg::send_with(msg, |m| {
            // SAFETY: the aio is idle; it holds m only while the send runs.
            unsafe { sys::nng_aio_set_msg(self.raw(), m) };
            let rv = self.run(flags & FLAG_NONBLOCK != 0, start);
            // Whatever NNG did not take still belongs to send_with's `msg`: drop the aio's
            // pointer to it without freeing.
            // SAFETY: the operation is over.
            unsafe { sys::nng_aio_set_msg(self.raw(), std::ptr::null_mut()) };
            rv.err().map_or(0, Error::code)
        })
    }

    /// Takes the message the aio holds, if any.
    pub(crate) fn take_msg(&self) -> Option<Msg> {
        // SAFETY: the aio is idle; the message is ours once taken off.
        unsafe {
            let m = sys::nng_aio_get_msg(self.raw());
            sys::nng_aio_set_msg(self.raw(), std::ptr::null_mut());
            (!m.is_null()).then(|| Msg::from_raw(m))
        }
    }
}

impl Drop for OneShot {
    fn drop(&mut self) {
        // The operation finished (run waited) or never started, and no message is left: the
        // aio can serve this thread's next call. One spare per thread is enough; a previous
        // one, or this one if the thread is already exiting, is dropped (freed) here.
        // SAFETY: self.0 is not used after this.
        let aio = unsafe { ManuallyDrop::take(&mut self.0) };
        let _ = SPARE.try_with(move |spare| spare.replace(Some(aio)));
    }
}
