//! Dialer functions (pynng `Dialer`). `pnng_socket_dial` creates and starts one in a
//! single step; `pnng_dialer_create` + `pnng_dialer_start` leave room to set options between.

use super::{cstr, ffi_result, out_ptr, pnng_dialer, pnng_socket, put};
use crate::core::endpoint;
use crate::core::socket::Endpoint;
use crate::core::types::Flags;
use crate::error::pnng_result;
use std::ffi::{c_char, c_int};

/// Creates a dialer that connects to `url`, without starting it. Release it with
/// `pnng_dialer_close` (or by closing the socket).
///
/// @param s The socket.
/// @param url The address, such as `tcp://127.0.0.1:5555` or `ipc:///tmp/x`.
/// @param dialer_out Receives the dialer on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EADDRINVAL The address is invalid.
/// @retval PNNG_ENOTSUP Unknown scheme.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup dialer
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

/// Starts the dialer, with the same `flags` as `pnng_socket_dial`: 0 waits for the first
/// connection and returns its error (pynng `block=True`); `PNNG_FLAG_NONBLOCK` returns at once
/// and connects in the background, retrying (`block=False`); `PNNG_DIAL_FALLBACK` tries a
/// blocking start and, on a connection failure (refused, unreachable, timed out, reset, TLS or
/// protocol failure), logs a warning and starts non-blocking (pynng's default). After a failed
/// blocking start the dialer is not started and can be started again. May block.
///
/// @param d The dialer.
/// @param flags 0 (block until connected), `PNNG_FLAG_NONBLOCK` (connect in the background) or
///        `PNNG_DIAL_FALLBACK` (block, then go on in the background).
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ECONNREFUSED Blocking start: the peer refused the connection.
/// @retval PNNG_ETIMEDOUT Blocking start: the connection timed out.
/// @retval PNNG_EPEERAUTH Blocking TLS start: the peer's certificate was not accepted.
/// @retval PNNG_EINVAL `flags` holds another bit than `PNNG_FLAG_NONBLOCK` or
///         `PNNG_DIAL_FALLBACK`.
/// @retval PNNG_ESTATE Already started.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_start(d: pnng_dialer, flags: c_int) -> pnng_result {
    ffi_result! { endpoint::start(Endpoint::Dialer(d.into()), Flags::from_bits(flags)) }
}

/// Closes the dialer (its pipes close too). Closing it again returns `PNNG_ENOENT` and has no other
/// effect.
///
/// @param d The dialer.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT Already closed, or never valid.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_close(d: pnng_dialer) -> pnng_result {
    ffi_result! { endpoint::close(Endpoint::Dialer(d.into())) }
}

/// The dialer's numeric id (0 for none).
///
/// @param d The dialer.
/// @return The id, or 0 for the zero dialer.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_id(d: pnng_dialer) -> u32 {
    d.id
}
