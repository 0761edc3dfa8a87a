//! Devices: forwarding between two raw sockets (NNG's `nng_device`).

use super::options::{self, Target};
use super::{nng_socket, sys};
use crate::error::{check, Error, Result};
use std::ffi::c_void;

/// NNG's device needs raw sockets; checking first turns a late asynchronous failure into an
/// immediate `Invalid` (or `Closed` for a stale handle).
fn check_raw(a: u32, b: u32) -> Result<()> {
    for s in [a, b].into_iter().filter(|&s| s != 0) {
        if !options::get_bool(Target::Socket(s), c"raw")? {
            return Err(Error::Invalid);
        }
    }
    Ok(())
}

/// Lists or unlists a device aio with both of its sockets, which abort it when they close.
fn list(a: u32, b: u32, aio: *mut sys::nng_aio, add: bool) {
    for s in [a, b].into_iter().filter(|&s| s != 0) {
        super::socket::list_device(s, aio, add);
    }
}

/// Forwards until either socket closes. Blocks.
pub fn run(a: u32, b: u32) -> Result<()> {
    check_raw(a, b)?;
    let mut aio = std::ptr::null_mut();
    // SAFETY: no callback; this thread waits for the device, unlists and frees the aio.
    unsafe {
        check(sys::nng_aio_alloc(&mut aio, None, std::ptr::null_mut()))?;
        list(a, b, aio, true);
        sys::nng_device_aio(aio, nng_socket(a), nng_socket(b));
        sys::nng_aio_wait(aio);
        list(a, b, aio, false);
        let rv = sys::nng_aio_result(aio);
        sys::nng_aio_free(aio);
        check(rv)
    }
}

/// What the completion callback of a background device needs to clean up.
struct Running {
    aio: *mut sys::nng_aio,
    a: u32,
    b: u32,
}

/// Starts forwarding in the background; it ends when either socket closes.
pub fn start(a: u32, b: u32) -> Result<()> {
    check_raw(a, b)?;
    // The completion callback receives only `arg`, so the aio pointer goes into a box that
    // the callback takes back and reaps (NNG's sanctioned way to free an aio from its callback).
    let running = Box::into_raw(Box::new(Running { aio: std::ptr::null_mut(), a, b }));
    let mut aio = std::ptr::null_mut();
    // SAFETY: `running` lives until the completion callback reclaims it.
    let rv = unsafe { sys::nng_aio_alloc(&mut aio, Some(reap), running.cast()) };
    if rv != 0 {
        drop(unsafe { Box::from_raw(running) });
        return check(rv);
    }
    // SAFETY: the callback cannot run before nng_device_aio, so filling the box first is safe.
    unsafe {
        (*running).aio = aio;
        list(a, b, aio, true);
        sys::nng_device_aio(aio, nng_socket(a), nng_socket(b));
    }
    Ok(())
}

unsafe extern "C" fn reap(arg: *mut c_void) {
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: arg is the box from `start`, reclaimed exactly once here.
        let running = unsafe { Box::from_raw(arg.cast::<Running>()) };
        list(running.a, running.b, running.aio, false);
        unsafe { sys::nng_aio_reap(running.aio) };
    });
}
