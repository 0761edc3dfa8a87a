//! Listener functions (pynng `Listener`). `pnng_socket_listen` creates and starts one in a
//! single step; `pnng_listener_create` + `pnng_listener_start` leave room to set options between.

use super::{cstr, ffi_result, out_ptr, pnng_listener, pnng_socket, put};
use crate::core::endpoint;
use crate::core::socket::Endpoint;
use crate::core::types::Flags;
use crate::error::pnng_result;
use std::ffi::{c_char, c_int};

/// pnng_listener_create: creates a listener that accepts connections on `url`, without starting it.
/// Release it with `pnng_listener_close` (or by closing the socket).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_create(
    s: pnng_socket,
    url: *const c_char,
    listener_out: *mut pnng_listener,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(listener_out)?;
        put(out, endpoint::create_listener(s.into(), cstr(url)?)?.into());
        Ok(())
    }
}

/// pnng_listener_start: starts the listener. `flags`: 0, or `PNNG_FLAG_NONBLOCK` (dialers: do
/// not wait for the first connection). `PNNG_ESTATE` if already started.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_start(l: pnng_listener, flags: c_int) -> pnng_result {
    ffi_result! { endpoint::start(Endpoint::Listener(l.into()), Flags::from_bits(flags)) }
}

/// pnng_listener_close: closes the listener (its pipes close too). Closing it again returns
/// `PNNG_ENOENT` and has no other effect.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_close(l: pnng_listener) -> pnng_result {
    ffi_result! { endpoint::close(Endpoint::Listener(l.into())) }
}

/// pnng_listener_id: the listener's numeric id (0 for none).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_id(l: pnng_listener) -> u32 {
    l.id
}
