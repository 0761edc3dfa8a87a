//! Library-wide functions: errors, version, logging, devices, shutdown.

use super::{ffi_boundary, ffi_result, pnng_socket};
use crate::abi::pnng_log_cb;
use crate::core::{device, log};
use crate::error::{Error, PNNG_OK, pnng_result};
use std::ffi::{CString, c_char, c_int, c_void};

/// A static description of `err` (never NULL, never to be freed). Covers every `PNNG_E*` code, the
/// `PNNG_ESYSERR`/`PNNG_ETRANERR` ranges and unknown numbers.
///
/// @param err An error code.
/// @return A static, NUL-terminated text; never NULL.
/// @ingroup errors
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_strerror(err: c_int) -> *const c_char {
    ffi_boundary! {
        if err == PNNG_OK { c"Success".as_ptr() } else { Error::from_code(err).c_message().as_ptr() }
    }
}

/// "pnng X.Y.Z (NNG A.B.C)", static.
///
/// @return A static, NUL-terminated text such as "pnng 0.1.0 (NNG 1.12.0)".
/// @ingroup library
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_version() -> *const c_char {
    ffi_boundary! { crate::version::text().as_ptr() }
}

/// Frees a string returned by a `*_get_string` function. NULL is fine.
///
/// @param s The string, or NULL.
/// @ingroup library
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_strfree(s: *mut c_char) {
    ffi_boundary! {
        if !s.is_null() {
            // SAFETY: strings handed out are CString::into_raw.
            drop(unsafe { CString::from_raw(s) });
        }
    }
}

/// Closes every socket and releases NNG's global state, so leak checkers see a clean exit. Every
/// handle is invalid afterwards; call it last, from one thread.
///
/// @ingroup library
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_fini() {
    ffi_boundary! { crate::core::fini() }
}

/// Sends NNG's and pnng's log lines to `cb` (NULL: discard them, the default; pnng never prints).
/// `userdata` is passed back.
///
/// @param cb The callback, or NULL to discard log lines.
/// @param userdata Passed back to `cb`.
/// @ingroup library
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_set_log_callback(cb: pnng_log_cb, userdata: *mut c_void) {
    ffi_boundary! { log::set_callback(cb, userdata as usize) }
}

/// The most verbose level passed to the callback (default `PNNG_LOG_WARN`).
///
/// @param level A `PNNG_LOG_*` level.
/// @ingroup library
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_set_log_level(level: c_int) {
    ffi_boundary! { log::set_level(level) }
}

/// Forwards messages between two raw sockets (or loops one back if `b` is the zero socket) until
/// either closes; then returns `PNNG_ECLOSED`. Blocks. Cooked sockets give `PNNG_EINVAL`.
///
/// @param a The first raw socket.
/// @param b The second raw socket, or the zero socket to loop `a` back to itself.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED A socket closed: the normal end of a device (or one was never open).
/// @retval PNNG_EINVAL A socket is cooked (not raw), or both are the zero socket.
/// @ingroup library
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_device(a: pnng_socket, b: pnng_socket) -> pnng_result {
    ffi_result! { device::run(a.into(), b.into()) }
}

/// As `pnng_device`, in the background; it stops when either socket closes.
///
/// @param a The first raw socket.
/// @param b The second raw socket, or the zero socket to loop `a` back to itself.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED A socket is closed or was never opened.
/// @retval PNNG_EINVAL A socket is cooked (not raw), or both are the zero socket.
/// @ingroup library
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
