//! Dialers and listeners created apart from starting them, so options can be set in between.

use super::socket::{self, Endpoint};
use super::{nng_dialer, nng_listener, nng_socket, sys};
use crate::error::{Result, check};
use std::ffi::{CStr, c_int};

pub fn create(sock: u32, url: &CStr, kind: Endpoint) -> Result<u32> {
    socket::state(sock)?;
    let id = match kind {
        Endpoint::Dialer => {
            let mut d = nng_dialer(0);
            // SAFETY: valid URL and out-pointer; NNG checks the socket id.
            check(unsafe { sys::nng_dialer_create(&mut d, nng_socket(sock), url.as_ptr()) })?;
            d._bindgen_opaque_blob
        }
        Endpoint::Listener => {
            let mut l = nng_listener(0);
            // SAFETY: as above.
            check(unsafe { sys::nng_listener_create(&mut l, nng_socket(sock), url.as_ptr()) })?;
            l._bindgen_opaque_blob
        }
    };
    socket::track_endpoint(sock, kind, id);
    Ok(id)
}

/// Starts a dialer or listener. `flags`: `FLAG_NONBLOCK`, or for dialers `DIAL_FALLBACK` (a
/// blocking start; on a failure worth retrying, a warning and a non-blocking start, as
/// `socket::dial` does).
pub fn start(id: u32, kind: Endpoint, flags: c_int) -> Result<()> {
    let allowed = match kind {
        Endpoint::Dialer => socket::FLAG_NONBLOCK | socket::DIAL_FALLBACK,
        Endpoint::Listener => socket::FLAG_NONBLOCK,
    };
    if flags & !allowed != 0 {
        return Err(crate::error::Error::Invalid);
    }
    let start_with = |f: c_int| {
        // SAFETY: NNG validates the id.
        check(unsafe {
            match kind {
                Endpoint::Dialer => sys::nng_dialer_start(nng_dialer(id), f),
                Endpoint::Listener => sys::nng_listener_start(nng_listener(id), f),
            }
        })
    };
    if flags & socket::DIAL_FALLBACK == 0 || flags & socket::FLAG_NONBLOCK != 0 {
        return start_with(flags & socket::FLAG_NONBLOCK);
    }
    match start_with(0) {
        // NNG clears a dialer's started state when its blocking start fails (core/dialer.c,
        // upstream behaviour), so it can start again.
        Err(e) if socket::worth_retrying(e) => {
            let url = dialer_url(id).unwrap_or_default();
            super::log::warn(&format!(
                "Synchronous dial to {url} failed ({e}); dialing in the background"
            ));
            start_with(socket::FLAG_NONBLOCK)
        }
        other => other,
    }
}

/// The dialer's URL, for messages.
fn dialer_url(id: u32) -> Option<String> {
    let mut p: *mut std::ffi::c_char = std::ptr::null_mut();
    // SAFETY: valid option name and out-pointer; NNG allocates the string, freed below.
    let rv = unsafe {
        sys::nng_dialer_get_string(nng_dialer(id), sys::NNG_OPT_URL.as_ptr().cast(), &mut p)
    };
    if rv != 0 || p.is_null() {
        return None;
    }
    // SAFETY: NNG returned a NUL-terminated string it allocated.
    let url = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
    // SAFETY: allocated by NNG for us.
    unsafe { sys::nng_strfree(p) };
    Some(url)
}

pub fn close(id: u32, kind: Endpoint) -> Result<()> {
    // SAFETY: NNG validates the id; a closed one gives ENOENT (or ECLOSED).
    let rv = unsafe {
        match kind {
            Endpoint::Dialer => sys::nng_dialer_close(nng_dialer(id)),
            Endpoint::Listener => sys::nng_listener_close(nng_listener(id)),
        }
    };
    socket::untrack_endpoint(kind, id);
    check(rv)
}
