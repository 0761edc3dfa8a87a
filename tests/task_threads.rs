//! How NNG's task-queue threads are scheduled. On Linux they run SCHED_BATCH (vendor/README.md,
//! the task-thread patch): a task thread that wakes up does not preempt the thread that woke
//! it, which usually still holds the socket lock the woken callback takes next. The threads of
//! the application keep their own policy, so a completion waking one of them still runs it at
//! once.
mod common;
use common::*;
use std::sync::{Condvar, Mutex};

/// The scheduling policy a callback saw on its thread, and the thread's name.
struct Seen {
    done: Mutex<Option<(c_int, String)>>,
    cv: Condvar,
}

unsafe extern "C" fn on_done(arg: *mut c_void) {
    // SAFETY: `arg` is the `Seen` the test keeps alive until the callback has run.
    let seen = unsafe { &*(arg as *const Seen) };
    // SAFETY: sched_getscheduler(0) reads the calling thread's policy; no pointers.
    let policy = unsafe { libc::sched_getscheduler(0) };
    let name = std::fs::read_to_string("/proc/thread-self/comm")
        .unwrap_or_default()
        .trim()
        .to_string();
    *seen.done.lock().unwrap() = Some((policy, name));
    seen.cv.notify_all();
}

fn callback_policy(r: pnng_socket, s: pnng_socket) -> (c_int, String) {
    let seen = Box::new(Seen {
        done: Mutex::new(None),
        cv: Condvar::new(),
    });
    let mut a = std::ptr::null_mut();
    let arg = &*seen as *const Seen as *mut c_void;
    assert_eq!(unsafe { pnng_aio_new(Some(on_done), arg, &mut a) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_recv_aio(r, a) }, PNNG_OK);
    assert_eq!(send(s, b"wake"), PNNG_OK);
    let out = wait_set(&seen.done, &seen.cv, "the aio callback never ran");
    unsafe { pnng_aio_wait(a) };
    assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_OK);
    unsafe { pnng_aio_free(a) };
    out
}

/// A completion callback runs on a task thread scheduled SCHED_BATCH, over every transport;
/// the application's own threads stay as they were.
#[cfg(target_os = "linux")]
#[test]
fn task_threads_run_sched_batch_and_application_threads_keep_their_policy() {
    // SAFETY: as in on_done.
    let mine = unsafe { libc::sched_getscheduler(0) };
    for t in ["inproc", "ipc", "tcp"] {
        let (r, s) = pair(pnng_pull0_open, pnng_push0_open, &addr(t));
        for _ in 0..5 {
            let (policy, name) = callback_policy(r, s);
            assert_eq!(name, "nng:task", "{t}: callback on thread {name:?}");
            assert_eq!(policy, libc::SCHED_BATCH, "{t}: task thread policy");
        }
        // A synchronous receive (woken by a completion) runs on the caller's own thread.
        assert_eq!(send(s, b"sync"), PNNG_OK);
        assert_eq!(recv(r).unwrap(), b"sync");
        close(s);
        close(r);
    }
    // SAFETY: as in on_done.
    assert_eq!(unsafe { libc::sched_getscheduler(0) }, mine);
    let spawned = std::thread::spawn(|| unsafe { libc::sched_getscheduler(0) })
        .join()
        .unwrap();
    assert_eq!(
        spawned, mine,
        "a new application thread keeps the default policy"
    );
}
