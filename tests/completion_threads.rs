//! Where completions run. pnng's copy of NNG completes the data path of a message inline on
//! the thread that finished the I/O (the poller, the sender, a task-queue thread) instead of
//! handing every step to NNG's task queue (vendor/README.md). These tests hold the guarantees
//! that change must keep: an aio callback (user code) runs on a task-queue thread, never on
//! the poller and never inside the caller's own send or receive (where the caller may hold a
//! lock the callback takes); a blocking call made from a callback still completes; messages
//! are neither lost nor reordered; closing a socket wakes every blocked call.
mod common;
use common::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

const TRANSPORTS: [&str; 3] = ["inproc", "ipc", "tcp"];

/// The kernel's name of the calling thread (NNG names its threads "nng:task", "nng:poll:epoll"...).
fn thread_name() -> String {
    std::fs::read_to_string("/proc/thread-self/comm")
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// What the aio callback saw: the thread it ran on and whether it could take the lock the
/// sending thread held around its send.
struct Seen {
    lock: Mutex<()>,
    done: Mutex<Option<(String, std::thread::ThreadId)>>,
    cv: Condvar,
}

unsafe extern "C" fn on_done(arg: *mut c_void) {
    // SAFETY: `arg` is the `Seen` the test keeps alive until the callback has run.
    let seen = unsafe { &*(arg as *const Seen) };
    // Blocks until the sender has released the lock: if this ran inside the sender's own
    // call on the sender's thread, it would deadlock (and the test would time out).
    let _g = seen.lock.lock().unwrap();
    *seen.done.lock().unwrap() = Some((thread_name(), std::thread::current().id()));
    seen.cv.notify_all();
}

/// Starts a receive on `r` whose completion calls `cb(arg)`, sends "go" on `s`, waits up to
/// 10 s for the receive to complete (failing with `hung` if it does not), then frees the aio and
/// the message.
fn recv_through_callback(
    cb: unsafe extern "C" fn(*mut c_void),
    arg: *mut c_void,
    r: pnng_socket,
    s: pnng_socket,
    hung: &str,
) {
    let mut a = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_aio_new(Some(cb), arg, &mut a) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_recv_aio(r, a) }, PNNG_OK);
    assert_eq!(send(s, b"go"), PNNG_OK);
    assert_eq!(
        unsafe { pnng_aio_wait_timeout(a, 10_000) },
        PNNG_OK,
        "{hung}"
    );
    let mut m = std::ptr::null_mut();
    if unsafe { pnng_aio_take_msg(a, &mut m) } == PNNG_OK {
        unsafe { pnng_msg_free(m) };
    }
    unsafe { pnng_aio_free(a) };
}

fn wait_seen(seen: &Seen) -> (String, std::thread::ThreadId) {
    wait_set(&seen.done, &seen.cv, "the aio callback never ran")
}

/// A receive aio's callback on the receiving side runs on an NNG task-queue thread, while the
/// sender holds a lock the callback takes: for every protocol whose pipe hands the message to
/// a waiting receive directly (rep0, pair1, pull0) and every transport.
#[test]
fn recv_callback_runs_on_a_task_thread_never_in_the_senders_call() {
    let cases: [(Opener, Opener, bool); 3] = [
        (pnng_rep0_open, pnng_req0_open, true),
        (pnng_pair1_open, pnng_pair1_open, false),
        (pnng_pull0_open, pnng_push0_open, false),
    ];
    for t in TRANSPORTS {
        for (ro, so, reply) in cases {
            let (r, s) = pair(ro, so, &addr(t));
            for round in 0..20 {
                let seen = Box::new(Seen {
                    lock: Mutex::new(()),
                    done: Mutex::new(None),
                    cv: Condvar::new(),
                });
                let mut a = std::ptr::null_mut();
                let arg = &*seen as *const Seen as *mut c_void;
                assert_eq!(unsafe { pnng_aio_new(Some(on_done), arg, &mut a) }, PNNG_OK);
                assert_eq!(unsafe { pnng_socket_recv_aio(r, a) }, PNNG_OK);
                {
                    let _held = seen.lock.lock().unwrap();
                    assert_eq!(send(s, &[round as u8; 16]), PNNG_OK, "{t} send");
                    // Let an inline completion (wrongly running the callback here) show.
                    std::thread::sleep(Duration::from_millis(2));
                }
                let (name, id) = wait_seen(&seen);
                assert_eq!(name, "nng:task", "{t}: callback on thread {name:?}");
                assert_ne!(
                    id,
                    std::thread::current().id(),
                    "{t}: callback in the sender's call"
                );
                unsafe { pnng_aio_wait(a) };
                assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_OK);
                let mut m = std::ptr::null_mut();
                assert_eq!(unsafe { pnng_aio_take_msg(a, &mut m) }, PNNG_OK);
                assert_eq!(take(m), vec![round as u8; 16]);
                unsafe { pnng_aio_free(a) };
                if reply {
                    assert_eq!(send(r, b"ok"), PNNG_OK);
                    assert_eq!(recv(s).unwrap(), b"ok");
                }
            }
            close(s);
            close(r);
        }
    }
}

struct Echo {
    sock: pnng_socket,
    ok: AtomicUsize,
}

unsafe extern "C" fn blocking_in_callback(arg: *mut c_void) {
    // SAFETY: the test keeps `Echo` alive until the callback has run.
    let e = unsafe { &*(arg as *const Echo) };
    // A blocking round trip from inside a callback (on a task-queue thread).
    if send(e.sock, b"from-callback") == PNNG_OK && recv(e.sock).as_deref() == Ok(b"from-callback")
    {
        e.ok.fetch_add(1, Ordering::SeqCst);
    }
}

/// A blocking send and receive made from inside an aio callback complete: the completions
/// they depend on are not held back on the callback's thread.
#[test]
fn a_blocking_round_trip_inside_a_callback_completes() {
    for t in TRANSPORTS {
        let (srv, cli) = pair(pnng_rep0_open, pnng_req0_open, &addr(t));
        let echo = std::thread::spawn(move || {
            while let Ok(m) = recv(srv) {
                if send(srv, &m) != PNNG_OK {
                    break;
                }
            }
            srv
        });
        let e = Box::new(Echo {
            sock: cli,
            ok: AtomicUsize::new(0),
        });
        // The callback is triggered by a receive on a separate inproc pair.
        let (tr, ts) = pair(pnng_pair1_open, pnng_pair1_open, &addr("inproc"));
        for _ in 0..5 {
            let arg = &*e as *const Echo as *mut c_void;
            recv_through_callback(
                blocking_in_callback,
                arg,
                tr,
                ts,
                &format!("{t}: callback hung"),
            );
        }
        close(ts);
        close(tr);
        assert!(
            eventually(|| e.ok.load(Ordering::SeqCst) == 5),
            "{t}: {}",
            e.ok.load(Ordering::SeqCst)
        );
        close(cli);
        let srv = echo.join().unwrap();
        let _ = unsafe { pnng_socket_close(srv) };
    }
}

/// Nothing lost, nothing reordered: 20,000 numbered messages per transport through pair1
/// (flow-controlled, so the sender often finds the pipe busy and often idle), with the
/// receiver alternating blocking and non-blocking receives.
#[test]
fn pair1_keeps_every_message_in_order() {
    const N: u32 = 20_000;
    for t in TRANSPORTS {
        let (r, s) = pair(pnng_pair1_open, pnng_pair1_open, &addr(t));
        let tx = std::thread::spawn(move || {
            for i in 0..N {
                assert_eq!(send(s, &i.to_le_bytes()), PNNG_OK, "send {i}");
            }
            s
        });
        let mut next = 0u32;
        while next < N {
            let mut m = std::ptr::null_mut();
            let flags = if next.is_multiple_of(3) {
                PNNG_FLAG_NONBLOCK
            } else {
                0
            };
            match unsafe { pnng_socket_recv_msg(r, flags, &mut m) } {
                PNNG_OK => {
                    let b = take(m);
                    assert_eq!(b, next.to_le_bytes(), "{t}: message {next}");
                    next += 1;
                }
                PNNG_EAGAIN => std::thread::yield_now(),
                rv => panic!("{t}: recv {next}: {}", strerror(rv)),
            }
        }
        let s = tx.join().unwrap();
        close(s);
        close(r);
    }
}

/// req/rep with several contexts in flight: every reply reaches the context that asked.
#[test]
fn req_contexts_get_their_own_replies() {
    for t in TRANSPORTS {
        let (srv, cli) = pair(pnng_rep0_open, pnng_req0_open, &addr(t));
        let echo = echo(srv);
        let workers: Vec<_> = (0..4u8)
            .map(|w| {
                std::thread::spawn(move || {
                    let mut c = pnng_ctx { id: 0 };
                    assert_eq!(unsafe { pnng_socket_new_context(cli, &mut c) }, PNNG_OK);
                    for i in 0..500u32 {
                        let body = [&[w][..], &i.to_le_bytes()[..]].concat();
                        assert_eq!(
                            unsafe { pnng_ctx_send(c, body.as_ptr().cast(), body.len(), 0) },
                            PNNG_OK
                        );
                        let mut m = std::ptr::null_mut();
                        assert_eq!(unsafe { pnng_ctx_recv_msg(c, 0, &mut m) }, PNNG_OK);
                        assert_eq!(take(m), body);
                    }
                    unsafe { pnng_ctx_close(c) };
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        close(cli);
        close(srv);
        echo.join().unwrap();
    }
}

/// Closing a socket wakes every call blocked on it, while traffic flows on another pair.
#[test]
fn close_wakes_every_blocked_receive() {
    for t in TRANSPORTS {
        let (r, s) = pair(pnng_pair1_open, pnng_pair1_open, &addr(t));
        set_ms(r, "recv-timeout", -1);
        let woke = Arc::new(AtomicUsize::new(0));
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let woke = woke.clone();
                std::thread::spawn(move || {
                    let mut n = 0;
                    while recv(r).is_ok() {
                        n += 1;
                    }
                    woke.fetch_add(1, Ordering::SeqCst);
                    n
                })
            })
            .collect();
        for i in 0..200u32 {
            assert_eq!(send(s, &i.to_le_bytes()), PNNG_OK);
        }
        std::thread::sleep(Duration::from_millis(50));
        close(r);
        let got: usize = waiters.into_iter().map(|w| w.join().unwrap()).sum();
        assert_eq!(
            woke.load(Ordering::SeqCst),
            4,
            "{t}: a receive stayed blocked"
        );
        assert!(got <= 200, "{t}: {got} messages");
        close(s);
    }
}

/// Echoes every message received on `srv` back, until a receive or send fails (close).
fn echo(srv: pnng_socket) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while let Ok(m) = recv(srv) {
            if send(srv, &m) != PNNG_OK {
                break;
            }
        }
    })
}

/// Voluntary context switches of this process's NNG poller thread ("nng:poll:epoll").
fn poller_switches() -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
        if comm.trim() == "nng:poll:epoll" {
            let status = std::fs::read_to_string(e.path().join("status")).unwrap_or_default();
            for l in status.lines() {
                if let Some(v) = l.strip_prefix("voluntary_ctxt_switches:") {
                    total += v.trim().parse::<u64>().unwrap_or(0);
                }
            }
        }
    }
    total
}

/// A blocked synchronous receive on a stream pipe (tcp, ipc) reads that pipe on its own
/// thread: in a req/rep ping-pong the poller thread sleeps through nearly every message
/// (without that cut it wakes for each one: 2 per round trip), and every reply is the one
/// asked for, in order.
#[test]
fn a_blocked_receive_reads_its_stream_pipe_itself() {
    const N: u32 = 2_000;
    for t in ["ipc", "tcp"] {
        let (srv, cli) = pair(pnng_rep0_open, pnng_req0_open, &addr(t));
        let echo = echo(srv);
        for i in 0..100u32 {
            assert_eq!(send(cli, &i.to_le_bytes()), PNNG_OK);
            assert_eq!(recv(cli).unwrap(), i.to_le_bytes(), "{t}: warm-up {i}");
        }
        let before = poller_switches();
        for i in 0..N {
            assert_eq!(send(cli, &i.to_le_bytes()), PNNG_OK);
            assert_eq!(recv(cli).unwrap(), i.to_le_bytes(), "{t}: reply {i}");
        }
        let woke = poller_switches() - before;
        // Other tests of this binary run alongside (their own sockets wake the poller too),
        // so only a bound far from the 2 per round trip of the poller doing the reads.
        assert!(
            woke < u64::from(N / 4),
            "{t}: poller woke {woke} times in {N} round trips"
        );
        close(cli);
        close(srv);
        echo.join().unwrap();
    }
}

/// Large messages are left to the poller thread: after a write of more than 64 KiB a thread
/// neither holds its pipe's reads during the send nor reads the pipe while it waits. (Reading
/// a large answer on the caller's thread put its allocation next to the caller's own large
/// message, and glibc's heap then shrank and grew back every round trip: a 1 MiB tcp round
/// trip took 3.5 times as long, all page faults.) Every reply still arrives whole and in order,
/// and a small message afterwards is read by its receiver again.
#[test]
fn large_messages_are_read_by_the_poller_thread() {
    const N: u32 = 200;
    for t in ["ipc", "tcp"] {
        let (srv, cli) = pair(pnng_rep0_open, pnng_req0_open, &addr(t));
        let echo = echo(srv);
        let big = |i: u32| -> Vec<u8> {
            let mut v = vec![(i % 251) as u8; 256 * 1024];
            v[..4].copy_from_slice(&i.to_le_bytes());
            v
        };
        for i in 0..10 {
            assert_eq!(send(cli, &big(i)), PNNG_OK);
            assert!(recv(cli).unwrap() == big(i), "{t}: warm-up {i}");
        }
        let before = poller_switches();
        for i in 0..N {
            assert_eq!(send(cli, &big(i)), PNNG_OK);
            assert!(recv(cli).unwrap() == big(i), "{t}: reply {i}");
        }
        let woke = poller_switches() - before;
        // The poller reads each message: two wake-ups per round trip on an idle machine, other
        // tests only add to it, and a loaded one lets it find several messages per wake-up
        // (142 of 200 seen). A caller that read its own pipe would leave it asleep: near 0.
        assert!(
            woke >= u64::from(N / 4),
            "{t}: poller woke only {woke} times in {N} round trips of 256 KiB"
        );
        for i in 0..10u32 {
            assert_eq!(send(cli, &i.to_le_bytes()), PNNG_OK);
            assert_eq!(recv(cli).unwrap(), i.to_le_bytes(), "{t}: small reply {i}");
        }
        close(cli);
        close(srv);
        echo.join().unwrap();
    }
}

/// A receive that reads its pipe while it waits still ends every other way: its timeout, the
/// peer going away (the pipe closes under it: it keeps waiting, as pair1 does), and the close
/// of its own socket from another thread.
#[test]
fn a_receive_reading_its_pipe_times_out_and_wakes_on_close() {
    for t in ["ipc", "tcp"] {
        let (a, b) = pair(pnng_pair1_open, pnng_pair1_open, &addr(t));
        // Warm up: the receiving thread has waited on this pipe and sends on it.
        for i in 0..10u8 {
            assert_eq!(send(b, &[i]), PNNG_OK);
            assert_eq!(recv(a).unwrap(), [i]);
            assert_eq!(send(a, &[i]), PNNG_OK);
            assert_eq!(recv(b).unwrap(), [i]);
        }
        set_ms(a, "recv-timeout", 100);
        assert_eq!(send(a, b"x"), PNNG_OK);
        assert_eq!(recv(a), Err(PNNG_ETIMEDOUT), "{t}: timeout");
        assert_eq!(recv(b).unwrap(), b"x");

        set_ms(a, "recv-timeout", -1);
        let waiter = std::thread::spawn(move || {
            assert_eq!(send(a, b"y"), PNNG_OK);
            recv(a)
        });
        assert_eq!(recv(b).unwrap(), b"y");
        std::thread::sleep(Duration::from_millis(50));
        close(b); // the pipe the waiter reads closes under it
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            !waiter.is_finished(),
            "{t}: the receive ended when the peer left"
        );
        close(a);
        assert_eq!(waiter.join().unwrap(), Err(PNNG_ECLOSED), "{t}: close");
    }
}

/// A thread whose last send went to one socket's pipe and which then blocks receiving on
/// another socket: the first pipe's messages it reads meanwhile are kept, in order, for that
/// socket, and the second socket's message wakes it.
#[test]
fn a_receive_on_another_socket_keeps_the_pipes_messages() {
    for t in ["ipc", "tcp"] {
        let (a, b) = pair(pnng_pair1_open, pnng_pair1_open, &addr(t));
        let (x, y) = pair(pnng_pair1_open, pnng_pair1_open, &addr("inproc"));
        for round in 0..20u8 {
            assert_eq!(send(b, &[round]), PNNG_OK);
            assert_eq!(recv(a).unwrap(), [round]);
            // This thread sends on a's pipe (the pipe its next wait would read) ...
            assert_eq!(send(a, &[round]), PNNG_OK);
            assert_eq!(recv(b).unwrap(), [round]);
            let feeder = std::thread::spawn(move || {
                for i in 0..5u8 {
                    assert_eq!(send(b, &[round, i]), PNNG_OK);
                }
                std::thread::sleep(Duration::from_millis(5));
                assert_eq!(send(y, &[round]), PNNG_OK);
            });
            // ... and then waits on x, where the message comes from another socket.
            assert_eq!(recv(x).unwrap(), [round], "{t}: round {round}");
            feeder.join().unwrap();
            for i in 0..5u8 {
                assert_eq!(
                    recv(a).unwrap(),
                    [round, i],
                    "{t}: round {round} message {i}"
                );
            }
        }
        for s in [a, b, x, y] {
            close(s);
        }
    }
}

/// Threads that waited on a pipe and ended leave no descriptor behind (each waiting thread's
/// wake-up eventfd closes when the thread exits).
#[test]
fn waiting_threads_leave_no_descriptors() {
    fn eventfds() -> usize {
        std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .flatten()
            .filter(|e| {
                std::fs::read_link(e.path())
                    .map(|l| l.to_string_lossy().contains("eventfd"))
                    .unwrap_or(false)
            })
            .count()
    }
    let (srv, cli) = pair(pnng_rep0_open, pnng_req0_open, &addr("tcp"));
    let echo = echo(srv);
    for _ in 0..200 {
        std::thread::spawn(move || {
            for i in 0..3u8 {
                assert_eq!(send(cli, &[i]), PNNG_OK);
                assert_eq!(recv(cli).unwrap(), [i]);
            }
        })
        .join()
        .unwrap();
    }
    // Other tests' threads of this binary may hold a few of their own.
    let n = eventfds();
    assert!(n < 100, "{n} eventfds open after 200 threads ended");
    close(cli);
    close(srv);
    echo.join().unwrap();
}

/// The interruptible receive (pnng_socket_recv_fd, Python's main thread) of req0 waits on the
/// socket's receive descriptor; it reads its tcp/ipc pipe meanwhile too, so the poller sleeps
/// through a ping-pong here as well, and a descriptor still interrupts it.
#[test]
fn an_interruptible_req_receive_reads_its_pipe_itself() {
    const N: u32 = 2_000;
    fn recv_fd(s: pnng_socket, fd: c_int) -> Result<Vec<u8>, pnng_result> {
        let mut buf = [0u8; 64];
        let mut n = 0usize;
        match unsafe { pnng_socket_recv_fd(s, buf.as_mut_ptr().cast(), 64, &mut n, fd, 1000) } {
            PNNG_OK => Ok(buf[..n].to_vec()),
            rv => Err(rv),
        }
    }
    fn send_fd(s: pnng_socket, data: &[u8]) -> pnng_result {
        unsafe { pnng_socket_send_fd(s, data.as_ptr().cast(), data.len(), -1, 1000) }
    }
    for t in ["ipc", "tcp"] {
        let (srv, cli) = pair(pnng_rep0_open, pnng_req0_open, &addr(t));
        let echo = echo(srv);
        for i in 0..100u32 {
            assert_eq!(send_fd(cli, &i.to_le_bytes()), PNNG_OK);
            assert_eq!(
                recv_fd(cli, -1).unwrap(),
                i.to_le_bytes(),
                "{t}: warm-up {i}"
            );
        }
        let before = poller_switches();
        for i in 0..N {
            assert_eq!(send_fd(cli, &i.to_le_bytes()), PNNG_OK);
            assert_eq!(recv_fd(cli, -1).unwrap(), i.to_le_bytes(), "{t}: reply {i}");
        }
        let woke = poller_switches() - before;
        assert!(
            woke < u64::from(N / 4),
            "{t}: poller woke {woke} times in {N} round trips"
        );
        // An interruption while the request is out; the reply then still arrives.
        let mut p = [0; 2];
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        assert_eq!(unsafe { libc::write(p[1], b"x".as_ptr().cast(), 1) }, 1);
        assert_eq!(send_fd(cli, b"last"), PNNG_OK);
        let r = recv_fd(cli, p[0]);
        assert!(
            r == Err(PNNG_EINTR) || r.as_deref() == Ok(b"last"),
            "{t}: {r:?}"
        );
        if r.is_err() {
            assert_eq!(recv_fd(cli, -1).unwrap(), b"last", "{t}: resumed");
        }
        unsafe { libc::close(p[0]) };
        unsafe { libc::close(p[1]) };
        close(cli);
        close(srv);
        echo.join().unwrap();
    }
}

/// An aio freed the moment its wait returns: NNG wakes a task's waiters after releasing the
/// task's lock (one context switch fewer per message), and freeing the aio then waits for that
/// wake to finish (ASan in `make test-rust-asan` would see the freed condition variable).
#[test]
fn an_aio_freed_as_soon_as_its_wait_returns() {
    for t in TRANSPORTS {
        let (r, s) = pair(pnng_pair1_open, pnng_pair1_open, &addr(t));
        let tx = std::thread::spawn(move || {
            for i in 0..3_000u32 {
                assert_eq!(send(s, &i.to_le_bytes()), PNNG_OK);
            }
            s
        });
        for i in 0..3_000u32 {
            let mut a = std::ptr::null_mut();
            assert_eq!(
                unsafe { pnng_aio_new(None, std::ptr::null_mut(), &mut a) },
                PNNG_OK
            );
            assert_eq!(unsafe { pnng_socket_recv_aio(r, a) }, PNNG_OK);
            unsafe { pnng_aio_wait(a) };
            assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_OK, "{t}: {i}");
            let mut m = std::ptr::null_mut();
            assert_eq!(unsafe { pnng_aio_take_msg(a, &mut m) }, PNNG_OK);
            unsafe { pnng_aio_free(a) };
            assert_eq!(take(m), i.to_le_bytes(), "{t}: message {i}");
        }
        close(tx.join().unwrap());
        close(r);
    }
}

/// A callback (C1) that sends while holding a lock, and the callback (C2) of the receive that
/// send completes, which takes the same lock.
struct Nested {
    lock: Mutex<()>,
    /// The socket C1 sends on (its peer has C2's receive pending).
    tx: pnng_socket,
    /// C1's thread, and whether C1 had returned when C2 started.
    c1: Mutex<Option<std::thread::ThreadId>>,
    c1_returned: AtomicBool,
    c2: Mutex<Option<(String, std::thread::ThreadId, bool)>>,
    cv: Condvar,
}

unsafe extern "C" fn nested_c1(arg: *mut c_void) {
    // SAFETY: the test keeps `Nested` alive until both callbacks have run.
    let n = unsafe { &*(arg as *const Nested) };
    *n.c1.lock().unwrap() = Some(std::thread::current().id());
    {
        let _held = n.lock.lock().unwrap();
        assert_eq!(send(n.tx, b"inner"), PNNG_OK);
        // Let C2 running inside this send (it would deadlock on the lock) show.
        std::thread::sleep(Duration::from_millis(2));
    }
    n.c1_returned.store(true, Ordering::SeqCst);
}

unsafe extern "C" fn nested_c2(arg: *mut c_void) {
    // SAFETY: as nested_c1.
    let n = unsafe { &*(arg as *const Nested) };
    let after = n.c1_returned.load(Ordering::SeqCst);
    let _g = n.lock.lock().unwrap();
    *n.c2.lock().unwrap() = Some((thread_name(), std::thread::current().id(), after));
    n.cv.notify_all();
}

/// A callback whose own send completes another aio with a callback: that callback never runs
/// inside the send (the first callback may hold a lock it takes); it runs on the same task
/// thread once the first has returned, without a trip through the task queue.
#[test]
fn a_callback_completed_inside_a_callback_runs_after_it_on_its_thread() {
    for t in TRANSPORTS {
        // C1 is triggered over `t`; its send, and so C2's receive, are over inproc (the send
        // hands the message to C2's pending receive inside the call).
        let (r1, s1) = pair(pnng_pair1_open, pnng_pair1_open, &addr(t));
        let (r2, s2) = pair(pnng_pair1_open, pnng_pair1_open, &addr("inproc"));
        for round in 0..10 {
            let n = Box::new(Nested {
                lock: Mutex::new(()),
                tx: s2,
                c1: Mutex::new(None),
                c1_returned: AtomicBool::new(false),
                c2: Mutex::new(None),
                cv: Condvar::new(),
            });
            let arg = &*n as *const Nested as *mut c_void;
            let (mut a1, mut a2) = (std::ptr::null_mut(), std::ptr::null_mut());
            assert_eq!(
                unsafe { pnng_aio_new(Some(nested_c1), arg, &mut a1) },
                PNNG_OK
            );
            assert_eq!(
                unsafe { pnng_aio_new(Some(nested_c2), arg, &mut a2) },
                PNNG_OK
            );
            assert_eq!(unsafe { pnng_socket_recv_aio(r2, a2) }, PNNG_OK);
            assert_eq!(unsafe { pnng_socket_recv_aio(r1, a1) }, PNNG_OK);
            assert_eq!(send(s1, &[round as u8]), PNNG_OK);
            let (name, id, after) =
                wait_set(&n.c2, &n.cv, &format!("{t}: the inner callback never ran"));
            assert_eq!(name, "nng:task", "{t}: inner callback on {name:?}");
            assert!(
                after,
                "{t}: the inner callback started before the outer one returned"
            );
            assert_eq!(
                Some(id),
                *n.c1.lock().unwrap(),
                "{t}: the inner callback went to another thread"
            );
            unsafe {
                pnng_aio_wait(a1);
                pnng_aio_wait(a2);
                assert_eq!(pnng_aio_result(a2), PNNG_OK);
                pnng_aio_free(a1);
                pnng_aio_free(a2);
            }
        }
        for s in [s1, r1, s2, r2] {
            close(s);
        }
    }
}

/// A callback that starts an operation, which completes at once (its callback then waits for
/// the first to return), and then waits for it or frees it.
struct Waits {
    rx: pnng_socket,
    free_it: bool,
    ok: AtomicUsize,
}

unsafe extern "C" fn waits_inner(_arg: *mut c_void) {}

unsafe extern "C" fn waits_outer(arg: *mut c_void) {
    // SAFETY: the test keeps `Waits` alive until this callback has run.
    let w = unsafe { &*(arg as *const Waits) };
    let mut a = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_aio_new(Some(waits_inner), arg, &mut a) },
        PNNG_OK
    );
    // A message is queued on rx already: the receive completes inside this call.
    assert_eq!(unsafe { pnng_socket_recv_aio(w.rx, a) }, PNNG_OK);
    if !w.free_it && unsafe { pnng_aio_wait_timeout(a, 5000) } != PNNG_OK {
        return;
    }
    let mut m = std::ptr::null_mut();
    if !w.free_it && unsafe { pnng_aio_take_msg(a, &mut m) } == PNNG_OK {
        assert_eq!(take(m), b"queued");
    }
    unsafe { pnng_aio_free(a) };
    w.ok.fetch_add(1, Ordering::SeqCst);
}

/// Waiting for, or freeing, an operation that completed inside the same callback does not
/// hang: its callback, held back until the first returns, goes to another task thread.
#[test]
fn a_callback_can_wait_for_or_free_an_operation_it_started() {
    for free_it in [false, true] {
        let (r1, s1) = pair(pnng_pair1_open, pnng_pair1_open, &addr("inproc"));
        let (r2, s2) = pair(pnng_pair1_open, pnng_pair1_open, &addr("inproc"));
        let w = Box::new(Waits {
            rx: r2,
            free_it,
            ok: AtomicUsize::new(0),
        });
        let arg = &*w as *const Waits as *mut c_void;
        for _ in 0..20 {
            // Over inproc the message is in r2's queue once the send returns.
            assert_eq!(send(s2, b"queued"), PNNG_OK);
            recv_through_callback(
                waits_outer,
                arg,
                r1,
                s1,
                &format!("free_it {free_it}: the callback hung"),
            );
        }
        assert!(
            eventually(|| w.ok.load(Ordering::SeqCst) == 20),
            "free_it {free_it}: {} of 20",
            w.ok.load(Ordering::SeqCst)
        );
        for s in [s1, r1, s2, r2] {
            close(s);
        }
    }
}

/// One context of `a_flood_of_callback_round_trips_completes`: its aio, its state and, on the
/// request side, the tag it sent.
struct FloodSlot {
    ctx: pnng_ctx,
    aio: *mut pnng_aio,
    /// 0: waiting for the request (rep) / sending it (req); 1: replying / awaiting the reply.
    state: AtomicUsize,
    tag: u64,
    flood: *const Flood,
}

struct Flood {
    done: AtomicUsize,
    errors: AtomicUsize,
    wrong_thread: AtomicUsize,
}

unsafe extern "C" fn flood_rep(arg: *mut c_void) {
    // SAFETY: the test keeps every slot and the Flood alive until all operations ended.
    let sl = unsafe { &*(arg as *const FloodSlot) };
    let f = unsafe { &*sl.flood };
    if thread_name() != "nng:task" {
        f.wrong_thread.fetch_add(1, Ordering::SeqCst);
    }
    let rv = unsafe { pnng_aio_result(sl.aio) };
    if rv != PNNG_OK {
        if rv != PNNG_ECLOSED {
            f.errors.fetch_add(1, Ordering::SeqCst);
        }
        return;
    }
    if sl.state.swap(1, Ordering::SeqCst) == 0 {
        // The request: echo it back from its own context.
        let mut m = std::ptr::null_mut();
        if unsafe { pnng_aio_take_msg(sl.aio, &mut m) } != PNNG_OK
            || unsafe { pnng_aio_set_msg(sl.aio, m) } != PNNG_OK
            || unsafe { pnng_ctx_send_aio(sl.ctx, sl.aio) } != PNNG_OK
        {
            f.errors.fetch_add(1, Ordering::SeqCst);
        }
    }
}

unsafe extern "C" fn flood_req(arg: *mut c_void) {
    // SAFETY: as flood_rep.
    let sl = unsafe { &*(arg as *const FloodSlot) };
    let f = unsafe { &*sl.flood };
    if thread_name() != "nng:task" {
        f.wrong_thread.fetch_add(1, Ordering::SeqCst);
    }
    if unsafe { pnng_aio_result(sl.aio) } != PNNG_OK {
        f.errors.fetch_add(1, Ordering::SeqCst);
        f.done.fetch_add(1, Ordering::SeqCst);
        return;
    }
    if sl.state.swap(1, Ordering::SeqCst) == 0 {
        // Sent: wait for the reply on the same context.
        if unsafe { pnng_ctx_recv_aio(sl.ctx, sl.aio) } != PNNG_OK {
            f.errors.fetch_add(1, Ordering::SeqCst);
            f.done.fetch_add(1, Ordering::SeqCst);
        }
        return;
    }
    let mut m = std::ptr::null_mut();
    if unsafe { pnng_aio_take_msg(sl.aio, &mut m) } != PNNG_OK || take(m) != sl.tag.to_le_bytes() {
        f.errors.fetch_add(1, Ordering::SeqCst);
    }
    f.done.fetch_add(1, Ordering::SeqCst);
}

/// Thousands of context round trips in flight at once, every step a callback (each reply's
/// send completes its request's receive inside the replying callback; the sender's calls leave
/// thousands of callbacks queued): every request gets its own reply, every callback runs on a
/// task thread, nothing fails.
#[test]
fn a_flood_of_callback_round_trips_completes() {
    const N: usize = 4000;
    let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &addr("inproc"));
    let flood = Box::new(Flood {
        done: AtomicUsize::new(0),
        errors: AtomicUsize::new(0),
        wrong_thread: AtomicUsize::new(0),
    });
    let new_slots =
        |s: pnng_socket, cb: unsafe extern "C" fn(*mut c_void)| -> Vec<Box<FloodSlot>> {
            (0..N)
                .map(|i| {
                    let mut sl = Box::new(FloodSlot {
                        ctx: pnng_ctx { id: 0 },
                        aio: std::ptr::null_mut(),
                        state: AtomicUsize::new(0),
                        tag: i as u64 * 7919,
                        flood: &*flood,
                    });
                    assert_eq!(unsafe { pnng_socket_new_context(s, &mut sl.ctx) }, PNNG_OK);
                    let arg = &*sl as *const FloodSlot as *mut c_void;
                    assert_eq!(unsafe { pnng_aio_new(Some(cb), arg, &mut sl.aio) }, PNNG_OK);
                    sl
                })
                .collect()
        };
    let reps = new_slots(rep, flood_rep);
    let reqs = new_slots(req, flood_req);
    for sl in &reps {
        assert_eq!(unsafe { pnng_ctx_recv_aio(sl.ctx, sl.aio) }, PNNG_OK);
    }
    for sl in &reqs {
        assert_eq!(
            unsafe { pnng_aio_set_msg(sl.aio, msg(&sl.tag.to_le_bytes())) },
            PNNG_OK
        );
        assert_eq!(unsafe { pnng_ctx_send_aio(sl.ctx, sl.aio) }, PNNG_OK);
    }
    assert!(
        eventually(|| flood.done.load(Ordering::SeqCst) == N),
        "{} of {N} round trips completed",
        flood.done.load(Ordering::SeqCst)
    );
    for sl in reqs.iter().chain(reps.iter()) {
        unsafe {
            pnng_aio_wait(sl.aio);
            assert_eq!(pnng_ctx_close(sl.ctx), PNNG_OK);
            pnng_aio_free(sl.aio);
        }
    }
    assert_eq!(flood.errors.load(Ordering::SeqCst), 0, "operations failed");
    assert_eq!(
        flood.wrong_thread.load(Ordering::SeqCst),
        0,
        "callbacks off the task threads"
    );
    close(req);
    close(rep);
}
