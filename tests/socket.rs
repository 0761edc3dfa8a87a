//! Sockets: every opener, close rules, stale handles, listen/dial on every transport and dial
//! mode, data paths, EMSGSIZE keeping the message, NULL and bad input.
mod common;
use common::*;

const OPENERS: [(&str, Opener); 23] = [
    ("pair0", pnng_pair0_open),
    ("pair0 raw", pnng_pair0_open_raw),
    ("pair1", pnng_pair1_open),
    ("pair1 raw", pnng_pair1_open_raw),
    ("pair1 poly", pnng_pair1_open_poly),
    ("req0", pnng_req0_open),
    ("req0 raw", pnng_req0_open_raw),
    ("rep0", pnng_rep0_open),
    ("rep0 raw", pnng_rep0_open_raw),
    ("pub0", pnng_pub0_open),
    ("pub0 raw", pnng_pub0_open_raw),
    ("sub0", pnng_sub0_open),
    ("sub0 raw", pnng_sub0_open_raw),
    ("push0", pnng_push0_open),
    ("push0 raw", pnng_push0_open_raw),
    ("pull0", pnng_pull0_open),
    ("pull0 raw", pnng_pull0_open_raw),
    ("surveyor0", pnng_surveyor0_open),
    ("surveyor0 raw", pnng_surveyor0_open_raw),
    ("respondent0", pnng_respondent0_open),
    ("respondent0 raw", pnng_respondent0_open_raw),
    ("bus0", pnng_bus0_open),
    ("bus0 raw", pnng_bus0_open_raw),
];

#[test]
fn every_opener_works_reports_raw_and_closes_once() {
    for (name, opener) in OPENERS {
        let s = open(opener);
        let mut raw = false;
        let o = c("raw");
        assert_eq!(
            unsafe { pnng_socket_get_bool(s, o.as_ptr(), &mut raw) },
            PNNG_OK,
            "{name}"
        );
        assert_eq!(raw, name.ends_with("raw"), "{name}");
        // pnng knows the protocol number from the opener (interruptible waits choose by it):
        // NNG's own answer, 0 for a raw socket.
        let mut proto: c_int = 0;
        let o = c("protocol");
        assert_eq!(
            unsafe { pnng_socket_get_int(s, o.as_ptr(), &mut proto) },
            PNNG_OK,
            "{name}"
        );
        assert_eq!(
            pnng::core::socket::cooked_protocol(s.into()),
            Ok(if raw { 0 } else { proto as u32 }),
            "{name}: protocol number"
        );
        let mut max = 0usize;
        let o = c("recv-size-max");
        assert_eq!(
            unsafe { pnng_socket_get_size(s, o.as_ptr(), &mut max) },
            PNNG_OK
        );
        assert_eq!(
            max, 0,
            "{name}: recv_max_size defaults to 0 (no limit), as NNG's"
        );
        assert_eq!(unsafe { pnng_socket_close(s) }, PNNG_OK, "{name}");
        assert_eq!(
            unsafe { pnng_socket_close(s) },
            PNNG_ECLOSED,
            "{name}: second close"
        );
        assert_eq!(send(s, b"x"), PNNG_ECLOSED, "{name}: use after close");
    }
}

#[test]
fn openers_reject_null() {
    for (name, opener) in OPENERS {
        assert_eq!(
            unsafe { opener(std::ptr::null_mut()) },
            PNNG_EINVAL,
            "{name}"
        );
    }
}

#[test]
fn stale_and_never_valid_handles_are_errors_not_crashes() {
    for bogus in [0u32, 0x7fff_fff0, u32::MAX] {
        let s = pnng_socket { id: bogus };
        assert_eq!(send(s, b"x"), PNNG_ECLOSED);
        assert_eq!(recv(s), Err(PNNG_ECLOSED));
        assert_eq!(unsafe { pnng_socket_close(s) }, PNNG_ECLOSED);
        let u = c("inproc://never");
        assert_eq!(
            unsafe { pnng_socket_listen(s, u.as_ptr(), 0, std::ptr::null_mut()) },
            PNNG_ECLOSED
        );
        assert_eq!(
            unsafe { pnng_socket_dial(s, u.as_ptr(), PNNG_FLAG_NONBLOCK, std::ptr::null_mut()) },
            PNNG_ECLOSED
        );
        let mut ms = 0;
        let o = c("recv-timeout");
        assert_eq!(
            unsafe { pnng_socket_get_ms(s, o.as_ptr(), &mut ms) },
            PNNG_ECLOSED
        );
        let mut ctx = pnng_ctx { id: 0 };
        assert_eq!(
            unsafe { pnng_socket_new_context(s, &mut ctx) },
            PNNG_ECLOSED
        );
        assert_ne!(
            unsafe { pnng_dialer_close(pnng_dialer { id: bogus }) },
            PNNG_OK
        );
        assert_ne!(
            unsafe { pnng_listener_close(pnng_listener { id: bogus }) },
            PNNG_OK
        );
        assert_ne!(unsafe { pnng_pipe_close(pnng_pipe { id: bogus }) }, PNNG_OK);
        assert_ne!(unsafe { pnng_ctx_close(pnng_ctx { id: bogus }) }, PNNG_OK);
    }
}

fn round_trip(transport: &str) {
    let url = addr(transport);
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &url);
    for payload in [
        &b"hello"[..],
        b"",
        b"\0\xff\0binary\xfe",
        &vec![7u8; 100_000],
    ] {
        assert_eq!(send(b, payload), PNNG_OK);
        assert_eq!(recv(a).unwrap(), payload, "{transport}");
        assert_eq!(send(a, payload), PNNG_OK);
        assert_eq!(recv(b).unwrap(), payload, "{transport}");
    }
    close(a);
    close(b);
}

#[test]
fn pair0_round_trips_on_every_transport() {
    for t in ["inproc", "ipc", "tcp", "ws", "abstract"] {
        round_trip(t);
    }
}

#[test]
fn tcp4_and_tcp6_urls_work() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, "tcp4://127.0.0.1:0");
    assert_eq!(send(b, b"v4"), PNNG_OK);
    assert_eq!(recv(a).unwrap(), b"v4");
    close(a);
    close(b);
    // IPv6 may be disabled on a machine; then listen fails cleanly with an address error.
    let (x, y) = (open(pnng_pair0_open), open(pnng_pair0_open));
    let u = c("tcp6://[::1]:0");
    let mut l = pnng_listener { id: 0 };
    let rv = unsafe { pnng_socket_listen(x, u.as_ptr(), 0, &mut l) };
    if rv == PNNG_OK {
        set_ms(x, "recv-timeout", 5000);
        let (mut port, o) = (0, c("tcp-bound-port"));
        assert_eq!(
            unsafe { pnng_listener_get_int(l, o.as_ptr(), &mut port) },
            PNNG_OK
        );
        dial(y, &format!("tcp6://[::1]:{port}"));
        assert_eq!(send(y, b"v6"), PNNG_OK);
        assert_eq!(recv(x).unwrap(), b"v6");
    } else {
        assert!(
            rv == PNNG_EADDRINVAL || rv & PNNG_ESYSERR != 0,
            "tcp6 listen gave {rv}"
        );
    }
    close(x);
    close(y);
}

#[test]
fn bad_urls_and_null_arguments() {
    let s = open(pnng_pair0_open);
    for (url, want) in [
        ("bogus://x", PNNG_ENOTSUP),
        ("tcp://", PNNG_EADDRINVAL),
        ("nourl", PNNG_EINVAL),
    ] {
        let u = c(url);
        let rv = unsafe { pnng_socket_listen(s, u.as_ptr(), 0, std::ptr::null_mut()) };
        assert!(
            rv == want || (want != PNNG_ENOTSUP && rv != PNNG_OK),
            "listen {url}: {rv}"
        );
    }
    assert_eq!(
        unsafe { pnng_socket_listen(s, std::ptr::null(), 0, std::ptr::null_mut()) },
        PNNG_EINVAL
    );
    assert_eq!(
        unsafe { pnng_socket_dial(s, std::ptr::null(), 0, std::ptr::null_mut()) },
        PNNG_EINVAL
    );
    assert_eq!(
        unsafe { pnng_socket_send(s, std::ptr::null(), 3, 0) },
        PNNG_EINVAL
    );
    assert_eq!(
        unsafe { pnng_socket_recv_msg(s, 0, std::ptr::null_mut()) },
        PNNG_EINVAL
    );
    let mut n = 0;
    assert_eq!(
        unsafe { pnng_socket_recv(s, std::ptr::null_mut(), 4, 0, &mut n) },
        PNNG_EINVAL
    );
    assert_eq!(
        unsafe { pnng_socket_send_msg(s, std::ptr::null_mut(), 0) },
        PNNG_EINVAL
    );
    assert_eq!(
        unsafe { pnng_socket_send(s, b"x".as_ptr().cast(), 1, 0x40) },
        PNNG_EINVAL,
        "unknown flag"
    );
    close(s);
}

#[test]
fn dial_modes() {
    let url = dial_first_addr("tcp");
    let s = open(pnng_pair0_open);
    set_ms(s, "recv-timeout", 5000);
    let u = c(&url);
    // Blocking: nobody listens.
    assert_eq!(
        unsafe { pnng_socket_dial(s, u.as_ptr(), 0, std::ptr::null_mut()) },
        PNNG_ECONNREFUSED
    );
    // Fallback: refused, then retried in the background; succeeds once a listener appears.
    let mut d = pnng_dialer { id: 0 };
    assert_eq!(
        unsafe { pnng_socket_dial(s, u.as_ptr(), PNNG_DIAL_FALLBACK, &mut d) },
        PNNG_OK
    );
    assert!(d.id > 0);
    let l = open(pnng_pair0_open);
    set_ms(l, "recv-timeout", 5000);
    listen(l, &url);
    assert_eq!(send(s, b"late"), PNNG_OK);
    assert_eq!(recv(l).unwrap(), b"late");
    // Non-blocking dial to another absent peer returns at once.
    let url2 = dial_first_addr("tcp");
    let u2 = c(&url2);
    assert_eq!(
        unsafe { pnng_socket_dial(s, u2.as_ptr(), PNNG_FLAG_NONBLOCK, std::ptr::null_mut()) },
        PNNG_OK
    );
    let mut n = 0usize;
    assert_eq!(
        unsafe { pnng_socket_dialers(s, std::ptr::null_mut(), 0, &mut n) },
        PNNG_EMSGSIZE
    );
    assert_eq!(n, 2);
    // Fallback does not hide real errors.
    let bad = c("tcp://no-such-host.invalid:1");
    assert_ne!(
        unsafe { pnng_socket_dial(s, bad.as_ptr(), PNNG_DIAL_FALLBACK, std::ptr::null_mut()) },
        PNNG_OK
    );
    close(s);
    close(l);
}

#[test]
fn recv_into_small_buffer_keeps_the_message() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    assert_eq!(send(b, b"0123456789"), PNNG_OK);
    let mut buf = [0u8; 4];
    let mut n = 0usize;
    let rv = unsafe { pnng_socket_recv(a, buf.as_mut_ptr().cast(), buf.len(), 0, &mut n) };
    assert_eq!(rv, PNNG_EMSGSIZE);
    assert_eq!(n, 10);
    let mut big = [0u8; 16];
    let rv = unsafe { pnng_socket_recv(a, big.as_mut_ptr().cast(), big.len(), 0, &mut n) };
    assert_eq!(rv, PNNG_OK);
    assert_eq!(&big[..n], b"0123456789");
    // Also through recv_msg after an EMSGSIZE.
    assert_eq!(send(b, b"abcdef"), PNNG_OK);
    let rv = unsafe { pnng_socket_recv(a, buf.as_mut_ptr().cast(), 0, 0, &mut n) };
    assert_eq!((rv, n), (PNNG_EMSGSIZE, 6));
    assert_eq!(recv(a).unwrap(), b"abcdef");
    // Zero-length messages fit a zero-length buffer.
    assert_eq!(send(b, b""), PNNG_OK);
    let rv = unsafe { pnng_socket_recv(a, std::ptr::null_mut(), 0, 0, &mut n) };
    assert_eq!((rv, n), (PNNG_OK, 0));
    close(a);
    close(b);
}

#[test]
fn nonblocking_and_timeouts() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    let mut m = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_socket_recv_msg(a, PNNG_FLAG_NONBLOCK, &mut m) },
        PNNG_EAGAIN
    );
    set_ms(a, "recv-timeout", 50);
    assert_eq!(recv(a), Err(PNNG_ETIMEDOUT));
    close(a);
    close(b);
}

#[test]
fn send_msg_takes_ownership_only_on_success() {
    let s = open(pnng_sub0_open);
    let m = msg(b"keep me");
    assert_eq!(unsafe { pnng_socket_send_msg(s, m, 0) }, PNNG_ENOTSUP);
    assert_eq!(
        body(m),
        b"keep me",
        "still owned by the caller after a failed send"
    );
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    assert_eq!(unsafe { pnng_socket_send_msg(b, m, 0) }, PNNG_OK);
    assert_eq!(recv(a).unwrap(), b"keep me");
    for x in [s, a, b] {
        close(x);
    }
}

#[test]
fn protocol_rules_give_nng_errors() {
    let p = open(pnng_pub0_open);
    assert_eq!(recv(p), Err(PNNG_ENOTSUP));
    let s = open(pnng_sub0_open);
    assert_eq!(send(s, b"x"), PNNG_ENOTSUP);
    let req = open(pnng_req0_open);
    assert_eq!(recv(req), Err(PNNG_ESTATE));
    let rep = open(pnng_rep0_open);
    assert_eq!(send(rep, b"x"), PNNG_ESTATE);
    for x in [p, s, req, rep] {
        close(x);
    }
}

#[test]
fn every_protocol_pattern_moves_messages() {
    // req/rep
    let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &addr("tcp"));
    assert_eq!(send(req, b"2+2"), PNNG_OK);
    assert_eq!(recv(rep).unwrap(), b"2+2");
    assert_eq!(send(rep, b"4"), PNNG_OK);
    assert_eq!(recv(req).unwrap(), b"4");
    // push/pull
    let (pull, push) = pair(pnng_pull0_open, pnng_push0_open, &addr("ipc"));
    assert_eq!(send(push, b"work"), PNNG_OK);
    assert_eq!(recv(pull).unwrap(), b"work");
    // bus
    let (b1, b2) = pair(pnng_bus0_open, pnng_bus0_open, &addr("inproc"));
    assert!(eventually(|| unsafe {
        pnng_socket_pipes(b2, std::ptr::null_mut(), 0, &mut 0usize)
    } == PNNG_EMSGSIZE));
    assert_eq!(send(b2, b"all aboard"), PNNG_OK);
    assert_eq!(recv(b1).unwrap(), b"all aboard");
    // survey
    let (sur, res) = pair(pnng_surveyor0_open, pnng_respondent0_open, &addr("inproc"));
    assert!(eventually(|| unsafe {
        pnng_socket_pipes(sur, std::ptr::null_mut(), 0, &mut 0usize)
    } == PNNG_EMSGSIZE));
    assert_eq!(send(sur, b"who?"), PNNG_OK);
    assert_eq!(recv(res).unwrap(), b"who?");
    assert_eq!(send(res, b"me"), PNNG_OK);
    assert_eq!(recv(sur).unwrap(), b"me");
    for x in [rep, req, pull, push, b1, b2, sur, res] {
        close(x);
    }
}

#[test]
fn pub_sub_topics_are_bytes() {
    let (publ, sub) = pair(pnng_pub0_open, pnng_sub0_open, &addr("inproc"));
    set_ms(sub, "recv-timeout", 200);
    let topic = b"t\0\xff";
    assert_eq!(
        unsafe { pnng_sub0_subscribe(sub, topic.as_ptr().cast(), topic.len()) },
        PNNG_OK
    );
    assert!(eventually(|| unsafe {
        pnng_socket_pipes(publ, std::ptr::null_mut(), 0, &mut 0usize)
    } == PNNG_EMSGSIZE));
    assert_eq!(send(publ, b"t\0\xffpayload"), PNNG_OK);
    assert_eq!(send(publ, b"t\0other"), PNNG_OK);
    assert_eq!(recv(sub).unwrap(), b"t\0\xffpayload");
    assert_eq!(
        recv(sub),
        Err(PNNG_ETIMEDOUT),
        "non-matching topic filtered"
    );
    assert_eq!(
        unsafe { pnng_sub0_unsubscribe(sub, topic.as_ptr().cast(), topic.len()) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_sub0_unsubscribe(sub, topic.as_ptr().cast(), topic.len()) },
        PNNG_ENOENT
    );
    assert_eq!(
        unsafe { pnng_sub0_subscribe(publ, topic.as_ptr().cast(), topic.len()) },
        PNNG_ENOTSUP
    );
    assert_eq!(
        unsafe { pnng_sub0_subscribe(sub, std::ptr::null(), 0) },
        PNNG_OK,
        "empty topic matches all"
    );
    close(publ);
    close(sub);
}

#[test]
fn close_wakes_a_blocked_receiver() {
    let s = open(pnng_pair0_open);
    let t = std::thread::spawn(move || recv(s));
    std::thread::sleep(std::time::Duration::from_millis(100));
    close(s);
    assert_eq!(t.join().unwrap(), Err(PNNG_ECLOSED));
}

#[test]
fn version_names_nng() {
    let v = unsafe { CStr::from_ptr(pnng_version()) }
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        v,
        format!("pnng {} (NNG 1.12.0)", env!("CARGO_PKG_VERSION"))
    );
}

/// A non-blocking receive on a surveyor answers at once and leaves the survey running: NNG
/// ends a survey when a receive on it times out, so pnng must not let one time out.
#[test]
fn surveyor_nonblocking_receive_keeps_the_survey() {
    let (surveyor, respondent) = pair(pnng_surveyor0_open, pnng_respondent0_open, &addr("inproc"));
    set_ms(surveyor, "surveyor:survey-time", 5000);
    assert!(eventually(|| {
        let mut n = 0;
        let rv = unsafe { pnng_socket_pipes(surveyor, std::ptr::null_mut(), 0, &mut n) };
        (rv == PNNG_OK || rv == PNNG_EMSGSIZE) && n == 1
    }));
    assert_eq!(send(surveyor, b"who?"), PNNG_OK);
    let mut m = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_socket_recv_msg(surveyor, PNNG_FLAG_NONBLOCK, &mut m) },
        PNNG_EAGAIN
    );
    assert_eq!(recv(respondent), Ok(b"who?".to_vec()));
    assert_eq!(send(respondent, b"me"), PNNG_OK);
    assert_eq!(
        recv(surveyor),
        Ok(b"me".to_vec()),
        "the answer to a running survey"
    );
    // With the answer waiting, a non-blocking receive takes it.
    assert_eq!(send(surveyor, b"again?"), PNNG_OK);
    assert_eq!(recv(respondent), Ok(b"again?".to_vec()));
    assert_eq!(send(respondent, b"me too"), PNNG_OK);
    assert!(eventually(|| {
        let rv = unsafe { pnng_socket_recv_msg(surveyor, PNNG_FLAG_NONBLOCK, &mut m) };
        assert!(rv == PNNG_OK || rv == PNNG_EAGAIN, "{rv}");
        rv == PNNG_OK
    }));
    assert_eq!(body(m), b"me too");
    unsafe { pnng_msg_free(m) };
    close(respondent);
    close(surveyor);
}
