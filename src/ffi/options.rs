//! Typed options for sockets, dialers, listeners, contexts and pipes, named as in NNG
//! (`PNNG_OPT_*`). Each object has `pnng_<obj>_set_<type>` and `pnng_<obj>_get_<type>` with
//! `<type>` in `ms` (int32_t), `int`, `size` (size_t), `bool`, `string`, plus `get_addr`; pipes
//! are read-only. An unknown name gives `PNNG_ENOTSUP`, a name of another type
//! `PNNG_EBADTYPE`, a read-only option `PNNG_EREADONLY`, an invalid value `PNNG_EINVAL`:
//! nothing is silently accepted. `get_string` returns a copy to free with `pnng_strfree`.
//! Outputs are written only on success.

use super::{
    cstr, ffi_result, out_ptr, pnng_ctx, pnng_dialer, pnng_listener, pnng_pipe, pnng_socket, put,
};
use crate::abi::pnng_sockaddr;
use crate::core::options::{self, Target};
use crate::error::{Result, pnng_result};
use std::ffi::{CStr, c_char, c_int};

fn set(t: Target, opt: *const c_char, f: impl FnOnce(Target, &CStr) -> Result<()>) -> Result<()> {
    f(t, cstr(opt)?)
}

fn get<T>(
    t: Target,
    opt: *const c_char,
    out: *mut T,
    f: impl FnOnce(Target, &CStr) -> Result<T>,
) -> Result<()> {
    let out = out_ptr(out)?;
    put(out, f(t, cstr(opt)?)?);
    Ok(())
}

fn get_string(t: Target, opt: *const c_char, out: *mut *mut c_char) -> Result<()> {
    get(t, opt, out, |t, n| {
        options::get_string(t, n).map(|s| s.into_raw())
    })
}

/// Sets option `opt` to a duration in milliseconds (-1 infinite).
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a duration in milliseconds (`PNNG_DURATION_INFINITE`, -1, for none).
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_set_ms(
    s: pnng_socket,
    opt: *const c_char,
    val: i32,
) -> pnng_result {
    ffi_result! { set(Target::Socket(s.into()), opt, |t, n| options::set_ms(t, n, val)) }
}

/// Reads option `opt`, a duration in milliseconds (-1 infinite), into `*val_out`.
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a duration in milliseconds (`PNNG_DURATION_INFINITE`, -1, for
///        none), on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_get_ms(
    s: pnng_socket,
    opt: *const c_char,
    val_out: *mut i32,
) -> pnng_result {
    ffi_result! { get(Target::Socket(s.into()), opt, val_out, options::get_ms) }
}

/// Sets option `opt` to an int.
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, an int.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_set_int(
    s: pnng_socket,
    opt: *const c_char,
    val: c_int,
) -> pnng_result {
    ffi_result! { set(Target::Socket(s.into()), opt, |t, n| options::set_int(t, n, val)) }
}

/// Reads option `opt`, an int, into `*val_out`.
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, an int, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_get_int(
    s: pnng_socket,
    opt: *const c_char,
    val_out: *mut c_int,
) -> pnng_result {
    ffi_result! { get(Target::Socket(s.into()), opt, val_out, options::get_int) }
}

/// Sets option `opt` to a size in bytes or a count.
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a size in bytes or a count.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_set_size(
    s: pnng_socket,
    opt: *const c_char,
    val: usize,
) -> pnng_result {
    ffi_result! { set(Target::Socket(s.into()), opt, |t, n| options::set_size(t, n, val)) }
}

/// Reads option `opt`, a size in bytes or a count, into `*val_out`.
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a size in bytes or a count, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_get_size(
    s: pnng_socket,
    opt: *const c_char,
    val_out: *mut usize,
) -> pnng_result {
    ffi_result! { get(Target::Socket(s.into()), opt, val_out, options::get_size) }
}

/// Sets option `opt` to a boolean.
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a boolean.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_set_bool(
    s: pnng_socket,
    opt: *const c_char,
    val: bool,
) -> pnng_result {
    ffi_result! { set(Target::Socket(s.into()), opt, |t, n| options::set_bool(t, n, val)) }
}

/// Reads option `opt`, a boolean, into `*val_out`.
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a boolean, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_get_bool(
    s: pnng_socket,
    opt: *const c_char,
    val_out: *mut bool,
) -> pnng_result {
    ffi_result! { get(Target::Socket(s.into()), opt, val_out, options::get_bool) }
}

/// Sets option `opt` to a NUL-terminated string (copied).
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a NUL-terminated string.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_set_string(
    s: pnng_socket,
    opt: *const c_char,
    val: *const c_char,
) -> pnng_result {
    ffi_result! { set(Target::Socket(s.into()), opt, |t, n| options::set_string(t, n, cstr(val)?)) }
}

/// Reads string option `opt`; free `*val_out` with `pnng_strfree`.
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives a copy of the value on success; free it with `pnng_strfree`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_get_string(
    s: pnng_socket,
    opt: *const c_char,
    val_out: *mut *mut c_char,
) -> pnng_result {
    ffi_result! { get_string(Target::Socket(s.into()), opt, val_out) }
}

/// Reads address option `opt` (`PNNG_OPT_LOCADDR`, `PNNG_OPT_REMADDR`).
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param addr_out Receives the address on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_get_addr(
    s: pnng_socket,
    opt: *const c_char,
    addr_out: *mut pnng_sockaddr,
) -> pnng_result {
    ffi_result! { get(Target::Socket(s.into()), opt, addr_out, options::get_addr) }
}

/// Sets option `opt` to a duration in milliseconds (-1 infinite).
///
/// @param d The dialer.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a duration in milliseconds (`PNNG_DURATION_INFINITE`, -1, for none).
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_set_ms(
    d: pnng_dialer,
    opt: *const c_char,
    val: i32,
) -> pnng_result {
    ffi_result! { set(Target::Dialer(d.into()), opt, |t, n| options::set_ms(t, n, val)) }
}

/// Reads option `opt`, a duration in milliseconds (-1 infinite), into `*val_out`.
///
/// @param d The dialer.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a duration in milliseconds (`PNNG_DURATION_INFINITE`, -1, for
///        none), on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_get_ms(
    d: pnng_dialer,
    opt: *const c_char,
    val_out: *mut i32,
) -> pnng_result {
    ffi_result! { get(Target::Dialer(d.into()), opt, val_out, options::get_ms) }
}

/// Sets option `opt` to an int.
///
/// @param d The dialer.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, an int.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_set_int(
    d: pnng_dialer,
    opt: *const c_char,
    val: c_int,
) -> pnng_result {
    ffi_result! { set(Target::Dialer(d.into()), opt, |t, n| options::set_int(t, n, val)) }
}

/// Reads option `opt`, an int, into `*val_out`.
///
/// @param d The dialer.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, an int, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_get_int(
    d: pnng_dialer,
    opt: *const c_char,
    val_out: *mut c_int,
) -> pnng_result {
    ffi_result! { get(Target::Dialer(d.into()), opt, val_out, options::get_int) }
}

/// Sets option `opt` to a size in bytes or a count.
///
/// @param d The dialer.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a size in bytes or a count.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_set_size(
    d: pnng_dialer,
    opt: *const c_char,
    val: usize,
) -> pnng_result {
    ffi_result! { set(Target::Dialer(d.into()), opt, |t, n| options::set_size(t, n, val)) }
}

/// Reads option `opt`, a size in bytes or a count, into `*val_out`.
///
/// @param d The dialer.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a size in bytes or a count, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_get_size(
    d: pnng_dialer,
    opt: *const c_char,
    val_out: *mut usize,
) -> pnng_result {
    ffi_result! { get(Target::Dialer(d.into()), opt, val_out, options::get_size) }
}

/// Sets option `opt` to a boolean.
///
/// @param d The dialer.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a boolean.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_set_bool(
    d: pnng_dialer,
    opt: *const c_char,
    val: bool,
) -> pnng_result {
    ffi_result! { set(Target::Dialer(d.into()), opt, |t, n| options::set_bool(t, n, val)) }
}

/// Reads option `opt`, a boolean, into `*val_out`.
///
/// @param d The dialer.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a boolean, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_get_bool(
    d: pnng_dialer,
    opt: *const c_char,
    val_out: *mut bool,
) -> pnng_result {
    ffi_result! { get(Target::Dialer(d.into()), opt, val_out, options::get_bool) }
}

/// Sets option `opt` to a NUL-terminated string (copied).
///
/// @param d The dialer.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a NUL-terminated string.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_set_string(
    d: pnng_dialer,
    opt: *const c_char,
    val: *const c_char,
) -> pnng_result {
    ffi_result! { set(Target::Dialer(d.into()), opt, |t, n| options::set_string(t, n, cstr(val)?)) }
}

/// Reads string option `opt`; free `*val_out` with `pnng_strfree`.
///
/// @param d The dialer.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives a copy of the value on success; free it with `pnng_strfree`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_get_string(
    d: pnng_dialer,
    opt: *const c_char,
    val_out: *mut *mut c_char,
) -> pnng_result {
    ffi_result! { get_string(Target::Dialer(d.into()), opt, val_out) }
}

/// Reads address option `opt` (`PNNG_OPT_LOCADDR`, `PNNG_OPT_REMADDR`).
///
/// @param d The dialer.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param addr_out Receives the address on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_get_addr(
    d: pnng_dialer,
    opt: *const c_char,
    addr_out: *mut pnng_sockaddr,
) -> pnng_result {
    ffi_result! { get(Target::Dialer(d.into()), opt, addr_out, options::get_addr) }
}

/// Sets option `opt` to a duration in milliseconds (-1 infinite).
///
/// @param l The listener.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a duration in milliseconds (`PNNG_DURATION_INFINITE`, -1, for none).
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_set_ms(
    l: pnng_listener,
    opt: *const c_char,
    val: i32,
) -> pnng_result {
    ffi_result! { set(Target::Listener(l.into()), opt, |t, n| options::set_ms(t, n, val)) }
}

/// Reads option `opt`, a duration in milliseconds (-1 infinite), into `*val_out`.
///
/// @param l The listener.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a duration in milliseconds (`PNNG_DURATION_INFINITE`, -1, for
///        none), on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_get_ms(
    l: pnng_listener,
    opt: *const c_char,
    val_out: *mut i32,
) -> pnng_result {
    ffi_result! { get(Target::Listener(l.into()), opt, val_out, options::get_ms) }
}

/// Sets option `opt` to an int.
///
/// @param l The listener.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, an int.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_set_int(
    l: pnng_listener,
    opt: *const c_char,
    val: c_int,
) -> pnng_result {
    ffi_result! { set(Target::Listener(l.into()), opt, |t, n| options::set_int(t, n, val)) }
}

/// Reads option `opt`, an int, into `*val_out`.
///
/// @param l The listener.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, an int, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_get_int(
    l: pnng_listener,
    opt: *const c_char,
    val_out: *mut c_int,
) -> pnng_result {
    ffi_result! { get(Target::Listener(l.into()), opt, val_out, options::get_int) }
}

/// Sets option `opt` to a size in bytes or a count.
///
/// @param l The listener.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a size in bytes or a count.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_set_size(
    l: pnng_listener,
    opt: *const c_char,
    val: usize,
) -> pnng_result {
    ffi_result! { set(Target::Listener(l.into()), opt, |t, n| options::set_size(t, n, val)) }
}

/// Reads option `opt`, a size in bytes or a count, into `*val_out`.
///
/// @param l The listener.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a size in bytes or a count, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_get_size(
    l: pnng_listener,
    opt: *const c_char,
    val_out: *mut usize,
) -> pnng_result {
    ffi_result! { get(Target::Listener(l.into()), opt, val_out, options::get_size) }
}

/// Sets option `opt` to a boolean.
///
/// @param l The listener.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a boolean.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_set_bool(
    l: pnng_listener,
    opt: *const c_char,
    val: bool,
) -> pnng_result {
    ffi_result! { set(Target::Listener(l.into()), opt, |t, n| options::set_bool(t, n, val)) }
}

/// Reads option `opt`, a boolean, into `*val_out`.
///
/// @param l The listener.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a boolean, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_get_bool(
    l: pnng_listener,
    opt: *const c_char,
    val_out: *mut bool,
) -> pnng_result {
    ffi_result! { get(Target::Listener(l.into()), opt, val_out, options::get_bool) }
}

/// Sets option `opt` to a NUL-terminated string (copied).
///
/// @param l The listener.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a NUL-terminated string.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_set_string(
    l: pnng_listener,
    opt: *const c_char,
    val: *const c_char,
) -> pnng_result {
    ffi_result! { set(Target::Listener(l.into()), opt, |t, n| options::set_string(t, n, cstr(val)?)) }
}

/// Reads string option `opt`; free `*val_out` with `pnng_strfree`.
///
/// @param l The listener.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives a copy of the value on success; free it with `pnng_strfree`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_get_string(
    l: pnng_listener,
    opt: *const c_char,
    val_out: *mut *mut c_char,
) -> pnng_result {
    ffi_result! { get_string(Target::Listener(l.into()), opt, val_out) }
}

/// Reads address option `opt` (`PNNG_OPT_LOCADDR`, `PNNG_OPT_REMADDR`).
///
/// @param l The listener.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param addr_out Receives the address on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_get_addr(
    l: pnng_listener,
    opt: *const c_char,
    addr_out: *mut pnng_sockaddr,
) -> pnng_result {
    ffi_result! { get(Target::Listener(l.into()), opt, addr_out, options::get_addr) }
}

/// Sets option `opt` to a duration in milliseconds (-1 infinite).
///
/// @param c The context.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a duration in milliseconds (`PNNG_DURATION_INFINITE`, -1, for none).
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_set_ms(c: pnng_ctx, opt: *const c_char, val: i32) -> pnng_result {
    ffi_result! { set(Target::Ctx(c.into()), opt, |t, n| options::set_ms(t, n, val)) }
}

/// Reads option `opt`, a duration in milliseconds (-1 infinite), into `*val_out`.
///
/// @param c The context.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a duration in milliseconds (`PNNG_DURATION_INFINITE`, -1, for
///        none), on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_get_ms(
    c: pnng_ctx,
    opt: *const c_char,
    val_out: *mut i32,
) -> pnng_result {
    ffi_result! { get(Target::Ctx(c.into()), opt, val_out, options::get_ms) }
}

/// Sets option `opt` to an int.
///
/// @param c The context.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, an int.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_set_int(
    c: pnng_ctx,
    opt: *const c_char,
    val: c_int,
) -> pnng_result {
    ffi_result! { set(Target::Ctx(c.into()), opt, |t, n| options::set_int(t, n, val)) }
}

/// Reads option `opt`, an int, into `*val_out`.
///
/// @param c The context.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, an int, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_get_int(
    c: pnng_ctx,
    opt: *const c_char,
    val_out: *mut c_int,
) -> pnng_result {
    ffi_result! { get(Target::Ctx(c.into()), opt, val_out, options::get_int) }
}

/// Sets option `opt` to a size in bytes or a count.
///
/// @param c The context.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a size in bytes or a count.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_set_size(
    c: pnng_ctx,
    opt: *const c_char,
    val: usize,
) -> pnng_result {
    ffi_result! { set(Target::Ctx(c.into()), opt, |t, n| options::set_size(t, n, val)) }
}

/// Reads option `opt`, a size in bytes or a count, into `*val_out`.
///
/// @param c The context.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a size in bytes or a count, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_get_size(
    c: pnng_ctx,
    opt: *const c_char,
    val_out: *mut usize,
) -> pnng_result {
    ffi_result! { get(Target::Ctx(c.into()), opt, val_out, options::get_size) }
}

/// Sets option `opt` to a boolean.
///
/// @param c The context.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a boolean.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_set_bool(
    c: pnng_ctx,
    opt: *const c_char,
    val: bool,
) -> pnng_result {
    ffi_result! { set(Target::Ctx(c.into()), opt, |t, n| options::set_bool(t, n, val)) }
}

/// Reads option `opt`, a boolean, into `*val_out`.
///
/// @param c The context.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a boolean, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_get_bool(
    c: pnng_ctx,
    opt: *const c_char,
    val_out: *mut bool,
) -> pnng_result {
    ffi_result! { get(Target::Ctx(c.into()), opt, val_out, options::get_bool) }
}

/// Sets option `opt` to a NUL-terminated string (copied).
///
/// @param c The context.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The value, a NUL-terminated string.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_set_string(
    c: pnng_ctx,
    opt: *const c_char,
    val: *const c_char,
) -> pnng_result {
    ffi_result! { set(Target::Ctx(c.into()), opt, |t, n| options::set_string(t, n, cstr(val)?)) }
}

/// Reads string option `opt`; free `*val_out` with `pnng_strfree`.
///
/// @param c The context.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives a copy of the value on success; free it with `pnng_strfree`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_get_string(
    c: pnng_ctx,
    opt: *const c_char,
    val_out: *mut *mut c_char,
) -> pnng_result {
    ffi_result! { get_string(Target::Ctx(c.into()), opt, val_out) }
}

/// Reads address option `opt` (`PNNG_OPT_LOCADDR`, `PNNG_OPT_REMADDR`).
///
/// @param c The context.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param addr_out Receives the address on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The context (or its socket) is closed.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup ctx
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_ctx_get_addr(
    c: pnng_ctx,
    opt: *const c_char,
    addr_out: *mut pnng_sockaddr,
) -> pnng_result {
    ffi_result! { get(Target::Ctx(c.into()), opt, addr_out, options::get_addr) }
}

/// Reads option `opt`, a duration in milliseconds (-1 infinite), into `*val_out`.
///
/// @param p The pipe.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a duration in milliseconds (`PNNG_DURATION_INFINITE`, -1, for
///        none), on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_get_ms(
    p: pnng_pipe,
    opt: *const c_char,
    val_out: *mut i32,
) -> pnng_result {
    ffi_result! { get(Target::Pipe(p.into()), opt, val_out, options::get_ms) }
}

/// Reads option `opt`, an int, into `*val_out`.
///
/// @param p The pipe.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, an int, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_get_int(
    p: pnng_pipe,
    opt: *const c_char,
    val_out: *mut c_int,
) -> pnng_result {
    ffi_result! { get(Target::Pipe(p.into()), opt, val_out, options::get_int) }
}

/// Reads option `opt`, a size in bytes or a count, into `*val_out`.
///
/// @param p The pipe.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a size in bytes or a count, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_get_size(
    p: pnng_pipe,
    opt: *const c_char,
    val_out: *mut usize,
) -> pnng_result {
    ffi_result! { get(Target::Pipe(p.into()), opt, val_out, options::get_size) }
}

/// Reads option `opt`, a boolean, into `*val_out`.
///
/// @param p The pipe.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives the value, a boolean, on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_get_bool(
    p: pnng_pipe,
    opt: *const c_char,
    val_out: *mut bool,
) -> pnng_result {
    ffi_result! { get(Target::Pipe(p.into()), opt, val_out, options::get_bool) }
}

/// Reads string option `opt`; free `*val_out` with `pnng_strfree`.
///
/// @param p The pipe.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val_out Receives a copy of the value on success; free it with `pnng_strfree`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_get_string(
    p: pnng_pipe,
    opt: *const c_char,
    val_out: *mut *mut c_char,
) -> pnng_result {
    ffi_result! { get_string(Target::Pipe(p.into()), opt, val_out) }
}

/// Reads address option `opt` (`PNNG_OPT_LOCADDR`, `PNNG_OPT_REMADDR`).
///
/// @param p The pipe.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param addr_out Receives the address on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The pipe is closed or was never valid.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EWRITEONLY The option is write-only.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup pipe
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_pipe_get_addr(
    p: pnng_pipe,
    opt: *const c_char,
    addr_out: *mut pnng_sockaddr,
) -> pnng_result {
    ffi_result! { get(Target::Pipe(p.into()), opt, addr_out, options::get_addr) }
}

/// Sets option `opt` from `len` opaque bytes (e.g. `PNNG_OPT_SUB_SUBSCRIBE`).
///
/// @param s The socket.
/// @param opt The option's name, a `PNNG_OPT_*` string.
/// @param val The bytes; may be NULL when `len` is 0.
/// @param len The number of bytes at `val`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_ENOTSUP No option of that name on this object.
/// @retval PNNG_EBADTYPE The option has another type.
/// @retval PNNG_EREADONLY The option is read-only.
/// @retval PNNG_EINVAL The value is out of range, or a required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_set_bytes(
    s: pnng_socket,
    opt: *const c_char,
    val: *const std::ffi::c_void,
    len: usize,
) -> pnng_result {
    ffi_result! { set(Target::Socket(s.into()), opt, |t, n| options::set_bytes(t, n, super::bytes(val, len)?)) }
}
