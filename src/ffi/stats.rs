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

/// pnng_socket_stats: a snapshot of the socket's statistics; free it with `pnng_stats_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_stats(
    s: pnng_socket,
    stats_out: *mut *mut pnng_stats,
) -> pnng_result {
    ffi_result! { take_snapshot(Owner::Socket(s.into()), stats_out) }
}

/// pnng_dialer_stats: a snapshot of the dialer's statistics (`PNNG_ENOENT` for a closed one).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_stats(
    d: pnng_dialer,
    stats_out: *mut *mut pnng_stats,
) -> pnng_result {
    ffi_result! { take_snapshot(Owner::Dialer(d.into()), stats_out) }
}

/// pnng_listener_stats: a snapshot of the listener's statistics.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_stats(
    l: pnng_listener,
    stats_out: *mut *mut pnng_stats,
) -> pnng_result {
    ffi_result! { take_snapshot(Owner::Listener(l.into()), stats_out) }
}

/// pnng_stats_free: frees a snapshot. NULL is fine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_free(st: *mut pnng_stats) {
    ffi_boundary! {
        drop(take_box(st))
    }
}

/// pnng_stats_count: the number of statistics in the snapshot (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_count(st: *const pnng_stats) -> usize {
    ffi_boundary! { snapshot(st).map_or(0, Vec::len) }
}

/// pnng_stats_name: the name of statistic `i` (NULL when out of range).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_name(st: *const pnng_stats, i: usize) -> *const c_char {
    ffi_boundary! { stat(st, i).map_or(std::ptr::null(), |s| s.name.as_ptr()) }
}

/// pnng_stats_desc: the description of statistic `i` (NULL when out of range).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_desc(st: *const pnng_stats, i: usize) -> *const c_char {
    ffi_boundary! { stat(st, i).map_or(std::ptr::null(), |s| s.desc.as_ptr()) }
}

/// pnng_stats_kind: `PNNG_STAT_COUNTER`, `_LEVEL`, `_STRING`, `_BOOLEAN` or `_ID` (0 when out of range).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_kind(st: *const pnng_stats, i: usize) -> i32 {
    ffi_boundary! { stat(st, i).map_or(0, |s| s.kind) }
}

/// pnng_stats_unit: `PNNG_UNIT_BYTES`, `_MESSAGES`, `_MILLIS`, `_EVENTS` or `_NONE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_unit(st: *const pnng_stats, i: usize) -> i32 {
    ffi_boundary! { stat(st, i).map_or(0, |s| s.unit) }
}

/// pnng_stats_value: the numeric value of statistic `i` (booleans 0/1; 0 when out of range).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_value(st: *const pnng_stats, i: usize) -> u64 {
    ffi_boundary! { stat(st, i).map_or(0, |s| s.value) }
}

/// pnng_stats_string: the text of a `PNNG_STAT_STRING` statistic (NULL otherwise).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_stats_string(st: *const pnng_stats, i: usize) -> *const c_char {
    ffi_boundary! { stat(st, i).and_then(|s| s.text.as_ref()).map_or(std::ptr::null(), |t| t.as_ptr()) }
}

/// pnng_stats_find: the value of the statistic called `name`; `PNNG_ENOENT` if there is none.
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
