//! Converting the opaque C pointers (`pnng_msg`, `pnng_aio`, `pnng_cq`, `pnng_tls_config`,
//! `pnng_stats`) to and from the Rust objects behind them, in one place (the pattern of
//! rustls-ffi's `Castable`).
//!
//! Each C type names the Rust type it stands for and how the C caller holds it:
//! - `OwnedBox`: the pointer is a `Box<RustType>` the caller owns (freed with its `_free`).
//! - `SharedArc`: the pointer is one `Arc<RustType>` reference the caller holds.
//! - `OwnedHandle`: the pointer is the Rust type's own raw form (a `pnng_msg *` is NNG's
//!   `nng_msg *`, which `Msg` owns).
//!
//! The functions here take the pointers the C caller passes, under the contract every export
//! states: a non-NULL pointer is one this library handed out, still live, of the named type,
//! used as its thread-safety line allows. NULL is always refused with `Invalid` (or ignored by
//! the `_free` functions).

use crate::core::aio::Aio;
use crate::core::cq::Cq;
use crate::core::msg::{Msg, RawMsg};
use crate::core::stats::Snapshot;
use crate::core::tls::TlsConfig;
use crate::error::{Error, Result};
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::sync::Arc;

/// A C type standing for a Rust object.
pub(crate) trait Castable {
    /// How the C caller holds the object: `OwnedBox`, `SharedArc` or `OwnedHandle`.
    type Ownership;
    /// The Rust object behind the pointer.
    type RustType;
}

/// The pointer is a `Box<RustType>`.
pub(crate) struct OwnedBox;
/// The pointer is one reference of an `Arc<RustType>`.
pub(crate) struct SharedArc;
/// The pointer is `RustType`'s raw form (`RawHandle::Raw`).
pub(crate) struct OwnedHandle;

/// Ownerships whose pointer points at the `RustType` itself, so it can be borrowed.
pub(crate) trait PointsAtRustType {}
impl PointsAtRustType for OwnedBox {}
impl PointsAtRustType for SharedArc {}

/// A Rust type that owns a raw C object through a pointer to it.
pub(crate) trait RawHandle: Sized {
    type Raw;
    /// Adopts the object.
    ///
    /// # Safety
    /// `raw` must be a live object of the type that nobody else owns.
    unsafe fn from_raw(raw: NonNull<Self::Raw>) -> Self;
    /// The object, not freed when dropped.
    ///
    /// # Safety
    /// `raw` must be a live object of the type, used by nobody else meanwhile.
    unsafe fn borrow_raw(raw: NonNull<Self::Raw>) -> ManuallyDrop<Self>;
    /// Gives up ownership.
    fn into_raw(self) -> NonNull<Self::Raw>;
}

impl RawHandle for Msg {
    type Raw = RawMsg;
    unsafe fn from_raw(raw: NonNull<RawMsg>) -> Msg {
        // SAFETY: the caller's promise, as Msg::from_raw asks.
        unsafe { Msg::from_raw(raw) }
    }
    unsafe fn borrow_raw(raw: NonNull<RawMsg>) -> ManuallyDrop<Msg> {
        // SAFETY: the caller's promise, as Msg::borrow_raw asks.
        unsafe { Msg::borrow_raw(raw) }
    }
    fn into_raw(self) -> NonNull<RawMsg> {
        Msg::into_raw(self)
    }
}

impl Castable for super::msg::pnng_msg {
    type Ownership = OwnedHandle;
    type RustType = Msg;
}
// Borrowed as a Box is; allocated and freed by `Aio::new` and `Aio::free` (one allocation with
// NNG's aio), never through `to_boxed_ptr` or `take_box`.
impl Castable for super::aio::pnng_aio {
    type Ownership = OwnedBox;
    type RustType = Aio;
}
impl Castable for super::aio::pnng_cq {
    type Ownership = SharedArc;
    type RustType = Cq;
}
impl Castable for super::tls::pnng_tls_config {
    type Ownership = SharedArc;
    type RustType = TlsConfig;
}
impl Castable for super::stats::pnng_stats {
    type Ownership = OwnedBox;
    type RustType = Snapshot;
}

/// Borrows the object behind a Box or Arc pointer; `Invalid` for NULL.
pub(crate) fn try_ref<'a, C>(p: *const C) -> Result<&'a C::RustType>
where
    C: Castable<Ownership: PointsAtRustType>,
{
    // SAFETY: the module's contract: a non-NULL pointer is a live Box or Arc allocation of
    // RustType (the Box's or Arc's pointer is the RustType's address), alive for the call.
    unsafe { p.cast::<C::RustType>().as_ref() }.ok_or(Error::Invalid)
}

/// The C pointer of a Rust object known to be behind one (the completion queue hands back
/// the aios posted to it).
pub(crate) fn to_c_ptr<C: Castable<Ownership: PointsAtRustType>>(p: *const C::RustType) -> *mut C {
    p.cast_mut().cast()
}

/// Gives the caller a new boxed object.
pub(crate) fn to_boxed_ptr<C: Castable<Ownership = OwnedBox>>(v: Box<C::RustType>) -> *mut C {
    Box::into_raw(v).cast()
}

/// Takes back a boxed object from its `_free`; `None` for NULL.
pub(crate) fn take_box<C: Castable<Ownership = OwnedBox>>(p: *mut C) -> Option<Box<C::RustType>> {
    // SAFETY: the module's contract: a non-NULL pointer came from to_boxed_ptr and the caller
    // gives it up now.
    (!p.is_null()).then(|| unsafe { Box::from_raw(p.cast::<C::RustType>()) })
}

/// Gives the caller one reference of a shared object.
pub(crate) fn to_arc_ptr<C: Castable<Ownership = SharedArc>>(v: Arc<C::RustType>) -> *mut C {
    Arc::into_raw(v).cast_mut().cast()
}

/// A new reference of the caller's shared object (the caller keeps theirs); `Invalid` for NULL.
pub(crate) fn clone_arc<C: Castable<Ownership = SharedArc>>(
    p: *const C,
) -> Result<Arc<C::RustType>> {
    if p.is_null() {
        return Err(Error::Invalid);
    }
    let p = p.cast::<C::RustType>();
    // SAFETY: the module's contract: a non-NULL pointer is a live reference from to_arc_ptr;
    // counting one more and adopting it leaves the caller's own intact.
    unsafe {
        Arc::increment_strong_count(p);
        Ok(Arc::from_raw(p))
    }
}

/// Drops the reference the caller gives up (its `_free`); NULL does nothing.
pub(crate) fn free_arc<C: Castable<Ownership = SharedArc>>(p: *const C) {
    if !p.is_null() {
        // SAFETY: the module's contract: a live reference from to_arc_ptr, given up now.
        drop(unsafe { Arc::from_raw(p.cast::<C::RustType>()) });
    }
}

/// Gives the caller an object in its raw form.
pub(crate) fn to_handle_ptr<C>(v: C::RustType) -> *mut C
where
    C: Castable<Ownership = OwnedHandle, RustType: RawHandle>,
{
    v.into_raw().as_ptr().cast()
}

/// Takes an object the caller hands over (a send or `_free`); `Invalid` for NULL.
pub(crate) fn take_handle<C>(p: *mut C) -> Result<C::RustType>
where
    C: Castable<Ownership = OwnedHandle, RustType: RawHandle>,
{
    let raw = NonNull::new(p.cast::<<C::RustType as RawHandle>::Raw>()).ok_or(Error::Invalid)?;
    // SAFETY: the module's contract: a live object the caller owned and gives up now.
    Ok(unsafe { RawHandle::from_raw(raw) })
}

/// The caller's object, borrowed for one call (never freed here); `Invalid` for NULL.
pub(crate) fn borrow_handle<'a, C>(p: *const C) -> Result<Borrowed<'a, C::RustType>>
where
    C: Castable<Ownership = OwnedHandle, RustType: RawHandle>,
{
    let raw = NonNull::new(p.cast_mut().cast::<<C::RustType as RawHandle>::Raw>())
        .ok_or(Error::Invalid)?;
    // SAFETY: the module's contract: a live object the caller owns and uses from this thread
    // only during the call.
    Ok(Borrowed(unsafe { RawHandle::borrow_raw(raw) }, PhantomData))
}

/// A caller's object borrowed for the length of one call.
pub(crate) struct Borrowed<'a, T>(ManuallyDrop<T>, PhantomData<&'a mut T>);

impl<T> std::ops::Deref for Borrowed<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Borrowed<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}
