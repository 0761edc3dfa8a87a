//! Version information.

use once_cell::sync::Lazy;
use std::ffi::{CStr, CString};

pub const PNNG_VERSION_MAJOR: u32 = 0;
pub const PNNG_VERSION_MINOR: u32 = 1;
pub const PNNG_VERSION_PATCH: u32 = 0;

// The header's version macros must match Cargo.toml (tests check the header side too).
const _: () = {
    assert!(PNNG_VERSION_MAJOR as usize == parse(env!("CARGO_PKG_VERSION_MAJOR")));
    assert!(PNNG_VERSION_MINOR as usize == parse(env!("CARGO_PKG_VERSION_MINOR")));
    assert!(PNNG_VERSION_PATCH as usize == parse(env!("CARGO_PKG_VERSION_PATCH")));
};

const fn parse(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        n = n * 10 + (b[i] - b'0') as usize;
        i += 1;
    }
    n
}

/// "pnng X.Y.Z (NNG A.B.C)".
pub fn text() -> &'static CStr {
    static TEXT: Lazy<CString> = Lazy::new(|| {
        // SAFETY: nng_version returns a static string.
        let nng = unsafe { CStr::from_ptr(nng_sys::nng_version()) }
            .to_string_lossy()
            .into_owned();
        CString::new(format!("pnng {} (NNG {nng})", env!("CARGO_PKG_VERSION"))).unwrap_or_default()
    });
    &TEXT
}
