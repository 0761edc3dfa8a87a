//! Statistics (beyond pynng): NNG's per-socket, per-dialer and per-listener counters, read as a
//! snapshot.

use super::cast::{take_box, to_boxed_ptr, try_ref};
use super::{
    cstr, ffi_boundary, ffi_result, out_ptr, pnng_dialer, pnng_listener, pnng_socket, put,
};
use crate::core::stats::{self, Owner, Snapshot, Stat};
use crate::error::{Error, Result, pnng_result};
use std::ffi::c_char;

/// A snapshot of statistics: named values such as `"tx_msgs"`, `"rx_bytes"`, `"pipes"`.
///
/// Create it with `pnng_socket_stats`, `pnng_dialer_stats` or `pnng_listener_stats`; release it
/// with `pnng_stats_free`. The values do not change after the snapshot is taken; strings it
/// returns live as long as the snapshot.
///
/// Methods: `pnng_stats_count`, `_name`, `_desc`, `_kind`, `_unit`, `_value`, `_string`,
/// `_find`, `_free`.
///
/// Thread safety: movable.
///
/// @ingroup stats
pub struct pnng_stats {
    _private: [u8; 0],
}

fn take_snapshot(owner: Owner, out: *mut *mut pnng_stats) -> Result<()> {
    let out = out_ptr(out)?;
    put(out, to_boxed_ptr(Box::new(stats::snapshot(owner)?)));
    Ok(())
}

fn snapshot<'a>(st: *const pnng_stats) -> Result<&'a Snapshot> {
    try_ref(st)
}

fn stat<'a>(st: *const pnng_stats, i: usize) -> Option<&'a Stat> {
    snapshot(st).ok()?.get(i)
}

/// A snapshot of the socket's statistics; free it with `pnng_stats_free`.
///
/// @param s The socket.
/// @param stats_out Receives the snapshot on success; free it with `pnng_stats_free`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_stats(
    s: pnng_socket,
    stats_out: *mut *mut pnng_stats,
) -> pnng_result {
    ffi_result! { take_snapshot(Owner::Socket(s.into()), stats_out) }
}

/// A snapshot of the dialer's statistics (`PNNG_ENOENT` for a closed one).
///
/// @param d The dialer.
/// @param stats_out Receives the snapshot on success; free it with `pnng_stats_free`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_stats(
    d: pnng_dialer,
    stats_out: *mut *mut pnng_stats,
) -> pnng_result {
    ffi_result! { take_snapshot(Owner::Dialer(d.into()), stats_out) }
}

/// A snapshot of the listener's statistics.
///
/// @param l The listener.
/// @param stats_out Receives the snapshot on success; free it with `pnng_stats_free`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_stats(
    l: pnng_listener,
    stats_out: *mut *mut pnng_stats,
) -> pnng_result {
    ffi_result! { take_snapshot(Owner::Listener(l.into()), stats_out) }
}

/// Frees a snapshot. NULL is fine.
///
/// @param st The statistics snapshot.
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_free(st: *mut pnng_stats) {
    ffi_boundary! {
        drop(take_box(st))
    }
}

/// The number of statistics in the snapshot (0 for NULL).
///
/// @param st The statistics snapshot.
/// @return The number of statistics, 0 for NULL.
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_count(st: *const pnng_stats) -> usize {
    ffi_boundary! { snapshot(st).map_or(0, Vec::len) }
}

/// The name of statistic `i` (NULL when out of range).
///
/// @param st The statistics snapshot.
/// @param i The statistic's index, below `pnng_stats_count`.
/// @return A NUL-terminated name owned by the snapshot, or NULL when `i` is out of range.
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_name(st: *const pnng_stats, i: usize) -> *const c_char {
    ffi_boundary! { stat(st, i).map_or(std::ptr::null(), |s| s.name.as_ptr()) }
}

/// The description of statistic `i` (NULL when out of range).
///
/// @param st The statistics snapshot.
/// @param i The statistic's index, below `pnng_stats_count`.
/// @return A NUL-terminated text owned by the snapshot, or NULL when `i` is out of range.
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_desc(st: *const pnng_stats, i: usize) -> *const c_char {
    ffi_boundary! { stat(st, i).map_or(std::ptr::null(), |s| s.desc.as_ptr()) }
}

/// `PNNG_STAT_COUNTER`, `_LEVEL`, `_STRING`, `_BOOLEAN` or `_ID` (0 when out of range).
///
/// @param st The statistics snapshot.
/// @param i The statistic's index, below `pnng_stats_count`.
/// @return A `PNNG_STAT_*` value, or 0 when `i` is out of range.
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_kind(st: *const pnng_stats, i: usize) -> i32 {
    ffi_boundary! { stat(st, i).map_or(0, |s| s.kind) }
}

/// `PNNG_UNIT_BYTES`, `_MESSAGES`, `_MILLIS`, `_EVENTS` or `_NONE`.
///
/// @param st The statistics snapshot.
/// @param i The statistic's index, below `pnng_stats_count`.
/// @return A `PNNG_UNIT_*` value (`PNNG_UNIT_NONE` when `i` is out of range).
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_unit(st: *const pnng_stats, i: usize) -> i32 {
    ffi_boundary! { stat(st, i).map_or(0, |s| s.unit) }
}

/// The numeric value of statistic `i` (booleans 0/1; 0 when out of range).
///
/// @param st The statistics snapshot.
/// @param i The statistic's index, below `pnng_stats_count`.
/// @return The value, or 0 when `i` is out of range.
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_value(st: *const pnng_stats, i: usize) -> u64 {
    ffi_boundary! { stat(st, i).map_or(0, |s| s.value) }
}

/// The text of a `PNNG_STAT_STRING` statistic (NULL otherwise).
///
/// @param st The statistics snapshot.
/// @param i The statistic's index, below `pnng_stats_count`.
/// @return A NUL-terminated text owned by the snapshot, or NULL.
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_string(st: *const pnng_stats, i: usize) -> *const c_char {
    ffi_boundary! { stat(st, i).and_then(|s| s.text.as_ref()).map_or(std::ptr::null(), |t| t.as_ptr()) }
}

/// The value of the statistic called `name`; `PNNG_ENOENT` if there is none.
///
/// @param st The statistics snapshot.
/// @param name The statistic's name, e.g. `"rx_msgs"`.
/// @param value_out Receives its value on success.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT No statistic of that name.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup stats
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_find(
    st: *const pnng_stats,
    name: *const c_char,
    value_out: *mut u64,
) -> pnng_result {
    ffi_result! {
        let (name, out) = (cstr(name)?, out_ptr(value_out)?);
        let s = snapshot(st)?.iter().find(|s| s.name.as_c_str() == name).ok_or(Error::NoEntry)?;
        put(out, s.value);
        Ok(())
    }
}
