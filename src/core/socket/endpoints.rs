//! The socket's dialers and listeners: listen, dial (in pynng's three modes), and the lists
//! NNG has no call for.

use super::{SocketState, all_states, push_snug, state};
use crate::core::sys;
use crate::core::types::{DialerId, Flags, ListenerId, SocketId};
use crate::error::{Error, Result, check};
use std::ffi::CStr;

/// Creates and starts a listener.
pub fn listen(id: SocketId, url: &CStr, flags: Flags) -> Result<ListenerId> {
    flags.check(Flags::NONBLOCK)?;
    let st = state(id)?;
    st.events.prepare_pipes(); // before any pipe can come (see `Events::pipes`)
    let mut l = ListenerId(0).nng();
    // SAFETY: NNG checks the socket id; the URL is NUL-terminated and the out-pointer live.
    check(unsafe { sys::nng_listen(id.nng(), url.as_ptr(), &mut l, flags.bits()) })?;
    let lid = ListenerId::of(l);
    st.push_endpoint(Endpoint::Listener(lid));
    Ok(lid)
}

/// Errors after which a fallback dial goes on in the background (the peer may come later).
pub(crate) fn worth_retrying(e: Error) -> bool {
    matches!(
        e,
        Error::ConnRefused
            | Error::Unreachable
            | Error::TimedOut
            | Error::ConnReset
            | Error::ConnAborted
            | Error::ConnShut
            | Error::PeerAuth
            | Error::Crypto
            | Error::Protocol
    )
}

/// Creates and starts a dialer in one of pynng's three modes: blocking, `NONBLOCK`, or
/// `DIAL_FALLBACK` (blocking; on a connection failure, log and go on in the background).
pub fn dial(id: SocketId, url: &CStr, flags: Flags) -> Result<DialerId> {
    flags.check(Flags::NONBLOCK | Flags::DIAL_FALLBACK)?;
    let st = state(id)?;
    st.events.prepare_pipes(); // before any pipe can come (see `Events::pipes`)
    let dial_with = |f: Flags| -> Result<DialerId> {
        let mut d = DialerId(0).nng();
        // SAFETY: NNG checks the socket id; the URL is NUL-terminated and the out-pointer live.
        check(unsafe { sys::nng_dial(id.nng(), url.as_ptr(), &mut d, f.bits()) })?;
        Ok(DialerId::of(d))
    };
    let did = if flags.contains(Flags::DIAL_FALLBACK) && !flags.contains(Flags::NONBLOCK) {
        match dial_with(Flags::NONE) {
            Err(e) if worth_retrying(e) => {
                crate::core::log::warn(&format!(
                    "Synchronous dial to {} failed ({e}); dialing in the background",
                    url.to_string_lossy()
                ));
                dial_with(Flags::NONBLOCK)?
            }
            other => other?,
        }
    } else {
        dial_with(if flags.contains(Flags::NONBLOCK) {
            Flags::NONBLOCK
        } else {
            Flags::NONE
        })?
    };
    st.push_endpoint(Endpoint::Dialer(did));
    Ok(did)
}

/// A dialer or a listener, for the functions both kinds share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Dialer(DialerId),
    Listener(ListenerId),
}

impl SocketState {
    fn push_endpoint(&self, ep: Endpoint) {
        push_snug(&mut self.endpoints.lock().endpoints, ep);
    }

    fn forget_endpoint(&self, ep: Endpoint) {
        if let Some(mut eps) = self.endpoints.lock_used() {
            eps.endpoints.retain(|&x| x != ep);
        }
    }
}

/// Records an endpoint created apart from starting it (the create/start API).
pub fn track_endpoint(id: SocketId, ep: Endpoint) {
    if let Ok(st) = state(id) {
        st.events.prepare_pipes(); // before it starts (see `Events::pipes`)
        st.push_endpoint(ep);
    }
}

/// Forgets a closed endpoint in whichever socket holds it.
pub fn untrack_endpoint(ep: Endpoint) {
    for st in all_states() {
        st.forget_endpoint(ep);
    }
}

fn list<T>(id: SocketId, which: impl Fn(Endpoint) -> Option<T>) -> Result<Vec<T>> {
    let st = state(id)?;
    let eps = st.endpoints.lock_used();
    Ok(eps
        .map(|e| e.endpoints.iter().filter_map(|&ep| which(ep)).collect())
        .unwrap_or_default())
}

/// The socket's open dialers.
pub fn dialers(id: SocketId) -> Result<Vec<DialerId>> {
    list(id, |ep| match ep {
        Endpoint::Dialer(d) => Some(d),
        Endpoint::Listener(_) => None,
    })
}

/// The socket's open listeners.
pub fn listeners(id: SocketId) -> Result<Vec<ListenerId>> {
    list(id, |ep| match ep {
        Endpoint::Listener(l) => Some(l),
        Endpoint::Dialer(_) => None,
    })
}
