//! Stress: wire fuzzing. Garbage, truncated and oversized frames from plain `TcpStream` /
//! `UnixStream` clients at tcp, ipc, ws and tls+tcp listeners (a pull0 socket with
//! `recv-size-max` = LIMIT), in waves. After every wave a real pnng push0 peer still gets a
//! message through (round trip), and `recv-size-max` is enforced: a frame of LIMIT+1 bytes never
//! arrives, one of LIMIT bytes does (tcp, ipc, ws; tls gets garbage at the TLS layer only).
//! The process RSS is reported and must stay bounded.
//!
//! SP over TCP/IPC: an 8-byte header `00 53 50 00 <proto hi> <proto lo> 00 00`, then frames:
//! tcp `<u64 big-endian length><body>`, ipc `01 <u64 length><body>`. pull0 is 0x51, so a
//! client says it is push0 (0x50). WebSocket: HTTP upgrade with subprotocol
//! `pull.sp.nanomsg.org`, one binary (masked) WebSocket message per SP message.
mod common;
mod stress;
use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use stress::*;

const LIMIT: usize = 4096;
const SP_PUSH_HDR: [u8; 8] = [0, b'S', b'P', 0, 0x00, 0x50, 0, 0];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tr {
    Tcp,
    Ipc,
    Ws,
    Tls,
}

/// One connection to the listener, as the raw stream of the transport underneath.
enum Conn {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Conn {
    fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
        match self {
            Conn::Tcp(s) => s.write_all(b),
            Conn::Unix(s) => s.write_all(b),
        }
    }
    fn read_some(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Tcp(s) => s.read(buf),
            Conn::Unix(s) => s.read(buf),
        }
    }
    /// Drops the connection with a TCP reset (SO_LINGER 0) where possible.
    fn reset(self) {
        if let Conn::Tcp(s) = &self {
            use std::os::fd::AsRawFd;
            let l = libc::linger {
                l_onoff: 1,
                l_linger: 0,
            };
            unsafe {
                libc::setsockopt(
                    s.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_LINGER,
                    (&l as *const libc::linger).cast(),
                    std::mem::size_of::<libc::linger>() as libc::socklen_t,
                )
            };
        }
        drop(self);
    }
}

struct Target {
    tr: Tr,
    url: String,
    port: u16,
    path: PathBuf,
    pull: pnng_socket,
    push: pnng_socket,
}

impl Target {
    fn connect(&self) -> Option<Conn> {
        let c = match self.tr {
            Tr::Ipc => Conn::Unix(UnixStream::connect(&self.path).ok()?),
            _ => Conn::Tcp(TcpStream::connect(("127.0.0.1", self.port)).ok()?),
        };
        match &c {
            Conn::Tcp(s) => {
                s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
                s.set_write_timeout(Some(Duration::from_secs(2))).ok()?;
            }
            Conn::Unix(s) => {
                s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
                s.set_write_timeout(Some(Duration::from_secs(2))).ok()?;
            }
        }
        Some(c)
    }

    /// An SP frame header for this transport.
    fn frame_hdr(&self, len: u64) -> Vec<u8> {
        let mut v = Vec::new();
        if self.tr == Tr::Ipc {
            v.push(1);
        }
        v.extend_from_slice(&len.to_be_bytes());
        v
    }

    /// A connection that has done the SP (or WebSocket) handshake; None if refused.
    fn handshaken(&self) -> Option<Conn> {
        let mut c = self.connect()?;
        if self.tr == Tr::Ws {
            c.write_all(ws_upgrade(self.port, "pull.sp.nanomsg.org").as_bytes())
                .ok()?;
            let resp = read_http_head(&mut c)?;
            if !resp.starts_with("HTTP/1.1 101") {
                return None;
            }
        } else {
            c.write_all(&SP_PUSH_HDR).ok()?;
        }
        Some(c)
    }

    /// A complete message frame carrying `body`.
    fn message(&self, body: &[u8]) -> Vec<u8> {
        if self.tr == Tr::Ws {
            ws_frame(0x82, body, true, None)
        } else {
            let mut v = self.frame_hdr(body.len() as u64);
            v.extend_from_slice(body);
            v
        }
    }
}

fn ws_upgrade(port: u16, proto: &str) -> String {
    format!(
        "GET /stress HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Protocol: {proto}\r\n\r\n"
    )
}

fn read_http_head(c: &mut Conn) -> Option<String> {
    let mut got = Vec::new();
    let mut b = [0u8; 512];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") && got.len() < 16384 {
        let n = c.read_some(&mut b).ok()?;
        if n == 0 {
            break;
        }
        got.extend_from_slice(&b[..n]);
    }
    Some(String::from_utf8_lossy(&got).into_owned())
}

/// A WebSocket frame (client to server: masked unless `masked` is false). `fake_len`
/// overrides the length field (for lying headers).
fn ws_frame(op: u8, payload: &[u8], masked: bool, fake_len: Option<u64>) -> Vec<u8> {
    let mut v = vec![op];
    let len = fake_len.unwrap_or(payload.len() as u64);
    let m = if masked { 0x80 } else { 0 };
    if len < 126 {
        v.push(m | len as u8);
    } else if len <= 0xFFFF {
        v.push(m | 126);
        v.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        v.push(m | 127);
        v.extend_from_slice(&len.to_be_bytes());
    }
    let key = [0x12u8, 0x34, 0x56, 0x78];
    if masked {
        v.extend_from_slice(&key);
        v.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    } else {
        v.extend_from_slice(payload);
    }
    v
}

#[derive(Default, Debug)]
struct Tally {
    conns: u64,
    bytes: u64,
    waves: u64,
    round_trips: u64,
    failed_round_trips: u64,
    over_delivered: u64,
    under_missing: u64,
    garbage_delivered: u64,
}

/// One garbage connection of kind `k`.
fn garbage(t: &Target, r: &mut Rng, k: usize, tally: &mut Tally, held: &mut Vec<Conn>) {
    tally.conns += 1;
    let send = |c: &mut Conn, b: &[u8], tally: &mut Tally| {
        tally.bytes += b.len() as u64;
        let _ = c.write_all(b);
    };
    let Some(mut c) = t.connect() else { return };
    if t.tr == Tr::Tls {
        // Garbage at the TLS layer.
        match k % 6 {
            0 => {
                let n = r.below(4096);
                send(&mut c, &r.bytes(n), tally)
            }
            1 => send(
                &mut c,
                &[0x16, 0x03, 0x01, 0xFF, 0xFF, 0x01, 0x00, 0xFF, 0xFC],
                tally,
            ), // huge ClientHello
            2 => {
                let mut v = vec![0x16, 0x03, 0x03, 0x00, 0x40];
                v.extend(r.bytes(20));
                send(&mut c, &v, tally) // truncated record
            }
            3 => {
                held.push(c);
                return;
            } // silent (slowloris)
            4 => send(&mut c, &SP_PUSH_HDR, tally), // plain SP on a TLS port
            _ => {
                let mut v = vec![0x17, 0x03, 0x03, 0x40, 0x00];
                v.extend(r.bytes(200));
                send(&mut c, &v, tally); // application data before a handshake
                c.reset();
                return;
            }
        }
        if r.chance(1, 2) {
            c.reset()
        }
        return;
    }
    if t.tr == Tr::Ws {
        let up = ws_upgrade(t.port, "pull.sp.nanomsg.org");
        match k % 12 {
            0 => {
                let n = r.below(4096);
                send(&mut c, &r.bytes(n), tally)
            }
            1 => send(&mut c, b"GET /stress HTTP/1.1\r\nHost: x\r\n\r\n", tally), // no upgrade
            2 => send(
                &mut c,
                ws_upgrade(t.port, "pair.sp.nanomsg.org").as_bytes(),
                tally,
            ), // wrong protocol
            3 => {
                let mut h = String::from("GET /stress HTTP/1.1\r\n");
                for i in 0..2000 {
                    h.push_str(&format!("X-Filler-{i}: {}\r\n", "y".repeat(40)));
                }
                send(&mut c, h.as_bytes(), tally) // huge header
            }
            4 => send(&mut c, &up.as_bytes()[..up.len() / 2], tally), // truncated request
            5 => {
                held.push(c);
                return;
            }
            k => {
                // upgraded, then bad frames
                send(&mut c, up.as_bytes(), tally);
                if !read_http_head(&mut c).is_some_and(|h| h.starts_with("HTTP/1.1 101")) {
                    return;
                }
                match k {
                    6 => {
                        let n = r.below(2048);
                        send(&mut c, &r.bytes(n), tally)
                    }
                    7 => send(
                        &mut c,
                        &ws_frame(0x82, b"x", true, Some(u64::MAX >> 1)),
                        tally,
                    ), // huge length
                    8 => send(&mut c, &ws_frame(0x82, b"unmasked", false, None), tally), // protocol violation
                    9 => {
                        let f = ws_frame(0x82, &r.bytes(300), true, None);
                        send(&mut c, &f[..f.len() / 2], tally); // truncated
                        c.reset();
                        return;
                    }
                    10 => {
                        // a continuation nobody started, a reserved opcode, a huge ping
                        send(&mut c, &ws_frame(0x00, b"cont", true, None), tally);
                        send(&mut c, &ws_frame(0x83, b"rsv", true, None), tally);
                        send(&mut c, &ws_frame(0x89, &[0u8; 200], true, None), tally);
                    }
                    _ => {
                        // a fragmented message that grows past the limit (must not arrive)
                        let mut first = b"OVER".to_vec();
                        first.resize(LIMIT / 2, b'F');
                        send(&mut c, &ws_frame(0x02, &first, true, None), tally);
                        send(
                            &mut c,
                            &ws_frame(0x00, &[b'F'; LIMIT / 2], true, None),
                            tally,
                        );
                        send(&mut c, &ws_frame(0x80, &[b'F'; 16], true, None), tally);
                    }
                }
            }
        }
        if r.chance(1, 2) {
            c.reset()
        }
        return;
    }
    // tcp / ipc
    let hdr = SP_PUSH_HDR;
    match k % 13 {
        0 => {
            let n = r.below(4096);
            send(&mut c, &r.bytes(n), tally)
        }
        1 => {
            send(&mut c, &hdr, tally);
            let n = r.below(4096);
            send(&mut c, &r.bytes(n), tally)
        }
        2 | 3 => {
            // valid header, then a huge length
            send(&mut c, &hdr, tally);
            let len = *r.pick(&[u64::MAX, 1 << 63, 1 << 40, 1 << 32, (LIMIT as u64) * 1000]);
            send(&mut c, &t.frame_hdr(len), tally);
            send(&mut c, &r.bytes(64), tally);
        }
        4 => {
            // truncated frame, then a plain close
            send(&mut c, &hdr, tally);
            send(&mut c, &t.frame_hdr(100), tally);
            send(&mut c, &r.bytes(50), tally);
        }
        5 => {
            // dropped mid-frame with a reset
            send(&mut c, &hdr, tally);
            send(&mut c, &t.frame_hdr(1000), tally);
            send(&mut c, &r.bytes(500), tally);
            c.reset();
            return;
        }
        6 => send(&mut c, &hdr[..3], tally), // partial handshake
        7 => send(&mut c, &[0, b'S', b'P', 0, 0x00, 0x10, 0, 0], tally), // pair0: wrong peer
        8 => send(&mut c, &[0, b'S', b'P', 1, 0x00, 0x50, 0xFF, 0xFF], tally), // bad version / reserved
        9 => {
            held.push(c);
            return;
        }            // silent
        10 => {
            // ipc: a bad message type byte; tcp: a frame header cut in half
            send(&mut c, &hdr, tally);
            if t.tr == Tr::Ipc {
                send(&mut c, &[7, 0, 0, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4], tally);
            } else {
                send(&mut c, &[0, 0, 0], tally);
            }
        }
        11 => {
            // a burst of tiny valid messages (these do arrive: counted); kept open, as a
            // peer that closes at once may be dropped before the handshake completes (ipc)
            send(&mut c, &hdr, tally);
            let mut v = Vec::new();
            for _ in 0..50 {
                v.extend(t.message(b"GARBAGE-OK"));
            }
            send(&mut c, &v, tally);
            held.push(c);
            return;
        }
        _ => {} // connect, close
    }
    if r.chance(1, 3) {
        c.reset()
    }
}

/// Drains the pull socket for `ms`, classifying what arrives.
fn drain(pull: pnng_socket, ms: u64, seen: &mut Vec<Vec<u8>>) {
    let end = Instant::now() + Duration::from_millis(ms);
    while Instant::now() < end {
        let mut m = std::ptr::null_mut();
        if unsafe { pnng_socket_recv_msg(pull, PNNG_FLAG_NONBLOCK, &mut m) } == 0 {
            seen.push(take(m));
        } else {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// Waits up to 5 s for a message starting with `marker`, keeping everything seen.
fn wait_for(pull: pnng_socket, marker: &[u8], seen: &mut Vec<Vec<u8>>) -> bool {
    let end = Instant::now() + Duration::from_secs(5);
    while Instant::now() < end {
        let mut m = std::ptr::null_mut();
        let rv = unsafe { pnng_socket_recv_msg(pull, PNNG_FLAG_NONBLOCK, &mut m) };
        if rv == 0 {
            let b = take(m);
            let hit = b.starts_with(marker);
            seen.push(b);
            if hit {
                return true;
            }
        } else {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    false
}

fn classify(seen: &mut Vec<Vec<u8>>, tally: &mut Tally) {
    for b in seen.drain(..) {
        if b.starts_with(b"OVER") {
            tally.over_delivered += 1;
        } else if b.starts_with(b"GARBAGE-OK")
            || !b.starts_with(b"PROBE") && !b.starts_with(b"UNDR")
        {
            tally.garbage_delivered += 1;
        }
    }
}

fn setup(tr: Tr, tls: Option<(*mut pnng_tls_config, *mut pnng_tls_config)>) -> Target {
    let pull = open(pnng_pull0_open);
    let push = open(pnng_push0_open);
    set_ms(pull, "recv-timeout", 5000);
    set_ms(push, "send-timeout", 5000);
    let o = c("recv-size-max");
    assert_eq!(
        unsafe { pnng_socket_set_size(pull, o.as_ptr(), LIMIT) },
        PNNG_OK
    );
    let pid = std::process::id();
    let (url, path) = match tr {
        Tr::Tcp => ("tcp://127.0.0.1:0".to_string(), PathBuf::new()),
        Tr::Ws => ("ws://127.0.0.1:0/stress".to_string(), PathBuf::new()),
        Tr::Tls => ("tls+tcp://127.0.0.1:0".to_string(), PathBuf::new()),
        Tr::Ipc => {
            let p = PathBuf::from(format!("/tmp/pnng-stress-wire-{pid}.ipc"));
            (format!("ipc://{}", p.display()), p)
        }
    };
    if let Some((srv, cli)) = tls {
        assert_eq!(unsafe { pnng_socket_set_tls(pull, srv) }, PNNG_OK);
        assert_eq!(unsafe { pnng_socket_set_tls(push, cli) }, PNNG_OK);
    }
    let l = listen(pull, &url);
    let mut sz = 0usize;
    assert_eq!(
        unsafe { pnng_listener_get_size(l, o.as_ptr(), &mut sz) },
        PNNG_OK
    );
    assert_eq!(sz, LIMIT, "the listener inherits recv-size-max");
    let mut port: c_int = 0;
    if tr != Tr::Ipc {
        let p = c("tcp-bound-port");
        assert_eq!(
            unsafe { pnng_listener_get_int(l, p.as_ptr(), &mut port) },
            PNNG_OK
        );
    }
    let dial_url = match tr {
        Tr::Tcp => format!("tcp://127.0.0.1:{port}"),
        Tr::Ws => format!("ws://127.0.0.1:{port}/stress"),
        Tr::Tls => format!("tls+tcp://127.0.0.1:{port}"),
        Tr::Ipc => url.clone(),
    };
    // the real peer: retries in the background, so it survives anything the garbage does
    let mut d = pnng_dialer { id: 0 };
    let du = c(&dial_url);
    assert_eq!(
        unsafe { pnng_dialer_create(push, du.as_ptr(), &mut d) },
        PNNG_OK
    );
    for (opt, v) in [("reconnect-time-min", 10), ("reconnect-time-max", 100)] {
        let o = c(opt);
        assert_eq!(unsafe { pnng_dialer_set_ms(d, o.as_ptr(), v) }, PNNG_OK);
    }
    assert_eq!(unsafe { pnng_dialer_start(d, PNNG_FLAG_NONBLOCK) }, PNNG_OK);
    Target {
        tr,
        url: dial_url,
        port: port as u16,
        path,
        pull,
        push,
    }
}

fn run_transport(
    tr: Tr,
    waves: u64,
    tls: Option<(*mut pnng_tls_config, *mut pnng_tls_config)>,
) -> (Tally, bool) {
    let t = setup(tr, tls);
    let wd = Watchdog::new(&format!("wire {tr:?}"), Duration::from_secs(60));
    let mut tally = Tally::default();
    let mut r = Rng::new(seed() ^ tr as u64);
    let mut seen = Vec::new();
    let mut ok = true;
    for w in 0..waves {
        wd.feed(|| format!("wire {tr:?} wave {w}"));
        let mut held = Vec::new();
        let kinds = if tr == Tr::Tls {
            6
        } else if tr == Tr::Ws {
            12
        } else {
            13
        };
        for i in 0..(kinds * 2) {
            garbage(&t, &mut r, (i + w as usize) % kinds, &mut tally, &mut held);
        }
        // recv-size-max: LIMIT+1 never arrives, LIMIT does (needs our own framing: not tls)
        if tr != Tr::Tls {
            let mut over = b"OVER".to_vec();
            over.resize(LIMIT + 1, b'o');
            let mut under = b"UNDR".to_vec();
            under.extend_from_slice(&w.to_be_bytes());
            under.resize(LIMIT, b'u');
            if let Some(mut c) = t.handshaken() {
                tally.conns += 1;
                let _ = c.write_all(&t.message(&over));
                held.push(c);
            }
            if let Some(mut c) = t.handshaken() {
                tally.conns += 1;
                let _ = c.write_all(&t.message(&under));
                held.push(c);
                if !wait_for(t.pull, &under[..12], &mut seen) {
                    tally.under_missing += 1;
                    eprintln!(
                        "wire {tr:?} wave {w}: a {LIMIT}-byte message (= recv-size-max) did not arrive"
                    );
                }
            } else {
                tally.under_missing += 1;
                eprintln!("wire {tr:?} wave {w}: handshake for the size check failed");
            }
        }
        // the real peer still gets through (while slow garbage connections are held open)
        let probe = format!("PROBE-{w}");
        let rt = send(t.push, probe.as_bytes()) == PNNG_OK
            && wait_for(t.pull, probe.as_bytes(), &mut seen);
        tally.round_trips += 1;
        if !rt {
            tally.failed_round_trips += 1;
            ok = false;
            eprintln!("wire {tr:?} wave {w}: round trip through {} failed", t.url);
        }
        drop(held);
        drain(t.pull, 5, &mut seen);
        classify(&mut seen, &mut tally);
        tally.waves += 1;
    }
    drain(t.pull, 100, &mut seen);
    classify(&mut seen, &mut tally);
    // the listening side first: the dialer is left retrying when its socket closes
    close(t.pull);
    close(t.push);
    if tr == Tr::Ipc {
        let _ = std::fs::remove_file(&t.path);
    }
    ok &= tally.over_delivered == 0 && tally.under_missing == 0;
    (tally, ok)
}

#[test]
#[ignore = "stress suite: make stress"]
fn wire_fuzz() {
    let waves = count(100, 20_000);
    let t0 = Instant::now();
    let rss0 = rss_kib();
    let fds0 = fd_count();
    let tls = tls_configs();
    let mut trs = vec![Tr::Tcp, Tr::Ipc, Tr::Ws];
    if tls.is_some() {
        trs.push(Tr::Tls);
    } else {
        report("wire tls skipped: no openssl to make certificates");
    }
    let mut all_ok = true;
    let mut rss_warm = 0;
    let mut rss_peak = 0;
    for (i, tr) in trs.iter().enumerate() {
        let (tally, ok) = run_transport(*tr, waves, if *tr == Tr::Tls { tls } else { None });
        if i == 0 {
            rss_warm = rss_kib();
        }
        rss_peak = rss_peak.max(rss_kib());
        all_ok &= ok;
        report(&format!(
            "wire {:?}: {} waves, {} garbage connections, {} bytes, {}/{} round trips ok, {} oversize (LIMIT+1) delivered, \
             {} at-limit missing, {} garbage messages delivered (valid frames among the garbage)",
            tr,
            tally.waves,
            tally.conns,
            tally.bytes,
            tally.round_trips - tally.failed_round_trips,
            tally.round_trips,
            tally.over_delivered,
            tally.under_missing,
            tally.garbage_delivered
        ));
    }
    if let Some((s, c)) = tls {
        unsafe {
            pnng_tls_config_free(s);
            pnng_tls_config_free(c);
        }
    }
    let rss_end = rss_kib();
    let bounded = rss_flat(rss_warm, rss_end, 16 * 1024);
    report(&format!(
        "wire RSS: start {rss0} KiB, after first transport {rss_warm} KiB, peak {rss_peak} KiB, end {rss_end} KiB ({}); \
         open fds {fds0} -> {}, {}",
        if bounded { "bounded" } else { "GREW" },
        fd_count(),
        secs(t0.elapsed())
    ));
    assert!(
        all_ok,
        "wire fuzz: a round trip failed or recv-size-max was not enforced (see above)"
    );
    assert!(
        bounded,
        "wire fuzz: RSS grew from {rss_warm} to {rss_end} KiB"
    );
}
