//! Pipes, messages, contexts, dialers and listeners, pipe events, raw sockets and devices.
mod common;
use common::*;
use std::sync::Mutex;

/// The socket's pipes. A pipe may connect between sizing the list and filling it: then the
/// call says EMSGSIZE with the new count, and the header's advice is to call again.
fn pipes(s: pnng_socket) -> Vec<pnng_pipe> {
    let mut v: Vec<pnng_pipe> = Vec::new();
    loop {
        let mut n = 0usize;
        let rv = unsafe { pnng_socket_pipes(s, v.as_mut_ptr(), v.len(), &mut n) };
        match rv {
            PNNG_OK => {
                v.truncate(n);
                return v;
            }
            PNNG_EMSGSIZE => v = vec![pnng_pipe { id: 0 }; n],
            other => panic!("pnng_socket_pipes: {other}"),
        }
    }
}

#[test]
fn message_editing_and_ownership() {
    let m = msg(b"middle");
    unsafe {
        assert_eq!(pnng_msg_append(m, b"-end".as_ptr().cast(), 4), PNNG_OK);
        assert_eq!(pnng_msg_insert(m, b"start-".as_ptr().cast(), 6), PNNG_OK);
        assert_eq!(body(m), b"start-middle-end");
        assert_eq!(pnng_msg_trim(m, 6), PNNG_OK);
        assert_eq!(pnng_msg_chop(m, 4), PNNG_OK);
        assert_eq!(body(m), b"middle");
        assert_eq!(pnng_msg_chop(m, 100), PNNG_EINVAL);
        assert_eq!(pnng_msg_header_len(m), 0);
        assert_eq!(
            pnng_msg_header_append(m, b"\0\0\0\x01".as_ptr().cast(), 4),
            PNNG_OK
        );
        assert_eq!(pnng_msg_header_len(m), 4);
        let mut d = std::ptr::null_mut();
        assert_eq!(pnng_msg_dup(m, &mut d), PNNG_OK);
        assert_eq!(body(d), b"middle");
        assert_eq!(pnng_msg_header_len(d), 4);
        *pnng_msg_body_mut(d) = b'M';
        assert_eq!(body(d), b"Middle");
        assert_eq!(body(m), b"middle", "dup is a copy");
        assert_eq!(pnng_msg_clear(d), PNNG_OK);
        assert_eq!(pnng_msg_len(d), 0);
        assert_eq!(pnng_msg_header_clear(m), PNNG_OK);
        let mut p = pnng_pipe { id: 0 };
        assert_eq!(pnng_msg_pipe(m, &mut p), PNNG_ENOENT);
        pnng_msg_free(d);
        pnng_msg_free(m);
        pnng_msg_free(std::ptr::null_mut());
        assert_eq!(pnng_msg_len(std::ptr::null()), 0);
        assert!(pnng_msg_body(std::ptr::null()).is_null());
        assert_eq!(
            pnng_msg_append(std::ptr::null_mut(), b"x".as_ptr().cast(), 1),
            PNNG_EINVAL
        );
        let mut e = std::ptr::null_mut();
        assert_eq!(pnng_msg_new(std::ptr::null(), 0, &mut e), PNNG_OK);
        assert_eq!(pnng_msg_len(e), 0);
        pnng_msg_free(e);
        assert_eq!(pnng_msg_new(std::ptr::null(), 5, &mut e), PNNG_EINVAL);
    }
}

/// Over inproc a message travels as itself: the protocol's header is put in front of the
/// body in place and taken off again by the receiver. NNG leaves no room in front of bodies
/// whose size is a power of two from 1 KiB up, so pnng makes that room when it builds a
/// message; without it, each such send copied the whole body.
#[test]
fn inproc_carries_a_message_of_any_size_without_copying_it() {
    let (a, b) = pair(pnng_pair1_open, pnng_pair1_open, "inproc://no-copy");
    for size in [0, 1, 1000, 1023, 1024, 1025, 4096, 65536, 1 << 20] {
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let m = msg(&data);
        let sent_body = unsafe { pnng_msg_body(m) };
        assert_eq!(unsafe { pnng_socket_send_msg(a, m, 0) }, PNNG_OK);
        let mut r = std::ptr::null_mut();
        assert_eq!(unsafe { pnng_socket_recv_msg(b, 0, &mut r) }, PNNG_OK);
        assert_eq!(body(r), data, "{size} bytes");
        if size > 0 {
            assert_eq!(
                unsafe { pnng_msg_body(r) },
                sent_body,
                "{size} bytes copied"
            );
        }
        unsafe { pnng_msg_free(r) };
    }
    close(a);
    close(b);
}

#[test]
fn pair1_polyamorous_replies_through_each_pipe() {
    let server = open(pnng_pair1_open_poly);
    set_ms(server, "recv-timeout", 5000);
    let (_, url) = listen_url(server, &addr("tcp"));
    let clients: Vec<_> = (0..3)
        .map(|_| {
            let c = open(pnng_pair1_open);
            set_ms(c, "recv-timeout", 5000);
            dial(c, &url);
            c
        })
        .collect();
    assert!(eventually(|| pipes(server).len() == 3));
    for (i, &c) in clients.iter().enumerate() {
        assert_eq!(send(c, format!("hello from {i}").as_bytes()), PNNG_OK);
    }
    for _ in 0..3 {
        let mut m = std::ptr::null_mut();
        assert_eq!(unsafe { pnng_socket_recv_msg(server, 0, &mut m) }, PNNG_OK);
        let mut p = pnng_pipe { id: 0 };
        assert_eq!(unsafe { pnng_msg_pipe(m, &mut p) }, PNNG_OK);
        let text = String::from_utf8(take(m)).unwrap();
        let reply = format!("reply to {text}");
        assert_eq!(
            unsafe { pnng_pipe_send(p, reply.as_ptr().cast(), reply.len(), 0) },
            PNNG_OK
        );
        let mut owner = pnng_socket { id: 0 };
        assert_eq!(unsafe { pnng_pipe_socket(p, &mut owner) }, PNNG_OK);
        assert_eq!(owner, server);
        let mut l = pnng_listener { id: 0 };
        assert_eq!(unsafe { pnng_pipe_listener(p, &mut l) }, PNNG_OK);
        assert_eq!(
            unsafe { pnng_pipe_dialer(p, &mut pnng_dialer { id: 0 }) },
            PNNG_ENOENT
        );
    }
    for (i, &c) in clients.iter().enumerate() {
        assert_eq!(
            recv(c).unwrap(),
            format!("reply to hello from {i}").as_bytes()
        );
        close(c);
    }
    close(server);
}

#[test]
fn closing_a_pipe_and_stale_pipes() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    assert!(eventually(|| pipes(a).len() == 1));
    let p = pipes(a)[0];
    assert_eq!(unsafe { pnng_pipe_close(p) }, PNNG_OK);
    // At once, before NNG reaps the pipe: a send to it is refused, not silently dropped.
    assert_eq!(
        unsafe { pnng_pipe_send(p, b"x".as_ptr().cast(), 1, 0) },
        PNNG_ENOENT
    );
    assert!(eventually(|| pipes(a).is_empty()));
    assert_eq!(
        unsafe { pnng_pipe_send(p, b"x".as_ptr().cast(), 1, 0) },
        PNNG_ENOENT
    );
    let m = msg(b"mine");
    assert_ne!(unsafe { pnng_pipe_send_msg(p, m, 0) }, PNNG_OK);
    assert_eq!(body(m), b"mine", "kept after a failed pipe send");
    unsafe { pnng_msg_free(m) };
    close(a);
    close(b);
}

static EVENTS: Mutex<Vec<(u32, c_int, usize)>> = Mutex::new(Vec::new());

unsafe extern "C" fn record(p: pnng_pipe, ev: c_int, ud: *mut c_void) {
    EVENTS.lock().unwrap().push((p.id, ev, ud as usize));
}

/// What a send to a pipe just rejected in ADD_PRE returned, per rejection.
static SENDS_AFTER_REJECT: Mutex<Vec<pnng_result>> = Mutex::new(Vec::new());

unsafe extern "C" fn reject(p: pnng_pipe, _ev: c_int, _ud: *mut c_void) {
    unsafe { pnng_pipe_close(p) };
    // The rejected pipe takes no message: the send fails instead of losing it.
    let rv = unsafe { pnng_pipe_send(p, b"x".as_ptr().cast(), 1, PNNG_FLAG_NONBLOCK) };
    SENDS_AFTER_REJECT.lock().unwrap().push(rv);
}

#[test]
fn pipe_events_in_order_several_callbacks_and_rejection() {
    let url = addr("inproc");
    let a = open(pnng_pair0_open);
    for ev in [
        PNNG_PIPE_EV_ADD_PRE,
        PNNG_PIPE_EV_ADD_POST,
        PNNG_PIPE_EV_REM_POST,
    ] {
        assert_eq!(
            unsafe {
                pnng_socket_pipe_notify(a, ev, Some(record), std::ptr::without_provenance_mut(1))
            },
            PNNG_OK
        );
        assert_eq!(
            unsafe { pnng_socket_pipe_notify(a, ev, Some(record), 2 as *mut c_void) },
            PNNG_OK
        );
    }
    assert_eq!(
        unsafe { pnng_socket_pipe_notify(a, 7, Some(record), std::ptr::null_mut()) },
        PNNG_EINVAL
    );
    listen(a, &url);
    let b = open(pnng_pair0_open);
    dial(b, &url);
    assert!(eventually(|| EVENTS.lock().unwrap().len() == 4));
    close(b);
    assert!(eventually(|| EVENTS.lock().unwrap().len() == 6));
    let ev = EVENTS.lock().unwrap().clone();
    let kinds: Vec<_> = ev.iter().map(|e| (e.1, e.2)).collect();
    assert_eq!(kinds, [(0, 1), (0, 2), (1, 1), (1, 2), (2, 1), (2, 2)]);
    assert!(ev.iter().all(|e| e.0 == ev[0].0), "one pipe");
    // Remove one registration, then all; reject new pipes from ADD_PRE.
    assert_eq!(
        unsafe {
            pnng_socket_pipe_notify_remove(a, PNNG_PIPE_EV_ADD_PRE, Some(record), 2 as *mut c_void)
        },
        PNNG_OK
    );
    assert_eq!(
        unsafe {
            pnng_socket_pipe_notify_remove(a, PNNG_PIPE_EV_ADD_PRE, Some(record), 2 as *mut c_void)
        },
        PNNG_ENOENT
    );
    for e in [
        PNNG_PIPE_EV_ADD_PRE,
        PNNG_PIPE_EV_ADD_POST,
        PNNG_PIPE_EV_REM_POST,
    ] {
        assert_eq!(
            unsafe { pnng_socket_pipe_notify(a, e, None, std::ptr::null_mut()) },
            PNNG_OK
        );
    }
    assert_eq!(
        unsafe {
            pnng_socket_pipe_notify(a, PNNG_PIPE_EV_ADD_PRE, Some(reject), std::ptr::null_mut())
        },
        PNNG_OK
    );
    EVENTS.lock().unwrap().clear();
    let c2 = open(pnng_pair0_open);
    set_ms(c2, "recv-timeout", 100);
    let u = c(&url);
    let _ = unsafe { pnng_socket_dial(c2, u.as_ptr(), PNNG_FLAG_NONBLOCK, std::ptr::null_mut()) };
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(pipes(a).is_empty(), "rejected pipes never join");
    assert!(
        EVENTS.lock().unwrap().is_empty(),
        "removed callbacks stay silent"
    );
    let sends = SENDS_AFTER_REJECT.lock().unwrap().clone();
    assert!(!sends.is_empty(), "a connection was offered and rejected");
    assert!(
        sends.iter().all(|&rv| rv == PNNG_ENOENT),
        "a send to a rejected pipe is refused: {sends:?}"
    );
    close(c2);
    close(a);
}

#[test]
fn pipe_events_through_a_completion_queue() {
    let url = addr("inproc");
    let a = open(pnng_pair0_open);
    let mut cq = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_cq_new(&mut cq) }, PNNG_OK);
    for ev in [PNNG_PIPE_EV_ADD_POST, PNNG_PIPE_EV_REM_POST] {
        assert_eq!(
            unsafe { pnng_socket_pipe_notify_cq(a, ev, cq, 42 as *mut c_void) },
            PNNG_OK
        );
    }
    listen(a, &url);
    let b = open(pnng_pair0_open);
    dial(b, &url);
    assert_eq!(unsafe { pnng_cq_wait(cq, 5000) }, PNNG_OK);
    let (mut p, mut ev, mut ud) = (pnng_pipe { id: 0 }, -1, std::ptr::null_mut());
    assert_eq!(
        unsafe { pnng_cq_pop_pipe_event(cq, &mut p, &mut ev, &mut ud) },
        PNNG_OK
    );
    assert_eq!((ev, ud as usize), (PNNG_PIPE_EV_ADD_POST, 42));
    assert!(p.id > 0);
    close(b);
    assert_eq!(unsafe { pnng_cq_wait(cq, 5000) }, PNNG_OK);
    assert_eq!(
        unsafe { pnng_cq_pop_pipe_event(cq, &mut p, &mut ev, &mut ud) },
        PNNG_OK
    );
    assert_eq!(ev, PNNG_PIPE_EV_REM_POST);
    assert_eq!(
        unsafe { pnng_cq_pop_pipe_event(cq, &mut p, &mut ev, &mut ud) },
        PNNG_EAGAIN
    );
    unsafe { pnng_cq_free(cq) }; // the socket still holds it
    close(a);
}

#[test]
fn contexts_serve_concurrent_requests() {
    let url = addr("inproc");
    let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &url);
    let mut rc = [pnng_ctx { id: 0 }; 2];
    let mut qc = [pnng_ctx { id: 0 }; 2];
    for i in 0..2 {
        assert_eq!(unsafe { pnng_socket_new_context(rep, &mut rc[i]) }, PNNG_OK);
        assert_eq!(unsafe { pnng_socket_new_context(req, &mut qc[i]) }, PNNG_OK);
    }
    for (i, q) in qc.iter().enumerate() {
        let data = format!("q{i}");
        assert_eq!(
            unsafe { pnng_ctx_send(*q, data.as_ptr().cast(), data.len(), 0) },
            PNNG_OK
        );
    }
    for r in rc {
        let mut m = std::ptr::null_mut();
        assert_eq!(unsafe { pnng_ctx_recv_msg(r, 0, &mut m) }, PNNG_OK);
        let mut reply = take(m);
        reply.insert(0, b'a');
        let rm = msg(&reply);
        assert_eq!(unsafe { pnng_ctx_send_msg(r, rm, 0) }, PNNG_OK);
    }
    for (i, q) in qc.iter().enumerate() {
        let mut m = std::ptr::null_mut();
        assert_eq!(unsafe { pnng_ctx_recv_msg(*q, 0, &mut m) }, PNNG_OK);
        assert_eq!(take(m), format!("aq{i}").as_bytes());
        assert_eq!(unsafe { pnng_ctx_close(*q) }, PNNG_OK);
        assert_eq!(unsafe { pnng_ctx_close(*q) }, PNNG_ECLOSED);
    }
    let p = open(pnng_pair0_open);
    assert_eq!(
        unsafe { pnng_socket_new_context(p, &mut qc[0]) },
        PNNG_ENOTSUP
    );
    assert_eq!(
        unsafe { pnng_socket_new_context(p, std::ptr::null_mut()) },
        PNNG_EINVAL
    );
    // Sub contexts subscribe on their own.
    let s = open(pnng_sub0_open);
    let mut sc = pnng_ctx { id: 0 };
    assert_eq!(unsafe { pnng_socket_new_context(s, &mut sc) }, PNNG_OK);
    assert_eq!(
        unsafe { pnng_sub0_ctx_subscribe(sc, b"x".as_ptr().cast(), 1) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_sub0_ctx_unsubscribe(sc, b"x".as_ptr().cast(), 1) },
        PNNG_OK
    );
    for x in [rep, req, p, s] {
        close(x);
    }
}

#[test]
fn dialer_and_listener_create_set_start_close() {
    let url = addr("ipc");
    let s = open(pnng_pair0_open);
    set_ms(s, "recv-timeout", 5000);
    let u = c(&url);
    let mut l = pnng_listener { id: 0 };
    assert_eq!(
        unsafe { pnng_listener_create(s, u.as_ptr(), &mut l) },
        PNNG_OK
    );
    let perm = c("ipc:permissions");
    assert_eq!(
        unsafe { pnng_listener_set_int(l, perm.as_ptr(), 0o600) },
        PNNG_OK,
        "settable before start"
    );
    assert_eq!(unsafe { pnng_listener_start(l, 0) }, PNNG_OK);
    assert_eq!(unsafe { pnng_listener_start(l, 0) }, PNNG_ESTATE);
    assert_eq!(
        unsafe { pnng_listener_set_int(l, perm.as_ptr(), 0o644) },
        PNNG_EBUSY,
        "not after start"
    );
    let mode = std::fs::metadata(url.trim_start_matches("ipc://")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(mode.permissions().mode() & 0o777, 0o600);
    let t = open(pnng_pair0_open);
    let mut d = pnng_dialer { id: 0 };
    assert_eq!(
        unsafe { pnng_dialer_create(t, u.as_ptr(), &mut d) },
        PNNG_OK
    );
    let rmin = c("reconnect-time-min");
    assert_eq!(unsafe { pnng_dialer_set_ms(d, rmin.as_ptr(), 20) }, PNNG_OK);
    assert_eq!(unsafe { pnng_dialer_start(d, 0) }, PNNG_OK);
    assert_eq!(send(t, b"via created dialer"), PNNG_OK);
    assert_eq!(recv(s).unwrap(), b"via created dialer");
    let mut n = 0usize;
    let mut ds = [pnng_dialer { id: 0 }; 2];
    assert_eq!(
        unsafe { pnng_socket_dialers(t, ds.as_mut_ptr(), 2, &mut n) },
        PNNG_OK
    );
    assert_eq!((n, ds[0]), (1, d));
    assert_eq!(unsafe { pnng_dialer_close(d) }, PNNG_OK);
    assert_ne!(
        unsafe { pnng_dialer_close(d) },
        PNNG_OK,
        "second close is an error, nothing else"
    );
    assert_eq!(
        unsafe { pnng_socket_dialers(t, ds.as_mut_ptr(), 2, &mut n) },
        PNNG_OK
    );
    assert_eq!(n, 0);
    assert_eq!(unsafe { pnng_listener_close(l) }, PNNG_OK);
    assert_ne!(unsafe { pnng_listener_close(l) }, PNNG_OK);
    assert_eq!(
        unsafe { pnng_dialer_create(t, std::ptr::null(), &mut d) },
        PNNG_EINVAL
    );
    assert_eq!(unsafe { pnng_dialer_start(d, 0x100) }, PNNG_EINVAL);
    close(s);
    close(t);
}

#[test]
fn device_forwards_between_raw_sockets() {
    let (front_url, back_url) = (addr("inproc"), addr("inproc"));
    let front = open(pnng_rep0_open_raw);
    let back = open(pnng_req0_open_raw);
    listen(front, &front_url);
    listen(back, &back_url);
    assert_eq!(unsafe { pnng_device_start(front, back) }, PNNG_OK);
    let server = open(pnng_rep0_open);
    set_ms(server, "recv-timeout", 5000);
    dial(server, &back_url);
    let client = open(pnng_req0_open);
    set_ms(client, "recv-timeout", 5000);
    dial(client, &front_url);
    for i in 0..3 {
        let q = format!("req {i}");
        assert_eq!(send(client, q.as_bytes()), PNNG_OK);
        assert_eq!(recv(server).unwrap(), q.as_bytes());
        assert_eq!(send(server, b"rep"), PNNG_OK);
        assert_eq!(recv(client).unwrap(), b"rep");
    }
    let cooked = open(pnng_pair0_open);
    assert_eq!(unsafe { pnng_device_start(cooked, back) }, PNNG_EINVAL);
    assert_eq!(unsafe { pnng_device(cooked, cooked) }, PNNG_EINVAL);
    for x in [client, server, front, back, cooked] {
        close(x);
    }
}

#[test]
fn blocking_device_returns_when_a_socket_closes() {
    let a = open(pnng_pair1_open_raw);
    let b = open(pnng_pair1_open_raw);
    let t = std::thread::spawn(move || unsafe { pnng_device(a, b) });
    std::thread::sleep(std::time::Duration::from_millis(100));
    close(a);
    assert_eq!(t.join().unwrap(), PNNG_ECLOSED);
    close(b);
}

#[test]
fn statistics_count_messages_and_pipes() {
    // NNG 1.11 counts socket-level messages in the pair1 protocol (others count per pipe).
    let (a, b) = pair(pnng_pair1_open, pnng_pair1_open, &addr("inproc"));
    for _ in 0..3 {
        assert_eq!(send(b, b"12345"), PNNG_OK);
        assert!(recv(a).is_ok());
    }
    let mut st = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_socket_stats(a, &mut st) }, PNNG_OK);
    let n = unsafe { pnng_stats_count(st) };
    assert!(n > 3);
    let mut names = vec![];
    for i in 0..n {
        let name = unsafe { CStr::from_ptr(pnng_stats_name(st, i)) }
            .to_str()
            .unwrap()
            .to_owned();
        assert!(unsafe { pnng_stats_kind(st, i) } > 0);
        names.push((name, unsafe { pnng_stats_value(st, i) }));
    }

    let mut v = 0u64;
    assert_eq!(
        unsafe { pnng_stats_find(st, c("rx_msgs").as_ptr(), &mut v) },
        PNNG_OK,
        "{names:?}"
    );
    assert_eq!(v, 3);
    assert_eq!(
        unsafe { pnng_stats_find(st, c("rx_bytes").as_ptr(), &mut v) },
        PNNG_OK
    );
    assert_eq!(
        v,
        3 * (5 + 4),
        "pair1 counts its 4-byte hop-count header too"
    );
    assert_eq!(
        unsafe { pnng_stats_find(st, c("pipes").as_ptr(), &mut v) },
        PNNG_OK
    );
    assert_eq!(v, 1);
    assert_eq!(
        unsafe { pnng_stats_find(st, c("no such stat").as_ptr(), &mut v) },
        PNNG_ENOENT
    );
    assert!(unsafe { pnng_stats_name(st, n) }.is_null(), "out of range");
    unsafe { pnng_stats_free(st) };
    let mut l = [pnng_listener { id: 0 }];
    let mut cnt = 0usize;
    assert_eq!(
        unsafe { pnng_socket_listeners(a, l.as_mut_ptr(), 1, &mut cnt) },
        PNNG_OK
    );
    assert_eq!(unsafe { pnng_listener_stats(l[0], &mut st) }, PNNG_OK);
    assert!(unsafe { pnng_stats_count(st) } > 0);
    unsafe { pnng_stats_free(st) };
    close(a);
    close(b);
    assert_eq!(unsafe { pnng_socket_stats(a, &mut st) }, PNNG_ECLOSED);
    assert_eq!(
        unsafe { pnng_socket_stats(a, std::ptr::null_mut()) },
        PNNG_EINVAL
    );
    unsafe { pnng_stats_free(std::ptr::null_mut()) };
}

#[test]
fn context_recv_into_buffer_keeps_oversize_messages() {
    let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &addr("inproc"));
    let (mut rc, mut qc) = (pnng_ctx { id: 0 }, pnng_ctx { id: 0 });
    assert_eq!(unsafe { pnng_socket_new_context(rep, &mut rc) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_new_context(req, &mut qc) }, PNNG_OK);
    assert_eq!(
        unsafe { pnng_ctx_send(qc, b"0123456789".as_ptr().cast(), 10, 0) },
        PNNG_OK
    );
    let mut buf = [0u8; 4];
    let mut n = 0usize;
    assert_eq!(
        unsafe { pnng_ctx_recv(rc, buf.as_mut_ptr().cast(), 4, 0, &mut n) },
        PNNG_EMSGSIZE
    );
    assert_eq!(n, 10);
    let mut big = [0u8; 32];
    assert_eq!(
        unsafe { pnng_ctx_recv(rc, big.as_mut_ptr().cast(), 32, 0, &mut n) },
        PNNG_OK
    );
    assert_eq!(&big[..n], b"0123456789");
    assert_eq!(
        unsafe { pnng_ctx_recv(rc, big.as_mut_ptr().cast(), 32, 0, std::ptr::null_mut()) },
        PNNG_EINVAL
    );
    // A held-back message goes with its context's close, and with its socket's: a receive on
    // the closed context is ECLOSED, not the message.
    let mut held = |c: pnng_ctx| {
        let mut q = pnng_ctx { id: 0 };
        assert_eq!(unsafe { pnng_socket_new_context(req, &mut q) }, PNNG_OK);
        assert_eq!(
            unsafe { pnng_ctx_send(q, b"0123456789".as_ptr().cast(), 10, 0) },
            PNNG_OK
        );
        let mut n = 0usize;
        assert_eq!(
            unsafe { pnng_ctx_recv(c, buf.as_mut_ptr().cast(), 4, 0, &mut n) },
            PNNG_EMSGSIZE
        );
    };
    held(rc);
    assert_eq!(unsafe { pnng_ctx_close(rc) }, PNNG_OK);
    assert_eq!(
        unsafe { pnng_ctx_recv(rc, big.as_mut_ptr().cast(), 32, 0, &mut n) },
        PNNG_ECLOSED
    );
    let mut rc2 = pnng_ctx { id: 0 };
    assert_eq!(unsafe { pnng_socket_new_context(rep, &mut rc2) }, PNNG_OK);
    held(rc2);
    close(rep);
    assert_eq!(
        unsafe { pnng_ctx_recv(rc2, big.as_mut_ptr().cast(), 32, 0, &mut n) },
        PNNG_ECLOSED
    );
    close(req);
}

#[test]
fn n_contexts_hold_n_requests_at_once() {
    // Concurrency shown structurally, not by timing: all N requests are inside the rep socket's
    // N contexts at the same moment, before any reply is sent.
    const N: usize = 8;
    let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &addr("inproc"));
    let ctxs = |s: pnng_socket| -> Vec<pnng_ctx> {
        (0..N)
            .map(|_| {
                let mut c = pnng_ctx { id: 0 };
                assert_eq!(unsafe { pnng_socket_new_context(s, &mut c) }, PNNG_OK);
                c
            })
            .collect()
    };
    let (rcs, qcs) = (ctxs(rep), ctxs(req));
    // Every rep context waits for a request first (a synchronous request would otherwise wait for
    // the previous one to be taken, over inproc).
    let aios: Vec<*mut pnng_aio> = rcs
        .iter()
        .map(|r| {
            let mut a = std::ptr::null_mut();
            assert_eq!(
                unsafe { pnng_aio_new(None, std::ptr::null_mut(), &mut a) },
                PNNG_OK
            );
            assert_eq!(unsafe { pnng_ctx_recv_aio(*r, a) }, PNNG_OK);
            a
        })
        .collect();
    for (i, q) in qcs.iter().enumerate() {
        assert_eq!(
            unsafe { pnng_ctx_send(*q, [i as u8].as_ptr().cast(), 1, 0) },
            PNNG_OK
        );
    }
    let held: Vec<*mut pnng_msg> = aios
        .iter()
        .map(|&a| {
            unsafe { pnng_aio_wait(a) };
            let mut m = std::ptr::null_mut();
            assert_eq!(unsafe { pnng_aio_take_msg(a, &mut m) }, PNNG_OK);
            unsafe { pnng_aio_free(a) };
            m
        })
        .collect();
    let mut got: Vec<u8> = held.iter().map(|&m| body(m)[0]).collect();
    got.sort();
    assert_eq!(
        got,
        (0..N as u8).collect::<Vec<_>>(),
        "N requests outstanding together"
    );
    for (r, m) in rcs.iter().zip(held) {
        assert_eq!(unsafe { pnng_ctx_send_msg(*r, m, 0) }, PNNG_OK);
    }
    for (i, q) in qcs.iter().enumerate() {
        let mut m = std::ptr::null_mut();
        assert_eq!(unsafe { pnng_ctx_recv_msg(*q, 0, &mut m) }, PNNG_OK);
        assert_eq!(take(m), [i as u8], "each reply reaches its own context");
    }
    close(rep);
    close(req);
}

unsafe extern "C" fn slow_callback(_p: pnng_pipe, _ev: c_int, _ud: *mut c_void) {
    std::thread::sleep(std::time::Duration::from_millis(50));
}

#[test]
fn closing_a_socket_while_callbacks_run_neither_deadlocks_nor_crashes() {
    for _ in 0..5 {
        let url = addr("inproc");
        let a = open(pnng_pair0_open);
        for ev in [
            PNNG_PIPE_EV_ADD_PRE,
            PNNG_PIPE_EV_ADD_POST,
            PNNG_PIPE_EV_REM_POST,
        ] {
            assert_eq!(
                unsafe {
                    pnng_socket_pipe_notify(a, ev, Some(slow_callback), std::ptr::null_mut())
                },
                PNNG_OK
            );
        }
        listen(a, &url);
        let b = open(pnng_pair0_open);
        let u = c(&url);
        assert_eq!(
            unsafe { pnng_socket_dial(b, u.as_ptr(), PNNG_FLAG_NONBLOCK, std::ptr::null_mut()) },
            PNNG_OK
        );
        std::thread::sleep(std::time::Duration::from_millis(20)); // a callback is running now
        let closer = std::thread::spawn(move || unsafe { pnng_socket_close(a) });
        assert_eq!(closer.join().unwrap(), PNNG_OK);
        close(b);
    }
}

#[test]
fn pipes_belong_to_their_own_socket() {
    // pnng_pipe_send always goes through the pipe's own socket, whichever socket the caller has.
    let (a, b) = pair(pnng_pair1_open_poly, pnng_pair1_open, &addr("inproc"));
    let (x, y) = pair(pnng_pair1_open_poly, pnng_pair1_open, &addr("inproc"));
    assert!(eventually(|| pipes(a).len() == 1 && pipes(x).len() == 1));
    let pa = pipes(a)[0];
    let mut owner = pnng_socket { id: 0 };
    assert_eq!(unsafe { pnng_pipe_socket(pa, &mut owner) }, PNNG_OK);
    assert_eq!(owner, a);
    assert_eq!(
        unsafe { pnng_pipe_send(pa, b"to b".as_ptr().cast(), 4, 0) },
        PNNG_OK
    );
    assert_eq!(recv(b).unwrap(), b"to b");
    set_ms(y, "recv-timeout", 100);
    assert_eq!(
        recv(y),
        Err(PNNG_ETIMEDOUT),
        "nothing leaked to the other socket's peer"
    );
    // After a disconnect the pipe id is stale.
    close(b);
    assert!(eventually(|| pipes(a).is_empty()));
    assert_eq!(unsafe { pnng_pipe_socket(pa, &mut owner) }, PNNG_ENOENT);
    assert_eq!(
        unsafe { pnng_pipe_send(pa, b"x".as_ptr().cast(), 1, 0) },
        PNNG_ENOENT
    );
    let mut sa = pnng_sockaddr::default();
    assert_ne!(
        unsafe { pnng_pipe_get_addr(pa, c("remote-address").as_ptr(), &mut sa) },
        PNNG_OK
    );
    for s in [a, x, y] {
        close(s);
    }
}

/// What an ADD_PRE callback saw: (socket id, pipe id, was the pipe already listed).
static SEEN_IN_PRE: Mutex<Vec<(u32, u32, bool)>> = Mutex::new(Vec::new());

unsafe extern "C" fn note_listing_then_reject(p: pnng_pipe, _ev: c_int, ud: *mut c_void) {
    let s = pnng_socket {
        id: ud as usize as u32,
    };
    let listed = pipes(s).iter().any(|q| q.id == p.id);
    SEEN_IN_PRE.lock().unwrap().push((s.id, p.id, listed));
    unsafe { pnng_pipe_close(p) };
}

/// A pipe is listed only after its pre-connect callbacks accepted it: not while they run, and
/// never when one of them rejected it (polled continuously, so a brief listing shows up).
#[test]
fn pipes_are_listed_only_once_pre_connect_accepted_them() {
    let a = open(pnng_pair0_open);
    let ud = a.id as usize as *mut c_void;
    assert_eq!(
        unsafe {
            pnng_socket_pipe_notify(a, PNNG_PIPE_EV_ADD_PRE, Some(note_listing_then_reject), ud)
        },
        PNNG_OK
    );
    let (_, url) = listen_url(a, &addr("tcp"));
    let b = open(pnng_pair0_open);
    let u = c(&url);
    assert_eq!(
        unsafe { pnng_socket_dial(b, u.as_ptr(), PNNG_FLAG_NONBLOCK, std::ptr::null_mut()) },
        PNNG_OK
    );
    let mut ever_listed = false;
    let seen =
        |s: &Mutex<Vec<(u32, u32, bool)>>| s.lock().unwrap().iter().filter(|e| e.0 == a.id).count();
    let t = std::time::Instant::now();
    while seen(&SEEN_IN_PRE) < 3 && t.elapsed() < std::time::Duration::from_secs(10) {
        ever_listed |= !pipes(a).is_empty();
    }
    close(b);
    close(a);
    let mine: Vec<_> = SEEN_IN_PRE
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.0 == a.id)
        .cloned()
        .collect();
    assert!(
        mine.len() >= 3,
        "the dialer retried after each rejection: {mine:?}"
    );
    assert!(
        mine.iter().all(|e| !e.2),
        "listed while its ADD_PRE callback ran: {mine:?}"
    );
    assert!(!ever_listed, "a rejected pipe was listed");
}

static SEEN_IN_POST: Mutex<Vec<(u32, bool)>> = Mutex::new(Vec::new());

unsafe extern "C" fn note_listing_in_post(p: pnng_pipe, _ev: c_int, ud: *mut c_void) {
    let s = pnng_socket {
        id: ud as usize as u32,
    };
    let listed = pipes(s).iter().any(|q| q.id == p.id);
    SEEN_IN_POST.lock().unwrap().push((s.id, listed));
}

/// A listed pipe is one the protocol has started: a pub message sent the moment its peers are
/// listed (polled without a pause) reaches every one of them, on every transport. Post-connect
/// callbacks see their pipe listed.
#[test]
fn a_pub_send_reaches_every_listed_peer() {
    const SUBS: usize = 4;
    for round in 0..24 {
        let transport = ["inproc", "ipc", "tcp"][round % 3];
        let publisher = open(pnng_pub0_open);
        let ud = publisher.id as usize as *mut c_void;
        assert_eq!(
            unsafe {
                pnng_socket_pipe_notify(
                    publisher,
                    PNNG_PIPE_EV_ADD_POST,
                    Some(note_listing_in_post),
                    ud,
                )
            },
            PNNG_OK
        );
        let (_, url) = listen_url(publisher, &addr(transport));
        let u = c(&url);
        let subs: Vec<pnng_socket> = (0..SUBS)
            .map(|_| {
                let s = open(pnng_sub0_open);
                assert_eq!(
                    unsafe { pnng_sub0_subscribe(s, std::ptr::null(), 0) },
                    PNNG_OK
                );
                set_ms(s, "recv-timeout", 5000);
                let rv = unsafe {
                    pnng_socket_dial(s, u.as_ptr(), PNNG_FLAG_NONBLOCK, std::ptr::null_mut())
                };
                assert_eq!(rv, PNNG_OK);
                s
            })
            .collect();
        let t = std::time::Instant::now();
        while pipes(publisher).len() < SUBS {
            assert!(
                t.elapsed() < std::time::Duration::from_secs(10),
                "{transport}: no connections"
            );
        }
        let text = format!("round {round}");
        assert_eq!(send(publisher, text.as_bytes()), PNNG_OK);
        for (i, &s) in subs.iter().enumerate() {
            assert_eq!(
                recv(s),
                Ok(text.clone().into_bytes()),
                "{transport}: subscriber {i}"
            );
        }
        // Every post-connect callback has run before anything closes (a pipe closed first is
        // no longer listed when a late callback looks).
        let mine = || -> Vec<(u32, bool)> {
            let seen = SEEN_IN_POST.lock().unwrap();
            seen.iter()
                .filter(|e| e.0 == publisher.id)
                .cloned()
                .collect()
        };
        assert!(
            eventually(|| mine().len() == SUBS),
            "{transport}: post-connect events"
        );
        assert!(
            mine().iter().all(|e| e.1),
            "{transport}: not listed in ADD_POST: {:?}",
            mine()
        );
        for s in subs {
            close(s);
        }
        close(publisher);
        SEEN_IN_POST.lock().unwrap().clear();
    }
}

#[test]
fn dialer_start_again_after_a_failed_blocking_start_and_fallback() {
    let url = dial_first_addr("tcp");
    let u = c(&url);
    let s = open(pnng_pair0_open);
    set_ms(s, "recv-timeout", 5000);
    let mut d = pnng_dialer { id: 0 };
    assert_eq!(
        unsafe { pnng_dialer_create(s, u.as_ptr(), &mut d) },
        PNNG_OK
    );
    // Nobody listens: a blocking start fails, and the dialer can be started again (NNG clears
    // its started state on a failed blocking start), on every transport.
    assert_eq!(unsafe { pnng_dialer_start(d, 0) }, PNNG_ECONNREFUSED);
    assert_eq!(
        unsafe { pnng_dialer_start(d, 0) },
        PNNG_ECONNREFUSED,
        "not ESTATE"
    );
    for tr in ["ipc", "ws", "inproc"] {
        let other = c(&addr(tr));
        let mut od = pnng_dialer { id: 0 };
        assert_eq!(
            unsafe { pnng_dialer_create(s, other.as_ptr(), &mut od) },
            PNNG_OK
        );
        for _ in 0..2 {
            assert_eq!(
                unsafe { pnng_dialer_start(od, 0) },
                PNNG_ECONNREFUSED,
                "{tr}"
            );
        }
        assert_eq!(unsafe { pnng_dialer_close(od) }, PNNG_OK);
    }
    // Fallback: refused, so it goes on in the background and connects once a listener comes.
    assert_eq!(unsafe { pnng_dialer_start(d, PNNG_DIAL_FALLBACK) }, PNNG_OK);
    assert_eq!(
        unsafe { pnng_dialer_start(d, 0) },
        PNNG_ESTATE,
        "now started"
    );
    let l = open(pnng_pair0_open);
    set_ms(l, "recv-timeout", 5000);
    listen(l, &url);
    assert_eq!(send(s, b"late"), PNNG_OK);
    assert_eq!(recv(l).unwrap(), b"late");
    // With a peer there, fallback is a plain blocking start.
    let mut d2 = pnng_dialer { id: 0 };
    let t = open(pnng_pair1_open_poly);
    assert_eq!(
        unsafe { pnng_dialer_create(t, u.as_ptr(), &mut d2) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_dialer_start(d2, PNNG_DIAL_FALLBACK) },
        PNNG_OK
    );
    // Errors not worth retrying are returned, and the dialer stays startable.
    let bad = c("tcp://no-such-host.invalid:1");
    let mut d3 = pnng_dialer { id: 0 };
    assert_eq!(
        unsafe { pnng_dialer_create(t, bad.as_ptr(), &mut d3) },
        PNNG_OK
    );
    let rv = unsafe { pnng_dialer_start(d3, PNNG_DIAL_FALLBACK) };
    assert!(rv != PNNG_OK && rv != PNNG_ESTATE, "{}", strerror(rv));
    assert_eq!(unsafe { pnng_dialer_start(d3, PNNG_DIAL_FALLBACK) }, rv);
    // Fallback with NONBLOCK is a non-blocking start; listeners take no fallback flag.
    assert_eq!(
        unsafe { pnng_dialer_start(d3, PNNG_DIAL_FALLBACK | PNNG_FLAG_NONBLOCK) },
        PNNG_OK
    );
    let mut ln = pnng_listener { id: 0 };
    let url2 = c(&addr("tcp"));
    assert_eq!(
        unsafe { pnng_listener_create(t, url2.as_ptr(), &mut ln) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_listener_start(ln, PNNG_DIAL_FALLBACK) },
        PNNG_EINVAL
    );
    assert_eq!(unsafe { pnng_listener_start(ln, 0) }, PNNG_OK);
    close(s);
    close(t);
    close(l);
}

/// Closing a socket forgets its own contexts and only those: the closed socket's contexts
/// answer `PNNG_ECLOSED`, another socket's contexts (opened before and after) keep working,
/// and a context closed before its socket stays closed.
#[test]
fn socket_close_forgets_its_contexts_and_only_its_own() {
    let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &addr("inproc"));
    let (rep2, req2) = pair(pnng_rep0_open, pnng_req0_open, &addr("inproc"));
    let new_ctx = |s| {
        let mut c = pnng_ctx { id: 0 };
        assert_eq!(unsafe { pnng_socket_new_context(s, &mut c) }, PNNG_OK);
        c
    };
    let mine: Vec<pnng_ctx> = (0..5).map(|_| new_ctx(req)).collect();
    let other_before = new_ctx(req2);
    assert_eq!(unsafe { pnng_ctx_close(mine[0]) }, PNNG_OK);
    close(req);
    let other_after = new_ctx(req2);
    for c in &mine {
        assert_eq!(unsafe { pnng_ctx_close(*c) }, PNNG_ECLOSED);
        assert_eq!(
            unsafe { pnng_ctx_send(*c, b"x".as_ptr().cast(), 1, 0) },
            PNNG_ECLOSED
        );
    }
    for c in [other_before, other_after] {
        assert_eq!(
            unsafe { pnng_ctx_send(c, b"ping".as_ptr().cast(), 4, 0) },
            PNNG_OK
        );
        assert_eq!(recv(rep2).unwrap(), b"ping");
        assert_eq!(send(rep2, b"pong"), PNNG_OK);
        let mut buf = [0u8; 8];
        let mut n = 0usize;
        assert_eq!(
            unsafe { pnng_ctx_recv(c, buf.as_mut_ptr().cast(), 8, 0, &mut n) },
            PNNG_OK
        );
        assert_eq!(&buf[..n], b"pong");
        assert_eq!(unsafe { pnng_ctx_close(c) }, PNNG_OK);
    }
    close(rep);
    close(rep2);
    close(req2);
}

/// Contexts opened while their socket closes: each open succeeds or answers `PNNG_ECLOSED`,
/// and once the close has returned every context it succeeded for is closed with it.
#[test]
fn contexts_opened_during_their_socket_close_do_not_outlive_it() {
    for round in 0..200u64 {
        let req = open(pnng_req0_open);
        let openers: Vec<_> = (0..2)
            .map(|_| {
                std::thread::spawn(move || {
                    let mut opened = Vec::new();
                    loop {
                        let mut c = pnng_ctx { id: 0 };
                        match unsafe { pnng_socket_new_context(req, &mut c) } {
                            PNNG_OK => opened.push(c),
                            rv => return (rv, opened),
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_micros(round % 8 * 50));
        close(req);
        for h in openers {
            let (rv, opened) = h.join().unwrap();
            assert_eq!(rv, PNNG_ECLOSED, "round {round}: open returned {rv}");
            for c in opened {
                assert_eq!(
                    unsafe { pnng_ctx_close(c) },
                    PNNG_ECLOSED,
                    "round {round}: a context outlived its socket"
                );
            }
        }
    }
}

/// Every path that makes a message body writes each byte once instead of clearing the buffer
/// first (NNG patch 0048): a new message from bytes, an append that grows it, a copy, inproc's
/// copy of a message req keeps for resending (its pull-up), pair1's hop count in front of
/// power-of-two bodies, and the tcp/ipc receive. Each must still hold exactly what was written (run under valgrind, the test
/// also shows that no byte nobody wrote reaches a system call).
#[test]
fn message_bodies_hold_what_was_written() {
    let sizes = [
        0usize,
        1,
        960,
        961,
        1023,
        1024,
        1025,
        4096,
        65_536,
        65_537,
        1 << 20,
        (1 << 21) + 3,
    ];
    let pattern = |n: usize, seed: u8| -> Vec<u8> {
        (0..n)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    };
    for n in sizes {
        let mut want = pattern(n, 7);
        let m = msg(&want);
        assert_eq!(body(m), want, "new {n}");
        let mut d = std::ptr::null_mut();
        assert_eq!(unsafe { pnng_msg_dup(m, &mut d) }, PNNG_OK);
        let tail = pattern(n / 2 + 100, 9);
        assert_eq!(
            unsafe { pnng_msg_append(m, tail.as_ptr().cast(), tail.len()) },
            PNNG_OK
        );
        let head = pattern(50, 11);
        assert_eq!(
            unsafe { pnng_msg_insert(m, head.as_ptr().cast(), head.len()) },
            PNNG_OK
        );
        assert_eq!(take(d), want, "copy of {n}");
        want.extend_from_slice(&tail);
        want.splice(0..0, head.iter().copied());
        assert_eq!(take(m), want, "grown {n}");
    }
    let big = |s: pnng_socket| {
        let o = std::ffi::CString::new("recv-size-max").unwrap();
        assert_eq!(
            unsafe { pnng_socket_set_size(s, o.as_ptr(), 4 << 20) },
            PNNG_OK
        );
    };
    for transport in ["inproc", "ipc", "tcp"] {
        // req keeps a reference to each request for resending, so inproc copies it.
        let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &addr(transport));
        let (rx, tx) = pair(pnng_pair1_open, pnng_pair1_open, &addr(transport));
        for s in [rep, req, rx, tx] {
            big(s);
        }
        // Each size three times with different bytes: freed large bodies are kept and reused
        // (patch 0049), and a reused one must hold the new bytes only.
        for (n, seed) in sizes.iter().flat_map(|&n| (0..3u8).map(move |k| (n, k))) {
            let want = pattern(n, (n as u8).wrapping_add(seed.wrapping_mul(101)));
            assert_eq!(send(req, &want), PNNG_OK);
            let mut m = std::ptr::null_mut();
            assert_eq!(unsafe { pnng_socket_recv_msg(rep, 0, &mut m) }, PNNG_OK);
            assert_eq!(body(m), want, "request of {n} over {transport}");
            assert_eq!(unsafe { pnng_socket_send_msg(rep, m, 0) }, PNNG_OK);
            assert_eq!(recv(req).unwrap(), want, "reply of {n} over {transport}");
            assert_eq!(send(tx, &want), PNNG_OK);
            assert_eq!(recv(rx).unwrap(), want, "pair1 {n} over {transport}");
        }
        for s in [rep, req, rx, tx] {
            close(s);
        }
    }
}

/// Messages of every size around the point where NNG stops keeping the body in the message's
/// own allocation (1 KiB with its head and tail room) grow past it at either end, shrink, copy
/// and travel intact: appends, inserts, trims, chops, headers, duplicates and an inproc trip.
#[test]
fn messages_grow_past_their_first_allocation_intact() {
    let (r, s) = pair(pnng_pair1_open, pnng_pair1_open, &addr("inproc"));
    for n in [
        0usize, 1, 8, 31, 32, 33, 64, 900, 959, 960, 961, 1000, 1024, 1025, 2000,
    ] {
        let mut want: Vec<u8> = (0..n).map(|i| i as u8).collect();
        let m = msg(&want);
        assert_eq!(body(m), want, "new {n}");
        let mut copies = Vec::new();
        for step in 0..12u8 {
            let add = vec![step; 97 + step as usize];
            if step % 2 == 0 {
                assert_eq!(
                    unsafe { pnng_msg_append(m, add.as_ptr().cast(), add.len()) },
                    PNNG_OK
                );
                want.extend_from_slice(&add);
            } else {
                assert_eq!(
                    unsafe { pnng_msg_insert(m, add.as_ptr().cast(), add.len()) },
                    PNNG_OK
                );
                want.splice(0..0, add.iter().copied());
            }
            assert_eq!(body(m), want, "size {n}, step {step}");
            let mut d = std::ptr::null_mut();
            assert_eq!(unsafe { pnng_msg_dup(m, &mut d) }, PNNG_OK);
            copies.push((d, want.clone()));
        }
        assert_eq!(unsafe { pnng_msg_trim(m, 50) }, PNNG_OK);
        assert_eq!(unsafe { pnng_msg_chop(m, 50) }, PNNG_OK);
        want.drain(..50);
        want.truncate(want.len() - 50);
        assert_eq!(body(m), want, "size {n}, trimmed");
        assert_eq!(
            unsafe { pnng_msg_header_append(m, b"hdr!".as_ptr().cast(), 4) },
            PNNG_OK
        );
        assert_eq!(unsafe { pnng_msg_header_len(m) }, 4);
        for (d, w) in copies {
            assert_eq!(take(d), w, "size {n}, a copy");
        }
        unsafe { pnng_msg_header_clear(m) };
        assert_eq!(unsafe { pnng_socket_send_msg(s, m, 0) }, PNNG_OK);
        assert_eq!(recv(r).unwrap(), want, "size {n}, received");
    }
    close(s);
    close(r);
}

/// One thread serving both ends of tcp and ipc connections (as an event loop does): a send reads
/// its in-process peer's end itself (NNG patch 0050) once the poller has seen where its writes
/// land. Every message must arrive intact: round trips of every size (the large ones are not
/// held), pairings that go wrong while two connections interleave (they are forgotten), and a
/// peer socket closed right after a send that read its end.
#[test]
fn in_process_peers_read_by_the_sender() {
    let mut cq = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_cq_new(&mut cq) }, PNNG_OK);
    let mut fd = -1;
    assert_eq!(unsafe { pnng_cq_fd(cq, &mut fd) }, PNNG_OK);
    let new_aio = || {
        let mut a = std::ptr::null_mut();
        assert_eq!(
            unsafe { pnng_aio_new_cq(cq, std::ptr::null_mut(), &mut a) },
            PNNG_OK
        );
        a
    };
    // The next completion, which must be `want`'s.
    let complete = |want: *mut pnng_aio| -> Result<Vec<u8>, pnng_result> {
        let (got, outcome) = next_completion(cq, fd);
        assert_eq!(got, want);
        outcome
    };
    let a = new_aio();
    for transport in ["ipc", "tcp"] {
        // Round trips: the reply side receives through the queue, the request side blocks.
        let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &addr(transport));
        for i in 0..400usize {
            let size = [64, 1000, 60 * 1024, 70 * 1024][i % 4];
            let data: Vec<u8> = (0..size).map(|k| (k + i) as u8).collect();
            assert_eq!(unsafe { pnng_socket_recv_aio(rep, a) }, PNNG_OK);
            assert_eq!(send(req, &data), PNNG_OK, "{transport}: request {i}");
            let got = complete(a).unwrap_or_else(|rv| panic!("{transport}: request {i}: {rv}"));
            assert_eq!(got, data, "{transport}: request {i}");
            let reply: Vec<u8> = data.iter().rev().copied().collect();
            assert_eq!(send(rep, &reply), PNNG_OK, "{transport}: reply {i}");
            assert_eq!(recv(req), Ok(reply), "{transport}: reply {i}");
        }
        close(req);
        close(rep);

        // Two connections interleaved by one thread: a write on one is followed by reads of
        // the other, so a pairing may be learned wrong; messages still all arrive.
        let (x1, y1) = pair(pnng_pair0_open, pnng_pair0_open, &addr(transport));
        let (x2, y2) = pair(pnng_pair0_open, pnng_pair0_open, &addr(transport));
        let b = new_aio();
        for i in 0..300usize {
            let (one, two) = ([i as u8, 1], [i as u8, 2]);
            assert_eq!(unsafe { pnng_socket_recv_aio(x1, a) }, PNNG_OK);
            assert_eq!(unsafe { pnng_socket_recv_aio(x2, b) }, PNNG_OK);
            if i % 2 == 0 {
                assert_eq!(send(y1, &one), PNNG_OK);
                assert_eq!(send(y2, &two), PNNG_OK);
            } else {
                assert_eq!(send(y2, &two), PNNG_OK);
                assert_eq!(send(y1, &one), PNNG_OK);
            }
            let mut got = [next_completion(cq, fd), next_completion(cq, fd)];
            got.sort_by_key(|(aio, _)| *aio != a);
            assert_eq!(got[0], (a, Ok(one.to_vec())), "{transport}: round {i}");
            assert_eq!(got[1], (b, Ok(two.to_vec())), "{transport}: round {i}");
            // And the other way (the learned pairings of the other ends).
            assert_eq!(send(x1, &one), PNNG_OK);
            assert_eq!(send(x2, &two), PNNG_OK);
            assert_eq!(recv(y2), Ok(two.to_vec()));
            assert_eq!(recv(y1), Ok(one.to_vec()));
        }
        unsafe { pnng_aio_free(b) };
        for s in [x1, y1, x2, y2] {
            close(s);
        }

        // A peer closed right after a send that read its end (its pipe's teardown waits for
        // nothing this thread holds).
        for i in 0..40 {
            let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &addr(transport));
            for _ in 0..3 {
                assert_eq!(unsafe { pnng_socket_recv_aio(rep, a) }, PNNG_OK);
                assert_eq!(send(req, b"ping"), PNNG_OK);
                assert_eq!(complete(a), Ok(b"ping".to_vec()), "{transport}: {i}");
                assert_eq!(send(rep, b"pong"), PNNG_OK);
                assert_eq!(recv(req), Ok(b"pong".to_vec()));
            }
            assert_eq!(unsafe { pnng_socket_recv_aio(rep, a) }, PNNG_OK);
            assert_eq!(send(req, b"last"), PNNG_OK);
            close(rep);
            let r = complete(a);
            assert!(
                r == Ok(b"last".to_vec()) || r == Err(PNNG_ECLOSED),
                "{transport}: {i}: {r:?}"
            );
            close(req);
        }
    }
    unsafe {
        pnng_aio_free(a);
        pnng_cq_free(cq);
    }
}

/// A thread that serves both ends of a tcp or ipc connection (an event loop) reads a backlog of
/// small messages ahead, many per system call, and keeps what it read past a message for the next
/// ones (NNG patch 0052): every message arrives whole and in order, whatever its size beside the
/// 8 KiB read-ahead and wherever its length prefix falls in what one read brought. (Without the
/// read-ahead the 6000 messages take about 12 000 `readv` calls, with it about 2 300.)
#[test]
fn a_backlog_read_ahead_arrives_whole_and_in_order() {
    // A thread of its own: only a thread that has never blocked for a receive reads ahead.
    std::thread::spawn(|| {
        let size = |i: usize| {
            [0, 1, 7, 8, 9, 64, 1000, 4090, 8183, 8184, 8192, 9000, 20000][i % 13] + i % 5
        };
        let data = |i: usize| (0..size(i)).map(|k| (k * 7 + i) as u8).collect::<Vec<u8>>();
        for transport in ["ipc", "tcp"] {
            let (rx, tx) = pair(pnng_pair1_open, pnng_pair1_open, &addr(transport));
            let (total, mut sent, mut got) = (3000, 0, 0);
            let start = std::time::Instant::now();
            while got < total {
                assert!(
                    start.elapsed() < std::time::Duration::from_secs(30),
                    "{transport}: stuck at {got}"
                );
                // Up to 500 messages ahead of the receiver, as the connection takes them.
                while sent < total && sent - got < 500 {
                    let d = data(sent);
                    match unsafe {
                        pnng_socket_send(tx, d.as_ptr().cast(), d.len(), PNNG_FLAG_NONBLOCK)
                    } {
                        PNNG_OK => sent += 1,
                        PNNG_EAGAIN => break,
                        rv => panic!("{transport}: send {sent}: {rv}"),
                    }
                }
                let mut m = std::ptr::null_mut();
                match unsafe { pnng_socket_recv_msg(rx, PNNG_FLAG_NONBLOCK, &mut m) } {
                    PNNG_OK => {
                        assert_eq!(take(m), data(got), "{transport}: message {got}");
                        got += 1;
                    }
                    PNNG_EAGAIN => std::thread::yield_now(),
                    rv => panic!("{transport}: receive {got}: {rv}"),
                }
            }
            close(tx);
            close(rx);
        }
    })
    .join()
    .unwrap();
}

/// The next completion on `cq`, waited for on its descriptor `fd` as an event loop would: the
/// aio, and its received message or error.
fn next_completion(cq: *mut pnng_cq, fd: c_int) -> (*mut pnng_aio, Result<Vec<u8>, pnng_result>) {
    let (mut got, mut ud) = (std::ptr::null_mut(), std::ptr::null_mut());
    let t = std::time::Instant::now();
    while unsafe { pnng_cq_pop(cq, &mut got, &mut ud) } == PNNG_EAGAIN {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "no completion"
        );
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        unsafe { libc::poll(&mut p, 1, 100) };
    }
    match unsafe { pnng_aio_result(got) } {
        PNNG_OK => {
            let mut m = std::ptr::null_mut();
            assert_eq!(unsafe { pnng_aio_take_msg(got, &mut m) }, PNNG_OK);
            (got, Ok(take(m)))
        }
        rv => (got, Err(rv)),
    }
}
