//! Library-wide functions: errors, version, logging, devices, shutdown.

use super::{ffi_boundary, ffi_result, pnng_socket};
use crate::abi::pnng_log_cb;
use crate::core::{device, log};
use crate::error::{Error, PNNG_OK, pnng_result};
use std::ffi::{CString, c_char, c_int, c_void};

/// pnng_strerror: a static description of `err` (never NULL, never to be freed). Covers every
/// `PNNG_E*` code, the `PNNG_ESYSERR`/`PNNG_ETRANERR` ranges and unknown numbers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_strerror(err: c_int) -> *const c_char {
    ffi_boundary! {
        if err == PNNG_OK { c"Success".as_ptr() } else { Error::from_code(err).c_message().as_ptr() }
    }
}

/// pnng_version: "pnng X.Y.Z (NNG A.B.C)", static.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_version() -> *const c_char {
    ffi_boundary! { crate::version::text().as_ptr() }
}

/// pnng_strfree: frees a string returned by a `*_get_string` function. NULL is fine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_strfree(s: *mut c_char) {
    ffi_boundary! {
        if !s.is_null() {
            // SAFETY: strings handed out are CString::into_raw.
            drop(unsafe { CString::from_raw(s) });
        }
    }
}

/// pnng_fini: closes every socket and releases NNG's global state, so leak checkers see a
/// clean exit. Every handle is invalid afterwards; call it last, from one thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_fini() {
    ffi_boundary! { crate::core::fini() }
}

/// pnng_set_log_callback: sends NNG's and pnng's log lines to `cb` (NULL: discard them, the
/// default; pnng never prints). `userdata` is passed back.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_set_log_callback(cb: pnng_log_cb, userdata: *mut c_void) {
    ffi_boundary! { log::set_callback(cb, userdata as usize) }
}

/// pnng_set_log_level: the most verbose level passed to the callback (default `PNNG_LOG_WARN`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_set_log_level(level: c_int) {
    ffi_boundary! { log::set_level(level) }
}

/// pnng_device: forwards messages between two raw sockets (or loops one back if `b` is the
/// zero socket) until either closes; then returns `PNNG_ECLOSED`. Blocks. Cooked sockets give
/// `PNNG_EINVAL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_device(a: pnng_socket, b: pnng_socket) -> pnng_result {
    ffi_result! { device::run(a.into(), b.into()) }
}

/// pnng_device_start: as `pnng_device`, in the background; it stops when either socket closes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_device_start(a: pnng_socket, b: pnng_socket) -> pnng_result {
    ffi_result! { device::start(a.into(), b.into()) }
}

/// Not exported: proves in tests that a panic inside the boundary becomes `PNNG_EINTERNAL`.
#[doc(hidden)]
pub fn boundary_probe(do_panic: bool) -> pnng_result {
    ffi_result! {
        if do_panic {
            panic!("boundary probe");
        }
        Ok(())
    }
}
