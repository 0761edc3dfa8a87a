//! Dialer functions (pynng `Dialer`). `pnng_socket_dial` creates and starts one in a
//! single step; `pnng_dialer_create` + `pnng_dialer_start` leave room to set options between.

use super::{cstr, ffi_result, out_ptr, pnng_dialer, pnng_socket, put};
use crate::core::endpoint;
use crate::core::socket::Endpoint;
use crate::core::types::Flags;
use crate::error::pnng_result;
use std::ffi::{c_char, c_int};

/// pnng_dialer_create: creates a dialer that connects to `url`, without starting it.
/// Release it with `pnng_dialer_close` (or by closing the socket).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_create(
    s: pnng_socket,
    url: *const c_char,
    dialer_out: *mut pnng_dialer,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(dialer_out)?;
        put(out, endpoint::create_dialer(s.into(), cstr(url)?)?.into());
        Ok(())
    }
}

/// pnng_dialer_start: starts the dialer, with the same `flags` as `pnng_socket_dial`: 0 waits
/// for the first connection and returns its error (pynng `block=True`); `PNNG_FLAG_NONBLOCK`
/// returns at once and connects in the background, retrying (`block=False`);
/// `PNNG_DIAL_FALLBACK` tries a blocking start and, on a connection failure (refused,
/// unreachable, timed out, reset, TLS or protocol failure), logs a warning and starts
/// non-blocking (pynng's default). `PNNG_ESTATE` if already started. After a failed blocking
/// start the dialer is not started and can be started again. May block.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_start(d: pnng_dialer, flags: c_int) -> pnng_result {
    ffi_result! { endpoint::start(Endpoint::Dialer(d.into()), Flags::from_bits(flags)) }
}

/// pnng_dialer_close: closes the dialer (its pipes close too). Closing it again returns
/// `PNNG_ENOENT` and has no other effect.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_close(d: pnng_dialer) -> pnng_result {
    ffi_result! { endpoint::close(Endpoint::Dialer(d.into())) }
}

/// pnng_dialer_id: the dialer's numeric id (0 for none).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_id(d: pnng_dialer) -> u32 {
    d.id
}
