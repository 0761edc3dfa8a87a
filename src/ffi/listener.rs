//! Listener functions (pynng `Listener`). `pnng_socket_listen` creates and starts one in a
//! single step; `pnng_listener_create` + `pnng_listener_start` leave room to set options between.

use super::{cstr, ffi_result, out_ptr, pnng_listener, pnng_socket, put};
use crate::core::endpoint;
use crate::core::socket::Endpoint;
use crate::core::types::Flags;
use crate::error::pnng_result;
use std::ffi::{c_char, c_int};

/// Creates a listener that accepts connections on `url`, without starting it. Release it with
/// `pnng_listener_close` (or by closing the socket).
///
/// @param s The socket.
/// @param url The address, such as `tcp://127.0.0.1:5555` or `ipc:///tmp/x`.
/// @param listener_out Receives the listener on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EADDRINVAL The address is invalid.
/// @retval PNNG_ENOTSUP Unknown scheme.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup listener
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

/// Starts the listener: it binds its address and accepts connections from now on.
/// `PNNG_ESTATE` if already started.
///
/// @param l The listener.
/// @param flags Must be 0 (`PNNG_FLAG_NONBLOCK` is accepted and ignored).
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_EADDRINUSE The address is already in use.
/// @retval PNNG_ESTATE Already started.
/// @retval PNNG_EINVAL `flags` holds a bit other than `PNNG_FLAG_NONBLOCK`.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_start(l: pnng_listener, flags: c_int) -> pnng_result {
    ffi_result! { endpoint::start(Endpoint::Listener(l.into()), Flags::from_bits(flags)) }
}

/// Closes the listener (its pipes close too). Closing it again returns `PNNG_ENOENT` and has no
/// other effect.
///
/// @param l The listener.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT Already closed, or never valid.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_close(l: pnng_listener) -> pnng_result {
    ffi_result! { endpoint::close(Endpoint::Listener(l.into())) }
}

/// The listener's numeric id (0 for none).
///
/// @param l The listener.
/// @return The id, or 0 for the zero listener.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_id(l: pnng_listener) -> u32 {
    l.id
}
