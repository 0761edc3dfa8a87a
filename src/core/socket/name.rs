//! The socket-name workaround: NNG 1.12 copies `socket-name` without a length check or a
//! terminator (`sock_set_sockname` swaps `nni_copyin_str`'s sizes), so pnng checks the length,
//! writes NNG's buffer so that it reads right, and keeps the name itself for reading back.

use super::state;
use crate::core::sys;
use crate::core::types::SocketId;
use crate::error::{Error, Result, check};
use std::ffi::{CStr, CString};

/// Longest socket name NNG has room for (its buffer is 64 bytes with the terminator).
const MAX_NAME: usize = 63;

/// Sets the socket's name (`socket-name`); `Invalid` when longer than 63 bytes.
pub fn set_name(id: SocketId, name: &CStr) -> Result<()> {
    let st = state(id)?;
    if name.to_bytes().len() > MAX_NAME {
        return Err(Error::Invalid);
    }
    // NNG copies the bytes without a terminator: clear its buffer first with a full-length
    // name, so its statistics and logs read the right text, then set the real one.
    let blank = CString::new(vec![b' '; MAX_NAME]).unwrap_or_default();
    let opt = sys::NNG_OPT_SOCKNAME.as_ptr().cast();
    // SAFETY: NNG checks the socket id; the option name and both values are NUL-terminated,
    // and both values are at most MAX_NAME bytes, within NNG's buffer.
    unsafe {
        check(sys::nng_socket_set_string(id.nng(), opt, blank.as_ptr()))?;
        check(sys::nng_socket_set_string(id.nng(), opt, name.as_ptr()))?;
    }
    st.endpoints.lock().name = Some(name.to_owned());
    Ok(())
}

/// The socket's name as set, or `None` for NNG's default (the socket id).
pub fn name(id: SocketId) -> Result<Option<CString>> {
    let st = state(id)?;
    let eps = st.endpoints.lock_used();
    Ok(eps.and_then(|e| e.name.clone()))
}
