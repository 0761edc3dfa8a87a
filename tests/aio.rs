//! Asynchronous operations: callbacks, completion queues, timeouts, cancellation, message
//! ownership, busy aios, and the logging hook.
mod common;
use common::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

static FIRED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn count(_ud: *mut c_void) {
    FIRED.fetch_add(1, Ordering::SeqCst);
}

fn new_aio() -> *mut pnng_aio {
    let mut a = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_aio_new(None, std::ptr::null_mut(), &mut a) },
        PNNG_OK
    );
    a
}

#[test]
fn send_and_receive_with_callbacks() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    let mut ra = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_aio_new(Some(count), 7 as *mut c_void, &mut ra) },
        PNNG_OK
    );
    let before = FIRED.load(Ordering::SeqCst);
    assert_eq!(unsafe { pnng_socket_recv_aio(a, ra) }, PNNG_OK);
    assert!(unsafe { pnng_aio_busy(ra) });
    assert_eq!(unsafe { pnng_aio_result(ra) }, PNNG_EBUSY);
    assert_eq!(
        unsafe { pnng_socket_recv_aio(a, ra) },
        PNNG_EBUSY,
        "one operation at a time"
    );
    let sa = new_aio();
    assert_eq!(
        unsafe { pnng_socket_send_aio(b, sa) },
        PNNG_EINVAL,
        "send needs a message"
    );
    assert_eq!(unsafe { pnng_aio_set_msg(sa, msg(b"async!")) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_send_aio(b, sa) }, PNNG_OK);
    unsafe { pnng_aio_wait(sa) };
    assert_eq!(unsafe { pnng_aio_result(sa) }, PNNG_OK);
    let mut m = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_aio_take_msg(sa, &mut m) },
        PNNG_ENOENT,
        "a sent message is consumed"
    );
    unsafe { pnng_aio_wait(ra) };
    assert_eq!(unsafe { pnng_aio_result(ra) }, PNNG_OK);
    assert!(eventually(|| FIRED.load(Ordering::SeqCst) > before));
    assert_eq!(unsafe { pnng_aio_take_msg(ra, &mut m) }, PNNG_OK);
    assert_eq!(take(m), b"async!");
    assert_eq!(
        unsafe { pnng_aio_take_msg(ra, &mut m) },
        PNNG_ENOENT,
        "taken once"
    );
    unsafe {
        pnng_aio_free(ra);
        pnng_aio_free(sa);
        pnng_aio_free(std::ptr::null_mut());
    }
    close(a);
    close(b);
}

#[test]
fn timeouts_per_operation_and_wait_in_slices() {
    let s = open(pnng_pair0_open);
    let a = new_aio();
    assert_eq!(unsafe { pnng_aio_set_timeout(a, 50) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_recv_aio(s, a) }, PNNG_OK);
    assert_eq!(
        unsafe { pnng_aio_wait_timeout(a, 0) },
        PNNG_ETIMEDOUT,
        "still running"
    );
    let mut slices = 0;
    while unsafe { pnng_aio_wait_timeout(a, 10) } == PNNG_ETIMEDOUT {
        slices += 1;
        assert!(slices < 1000);
    }
    assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_ETIMEDOUT);
    // Back to the socket's own timeout.
    assert_eq!(
        unsafe { pnng_aio_set_timeout(a, PNNG_DURATION_DEFAULT) },
        PNNG_OK
    );
    set_ms(s, "recv-timeout", 30);
    assert_eq!(unsafe { pnng_socket_recv_aio(s, a) }, PNNG_OK);
    unsafe { pnng_aio_wait(a) };
    assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_ETIMEDOUT);
    unsafe { pnng_aio_free(a) };
    close(s);
}

#[test]
fn cancel_and_close_complete_exactly_once() {
    let s = open(pnng_pair0_open);
    let mut cq = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_cq_new(&mut cq) }, PNNG_OK);
    let mut a = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_aio_new_cq(cq, std::ptr::without_provenance_mut(1), &mut a) },
        PNNG_OK
    );
    assert_eq!(unsafe { pnng_socket_recv_aio(s, a) }, PNNG_OK);
    unsafe { pnng_aio_cancel(a) };
    assert_eq!(unsafe { pnng_cq_wait(cq, 5000) }, PNNG_OK);
    let (mut got, mut ud) = (std::ptr::null_mut(), std::ptr::null_mut());
    assert_eq!(unsafe { pnng_cq_pop(cq, &mut got, &mut ud) }, PNNG_OK);
    assert_eq!((got, ud as usize), (a, 1));
    assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_ECANCELED);
    assert_eq!(
        unsafe { pnng_cq_pop(cq, &mut got, &mut ud) },
        PNNG_EAGAIN,
        "exactly once"
    );
    // Closing the socket ends a pending receive with ECLOSED.
    assert_eq!(unsafe { pnng_socket_recv_aio(s, a) }, PNNG_OK);
    close(s);
    assert_eq!(unsafe { pnng_cq_wait(cq, 5000) }, PNNG_OK);
    assert_eq!(unsafe { pnng_cq_pop(cq, &mut got, &mut ud) }, PNNG_OK);
    assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_ECLOSED);
    // Starting on a closed socket still reports through the aio.
    assert_eq!(unsafe { pnng_socket_recv_aio(s, a) }, PNNG_OK);
    assert_eq!(unsafe { pnng_cq_wait(cq, 5000) }, PNNG_OK);
    assert_eq!(unsafe { pnng_cq_pop(cq, &mut got, &mut ud) }, PNNG_OK);
    assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_ECLOSED);
    unsafe {
        pnng_aio_free(a);
        pnng_cq_free(cq);
    }
}

/// `pnng_cq_hold`: a completion the holding thread posts itself (here a receive that NNG completes
/// inline, within that thread's inproc send) leaves the fd quiet and is popped as usual; one
/// posted by another thread makes it readable; releasing with entries left makes it readable.
#[test]
fn cq_hold_leaves_the_fd_quiet_for_the_holding_threads_own_completions() {
    let (x, y) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    let mut cq = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_cq_new(&mut cq) }, PNNG_OK);
    let mut fd = -1;
    assert_eq!(unsafe { pnng_cq_fd(cq, &mut fd) }, PNNG_OK);
    let readable = |fd: c_int| {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        unsafe { libc::poll(&mut p, 1, 0) == 1 }
    };
    let mut a = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_aio_new_cq(cq, std::ptr::null_mut(), &mut a) },
        PNNG_OK
    );
    let (mut got, mut ud) = (std::ptr::null_mut(), std::ptr::null_mut());
    let pop_one = |got: &mut *mut pnng_aio, ud: &mut *mut c_void| {
        assert_eq!(unsafe { pnng_cq_pop(cq, got, ud) }, PNNG_OK);
        assert_eq!(*got, a);
        let mut m = std::ptr::null_mut();
        assert_eq!(unsafe { pnng_aio_take_msg(a, &mut m) }, PNNG_OK);
        take(m)[0]
    };

    // Posted by the holding thread: popped, the fd never readable.
    assert_eq!(unsafe { pnng_cq_hold(cq, true) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_recv_aio(x, a) }, PNNG_OK);
    assert_eq!(send(y, &[1]), PNNG_OK);
    assert!(!unsafe { pnng_aio_busy(a) }, "completed within the send");
    assert!(
        !readable(fd),
        "the holding thread's own completion is not signalled"
    );
    assert_eq!(pop_one(&mut got, &mut ud), 1);
    assert_eq!(unsafe { pnng_cq_pop(cq, &mut got, &mut ud) }, PNNG_EAGAIN);
    assert!(!readable(fd));

    // Left in the queue at release: the fd becomes readable.
    assert_eq!(unsafe { pnng_socket_recv_aio(x, a) }, PNNG_OK);
    assert_eq!(send(y, &[2]), PNNG_OK);
    assert!(!readable(fd));
    assert_eq!(unsafe { pnng_cq_hold(cq, false) }, PNNG_OK);
    assert!(readable(fd), "released with an entry waiting");
    assert_eq!(pop_one(&mut got, &mut ud), 2);
    assert!(!readable(fd));

    // Posted by another thread while this one holds: signalled.
    assert_eq!(unsafe { pnng_cq_hold(cq, true) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_recv_aio(x, a) }, PNNG_OK);
    let yy = y.id;
    std::thread::spawn(move || send(pnng_socket { id: yy }, &[3]))
        .join()
        .unwrap();
    assert!(
        eventually(|| readable(fd)),
        "another thread's completion is signalled"
    );
    assert_eq!(pop_one(&mut got, &mut ud), 3);
    assert!(!readable(fd));
    assert_eq!(unsafe { pnng_cq_hold(cq, false) }, PNNG_OK);
    assert!(!readable(fd));
    assert_eq!(unsafe { pnng_cq_hold(std::ptr::null(), true) }, PNNG_EINVAL);

    unsafe { pnng_aio_free(a) };
    unsafe { pnng_cq_free(cq) };
    close(x);
    close(y);
}

#[test]
fn cq_fd_is_readable_exactly_while_entries_wait() {
    let (x, y) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    let mut cq = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_cq_new(&mut cq) }, PNNG_OK);
    let mut fd = -1;
    assert_eq!(unsafe { pnng_cq_fd(cq, &mut fd) }, PNNG_OK);
    let readable = |fd: c_int| {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        unsafe { libc::poll(&mut p, 1, 0) == 1 }
    };
    assert!(!readable(fd));
    let aios: Vec<_> = (0..3usize)
        .map(|i| {
            let mut a = std::ptr::null_mut();
            assert_eq!(
                unsafe { pnng_aio_new_cq(cq, i as *mut c_void, &mut a) },
                PNNG_OK
            );
            assert_eq!(unsafe { pnng_socket_recv_aio(x, a) }, PNNG_OK);
            a
        })
        .collect();
    for i in 0..3 {
        assert_eq!(send(y, &[i]), PNNG_OK);
    }
    assert!(eventually(|| aios
        .iter()
        .all(|&a| !unsafe { pnng_aio_busy(a) })));
    assert!(readable(fd));
    let mut seen = vec![];
    let (mut a, mut ud) = (std::ptr::null_mut(), std::ptr::null_mut());
    while unsafe { pnng_cq_pop(cq, &mut a, &mut ud) } == PNNG_OK {
        assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_OK);
        let mut m = std::ptr::null_mut();
        assert_eq!(unsafe { pnng_aio_take_msg(a, &mut m) }, PNNG_OK);
        seen.push(take(m)[0]);
        if seen.len() < 3 {
            assert!(readable(fd), "still entries left");
        }
    }
    seen.sort();
    assert_eq!(seen, [0, 1, 2]);
    assert!(!readable(fd), "empty queue, fd quiet");
    assert_eq!(unsafe { pnng_cq_wait(cq, 10) }, PNNG_ETIMEDOUT);
    for a in aios {
        unsafe { pnng_aio_free(a) };
    }
    unsafe { pnng_cq_free(cq) };
    close(x);
    close(y);
}

#[test]
fn free_while_running_posts_nothing_and_frees_the_message() {
    let s = open(pnng_push0_open); // no peer: a send waits
    let mut cq = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_cq_new(&mut cq) }, PNNG_OK);
    let mut a = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_aio_new_cq(cq, std::ptr::null_mut(), &mut a) },
        PNNG_OK
    );
    assert_eq!(unsafe { pnng_aio_set_msg(a, msg(b"pending")) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_send_aio(s, a) }, PNNG_OK);
    assert_eq!(unsafe { pnng_aio_set_msg(a, msg(b"x")) }, PNNG_EBUSY);
    unsafe { pnng_aio_free(a) };
    let (mut got, mut ud) = (std::ptr::null_mut(), std::ptr::null_mut());
    assert_eq!(unsafe { pnng_cq_pop(cq, &mut got, &mut ud) }, PNNG_EAGAIN);
    unsafe { pnng_cq_free(cq) };
    close(s);
}

#[test]
fn unsent_message_comes_back() {
    let s = open(pnng_push0_open);
    let a = new_aio();
    assert_eq!(unsafe { pnng_aio_set_timeout(a, 20) }, PNNG_OK);
    assert_eq!(unsafe { pnng_aio_set_msg(a, msg(b"undelivered")) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_send_aio(s, a) }, PNNG_OK);
    unsafe { pnng_aio_wait(a) };
    assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_ETIMEDOUT);
    let mut m = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_aio_take_msg(a, &mut m) }, PNNG_OK);
    assert_eq!(take(m), b"undelivered");
    unsafe { pnng_aio_free(a) };
    close(s);
}

#[test]
fn context_and_pipe_aio() {
    let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &addr("inproc"));
    let (mut rc, mut qc) = (pnng_ctx { id: 0 }, pnng_ctx { id: 0 });
    assert_eq!(unsafe { pnng_socket_new_context(rep, &mut rc) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_new_context(req, &mut qc) }, PNNG_OK);
    let (ra, qa) = (new_aio(), new_aio());
    assert_eq!(unsafe { pnng_ctx_recv_aio(rc, ra) }, PNNG_OK);
    assert_eq!(unsafe { pnng_aio_set_msg(qa, msg(b"ctx q")) }, PNNG_OK);
    assert_eq!(unsafe { pnng_ctx_send_aio(qc, qa) }, PNNG_OK);
    unsafe { pnng_aio_wait(ra) };
    let mut m = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_aio_take_msg(ra, &mut m) }, PNNG_OK);
    assert_eq!(body(m), b"ctx q");
    assert_eq!(unsafe { pnng_aio_set_msg(ra, m) }, PNNG_OK);
    assert_eq!(unsafe { pnng_ctx_send_aio(rc, ra) }, PNNG_OK);
    unsafe { pnng_aio_wait(qa) };
    assert_eq!(unsafe { pnng_ctx_recv_aio(qc, qa) }, PNNG_OK);
    unsafe { pnng_aio_wait(qa) };
    assert_eq!(unsafe { pnng_aio_take_msg(qa, &mut m) }, PNNG_OK);
    assert_eq!(take(m), b"ctx q");
    // Pipe send through an aio.
    let (x, y) = pair(pnng_pair1_open_poly, pnng_pair1_open, &addr("inproc"));
    let mut n = 0usize;
    assert!(eventually(|| unsafe {
        pnng_socket_pipes(x, std::ptr::null_mut(), 0, &mut n)
    } == PNNG_EMSGSIZE));
    let mut p = [pnng_pipe { id: 0 }];
    assert_eq!(
        unsafe { pnng_socket_pipes(x, p.as_mut_ptr(), 1, &mut n) },
        PNNG_OK
    );
    let pa = new_aio();
    assert_eq!(
        unsafe { pnng_aio_set_msg(pa, msg(b"to one pipe")) },
        PNNG_OK
    );
    assert_eq!(unsafe { pnng_pipe_send_aio(p[0], pa) }, PNNG_OK);
    unsafe { pnng_aio_wait(pa) };
    assert_eq!(unsafe { pnng_aio_result(pa) }, PNNG_OK);
    assert_eq!(recv(y).unwrap(), b"to one pipe");
    assert_eq!(unsafe { pnng_aio_set_msg(pa, msg(b"gone")) }, PNNG_OK);
    assert_eq!(
        unsafe { pnng_pipe_send_aio(pnng_pipe { id: 12345 }, pa) },
        PNNG_ENOENT,
        "nothing started"
    );
    assert!(!unsafe { pnng_aio_busy(pa) });
    for a in [ra, qa, pa] {
        unsafe { pnng_aio_free(a) };
    }
    for s in [rep, req, x, y] {
        close(s);
    }
}

#[test]
fn held_back_message_reaches_an_async_receive() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    assert_eq!(send(b, b"too big for 2"), PNNG_OK);
    let mut buf = [0u8; 2];
    let mut n = 0;
    assert_eq!(
        unsafe { pnng_socket_recv(a, buf.as_mut_ptr().cast(), 2, 0, &mut n) },
        PNNG_EMSGSIZE
    );
    let r = new_aio();
    assert_eq!(unsafe { pnng_socket_recv_aio(a, r) }, PNNG_OK);
    unsafe { pnng_aio_wait(r) };
    let mut m = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_aio_take_msg(r, &mut m) }, PNNG_OK);
    assert_eq!(take(m), b"too big for 2");
    unsafe { pnng_aio_free(r) };
    close(a);
    close(b);
}

#[test]
fn null_arguments() {
    unsafe {
        assert_eq!(
            pnng_aio_new(None, std::ptr::null_mut(), std::ptr::null_mut()),
            PNNG_EINVAL
        );
        assert_eq!(
            pnng_aio_new_cq(
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut std::ptr::null_mut()
            ),
            PNNG_EINVAL
        );
        assert_eq!(pnng_aio_set_timeout(std::ptr::null_mut(), 1), PNNG_EINVAL);
        assert_eq!(pnng_aio_result(std::ptr::null()), PNNG_EINVAL);
        assert_eq!(
            pnng_socket_recv_aio(pnng_socket { id: 1 }, std::ptr::null_mut()),
            PNNG_EINVAL
        );
        assert_eq!(
            pnng_cq_pop(
                std::ptr::null_mut(),
                &mut std::ptr::null_mut(),
                &mut std::ptr::null_mut()
            ),
            PNNG_EINVAL
        );
        assert_eq!(pnng_cq_fd(std::ptr::null(), &mut 0), PNNG_EINVAL);
        pnng_aio_cancel(std::ptr::null_mut());
        pnng_aio_wait(std::ptr::null_mut());
        pnng_cq_free(std::ptr::null_mut());
    }
}

static LOG: Mutex<Vec<(c_int, String)>> = Mutex::new(Vec::new());

unsafe extern "C" fn log_line(level: c_int, msg: *const c_char, _ud: *mut c_void) {
    LOG.lock().unwrap().push((
        level,
        unsafe { CStr::from_ptr(msg) }
            .to_string_lossy()
            .into_owned(),
    ));
}

#[test]
fn fallback_dial_reports_through_the_log_hook() {
    unsafe { pnng_set_log_callback(Some(log_line), std::ptr::null_mut()) };
    let s = open(pnng_pair0_open);
    let url = dial_first_addr("tcp");
    let u = c(&url);
    assert_eq!(
        unsafe { pnng_socket_dial(s, u.as_ptr(), PNNG_DIAL_FALLBACK, std::ptr::null_mut()) },
        PNNG_OK
    );
    let lines = LOG.lock().unwrap().clone();
    assert!(
        lines
            .iter()
            .any(|(lvl, l)| *lvl == PNNG_LOG_WARN && l.contains(&url)),
        "{lines:?}"
    );
    unsafe { pnng_set_log_callback(None, std::ptr::null_mut()) };
    close(s);
}

#[test]
fn cancel_racing_completion_loses_nothing() {
    // Each round: a receive starts, a message is sent, the receive is cancelled at once. Either
    // the receive got the message (OK) or it was cancelled and the message waits in the socket.
    // Nothing may be lost, nothing delivered twice, and every start completes exactly once.
    let rounds = 10_000;
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    let mut cq = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_cq_new(&mut cq) }, PNNG_OK);
    let mut r = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_aio_new_cq(cq, std::ptr::null_mut(), &mut r) },
        PNNG_OK
    );
    let mut received = Vec::with_capacity(rounds);
    for i in 0..rounds as u32 {
        assert_eq!(unsafe { pnng_socket_recv_aio(a, r) }, PNNG_OK);
        assert_eq!(send(b, &i.to_le_bytes()), PNNG_OK);
        unsafe { pnng_aio_cancel(r) };
        assert_eq!(unsafe { pnng_cq_wait(cq, 5000) }, PNNG_OK);
        let (mut got, mut ud) = (std::ptr::null_mut(), std::ptr::null_mut());
        assert_eq!(unsafe { pnng_cq_pop(cq, &mut got, &mut ud) }, PNNG_OK);
        assert_eq!(
            unsafe { pnng_cq_pop(cq, &mut got, &mut ud) },
            PNNG_EAGAIN,
            "exactly one completion"
        );
        match unsafe { pnng_aio_result(r) } {
            PNNG_OK => {
                let mut m = std::ptr::null_mut();
                assert_eq!(unsafe { pnng_aio_take_msg(r, &mut m) }, PNNG_OK);
                received.push(take(m));
            }
            PNNG_ECANCELED => {}
            other => panic!("unexpected result {other}"),
        }
    }
    // Whatever was not taken by an aio is still queued in the socket (or still in flight).
    set_ms(a, "recv-timeout", 200);
    while let Ok(v) = recv(a) {
        received.push(v);
    }
    let mut ids: Vec<u32> = received
        .iter()
        .map(|v| u32::from_le_bytes(v[..4].try_into().unwrap()))
        .collect();
    ids.sort();
    let total = ids.len();
    ids.dedup();
    let missing: Vec<u32> = (0..rounds as u32)
        .filter(|i| ids.binary_search(i).is_err())
        .take(10)
        .collect();
    assert_eq!(
        (total, ids.len(), missing),
        (rounds, rounds, vec![]),
        "no loss, no duplicates"
    );
    unsafe {
        pnng_aio_free(r);
        pnng_cq_free(cq);
    }
    close(a);
    close(b);
}

#[test]
fn one_queue_serves_a_thousand_context_receives() {
    const N: usize = 1000;
    let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &addr("inproc"));
    let mut cq = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_cq_new(&mut cq) }, PNNG_OK);
    let mut ctxs = Vec::with_capacity(N);
    let mut aios = Vec::with_capacity(N);
    for i in 0..N {
        let mut c = pnng_ctx { id: 0 };
        assert_eq!(unsafe { pnng_socket_new_context(rep, &mut c) }, PNNG_OK);
        let mut a = std::ptr::null_mut();
        assert_eq!(
            unsafe { pnng_aio_new_cq(cq, i as *mut c_void, &mut a) },
            PNNG_OK
        );
        assert_eq!(unsafe { pnng_ctx_recv_aio(c, a) }, PNNG_OK);
        ctxs.push(c);
        aios.push(a);
    }
    let sender = std::thread::spawn(move || {
        let mut qs = Vec::new();
        for i in 0..N as u32 {
            let mut q = pnng_ctx { id: 0 };
            assert_eq!(unsafe { pnng_socket_new_context(req, &mut q) }, PNNG_OK);
            assert_eq!(
                unsafe { pnng_ctx_send(q, i.to_le_bytes().as_ptr().cast(), 4, 0) },
                PNNG_OK
            );
            qs.push(q);
        }
        qs
    });
    let mut seen = vec![false; N];
    let mut done = 0;
    while done < N {
        assert_eq!(
            unsafe { pnng_cq_wait(cq, 10_000) },
            PNNG_OK,
            "completions keep coming"
        );
        let (mut a, mut ud) = (std::ptr::null_mut(), std::ptr::null_mut());
        while unsafe { pnng_cq_pop(cq, &mut a, &mut ud) } == PNNG_OK {
            assert_eq!(a, aios[ud as usize], "userdata names its aio");
            assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_OK);
            let mut m = std::ptr::null_mut();
            assert_eq!(unsafe { pnng_aio_take_msg(a, &mut m) }, PNNG_OK);
            let v = u32::from_le_bytes(take(m)[..4].try_into().unwrap()) as usize;
            assert!(!seen[v], "no duplicate");
            seen[v] = true;
            done += 1;
        }
    }
    assert!(seen.iter().all(|&s| s));
    let qs = sender.join().unwrap();
    for a in aios {
        unsafe { pnng_aio_free(a) };
    }
    for q in qs {
        let _ = unsafe { pnng_ctx_close(q) };
    }
    unsafe { pnng_cq_free(cq) };
    close(rep);
    close(req);
}

static CALLS: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn once(_ud: *mut c_void) {
    CALLS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn callback_fires_exactly_once_per_start_in_every_outcome() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    let mut aio = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_aio_new(Some(once), std::ptr::null_mut(), &mut aio) },
        PNNG_OK
    );
    let settle = || std::thread::sleep(std::time::Duration::from_millis(50));
    // success
    assert_eq!(unsafe { pnng_socket_recv_aio(a, aio) }, PNNG_OK);
    assert_eq!(send(b, b"x"), PNNG_OK);
    unsafe { pnng_aio_wait(aio) };
    settle();
    assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    // timeout
    assert_eq!(unsafe { pnng_aio_set_timeout(aio, 10) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_recv_aio(a, aio) }, PNNG_OK);
    unsafe { pnng_aio_wait(aio) };
    assert_eq!(unsafe { pnng_aio_result(aio) }, PNNG_ETIMEDOUT);
    settle();
    assert_eq!(CALLS.load(Ordering::SeqCst), 2);
    // cancel
    assert_eq!(unsafe { pnng_aio_set_timeout(aio, -1) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_recv_aio(a, aio) }, PNNG_OK);
    unsafe { pnng_aio_cancel(aio) };
    unsafe { pnng_aio_wait(aio) };
    assert_eq!(unsafe { pnng_aio_result(aio) }, PNNG_ECANCELED);
    settle();
    assert_eq!(CALLS.load(Ordering::SeqCst), 3);
    // close
    assert_eq!(unsafe { pnng_socket_recv_aio(a, aio) }, PNNG_OK);
    close(a);
    unsafe { pnng_aio_wait(aio) };
    assert_eq!(unsafe { pnng_aio_result(aio) }, PNNG_ECLOSED);
    settle();
    assert_eq!(CALLS.load(Ordering::SeqCst), 4);
    // a failed start fires nothing
    assert_eq!(unsafe { pnng_socket_send_aio(b, aio) }, PNNG_EINVAL);
    settle();
    assert_eq!(CALLS.load(Ordering::SeqCst), 4);
    unsafe { pnng_aio_free(aio) };
    close(b);
}

#[test]
fn a_waiter_can_be_woken() {
    let mut cq = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_cq_new(&mut cq) }, PNNG_OK);
    let addr = cq as usize;
    let waiter = std::thread::spawn(move || unsafe { pnng_cq_wait(addr as *const pnng_cq, -1) });
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(unsafe { pnng_cq_wake(cq) }, PNNG_OK);
    assert_eq!(waiter.join().unwrap(), PNNG_EINTR);
    assert_eq!(
        unsafe { pnng_cq_wait(cq, 0) },
        PNNG_ETIMEDOUT,
        "the wake was used up"
    );
    assert_eq!(unsafe { pnng_cq_wake(std::ptr::null()) }, PNNG_EINVAL);
    unsafe { pnng_cq_free(cq) };
}

/// One aio used in turn on several sockets (it remembers the last socket's state): each
/// operation goes to the socket it names; after a socket closes, an operation on it completes
/// with `PNNG_ECLOSED`, and the aio keeps working on another socket; `pnng_aio_busy` and
/// `pnng_aio_result` follow every operation.
#[test]
fn one_aio_across_sockets_and_a_closed_one() {
    let (a1, b1) = pair(pnng_pair1_open, pnng_pair1_open, &addr("inproc"));
    let (a2, b2) = pair(pnng_pair1_open, pnng_pair1_open, &addr("inproc"));
    let a = new_aio();
    let recv_on = |s: pnng_socket| {
        assert_eq!(unsafe { pnng_socket_recv_aio(s, a) }, PNNG_OK);
        unsafe { pnng_aio_wait(a) };
        assert!(!unsafe { pnng_aio_busy(a) });
        let rv = unsafe { pnng_aio_result(a) };
        let mut m = std::ptr::null_mut();
        if rv == PNNG_OK {
            assert_eq!(unsafe { pnng_aio_take_msg(a, &mut m) }, PNNG_OK);
            (rv, take(m))
        } else {
            (rv, Vec::new())
        }
    };
    for round in 0..3u8 {
        assert_eq!(send(b1, &[1, round]), PNNG_OK);
        assert_eq!(send(b2, &[2, round]), PNNG_OK);
        assert_eq!(recv_on(a1), (PNNG_OK, vec![1, round]));
        assert_eq!(recv_on(a2), (PNNG_OK, vec![2, round]));
        // Sends through the same aio alternate too.
        for (s, peer, tag) in [(a1, b1, 1u8), (a2, b2, 2u8)] {
            assert_eq!(unsafe { pnng_aio_set_msg(a, msg(&[tag, round])) }, PNNG_OK);
            assert_eq!(unsafe { pnng_socket_send_aio(s, a) }, PNNG_OK);
            unsafe { pnng_aio_wait(a) };
            assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_OK);
            assert_eq!(recv(peer).unwrap(), vec![tag, round]);
        }
    }
    close(a1);
    assert_eq!(recv_on(a1).0, PNNG_ECLOSED);
    assert_eq!(send(b2, b"still"), PNNG_OK);
    assert_eq!(recv_on(a2), (PNNG_OK, b"still".to_vec()));
    // A pending receive is busy until its message comes.
    assert_eq!(unsafe { pnng_socket_recv_aio(a2, a) }, PNNG_OK);
    assert!(unsafe { pnng_aio_busy(a) });
    assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_EBUSY);
    assert_eq!(send(b2, b"late"), PNNG_OK);
    unsafe { pnng_aio_wait(a) };
    assert_eq!(unsafe { pnng_aio_result(a) }, PNNG_OK);
    unsafe { pnng_aio_free(a) };
    close(b1);
    close(a2);
    close(b2);
}

/// What `slow_taker` saw, shared with the test through its userdata.
struct SlowTaker {
    aio: std::sync::atomic::AtomicPtr<pnng_aio>,
    sock: pnng_socket,
    entered: std::sync::atomic::AtomicBool,
    /// 1 + the restart's result once the callback has returned.
    restarted: AtomicUsize,
    taken: Mutex<Vec<u8>>,
    calls: AtomicUsize,
}

/// A callback that is still running when the aio is freed: it takes the received message
/// and starts the next receive, both after the free has begun.
unsafe extern "C" fn slow_taker(ud: *mut c_void) {
    let t = unsafe { &*(ud as *const SlowTaker) };
    t.calls.fetch_add(1, Ordering::SeqCst);
    let a = t.aio.load(Ordering::SeqCst);
    t.entered.store(true, Ordering::SeqCst);
    std::thread::sleep(std::time::Duration::from_millis(100));
    let mut m = std::ptr::null_mut();
    if unsafe { pnng_aio_take_msg(a, &mut m) } == PNNG_OK {
        *t.taken.lock().unwrap() = take(m);
    }
    let rv = unsafe { pnng_socket_recv_aio(t.sock, a) };
    t.restarted.store(1 + rv as usize, Ordering::SeqCst);
}

#[test]
fn free_waits_for_a_callback_still_running_and_no_operation_starts_or_reports_after_it() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    let t = Box::new(SlowTaker {
        aio: std::sync::atomic::AtomicPtr::new(std::ptr::null_mut()),
        sock: a,
        entered: std::sync::atomic::AtomicBool::new(false),
        restarted: AtomicUsize::new(0),
        taken: Mutex::new(Vec::new()),
        calls: AtomicUsize::new(0),
    });
    let mut ra = std::ptr::null_mut();
    let ud = &*t as *const SlowTaker as *mut c_void;
    assert_eq!(
        unsafe { pnng_aio_new(Some(slow_taker), ud, &mut ra) },
        PNNG_OK
    );
    t.aio.store(ra, Ordering::SeqCst);
    assert_eq!(unsafe { pnng_socket_recv_aio(a, ra) }, PNNG_OK);
    assert_eq!(send(b, b"first"), PNNG_OK);
    assert!(eventually(|| t.entered.load(Ordering::SeqCst)));
    // The receive is over (its callback runs): the aio is idle, yet free waits for the
    // callback, which takes the message and starts the next receive meanwhile.
    unsafe { pnng_aio_free(ra) };
    let restarted = t.restarted.load(Ordering::SeqCst);
    assert_ne!(restarted, 0, "free returned before the callback did");
    assert_eq!(*t.taken.lock().unwrap(), b"first");
    // Refused once the free has begun (ECLOSED), else started and cancelled by the free:
    // either way nothing is reported after it.
    assert!(
        restarted == 1 + PNNG_ECLOSED as usize || restarted == 1 + PNNG_OK as usize,
        "restart: {}",
        restarted as i64 - 1
    );
    assert_eq!(send(b, b"second"), PNNG_OK);
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(
        t.calls.load(Ordering::SeqCst),
        1,
        "no callback after the free"
    );
    close(a);
    close(b);
}

#[test]
fn take_body_copies_small_bodies_and_hands_over_the_rest() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    let r = new_aio();
    let mut buf = [0u8; 8];
    let mut info = [u64::MAX; 3];
    let take_body = |buf: &mut [u8], info: &mut [u64; 3]| unsafe {
        pnng_aio_take_body(r, buf.as_mut_ptr().cast(), buf.len(), info.as_mut_ptr())
    };
    // Fits: copied, the message freed; the pipe is reported.
    assert_eq!(unsafe { pnng_socket_recv_aio(a, r) }, PNNG_OK);
    assert_eq!(send(b, b"short"), PNNG_OK);
    unsafe { pnng_aio_wait(r) };
    assert_eq!(take_body(&mut buf, &mut info), PNNG_OK);
    assert_eq!(&buf[..5], b"short");
    assert_eq!(info[0], 5);
    assert_ne!(info[1], 0, "the pipe it came through");
    assert_eq!(info[2], 0, "consumed");
    let mut m = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_aio_take_msg(r, &mut m) }, PNNG_ENOENT);
    // Too long: handed over, the buffer untouched.
    buf = [0; 8];
    assert_eq!(unsafe { pnng_socket_recv_aio(a, r) }, PNNG_OK);
    assert_eq!(send(b, b"longer than eight"), PNNG_OK);
    unsafe { pnng_aio_wait(r) };
    assert_eq!(take_body(&mut buf, &mut info), PNNG_OK);
    assert_eq!(buf, [0; 8]);
    assert_eq!(info[0], 17);
    assert_ne!(info[2], 0);
    assert_eq!(
        take(info[2] as usize as *mut pnng_msg),
        b"longer than eight"
    );
    // No room at all (cap 0, NULL buffer): an empty body is still consumed.
    assert_eq!(unsafe { pnng_socket_recv_aio(a, r) }, PNNG_OK);
    assert_eq!(send(b, b""), PNNG_OK);
    unsafe { pnng_aio_wait(r) };
    assert_eq!(
        unsafe { pnng_aio_take_body(r, std::ptr::null_mut(), 0, info.as_mut_ptr()) },
        PNNG_OK
    );
    assert_eq!((info[0], info[2]), (0, 0));
    // The operation's error comes back, nothing written; a send's aio holds no message.
    assert_eq!(unsafe { pnng_aio_set_timeout(r, 10) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_recv_aio(a, r) }, PNNG_OK);
    unsafe { pnng_aio_wait(r) };
    info = [7; 3];
    assert_eq!(take_body(&mut buf, &mut info), PNNG_ETIMEDOUT);
    assert_eq!(info, [7; 3]);
    assert_eq!(unsafe { pnng_aio_set_msg(r, msg(b"x")) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_send_aio(b, r) }, PNNG_OK);
    unsafe { pnng_aio_wait(r) };
    assert_eq!(take_body(&mut buf, &mut info), PNNG_ENOENT);
    // NULL arguments.
    assert_eq!(
        unsafe { pnng_aio_take_body(r, buf.as_mut_ptr().cast(), 8, std::ptr::null_mut()) },
        PNNG_EINVAL
    );
    assert_eq!(
        unsafe { pnng_aio_take_body(r, std::ptr::null_mut(), 8, info.as_mut_ptr()) },
        PNNG_EINVAL
    );
    assert_eq!(
        unsafe {
            pnng_aio_take_body(
                std::ptr::null_mut(),
                buf.as_mut_ptr().cast(),
                8,
                info.as_mut_ptr(),
            )
        },
        PNNG_EINVAL
    );
    unsafe { pnng_aio_free(r) };
    close(a);
    close(b);
}

/// `pnng_aio_wait_pipe`: a bounded wait that reads the connection the socket last sent on,
/// from whichever thread waits (the socket keeps NNG's thread hints, patch 0040); the
/// operation is never cancelled by it, so a later completion is reported as usual.
#[test]
fn a_wait_reading_its_pipe_on_another_thread() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("tcp"));
    let mut cq = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_cq_new(&mut cq) }, PNNG_OK);
    let mut aio = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_aio_new_cq(cq, std::ptr::null_mut(), &mut aio) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_aio_wait_pipe(std::ptr::null_mut(), -1, 0) },
        PNNG_EINVAL
    );
    assert_eq!(unsafe { pnng_aio_wait_pipe(aio, -1, 10) }, PNNG_OK, "idle");
    struct Ptr<T>(*mut T);
    unsafe impl<T> Send for Ptr<T> {}
    let pop = |want: &[u8]| {
        let (mut got, mut ud) = (std::ptr::null_mut(), std::ptr::null_mut());
        assert_eq!(unsafe { pnng_cq_pop(cq, &mut got, &mut ud) }, PNNG_OK);
        assert_eq!(got, aio);
        let mut m = std::ptr::null_mut();
        assert_eq!(unsafe { pnng_aio_take_msg(aio, &mut m) }, PNNG_OK);
        assert_eq!(take(m), want);
    };

    // This thread sent on the connection: the wait reads it, and ends with the slice or with
    // a readable descriptor, the receive still running. (ENOTSUP when the send went out on
    // another thread, or the connection has no read armed yet: then again.)
    let settled = |fd: c_int, ms: i32| {
        for _ in 0..100 {
            let rv = unsafe { pnng_aio_wait_pipe(aio, fd, ms) };
            if rv != PNNG_ENOTSUP {
                return rv;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        PNNG_ENOTSUP
    };
    let mut tries = 0;
    loop {
        assert_eq!(send(a, b"ping"), PNNG_OK);
        assert_eq!(recv(b).unwrap(), b"ping");
        assert_eq!(unsafe { pnng_socket_recv_aio(a, aio) }, PNNG_OK);
        match settled(-1, 30) {
            PNNG_ETIMEDOUT => break,
            rv => assert_eq!(rv, PNNG_ENOTSUP),
        }
        tries += 1;
        assert!(
            tries < 50,
            "a wait never read the connection this thread sent on"
        );
        unsafe { pnng_aio_cancel(aio) };
        // The entry is posted after the aio stops running: wait for it.
        assert_eq!(unsafe { pnng_cq_wait(cq, 5000) }, PNNG_OK);
        let (mut got, mut ud) = (std::ptr::null_mut(), std::ptr::null_mut());
        assert_eq!(unsafe { pnng_cq_pop(cq, &mut got, &mut ud) }, PNNG_OK);
    }
    let efd = unsafe { libc::eventfd(1, libc::EFD_CLOEXEC) };
    assert_eq!(settled(efd, 5000), PNNG_EINTR);
    unsafe { libc::close(efd) };
    assert!(unsafe { pnng_aio_busy(aio) });

    // A thread that never sent on it waits for the same receive and reads the socket's
    // connection: the answer ends its wait.
    let waiter = {
        let p = Ptr(aio);
        std::thread::spawn(move || {
            let p = p;
            let t = std::time::Instant::now();
            (unsafe { pnng_aio_wait_pipe(p.0, -1, 10_000) }, t.elapsed())
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(send(b, b"pong"), PNNG_OK);
    let (rv, took) = waiter.join().unwrap();
    assert_eq!(rv, PNNG_OK, "the other thread read the socket's connection");
    assert!(took < std::time::Duration::from_secs(5));
    assert_eq!(unsafe { pnng_aio_result(aio) }, PNNG_OK);
    pop(b"pong");

    // The socket's receive timeout ends the wait.
    set_ms(a, "recv-timeout", 100);
    assert_eq!(unsafe { pnng_socket_recv_aio(a, aio) }, PNNG_OK);
    let mut rv = unsafe { pnng_aio_wait_pipe(aio, -1, -1) };
    if rv == PNNG_ENOTSUP {
        unsafe { pnng_aio_wait(aio) };
        rv = PNNG_OK;
    }
    assert_eq!(rv, PNNG_OK);
    assert_eq!(unsafe { pnng_aio_result(aio) }, PNNG_ETIMEDOUT);
    assert_eq!(unsafe { pnng_cq_wait(cq, 5000) }, PNNG_OK);
    let (mut got, mut ud) = (std::ptr::null_mut(), std::ptr::null_mut());
    assert_eq!(unsafe { pnng_cq_pop(cq, &mut got, &mut ud) }, PNNG_OK);

    // A message that comes after the slice is reported through the queue as usual.
    set_ms(a, "recv-timeout", -1);
    assert_eq!(unsafe { pnng_socket_recv_aio(a, aio) }, PNNG_OK);
    assert_eq!(settled(-1, 20), PNNG_ETIMEDOUT);
    assert_eq!(send(b, b"late"), PNNG_OK);
    assert_eq!(unsafe { pnng_cq_wait(cq, 5000) }, PNNG_OK);
    pop(b"late");

    // Closing the socket ends a wait without a limit.
    assert_eq!(unsafe { pnng_socket_recv_aio(a, aio) }, PNNG_OK);
    let waiter = {
        let p = Ptr(aio);
        std::thread::spawn(move || {
            let p = p;
            let t = std::time::Instant::now();
            let rv = unsafe { pnng_aio_wait_pipe(p.0, -1, -1) };
            if rv == PNNG_ENOTSUP {
                unsafe { pnng_aio_wait(p.0) }; // the connection closed first
            } else {
                assert_eq!(rv, PNNG_OK);
            }
            t.elapsed()
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(50));
    close(a);
    assert!(waiter.join().unwrap() < std::time::Duration::from_secs(5));
    assert_eq!(unsafe { pnng_aio_result(aio) }, PNNG_ECLOSED);

    // An inproc receive has no connection to read: at once, still running.
    let (x, y) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    assert_eq!(unsafe { pnng_cq_wait(cq, 5000) }, PNNG_OK);
    assert_eq!(unsafe { pnng_cq_pop(cq, &mut got, &mut ud) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_recv_aio(x, aio) }, PNNG_OK);
    let rv = std::thread::spawn({
        let p = Ptr(aio);
        move || {
            let p = p;
            unsafe { pnng_aio_wait_pipe(p.0, -1, 10_000) }
        }
    })
    .join()
    .unwrap();
    assert_eq!(rv, PNNG_ENOTSUP);
    assert!(unsafe { pnng_aio_busy(aio) });
    assert_eq!(send(y, b"in"), PNNG_OK);
    assert_eq!(unsafe { pnng_cq_wait(cq, 5000) }, PNNG_OK);
    pop(b"in");
    unsafe {
        pnng_aio_free(aio);
        pnng_cq_free(cq);
    }
    close(b);
    close(x);
    close(y);
}
