//! Statistics: a snapshot of NNG's counters for one socket, dialer or listener.

use super::sys;
use super::types::{DialerId, ListenerId, SocketId};
use crate::abi::{PNNG_STAT_BOOLEAN as BOOLEAN, PNNG_STAT_STRING as STRING};
use crate::error::{Error, Result, check};
use std::ffi::{CStr, CString};

/// One statistic.
pub struct Stat {
    pub name: CString,
    pub desc: CString,
    pub kind: i32,
    pub unit: i32,
    pub value: u64,
    pub text: Option<CString>,
}

/// Whose statistics to read.
#[derive(Clone, Copy)]
pub enum Owner {
    Socket(SocketId),
    Dialer(DialerId),
    Listener(ListenerId),
}

/// NNG's kind of a statistic that only groups others.
const SCOPE: i32 = sys::nng_stat_type_enum::NNG_STAT_SCOPE as i32;

fn cstring(p: *const std::ffi::c_char) -> CString {
    if p.is_null() {
        CString::default()
    } else {
        // SAFETY: NNG returns NUL-terminated strings valid while the snapshot lives.
        unsafe { CStr::from_ptr(p) }.to_owned()
    }
}

/// Collects the statistics under `scope` (depth first, scopes flattened).
fn collect(mut st: *mut sys::nng_stat, out: &mut Vec<Stat>) {
    while !st.is_null() {
        // SAFETY: st is a node of a live snapshot.
        unsafe {
            let kind = sys::nng_stat_type(st);
            if kind == SCOPE {
                collect(sys::nng_stat_child(st), out);
            } else {
                out.push(Stat {
                    name: cstring(sys::nng_stat_name(st)),
                    desc: cstring(sys::nng_stat_desc(st)),
                    kind,
                    unit: sys::nng_stat_unit(st),
                    value: match kind {
                        BOOLEAN => sys::nng_stat_bool(st) as u64,
                        STRING => 0,
                        _ => sys::nng_stat_value(st),
                    },
                    text: (kind == STRING).then(|| cstring(sys::nng_stat_string(st))),
                });
            }
            st = sys::nng_stat_next(st);
        }
    }
}

/// A snapshot's statistics, in NNG's order.
pub type Snapshot = Vec<Stat>;

/// Reads the statistics of one owner (`Closed` for a closed socket, `NoEntry` for a closed
/// dialer or listener).
pub fn snapshot(owner: Owner) -> Result<Snapshot> {
    let mut root = std::ptr::null_mut();
    // SAFETY: out-pointer valid; freed below.
    check(unsafe { sys::nng_stats_get(&mut root) })?;
    // SAFETY: root is a live snapshot; the find functions validate the ids.
    let node = unsafe {
        match owner {
            Owner::Socket(id) => sys::nng_stat_find_socket(root, id.nng()),
            Owner::Dialer(id) => sys::nng_stat_find_dialer(root, id.nng()),
            Owner::Listener(id) => sys::nng_stat_find_listener(root, id.nng()),
        }
    };
    let result = if node.is_null() {
        Err(match owner {
            Owner::Socket(_) => Error::Closed,
            _ => Error::NoEntry,
        })
    } else {
        let mut out = Vec::new();
        // SAFETY: node is in the live snapshot.
        collect(unsafe { sys::nng_stat_child(node) }, &mut out);
        Ok(out)
    };
    // SAFETY: root came from nng_stats_get.
    unsafe { sys::nng_stats_free(root) };
    result
}
