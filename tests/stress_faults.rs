//! Stress: faults.
//! - `close_while_blocked`: sockets, contexts, dialers and listeners closed from another thread
//!   while receives / sends / aios block on them, per transport. Every blocked call must wake
//!   with `PNNG_ECLOSED` (closing a dialer or listener must not wake the socket's calls; the
//!   later socket close must), within 5 s. 10 000 rounds per transport here (inproc, ipc, tcp
//!   at the same time; tls+tcp on 4 threads, its handshakes are slow), 200 000 long.
//! - `aio_cancel_races_completion`: a receive aio cancelled while a message arrives: each start
//!   completes exactly once, with success or `PNNG_ECANCELED`, and no message is lost or doubled.
//! - `req_resend_survives_rep_restarts`: the rep peer is closed and reopened on the same
//!   address (100 times per transport here, 2 000 long); with a short `req:resend-time` every
//!   request gets its own reply.
//! - `pipe_close_under_load`: for every protocol pair, both sides send and receive as fast as
//!   they can while the listening side's listener closes (its pipe stops mid-traffic), then it
//!   receives what is left. No crash (NNG 1.11's pair0, pair1 and push0 crashed here, fixed in
//!   vendor/nng-sys), every call returns a documented code. 1 000 rounds per pair over tcp and
//!   ipc here, 100 000 long.
//! - `dialer_backoff_under_listener_restarts`: the listener is replaced by a plain TCP listener
//!   that hangs up; the dialer's attempts follow reconnect-time-min/max; once the real
//!   listener is back the dialer reconnects within reconnect-time-max plus slack.
mod common;
mod stress;
use common::*;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use stress::*;

const NB: c_int = PNNG_FLAG_NONBLOCK;

fn url_for(tr: &str) -> String {
    addr(tr)
}

/// A transport as the close rounds use it: fresh addresses, and the TLS configs that
/// `tls+tcp://` sockets need before they listen or dial.
#[derive(Clone, Copy)]
struct Net {
    tr: &'static str,
    tls: Option<(*mut pnng_tls_config, *mut pnng_tls_config)>,
}

// The configs are only read (NNG holds its own references); they outlive every round.
unsafe impl Send for Net {}

impl Net {
    /// Listens on a fresh address; the listener and the URL to dial. tcp and tls listen on
    /// port 0 and dial the port they got: a port found free first could be taken by another
    /// round's connection before the listen (the transports run at the same time).
    fn listen(&self, s: pnng_socket) -> (pnng_listener, String) {
        let scheme = match self.tr {
            "tcp" => "tcp",
            "tls" => "tls+tcp",
            // NNG shares one HTTP server among ws listeners of the same host:port, port 0
            // included, so ws takes a free port; another worker's listener can take it first
            // (EADDRINUSE), or have just closed on it while the shared server it joins is still
            // stopping (ESTATE from the server's listener): both mean "try another port".
            "ws" => loop {
                let (url, mut l) = (addr("ws"), pnng_listener { id: 0 });
                let u = c(&url);
                match unsafe { pnng_socket_listen(s, u.as_ptr(), 0, &mut l) } {
                    PNNG_EADDRINUSE | PNNG_ESTATE => continue,
                    rv => {
                        assert_eq!(rv, PNNG_OK, "listen {url}");
                        return (l, url);
                    }
                }
            },
            t => {
                let url = addr(t);
                return (listen(s, &url), url);
            }
        };
        let l = listen(s, &format!("{scheme}://127.0.0.1:0"));
        let (mut port, o) = (0, c("tcp-bound-port"));
        assert_eq!(
            unsafe { pnng_listener_get_int(l, o.as_ptr(), &mut port) },
            PNNG_OK
        );
        (l, format!("{scheme}://127.0.0.1:{port}"))
    }
    /// Opens a socket ready to listen (`listening`) or dial on this transport.
    fn open(&self, opener: Opener, listening: bool) -> pnng_socket {
        let s = open(opener);
        if let Some((srv, cli)) = self.tls {
            assert_eq!(
                unsafe { pnng_socket_set_tls(s, if listening { srv } else { cli }) },
                PNNG_OK
            );
        }
        s
    }
    /// A connected pair: `a` listens, `b` dials (synchronously).
    fn pair(&self, a: Opener, b: Opener) -> (pnng_socket, pnng_socket) {
        let (x, y) = (self.open(a, true), self.open(b, false));
        for s in [x, y] {
            set_ms(s, "recv-timeout", 5000);
            set_ms(s, "send-timeout", 5000);
        }
        let (_, url) = self.listen(x);
        dial(y, &url);
        (x, y)
    }
}

#[derive(Default)]
struct Outcome {
    rounds: u64,
    woken_ok: u64,
    wrong_code: u64,
    stuck: u64,
    early: u64,
}

impl Outcome {
    fn add(&mut self, o: Outcome) {
        self.rounds += o.rounds;
        self.woken_ok += o.woken_ok;
        self.wrong_code += o.wrong_code;
        self.stuck += o.stuck;
        self.early += o.early;
    }
}

/// Runs `f` on a thread; its result, or None if it is still blocked after `limit`.
fn in_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> mpsc::Receiver<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx
}

fn blocked_recv(s: pnng_socket) -> mpsc::Receiver<i32> {
    in_thread(move || {
        let mut m = std::ptr::null_mut();
        let rv = unsafe { pnng_socket_recv_msg(s, 0, &mut m) };
        if rv == 0 {
            unsafe { pnng_msg_free(m) };
        }
        rv
    })
}

fn blocked_ctx_recv(c: pnng_ctx) -> mpsc::Receiver<i32> {
    in_thread(move || {
        let mut m = std::ptr::null_mut();
        let rv = unsafe { pnng_ctx_recv_msg(c, 0, &mut m) };
        if rv == 0 {
            unsafe { pnng_msg_free(m) };
        }
        rv
    })
}

/// Sends `chunk`-byte messages until one fails (the socket closes while it blocks on full
/// buffers or on having no peer). Large chunks fill the socket and kernel buffers in a few
/// dozen sends, so the send really blocks instead of racing the close with a busy loop.
fn blocked_send(s: pnng_socket, chunk: usize) -> mpsc::Receiver<i32> {
    in_thread(move || {
        let data = vec![0x5Au8; chunk];
        for _ in 0..100_000 {
            let rv = unsafe { pnng_socket_send(s, data.as_ptr().cast(), data.len(), 0) };
            if rv != 0 {
                return rv;
            }
        }
        0
    })
}

/// Counts callbacks into the `AtomicU32` that `ud` points at: one counter per round, so
/// rounds running at the same time on other transports do not mix their counts.
unsafe extern "C" fn aio_done(ud: *mut c_void) {
    unsafe { &*(ud as *const AtomicU32) }.fetch_add(1, Ordering::SeqCst);
}

/// A random pause of 0 to ~2 ms (mostly none), so closes land before, while and after the
/// other thread blocks.
fn small_sleep(r: &mut Rng) {
    match r.below(4) {
        0 => {}
        1 => std::thread::yield_now(),
        2 => std::thread::sleep(Duration::from_micros(r.below(300) as u64)),
        _ => std::thread::sleep(Duration::from_micros(300 + r.below(1700) as u64)),
    }
}

/// How long a blocked call may take to wake after the close before it counts as stuck. Only
/// a real hang reaches it (a woken call returns in microseconds); it is long so that a loaded
/// CI machine never turns a slow wake-up into a failure.
const WAKE_LIMIT: Duration = Duration::from_secs(5);

/// Waits for a blocked call: Some(code) or None when stuck.
fn woke(rx: &mpsc::Receiver<i32>) -> Option<i32> {
    rx.recv_timeout(WAKE_LIMIT).ok()
}

/// Polls `f` every 100 µs until it holds or `WAKE_LIMIT` passes (`eventually` polls every
/// 10 ms, which would dominate a round).
fn soon(mut f: impl FnMut() -> bool) -> bool {
    let t = Instant::now();
    while t.elapsed() < WAKE_LIMIT {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
    f()
}

fn check(o: &mut Outcome, what: &str, got: Option<i32>, allowed: &[i32]) {
    match got {
        None => {
            o.stuck += 1;
            eprintln!("faults: STUCK: {what} did not return within {WAKE_LIMIT:?}");
        }
        Some(c) if allowed.contains(&c) => o.woken_ok += 1,
        Some(c) => {
            o.wrong_code += 1;
            if o.wrong_code <= 5 {
                eprintln!(
                    "faults: {what} returned {c} ({}), expected {allowed:?}",
                    strerror(c)
                );
            }
        }
    }
}

/// Whether a call that must stay blocked returned anyway within `window` (a negative check:
/// a short window can miss a wrong wake-up but never reports a correct run as failed).
fn returned_within(rx: &mpsc::Receiver<i32>, window: Duration) -> bool {
    rx.recv_timeout(window).is_ok()
}

const SCENARIOS: usize = 7;

fn close_round(net: Net, r: &mut Rng, o: &mut Outcome) {
    let tr = net.tr;
    let scenario = r.below(SCENARIOS);
    o.rounds += 1;
    match scenario {
        0 | 1 => {
            // a receive blocked on a connected socket; the socket closes (or its peer first).
            // Which side blocks is random: the listening side closing first is the path of
            // NNG's descriptor leak (stress_regressions.rs), the dialing side is not.
            let (l, d) = net.pair(pnng_pair0_open, pnng_pair0_open);
            let (a, b) = if r.chance(1, 2) { (l, d) } else { (d, l) };
            set_ms(a, "recv-timeout", -1);
            let rx = blocked_recv(a);
            small_sleep(r);
            if scenario == 1 {
                close(b);
                if returned_within(&rx, Duration::from_millis(2)) {
                    o.early += 1; // the peer going away must not end the receive
                    eprintln!("faults: a receive returned when only the peer closed ({tr})");
                    close(a);
                    return;
                }
            }
            assert_eq!(unsafe { pnng_socket_close(a) }, PNNG_OK);
            check(
                o,
                &format!("recv on a closed socket ({tr})"),
                woke(&rx),
                &[PNNG_ECLOSED],
            );
            if scenario == 0 {
                close(b);
            }
        }
        2 => {
            // a send blocked on push0: on full buffers (a peer that does not read) or on
            // having no peer at all
            let with_peer = r.chance(1, 2);
            let (push, pull) = if with_peer {
                let (pull, push) = net.pair(pnng_pull0_open, pnng_push0_open);
                (push, Some(pull))
            } else {
                (open(pnng_push0_open), None)
            };
            set_ms(push, "send-timeout", -1);
            let rx = blocked_send(push, if with_peer { 64 * 1024 } else { 4 });
            small_sleep(r);
            assert_eq!(unsafe { pnng_socket_close(push) }, PNNG_OK);
            check(
                o,
                &format!("send on a closed socket ({tr})"),
                woke(&rx),
                &[PNNG_ECLOSED],
            );
            if let Some(pull) = pull {
                close(pull);
            }
        }
        3 => {
            // a context receive on rep0; the context closes, then the socket
            let (rep, req) = net.pair(pnng_rep0_open, pnng_req0_open);
            let mut c = pnng_ctx { id: 0 };
            assert_eq!(unsafe { pnng_socket_new_context(rep, &mut c) }, PNNG_OK);
            let o_ = c_("recv-timeout");
            assert_eq!(unsafe { pnng_ctx_set_ms(c, o_.as_ptr(), -1) }, PNNG_OK);
            let rx = blocked_ctx_recv(c);
            small_sleep(r);
            if r.chance(1, 2) {
                assert_eq!(unsafe { pnng_ctx_close(c) }, PNNG_OK);
            } else {
                assert_eq!(unsafe { pnng_socket_close(rep) }, PNNG_OK);
            }
            check(
                o,
                &format!("ctx recv on a closed context/socket ({tr})"),
                woke(&rx),
                &[PNNG_ECLOSED],
            );
            let _ = unsafe { pnng_socket_close(rep) };
            close(req);
        }
        4 => {
            // closing the listener or the dialer does not end the socket's receive;
            // closing the socket then does
            let (a, b) = (
                net.open(pnng_pair0_open, true),
                net.open(pnng_pair0_open, false),
            );
            set_ms(a, "recv-timeout", -1);
            set_ms(b, "recv-timeout", -1);
            let (l, url) = net.listen(a);
            let d = dial(b, &url);
            let ra = blocked_recv(a);
            let rb = blocked_recv(b);
            small_sleep(r);
            assert_eq!(unsafe { pnng_listener_close(l) }, PNNG_OK);
            assert_eq!(unsafe { pnng_dialer_close(d) }, PNNG_OK);
            if returned_within(&ra, Duration::from_millis(1))
                || returned_within(&rb, Duration::ZERO)
            {
                o.early += 1;
                eprintln!("faults: closing a dialer/listener ended a socket receive ({tr})");
            }
            close(a);
            close(b);
            check(
                o,
                &format!("recv after endpoint close + socket close ({tr})"),
                woke(&ra),
                &[PNNG_ECLOSED],
            );
            check(
                o,
                &format!("recv after endpoint close + socket close ({tr})"),
                woke(&rb),
                &[PNNG_ECLOSED],
            );
        }
        5 => {
            // pending aios (callback) on a socket that closes: each completes once, ECLOSED
            let (a, b) = net.pair(pnng_pair0_open, pnng_pair0_open);
            let done = Box::new(AtomicU32::new(0));
            let ud = &*done as *const AtomicU32 as *mut c_void;
            let mut aios = Vec::new();
            for _ in 0..3 {
                let mut x = std::ptr::null_mut();
                assert_eq!(unsafe { pnng_aio_new(Some(aio_done), ud, &mut x) }, PNNG_OK);
                assert_eq!(unsafe { pnng_aio_set_timeout(x, -1) }, PNNG_OK);
                aios.push(x);
            }
            let mut started = 0;
            for x in &aios {
                if unsafe { pnng_socket_recv_aio(a, *x) } == 0 {
                    started += 1;
                }
            }
            small_sleep(r);
            let closer = in_thread(move || unsafe { pnng_socket_close(a) });
            for x in &aios {
                let rv = unsafe { pnng_aio_wait_timeout(*x, WAKE_LIMIT.as_millis() as i32) };
                let res = if rv == 0 {
                    Some(unsafe { pnng_aio_result(*x) })
                } else {
                    None
                };
                check(
                    o,
                    &format!("aio recv on a closed socket ({tr})"),
                    res,
                    &[PNNG_ECLOSED],
                );
            }
            check(
                o,
                &format!("socket close with pending aios ({tr})"),
                woke(&closer),
                &[PNNG_OK],
            );
            // a callback runs after its aio counts as complete: wait for it before freeing
            let ok = soon(|| done.load(Ordering::SeqCst) >= started);
            for x in aios {
                unsafe { pnng_aio_free(x) };
            }
            if !ok {
                o.wrong_code += 1;
                eprintln!("faults: aio callbacks missing after socket close ({tr})");
            }
            close(b);
        }
        _ => {
            // a receive blocked while its listener, then its socket close, with traffic
            // flowing through the closing pipe (it crashed NNG 1.11's push0: vendor/README.md)
            let (a, b) = (
                net.open(pnng_pull0_open, true),
                net.open(pnng_push0_open, false),
            );
            set_ms(a, "recv-timeout", 2000);
            set_ms(b, "send-timeout", 100);
            let (l, url) = net.listen(a);
            let u = c(&url);
            assert_eq!(
                unsafe { pnng_socket_dial(b, u.as_ptr(), NB, std::ptr::null_mut()) },
                PNNG_OK
            );
            let stop = Arc::new(AtomicBool::new(false));
            let st = stop.clone();
            let sender = in_thread(move || {
                let mut bad = 0;
                while !st.load(Ordering::Relaxed) {
                    let rv = unsafe { pnng_socket_send(b, b"x".as_ptr().cast(), 1, 0) };
                    if ![PNNG_OK, PNNG_ETIMEDOUT, PNNG_ECLOSED].contains(&rv) {
                        bad = rv;
                    }
                }
                bad
            });
            let receiver = blocked_recv(a);
            small_sleep(r);
            assert_eq!(unsafe { pnng_listener_close(l) }, PNNG_OK);
            small_sleep(r);
            close(a);
            check(
                o,
                &format!("recv while its listener and socket close ({tr})"),
                woke(&receiver),
                &[PNNG_OK, PNNG_ECLOSED],
            );
            // closing the sender's socket ends its (maybe blocked) send at once, where the
            // send-timeout would cost up to 100 ms
            stop.store(true, Ordering::Relaxed);
            close(b);
            check(
                o,
                &format!("sends while the peer's listener closes ({tr})"),
                woke(&sender),
                &[0],
            );
        }
    }
}

fn c_(s: &str) -> CString {
    c(s)
}

/// Descriptors a finished run may still hold: NNG's pollers and a few pipes its reaper has not
/// got to yet.
const FD_SLACK: usize = 16;

/// Raises this process's open-file limit to the hard limit: the transports run their rounds
/// at the same time, each with a few sockets and connections open.
fn allow_many_fds() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain getrlimit/setrlimit on a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

/// `rounds` close rounds on each transport, split over `workers` threads per transport. The
/// transports run at the same time: that is what makes 10 000 rounds per transport fit the
/// bounded run on two cores (a round mostly waits), and it adds closes on one transport racing
/// rounds on the others. Worker 0 draws from the same seed whatever the number of workers.
fn close_while_blocked_on(transports: &[&'static str], rounds: u64, workers: u64) {
    let t0 = Instant::now();
    allow_many_fds();
    let tls = if transports.contains(&"tls") {
        tls_configs()
    } else {
        None
    };
    let fds0 = fd_count();
    let mut runs = Vec::new();
    for tr in transports {
        if *tr == "tls" && tls.is_none() {
            report("faults close-while-blocked tls skipped: no openssl to make certificates");
            continue;
        }
        let net = Net {
            tr,
            tls: if *tr == "tls" { tls } else { None },
        };
        let workers: Vec<_> = (0..workers)
            .map(|w| {
                let mine = rounds / workers + u64::from(w < rounds % workers);
                std::thread::spawn(move || {
                    let wd = Watchdog::new("close_while_blocked", Duration::from_secs(30));
                    let mut r = Rng::new(seed() ^ net.tr.len() as u64 ^ (w << 32));
                    let mut o = Outcome::default();
                    for i in 0..mine {
                        wd.feed(|| format!("close_while_blocked {} worker {w} round {i}", net.tr));
                        close_round(net, &mut r, &mut o);
                    }
                    o
                })
            })
            .collect();
        runs.push((net.tr, Instant::now(), workers));
    }
    let mut all_ok = true;
    for (tr, t, workers) in runs {
        let mut o = Outcome::default();
        for h in workers {
            o.add(h.join().expect("close rounds panicked"));
        }
        let took = t.elapsed();
        report(&format!(
            "faults close-while-blocked {tr}: {} rounds, {} blocked calls woken correctly, {} wrong codes, {} stuck, \
             {} ended early, {}",
            o.rounds,
            o.woken_ok,
            o.wrong_code,
            o.stuck,
            o.early,
            secs(took)
        ));
        all_ok &= o.wrong_code == 0 && o.stuck == 0 && o.early == 0;
    }
    if let Some((srv, cli)) = tls {
        unsafe {
            pnng_tls_config_free(srv);
            pnng_tls_config_free(cli);
        }
    }
    // Every round closed what it opened: descriptors return to where they were once NNG's
    // reaper has run (a leak here was NNG's, fixed in vendor/nng-sys:
    // stress_regressions.rs closing_the_listening_socket_first_leaks_no_fds).
    let fds_back = soon(|| fd_count() <= fds0 + FD_SLACK);
    let fds_end = fd_count();
    report(&format!(
        "faults close-while-blocked {}: open fds {fds0} -> {fds_end} ({}), {}",
        transports.join("+"),
        if fds_back { "none leaked" } else { "LEAKED" },
        secs(t0.elapsed())
    ));
    all_ok &= fds_back;
    assert!(all_ok, "close-while-blocked found problems (see above)");
}

#[test]
#[ignore = "stress suite: make stress"]
fn close_while_blocked() {
    close_while_blocked_on(&["inproc", "ipc", "tcp"], count(10_000, 200_000), 1);
}

/// tls+tcp on its own, over 4 threads: a round costs two TLS handshakes (about 14 ms here), so
/// one thread would take over two minutes of the bounded run's budget for 10 000 rounds.
#[test]
#[ignore = "stress suite: make stress"]
fn close_while_blocked_tls() {
    close_while_blocked_on(&["tls"], count(10_000, 200_000), 4);
}

/// ws on its own, over 4 threads: a round mostly waits (NNG's websocket close waits up to
/// 100 ms for the peer's close frame). Not at the same time as tls: together they closed
/// connections fast enough to run out of local ports (EADDRINUSE).
#[test]
#[ignore = "stress suite: make stress"]
fn close_while_blocked_ws() {
    close_while_blocked_on(&["ws"], count(10_000, 200_000), 4);
}

/// One side of `pipe_close_under_load`: sends and non-blocking receives until `stop`; the first
/// code that is not one a send or receive may give while its pipe comes and goes, or 0.
fn churn(s: pnng_socket, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<(u64, i32)> {
    std::thread::spawn(move || {
        let (mut received, mut bad) = (0, 0);
        while !stop.load(Ordering::Relaxed) {
            // ESTATE: rep/respondent with no request to answer, sub sending
            let rv = send(s, b"x");
            if ![
                PNNG_OK,
                PNNG_ETIMEDOUT,
                PNNG_EAGAIN,
                PNNG_ESTATE,
                PNNG_ENOTSUP,
            ]
            .contains(&rv)
                && bad == 0
            {
                bad = rv;
            }
            let mut m = std::ptr::null_mut();
            match unsafe { pnng_socket_recv_msg(s, NB, &mut m) } {
                PNNG_OK => {
                    received += 1;
                    unsafe { pnng_msg_free(m) };
                }
                PNNG_EAGAIN | PNNG_ESTATE | PNNG_ENOTSUP => {}
                rv if bad == 0 => bad = rv,
                _ => {}
            }
        }
        (received, bad)
    })
}

#[test]
#[ignore = "stress suite: make stress"]
fn pipe_close_under_load() {
    let pairs: [(&str, Opener, Opener); 9] = [
        ("pair0", pnng_pair0_open, pnng_pair0_open),
        ("pair1", pnng_pair1_open, pnng_pair1_open),
        ("pair1-poly", pnng_pair1_open_poly, pnng_pair1_open_poly),
        ("pull0<-push0", pnng_pull0_open, pnng_push0_open),
        ("push0->pull0", pnng_push0_open, pnng_pull0_open),
        ("sub0<-pub0", pnng_sub0_open, pnng_pub0_open),
        ("bus0", pnng_bus0_open, pnng_bus0_open),
        ("rep0<-req0", pnng_rep0_open, pnng_req0_open),
        (
            "respondent0<-surveyor0",
            pnng_respondent0_open,
            pnng_surveyor0_open,
        ),
    ];
    let rounds = count(1_000, 100_000);
    let t0 = Instant::now();
    let wd = Watchdog::new("pipe_close_under_load", Duration::from_secs(30));
    let mut all_ok = true;
    for (name, listening, dialing) in pairs {
        let (mut received, mut bad, t) = (0u64, Vec::new(), Instant::now());
        for round in 0..rounds {
            wd.feed(|| format!("pipe_close_under_load {name} round {round}"));
            let (a, b) = (open(listening), open(dialing));
            for s in [a, b] {
                set_ms(s, "send-timeout", 5);
            }
            let all = c("sub:subscribe");
            unsafe { pnng_socket_set_bytes(a, all.as_ptr(), std::ptr::null(), 0) };
            let (l, url) = listen_url(a, &url_for(if round % 2 == 0 { "tcp" } else { "ipc" }));
            dial(b, &url);
            let stop = Arc::new(AtomicBool::new(false));
            let sides = [churn(a, stop.clone()), churn(b, stop.clone())];
            std::thread::sleep(Duration::from_micros(round % 8 * 100));
            assert_eq!(unsafe { pnng_listener_close(l) }, PNNG_OK);
            stop.store(true, Ordering::Relaxed);
            for h in sides {
                let (n, rv) = h.join().expect("churn thread panicked");
                received += n;
                if rv != 0 {
                    bad.push(rv);
                }
            }
            // what the stopped pipe left behind, if anything
            for _ in 0..64 {
                let mut m = std::ptr::null_mut();
                if unsafe { pnng_socket_recv_msg(a, NB, &mut m) } == PNNG_OK {
                    unsafe { pnng_msg_free(m) };
                }
            }
            close(b);
            close(a);
        }
        report(&format!(
            "faults pipe-close-under-load {name}: {rounds} rounds (tcp, ipc), {received} messages received, \
             {} unexpected codes {:?}, {}",
            bad.len(),
            &bad[..bad.len().min(5)],
            secs(t.elapsed())
        ));
        all_ok &= bad.is_empty();
    }
    report(&format!(
        "faults pipe-close-under-load: {}",
        secs(t0.elapsed())
    ));
    assert!(
        all_ok,
        "pipe-close-under-load: unexpected codes (see above)"
    );
}

static CB_FIRED: AtomicU32 = AtomicU32::new(0);
unsafe extern "C" fn cb_count(_ud: *mut c_void) {
    CB_FIRED.fetch_add(1, Ordering::SeqCst);
}

#[test]
#[ignore = "stress suite: make stress"]
fn aio_cancel_races_completion() {
    let n = count(20_000, 2_000_000);
    let t0 = Instant::now();
    let mut all_ok = true;
    for tr in ["inproc", "tcp"] {
        let wd = Watchdog::new("aio cancel race", Duration::from_secs(30));
        let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &url_for(tr));
        // room for messages left behind by cancelled receives, so the sender never waits on
        // back-pressure while this thread is busy cancelling
        for (s, o) in [(a, "recv-buffer"), (b, "send-buffer")] {
            let oc = c(o);
            assert_eq!(
                unsafe { pnng_socket_set_int(s, oc.as_ptr(), 1024) },
                PNNG_OK
            );
        }
        let mut r = Rng::new(seed() ^ 0xCA);
        let mut aio = std::ptr::null_mut();
        assert_eq!(
            unsafe { pnng_aio_new(Some(cb_count), std::ptr::null_mut(), &mut aio) },
            PNNG_OK
        );
        let mut got: Vec<u64> = Vec::new();
        let (mut ok, mut canceled, mut other) = (0u64, 0u64, 0u64);
        let fired0 = CB_FIRED.load(Ordering::SeqCst);
        let mut starts = 0u32;
        for i in 0..n {
            wd.feed(|| format!("aio cancel race {tr} {i}"));
            assert_eq!(unsafe { pnng_socket_recv_aio(a, aio) }, PNNG_OK);
            starts += 1;
            // message and cancel race: sometimes the message first, sometimes the cancel
            let spin = r.below(3000);
            if r.chance(1, 2) {
                assert_eq!(send(b, &i.to_be_bytes()), PNNG_OK);
                for _ in 0..spin {
                    std::hint::spin_loop();
                }
                unsafe { pnng_aio_cancel(aio) };
            } else {
                let bb = b;
                let h = std::thread::spawn(move || send(bb, &i.to_be_bytes()));
                for _ in 0..spin {
                    std::hint::spin_loop();
                }
                unsafe { pnng_aio_cancel(aio) };
                assert_eq!(h.join().unwrap(), PNNG_OK);
            }
            assert_eq!(
                unsafe { pnng_aio_wait_timeout(aio, 5000) },
                PNNG_OK,
                "aio finished after cancel"
            );
            match unsafe { pnng_aio_result(aio) } {
                0 => {
                    ok += 1;
                    let mut m = std::ptr::null_mut();
                    assert_eq!(unsafe { pnng_aio_take_msg(aio, &mut m) }, PNNG_OK);
                    got.push(u64::from_be_bytes(take(m).try_into().unwrap()));
                }
                PNNG_ECANCELED => canceled += 1,
                e => {
                    other += 1;
                    eprintln!("faults: aio result {e} ({})", strerror(e));
                }
            }
            // a cancelled receive leaves its message queued: collect it (in order) so the
            // backlog never fills the buffers
            let mut m = std::ptr::null_mut();
            while unsafe { pnng_socket_recv_msg(a, NB, &mut m) } == 0 {
                got.push(u64::from_be_bytes(take(m).try_into().unwrap()));
            }
        }
        // what the cancelled receives left behind is still there, in order
        let mut m = std::ptr::null_mut();
        while unsafe { pnng_socket_recv_msg(a, NB, &mut m) } == 0 {
            got.push(u64::from_be_bytes(take(m).try_into().unwrap()));
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while got.len() < n as usize && Instant::now() < deadline {
            if unsafe { pnng_socket_recv_msg(a, NB, &mut m) } == 0 {
                got.push(u64::from_be_bytes(take(m).try_into().unwrap()));
            } else {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let fired_ok = eventually(|| CB_FIRED.load(Ordering::SeqCst) - fired0 == starts);
        let fired = CB_FIRED.load(Ordering::SeqCst) - fired0;
        let mut sorted = got.clone();
        sorted.sort_unstable();
        sorted.dedup();
        let dups = got.len() - sorted.len();
        let lost = n as usize - sorted.len();
        let reordered = got.windows(2).filter(|w| w[0] > w[1]).count();
        unsafe { pnng_aio_free(aio) };
        close(a);
        close(b);
        report(&format!(
            "faults aio-cancel-race {tr}: {n} starts, {ok} completed, {canceled} cancelled, {other} other, \
             {fired} callbacks (exactly once: {}), {lost} messages lost, {dups} duplicated, {reordered} out of order",
            fired_ok && fired == starts
        ));
        all_ok &= other == 0 && fired == starts && lost == 0 && dups == 0 && reordered == 0;
    }
    report(&format!("faults aio-cancel-race: {}", secs(t0.elapsed())));
    assert!(all_ok, "aio cancel race found problems (see above)");
}

/// Counters the rep side keeps for the main thread.
#[derive(Default)]
struct RepStats {
    /// Replies sent.
    served: AtomicU64,
    /// Requests the rep side died holding (no reply: the req side must resend).
    dropped: AtomicU64,
    /// Times the rep socket was (re)opened and listening.
    listening: AtomicU64,
}

/// The rep side: (re)opened on `url` until `stop`. When `kill` changes, the next request it
/// receives is dropped and the socket closed without a reply (killed mid-request), then it
/// comes back on the same address: the req side must resend.
fn rep_server(url: String, stop: Arc<AtomicBool>, kill: Arc<AtomicU64>, stats: Arc<RepStats>) {
    let mut seen_kill = 0;
    while !stop.load(Ordering::Relaxed) {
        let rep = open(pnng_rep0_open);
        set_ms(rep, "recv-timeout", 20);
        let u = c(&url);
        // the address may take a moment to free up
        let mut tries = 0;
        while unsafe { pnng_socket_listen(rep, u.as_ptr(), 0, std::ptr::null_mut()) } != 0 {
            tries += 1;
            assert!(tries < 500, "rep cannot listen again on {url}");
            std::thread::sleep(Duration::from_millis(10));
        }
        stats.listening.fetch_add(1, Ordering::SeqCst);
        let mut killed_at: Option<Instant> = None;
        while !stop.load(Ordering::Relaxed) {
            let k = kill.load(Ordering::SeqCst);
            if k != seen_kill {
                seen_kill = k;
                killed_at = Some(Instant::now());
            }
            // killed and no request came for a while: close anyway
            if killed_at.is_some_and(|t| t.elapsed() > Duration::from_millis(200)) {
                break;
            }
            if let Ok(req) = recv(rep) {
                if killed_at.is_some() {
                    stats.dropped.fetch_add(1, Ordering::Relaxed);
                    break; // dies holding the request
                }
                let _ = send(rep, &req);
                stats.served.fetch_add(1, Ordering::Relaxed);
            }
        }
        close(rep);
    }
}

#[test]
#[ignore = "stress suite: make stress"]
fn req_resend_survives_rep_restarts() {
    let restarts = count(100, 2_000);
    let t0 = Instant::now();
    let mut all_ok = true;
    for tr in ["tcp", "ipc"] {
        let wd = Watchdog::new("req/rep restarts", Duration::from_secs(60));
        // the server listens again and again on one address, so it is fixed up front
        let url = dial_first_addr(tr);
        let (stop, kill) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicU64::new(0)),
        );
        let stats = Arc::new(RepStats::default());
        let server = {
            let (u, s, k, st) = (url.clone(), stop.clone(), kill.clone(), stats.clone());
            std::thread::spawn(move || rep_server(u, s, k, st))
        };
        let req = open(pnng_req0_open);
        // short resend and reconnect times: recovery takes milliseconds, so 100 restarts are
        // cheap; the check is that every request is answered, not how fast
        set_ms(req, "req:resend-time", 50);
        set_ms(req, "recv-timeout", 10_000);
        set_ms(req, "send-timeout", 10_000);
        let mut d = pnng_dialer { id: 0 };
        let u = c(&url);
        assert_eq!(
            unsafe { pnng_dialer_create(req, u.as_ptr(), &mut d) },
            PNNG_OK
        );
        for (o, v) in [("reconnect-time-min", 5), ("reconnect-time-max", 20)] {
            let oc = c(o);
            assert_eq!(unsafe { pnng_dialer_set_ms(d, oc.as_ptr(), v) }, PNNG_OK);
        }
        assert_eq!(unsafe { pnng_dialer_start(d, NB) }, PNNG_OK);
        // a client thread asks without pause; the main thread kills the rep peer meanwhile
        let client_stop = Arc::new(AtomicBool::new(false));
        let results = Arc::new(Mutex::new((0u64, 0u64, Vec::<String>::new())));
        let client = {
            let (cs, res) = (client_stop.clone(), results.clone());
            std::thread::spawn(move || {
                let mut i = 0u64;
                while !cs.load(Ordering::Relaxed) {
                    let q = format!("req-{i}");
                    let rv = send(req, q.as_bytes());
                    let ans = if rv == 0 { recv(req) } else { Err(rv) };
                    let mut g = res.lock().unwrap();
                    match ans {
                        Ok(a) if a == q.as_bytes() => g.0 += 1,
                        other => {
                            g.1 += 1;
                            if g.2.len() < 5 {
                                g.2.push(format!(
                                    "{q}: {:?}",
                                    other.map(|a| String::from_utf8_lossy(&a).into_owned())
                                ));
                            }
                        }
                    }
                    i += 1;
                }
            })
        };
        let mut r = Rng::new(seed() ^ 0x4E);
        for k in 0..restarts {
            wd.feed(|| format!("req/rep restart {tr} {k}"));
            // some traffic, then a kill; the next kill only once the rep is back, so every
            // one of them is a real restart
            std::thread::sleep(Duration::from_millis(5 + r.below(30) as u64));
            let back = stats.listening.load(Ordering::SeqCst) + 1;
            kill.fetch_add(1, Ordering::SeqCst);
            while stats.listening.load(Ordering::SeqCst) < back {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        std::thread::sleep(Duration::from_millis(100));
        client_stop.store(true, Ordering::Relaxed);
        wd.feed(|| "req/rep: waiting for the client's last request".into());
        client.join().unwrap();
        close(req);
        stop.store(true, Ordering::Relaxed);
        server.join().unwrap();
        let g = results.lock().unwrap();
        let dropped = stats.dropped.load(Ordering::Relaxed);
        report(&format!(
            "faults req-rep-restart {tr}: {restarts} rep restarts, {dropped} killed holding a request, {} requests answered \
             correctly, {} failed, {} replies sent by rep",
            g.0,
            g.1,
            stats.served.load(Ordering::Relaxed)
        ));
        for e in &g.2 {
            eprintln!("faults: request failed: {e}");
        }
        // most kills land on a request (the client never pauses), but one that finds none
        // within 200 ms restarts anyway: "every kill held a request" would assert timing
        all_ok &= g.1 == 0 && g.0 > restarts && dropped > 0;
    }
    report(&format!("faults req-rep-restart: {}", secs(t0.elapsed())));
    assert!(all_ok, "a request was not recovered across rep restarts");
}

#[test]
#[ignore = "stress suite: make stress"]
fn dialer_backoff_under_listener_restarts() {
    let cycles = count(3, 100);
    let (min_ms, max_ms) = (20u64, 200u64);
    // Room for scheduling delays on a loaded CI machine. The failures that matter are far
    // outside it: no back-off (hundreds of attempts a second) or no cap (gaps doubling past
    // reconnect-time-max: 320, 640, 1280 ms...).
    let slack = 300u64;
    let t0 = Instant::now();
    let wd = Watchdog::new("backoff", Duration::from_secs(60));
    let port = free_port();
    let url = format!("tcp://127.0.0.1:{port}");
    let push = open(pnng_push0_open);
    set_ms(push, "send-timeout", 5000);
    let mut d = pnng_dialer { id: 0 };
    let u = c(&url);
    assert_eq!(
        unsafe { pnng_dialer_create(push, u.as_ptr(), &mut d) },
        PNNG_OK
    );
    for (o, v) in [
        ("reconnect-time-min", min_ms as i32),
        ("reconnect-time-max", max_ms as i32),
    ] {
        let oc = c(o);
        assert_eq!(unsafe { pnng_dialer_set_ms(d, oc.as_ptr(), v) }, PNNG_OK);
    }
    let mut problems = Vec::new();
    let mut gaps_all: Vec<u64> = Vec::new();
    let mut reconnects: Vec<u64> = Vec::new();
    let mut started = false;
    for cyc in 0..cycles {
        wd.feed(|| format!("backoff cycle {cyc}: real listener"));
        // the real listener: the dialer connects and a message gets through
        let pull = open(pnng_pull0_open);
        set_ms(pull, "recv-timeout", 5000);
        let t_up = Instant::now();
        let mut tries = 0;
        while unsafe { pnng_socket_listen(pull, u.as_ptr(), 0, std::ptr::null_mut()) } != 0 {
            tries += 1;
            assert!(tries < 300, "cannot listen on {url} again");
            std::thread::sleep(Duration::from_millis(10));
        }
        if !started {
            assert_eq!(unsafe { pnng_dialer_start(d, NB) }, PNNG_OK);
            started = true;
        }
        let msg = format!("cycle-{cyc}");
        assert_eq!(send(push, msg.as_bytes()), PNNG_OK);
        match recv(pull) {
            Ok(b) if b == msg.as_bytes() => {}
            other => problems.push(format!("cycle {cyc}: round trip gave {other:?}")),
        }
        let took = t_up.elapsed().as_millis() as u64;
        if cyc > 0 {
            reconnects.push(took);
            if took > max_ms + 500 {
                problems.push(format!("cycle {cyc}: reconnect after the listener came back took {took} ms (max {max_ms})"));
            }
        }
        // the listener goes away; a plain listener that hangs up counts the attempts
        close(pull);
        wd.feed(|| format!("backoff cycle {cyc}: counting attempts"));
        let l = {
            let mut tries = 0;
            loop {
                match std::net::TcpListener::bind(("127.0.0.1", port)) {
                    Ok(l) => break l,
                    Err(_) if tries < 300 => {
                        tries += 1;
                        std::thread::sleep(Duration::from_millis(10))
                    }
                    Err(e) => panic!("bind {port}: {e}"),
                }
            }
        };
        l.set_nonblocking(true).unwrap();
        let mut stamps = Vec::new();
        let t = Instant::now();
        while t.elapsed() < Duration::from_millis(2000) {
            match l.accept() {
                Ok((s, _)) => {
                    stamps.push(t.elapsed().as_millis() as u64);
                    drop(s);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(1)),
            }
        }
        drop(l);
        let gaps: Vec<u64> = stamps.windows(2).map(|w| w[1] - w[0]).collect();
        let max_gap = gaps.iter().copied().max().unwrap_or(0);
        let mean = if gaps.is_empty() {
            0
        } else {
            gaps.iter().sum::<u64>() / gaps.len() as u64
        };
        // NNG waits a random time in [0, back-off) and doubles back-off from min up to max:
        // no gap beyond max (+ slack), and on average well above zero (no hot loop).
        if stamps.len() < (2000 / (max_ms + slack)) as usize {
            problems.push(format!(
                "cycle {cyc}: only {} attempts in 2 s (max back-off {max_ms} ms)",
                stamps.len()
            ));
        }
        if max_gap > max_ms + slack {
            problems.push(format!(
                "cycle {cyc}: a gap of {max_gap} ms between attempts (max {max_ms} ms)"
            ));
        }
        if stamps.len() > 2000 / 20 {
            problems.push(format!(
                "cycle {cyc}: {} attempts in 2 s: back-off not honoured",
                stamps.len()
            ));
        }
        if !gaps.is_empty() && mean < max_ms / 10 {
            problems.push(format!(
                "cycle {cyc}: mean gap {mean} ms, far below the back-off"
            ));
        }
        gaps_all.extend(gaps);
    }
    // Back once more: the dialer reconnects after the last restart too.
    wd.feed(|| "backoff: final reconnect".into());
    let pull = open(pnng_pull0_open);
    set_ms(pull, "recv-timeout", 5000);
    let mut tries = 0;
    while unsafe { pnng_socket_listen(pull, u.as_ptr(), 0, std::ptr::null_mut()) } != 0 {
        tries += 1;
        assert!(tries < 300, "cannot listen on {url} again");
        std::thread::sleep(Duration::from_millis(10));
    }
    if send(push, b"last") != PNNG_OK || recv(pull) != Ok(b"last".to_vec()) {
        problems.push("no round trip after the last listener restart".into());
    }
    close(push);
    close(pull);
    let max_gap = gaps_all.iter().copied().max().unwrap_or(0);
    let mean = if gaps_all.is_empty() {
        0
    } else {
        gaps_all.iter().sum::<u64>() / gaps_all.len() as u64
    };
    report(&format!(
        "faults backoff: {cycles} listener restarts, {} hang-up attempts counted, gap mean {mean} ms / max {max_gap} ms \
         (min {min_ms}, max {max_ms}), reconnect after restart max {} ms, {} problems, {}",
        gaps_all.len() + cycles as usize,
        reconnects.iter().copied().max().unwrap_or(0),
        problems.len(),
        secs(t0.elapsed())
    ));
    for p in &problems {
        eprintln!("faults: {p}");
    }
    assert!(problems.is_empty(), "back-off not honoured (see above)");
}
