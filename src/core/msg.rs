//! Messages. A `pnng_msg *` is NNG's `nng_msg *` under another name: no wrapper, no copy.
//! Ownership follows NNG: a send consumes the message only when it succeeds.

use super::sys;
use crate::error::{Error, Result, check};
use std::ffi::c_int;
use std::ptr::NonNull;

/// An owned NNG message; freed on drop unless released with `into_raw`.
pub struct Msg(NonNull<sys::nng_msg>);

// SAFETY: an nng_msg has a single owner and no thread affinity.
unsafe impl Send for Msg {}

impl Msg {
    /// A new message holding a copy of `data`.
    pub fn from_bytes(data: &[u8]) -> Result<Msg> {
        let mut raw = std::ptr::null_mut();
        // Allocated at its final size and copied once (an empty message grown by append
        // would allocate twice for any body over NNG's first 32 bytes).
        // SAFETY: out-pointer is valid; on success NNG gives us an owned message whose body
        // holds exactly data.len() bytes.
        unsafe {
            check(sys::nng_msg_alloc(&mut raw, data.len()))?;
            if !data.is_empty() {
                std::ptr::copy_nonoverlapping(
                    data.as_ptr(),
                    sys::nng_msg_body(raw).cast::<u8>(),
                    data.len(),
                );
            }
            Ok(Msg::from_raw(raw))
        }
    }

    /// Adopts a raw message.
    ///
    /// # Safety
    /// `raw` must be a valid, owned, non-NULL `nng_msg *`.
    pub unsafe fn from_raw(raw: *mut sys::nng_msg) -> Msg {
        Msg(NonNull::new(raw).expect("NULL nng_msg"))
    }

    /// Gives up ownership.
    pub fn into_raw(self) -> *mut sys::nng_msg {
        let raw = self.0.as_ptr();
        std::mem::forget(self);
        raw
    }

    pub fn as_ptr(&self) -> *mut sys::nng_msg {
        self.0.as_ptr()
    }

    pub fn len(&self) -> usize {
        // SAFETY: self owns a valid message.
        unsafe { sys::nng_msg_len(self.as_ptr()) }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn body(&self) -> &[u8] {
        body_of(self.as_ptr())
    }

    pub fn append(&self, data: &[u8]) -> Result<()> {
        append(self.as_ptr(), data)
    }

    pub fn set_pipe(&self, pipe: u32) {
        // SAFETY: self owns a valid message.
        unsafe { sys::nng_msg_set_pipe(self.as_ptr(), super::nng_pipe(pipe)) }
    }
}

/// Hands `msg` to an NNG send function that takes the message only on success. Cooked req,
/// rep, surveyor and respondent replace the header before they know whether the send works,
/// so on failure the caller's header is put back: the message returns exactly as given.
pub fn send_with(
    msg: Msg,
    send: impl FnOnce(*mut sys::nng_msg) -> c_int,
) -> std::result::Result<(), (Error, Msg)> {
    let saved = header_of(msg.as_ptr()).to_vec(); // no allocation for the usual empty header
    let rv = send(msg.as_ptr());
    if rv == 0 {
        std::mem::forget(msg);
        return Ok(());
    }
    restore_header(msg.as_ptr(), &saved);
    Err((Error::from_code(rv), msg))
}

/// Makes the header of `m` exactly `saved` again, after a failed send changed it.
pub fn restore_header(m: *mut sys::nng_msg, saved: &[u8]) {
    // SAFETY: the failed send left the valid message to us; putting back no more bytes than
    // the header held before cannot fail for want of room it already had.
    unsafe {
        sys::nng_msg_header_clear(m);
        if !saved.is_empty() {
            sys::nng_msg_header_append(m, saved.as_ptr().cast(), saved.len());
        }
    }
}

impl Drop for Msg {
    fn drop(&mut self) {
        // SAFETY: we own the message.
        unsafe { sys::nng_msg_free(self.0.as_ptr()) }
    }
}

/// The body of a message as a slice (empty for an empty body, whose pointer may dangle).
pub fn body_of<'a>(m: *mut sys::nng_msg) -> &'a [u8] {
    // SAFETY: callers pass a valid message; the slice lives as long as they keep it unchanged.
    unsafe {
        let len = sys::nng_msg_len(m);
        if len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(sys::nng_msg_body(m) as *const u8, len)
        }
    }
}

/// The header of a message as a slice.
pub fn header_of<'a>(m: *mut sys::nng_msg) -> &'a [u8] {
    // SAFETY: as body_of.
    unsafe {
        let len = sys::nng_msg_header_len(m);
        if len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(sys::nng_msg_header(m) as *const u8, len)
        }
    }
}

pub fn append(m: *mut sys::nng_msg, data: &[u8]) -> Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    // SAFETY: valid message and slice.
    check(unsafe { sys::nng_msg_append(m, data.as_ptr().cast(), data.len()) })
}

pub fn insert(m: *mut sys::nng_msg, data: &[u8]) -> Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    // Not nng_msg_insert: in NNG 1.11, when the data is longer than the head room but fits
    // in the capacity, nni_chunk_insert writes it over the start of the old body. Growing at
    // the tail, shifting the body and copying in front is always right, and cheap enough.
    // SAFETY: valid message; after the realloc the body holds old + new bytes, and
    // ptr::copy handles the overlapping shift.
    unsafe {
        let old_len = sys::nng_msg_len(m);
        check(sys::nng_msg_realloc(m, old_len + data.len()))?;
        let body = sys::nng_msg_body(m).cast::<u8>();
        std::ptr::copy(body, body.add(data.len()), old_len);
        std::ptr::copy_nonoverlapping(data.as_ptr(), body, data.len());
    }
    Ok(())
}

pub fn header_append(m: *mut sys::nng_msg, data: &[u8]) -> Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    // SAFETY: valid message and slice.
    check(unsafe { sys::nng_msg_header_append(m, data.as_ptr().cast(), data.len()) })
}

/// Removes `n` bytes from the front (`trim`) or the back (`chop`) of the body.
pub fn trim(m: *mut sys::nng_msg, n: usize, from_front: bool) -> Result<()> {
    // SAFETY: valid message.
    unsafe {
        if n > sys::nng_msg_len(m) {
            return Err(Error::Invalid);
        }
        check(if from_front {
            sys::nng_msg_trim(m, n)
        } else {
            sys::nng_msg_chop(m, n)
        })
    }
}

pub fn dup(m: *mut sys::nng_msg) -> Result<Msg> {
    let mut out = std::ptr::null_mut();
    // SAFETY: valid message and out-pointer.
    check(unsafe { sys::nng_msg_dup(&mut out, m) })?;
    Ok(unsafe { Msg::from_raw(out) })
}

/// The pipe a received message came from, if any.
pub fn pipe_of(m: *mut sys::nng_msg) -> Option<u32> {
    // SAFETY: valid message.
    let p = unsafe { sys::nng_msg_get_pipe(m) };
    let id = p._bindgen_opaque_blob;
    if id == 0 || id == u32::MAX {
        None
    } else {
        Some(id)
    }
}
