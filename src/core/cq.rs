//! Completion queue: aios (and pipe events) post here instead of calling foreign code on NNG
//! threads. An eventfd is readable while the queue holds entries, so an event loop can
//! watch one fd for any number of operations.

use super::aio::Aio;
use super::sync::{lock, wait_while};
use super::types::{PipeEvent, PipeId};
use crate::error::{Error, Result};
use std::cell::Cell;
use std::collections::VecDeque;
use std::ffi::c_int;
use std::sync::{Condvar, Mutex};

thread_local! {
    /// The queue the calling thread holds (`Cq::hold`), by address; 0 when none.
    static HELD: Cell<usize> = const { Cell::new(0) };
}

#[derive(Default)]
struct Entries {
    /// (aio address, userdata)
    done: VecDeque<(usize, usize)>,
    /// (pipe id, event, userdata)
    pipe_events: VecDeque<(PipeId, PipeEvent, usize)>,
    /// Set by `wake`: the next `wait` returns even with nothing queued.
    woken: bool,
    /// Threads in `wait`: `ready` is notified only when there are any (a notification is a
    /// futex system call even with nobody waiting, and most queues are only polled).
    waiters: u32,
    /// The eventfd has been written since it was last read: a pop that finds the queue empty
    /// reads it only then (an event loop pops until `EAGAIN`, and that last pop would otherwise
    /// cost a `read` system call every time).
    signalled: bool,
}

impl Entries {
    fn is_empty(&self) -> bool {
        self.done.is_empty() && self.pipe_events.is_empty()
    }
}

pub struct Cq {
    fd: c_int,
    entries: Mutex<Entries>,
    ready: Condvar,
}

impl Cq {
    pub fn new() -> Result<Cq> {
        // SAFETY: a plain syscall with no pointer arguments.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(Error::NoFiles);
        }
        Ok(Cq {
            fd,
            entries: Mutex::new(Entries::default()),
            ready: Condvar::new(),
        })
    }

    pub fn fd(&self) -> c_int {
        self.fd
    }

    /// Adds an entry; the fd becomes readable if the queue was empty. The eventfd is written
    /// after the lock is released: the write wakes the thread polling the fd, which may then
    /// preempt the writer at once (one CPU), and would find the lock held and sleep on it.
    /// A post made by a thread that holds the queue is not signalled (see `hold`).
    fn push(&self, add: impl FnOnce(&mut Entries)) {
        let held = HELD.with(Cell::get) == self as *const Cq as usize;
        let mut e = lock(&self.entries);
        let was_empty = e.is_empty();
        add(&mut e);
        if e.waiters > 0 {
            self.ready.notify_all();
        }
        if held {
            return;
        }
        let signal = was_empty || !e.signalled;
        e.signalled = true;
        drop(e);
        if signal {
            self.signal();
        }
    }

    fn signal(&self) {
        let one: u64 = 1;
        // SAFETY: writing 8 bytes to our own eventfd; it cannot overflow with one write per post.
        unsafe { libc::write(self.fd, (&one as *const u64).cast(), 8) };
    }

    /// Clears the fd's readiness once the queue is empty (`e`, released here first). A post
    /// between the release and the read may have had its signal read: the queue is looked at
    /// again and signalled if it holds entries, so readiness is never lost (the fd may be
    /// readable for a moment with nothing queued; the next pop clears it).
    /// Nothing is read when the fd has not been written since its last read.
    fn drained(&self, mut e: std::sync::MutexGuard<'_, Entries>) {
        if !e.is_empty() || !e.signalled {
            return;
        }
        e.signalled = false;
        drop(e);
        let mut v: u64 = 0;
        // SAFETY: reading 8 bytes from our own non-blocking eventfd.
        unsafe { libc::read(self.fd, (&mut v as *mut u64).cast(), 8) };
        let mut e = lock(&self.entries);
        if !e.is_empty() {
            // A post came between the release and the read, and its write may have been read.
            e.signalled = true;
            drop(e);
            self.signal();
        }
    }

    /// Holds the queue for the calling thread: entries this thread posts itself (completions NNG
    /// runs inline in a call made from it) leave the fd as it is, since the thread pops them right
    /// after the call; a `write` and a `read` system call are saved per such entry. Entries posted
    /// by other threads are signalled as usual. Ends with `release`.
    pub fn hold(&self) {
        HELD.with(|h| h.set(self as *const Cq as usize));
    }

    /// Ends `hold`: if entries wait that were not signalled, the fd becomes readable.
    pub fn release(&self) {
        HELD.with(|h| {
            if h.get() == self as *const Cq as usize {
                h.set(0);
            }
        });
        let mut e = lock(&self.entries);
        if !e.is_empty() && !e.signalled {
            e.signalled = true;
            drop(e);
            self.signal();
        }
    }

    /// Posts the completion of `aio` (the address of a live `Aio`, kept as a number so the
    /// queue stays `Send`; `Aio::free` purges it before the aio goes).
    pub(crate) fn post_aio(&self, aio: *const Aio, userdata: usize) {
        self.push(|e| e.done.push_back((aio as usize, userdata)));
    }

    /// Posts the completion of `aio` without making the fd readable (no `write`, and no `read`
    /// by the pop that empties the queue): for a completion that the thread waiting for it in
    /// `Aio::wait_pipe` pops itself once that returns. Threads in `wait` are still notified.
    pub(crate) fn post_aio_quiet(&self, aio: *const Aio, userdata: usize) {
        let mut e = lock(&self.entries);
        e.done.push_back((aio as usize, userdata));
        if e.waiters > 0 {
            self.ready.notify_all();
        }
    }

    pub fn post_pipe_event(&self, pipe: PipeId, event: PipeEvent, userdata: usize) {
        self.push(|e| e.pipe_events.push_back((pipe, event, userdata)));
    }

    /// The oldest completed aio and its userdata.
    pub fn pop_aio(&self) -> Option<(*const Aio, usize)> {
        let mut e = lock(&self.entries);
        let item = e.done.pop_front();
        self.drained(e);
        item.map(|(a, ud)| (a as *const Aio, ud))
    }

    pub fn pop_pipe_event(&self) -> Option<(PipeId, PipeEvent, usize)> {
        let mut e = lock(&self.entries);
        let item = e.pipe_events.pop_front();
        self.drained(e);
        item
    }

    /// Drops completions of an aio that is being freed, so no dangling pointer is ever popped.
    pub(crate) fn purge_aio(&self, aio: *const Aio) {
        let mut e = lock(&self.entries);
        e.done.retain(|&(a, _)| a != aio as usize);
        self.drained(e);
    }

    /// Blocks until an entry waits (`Ok`) or `ms` pass (`TimedOut`); negative `ms` waits forever.
    /// `Interrupted` if `wake` was called and nothing is queued.
    pub fn wait(&self, ms: i32) -> Result<()> {
        // Counted before the emptiness check (under the lock), so no post is missed.
        lock(&self.entries).waiters += 1;
        let waited = wait_while(&self.entries, &self.ready, ms, |e| e.is_empty() && !e.woken);
        let mut e = lock(&self.entries);
        e.waiters -= 1;
        waited?;
        let woken = std::mem::take(&mut e.woken);
        if woken && e.is_empty() {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }

    /// Makes a current or the next `wait` return (with `Interrupted` if nothing is queued).
    pub fn wake(&self) {
        let mut e = lock(&self.entries);
        e.woken = true;
        if e.waiters > 0 {
            self.ready.notify_all();
        }
    }
}

impl Drop for Cq {
    fn drop(&mut self) {
        // A hold the dropping thread forgot must not carry over to a queue made at this address.
        HELD.with(|h| {
            if h.get() == self as *const Cq as usize {
                h.set(0);
            }
        });
        // SAFETY: we own the fd.
        unsafe { libc::close(self.fd) };
    }
}
