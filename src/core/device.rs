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

/// Forwards until either socket closes. Blocks.
pub fn run(a: u32, b: u32) -> Result<()> {
    check_raw(a, b)?;
    // SAFETY: NNG validates both ids.
    check(unsafe { sys::nng_device(nng_socket(a), nng_socket(b)) })
}

/// Starts forwarding in the background; it ends when either socket closes.
pub fn start(a: u32, b: u32) -> Result<()> {
    check_raw(a, b)?;
    // The completion callback receives only `arg`, so the aio pointer goes into a slot that
    // the callback takes back and reaps (NNG's sanctioned way to free an aio from its callback).
    let slot = Box::into_raw(Box::new(std::ptr::null_mut::<sys::nng_aio>()));
    let mut aio = std::ptr::null_mut();
    // SAFETY: `slot` lives until the completion callback reclaims it.
    let rv = unsafe { sys::nng_aio_alloc(&mut aio, Some(reap), slot.cast()) };
    if rv != 0 {
        drop(unsafe { Box::from_raw(slot) });
        return check(rv);
    }
    // SAFETY: the callback cannot run before nng_device_aio, so writing the slot first is safe.
    unsafe {
        *slot = aio;
        sys::nng_device_aio(aio, nng_socket(a), nng_socket(b));
    }
    Ok(())
}

unsafe extern "C" fn reap(arg: *mut c_void) {
    // SAFETY: arg is the slot from `start`, reclaimed exactly once here.
    let slot = unsafe { Box::from_raw(arg.cast::<*mut sys::nng_aio>()) };
    unsafe { sys::nng_aio_reap(*slot) };
}
