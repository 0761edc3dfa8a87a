//! Locking helpers shared by the core's modules.

use crate::error::{Error, Result};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

/// Locks a mutex, ignoring poisoning: every critical section in the core leaves its data
/// consistent (a panic is caught at the API boundary and must not wedge every later call).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A mutex-guarded part of a larger state that most instances never use, allocated on first
/// use: 16 bytes until then, instead of the mutex and its data in every instance (a socket's
/// endpoint lists, name, devices and pipe sets are most of its memory, and many sockets never
/// dial, listen or connect).
pub(crate) struct OnDemand<T>(OnceLock<Box<Mutex<T>>>);

impl<T> Default for OnDemand<T> {
    fn default() -> Self {
        OnDemand(OnceLock::new())
    }
}

impl<T: Default> OnDemand<T> {
    /// Locks the part (as `lock`), allocating it as `T::default()` on first use.
    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        lock(self.0.get_or_init(Box::default))
    }

    /// Locks the part if it was ever used; `None` means it still is `T::default()`.
    pub(crate) fn lock_used(&self) -> Option<MutexGuard<'_, T>> {
        self.0.get().map(|m| lock(m))
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
