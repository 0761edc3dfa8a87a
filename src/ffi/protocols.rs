//! One opener per pynng protocol class, and a raw variant of each (for devices).
//! New sockets keep NNG's defaults (`recv-size-max` 0: no limit, as in NNG and pynng).

use super::{ffi_result, out_ptr, pnng_socket, put};
use crate::core::socket::{self, Protocol};
use crate::error::pnng_result;

/// Opens a cooked (`raw == false`) or raw socket of `protocol` into `*out`.
fn open(out: *mut pnng_socket, protocol: Protocol, raw: bool) -> crate::error::Result<()> {
    let out = out_ptr(out)?;
    put(out, socket::open(protocol, raw)?.into());
    Ok(())
}

/// Opens a pair0 socket, the bidirectional one-to-one (pynng `Pair0`). Writes the handle to `*out`;
/// release it with `pnng_socket_close`. `PNNG_EINVAL` if `out` is NULL.
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pair0_open(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Pair0, false) }
}

/// Opens a raw pair0 socket (no protocol state; for `pnng_device`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pair0_open_raw(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Pair0, true) }
}

/// Opens a pair1 socket, the bidirectional one-to-one (pair v1) (pynng `Pair1`). Writes the handle
/// to `*out`; release it with `pnng_socket_close`. `PNNG_EINVAL` if `out` is NULL.
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pair1_open(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Pair1, false) }
}

/// Opens a raw pair1 socket (no protocol state; for `pnng_device`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pair1_open_raw(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Pair1, true) }
}

/// Opens a req0 socket, the request side of request/reply (pynng `Req0`). Writes the handle to
/// `*out`; release it with `pnng_socket_close`. `PNNG_EINVAL` if `out` is NULL.
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_req0_open(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Req0, false) }
}

/// Opens a raw req0 socket (no protocol state; for `pnng_device`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_req0_open_raw(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Req0, true) }
}

/// Opens a rep0 socket, the reply side of request/reply (pynng `Rep0`). Writes the handle to
/// `*out`; release it with `pnng_socket_close`. `PNNG_EINVAL` if `out` is NULL.
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_rep0_open(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Rep0, false) }
}

/// Opens a raw rep0 socket (no protocol state; for `pnng_device`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_rep0_open_raw(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Rep0, true) }
}

/// Opens a pub0 socket, the publishing side of publish/subscribe (pynng `Pub0`). Writes the handle
/// to `*out`; release it with `pnng_socket_close`. `PNNG_EINVAL` if `out` is NULL.
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pub0_open(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Pub0, false) }
}

/// Opens a raw pub0 socket (no protocol state; for `pnng_device`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pub0_open_raw(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Pub0, true) }
}

/// Opens a sub0 socket, the subscribing side of publish/subscribe (subscribe to topics before
/// anything arrives) (pynng `Sub0`). Writes the handle to `*out`; release it with
/// `pnng_socket_close`. `PNNG_EINVAL` if `out` is NULL.
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_sub0_open(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Sub0, false) }
}

/// Opens a raw sub0 socket (no protocol state; for `pnng_device`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_sub0_open_raw(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Sub0, true) }
}

/// Opens a push0 socket, the sending end of a pipeline (pynng `Push0`). Writes the handle to
/// `*out`; release it with `pnng_socket_close`. `PNNG_EINVAL` if `out` is NULL.
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_push0_open(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Push0, false) }
}

/// Opens a raw push0 socket (no protocol state; for `pnng_device`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_push0_open_raw(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Push0, true) }
}

/// Opens a pull0 socket, the receiving end of a pipeline (pynng `Pull0`). Writes the handle to
/// `*out`; release it with `pnng_socket_close`. `PNNG_EINVAL` if `out` is NULL.
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pull0_open(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Pull0, false) }
}

/// Opens a raw pull0 socket (no protocol state; for `pnng_device`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pull0_open_raw(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Pull0, true) }
}

/// Opens a surveyor0 socket, the asking side of a survey (pynng `Surveyor0`). A survey lasts
/// `PNNG_OPT_SURVEYOR_SURVEYTIME`; a receive that times out ends it (NNG). A `PNNG_FLAG_NONBLOCK`
/// receive on the socket answers at once and leaves the survey running; on a surveyor context it
/// waits for an answer or the survey's end, as NNG does. Writes the handle to `*out`; release it
/// with `pnng_socket_close`. `PNNG_EINVAL` if `out` is NULL.
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_surveyor0_open(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Surveyor0, false) }
}

/// Opens a raw surveyor0 socket (no protocol state; for `pnng_device`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_surveyor0_open_raw(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Surveyor0, true) }
}

/// Opens a respondent0 socket, the answering side of a survey (pynng `Respondent0`). Writes the
/// handle to `*out`; release it with `pnng_socket_close`. `PNNG_EINVAL` if `out` is NULL.
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_respondent0_open(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Respondent0, false) }
}

/// Opens a raw respondent0 socket (no protocol state; for `pnng_device`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_respondent0_open_raw(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Respondent0, true) }
}

/// Opens a bus0 socket, the many-to-many bus (pynng `Bus0`). Writes the handle to `*out`; release
/// it with `pnng_socket_close`. `PNNG_EINVAL` if `out` is NULL.
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_bus0_open(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Bus0, false) }
}

/// Opens a raw bus0 socket (no protocol state; for `pnng_device`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_bus0_open_raw(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Bus0, true) }
}

/// Opens a polyamorous pair1 socket (pynng `Pair1(polyamorous=True)`), which talks to many peers;
/// address a peer by sending through its pipe (`pnng_pipe_send`).
///
/// @param out Receives the new socket on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `out` is NULL.
/// @ingroup protocols
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pair1_open_poly(out: *mut pnng_socket) -> pnng_result {
    ffi_result! { open(out, Protocol::Pair1Poly, false) }
}
