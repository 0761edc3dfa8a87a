//! Dialers and listeners created apart from starting them, so options can be set in between.

use super::socket::{self, Endpoint};
use super::sys;
use super::types::{DialerId, Flags, ListenerId, SocketId};
use crate::error::{Result, check};
use std::ffi::CStr;

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

/// Starts a created endpoint (`NONBLOCK`: a dialer does not wait for its first connection).
pub fn start(ep: Endpoint, flags: Flags) -> Result<()> {
    flags.check(Flags::NONBLOCK)?;
    // SAFETY: NNG validates the id.
    check(unsafe {
        match ep {
            Endpoint::Dialer(d) => sys::nng_dialer_start(d.nng(), flags.bits()),
            Endpoint::Listener(l) => sys::nng_listener_start(l.nng(), flags.bits()),
        }
    })
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
