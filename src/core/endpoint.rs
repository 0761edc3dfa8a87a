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

pub fn start(id: u32, kind: Endpoint, flags: c_int) -> Result<()> {
    if flags & !socket::FLAG_NONBLOCK != 0 {
        return Err(crate::error::Error::Invalid);
    }
    // SAFETY: NNG validates the id.
    check(unsafe {
        match kind {
            Endpoint::Dialer => sys::nng_dialer_start(nng_dialer(id), flags),
            Endpoint::Listener => sys::nng_listener_start(nng_listener(id), flags),
        }
    })
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
