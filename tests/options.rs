//! Typed options on sockets, dialers, listeners, pipes and contexts; the header's option
//! names against NNG's.
mod common;
use common::*;

fn get_ms(s: pnng_socket, o: &str) -> Result<i32, pnng_result> {
    let (o, mut v) = (c(o), 0);
    match unsafe { pnng_socket_get_ms(s, o.as_ptr(), &mut v) } {
        0 => Ok(v),
        e => Err(e),
    }
}

#[test]
fn pynng_socket_attributes_read_and_write() {
    let s = open(pnng_req0_open);
    set_ms(s, "recv-timeout", 1234);
    assert_eq!(get_ms(s, "recv-timeout"), Ok(1234));
    set_ms(s, "send-timeout", -1);
    assert_eq!(get_ms(s, "send-timeout"), Ok(-1));
    set_ms(s, "reconnect-time-min", 10);
    set_ms(s, "reconnect-time-max", 100);
    assert_eq!(get_ms(s, "reconnect-time-max"), Ok(100));
    set_ms(s, "req:resend-time", 2000);
    assert_eq!(get_ms(s, "req:resend-time"), Ok(2000));
    let (rb, sb) = (c("recv-buffer"), c("send-buffer"));
    assert_eq!(unsafe { pnng_socket_set_int(s, rb.as_ptr(), 16) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_set_int(s, sb.as_ptr(), 8) }, PNNG_OK);
    let mut v = 0;
    assert_eq!(
        unsafe { pnng_socket_get_int(s, rb.as_ptr(), &mut v) },
        PNNG_OK
    );
    assert_eq!(v, 16);
    let name = c("socket-name");
    let val = c("my socket");
    assert_eq!(
        unsafe { pnng_socket_set_string(s, name.as_ptr(), val.as_ptr()) },
        PNNG_OK
    );
    let mut out: *mut c_char = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_socket_get_string(s, name.as_ptr(), &mut out) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { CStr::from_ptr(out) }.to_str().unwrap(),
        "my socket"
    );
    unsafe { pnng_strfree(out) };
    for (opt, want) in [("protocol-name", "req"), ("peer-name", "rep")] {
        let o = c(opt);
        assert_eq!(
            unsafe { pnng_socket_get_string(s, o.as_ptr(), &mut out) },
            PNNG_OK
        );
        assert_eq!(unsafe { CStr::from_ptr(out) }.to_str().unwrap(), want);
        unsafe { pnng_strfree(out) };
    }
    for (opt, want) in [("protocol", 48), ("peer", 49)] {
        let o = c(opt);
        assert_eq!(
            unsafe { pnng_socket_get_int(s, o.as_ptr(), &mut v) },
            PNNG_OK
        );
        assert_eq!(v, want);
    }
    let fd = c("recv-fd");
    assert_eq!(
        unsafe { pnng_socket_get_int(s, fd.as_ptr(), &mut v) },
        PNNG_OK
    );
    assert!(v >= 0);
    let mx = c("recv-size-max");
    assert_eq!(
        unsafe { pnng_socket_set_size(s, mx.as_ptr(), 4096) },
        PNNG_OK
    );
    let mut sz = 0usize;
    assert_eq!(
        unsafe { pnng_socket_get_size(s, mx.as_ptr(), &mut sz) },
        PNNG_OK
    );
    assert_eq!(sz, 4096);
    let nd = c("tcp-nodelay");
    assert_eq!(
        unsafe { pnng_socket_set_bool(s, nd.as_ptr(), false) },
        PNNG_OK
    );
    let mut b = true;
    assert_eq!(
        unsafe { pnng_socket_get_bool(s, nd.as_ptr(), &mut b) },
        PNNG_OK
    );
    assert!(!b);
    close(s);
}

#[test]
fn unknown_mistyped_and_readonly_options_are_refused() {
    let s = open(pnng_pair0_open);
    let unknown = c("no-such-option");
    assert_eq!(
        unsafe { pnng_socket_set_ms(s, unknown.as_ptr(), 5) },
        PNNG_ENOTSUP
    );
    assert_eq!(
        unsafe { pnng_socket_get_int(s, unknown.as_ptr(), &mut 0) },
        PNNG_ENOTSUP
    );
    let rt = c("recv-timeout");
    assert_eq!(
        unsafe { pnng_socket_set_int(s, rt.as_ptr(), 5) },
        PNNG_EBADTYPE
    );
    assert_eq!(
        unsafe { pnng_socket_set_bool(s, rt.as_ptr(), true) },
        PNNG_EBADTYPE
    );
    let mut str_out: *mut c_char = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_socket_get_string(s, rt.as_ptr(), &mut str_out) },
        PNNG_EBADTYPE
    );
    assert!(str_out.is_null(), "outputs untouched on failure");
    let proto = c("protocol");
    assert_eq!(
        unsafe { pnng_socket_set_int(s, proto.as_ptr(), 1) },
        PNNG_EREADONLY
    );
    let raw = c("raw");
    assert_eq!(
        unsafe { pnng_socket_set_bool(s, raw.as_ptr(), true) },
        PNNG_EREADONLY
    );
    assert_eq!(
        unsafe { pnng_socket_set_ms(s, std::ptr::null(), 5) },
        PNNG_EINVAL
    );
    assert_eq!(
        unsafe { pnng_socket_get_ms(s, rt.as_ptr(), std::ptr::null_mut()) },
        PNNG_EINVAL
    );
    assert_eq!(
        unsafe { pnng_socket_set_string(s, c("socket-name").as_ptr(), std::ptr::null()) },
        PNNG_EINVAL
    );
    let poly = c("pair1:polyamorous");
    assert_eq!(
        unsafe { pnng_socket_get_bool(s, poly.as_ptr(), &mut false) },
        PNNG_ENOTSUP
    );
    close(s);
}

#[test]
fn endpoint_pipe_and_context_options() {
    let (a, b) = (open(pnng_rep0_open), open(pnng_req0_open));
    let (_, url) = listen_url(a, &addr("tcp"));
    dial(b, &url);
    let mut n = 1usize;
    let mut l = [pnng_listener { id: 0 }];
    assert_eq!(
        unsafe { pnng_socket_listeners(a, l.as_mut_ptr(), 1, &mut n) },
        PNNG_OK
    );
    let mut port = 0;
    let bp = c("tcp-bound-port");
    assert_eq!(
        unsafe { pnng_listener_get_int(l[0], bp.as_ptr(), &mut port) },
        PNNG_OK
    );
    assert_eq!(format!("tcp://127.0.0.1:{port}"), url);
    let mut sa = pnng_sockaddr::default();
    let la = c("local-address");
    assert_eq!(
        unsafe { pnng_listener_get_addr(l[0], la.as_ptr(), &mut sa) },
        PNNG_OK
    );
    let mut buf = [0 as c_char; 64];
    assert_eq!(
        unsafe { pnng_sockaddr_format(&sa, buf.as_mut_ptr(), buf.len()) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap(),
        url
    );
    assert_eq!(
        unsafe { pnng_sockaddr_format(&sa, buf.as_mut_ptr(), 5) },
        PNNG_EMSGSIZE
    );
    let mut d = [pnng_dialer { id: 0 }];
    assert_eq!(
        unsafe { pnng_socket_dialers(b, d.as_mut_ptr(), 1, &mut n) },
        PNNG_OK
    );
    let rmin = c("reconnect-time-min");
    assert_eq!(
        unsafe { pnng_dialer_set_ms(d[0], rmin.as_ptr(), 250) },
        PNNG_OK
    );
    let mut ms = 0;
    assert_eq!(
        unsafe { pnng_dialer_get_ms(d[0], rmin.as_ptr(), &mut ms) },
        PNNG_OK
    );
    assert_eq!(ms, 250);
    let u = c("url");
    let mut s: *mut c_char = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_dialer_get_string(d[0], u.as_ptr(), &mut s) },
        PNNG_OK
    );
    assert_eq!(unsafe { CStr::from_ptr(s) }.to_str().unwrap(), url);
    unsafe { pnng_strfree(s) };
    // Pipe addresses.
    assert!(eventually(|| unsafe {
        pnng_socket_pipes(a, std::ptr::null_mut(), 0, &mut n)
    } == PNNG_EMSGSIZE));
    let mut p = [pnng_pipe { id: 0 }];
    assert_eq!(
        unsafe { pnng_socket_pipes(a, p.as_mut_ptr(), 1, &mut n) },
        PNNG_OK
    );
    let ra = c("remote-address");
    assert_eq!(
        unsafe { pnng_pipe_get_addr(p[0], ra.as_ptr(), &mut sa) },
        PNNG_OK
    );
    assert_eq!(sa.family, PNNG_AF_INET);
    assert_eq!(&sa.addr[..4], &[127, 0, 0, 1]);
    assert_eq!(
        unsafe { pnng_pipe_get_addr(p[0], la.as_ptr(), &mut sa) },
        PNNG_OK
    );
    assert_eq!(sa.port, port as u16);
    // Contexts carry their own timeouts.
    let mut ctx = pnng_ctx { id: 0 };
    assert_eq!(unsafe { pnng_socket_new_context(a, &mut ctx) }, PNNG_OK);
    let rt = c("recv-timeout");
    assert_eq!(unsafe { pnng_ctx_set_ms(ctx, rt.as_ptr(), 30) }, PNNG_OK);
    assert_eq!(
        unsafe { pnng_ctx_get_ms(ctx, rt.as_ptr(), &mut ms) },
        PNNG_OK
    );
    assert_eq!(ms, 30);
    let mut m = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_ctx_recv_msg(ctx, 0, &mut m) }, PNNG_ETIMEDOUT);
    assert_eq!(unsafe { pnng_ctx_close(ctx) }, PNNG_OK);
    close(a);
    close(b);
}

#[test]
fn ipc_and_inproc_addresses_format() {
    for t in ["ipc", "inproc", "abstract"] {
        let url = addr(t);
        let s = open(pnng_pair0_open);
        let l = listen(s, &url);
        let mut sa = pnng_sockaddr::default();
        let la = c("local-address");
        assert_eq!(
            unsafe { pnng_listener_get_addr(l, la.as_ptr(), &mut sa) },
            PNNG_OK
        );
        let mut buf = [0 as c_char; 200];
        assert_eq!(
            unsafe { pnng_sockaddr_format(&sa, buf.as_mut_ptr(), buf.len()) },
            PNNG_OK
        );
        assert_eq!(
            unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap(),
            url,
            "{t}"
        );
        close(s);
    }
}

#[test]
fn header_option_names_equal_nngs() {
    use nng_sys as n;
    let header =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/pnng.h")).unwrap();
    let mut names = std::collections::HashMap::new();
    for line in header.lines() {
        let mut it = line.split_whitespace();
        if let (Some("#define"), Some(name), Some(val)) = (it.next(), it.next(), it.next())
            && name.starts_with("PNNG_OPT_")
        {
            names.insert(name.to_owned(), val.trim_matches('"').to_owned());
        }
    }
    let nng = [
        ("SOCKNAME", &n::NNG_OPT_SOCKNAME[..]),
        ("RAW", n::NNG_OPT_RAW),
        ("PROTO", n::NNG_OPT_PROTO),
        ("PROTONAME", n::NNG_OPT_PROTONAME),
        ("PEER", n::NNG_OPT_PEER),
        ("PEERNAME", n::NNG_OPT_PEERNAME),
        ("RECVBUF", n::NNG_OPT_RECVBUF),
        ("SENDBUF", n::NNG_OPT_SENDBUF),
        ("RECVFD", n::NNG_OPT_RECVFD),
        ("SENDFD", n::NNG_OPT_SENDFD),
        ("RECVTIMEO", n::NNG_OPT_RECVTIMEO),
        ("SENDTIMEO", n::NNG_OPT_SENDTIMEO),
        ("LOCADDR", n::NNG_OPT_LOCADDR),
        ("REMADDR", n::NNG_OPT_REMADDR),
        ("URL", n::NNG_OPT_URL),
        ("MAXTTL", n::NNG_OPT_MAXTTL),
        ("RECVMAXSZ", n::NNG_OPT_RECVMAXSZ),
        ("RECONNMINT", n::NNG_OPT_RECONNMINT),
        ("RECONNMAXT", n::NNG_OPT_RECONNMAXT),
        ("TLS_CONFIG", n::NNG_OPT_TLS_CONFIG),
        ("TLS_AUTH_MODE", n::NNG_OPT_TLS_AUTH_MODE),
        ("TLS_CERT_KEY_FILE", n::NNG_OPT_TLS_CERT_KEY_FILE),
        ("TLS_CA_FILE", n::NNG_OPT_TLS_CA_FILE),
        ("TLS_SERVER_NAME", n::NNG_OPT_TLS_SERVER_NAME),
        ("TLS_VERIFIED", n::NNG_OPT_TLS_VERIFIED),
        ("TLS_PEER_CN", n::NNG_OPT_TLS_PEER_CN),
        ("TLS_PEER_ALT_NAMES", n::NNG_OPT_TLS_PEER_ALT_NAMES),
        ("TCP_NODELAY", n::NNG_OPT_TCP_NODELAY),
        ("TCP_KEEPALIVE", n::NNG_OPT_TCP_KEEPALIVE),
        ("TCP_BOUND_PORT", n::NNG_OPT_TCP_BOUND_PORT),
        ("IPC_PERMISSIONS", n::NNG_OPT_IPC_PERMISSIONS),
        ("IPC_PEER_UID", n::NNG_OPT_IPC_PEER_UID),
        ("IPC_PEER_GID", n::NNG_OPT_IPC_PEER_GID),
        ("IPC_PEER_PID", n::NNG_OPT_IPC_PEER_PID),
        ("WS_REQUEST_HEADERS", n::NNG_OPT_WS_REQUEST_HEADERS),
        ("WS_RESPONSE_HEADERS", n::NNG_OPT_WS_RESPONSE_HEADERS),
        ("WS_REQUEST_HEADER", n::NNG_OPT_WS_REQUEST_HEADER),
        ("WS_RESPONSE_HEADER", n::NNG_OPT_WS_RESPONSE_HEADER),
        ("WS_REQUEST_URI", n::NNG_OPT_WS_REQUEST_URI),
        ("WS_SENDMAXFRAME", n::NNG_OPT_WS_SENDMAXFRAME),
        ("WS_RECVMAXFRAME", n::NNG_OPT_WS_RECVMAXFRAME),
        ("WS_PROTOCOL", n::NNG_OPT_WS_PROTOCOL),
        ("WS_SEND_TEXT", n::NNG_OPT_WS_SEND_TEXT),
        ("WS_RECV_TEXT", n::NNG_OPT_WS_RECV_TEXT),
        ("PAIR1_POLY", n::NNG_OPT_PAIR1_POLY),
        ("SUB_SUBSCRIBE", n::NNG_OPT_SUB_SUBSCRIBE),
        ("SUB_UNSUBSCRIBE", n::NNG_OPT_SUB_UNSUBSCRIBE),
        ("SUB_PREFNEW", n::NNG_OPT_SUB_PREFNEW),
        ("REQ_RESENDTIME", n::NNG_OPT_REQ_RESENDTIME),
        ("REQ_RESENDTICK", n::NNG_OPT_REQ_RESENDTICK),
        ("SURVEYOR_SURVEYTIME", n::NNG_OPT_SURVEYOR_SURVEYTIME),
        // pnng's NNG option (vendor/README.md): nng-sys's pregenerated bindings predate it,
        // so it is checked against the vendored nng.h below.
        ("TCP_LISTEN_BACKLOG", b"tcp-listen-backlog\0"),
    ];
    let nng_h = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/vendor/nng-sys/nng/include/nng/nng.h"
    ))
    .unwrap();
    assert!(nng_h.contains("#define NNG_OPT_TCP_LISTEN_BACKLOG \"tcp-listen-backlog\""));
    assert_eq!(
        names.len(),
        nng.len(),
        "every header option name is checked"
    );
    for (name, val) in nng {
        let want = std::str::from_utf8(&val[..val.len() - 1]).unwrap();
        assert_eq!(
            names.get(&format!("PNNG_OPT_{name}")).map(String::as_str),
            Some(want),
            "{name}"
        );
    }
}

#[test]
fn socket_names_are_checked_and_replaced_whole() {
    let s = open(pnng_pair0_open);
    let o = c("socket-name");
    let get = || {
        let mut p: *mut c_char = std::ptr::null_mut();
        assert_eq!(
            unsafe { pnng_socket_get_string(s, o.as_ptr(), &mut p) },
            PNNG_OK
        );
        let v = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
        unsafe { pnng_strfree(p) };
        v
    };
    assert_eq!(get(), s.id.to_string(), "NNG's default: the socket id");
    assert_eq!(
        unsafe { pnng_socket_set_string(s, o.as_ptr(), c("my socket").as_ptr()) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_socket_set_string(s, o.as_ptr(), c("ab").as_ptr()) },
        PNNG_OK
    );
    assert_eq!(get(), "ab", "a shorter name replaces a longer one");
    let long = "x".repeat(64);
    assert_eq!(
        unsafe { pnng_socket_set_string(s, o.as_ptr(), c(&long).as_ptr()) },
        PNNG_EINVAL
    );
    let big = "y".repeat(200);
    assert_eq!(
        unsafe { pnng_socket_set_string(s, o.as_ptr(), c(&big).as_ptr()) },
        PNNG_EINVAL
    );
    assert_eq!(get(), "ab");
    let max = "z".repeat(63);
    assert_eq!(
        unsafe { pnng_socket_set_string(s, o.as_ptr(), c(&max).as_ptr()) },
        PNNG_OK
    );
    assert_eq!(get(), max);
    close(s);
    assert_eq!(
        unsafe { pnng_socket_set_string(s, o.as_ptr(), c("x").as_ptr()) },
        PNNG_ECLOSED
    );
}

#[test]
fn protocol_and_transport_options() {
    // sub prefer-new, surveyor survey time, pair1 polyamorous, ttl.
    let sub = open(pnng_sub0_open);
    let pn = c("sub:prefnew");
    assert_eq!(
        unsafe { pnng_socket_set_bool(sub, pn.as_ptr(), false) },
        PNNG_OK
    );
    let mut b = true;
    assert_eq!(
        unsafe { pnng_socket_get_bool(sub, pn.as_ptr(), &mut b) },
        PNNG_OK
    );
    assert!(!b);
    let sur = open(pnng_surveyor0_open);
    let st = c("surveyor:survey-time");
    assert_eq!(
        unsafe { pnng_socket_set_ms(sur, st.as_ptr(), 250) },
        PNNG_OK
    );
    let mut ms = 0;
    assert_eq!(
        unsafe { pnng_socket_get_ms(sur, st.as_ptr(), &mut ms) },
        PNNG_OK
    );
    assert_eq!(ms, 250);
    let poly = open(pnng_pair1_open_poly);
    assert_eq!(
        unsafe { pnng_socket_get_bool(poly, c("pair1:polyamorous").as_ptr(), &mut b) },
        PNNG_OK
    );
    assert!(b);
    let ttl = c("ttl-max");
    assert_eq!(
        unsafe { pnng_socket_set_int(poly, ttl.as_ptr(), 4) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_socket_set_int(sub, ttl.as_ptr(), 4) },
        PNNG_ENOTSUP,
        "sub has no ttl"
    );
    // tcp keepalive and nodelay on a dialer before it starts; ws request headers.
    let s = open(pnng_pair0_open);
    let mut d = pnng_dialer { id: 0 };
    assert_eq!(
        unsafe { pnng_dialer_create(s, c(&dial_first_addr("tcp")).as_ptr(), &mut d) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_dialer_set_bool(d, c("tcp-keepalive").as_ptr(), true) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_dialer_get_bool(d, c("tcp-keepalive").as_ptr(), &mut b) },
        PNNG_OK
    );
    assert!(b);
    let mut wd = pnng_dialer { id: 0 };
    let ws_url = addr("ws");
    assert_eq!(
        unsafe { pnng_dialer_create(s, c(&ws_url).as_ptr(), &mut wd) },
        PNNG_OK
    );
    let hdr = c("ws:request-header:X-Pnng");
    assert_eq!(
        unsafe { pnng_dialer_set_string(wd, hdr.as_ptr(), c("yes").as_ptr()) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_dialer_set_bool(d, c("ws:send-text").as_ptr(), true) },
        PNNG_ENOTSUP,
        "tcp dialer has no ws options"
    );
    for x in [sub, sur, poly, s] {
        close(x);
    }
}

/// `PNNG_OPT_TCP_LISTEN_BACKLOG`: a tcp listener's accept queue, by default the system's limit
/// (NNG listened with 128); at least 1; settable before and after the listener starts, and on
/// the socket for listeners created later; not an option of other transports.
#[test]
fn tcp_listen_backlog_option() {
    let o = c("tcp-listen-backlog");
    let system = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
        .ok()
        .and_then(|s| s.trim().parse::<i32>().ok());
    let s = open(pnng_rep0_open);
    let url = c("tcp://127.0.0.1:0");
    let mut l = pnng_listener { id: 0 };
    assert_eq!(
        unsafe { pnng_listener_create(s, url.as_ptr(), &mut l) },
        PNNG_OK
    );
    let get = |l: pnng_listener| {
        let mut v = 0;
        match unsafe { pnng_listener_get_int(l, o.as_ptr(), &mut v) } {
            0 => Ok(v),
            e => Err(e),
        }
    };
    let default = get(l).expect("a tcp listener has a backlog");
    assert!(default > 128, "default backlog {default}");
    if let Some(system) = system {
        assert_eq!(default, system);
    }
    for bad in [0, -1, i32::MIN] {
        assert_eq!(
            unsafe { pnng_listener_set_int(l, o.as_ptr(), bad) },
            PNNG_EINVAL,
            "{bad}"
        );
    }
    assert_eq!(unsafe { pnng_listener_set_int(l, o.as_ptr(), 16) }, PNNG_OK);
    assert_eq!(get(l), Ok(16));
    assert_eq!(unsafe { pnng_listener_start(l, 0) }, PNNG_OK);
    assert_eq!(
        unsafe { pnng_listener_set_int(l, o.as_ptr(), 10_000) },
        PNNG_OK
    );
    assert_eq!(get(l), Ok(10_000));
    // Still accepting after the change.
    let mut port = 0;
    let bp = c("tcp-bound-port");
    assert_eq!(
        unsafe { pnng_listener_get_int(l, bp.as_ptr(), &mut port) },
        PNNG_OK
    );
    let d = open(pnng_req0_open);
    dial(d, &format!("tcp://127.0.0.1:{port}"));
    assert_eq!(send(d, b"ping"), PNNG_OK);
    assert_eq!(recv(s), Ok(b"ping".to_vec()));
    close(d);
    close(s);

    // Set on a socket: listeners created afterwards take it.
    let s = open(pnng_rep0_open);
    assert_eq!(unsafe { pnng_socket_set_int(s, o.as_ptr(), 64) }, PNNG_OK);
    let l = listen(s, "tcp://127.0.0.1:0");
    assert_eq!(get(l), Ok(64));
    close(s);

    // A tls+tcp listener passes it to its tcp listener.
    let s = open(pnng_rep0_open);
    let url = c("tls+tcp://127.0.0.1:0");
    let mut l = pnng_listener { id: 0 };
    assert_eq!(
        unsafe { pnng_listener_create(s, url.as_ptr(), &mut l) },
        PNNG_OK
    );
    assert_eq!(get(l), Ok(default));
    assert_eq!(
        unsafe { pnng_listener_set_int(l, o.as_ptr(), 100) },
        PNNG_OK
    );
    assert_eq!(get(l), Ok(100));
    close(s);

    // Other transports have no such option.
    let s = open(pnng_rep0_open);
    let l = listen(s, &addr("ipc"));
    assert_eq!(get(l), Err(PNNG_ENOTSUP));
    assert_eq!(
        unsafe { pnng_listener_set_int(l, o.as_ptr(), 16) },
        PNNG_ENOTSUP
    );
    close(s);
}

/// rep0 / respondent0 "send-ready" (NNG patch 0041): the state of the send descriptor (a request
/// waits for its reply and the pipe is idle) read as a bool, with or without the descriptor
/// having been made; other protocols do not have it.
#[test]
fn send_ready_is_the_send_descriptors_state() {
    let ready = |s: pnng_socket| {
        let mut b = true;
        assert_eq!(
            unsafe { pnng_socket_get_bool(s, c("send-ready").as_ptr(), &mut b) },
            PNNG_OK
        );
        b
    };
    let readable = |fd: c_int| {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        unsafe { libc::poll(&mut p, 1, 0) == 1 }
    };
    let cases: [(Opener, Opener); 2] = [
        (pnng_rep0_open, pnng_req0_open),
        (pnng_respondent0_open, pnng_surveyor0_open),
    ];
    for (server, client) in cases {
        let (srv, cli) = pair(server, client, &addr("inproc"));
        for with_fd in [false, true] {
            let fd = with_fd.then(|| {
                let mut fd = -1;
                assert_eq!(
                    unsafe { pnng_socket_get_int(srv, c("send-fd").as_ptr(), &mut fd) },
                    PNNG_OK
                );
                fd
            });
            assert!(!ready(srv), "nothing to reply to");
            assert_eq!(send(cli, b"q"), PNNG_OK);
            assert_eq!(recv(srv).unwrap(), b"q");
            assert!(eventually(|| ready(srv)), "a request waits for its reply");
            if let Some(fd) = fd {
                assert!(readable(fd), "the descriptor agrees");
            }
            assert_eq!(send(srv, b"a"), PNNG_OK);
            assert!(!ready(srv), "replied");
            if let Some(fd) = fd {
                assert!(!readable(fd), "the descriptor agrees");
            }
            assert_eq!(recv(cli).unwrap(), b"a");
        }
        close(srv);
        close(cli);
    }
    let (x, y) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    let mut b = false;
    assert_eq!(
        unsafe { pnng_socket_get_bool(x, c("send-ready").as_ptr(), &mut b) },
        PNNG_ENOTSUP
    );
    close(x);
    close(y);
}
