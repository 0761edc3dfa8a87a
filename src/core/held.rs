//! Messages held back for an object's next receive: a receive into a buffer too small for its
//! message keeps the message, and the next receive returns it first. Rarely used, so they are
//! kept in one map per kind of object (sockets, contexts), which every receive skips with one
//! atomic load while it is empty, instead of a lock in every socket's or context's state.

use super::msg::Msg;
use super::socket::{IdMap, remove_id};
use super::sync::lock;
use once_cell::sync::Lazy;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) struct HeldBack<K> {
    map: Lazy<Mutex<IdMap<K, Msg>>>,
    /// How many messages `map` holds (changed under its lock).
    count: AtomicUsize,
}

impl<K: Copy + Eq + Hash> HeldBack<K> {
    pub(crate) const fn new() -> Self {
        HeldBack {
            map: Lazy::new(Default::default),
            count: AtomicUsize::new(0),
        }
    }

    /// Takes the message held back for `k`, if any. A thread that kept one sees it here (its
    /// own store of the count came first); another thread's may show a call later, as if that
    /// receive had started a moment sooner.
    #[inline]
    pub(crate) fn take(&self, k: K) -> Option<Msg> {
        if self.count.load(Ordering::Relaxed) == 0 {
            return None;
        }
        self.take_held(k)
    }

    /// `take` when some message is held (of this object or another).
    #[cold]
    #[inline(never)]
    fn take_held(&self, k: K) -> Option<Msg> {
        let m = remove_id(&mut lock(&self.map), &k);
        if m.is_some() {
            self.count.fetch_sub(1, Ordering::Relaxed);
        }
        m
    }

    /// Holds `m` back for `k` (dropped if one is held already, or `open` says `k` has closed).
    /// Listed first, checked after: a close that forgets `k`'s message after it closed `k`
    /// (as every close here does) either finds this one, or closed before the check.
    pub(crate) fn keep(&self, k: K, m: Msg, open: impl FnOnce() -> bool) {
        {
            let mut map = lock(&self.map);
            if map.contains_key(&k) {
                return;
            }
            map.insert(k, m);
            self.count.fetch_add(1, Ordering::Relaxed);
        }
        if !open() {
            drop(self.take(k));
        }
    }

    /// Drops the messages of the objects `open` says have closed; nothing while none is held.
    pub(crate) fn forget_closed(&self, open: impl Fn(K) -> bool) {
        if self.count.load(Ordering::Relaxed) == 0 {
            return;
        }
        let keys: Vec<K> = lock(&self.map).keys().copied().collect();
        for k in keys {
            if !open(k) {
                drop(self.take(k));
            }
        }
    }

    /// Drops every message and the map's storage (used by `fini`).
    pub(crate) fn clear(&self) {
        let all = std::mem::take(&mut *lock(&self.map));
        self.count.store(0, Ordering::Relaxed);
        drop(all);
    }
}
