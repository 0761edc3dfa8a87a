//! Statistics: a snapshot of NNG's counters for one socket, dialer or listener.

use super::{nng_dialer, nng_listener, nng_socket, sys};
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
    Socket(u32),
    Dialer(u32),
    Listener(u32),
}

const SCOPE: i32 = 0;
const STRING: i32 = 3;
const BOOLEAN: i32 = 4;

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

pub fn snapshot(owner: Owner) -> Result<Vec<Stat>> {
    let mut root = std::ptr::null_mut();
    // SAFETY: out-pointer valid; freed below.
    check(unsafe { sys::nng_stats_get(&mut root) })?;
    // SAFETY: root is a live snapshot; the find functions validate the ids.
    let node = unsafe {
        match owner {
            Owner::Socket(id) => sys::nng_stat_find_socket(root, nng_socket(id)),
            Owner::Dialer(id) => sys::nng_stat_find_dialer(root, nng_dialer(id)),
            Owner::Listener(id) => sys::nng_stat_find_listener(root, nng_listener(id)),
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
