//! The logging hook: NNG's own log lines and pnng's go to one C callback, or nowhere (the
//! default). Nothing is ever printed to stderr.

use super::extern_nng as ext;
use super::sync::lock;
use crate::abi::{PNNG_LOG_NONE as LEVEL_NONE, PNNG_LOG_WARN as LEVEL_WARN};
use once_cell::sync::Lazy;
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::sync::Mutex;

/// A log callback (the C type `pnng_log_cb` without its NULL).
pub type LogCallback =
    unsafe extern "C" fn(level: c_int, msg: *const c_char, userdata: *mut c_void);

struct Hook {
    cb: Option<LogCallback>,
    userdata: usize,
    level: c_int,
}

static HOOK: Lazy<Mutex<Hook>> = Lazy::new(|| {
    Mutex::new(Hook {
        cb: None,
        userdata: 0,
        level: LEVEL_WARN,
    })
});

/// Installs (or with `None` removes) the callback.
pub fn set_callback(cb: Option<LogCallback>, userdata: usize) {
    let level = {
        let mut h = lock(&HOOK);
        h.cb = cb;
        h.userdata = userdata;
        h.level
    };
    // SAFETY: plain setters; the trampoline stays valid forever.
    unsafe {
        ext::nng_log_set_logger(Some(from_nng));
        ext::nng_log_set_level(if cb.is_some() { level } else { LEVEL_NONE });
    }
}

/// Sets the most verbose level passed to the callback.
pub fn set_level(level: c_int) {
    let has_cb = {
        let mut h = lock(&HOOK);
        h.level = level;
        h.cb.is_some()
    };
    // SAFETY: plain setter.
    unsafe { ext::nng_log_set_level(if has_cb { level } else { LEVEL_NONE }) };
}

fn emit(level: c_int, msg: &CStr) {
    let (cb, ud, max) = {
        let h = lock(&HOOK);
        (h.cb, h.userdata, h.level)
    };
    if let Some(cb) = cb.filter(|_| level <= max) {
        // SAFETY: the callback and userdata come from the C caller, valid while installed.
        unsafe { cb(level, msg.as_ptr(), ud as *mut c_void) };
    }
}

pub fn warn(text: &str) {
    emit(
        LEVEL_WARN,
        &CString::new(text.replace('\0', " ")).unwrap_or_default(),
    );
}

unsafe extern "C" fn from_nng(
    level: c_int,
    _facility: c_int,
    msgid: *const c_char,
    msg: *const c_char,
) {
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: NNG passes NUL-terminated strings (msgid may be NULL).
        let text = unsafe {
            let m = if msg.is_null() {
                "".into()
            } else {
                CStr::from_ptr(msg).to_string_lossy()
            };
            if msgid.is_null() {
                m.into_owned()
            } else {
                format!("{}: {m}", CStr::from_ptr(msgid).to_string_lossy())
            }
        };
        emit(
            level,
            &CString::new(text.replace('\0', " ")).unwrap_or_default(),
        );
    });
}
