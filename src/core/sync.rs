//! Locking helpers shared by the core's modules.

use crate::error::{Error, Result};
use std::sync::{Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

/// Locks a mutex, ignoring poisoning: every critical section in the core leaves its data
/// consistent (a panic is caught at the API boundary and must not wedge every later call).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
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
