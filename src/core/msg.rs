//! Messages. A `pnng_msg *` is NNG's `nng_msg *` under another name: no wrapper, no copy.
//! Ownership follows NNG: a send consumes the message only when it succeeds.
//!
//! Reading borrows the message (`&self`) and changing it borrows it mutably (`&mut self`), so
//! a body or header slice can never outlive a change that reallocates it.

use super::extern_nng;
use super::sys;
use super::types::PipeId;
use crate::error::{Error, Result, check};
use std::ffi::c_int;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;

/// NNG's message type, opaque to the layers above the core.
pub type RawMsg = sys::nng_msg;

/// The largest body NNG keeps in the message's own allocation (patch 0045: 1024 bytes with
/// its 32 bytes of headroom and tailroom).
const INLINE_BODY_MAX: usize = 1024 - 64;

/// Room left in front of a new message's body for the protocol headers that NNG prepends
/// (NNG's own choice for sizes that are not a power of two).
const HEADROOM: usize = 32;

/// An owned NNG message; freed on drop unless released with `into_raw`.
pub struct Msg(NonNull<RawMsg>);

// SAFETY: an nng_msg has a single owner and no thread affinity; `Msg` is that owner.
unsafe impl Send for Msg {}

impl Msg {
    /// A new message holding a copy of `data`.
    pub fn from_bytes(data: &[u8]) -> Result<Msg> {
        let mut raw = std::ptr::null_mut();
        if data.len() <= INLINE_BODY_MAX {
            // SAFETY: the out-pointer is a live local; on success NNG gives us an owned
            // message whose body holds data.len() bytes (cleared), which the copy fills.
            unsafe {
                check(sys::nng_msg_alloc(&mut raw, data.len()))?;
                let mut msg = Msg::from_raw(NonNull::new(raw).ok_or(Error::NoMemory)?);
                msg.body_mut().copy_from_slice(data);
                return Ok(msg);
            }
        }
        // A larger body is copied into a body NNG does not clear first (each byte is written
        // once: patch 0048). NNG leaves no room in front of a body whose size is a power of two
        // from 1 KiB up, so a protocol header could not be prepended in place: inproc would
        // then copy the whole message (nni_msg_pull_up), a copy and allocation per send. Such
        // bodies get the headroom every other size has, by allocating more and trimming it off
        // (cleared here, so every byte of the message is still written).
        let headroom = if data.len().is_power_of_two() {
            HEADROOM
        } else {
            0
        };
        // SAFETY: as above, but the body (headroom + data.len() bytes) is uninitialized until
        // written, so it is written through raw pointers, never read or borrowed as a slice
        // before: the headroom is cleared, then trimmed off, and the copy fills the rest.
        unsafe {
            check(extern_nng::nng_msg_alloc_uncleared(
                &mut raw,
                headroom + data.len(),
            ))?;
            let msg = Msg::from_raw(NonNull::new(raw).ok_or(Error::NoMemory)?);
            let body = sys::nng_msg_body(msg.as_ptr()).cast::<u8>();
            std::ptr::write_bytes(body, 0, headroom);
            std::ptr::copy_nonoverlapping(data.as_ptr(), body.add(headroom), data.len());
            if headroom > 0 {
                check(sys::nng_msg_trim(msg.as_ptr(), headroom))?;
            }
            Ok(msg)
        }
    }

    /// Adopts a raw message.
    ///
    /// # Safety
    /// `raw` must be a valid `nng_msg` that nobody else owns (and nobody frees).
    pub unsafe fn from_raw(raw: NonNull<RawMsg>) -> Msg {
        Msg(raw)
    }

    /// A message owned elsewhere, as a `Msg` that is not freed when dropped.
    ///
    /// # Safety
    /// `raw` must be a valid `nng_msg`, used by nobody else while the result lives.
    pub unsafe fn borrow_raw(raw: NonNull<RawMsg>) -> ManuallyDrop<Msg> {
        ManuallyDrop::new(Msg(raw))
    }

    /// Gives up ownership.
    pub fn into_raw(self) -> NonNull<RawMsg> {
        ManuallyDrop::new(self).0
    }

    /// The message as NNG's pointer (still owned by `self`).
    pub(crate) fn as_ptr(&self) -> *mut RawMsg {
        self.0.as_ptr()
    }

    /// The body's length in bytes.
    pub fn len(&self) -> usize {
        // SAFETY: self owns a valid message.
        unsafe { sys::nng_msg_len(self.as_ptr()) }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The body's bytes.
    pub fn body(&self) -> &[u8] {
        // SAFETY: self owns a valid message whose body holds len() bytes; the slice borrows
        // self, so no change can move the body while it lives.
        unsafe { slice(sys::nng_msg_body(self.as_ptr()), self.len()) }
    }

    /// The body's bytes, writable in place.
    pub fn body_mut(&mut self) -> &mut [u8] {
        let len = self.len();
        if len == 0 {
            return &mut [];
        }
        // SAFETY: as body, and the slice borrows self mutably.
        unsafe { std::slice::from_raw_parts_mut(sys::nng_msg_body(self.as_ptr()).cast(), len) }
    }

    /// NNG's pointer to the body, for C callers (valid until the message changes).
    pub fn body_ptr(&self) -> *mut u8 {
        // SAFETY: self owns a valid message.
        unsafe { sys::nng_msg_body(self.as_ptr()).cast() }
    }

    /// The header's bytes.
    pub fn header(&self) -> &[u8] {
        let len = self.header_len();
        if len == 0 {
            return &[];
        }
        // SAFETY: as body, for the header.
        unsafe { slice(sys::nng_msg_header(self.as_ptr()), len) }
    }

    /// NNG's pointer to the header, for C callers (valid until the message changes).
    pub fn header_ptr(&self) -> *const u8 {
        // SAFETY: self owns a valid message.
        unsafe { sys::nng_msg_header(self.as_ptr()).cast() }
    }

    /// The header's length in bytes.
    pub fn header_len(&self) -> usize {
        // SAFETY: self owns a valid message.
        unsafe { sys::nng_msg_header_len(self.as_ptr()) }
    }

    /// Appends `data` to the body.
    pub fn append(&mut self, data: &[u8]) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        // SAFETY: valid message; NNG copies `data.len()` bytes from the live slice.
        check(unsafe { sys::nng_msg_append(self.as_ptr(), data.as_ptr().cast(), data.len()) })
    }

    /// Inserts `data` in front of the body.
    pub fn insert(&mut self, data: &[u8]) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        // Not nng_msg_insert: in NNG 1.12, when the data is longer than the head room but fits
        // in the capacity, nni_chunk_insert writes it over the start of the old body. Growing
        // at the tail, shifting the body and copying in front is always right, and cheap enough.
        let old_len = self.len();
        // SAFETY: valid message; on success the body holds old + new bytes.
        check(unsafe { sys::nng_msg_realloc(self.as_ptr(), old_len + data.len()) })?;
        let body = self.body_mut();
        body.copy_within(..old_len, data.len());
        body[..data.len()].copy_from_slice(data);
        Ok(())
    }

    /// Appends `data` to the header.
    pub fn header_append(&mut self, data: &[u8]) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        // SAFETY: valid message; NNG copies `data.len()` bytes from the live slice.
        check(unsafe {
            sys::nng_msg_header_append(self.as_ptr(), data.as_ptr().cast(), data.len())
        })
    }

    /// Removes `n` bytes from the front of the body; `Invalid` if it is shorter.
    pub fn trim(&mut self, n: usize) -> Result<()> {
        if n > self.len() {
            return Err(Error::Invalid);
        }
        // SAFETY: valid message holding at least n bytes.
        check(unsafe { sys::nng_msg_trim(self.as_ptr(), n) })
    }

    /// Removes `n` bytes from the end of the body; `Invalid` if it is shorter.
    pub fn chop(&mut self, n: usize) -> Result<()> {
        if n > self.len() {
            return Err(Error::Invalid);
        }
        // SAFETY: valid message holding at least n bytes.
        check(unsafe { sys::nng_msg_chop(self.as_ptr(), n) })
    }

    /// Empties the body.
    pub fn clear(&mut self) {
        // SAFETY: valid message.
        unsafe { sys::nng_msg_clear(self.as_ptr()) }
    }

    /// Empties the header.
    pub fn header_clear(&mut self) {
        // SAFETY: valid message.
        unsafe { sys::nng_msg_header_clear(self.as_ptr()) }
    }

    /// Makes the header exactly `saved` again, after a failed send changed it.
    pub(crate) fn restore_header(&mut self, saved: &[u8]) {
        self.header_clear();
        // Putting back no more bytes than the header held before cannot fail for want of
        // room it already had.
        let _ = self.header_append(saved);
    }

    /// A copy (body, header and pipe).
    pub fn dup(&self) -> Result<Msg> {
        let mut out = std::ptr::null_mut();
        // SAFETY: valid message and a live out-pointer.
        check(unsafe { sys::nng_msg_dup(&mut out, self.as_ptr()) })?;
        // SAFETY: on success NNG gives us the new message.
        Ok(unsafe { Msg::from_raw(NonNull::new(out).ok_or(Error::NoMemory)?) })
    }

    /// The pipe a received message came from, if any.
    pub fn pipe(&self) -> Option<PipeId> {
        // SAFETY: valid message.
        let p = PipeId::of(unsafe { sys::nng_msg_get_pipe(self.as_ptr()) });
        (p.0 != 0 && p.0 != u32::MAX).then_some(p)
    }

    /// Addresses the message to one pipe (`None`: to none).
    pub fn set_pipe(&mut self, pipe: Option<PipeId>) {
        let p = pipe.unwrap_or_default();
        // SAFETY: valid message.
        unsafe { sys::nng_msg_set_pipe(self.as_ptr(), p.nng()) }
    }
}

impl Drop for Msg {
    fn drop(&mut self) {
        // SAFETY: we own the message.
        unsafe { sys::nng_msg_free(self.0.as_ptr()) }
    }
}

/// `len` bytes at `p` as a slice (empty for 0, when `p` may dangle or be NULL).
///
/// # Safety
/// For `len > 0`, `p` must point at `len` bytes that stay unchanged for `'a`.
unsafe fn slice<'a>(p: *mut std::ffi::c_void, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: the caller's promise.
        unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) }
    }
}

/// Hands `msg` to an NNG send function that takes the message only on success. Cooked req,
/// rep, surveyor and respondent replace the header before they know whether the send works,
/// so on failure the caller's header is put back: the message returns exactly as given.
pub(crate) fn send_with(
    mut msg: Msg,
    send: impl FnOnce(*mut RawMsg) -> c_int,
) -> std::result::Result<(), (Error, Msg)> {
    let saved = msg.header().to_vec(); // no allocation for the usual empty header
    let rv = send(msg.as_ptr());
    if rv == 0 {
        let _ = msg.into_raw(); // NNG took it
        return Ok(());
    }
    msg.restore_header(&saved);
    Err((Error::from_code(rv), msg))
}
