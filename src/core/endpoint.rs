//! Dialers and listeners created apart from starting them, so options can be set in between.

use super::socket::{self, Endpoint};
use super::sys;
use super::types::{DialerId, Flags, ListenerId, SocketId};
use crate::error::{Result, check};
use std::ffi::{CStr, c_char};

/// Creates a dialer to `url` on socket `sock`, not started.
pub fn create_dialer(sock: SocketId, url: &CStr) -> Result<DialerId> {
    socket::state(sock)?;
    let mut d = DialerId(0).nng();
    // SAFETY: NNG checks the socket id; the URL is NUL-terminated and the out-pointer live.
    check(unsafe { sys::nng_dialer_create(&mut d, sock.nng(), url.as_ptr()) })?;
    let d = DialerId::of(d);
    socket::track_endpoint(sock, Endpoint::Dialer(d));
    Ok(d)
}

/// Creates a listener on `url` on socket `sock`, not started.
pub fn create_listener(sock: SocketId, url: &CStr) -> Result<ListenerId> {
    socket::state(sock)?;
    let mut l = ListenerId(0).nng();
    // SAFETY: NNG checks the socket id; the URL is NUL-terminated and the out-pointer live.
    check(unsafe { sys::nng_listener_create(&mut l, sock.nng(), url.as_ptr()) })?;
    let l = ListenerId::of(l);
    socket::track_endpoint(sock, Endpoint::Listener(l));
    Ok(l)
}

/// Starts a dialer or listener. `flags`: `NONBLOCK`, or for dialers `DIAL_FALLBACK` (a
/// blocking start; on a failure worth retrying, a warning and a non-blocking start, as
/// `socket::dial` does).
pub fn start(ep: Endpoint, flags: Flags) -> Result<()> {
    let allowed = match ep {
        Endpoint::Dialer(_) => Flags::NONBLOCK | Flags::DIAL_FALLBACK,
        Endpoint::Listener(_) => Flags::NONBLOCK,
    };
    flags.check(allowed)?;
    let start_with = |f: Flags| {
        // SAFETY: NNG validates the id.
        check(unsafe {
            match ep {
                Endpoint::Dialer(d) => sys::nng_dialer_start(d.nng(), f.bits()),
                Endpoint::Listener(l) => sys::nng_listener_start(l.nng(), f.bits()),
            }
        })
    };
    let nonblock = flags.contains(Flags::NONBLOCK);
    let Endpoint::Dialer(d) = ep else {
        return start_with(flags);
    };
    if !flags.contains(Flags::DIAL_FALLBACK) || nonblock {
        return start_with(if nonblock {
            Flags::NONBLOCK
        } else {
            Flags::NONE
        });
    }
    match start_with(Flags::NONE) {
        // NNG clears a dialer's started state when its blocking start fails (core/dialer.c,
        // upstream behaviour), so it can start again.
        Err(e) if socket::worth_retrying(e) => {
            let url = dialer_url(d).unwrap_or_default();
            super::log::warn(&format!(
                "Synchronous dial to {url} failed ({e}); dialing in the background"
            ));
            start_with(Flags::NONBLOCK)
        }
        other => other,
    }
}

/// The dialer's URL, for messages.
fn dialer_url(d: DialerId) -> Option<String> {
    let mut p: *mut c_char = std::ptr::null_mut();
    // SAFETY: NNG validates the id; the option name is a NUL-terminated constant and the
    // out-pointer a live local. On success NNG allocates the string, freed below.
    let rv =
        unsafe { sys::nng_dialer_get_string(d.nng(), sys::NNG_OPT_URL.as_ptr().cast(), &mut p) };
    if rv != 0 || p.is_null() {
        return None;
    }
    // SAFETY: NNG returned a NUL-terminated string it allocated for us; it is copied, then
    // freed once and not used afterwards.
    unsafe {
        let url = CStr::from_ptr(p).to_string_lossy().into_owned();
        sys::nng_strfree(p);
        Some(url)
    }
}

/// Closes the endpoint (its pipes close too); `NoEntry` for a second close.
pub fn close(ep: Endpoint) -> Result<()> {
    // SAFETY: NNG validates the id; a closed one gives ENOENT (or ECLOSED).
    let rv = unsafe {
        match ep {
            Endpoint::Dialer(d) => sys::nng_dialer_close(d.nng()),
            Endpoint::Listener(l) => sys::nng_listener_close(l.nng()),
        }
    };
    socket::untrack_endpoint(ep);
    check(rv)
}
