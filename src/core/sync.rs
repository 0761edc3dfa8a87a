//! Locking helpers shared by the core's modules.

use crate::error::{Error, Result};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

/// Locks a mutex, ignoring poisoning: every critical section in the core leaves its data
/// consistent (a panic is caught at the API boundary and must not wedge every later call).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A mutex-guarded part of a larger state that most instances never use, allocated on first
/// use: one pointer until then, instead of the mutex and its data in every instance (a
/// socket's endpoint lists, name, devices and pipe sets are most of its memory, and many
/// sockets never dial, listen or connect).
pub(crate) struct OnDemand<T> {
    part: AtomicPtr<Mutex<T>>,
    /// Owns a `Box<Mutex<T>>` (for the auto traits: `AtomicPtr` alone is always Send + Sync).
    _owns: PhantomData<Box<Mutex<T>>>,
}

impl<T> Default for OnDemand<T> {
    fn default() -> Self {
        OnDemand {
            part: AtomicPtr::new(std::ptr::null_mut()),
            _owns: PhantomData,
        }
    }
}

impl<T> OnDemand<T> {
    fn get(&self) -> Option<&Mutex<T>> {
        // SAFETY: non-null only once set to a leaked Box (below), freed only by `drop`.
        unsafe { self.part.load(Ordering::Acquire).as_ref() }
    }
}

impl<T: Default> OnDemand<T> {
    /// Locks the part (as `lock`), allocating it as `T::default()` on first use.
    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        if let Some(m) = self.get() {
            return lock(m);
        }
        let new = Box::into_raw(Box::<Mutex<T>>::default());
        let part = match self.part.compare_exchange(
            std::ptr::null_mut(),
            new,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => new,
            Err(first) => {
                // Another thread's came first.
                // SAFETY: `new` is ours, never shared.
                drop(unsafe { Box::from_raw(new) });
                first
            }
        };
        // SAFETY: set (by us or the other thread) to a leaked Box, freed only by `drop`.
        lock(unsafe { &*part })
    }

    /// Locks the part if it was ever used; `None` means it still is `T::default()`.
    pub(crate) fn lock_used(&self) -> Option<MutexGuard<'_, T>> {
        self.get().map(lock)
    }
}

impl<T> Drop for OnDemand<T> {
    fn drop(&mut self) {
        let p = *self.part.get_mut();
        if !p.is_null() {
            // SAFETY: a leaked Box set by `lock`, and nobody else holds it any more.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

/// `lock` for reading a `RwLock`.
pub(crate) fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|p| p.into_inner())
}

/// `lock` for writing a `RwLock`.
pub(crate) fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|p| p.into_inner())
}

/// Waits on `cv` while `busy` holds, at most `ms` (negative: forever); `TimedOut` if still busy.
pub(crate) fn wait_while<T>(
    m: &Mutex<T>,
    cv: &Condvar,
    ms: i32,
    busy: impl Fn(&T) -> bool,
) -> Result<()> {
    let deadline = u64::try_from(ms)
        .ok()
        .map(|ms| Instant::now() + Duration::from_millis(ms));
    let mut guard = lock(m);
    while busy(&guard) {
        guard = match deadline {
            None => cv.wait(guard).unwrap_or_else(|p| p.into_inner()),
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    return Err(Error::TimedOut);
                }
                cv.wait_timeout(guard, d - now)
                    .unwrap_or_else(|p| p.into_inner())
                    .0
            }
        };
    }
    Ok(())
}
