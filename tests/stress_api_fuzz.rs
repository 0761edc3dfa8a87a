//! Stress: API fuzzing. Random sequences of C API calls (every opener, listen/dial on every local
//! transport, send/recv, options of every type with valid, unknown and mistyped names, contexts,
//! aios with callbacks and completion queues, messages, pipe lists, stats, TLS configs, devices)
//! with live, stale, foreign, zero and random handles, NULL pointers and odd sizes.
//!
//! Checked: no crash, no hang, every code in the documented set, and these contract points:
//! a NULL that is not allowed (including NULL data with a huge length) is `PNNG_EINVAL`; a closed
//! or never-issued handle is `PNNG_ECLOSED`/`PNNG_ENOENT`; unknown option names `PNNG_ENOTSUP`,
//! wrong types `PNNG_EBADTYPE`; junk flags `PNNG_EINVAL`; message edits match a shadow copy; an
//! `EMSGSIZE` receive keeps the message for the next receive; every started aio completes
//! exactly once (callback or queue entry).
//!
//! `api_fuzz` runs the sequences in child processes (`api_fuzz_worker`), two at a time, so a
//! crash or hang is counted with the sequence that caused it and the run goes on after it.
//! Repro of one sequence N (prints every call):
//!   PNNG_FUZZ_FROM=<worker start> PNNG_FUZZ_TO=N+1 PNNG_FUZZ_TRACE=N cargo test --release \
//!     --test stress_api_fuzz -- --ignored --exact api_fuzz_worker --nocapture
//! (worker starts: 0 and total/2; sequences depend a little on the ones before them in the same
//! worker, through the pools of dead ids; plus PNNG_STRESS_SEED if the run used another seed).
//! PNNG_FUZZ_PROFILE=1 prints where the time goes.
mod common;
mod stress;
use common::*;
use std::collections::HashMap;
use std::ptr::{null, null_mut};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use stress::*;

const NB: c_int = PNNG_FLAG_NONBLOCK;
const HUGE: usize = usize::MAX / 2 + 12345;

// ---------------------------------------------------------------------------------------------
// The parent: runs workers, counts crashes and hangs, sums the results.

#[derive(Default, Clone, Debug)]
struct Totals {
    seqs: u64,
    calls: u64,
    undocumented: u64,
    violations: u64,
    internal: u64,
    aio_starts: u64,
    crashes: u64,
    hangs: u64,
    worker_failures: u64,
}

/// The part of a line from `tag` on (a crash message may follow other output on its line).
fn tagged<'a>(line: &'a str, tag: &str) -> Option<&'a str> {
    line.find(tag).map(|i| &line[i..])
}

fn parse_kv(line: &str, key: &str) -> Option<u64> {
    line.split_whitespace().find_map(|w| {
        w.strip_prefix(key)
            .and_then(|v| v.strip_prefix('='))
            .and_then(|v| v.parse().ok())
    })
}

fn run_range(from: u64, to: u64, notes: &Mutex<Vec<String>>) -> Totals {
    let exe = std::env::current_exe().unwrap();
    let mut t = Totals::default();
    let mut start = from;
    let mut restarts = 0;
    while start < to {
        let child = std::process::Command::new(&exe)
            .args([
                "--ignored",
                "--exact",
                "api_fuzz_worker",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("PNNG_FUZZ_FROM", start.to_string())
            .env("PNNG_FUZZ_TO", to.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("worker starts");
        let pid = child.id();
        let out = child.wait_with_output().expect("worker output");
        // ipc socket files a dead worker could not remove
        if let Ok(d) = std::fs::read_dir("/tmp") {
            let prefix = format!("pnng-fz-{pid}-");
            for e in d.flatten() {
                if e.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        let so = String::from_utf8_lossy(&out.stdout);
        let se = String::from_utf8_lossy(&out.stderr);
        // The last cumulative stats line of this worker (printed every 100 sequences).
        if let Some(l) = so.lines().rev().find(|l| l.starts_with("fuzz-stats")) {
            t.calls += parse_kv(l, "calls").unwrap_or(0);
            t.undocumented += parse_kv(l, "undocumented").unwrap_or(0);
            t.violations += parse_kv(l, "violations").unwrap_or(0);
            t.internal += parse_kv(l, "internal").unwrap_or(0);
            t.aio_starts += parse_kv(l, "aio_starts").unwrap_or(0);
        }
        for l in so.lines().chain(se.lines()) {
            for tag in ["fuzz-violation", "fuzz-crash", "fuzz-hang"] {
                if let Some(x) = tagged(l, tag) {
                    notes.lock().unwrap().push(x.to_string());
                }
            }
        }
        if out.status.success() {
            t.seqs += to - start;
            break;
        }
        // Died: find the sequence it died in, count it, go on after it.
        let died_at = se
            .lines()
            .chain(so.lines())
            .filter_map(|l| {
                if let Some(x) = tagged(l, "fuzz-crash seq=") {
                    parse_kv(x, "seq").map(|s| (s, true))
                } else if let Some(x) = tagged(l, "fuzz-hang seq=") {
                    parse_kv(x, "seq").map(|s| (s, false))
                } else {
                    None
                }
            })
            .next_back();
        match died_at {
            Some((s, crash)) => {
                if crash {
                    t.crashes += 1
                } else {
                    t.hangs += 1
                }
                t.seqs += s + 1 - start;
                start = s + 1;
            }
            None => {
                t.worker_failures += 1;
                let tail: Vec<&str> = se.lines().rev().take(30).collect();
                notes.lock().unwrap().push(format!(
                    "fuzz-worker-failed from={start} status={:?} stderr tail:\n{}",
                    out.status,
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                ));
                break;
            }
        }
        restarts += 1;
        if restarts > 400 {
            notes
                .lock()
                .unwrap()
                .push("fuzz: too many worker deaths, giving up".into());
            break;
        }
    }
    t
}

#[test]
#[ignore = "stress suite: make stress"]
fn api_fuzz() {
    let total = count(100_000, 20_000_000);
    let workers = 2u64;
    let t0 = Instant::now();
    let notes = Mutex::new(Vec::new());
    let per = total.div_ceil(workers);
    let results: Vec<Totals> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..workers)
            .map(|w| {
                let notes = &notes;
                sc.spawn(move || run_range(w * per, ((w + 1) * per).min(total), notes))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut t = Totals::default();
    for r in results {
        t.seqs += r.seqs;
        t.calls += r.calls;
        t.undocumented += r.undocumented;
        t.violations += r.violations;
        t.internal += r.internal;
        t.aio_starts += r.aio_starts;
        t.crashes += r.crashes;
        t.hangs += r.hangs;
        t.worker_failures += r.worker_failures;
    }
    // Distinct problems, numbers stripped, with how often each was printed.
    let mut kinds: Vec<(String, usize, String)> = Vec::new();
    for n in notes.lock().unwrap().iter() {
        let head = n.split(" after calls:").next().unwrap_or(n);
        let key: String = head
            .split_whitespace()
            .filter(|w| !w.starts_with("0x"))
            .filter(|w| !w.starts_with("seq=") && !w.starts_with("call="))
            .map(|w| {
                if w.chars().any(|c| c.is_ascii_digit()) && !w.contains('"') {
                    "#"
                } else {
                    w
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        match kinds.iter_mut().find(|k| k.0 == key) {
            Some(k) => k.1 += 1,
            None => kinds.push((key, 1, n.clone())),
        }
    }
    kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
    for (_, count, example) in &kinds {
        eprintln!("api-fuzz finding (printed x{count}): {example}");
    }
    report(&format!(
        "api-fuzz {} sequences, {} calls, {} aio starts (seed {}), {} crashes, {} hangs, {} undocumented codes, \
         {} contract violations, {} EINTERNAL, {} worker failures, {}",
        t.seqs,
        t.calls,
        t.aio_starts,
        seed(),
        t.crashes,
        t.hangs,
        t.undocumented,
        t.violations,
        t.internal,
        t.worker_failures,
        secs(t0.elapsed())
    ));
    assert_eq!(t.seqs, total, "every sequence ran");
    assert_eq!(
        (
            t.crashes,
            t.hangs,
            t.undocumented,
            t.violations,
            t.internal,
            t.worker_failures
        ),
        (0, 0, 0, 0, 0, 0),
        "api fuzz found problems (see fuzz-* lines above)"
    );
}

// ---------------------------------------------------------------------------------------------
// The worker.

static CUR_SEQ: AtomicU64 = AtomicU64::new(u64::MAX);
static CUR_OP: Mutex<&'static str> = Mutex::new("");
/// The calls of the current sequence so far (printed when it hangs).
static RECENT: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Where the fuzz thread is stuck, from gdb (if installed): the innermost pnng_ frames.
fn stuck_where() -> String {
    let out = std::process::Command::new("gdb")
        .args([
            "-p",
            &std::process::id().to_string(),
            "-batch",
            "-ex",
            "thread apply all bt 40",
        ])
        .output();
    let Ok(out) = out else {
        return "(no gdb)".into();
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut best = Vec::new();
    for th in text.split("\nThread ") {
        if th.contains("api_fuzz_worker") {
            best = th
                .lines()
                .filter(|l| {
                    l.contains(" in pnng") || l.contains(" in nng") || l.contains(" in nni_")
                })
                .take(6)
                .map(|l| l.split(" (").next().unwrap_or(l).trim().to_string())
                .collect();
        }
    }
    best.join(" <- ")
}

extern "C" fn on_fatal(sig: c_int) {
    // Async-signal-safe: format the number by hand, write(2), re-raise with the default action.
    let mut buf = [0u8; 64];
    let prefix = b"\nfuzz-crash seq=";
    buf[..prefix.len()].copy_from_slice(prefix);
    let mut n = CUR_SEQ.load(Ordering::Relaxed);
    let mut digits = [0u8; 20];
    let mut k = 0;
    loop {
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        k += 1;
        if n == 0 {
            break;
        }
    }
    let mut p = prefix.len();
    while k > 0 {
        k -= 1;
        buf[p] = digits[k];
        p += 1;
    }
    let tail = b" sig=";
    buf[p..p + tail.len()].copy_from_slice(tail);
    p += tail.len();
    buf[p] = b'0' + (sig / 10) as u8;
    buf[p + 1] = b'0' + (sig % 10) as u8;
    buf[p + 2] = b'\n';
    unsafe {
        libc::write(2, buf.as_ptr().cast(), p + 3);
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

fn install_crash_handlers() {
    for sig in [
        libc::SIGSEGV,
        libc::SIGBUS,
        libc::SIGILL,
        libc::SIGFPE,
        libc::SIGABRT,
    ] {
        unsafe { libc::signal(sig, on_fatal as extern "C" fn(c_int) as libc::sighandler_t) };
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
enum Kind {
    Socket,
    Dialer,
    Listener,
    Ctx,
    Pipe,
}
const KINDS: [Kind; 5] = [
    Kind::Socket,
    Kind::Dialer,
    Kind::Listener,
    Kind::Ctx,
    Kind::Pipe,
];

/// How a handle was chosen: decides which outcomes are allowed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Hs {
    Live,
    /// Known closed (or never issued): must give ECLOSED / ENOENT.
    Dead,
    /// An id of another kind, or a pipe that may have gone: anything documented.
    Any,
}

const OPENERS: [(&str, Opener, bool); 23] = [
    ("pair0", pnng_pair0_open, false),
    ("pair0_raw", pnng_pair0_open_raw, true),
    ("pair1", pnng_pair1_open, false),
    ("pair1_raw", pnng_pair1_open_raw, true),
    ("pair1_poly", pnng_pair1_open_poly, false),
    ("req0", pnng_req0_open, false),
    ("req0_raw", pnng_req0_open_raw, true),
    ("rep0", pnng_rep0_open, false),
    ("rep0_raw", pnng_rep0_open_raw, true),
    ("pub0", pnng_pub0_open, false),
    ("pub0_raw", pnng_pub0_open_raw, true),
    ("sub0", pnng_sub0_open, false),
    ("sub0_raw", pnng_sub0_open_raw, true),
    ("push0", pnng_push0_open, false),
    ("push0_raw", pnng_push0_open_raw, true),
    ("pull0", pnng_pull0_open, false),
    ("pull0_raw", pnng_pull0_open_raw, true),
    ("surveyor0", pnng_surveyor0_open, false),
    ("surveyor0_raw", pnng_surveyor0_open_raw, true),
    ("respondent0", pnng_respondent0_open, false),
    ("respondent0_raw", pnng_respondent0_open_raw, true),
    ("bus0", pnng_bus0_open, false),
    ("bus0_raw", pnng_bus0_open_raw, true),
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ty {
    Ms,
    Int,
    Size,
    Bool,
    Str,
    Addr,
    Bytes,
}
const TYPES: [Ty; 7] = [
    Ty::Ms,
    Ty::Int,
    Ty::Size,
    Ty::Bool,
    Ty::Str,
    Ty::Addr,
    Ty::Bytes,
];

/// Option names with their NNG type.
const OPTIONS: &[(&str, Ty)] = &[
    ("recv-timeout", Ty::Ms),
    ("send-timeout", Ty::Ms),
    ("reconnect-time-min", Ty::Ms),
    ("reconnect-time-max", Ty::Ms),
    ("req:resend-time", Ty::Ms),
    ("req:resend-tick", Ty::Ms),
    ("surveyor:survey-time", Ty::Ms),
    ("recv-buffer", Ty::Int),
    ("send-buffer", Ty::Int),
    ("ttl-max", Ty::Int),
    ("protocol", Ty::Int),
    ("peer", Ty::Int),
    ("recv-fd", Ty::Int),
    ("send-fd", Ty::Int),
    ("tcp-bound-port", Ty::Int),
    ("ipc:permissions", Ty::Int),
    ("ipc:peer-uid", Ty::Int),
    ("ipc:peer-pid", Ty::Int),
    ("recv-size-max", Ty::Size),
    ("ws:txframe-max", Ty::Size),
    ("ws:rxframe-max", Ty::Size),
    ("raw", Ty::Bool),
    ("tcp-nodelay", Ty::Bool),
    ("tcp-keepalive", Ty::Bool),
    ("pair1:polyamorous", Ty::Bool),
    ("sub:prefnew", Ty::Bool),
    ("ws:send-text", Ty::Bool),
    ("ws:recv-text", Ty::Bool),
    ("tls-verified", Ty::Bool),
    ("socket-name", Ty::Str),
    ("protocol-name", Ty::Str),
    ("peer-name", Ty::Str),
    ("url", Ty::Str),
    ("ws:request-headers", Ty::Str),
    ("ws:response-headers", Ty::Str),
    ("ws:request-header:X-Fuzz", Ty::Str),
    ("ws:response-header:X-Fuzz", Ty::Str),
    ("ws:request-uri", Ty::Str),
    ("ws:protocol", Ty::Str),
    ("tls-server-name", Ty::Str),
    ("tls-ca-file", Ty::Str),
    ("tls-cert-key-file", Ty::Str),
    ("tls-peer-cn", Ty::Str),
    ("tls-peer-alt-names", Ty::Str),
    ("local-address", Ty::Addr),
    ("remote-address", Ty::Addr),
    ("sub:subscribe", Ty::Bytes),
    ("sub:unsubscribe", Ty::Bytes),
];

/// Options every socket has, with their type: used for the wrong-type check.
const SOCKET_CORE: &[(&str, Ty)] = &[
    ("recv-timeout", Ty::Ms),
    ("send-timeout", Ty::Ms),
    ("reconnect-time-min", Ty::Ms),
    ("recv-size-max", Ty::Size),
    ("socket-name", Ty::Str),
    ("raw", Ty::Bool),
    ("protocol", Ty::Int),
];

fn unknown_names() -> Vec<String> {
    vec![
        "no-such-option".into(),
        "".into(),
        "recv-timeout-x".into(),
        "RECV-TIMEOUT".into(),
        "recv-timeout ".into(),
        "x".repeat(300),
        "sub:subscribe:".into(),
        "\u{7f}\u{1}odd".into(),
    ]
}

struct MsgRec {
    m: *mut pnng_msg,
    body: Vec<u8>,
    header: Vec<u8>,
}

struct AioRec {
    a: *mut pnng_aio,
    ctr: usize,
    starts: u32,
}

static PIPES_SEEN: Mutex<Vec<u32>> = Mutex::new(Vec::new());
static LOG_LINES: AtomicU64 = AtomicU64::new(0);

unsafe extern "C" fn aio_cb(ud: *mut c_void) {
    let c = unsafe { &*(ud as *const AtomicU32) };
    c.fetch_add(1, Ordering::SeqCst);
}

unsafe extern "C" fn pipe_cb(p: pnng_pipe, ev: c_int, ud: *mut c_void) {
    if let Ok(mut v) = PIPES_SEEN.lock()
        && v.len() < 64
    {
        v.push(p.id);
    }
    if ud as usize == 1 && ev == PNNG_PIPE_EV_ADD_PRE {
        // reject the connection (allowed inside ADD_PRE)
        unsafe { pnng_pipe_close(p) };
    }
    if ud as usize == 2 {
        let mut s = pnng_socket { id: 0 };
        unsafe { pnng_pipe_socket(p, &mut s) };
        let mut v = 0i32;
        let o = b"recv-timeout\0";
        unsafe { pnng_socket_get_ms(s, o.as_ptr().cast(), &mut v) };
    }
}

unsafe extern "C" fn log_cb(_level: c_int, _msg: *const c_char, _ud: *mut c_void) {
    LOG_LINES.fetch_add(1, Ordering::Relaxed);
}

#[derive(Default)]
struct Stats {
    seqs: u64,
    calls: u64,
    undocumented: u64,
    violations: u64,
    internal: u64,
    aio_starts: u64,
    printed: u64,
    print_max: u64,
    profile: bool,
    prof: HashMap<&'static str, (u64, Duration)>,
}

/// State that outlives one sequence: ids known to be dead, the highest ids issued.
#[derive(Default)]
struct Persist {
    dead: HashMap<Kind, Vec<u32>>,
    max_issued: HashMap<Kind, u32>,
    n: u64,
}

struct Seq<'a> {
    r: Rng,
    seq: u64,
    trace: bool,
    st: &'a mut Stats,
    p: &'a mut Persist,
    socks: Vec<(pnng_socket, usize)>,
    dialers: Vec<u32>,
    listeners: Vec<u32>,
    ctxs: Vec<(u32, u32)>,
    pipes: Vec<(u32, u32)>,
    dead_now: HashMap<Kind, Vec<u32>>,
    /// Dialable URLs of live listeners, with the listening socket's id.
    urls: Vec<(String, u32)>,
    msgs: Vec<MsgRec>,
    aios: Vec<AioRec>,
    cqs: Vec<*mut pnng_cq>,
    /// Completion counters for this sequence's aios (leaked 'static atomics, reused).
    ctrs: Vec<&'static AtomicU32>,
    tls: Vec<*mut pnng_tls_config>,
    tcp_used: u32,
    call: u32,
    /// Counters of aios freed mid-sequence, with their starts: no completion may follow.
    freed: Vec<(usize, u32)>,
}

impl<'a> Seq<'a> {
    // -- bookkeeping --------------------------------------------------------------------------

    fn note(&mut self, what: &str, code: i32) -> i32 {
        self.st.calls += 1;
        self.call += 1;
        if let Ok(mut r) = RECENT.lock()
            && r.len() < 200
        {
            r.push(format!("[{}] {what} -> {code}", self.call));
        }
        if self.trace {
            println!("  [{}] {what} -> {code} ({})", self.call, strerror(code));
        }
        if !documented(code) {
            self.st.undocumented += 1;
            self.violation(&format!("undocumented code {code} from {what}"));
        }
        if code == PNNG_EINTERNAL {
            self.st.internal += 1;
            self.violation(&format!("EINTERNAL (a caught panic?) from {what}"));
        }
        code
    }

    fn violation(&mut self, msg: &str) {
        self.st.violations += 1;
        if self.st.printed < self.st.print_max {
            self.st.printed += 1;
            println!("fuzz-violation seq={} call={} {msg}", self.seq, self.call);
        }
    }

    /// Records `code` and checks it is one of `allowed` (when given).
    fn expect(&mut self, what: &str, code: i32, allowed: &[i32]) -> i32 {
        self.note(what, code);
        if !allowed.is_empty() && !allowed.contains(&code) {
            self.violation(&format!(
                "{what} -> {code} ({}), expected one of {allowed:?}",
                strerror(code)
            ));
        }
        code
    }

    fn live_ids(&self, k: Kind) -> Vec<u32> {
        match k {
            Kind::Socket => self.socks.iter().map(|s| s.0.id).collect(),
            Kind::Dialer => self.dialers.clone(),
            Kind::Listener => self.listeners.clone(),
            Kind::Ctx => self.ctxs.iter().map(|c| c.0).collect(),
            Kind::Pipe => self.pipes.iter().map(|p| p.0).collect(),
        }
    }

    fn issued(&mut self, k: Kind, id: u32) {
        let m = self.p.max_issued.entry(k).or_insert(0);
        *m = (*m).max(id);
    }

    fn mark_dead(&mut self, k: Kind, id: u32) {
        self.dead_now.entry(k).or_default().push(id);
    }

    /// A handle of kind `k`: live, dead, foreign or random, and what outcome is allowed.
    fn handle(&mut self, k: Kind) -> (u32, Hs) {
        let live = self.live_ids(k);
        match self.r.below(12) {
            0..=6 if !live.is_empty() => {
                let id = *self.r.pick(&live);
                // a pipe can go away at any moment (peer closed): not strictly live
                (id, if k == Kind::Pipe { Hs::Any } else { Hs::Live })
            }
            7 | 8 => {
                let mut pool: Vec<u32> = self.dead_now.get(&k).cloned().unwrap_or_default();
                pool.extend(self.p.dead.get(&k).cloned().unwrap_or_default());
                if pool.is_empty() {
                    (0, Hs::Dead)
                } else {
                    // Pipes: closing is asynchronous in NNG, a just-closed pipe may still answer.
                    (
                        *self.r.pick(&pool),
                        if k == Kind::Pipe { Hs::Any } else { Hs::Dead },
                    )
                }
            }
            9 => {
                let other = *self.r.pick(&KINDS);
                let ids = self.live_ids(other);
                if ids.is_empty() {
                    (self.r.u32(), Hs::Any)
                } else {
                    (*self.r.pick(&ids), Hs::Any)
                }
            }
            _ => match self.r.below(4) {
                0 => (0, Hs::Dead),
                1 => (self.r.u32() | 0x8000_0000, Hs::Dead),
                2 => {
                    let id = self.r.range(1, 5000) as u32;
                    let max = self.p.max_issued.get(&k).copied().unwrap_or(0);
                    let hs = if k != Kind::Pipe && id > max + 64 {
                        Hs::Dead
                    } else {
                        Hs::Any
                    };
                    (id, hs)
                }
                _ => {
                    let id = self.r.u32();
                    let known = live.contains(&id);
                    (
                        id,
                        if id >= 0x8000_0000 {
                            Hs::Dead
                        } else if known {
                            Hs::Live
                        } else {
                            Hs::Any
                        },
                    )
                }
            },
        }
    }

    /// Codes allowed for a call on a handle in state `hs` with otherwise valid arguments.
    fn allowed(hs: Hs) -> &'static [i32] {
        match hs {
            Hs::Dead => &[PNNG_ECLOSED, PNNG_ENOENT],
            _ => &[],
        }
    }

    /// Checks the result of a `*_create(socket, url, out)` call; true when an endpoint was
    /// made. A NULL `out` is refused with EINVAL before (or instead of) the socket lookup.
    fn expect_created(&mut self, what: &str, rv: i32, null_out: bool, hs: Hs) -> bool {
        if null_out {
            let allowed: &[i32] = if hs == Hs::Live {
                &[PNNG_EINVAL]
            } else {
                &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
            };
            self.expect(what, rv, allowed);
            return false;
        }
        self.expect(what, rv, Self::allowed(hs));
        rv == 0
    }

    fn sock(&mut self) -> (pnng_socket, Hs) {
        let (id, hs) = self.handle(Kind::Socket);
        (pnng_socket { id }, hs)
    }

    fn proto_of(&self, id: u32) -> Option<usize> {
        self.socks.iter().find(|s| s.0.id == id).map(|s| s.1)
    }

    fn data(&mut self) -> Vec<u8> {
        let n = match self.r.below(10) {
            0 => 0,
            1..=6 => self.r.below(64),
            7 | 8 => self.r.below(2000),
            _ => self.r.range(60_000, 140_000),
        };
        self.r.bytes(n)
    }

    fn flags(&mut self) -> (c_int, bool) {
        match self.r.below(12) {
            0 => (NB | (1 << self.r.range(2, 30)) as c_int, false),
            1 => (NB | 1, false),
            _ => (NB, true),
        }
    }

    fn fresh_url(&mut self) -> String {
        self.p.n += 1;
        let (pid, n) = (std::process::id(), self.p.n);
        match self.r.below(20) {
            0..=9 => format!("inproc://fz-{pid}-{n}"),
            10..=12 => format!("ipc:///tmp/pnng-fz-{pid}-{n}.ipc"),
            13 | 14 => format!("abstract://pnng-fz-{pid}-{n}"),
            15 | 16 if self.tcp_used < 2 => {
                self.tcp_used += 1;
                "tcp://127.0.0.1:0".into()
            }
            17 if self.tcp_used < 2 => {
                self.tcp_used += 1;
                "ws://127.0.0.1:0/fz".into()
            }
            18 => self.bad_url(),
            _ => format!("inproc://fz-{pid}-{n}"),
        }
    }

    fn bad_url(&mut self) -> String {
        let opts: Vec<String> = vec![
            "".into(),
            "inproc://".into(),
            "tcp://".into(),
            "tcp://127.0.0.1:99999".into(),
            "tcp://256.0.0.1:5".into(),
            "nope://x".into(),
            "ipc://".into(),
            "ws://[::1".into(),
            format!("inproc://{}", "n".repeat(2000)),
            format!("ipc:///tmp/{}", "p".repeat(300)),
            "ipc:///nonexistent-dir-pnng/x/y.ipc".into(),
            "tcp://127.0.0.1:-1".into(),
            "zt://1234.5678:1".into(),
            "tls+tcp://127.0.0.1:0".into(),
            "wss://127.0.0.1:0/x".into(),
            "tcp6://[::1]:0".into(),
            "tcp://localhost:0".into(),
            "socket://".into(),
            "abstract://".into(),
            "inproc://a\u{1}\u{7f}\u{ff}".into(),
        ];
        self.r.pick(&opts).clone()
    }

    // -- operations ---------------------------------------------------------------------------

    fn op_open(&mut self) {
        if self.socks.len() >= 6 {
            return self.op_close_socket();
        }
        let i = self.r.below(OPENERS.len());
        let (name, opener, _) = OPENERS[i];
        if self.r.chance(1, 30) {
            let rv = unsafe { opener(null_mut()) };
            self.expect(&format!("{name}_open(NULL)"), rv, &[PNNG_EINVAL]);
            return;
        }
        let mut s = pnng_socket { id: 0 };
        let rv = unsafe { opener(&mut s) };
        self.expect(&format!("{name}_open"), rv, &[PNNG_OK]);
        if rv == 0 {
            self.issued(Kind::Socket, s.id);
            // keep blocking paths bounded even if the fuzz never touches the timeouts
            for o in ["recv-timeout", "send-timeout"] {
                let c = c(o);
                unsafe { pnng_socket_set_ms(s, c.as_ptr(), 200) };
            }
            // A surveyor's NONBLOCK receive waits out the survey (NNG 1.11 bug, see
            // stress_regressions.rs): keep that short so the run stays in budget; the step-time
            // check below still flags it (120 ms > 100 ms).
            let o = c("surveyor:survey-time");
            unsafe { pnng_socket_set_ms(s, o.as_ptr(), 120) };
            self.socks.push((s, i));
        }
    }

    fn close_socket_id(&mut self, id: u32) {
        self.socks.retain(|s| s.0.id != id);
        self.mark_dead(Kind::Socket, id);
        let ctxs: Vec<u32> = self
            .ctxs
            .iter()
            .filter(|c| c.1 == id)
            .map(|c| c.0)
            .collect();
        for c in ctxs {
            self.mark_dead(Kind::Ctx, c);
        }
        self.ctxs.retain(|c| c.1 != id);
        let pipes: Vec<u32> = self
            .pipes
            .iter()
            .filter(|p| p.1 == id)
            .map(|p| p.0)
            .collect();
        for p in pipes {
            self.mark_dead(Kind::Pipe, p);
        }
        self.pipes.retain(|p| p.1 != id);
        self.urls.retain(|u| u.1 != id);
        // its endpoints: ask nobody, they are gone with it (pnng tracks them per socket)
    }

    fn op_close_socket(&mut self) {
        let (s, hs) = self.sock();
        let before_dialers = self.socket_endpoints(s);
        let rv = unsafe { pnng_socket_close(s) };
        let allowed: &[i32] = match hs {
            Hs::Live => &[PNNG_OK],
            Hs::Dead => &[PNNG_ECLOSED, PNNG_ENOENT],
            Hs::Any => &[],
        };
        self.expect(&format!("socket_close({})", s.id), rv, allowed);
        if rv == 0 {
            self.close_socket_id(s.id);
            for (k, id) in before_dialers {
                self.dialers.retain(|d| !(k == Kind::Dialer && *d == id));
                self.listeners
                    .retain(|l| !(k == Kind::Listener && *l == id));
                self.mark_dead(k, id);
            }
        }
    }

    /// The tracked dialers and listeners of socket `s` (from the library's own lists).
    fn socket_endpoints(&mut self, s: pnng_socket) -> Vec<(Kind, u32)> {
        let mut out = Vec::new();
        let mut d = [pnng_dialer { id: 0 }; 32];
        let mut n = 0usize;
        if unsafe { pnng_socket_dialers(s, d.as_mut_ptr(), 32, &mut n) } == 0 {
            out.extend(d[..n].iter().map(|x| (Kind::Dialer, x.id)));
        }
        let mut l = [pnng_listener { id: 0 }; 32];
        if unsafe { pnng_socket_listeners(s, l.as_mut_ptr(), 32, &mut n) } == 0 {
            out.extend(l[..n].iter().map(|x| (Kind::Listener, x.id)));
        }
        out
    }

    fn op_listen(&mut self) {
        let (s, hs) = self.sock();
        let reuse = !self.urls.is_empty() && self.r.chance(1, 8);
        let url = if reuse {
            self.urls[self.r.below(self.urls.len())].0.clone()
        } else {
            self.fresh_url()
        };
        let null_url = self.r.chance(1, 40);
        let (flags, good_flags) = if self.r.chance(1, 15) {
            (self.r.u32() as c_int | 1, false)
        } else {
            (0, true)
        };
        let want_out = !self.r.chance(1, 5);
        let mut l = pnng_listener { id: 0 };
        let cu = CString::new(url.replace('\0', "")).unwrap();
        let rv = unsafe {
            pnng_socket_listen(
                s,
                if null_url { null() } else { cu.as_ptr() },
                flags,
                if want_out { &mut l } else { null_mut() },
            )
        };
        let what = format!(
            "socket_listen({}, {:?}, {flags:#x})",
            s.id,
            if null_url { "NULL" } else { &url }
        );
        if null_url {
            let allowed: &[i32] = if hs == Hs::Live {
                &[PNNG_EINVAL]
            } else {
                &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
            };
            self.expect(&what, rv, allowed);
        } else if !good_flags && hs == Hs::Live {
            self.expect(&what, rv, &[PNNG_EINVAL]);
        } else if good_flags {
            self.expect(&what, rv, Self::allowed(hs));
        } else {
            self.note(&what, rv);
        }
        if rv == 0 {
            let sid = s.id;
            if want_out {
                self.issued(Kind::Listener, l.id);
                self.listeners.push(l.id);
                let dial = self.dial_url_for(l, &url);
                if let Some(d) = dial {
                    self.urls.push((d, sid));
                }
            } else if !url.contains(":0") {
                self.urls.push((url, sid));
            }
        }
    }

    /// The URL a dialer should use for listener `l` listening on `url` (port 0 resolved).
    fn dial_url_for(&mut self, l: pnng_listener, url: &str) -> Option<String> {
        if url.starts_with("tcp://127.0.0.1:0") || url.starts_with("ws://127.0.0.1:0") {
            let mut port: c_int = 0;
            let o = c("tcp-bound-port");
            let rv = unsafe { pnng_listener_get_int(l, o.as_ptr(), &mut port) };
            self.expect("listener_get_int(tcp-bound-port)", rv, &[PNNG_OK]);
            if rv != 0 || port <= 0 {
                return None;
            }
            Some(url.replace(":0", &format!(":{port}")))
        } else if url.contains("://") && !url.ends_with("://") {
            Some(url.to_string())
        } else {
            None
        }
    }

    fn op_dial(&mut self) {
        let (s, hs) = self.sock();
        let url = match self.r.below(10) {
            0..=5 if !self.urls.is_empty() => self.urls[self.r.below(self.urls.len())].0.clone(),
            6 => format!("inproc://fz-nobody-{}", self.r.u32()),
            7 => "tcp://127.0.0.1:1".into(),
            8 => self.bad_url(),
            _ => self.fresh_url(),
        };
        // blocking dials only where the answer is immediate (local, refused or connected)
        let tls_or_wild = url.starts_with("tls")
            || url.starts_with("wss")
            || url.contains(":0")
            || url.contains("localhost");
        let (flags, good) = match self.r.below(10) {
            0..=4 => (NB, true),
            5 | 6 if !tls_or_wild => (0, true),
            7 if !tls_or_wild => (PNNG_DIAL_FALLBACK, true),
            8 => (NB | 0x40, false),
            _ => (NB, true),
        };
        let null_url = self.r.chance(1, 40);
        let want_out = !self.r.chance(1, 5);
        let mut d = pnng_dialer { id: 0 };
        let cu = CString::new(url.replace('\0', "")).unwrap();
        let rv = unsafe {
            pnng_socket_dial(
                s,
                if null_url { null() } else { cu.as_ptr() },
                flags,
                if want_out { &mut d } else { null_mut() },
            )
        };
        let what = format!(
            "socket_dial({}, {:?}, {flags:#x})",
            s.id,
            if null_url { "NULL" } else { &url }
        );
        if null_url {
            let allowed: &[i32] = if hs == Hs::Live {
                &[PNNG_EINVAL]
            } else {
                &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
            };
            self.expect(&what, rv, allowed);
        } else if !good && hs == Hs::Live {
            self.expect(&what, rv, &[PNNG_EINVAL]);
        } else if good {
            self.expect(&what, rv, Self::allowed(hs));
        } else {
            self.note(&what, rv);
        }
        if rv == 0 && want_out {
            self.issued(Kind::Dialer, d.id);
            self.dialers.push(d.id);
        }
    }

    fn op_endpoint_create(&mut self) {
        let (s, hs) = self.sock();
        let listener = self.r.chance(1, 2);
        let url = if listener || self.urls.is_empty() {
            self.fresh_url()
        } else {
            self.urls[self.r.below(self.urls.len())].0.clone()
        };
        let cu = CString::new(url.clone()).unwrap();
        let null_out = self.r.chance(1, 30);
        if listener {
            let mut l = pnng_listener { id: 0 };
            let rv = unsafe {
                pnng_listener_create(s, cu.as_ptr(), if null_out { null_mut() } else { &mut l })
            };
            let what = format!("listener_create({}, {url:?})", s.id);
            if !self.expect_created(&what, rv, null_out, hs) {
                return;
            }
            self.issued(Kind::Listener, l.id);
            self.listeners.push(l.id);
            for _ in 0..self.r.below(3) {
                self.op_option_on(Kind::Listener, l.id, Hs::Live);
            }
            if self.r.chance(3, 4) {
                let rv = unsafe { pnng_listener_start(l, 0) };
                self.expect("listener_start", rv, &[]);
                if rv == 0 {
                    if let Some(d) = self.dial_url_for(l, &url) {
                        self.urls.push((d, s.id));
                    }
                    let rv = unsafe { pnng_listener_start(l, 0) };
                    self.expect("listener_start again", rv, &[PNNG_ESTATE]);
                }
            }
        } else {
            let mut d = pnng_dialer { id: 0 };
            let rv = unsafe {
                pnng_dialer_create(s, cu.as_ptr(), if null_out { null_mut() } else { &mut d })
            };
            let what = format!("dialer_create({}, {url:?})", s.id);
            if !self.expect_created(&what, rv, null_out, hs) {
                return;
            }
            self.issued(Kind::Dialer, d.id);
            self.dialers.push(d.id);
            for _ in 0..self.r.below(3) {
                self.op_option_on(Kind::Dialer, d.id, Hs::Live);
            }
            if self.r.chance(3, 4) {
                let rv = unsafe { pnng_dialer_start(d, NB) };
                self.expect("dialer_start(NONBLOCK)", rv, &[]);
                if rv == 0 {
                    let rv = unsafe { pnng_dialer_start(d, NB) };
                    self.expect("dialer_start again", rv, &[PNNG_ESTATE]);
                }
            }
        }
    }

    fn op_endpoint_close(&mut self) {
        if self.r.chance(1, 2) {
            let (id, hs) = self.handle(Kind::Dialer);
            let rv = unsafe { pnng_dialer_close(pnng_dialer { id }) };
            let allowed: &[i32] = match hs {
                Hs::Live => &[PNNG_OK],
                Hs::Dead => &[PNNG_ECLOSED, PNNG_ENOENT],
                Hs::Any => &[],
            };
            self.expect(&format!("dialer_close({id})"), rv, allowed);
            if rv == 0 {
                self.dialers.retain(|d| *d != id);
                self.mark_dead(Kind::Dialer, id);
            }
        } else {
            let (id, hs) = self.handle(Kind::Listener);
            let rv = unsafe { pnng_listener_close(pnng_listener { id }) };
            let allowed: &[i32] = match hs {
                Hs::Live => &[PNNG_OK],
                Hs::Dead => &[PNNG_ECLOSED, PNNG_ENOENT],
                Hs::Any => &[],
            };
            self.expect(&format!("listener_close({id})"), rv, allowed);
            if rv == 0 {
                self.listeners.retain(|l| *l != id);
                self.mark_dead(Kind::Listener, id);
            }
        }
    }

    fn op_send(&mut self) {
        let target = self.r.below(10);
        let null_huge = self.r.chance(1, 12);
        let data = self.data();
        let (flags, good) = self.flags();
        let (ptr, len): (*const c_void, usize) = if null_huge {
            (
                null(),
                if self.r.chance(1, 2) {
                    HUGE
                } else {
                    1 + self.r.below(100)
                },
            )
        } else {
            (data.as_ptr().cast(), data.len())
        };
        let (rv, what, hs) = match target {
            0..=5 => {
                let (s, hs) = self.sock();
                (
                    unsafe { pnng_socket_send(s, ptr, len, flags) },
                    format!("socket_send({}, len {len}, {flags:#x})", s.id),
                    hs,
                )
            }
            6..=8 => {
                let (id, hs) = self.handle(Kind::Ctx);
                (
                    unsafe { pnng_ctx_send(pnng_ctx { id }, ptr, len, flags) },
                    format!("ctx_send({id}, len {len}, {flags:#x})"),
                    hs,
                )
            }
            _ => {
                let (id, hs) = self.handle(Kind::Pipe);
                (
                    unsafe { pnng_pipe_send(pnng_pipe { id }, ptr, len, flags) },
                    format!("pipe_send({id}, len {len}, {flags:#x})"),
                    hs,
                )
            }
        };
        if null_huge {
            let allowed: &[i32] = if hs == Hs::Live {
                &[PNNG_EINVAL]
            } else {
                &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
            };
            self.expect(&format!("{what} data=NULL"), rv, allowed);
        } else if !good {
            let allowed: &[i32] = if hs == Hs::Live { &[PNNG_EINVAL] } else { &[] };
            self.expect(&what, rv, allowed);
        } else {
            self.expect(&what, rv, Self::allowed(hs));
        }
    }

    fn op_send_msg(&mut self) {
        if self.msgs.is_empty() || self.r.chance(1, 20) {
            // NULL message
            let (s, hs) = self.sock();
            let rv = unsafe { pnng_socket_send_msg(s, null_mut(), NB) };
            let allowed: &[i32] = if hs == Hs::Live {
                &[PNNG_EINVAL]
            } else {
                &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
            };
            self.expect("socket_send_msg(NULL)", rv, allowed);
            return;
        }
        let i = self.r.below(self.msgs.len());
        let m = self.msgs[i].m;
        let (flags, good) = self.flags();
        let (rv, what, hs) = match self.r.below(3) {
            0 => {
                let (s, hs) = self.sock();
                (
                    unsafe { pnng_socket_send_msg(s, m, flags) },
                    format!("socket_send_msg({})", s.id),
                    hs,
                )
            }
            1 => {
                let (id, hs) = self.handle(Kind::Ctx);
                (
                    unsafe { pnng_ctx_send_msg(pnng_ctx { id }, m, flags) },
                    format!("ctx_send_msg({id})"),
                    hs,
                )
            }
            _ => {
                let (id, hs) = self.handle(Kind::Pipe);
                (
                    unsafe { pnng_pipe_send_msg(pnng_pipe { id }, m, flags) },
                    format!("pipe_send_msg({id})"),
                    hs,
                )
            }
        };
        let allowed: &[i32] = if !good {
            if hs == Hs::Live { &[PNNG_EINVAL] } else { &[] }
        } else {
            Self::allowed(hs)
        };
        self.expect(&format!("{what} flags {flags:#x}"), rv, allowed);
        if rv == 0 {
            self.msgs.swap_remove(i); // consumed
        } else {
            self.check_msg(i, "after failed send");
        }
    }

    fn got_msg(&mut self, m: *mut pnng_msg) {
        let body = body(m);
        let header = header(m);
        if let Some(p) = self.msg_pipe_of(m)
            && !self.pipes.iter().any(|x| x.0 == p)
        {
            let mut s = pnng_socket { id: 0 };
            if unsafe { pnng_pipe_socket(pnng_pipe { id: p }, &mut s) } == 0 {
                self.pipes.push((p, s.id));
            }
        }
        if self.msgs.len() >= 16 {
            unsafe { pnng_msg_free(m) };
        } else {
            self.msgs.push(MsgRec { m, body, header });
        }
    }

    fn msg_pipe_of(&mut self, m: *mut pnng_msg) -> Option<u32> {
        let mut p = pnng_pipe { id: 0 };
        let rv = unsafe { pnng_msg_pipe(m, &mut p) };
        self.expect("msg_pipe", rv, &[PNNG_OK, PNNG_ENOENT]);
        (rv == 0).then_some(p.id)
    }

    fn op_recv(&mut self) {
        let on_ctx = self.r.chance(1, 3);
        let (id, hs) = if on_ctx {
            self.handle(Kind::Ctx)
        } else {
            let (s, hs) = self.sock();
            (s.id, hs)
        };
        let (flags, good) = self.flags();
        let kind = if on_ctx { "ctx" } else { "socket" };
        match self.r.below(8) {
            0..=3 => {
                let null_out = self.r.chance(1, 20);
                let mut m = null_mut();
                let out: *mut *mut pnng_msg = if null_out { null_mut() } else { &mut m };
                let rv = unsafe {
                    if on_ctx {
                        pnng_ctx_recv_msg(pnng_ctx { id }, flags, out)
                    } else {
                        pnng_socket_recv_msg(pnng_socket { id }, flags, out)
                    }
                };
                let what = format!(
                    "{kind}_recv_msg({id}, {flags:#x}{})",
                    if null_out { ", NULL" } else { "" }
                );
                let allowed: &[i32] = if null_out || !good {
                    if hs == Hs::Live {
                        &[PNNG_EINVAL]
                    } else {
                        &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
                    }
                } else {
                    Self::allowed(hs)
                };
                self.expect(&what, rv, allowed);
                if rv == 0 && !null_out {
                    self.got_msg(m);
                }
            }
            _ => {
                let cap = *self.r.pick(&[0usize, 1, 7, 64, 4096, 200_000]);
                let mut buf = vec![0u8; cap];
                let null_buf = cap > 0 && self.r.chance(1, 15);
                let null_len = self.r.chance(1, 20);
                let mut len = usize::MAX;
                let bp: *mut c_void = if null_buf || (cap == 0 && self.r.chance(1, 2)) {
                    null_mut()
                } else {
                    buf.as_mut_ptr().cast()
                };
                let lp: *mut usize = if null_len { null_mut() } else { &mut len };
                let rv = unsafe {
                    if on_ctx {
                        pnng_ctx_recv(pnng_ctx { id }, bp, cap, flags, lp)
                    } else {
                        pnng_socket_recv(pnng_socket { id }, bp, cap, flags, lp)
                    }
                };
                let what = format!(
                    "{kind}_recv({id}, cap {cap}{}{}, {flags:#x})",
                    if null_buf { " buf=NULL" } else { "" },
                    if null_len { " len=NULL" } else { "" }
                );
                let allowed: &[i32] = if null_buf || null_len || !good {
                    if hs == Hs::Live {
                        &[PNNG_EINVAL]
                    } else {
                        &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
                    }
                } else {
                    Self::allowed(hs)
                };
                self.expect(&what, rv, allowed);
                if rv == 0 && len > cap {
                    self.violation(&format!("{what}: ok with len {len} > cap {cap}"));
                }
                if rv == PNNG_EMSGSIZE && !null_len && good {
                    // the message is kept: the next receive returns it, whole
                    let mut m = null_mut();
                    let rv2 = unsafe {
                        if on_ctx {
                            pnng_ctx_recv_msg(pnng_ctx { id }, NB, &mut m)
                        } else {
                            pnng_socket_recv_msg(pnng_socket { id }, NB, &mut m)
                        }
                    };
                    self.expect(&format!("{kind}_recv_msg after EMSGSIZE"), rv2, &[PNNG_OK]);
                    if rv2 == 0 {
                        let n = unsafe { pnng_msg_len(m) };
                        if n != len {
                            self.violation(&format!(
                                "{what}: EMSGSIZE said {len} bytes, kept message has {n}"
                            ));
                        }
                        self.got_msg(m);
                    }
                }
            }
        }
    }

    fn value_ms(&mut self) -> i32 {
        let x = self.r.u32() as i32;
        *self
            .r
            .pick(&[-2, -1, 0, 1, 10, 100, 1000, i32::MAX, i32::MIN, x])
    }
    fn value_int(&mut self) -> c_int {
        *self.r.pick(&[
            -1,
            0,
            1,
            2,
            16,
            255,
            8192,
            8193,
            0o600,
            c_int::MAX,
            c_int::MIN,
        ])
    }
    fn value_size(&mut self) -> usize {
        *self
            .r
            .pick(&[0usize, 1, 64, 1024, 1 << 20, 1 << 31, usize::MAX, HUGE])
    }
    fn value_str(&mut self) -> CString {
        let opts = [
            "".to_string(),
            "x".into(),
            "fuzz-name".into(),
            "y".repeat(300),
            "/nonexistent/pnng-fuzz.pem".into(),
            "/etc/hostname".into(),
            "a\u{1}b\u{7f}".into(),
            "X-Hdr: v\r\nX-Other: w".into(),
        ];
        c(&opts[self.r.below(opts.len())])
    }

    /// A random option call on the object `id` of kind `k`.
    fn op_option_on(&mut self, k: Kind, id: u32, hs: Hs) {
        let unknown = self.r.chance(1, 6);
        let (name, real_ty) = if unknown {
            let u = unknown_names();
            (self.r.pick(&u).clone(), None)
        } else {
            let (n, t) = *self.r.pick(OPTIONS);
            (n.to_string(), Some(t))
        };
        let ty = match real_ty {
            Some(t) if self.r.chance(2, 3) => t,
            _ => *self.r.pick(&TYPES),
        };
        let set = k != Kind::Pipe && self.r.chance(1, 2);
        // there is no address setter: a string set stands in for it
        let ty = if set && ty == Ty::Addr { Ty::Str } else { ty };
        let null_name = self.r.chance(1, 40);
        let null_out = !set && self.r.chance(1, 30);
        let cn = c(&name);
        let np: *const c_char = if null_name { null() } else { cn.as_ptr() };
        let rv = self.option_call(k, id, np, ty, set, null_out);
        let what = format!(
            "{k:?}_{}_{ty:?}({id}, {:?}{})",
            if set { "set" } else { "get" },
            if null_name { "NULL" } else { &name },
            if null_out { ", out=NULL" } else { "" }
        );
        let rv = match rv {
            Some(rv) => rv,
            None => return,
        };
        if null_name || null_out {
            let allowed: &[i32] = if hs == Hs::Live {
                &[PNNG_EINVAL]
            } else {
                &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
            };
            self.expect(&what, rv, allowed);
        } else if hs == Hs::Dead {
            // a dead handle: closed / not found (an unknown name may be rejected first)
            let allowed: &[i32] = if unknown {
                &[PNNG_ECLOSED, PNNG_ENOENT, PNNG_ENOTSUP]
            } else {
                &[PNNG_ECLOSED, PNNG_ENOENT]
            };
            self.expect(&what, rv, allowed);
        } else if hs == Hs::Live && unknown {
            self.expect(&what, rv, &[PNNG_ENOTSUP]);
        } else if hs == Hs::Live && k == Kind::Socket && ty != Ty::Bytes {
            if let Some((_, t)) = SOCKET_CORE.iter().find(|(n, _)| *n == name) {
                if *t != ty {
                    let allowed: &[i32] = if set && (name == "raw" || name == "protocol") {
                        &[PNNG_EBADTYPE, PNNG_EREADONLY]
                    } else {
                        &[PNNG_EBADTYPE]
                    };
                    self.expect(&what, rv, allowed);
                } else if !set {
                    self.expect(&what, rv, &[PNNG_OK]);
                } else {
                    self.note(&what, rv);
                }
            } else {
                self.note(&what, rv);
            }
        } else {
            self.note(&what, rv);
        }
    }

    fn option_call(
        &mut self,
        k: Kind,
        id: u32,
        np: *const c_char,
        ty: Ty,
        set: bool,
        null_out: bool,
    ) -> Option<i32> {
        macro_rules! get {
            ($f:ident, $t:ty, $init:expr) => {{
                let mut v: $t = $init;
                let p: *mut $t = if null_out { null_mut() } else { &mut v };
                unsafe { $f(Hd(id).into(), np, p) }
            }};
        }
        struct Hd(u32);
        impl From<Hd> for pnng_socket {
            fn from(h: Hd) -> Self {
                pnng_socket { id: h.0 }
            }
        }
        impl From<Hd> for pnng_dialer {
            fn from(h: Hd) -> Self {
                pnng_dialer { id: h.0 }
            }
        }
        impl From<Hd> for pnng_listener {
            fn from(h: Hd) -> Self {
                pnng_listener { id: h.0 }
            }
        }
        impl From<Hd> for pnng_ctx {
            fn from(h: Hd) -> Self {
                pnng_ctx { id: h.0 }
            }
        }
        impl From<Hd> for pnng_pipe {
            fn from(h: Hd) -> Self {
                pnng_pipe { id: h.0 }
            }
        }
        let rv = if set {
            match ty {
                Ty::Ms => {
                    let v = self.value_ms();
                    match k {
                        Kind::Socket => unsafe { pnng_socket_set_ms(Hd(id).into(), np, v) },
                        Kind::Dialer => unsafe { pnng_dialer_set_ms(Hd(id).into(), np, v) },
                        Kind::Listener => unsafe { pnng_listener_set_ms(Hd(id).into(), np, v) },
                        Kind::Ctx => unsafe { pnng_ctx_set_ms(Hd(id).into(), np, v) },
                        Kind::Pipe => return None,
                    }
                }
                Ty::Int => {
                    let v = self.value_int();
                    match k {
                        Kind::Socket => unsafe { pnng_socket_set_int(Hd(id).into(), np, v) },
                        Kind::Dialer => unsafe { pnng_dialer_set_int(Hd(id).into(), np, v) },
                        Kind::Listener => unsafe { pnng_listener_set_int(Hd(id).into(), np, v) },
                        Kind::Ctx => unsafe { pnng_ctx_set_int(Hd(id).into(), np, v) },
                        Kind::Pipe => return None,
                    }
                }
                Ty::Size => {
                    let v = self.value_size();
                    match k {
                        Kind::Socket => unsafe { pnng_socket_set_size(Hd(id).into(), np, v) },
                        Kind::Dialer => unsafe { pnng_dialer_set_size(Hd(id).into(), np, v) },
                        Kind::Listener => unsafe { pnng_listener_set_size(Hd(id).into(), np, v) },
                        Kind::Ctx => unsafe { pnng_ctx_set_size(Hd(id).into(), np, v) },
                        Kind::Pipe => return None,
                    }
                }
                Ty::Bool => {
                    let v = self.r.chance(1, 2);
                    match k {
                        Kind::Socket => unsafe { pnng_socket_set_bool(Hd(id).into(), np, v) },
                        Kind::Dialer => unsafe { pnng_dialer_set_bool(Hd(id).into(), np, v) },
                        Kind::Listener => unsafe { pnng_listener_set_bool(Hd(id).into(), np, v) },
                        Kind::Ctx => unsafe { pnng_ctx_set_bool(Hd(id).into(), np, v) },
                        Kind::Pipe => return None,
                    }
                }
                Ty::Str | Ty::Addr => {
                    // (no address setter: a string set stands in)
                    let v = self.value_str();
                    let vp = if null_out { null() } else { v.as_ptr() };
                    match k {
                        Kind::Socket => unsafe { pnng_socket_set_string(Hd(id).into(), np, vp) },
                        Kind::Dialer => unsafe { pnng_dialer_set_string(Hd(id).into(), np, vp) },
                        Kind::Listener => unsafe {
                            pnng_listener_set_string(Hd(id).into(), np, vp)
                        },
                        Kind::Ctx => unsafe { pnng_ctx_set_string(Hd(id).into(), np, vp) },
                        Kind::Pipe => return None,
                    }
                }
                Ty::Bytes => {
                    if k != Kind::Socket {
                        return None;
                    }
                    let d = self.r.bytes_upto(12);
                    let (p, n): (*const c_void, usize) = if null_out {
                        (null(), HUGE)
                    } else {
                        (d.as_ptr().cast(), d.len())
                    };
                    unsafe { pnng_socket_set_bytes(Hd(id).into(), np, p, n) }
                }
            }
        } else {
            match ty {
                Ty::Ms => match k {
                    Kind::Socket => get!(pnng_socket_get_ms, i32, 0),
                    Kind::Dialer => get!(pnng_dialer_get_ms, i32, 0),
                    Kind::Listener => get!(pnng_listener_get_ms, i32, 0),
                    Kind::Ctx => get!(pnng_ctx_get_ms, i32, 0),
                    Kind::Pipe => get!(pnng_pipe_get_ms, i32, 0),
                },
                Ty::Int => match k {
                    Kind::Socket => get!(pnng_socket_get_int, c_int, 0),
                    Kind::Dialer => get!(pnng_dialer_get_int, c_int, 0),
                    Kind::Listener => get!(pnng_listener_get_int, c_int, 0),
                    Kind::Ctx => get!(pnng_ctx_get_int, c_int, 0),
                    Kind::Pipe => get!(pnng_pipe_get_int, c_int, 0),
                },
                Ty::Size => match k {
                    Kind::Socket => get!(pnng_socket_get_size, usize, 0),
                    Kind::Dialer => get!(pnng_dialer_get_size, usize, 0),
                    Kind::Listener => get!(pnng_listener_get_size, usize, 0),
                    Kind::Ctx => get!(pnng_ctx_get_size, usize, 0),
                    Kind::Pipe => get!(pnng_pipe_get_size, usize, 0),
                },
                Ty::Bool => match k {
                    Kind::Socket => get!(pnng_socket_get_bool, bool, false),
                    Kind::Dialer => get!(pnng_dialer_get_bool, bool, false),
                    Kind::Listener => get!(pnng_listener_get_bool, bool, false),
                    Kind::Ctx => get!(pnng_ctx_get_bool, bool, false),
                    Kind::Pipe => get!(pnng_pipe_get_bool, bool, false),
                },
                Ty::Str | Ty::Bytes => {
                    let mut v: *mut c_char = null_mut();
                    let p: *mut *mut c_char = if null_out { null_mut() } else { &mut v };
                    let rv = match k {
                        Kind::Socket => unsafe { pnng_socket_get_string(Hd(id).into(), np, p) },
                        Kind::Dialer => unsafe { pnng_dialer_get_string(Hd(id).into(), np, p) },
                        Kind::Listener => unsafe { pnng_listener_get_string(Hd(id).into(), np, p) },
                        Kind::Ctx => unsafe { pnng_ctx_get_string(Hd(id).into(), np, p) },
                        Kind::Pipe => unsafe { pnng_pipe_get_string(Hd(id).into(), np, p) },
                    };
                    if rv == 0 {
                        if v.is_null() {
                            self.violation("get_string ok but NULL string");
                        } else {
                            let _ = unsafe { CStr::from_ptr(v) }.to_bytes().len();
                        }
                        unsafe { pnng_strfree(v) };
                    }
                    rv
                }
                Ty::Addr => {
                    let mut a: pnng_sockaddr = unsafe { std::mem::zeroed() };
                    let p: *mut pnng_sockaddr = if null_out { null_mut() } else { &mut a };
                    let rv = match k {
                        Kind::Socket => unsafe { pnng_socket_get_addr(Hd(id).into(), np, p) },
                        Kind::Dialer => unsafe { pnng_dialer_get_addr(Hd(id).into(), np, p) },
                        Kind::Listener => unsafe { pnng_listener_get_addr(Hd(id).into(), np, p) },
                        Kind::Ctx => unsafe { pnng_ctx_get_addr(Hd(id).into(), np, p) },
                        Kind::Pipe => unsafe { pnng_pipe_get_addr(Hd(id).into(), np, p) },
                    };
                    if rv == 0 {
                        self.format_addr(&a);
                    }
                    rv
                }
            }
        };
        Some(rv)
    }

    fn format_addr(&mut self, a: &pnng_sockaddr) {
        let len = *self.r.pick(&[0usize, 1, 8, 300]);
        let mut buf = vec![0u8; len.max(1)];
        let bp: *mut c_char = if len > 0 && self.r.chance(1, 10) {
            null_mut()
        } else {
            buf.as_mut_ptr().cast()
        };
        let rv = unsafe { pnng_sockaddr_format(a, bp, len) };
        if bp.is_null() {
            self.expect("sockaddr_format(buf NULL)", rv, &[PNNG_EINVAL]);
        } else {
            self.expect(
                &format!("sockaddr_format(len {len})"),
                rv,
                &[PNNG_OK, PNNG_EMSGSIZE, PNNG_EINVAL],
            );
            if rv == 0 && !buf[..len].contains(&0) {
                self.violation("sockaddr_format ok without a NUL in the buffer");
            }
        }
    }

    fn op_option(&mut self) {
        let k = *self.r.pick(&KINDS);
        let (id, hs) = self.handle(k);
        self.op_option_on(k, id, hs);
    }

    fn op_sockaddr_garbage(&mut self) {
        let mut a: pnng_sockaddr = unsafe { std::mem::zeroed() };
        a.family = *self.r.pick(&[0u16, 1, 2, 3, 4, 5, 6, 7, 0xffff]);
        a.port = self.r.u32() as u16;
        a.scope_id = self.r.u32();
        let b = self.r.bytes(16);
        a.addr.copy_from_slice(&b);
        a.path_len = *self.r.pick(&[0usize, 1, 127, 128, 129, usize::MAX]);
        let p = self.r.bytes(PNNG_MAXADDRLEN);
        a.path.copy_from_slice(&p);
        if self.r.chance(1, 2) {
            a.path[self.r.below(PNNG_MAXADDRLEN)] = 0;
        }
        self.format_addr(&a);
        if self.r.chance(1, 20) {
            let mut buf = [0u8; 64];
            let rv = unsafe { pnng_sockaddr_format(null(), buf.as_mut_ptr().cast(), 64) };
            self.expect("sockaddr_format(NULL)", rv, &[PNNG_EINVAL]);
        }
    }

    fn op_ctx(&mut self) {
        match self.r.below(4) {
            0 | 1 => {
                let (s, hs) = self.sock();
                let null_out = self.r.chance(1, 20);
                let mut c = pnng_ctx { id: 0 };
                let rv = unsafe {
                    pnng_socket_new_context(s, if null_out { null_mut() } else { &mut c })
                };
                let allowed: &[i32] = if null_out {
                    if hs == Hs::Live {
                        &[PNNG_EINVAL]
                    } else {
                        &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
                    }
                } else if hs == Hs::Live {
                    &[PNNG_OK, PNNG_ENOTSUP]
                } else {
                    Self::allowed(hs)
                };
                self.expect(&format!("socket_new_context({})", s.id), rv, allowed);
                if rv == 0 && !null_out {
                    if c.id == 0 {
                        self.violation("new_context ok with id 0");
                    }
                    self.issued(Kind::Ctx, c.id);
                    self.ctxs.push((c.id, s.id));
                    if self.r.chance(1, 2) {
                        let o = super_c("recv-timeout");
                        unsafe { pnng_ctx_set_ms(c, o.as_ptr(), 100) };
                    }
                }
            }
            2 => {
                let (id, hs) = self.handle(Kind::Ctx);
                let rv = unsafe { pnng_ctx_close(pnng_ctx { id }) };
                let allowed: &[i32] = match hs {
                    Hs::Live => &[PNNG_OK],
                    Hs::Dead => &[PNNG_ECLOSED, PNNG_ENOENT],
                    Hs::Any => &[],
                };
                self.expect(&format!("ctx_close({id})"), rv, allowed);
                if rv == 0 {
                    self.ctxs.retain(|c| c.0 != id);
                    self.mark_dead(Kind::Ctx, id);
                }
            }
            _ => {
                let (id, hs) = self.handle(Kind::Ctx);
                let topic = self.r.bytes_upto(6);
                let null_huge = self.r.chance(1, 10);
                let (p, n): (*const c_void, usize) = if null_huge {
                    (null(), HUGE)
                } else {
                    (topic.as_ptr().cast(), topic.len())
                };
                let sub = self.r.chance(1, 2);
                let rv = unsafe {
                    if sub {
                        pnng_sub0_ctx_subscribe(pnng_ctx { id }, p, n)
                    } else {
                        pnng_sub0_ctx_unsubscribe(pnng_ctx { id }, p, n)
                    }
                };
                let what = format!(
                    "sub0_ctx_{}({id}, len {n})",
                    if sub { "subscribe" } else { "unsubscribe" }
                );
                if null_huge {
                    let allowed: &[i32] = if hs == Hs::Live {
                        &[PNNG_EINVAL]
                    } else {
                        &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
                    };
                    self.expect(&what, rv, allowed);
                } else {
                    self.expect(&what, rv, Self::allowed(hs));
                }
            }
        }
    }

    fn op_subscribe(&mut self) {
        let (s, hs) = self.sock();
        let topic = self.r.bytes_upto(6);
        let null_huge = self.r.chance(1, 10);
        let (p, n): (*const c_void, usize) = if null_huge {
            (null(), HUGE)
        } else {
            (topic.as_ptr().cast(), topic.len())
        };
        let sub = self.r.chance(2, 3);
        let rv = unsafe {
            if sub {
                pnng_sub0_subscribe(s, p, n)
            } else {
                pnng_sub0_unsubscribe(s, p, n)
            }
        };
        let what = format!(
            "sub0_{}({}, len {n})",
            if sub { "subscribe" } else { "unsubscribe" },
            s.id
        );
        if null_huge {
            let allowed: &[i32] = if hs == Hs::Live {
                &[PNNG_EINVAL]
            } else {
                &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
            };
            self.expect(&what, rv, allowed);
        } else if hs == Hs::Live {
            let is_sub = self
                .proto_of(s.id)
                .map(|i| OPENERS[i].0 == "sub0")
                .unwrap_or(false);
            let allowed: &[i32] = if is_sub {
                if sub {
                    &[PNNG_OK]
                } else {
                    &[PNNG_OK, PNNG_ENOENT]
                }
            } else {
                &[PNNG_ENOTSUP]
            };
            self.expect(&what, rv, allowed);
        } else {
            self.expect(&what, rv, Self::allowed(hs));
        }
    }

    // -- messages -----------------------------------------------------------------------------

    fn check_msg(&mut self, i: usize, after: &str) {
        let (m, body_s, hdr_s) = (
            self.msgs[i].m,
            self.msgs[i].body.clone(),
            self.msgs[i].header.clone(),
        );
        let b = body(m);
        let h = header(m);
        if b != body_s {
            self.violation(&format!(
                "message body differs from shadow {after}: {} vs {} bytes",
                b.len(),
                body_s.len()
            ));
            self.msgs[i].body = b;
        }
        if h != hdr_s {
            self.violation(&format!(
                "message header differs from shadow {after}: {} vs {} bytes",
                h.len(),
                hdr_s.len()
            ));
            self.msgs[i].header = h;
        }
    }

    fn op_msg(&mut self) {
        if self.msgs.is_empty() || self.r.chance(1, 6) {
            if self.msgs.len() >= 16 {
                let i = self.r.below(self.msgs.len());
                let rec = self.msgs.swap_remove(i);
                unsafe { pnng_msg_free(rec.m) };
                return;
            }
            let d = self.data();
            let mut m = null_mut();
            match self.r.below(12) {
                0 => {
                    let rv = unsafe { pnng_msg_new(null(), HUGE, &mut m) };
                    self.expect("msg_new(NULL, huge)", rv, &[PNNG_EINVAL]);
                }
                1 => {
                    let rv = unsafe { pnng_msg_new(d.as_ptr().cast(), d.len(), null_mut()) };
                    self.expect("msg_new(out=NULL)", rv, &[PNNG_EINVAL]);
                }
                2 => {
                    let rv = unsafe { pnng_msg_new(null(), 0, &mut m) };
                    self.expect("msg_new(NULL, 0)", rv, &[PNNG_OK]);
                    if rv == 0 {
                        self.msgs.push(MsgRec {
                            m,
                            body: vec![],
                            header: vec![],
                        });
                        let i = self.msgs.len() - 1;
                        self.check_msg(i, "after new");
                    }
                }
                _ => {
                    let rv = unsafe { pnng_msg_new(d.as_ptr().cast(), d.len(), &mut m) };
                    self.expect("msg_new", rv, &[PNNG_OK]);
                    if rv == 0 {
                        self.msgs.push(MsgRec {
                            m,
                            body: d,
                            header: vec![],
                        });
                        let i = self.msgs.len() - 1;
                        self.check_msg(i, "after new");
                    }
                }
            }
            return;
        }
        let i = self.r.below(self.msgs.len());
        let m = self.msgs[i].m;
        let null_msg = self.r.chance(1, 25);
        let mp = if null_msg { null_mut() } else { m };
        let op = self.r.below(13);
        let d = self.r.bytes_upto(40);
        let null_data = self.r.chance(1, 10);
        let (dp, dl): (*const c_void, usize) = if null_data {
            (null(), if self.r.chance(1, 2) { HUGE } else { 5 })
        } else {
            (d.as_ptr().cast(), d.len())
        };
        let n = *self.r.pick(&[
            0usize,
            1,
            3,
            10,
            100,
            usize::MAX,
            self.msgs[i].body.len(),
            self.msgs[i].body.len() + 1,
        ]);
        let bad_arg = null_msg || (null_data && matches!(op, 0 | 1 | 6));
        let (rv, what) = match op {
            0 => (
                unsafe { pnng_msg_append(mp, dp, dl) },
                format!("msg_append(len {dl})"),
            ),
            1 => (
                unsafe { pnng_msg_insert(mp, dp, dl) },
                format!("msg_insert(len {dl})"),
            ),
            2 => (unsafe { pnng_msg_trim(mp, n) }, format!("msg_trim({n})")),
            3 => (unsafe { pnng_msg_chop(mp, n) }, format!("msg_chop({n})")),
            4 => (unsafe { pnng_msg_clear(mp) }, "msg_clear".into()),
            5 => (
                unsafe { pnng_msg_header_clear(mp) },
                "msg_header_clear".into(),
            ),
            6 => (
                unsafe { pnng_msg_header_append(mp, dp, dl) },
                format!("msg_header_append(len {dl})"),
            ),
            7 => {
                let mut out = null_mut();
                let null_out = self.r.chance(1, 10);
                let rv = unsafe { pnng_msg_dup(mp, if null_out { null_mut() } else { &mut out }) };
                if null_out {
                    self.expect("msg_dup(out NULL)", rv, &[PNNG_EINVAL]);
                    return;
                }
                if rv == 0 {
                    let (b, h) = (self.msgs[i].body.clone(), self.msgs[i].header.clone());
                    if self.msgs.len() < 16 {
                        self.msgs.push(MsgRec {
                            m: out,
                            body: b,
                            header: h,
                        });
                        let j = self.msgs.len() - 1;
                        self.check_msg(j, "after dup");
                    } else {
                        unsafe { pnng_msg_free(out) };
                    }
                }
                (rv, "msg_dup".into())
            }
            8 => {
                let (p, _) = self.handle(Kind::Pipe);
                (
                    unsafe { pnng_msg_set_pipe(mp, pnng_pipe { id: p }) },
                    format!("msg_set_pipe({p})"),
                )
            }
            9 => {
                let mut p = pnng_pipe { id: 0 };
                let null_out = self.r.chance(1, 5);
                let rv = unsafe { pnng_msg_pipe(mp, if null_out { null_mut() } else { &mut p }) };
                if null_out && !null_msg {
                    self.expect("msg_pipe(out NULL)", rv, &[PNNG_EINVAL]);
                    return;
                }
                (rv, "msg_pipe".into())
            }
            10 => {
                // in-place edit through body_mut
                let bm = unsafe { pnng_msg_body_mut(mp) };
                let len = unsafe { pnng_msg_len(mp) };
                if null_msg {
                    if !bm.is_null() || len != 0 {
                        self.violation("msg_body_mut/len on NULL not NULL/0");
                    }
                    self.note("msg_body_mut(NULL)", 0);
                    return;
                }
                if len > 0 {
                    let k = self.r.below(len);
                    unsafe { *bm.add(k) ^= 0x5a };
                    self.msgs[i].body[k] ^= 0x5a;
                }
                (0, "msg_body_mut".into())
            }
            11 => {
                let (hl, hp, bl, bp) = unsafe {
                    (
                        pnng_msg_header_len(mp),
                        pnng_msg_header(mp),
                        pnng_msg_len(mp),
                        pnng_msg_body(mp),
                    )
                };
                if null_msg && (hl != 0 || bl != 0 || !hp.is_null() || !bp.is_null()) {
                    self.violation("msg accessors on NULL not 0/NULL");
                }
                (0, "msg accessors".into())
            }
            _ => {
                let rec = self.msgs.swap_remove(i);
                unsafe { pnng_msg_free(if null_msg { null_mut() } else { rec.m }) };
                if null_msg {
                    self.msgs.push(rec);
                }
                self.note("msg_free", 0);
                return;
            }
        };
        if bad_arg && op != 10 && op != 11 {
            self.expect(&format!("{what} with NULL"), rv, &[PNNG_EINVAL]);
            if !null_msg {
                self.check_msg(i, &format!("after failed {what}"));
            }
            return;
        }
        self.note(&what, rv);
        // update the shadow and compare
        let header_before = self.msgs[i].header.len();
        let rec = &mut self.msgs[i];
        let ok = rv == 0;
        match op {
            0 if ok => rec.body.extend_from_slice(&d),
            1 if ok => {
                let mut v = d.clone();
                v.extend_from_slice(&rec.body);
                rec.body = v;
            }
            2 | 3 => {
                let fits = n <= rec.body.len();
                if ok != fits {
                    let l = rec.body.len();
                    self.violation(&format!("{what} on {l} bytes -> {rv}"));
                } else if ok {
                    if op == 2 {
                        rec.body.drain(..n);
                    } else {
                        let l = rec.body.len();
                        rec.body.truncate(l - n);
                    }
                }
            }
            4 if ok => rec.body.clear(),
            5 if ok => rec.header.clear(),
            6 if ok => rec.header.extend_from_slice(&d),
            _ => {}
        }
        // NNG keeps headers in a fixed 64-byte buffer: a longer header is EINVAL
        let header_full = op == 6 && rv == PNNG_EINVAL && header_before + d.len() > 64;
        if matches!(op, 0 | 1 | 4 | 5 | 6) && !ok && !header_full {
            self.violation(&format!("{what} failed: {rv}"));
        }
        self.check_msg(i, &format!("after {what}"));
    }

    // -- aio and completion queues -------------------------------------------------------------

    fn op_aio(&mut self) {
        if self.aios.is_empty() || self.r.chance(1, 8) {
            if self.aios.len() >= 6 {
                return self.op_aio_free();
            }
            let ctr = self.ctrs.len();
            // a fresh counter per aio (leaked: a few bytes), so a late completion is never
            // credited to another aio
            let c: &'static AtomicU32 = Box::leak(Box::new(AtomicU32::new(0)));
            self.ctrs.push(c);
            let mut a = null_mut();
            let use_cq = self.r.chance(1, 2);
            let rv = if use_cq {
                if self.cqs.is_empty() || self.r.chance(1, 4) {
                    let mut q = null_mut();
                    let rv = unsafe { pnng_cq_new(&mut q) };
                    self.expect("cq_new", rv, &[PNNG_OK]);
                    if rv == 0 {
                        self.cqs.push(q);
                    }
                }
                if self.cqs.is_empty() {
                    return;
                }
                let q = *self.r.pick(&self.cqs);
                if self.r.chance(1, 20) {
                    let rv = unsafe { pnng_aio_new_cq(null_mut(), null_mut(), &mut a) };
                    self.expect("aio_new_cq(NULL cq)", rv, &[PNNG_EINVAL]);
                    return;
                }
                unsafe { pnng_aio_new_cq(q, ctr as *mut c_void, &mut a) }
            } else {
                if self.r.chance(1, 20) {
                    let rv = unsafe { pnng_aio_new(Some(aio_cb), null_mut(), null_mut()) };
                    self.expect("aio_new(out NULL)", rv, &[PNNG_EINVAL]);
                    return;
                }
                unsafe { pnng_aio_new(Some(aio_cb), c as *const AtomicU32 as *mut c_void, &mut a) }
            };
            self.expect("aio_new", rv, &[PNNG_OK]);
            if rv == 0 {
                self.aios.push(AioRec { a, ctr, starts: 0 });
            }
            return;
        }
        let i = self.r.below(self.aios.len());
        let a = self.aios[i].a;
        let null_aio = self.r.chance(1, 30);
        let ap = if null_aio { null_mut() } else { a };
        match self.r.below(12) {
            0 => {
                let t = *self.r.pick(&[-2, -1, 0, 1, 5, 20, 50]);
                let rv = unsafe { pnng_aio_set_timeout(ap, t) };
                self.expect(
                    &format!("aio_set_timeout({t})"),
                    rv,
                    if null_aio { &[PNNG_EINVAL] } else { &[PNNG_OK] },
                );
            }
            1 => {
                if self.msgs.is_empty() {
                    let rv = unsafe { pnng_aio_set_msg(ap, null_mut()) };
                    self.expect("aio_set_msg(NULL msg)", rv, &[PNNG_EINVAL, PNNG_EBUSY]);
                    return;
                }
                let j = self.r.below(self.msgs.len());
                let rv = unsafe { pnng_aio_set_msg(ap, self.msgs[j].m) };
                let allowed: &[i32] = if null_aio {
                    &[PNNG_EINVAL]
                } else {
                    &[PNNG_OK, PNNG_EBUSY]
                };
                self.expect("aio_set_msg", rv, allowed);
                if rv == 0 {
                    self.msgs.swap_remove(j); // the aio owns it now
                }
            }
            2 => {
                let mut m = null_mut();
                let null_out = self.r.chance(1, 10);
                let rv =
                    unsafe { pnng_aio_take_msg(ap, if null_out { null_mut() } else { &mut m }) };
                let allowed: &[i32] = if null_aio || null_out {
                    &[PNNG_EINVAL]
                } else {
                    &[PNNG_OK, PNNG_ENOENT, PNNG_EBUSY]
                };
                self.expect("aio_take_msg", rv, allowed);
                if rv == 0 && !null_out {
                    self.got_msg(m);
                }
            }
            3..=6 => {
                let (rv, what, hs) = match self.r.below(5) {
                    0 => {
                        let (s, hs) = self.sock();
                        (
                            unsafe { pnng_socket_send_aio(s, ap) },
                            format!("socket_send_aio({})", s.id),
                            hs,
                        )
                    }
                    1 | 2 => {
                        let (s, hs) = self.sock();
                        (
                            unsafe { pnng_socket_recv_aio(s, ap) },
                            format!("socket_recv_aio({})", s.id),
                            hs,
                        )
                    }
                    3 => {
                        let (id, hs) = self.handle(Kind::Ctx);
                        if self.r.chance(1, 2) {
                            (
                                unsafe { pnng_ctx_recv_aio(pnng_ctx { id }, ap) },
                                format!("ctx_recv_aio({id})"),
                                hs,
                            )
                        } else {
                            (
                                unsafe { pnng_ctx_send_aio(pnng_ctx { id }, ap) },
                                format!("ctx_send_aio({id})"),
                                hs,
                            )
                        }
                    }
                    _ => {
                        let (id, hs) = self.handle(Kind::Pipe);
                        (
                            unsafe { pnng_pipe_send_aio(pnng_pipe { id }, ap) },
                            format!("pipe_send_aio({id})"),
                            hs,
                        )
                    }
                };
                if null_aio {
                    let allowed: &[i32] = if hs == Hs::Live {
                        &[PNNG_EINVAL]
                    } else {
                        &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
                    };
                    self.expect(&format!("{what} aio=NULL"), rv, allowed);
                } else {
                    // A start either starts (0: exactly one completion follows) or reports why not.
                    self.note(&what, rv);
                    if rv == 0 {
                        self.aios[i].starts += 1;
                        self.st.aio_starts += 1;
                    }
                }
            }
            7 => {
                let ms = *self.r.pick(&[0, 1, 10]);
                let rv = unsafe { pnng_aio_wait_timeout(ap, ms) };
                self.expect(
                    &format!("aio_wait_timeout({ms})"),
                    rv,
                    if null_aio {
                        &[PNNG_EINVAL, PNNG_OK]
                    } else {
                        &[PNNG_OK, PNNG_ETIMEDOUT]
                    },
                );
            }
            8 => {
                unsafe { pnng_aio_cancel(ap) };
                self.note("aio_cancel", 0);
            }
            9 => {
                let rv = unsafe { pnng_aio_result(ap) };
                self.note("aio_result", rv);
                let busy = unsafe { pnng_aio_busy(ap) };
                self.note(&format!("aio_busy -> {busy}"), 0);
            }
            10 => self.op_cq(),
            _ => self.op_aio_free(),
        }
    }

    fn op_aio_free(&mut self) {
        if self.aios.is_empty() {
            unsafe { pnng_aio_free(null_mut()) };
            return;
        }
        let i = self.r.below(self.aios.len());
        let rec = self.aios.swap_remove(i);
        // Free while maybe running: no more completions may follow; so far at most `starts`.
        unsafe { pnng_aio_free(rec.a) };
        self.note("aio_free", 0);
        self.drain_cqs();
        let got = self.ctrs[rec.ctr].load(Ordering::SeqCst);
        if got > rec.starts {
            self.violation(&format!(
                "aio had {} completions for {} starts",
                got, rec.starts
            ));
        }
        // later completions for it would be a bug: keep its counter to check at the end
        self.freed.push((rec.ctr, rec.starts));
    }

    fn drain_cqs(&mut self) {
        for qi in 0..self.cqs.len() {
            let q = self.cqs[qi];
            loop {
                let mut a = null_mut();
                let mut ud = null_mut();
                let rv = unsafe { pnng_cq_pop(q, &mut a, &mut ud) };
                if rv != 0 {
                    self.expect("cq_pop", rv, &[PNNG_EAGAIN]);
                    break;
                }
                self.note("cq_pop", rv);
                let ctr = ud as usize;
                if ctr < self.ctrs.len() {
                    self.ctrs[ctr].fetch_add(1, Ordering::SeqCst);
                } else {
                    self.violation(&format!("cq_pop gave unknown userdata {ctr}"));
                }
            }
            loop {
                let (mut p, mut ev, mut ud) = (pnng_pipe { id: 0 }, 0, null_mut());
                let rv = unsafe { pnng_cq_pop_pipe_event(q, &mut p, &mut ev, &mut ud) };
                if rv != 0 {
                    self.expect("cq_pop_pipe_event", rv, &[PNNG_EAGAIN]);
                    break;
                }
                if !(0..=2).contains(&ev) {
                    self.violation(&format!("pipe event {ev}"));
                }
            }
        }
    }

    fn op_cq(&mut self) {
        if self.cqs.is_empty() {
            let rv = unsafe { pnng_cq_pop(null_mut(), null_mut(), null_mut()) };
            self.expect("cq_pop(NULL)", rv, &[PNNG_EINVAL]);
            return;
        }
        let q = *self.r.pick(&self.cqs);
        match self.r.below(6) {
            0 => {
                let mut fd = -1;
                let rv = unsafe { pnng_cq_fd(q, &mut fd) };
                self.expect("cq_fd", rv, &[PNNG_OK]);
                if rv == 0 && fd < 0 {
                    self.violation("cq_fd gave a negative fd");
                }
                let rv = unsafe { pnng_cq_fd(q, null_mut()) };
                self.expect("cq_fd(NULL)", rv, &[PNNG_EINVAL]);
            }
            1 => {
                let ms = *self.r.pick(&[0, 1, 5]);
                let rv = unsafe { pnng_cq_wait(q, ms) };
                self.expect("cq_wait", rv, &[PNNG_OK, PNNG_ETIMEDOUT, PNNG_EINTR]);
            }
            2 => {
                let rv = unsafe { pnng_cq_wake(q) };
                self.expect("cq_wake", rv, &[PNNG_OK]);
            }
            3 => {
                let rv = unsafe { pnng_cq_pop(q, null_mut(), null_mut()) };
                // NULL outputs: rejected, and nothing is lost (the entry stays)
                self.expect("cq_pop(NULL outs)", rv, &[PNNG_EINVAL]);
            }
            _ => self.drain_cqs(),
        }
    }

    // -- pipes, lists, notify, stats, tls, devices, misc ---------------------------------------

    fn op_lists(&mut self) {
        let (s, hs) = self.sock();
        let which = self.r.below(3);
        let cap = *self.r.pick(&[0usize, 1, 2, 16]);
        let null_buf = self.r.chance(1, 6);
        let null_len = self.r.chance(1, 20);
        let mut n = usize::MAX;
        let lp: *mut usize = if null_len { null_mut() } else { &mut n };
        let mut pb = vec![pnng_pipe { id: 0 }; cap];
        let mut db = vec![pnng_dialer { id: 0 }; cap];
        let mut lb = vec![pnng_listener { id: 0 }; cap];
        let rv = unsafe {
            match which {
                0 => pnng_socket_pipes(
                    s,
                    if null_buf {
                        null_mut()
                    } else {
                        pb.as_mut_ptr()
                    },
                    cap,
                    lp,
                ),
                1 => pnng_socket_dialers(
                    s,
                    if null_buf {
                        null_mut()
                    } else {
                        db.as_mut_ptr()
                    },
                    cap,
                    lp,
                ),
                _ => pnng_socket_listeners(
                    s,
                    if null_buf {
                        null_mut()
                    } else {
                        lb.as_mut_ptr()
                    },
                    cap,
                    lp,
                ),
            }
        };
        let what = format!(
            "socket_{}({}, cap {cap}{}{})",
            ["pipes", "dialers", "listeners"][which],
            s.id,
            if null_buf { " NULL" } else { "" },
            if null_len { " len NULL" } else { "" }
        );
        if null_len {
            let allowed: &[i32] = if hs == Hs::Live {
                &[PNNG_EINVAL]
            } else {
                &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]
            };
            self.expect(&what, rv, allowed);
            return;
        }
        let allowed: &[i32] = if hs == Hs::Live {
            &[PNNG_OK, PNNG_EMSGSIZE, PNNG_EINVAL]
        } else {
            Self::allowed(hs)
        };
        self.expect(&what, rv, allowed);
        if hs == Hs::Live {
            if rv == PNNG_EMSGSIZE && n <= cap {
                self.violation(&format!("{what}: EMSGSIZE with count {n} <= cap"));
            }
            if rv == PNNG_EINVAL && !(null_buf && n > 0 && n <= cap) {
                self.violation(&format!("{what}: EINVAL with count {n}"));
            }
        }
        if rv == 0 && !null_buf && n <= cap {
            match which {
                0 => {
                    for p in &pb[..n] {
                        if !self.pipes.iter().any(|x| x.0 == p.id) {
                            self.pipes.push((p.id, s.id));
                        }
                    }
                }
                1 => {
                    for d in &db[..n] {
                        if !self.dialers.contains(&d.id) {
                            self.issued(Kind::Dialer, d.id);
                            self.dialers.push(d.id);
                        }
                    }
                }
                _ => {
                    for l in &lb[..n] {
                        if !self.listeners.contains(&l.id) {
                            self.issued(Kind::Listener, l.id);
                            self.listeners.push(l.id);
                        }
                    }
                }
            }
        }
    }

    fn op_pipe(&mut self) {
        // pick up pipes seen by callbacks
        let seen: Vec<u32> = std::mem::take(&mut *PIPES_SEEN.lock().unwrap());
        for p in seen {
            let mut s = pnng_socket { id: 0 };
            if unsafe { pnng_pipe_socket(pnng_pipe { id: p }, &mut s) } == 0
                && self.socks.iter().any(|x| x.0.id == s.id)
                && !self.pipes.iter().any(|x| x.0 == p)
            {
                self.pipes.push((p, s.id));
            }
        }
        let (id, hs) = self.handle(Kind::Pipe);
        let p = pnng_pipe { id };
        let null_out = self.r.chance(1, 15);
        let (rv, what) = match self.r.below(6) {
            0 => {
                let mut s = pnng_socket { id: 0 };
                (
                    unsafe { pnng_pipe_socket(p, if null_out { null_mut() } else { &mut s }) },
                    "pipe_socket",
                )
            }
            1 => {
                let mut d = pnng_dialer { id: 0 };
                (
                    unsafe { pnng_pipe_dialer(p, if null_out { null_mut() } else { &mut d }) },
                    "pipe_dialer",
                )
            }
            2 => {
                let mut l = pnng_listener { id: 0 };
                (
                    unsafe { pnng_pipe_listener(p, if null_out { null_mut() } else { &mut l }) },
                    "pipe_listener",
                )
            }
            3 => {
                let rv = unsafe { pnng_pipe_close(p) };
                if rv == 0 {
                    self.pipes.retain(|x| x.0 != id);
                    self.mark_dead(Kind::Pipe, id);
                }
                self.expect(&format!("pipe_close({id})"), rv, Self::allowed(hs));
                return;
            }
            4 => {
                let _ = unsafe { pnng_pipe_id(p) };
                self.note("pipe_id", 0);
                return;
            }
            _ => {
                self.op_option_on(Kind::Pipe, id, hs);
                return;
            }
        };
        let what = format!("{what}({id}{})", if null_out { ", NULL" } else { "" });
        if null_out {
            self.expect(&what, rv, &[PNNG_EINVAL, PNNG_ENOENT, PNNG_ECLOSED]);
        } else {
            let allowed: &[i32] = if hs == Hs::Dead {
                &[PNNG_ENOENT, PNNG_ECLOSED]
            } else {
                &[]
            };
            self.expect(&what, rv, allowed);
        }
    }

    fn op_notify(&mut self) {
        let (s, hs) = self.sock();
        let ev = *self.r.pick(&[0, 1, 2, 2, 3, -1, 1000]);
        let good_ev = (0..=2).contains(&ev);
        let ud = self.r.below(3) as *mut c_void;
        let (rv, what) = match self.r.below(5) {
            0 | 1 => (
                unsafe { pnng_socket_pipe_notify(s, ev, Some(pipe_cb), ud) },
                "pipe_notify",
            ),
            2 => (
                unsafe { pnng_socket_pipe_notify(s, ev, None, null_mut()) },
                "pipe_notify(NULL)",
            ),
            3 => (
                unsafe { pnng_socket_pipe_notify_remove(s, ev, Some(pipe_cb), ud) },
                "pipe_notify_remove",
            ),
            _ => {
                let q = if self.cqs.is_empty() || self.r.chance(1, 5) {
                    null()
                } else {
                    *self.r.pick(&self.cqs) as *const pnng_cq
                };
                (
                    unsafe { pnng_socket_pipe_notify_cq(s, ev, q, ud) },
                    "pipe_notify_cq",
                )
            }
        };
        let what = format!("{what}({}, ev {ev})", s.id);
        if !good_ev && hs == Hs::Live {
            self.expect(&what, rv, &[PNNG_EINVAL]);
        } else if good_ev {
            let allowed: &[i32] = if hs == Hs::Live {
                &[PNNG_OK, PNNG_ENOENT]
            } else {
                Self::allowed(hs)
            };
            self.expect(&what, rv, allowed);
        } else {
            self.note(&what, rv);
        }
    }

    fn op_stats(&mut self) {
        let mut st = null_mut();
        let null_out = self.r.chance(1, 15);
        let out: *mut *mut pnng_stats = if null_out { null_mut() } else { &mut st };
        let (rv, hs) = match self.r.below(3) {
            0 => {
                let (s, hs) = self.sock();
                (unsafe { pnng_socket_stats(s, out) }, hs)
            }
            1 => {
                let (id, hs) = self.handle(Kind::Dialer);
                (unsafe { pnng_dialer_stats(pnng_dialer { id }, out) }, hs)
            }
            _ => {
                let (id, hs) = self.handle(Kind::Listener);
                (
                    unsafe { pnng_listener_stats(pnng_listener { id }, out) },
                    hs,
                )
            }
        };
        if null_out {
            self.expect("stats(NULL)", rv, &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]);
            return;
        }
        self.expect("stats", rv, Self::allowed(hs));
        if rv != 0 {
            return;
        }
        let n = unsafe { pnng_stats_count(st) };
        for i in [0, n / 2, n.saturating_sub(1), n, n + 1, usize::MAX] {
            unsafe {
                let name = pnng_stats_name(st, i);
                let desc = pnng_stats_desc(st, i);
                let _ = pnng_stats_kind(st, i);
                let _ = pnng_stats_unit(st, i);
                let _ = pnng_stats_value(st, i);
                let s = pnng_stats_string(st, i);
                if i < n && name.is_null() {
                    self.violation("stats_name NULL in range");
                }
                if i >= n && (!name.is_null() || !desc.is_null() || !s.is_null()) {
                    self.violation("stats accessor not NULL out of range");
                }
                if !name.is_null() {
                    let _ = CStr::from_ptr(name).to_bytes().len();
                }
            }
        }
        let mut v = 0u64;
        let nm = c(self
            .r
            .pick::<&str>(&["pipes", "tx_msgs", "rx_bytes", "nope", ""]));
        let rv = unsafe { pnng_stats_find(st, nm.as_ptr(), &mut v) };
        self.expect("stats_find", rv, &[PNNG_OK, PNNG_ENOENT]);
        let rv = unsafe { pnng_stats_find(st, null(), &mut v) };
        self.expect("stats_find(NULL name)", rv, &[PNNG_EINVAL]);
        let rv = unsafe { pnng_stats_find(st, nm.as_ptr(), null_mut()) };
        self.expect("stats_find(NULL out)", rv, &[PNNG_EINVAL]);
        unsafe { pnng_stats_free(st) };
        if self.r.chance(1, 10) {
            unsafe {
                pnng_stats_free(null_mut());
                let _ = pnng_stats_count(null());
                let _ = pnng_stats_name(null(), 0);
            }
        }
    }

    fn op_tls(&mut self) {
        if self.tls.is_empty() || self.r.chance(1, 4) {
            let mode = *self.r.pick(&[0, 1, 2, -1]);
            let mut cfg = null_mut();
            let rv = unsafe { pnng_tls_config_new(mode, &mut cfg) };
            self.expect(
                &format!("tls_config_new({mode})"),
                rv,
                if (0..=1).contains(&mode) {
                    &[PNNG_OK]
                } else {
                    &[PNNG_EINVAL]
                },
            );
            if rv == 0 {
                self.tls.push(cfg);
            }
            return;
        }
        let i = self.r.below(self.tls.len());
        let cfg = self.tls[i];
        let null_cfg = self.r.chance(1, 20);
        let cp = if null_cfg { null_mut() } else { cfg };
        let junk = c("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        let (rv, what) = match self.r.below(10) {
            0 => {
                let v = self.value_str();
                (
                    unsafe {
                        pnng_tls_config_server_name(
                            cp,
                            if self.r.chance(1, 4) {
                                null()
                            } else {
                                v.as_ptr()
                            },
                        )
                    },
                    "tls_server_name",
                )
            }
            1 => (
                unsafe {
                    pnng_tls_config_ca_chain(
                        cp,
                        if self.r.chance(1, 4) {
                            null()
                        } else {
                            junk.as_ptr()
                        },
                        null(),
                    )
                },
                "tls_ca_chain",
            ),
            2 => (
                unsafe { pnng_tls_config_own_cert(cp, junk.as_ptr(), junk.as_ptr(), null()) },
                "tls_own_cert",
            ),
            3 => {
                let p = self.value_str();
                (
                    unsafe { pnng_tls_config_ca_file(cp, p.as_ptr()) },
                    "tls_ca_file",
                )
            }
            4 => {
                let p = self.value_str();
                (
                    unsafe { pnng_tls_config_cert_key_file(cp, p.as_ptr(), null()) },
                    "tls_cert_key_file",
                )
            }
            5 => {
                let m = *self.r.pick(&[0, 1, 2, 3, -1]);
                let rv = unsafe { pnng_tls_config_auth_mode(cp, m) };
                let allowed: &[i32] = if null_cfg || !(0..=2).contains(&m) {
                    &[PNNG_EINVAL]
                } else {
                    &[PNNG_OK]
                };
                self.expect(&format!("tls_auth_mode({m})"), rv, allowed);
                return;
            }
            6 => {
                let (s, _) = self.sock();
                (unsafe { pnng_socket_set_tls(s, cp) }, "socket_set_tls")
            }
            7 => {
                let (id, _) = self.handle(Kind::Dialer);
                (
                    unsafe { pnng_dialer_set_tls(pnng_dialer { id }, cp) },
                    "dialer_set_tls",
                )
            }
            8 => {
                let (id, _) = self.handle(Kind::Listener);
                (
                    unsafe { pnng_listener_set_tls(pnng_listener { id }, cp) },
                    "listener_set_tls",
                )
            }
            _ => {
                let c2 = unsafe { pnng_tls_config_clone(cp) };
                if null_cfg != c2.is_null() {
                    self.violation("tls_config_clone NULL-ness");
                }
                unsafe { pnng_tls_config_free(c2) };
                self.note("tls_config_clone+free", 0);
                return;
            }
        };
        if null_cfg {
            self.expect(
                &format!("{what}(NULL cfg)"),
                rv,
                &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT],
            );
        } else {
            self.note(what, rv);
        }
    }

    fn op_device(&mut self) {
        let (a, ha) = self.sock();
        let (b, hb) = if self.r.chance(1, 6) {
            (pnng_socket { id: 0 }, Hs::Any)
        } else {
            self.sock()
        };
        let raw = |w: &Self, s: pnng_socket| w.proto_of(s.id).map(|i| OPENERS[i].2);
        let cooked_a = ha == Hs::Live && raw(self, a) == Some(false);
        let cooked_b = hb == Hs::Live && raw(self, b) == Some(false);
        let dead_a = ha == Hs::Dead && a.id != 0;
        let dead_b = hb == Hs::Dead && b.id != 0;
        if self.r.chance(1, 3) && (cooked_a || cooked_b || dead_a || dead_b) {
            // The blocking form, only where it must fail at once.
            let rv = unsafe { pnng_device(a, b) };
            self.expect(
                &format!("device({}, {}) (must not block)", a.id, b.id),
                rv,
                &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT],
            );
        } else {
            let rv = unsafe { pnng_device_start(a, b) };
            let what = format!("device_start({}, {})", a.id, b.id);
            if cooked_a || cooked_b {
                self.expect(&what, rv, &[PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOENT]);
            } else {
                self.note(&what, rv);
            }
        }
    }

    fn op_misc(&mut self) {
        match self.r.below(4) {
            0 => {
                let x = self.r.u32() as i32;
                let e = *self.r.pick(&[
                    0,
                    1,
                    7,
                    31,
                    32,
                    999,
                    1000,
                    1001,
                    -1,
                    i32::MIN,
                    i32::MAX,
                    0x1000_0000 | 2,
                    0x2000_0000 | 5,
                    x,
                ]);
                let s = unsafe { pnng_strerror(e) };
                if s.is_null() {
                    self.violation(&format!("strerror({e}) NULL"));
                } else {
                    let _ = unsafe { CStr::from_ptr(s) }.to_bytes().len();
                }
                self.note("strerror", 0);
            }
            1 => {
                let v = unsafe { CStr::from_ptr(pnng_version()) }
                    .to_string_lossy()
                    .into_owned();
                if !v.starts_with("pnng ") {
                    self.violation(&format!("version {v:?}"));
                }
                self.note("version", 0);
            }
            2 => {
                unsafe { pnng_set_log_level(*self.r.pick(&[0, 3, 4, 7, 99, -5])) };
                self.note("set_log_level", 0);
            }
            _ => {
                let (s, _) = self.sock();
                let _ = unsafe { pnng_socket_id(s) };
                let (d, _) = self.handle(Kind::Dialer);
                let _ = unsafe { pnng_dialer_id(pnng_dialer { id: d }) };
                let (l, _) = self.handle(Kind::Listener);
                let _ = unsafe { pnng_listener_id(pnng_listener { id: l }) };
                let (x, _) = self.handle(Kind::Ctx);
                let _ = unsafe { pnng_ctx_id(pnng_ctx { id: x }) };
                self.note("ids", 0);
            }
        }
    }

    // -- a whole sequence ------------------------------------------------------------------

    fn step(&mut self) {
        let t = Instant::now();
        let pick = self.r.below(100);
        *CUR_OP.lock().unwrap() = OP_NAMES
            .iter()
            .find(|(hi, _)| pick <= *hi)
            .map(|x| x.1)
            .unwrap_or("?");
        let name = match pick {
            0..=9 => {
                self.op_open();
                "open"
            }
            10..=12 => {
                self.op_close_socket();
                "close"
            }
            13..=19 => {
                self.op_listen();
                "listen"
            }
            20..=26 => {
                self.op_dial();
                "dial"
            }
            27..=29 => {
                self.op_endpoint_create();
                "endpoint_create"
            }
            30..=31 => {
                self.op_endpoint_close();
                "endpoint_close"
            }
            32..=39 => {
                self.op_send();
                "send"
            }
            40..=43 => {
                self.op_send_msg();
                "send_msg"
            }
            44..=51 => {
                self.op_recv();
                "recv"
            }
            52..=61 => {
                self.op_option();
                "option"
            }
            62..=63 => {
                self.op_sockaddr_garbage();
                "sockaddr"
            }
            64..=67 => {
                self.op_ctx();
                "ctx"
            }
            68..=69 => {
                self.op_subscribe();
                "subscribe"
            }
            70..=77 => {
                self.op_msg();
                "msg"
            }
            78..=85 => {
                self.op_aio();
                "aio"
            }
            86..=88 => {
                self.op_lists();
                "lists"
            }
            89..=91 => {
                self.op_pipe();
                "pipe"
            }
            92..=93 => {
                self.op_notify();
                "notify"
            }
            94..=95 => {
                self.op_stats();
                "stats"
            }
            96..=97 => {
                self.op_tls();
                "tls"
            }
            98 => {
                self.op_device();
                "device"
            }
            _ => {
                self.op_misc();
                "misc"
            }
        };
        let took = t.elapsed();
        // Nothing here may wait: every call is NONBLOCK, or an immediate local answer, or a
        // wait of at most 10 ms. (Teardown's bounded waits are not steps.) The bound is loose
        // because a loaded host can stall any step for 100 ms; a call that really
        // blocks waits for a timeout of seconds or forever.
        if took > Duration::from_millis(1500) {
            self.violation(&format!(
                "a {name} step took {} ms (a non-blocking call blocked?)",
                took.as_millis()
            ));
        }
        if self.st.profile {
            let e = self.st.prof.entry(name).or_default();
            e.0 += 1;
            e.1 += t.elapsed();
        }
    }

    fn teardown(&mut self) {
        *CUR_OP.lock().unwrap() = "teardown";
        // aios: cancel, wait (bounded), then every started operation has completed exactly once
        for rec in &self.aios {
            unsafe { pnng_aio_cancel(rec.a) };
        }
        let aios: Vec<(*mut pnng_aio, usize, u32)> =
            self.aios.iter().map(|r| (r.a, r.ctr, r.starts)).collect();
        for (a, _, _) in &aios {
            let rv = unsafe { pnng_aio_wait_timeout(*a, 5000) };
            self.expect("aio_wait_timeout(5000) after cancel", rv, &[PNNG_OK]);
        }
        self.drain_cqs();
        for (_, ctr, starts) in &aios {
            let c = self.ctrs[*ctr];
            let deadline = Instant::now() + Duration::from_secs(2);
            while c.load(Ordering::SeqCst) < *starts && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
                self.drain_cqs();
            }
            let got = c.load(Ordering::SeqCst);
            if got != *starts {
                self.violation(&format!(
                    "aio: {got} completions for {starts} started operations"
                ));
            }
        }
        for (a, _, _) in aios {
            unsafe { pnng_aio_free(a) };
        }
        self.aios.clear();
        for rec in self.msgs.drain(..) {
            unsafe { pnng_msg_free(rec.m) };
        }
        let socks: Vec<pnng_socket> = self.socks.iter().map(|s| s.0).collect();
        for s in socks {
            let eps = self.socket_endpoints(s);
            let rv = unsafe { pnng_socket_close(s) };
            self.expect("socket_close (teardown)", rv, &[PNNG_OK]);
            self.close_socket_id(s.id);
            for (k, id) in eps {
                self.mark_dead(k, id);
            }
        }
        // freed aios must not complete any more
        self.drain_cqs();
        for (ctr, starts) in std::mem::take(&mut self.freed) {
            let got = self.ctrs[ctr].load(Ordering::SeqCst);
            if got > starts {
                self.violation(&format!("freed aio: {got} completions for {starts} starts"));
            }
        }
        for q in self.cqs.drain(..) {
            unsafe { pnng_cq_free(q) };
        }
        for t in self.tls.drain(..) {
            unsafe { pnng_tls_config_free(t) };
        }
        // everything of this sequence is dead now
        for d in std::mem::take(&mut self.dialers) {
            self.mark_dead(Kind::Dialer, d);
        }
        for l in std::mem::take(&mut self.listeners) {
            self.mark_dead(Kind::Listener, l);
        }
        for k in KINDS {
            let mut now = self.dead_now.remove(&k).unwrap_or_default();
            let pool = self.p.dead.entry(k).or_default();
            pool.append(&mut now);
            if pool.len() > 256 {
                let cut = pool.len() - 256;
                pool.drain(..cut);
            }
        }
        PIPES_SEEN.lock().unwrap().clear();
    }
}

/// Step names by the upper end of their range in `step` (for the hang report).
const OP_NAMES: &[(usize, &str)] = &[
    (9, "open"),
    (12, "close"),
    (19, "listen"),
    (26, "dial"),
    (29, "endpoint_create"),
    (31, "endpoint_close"),
    (39, "send"),
    (43, "send_msg"),
    (51, "recv"),
    (61, "option"),
    (63, "sockaddr"),
    (67, "ctx"),
    (69, "subscribe"),
    (77, "msg"),
    (85, "aio"),
    (88, "lists"),
    (91, "pipe"),
    (93, "notify"),
    (95, "stats"),
    (97, "tls"),
    (98, "device"),
    (99, "misc"),
];

fn super_c(s: &str) -> CString {
    c(s)
}

fn header(m: *const pnng_msg) -> Vec<u8> {
    unsafe {
        let n = pnng_msg_header_len(m);
        if n == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(pnng_msg_header(m), n).to_vec()
        }
    }
}

#[test]
#[ignore = "run by api_fuzz in a child process"]
fn api_fuzz_worker() {
    let from: u64 = match std::env::var("PNNG_FUZZ_FROM")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(v) => v,
        None => return,
    };
    let to: u64 = std::env::var("PNNG_FUZZ_TO")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(from + 1);
    // PNNG_FUZZ_TRACE=all, or =N to print the calls of sequence N only
    let trace_env = std::env::var("PNNG_FUZZ_TRACE").ok();
    install_crash_handlers();
    unsafe { pnng_set_log_callback(Some(log_cb), null_mut()) };
    let base = seed();
    let mut st = Stats {
        profile: std::env::var("PNNG_FUZZ_PROFILE").is_ok(),
        print_max: std::env::var("PNNG_FUZZ_PRINT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20),
        ..Default::default()
    };
    let mut p = Persist::default();
    // hang watchdog: a sequence that makes no progress for 10 s is a hang
    let wd_seq = std::sync::Arc::new(AtomicU64::new(u64::MAX));
    let wd_call = std::sync::Arc::new(AtomicU64::new(0));
    {
        let (s, cl) = (wd_seq.clone(), wd_call.clone());
        std::thread::spawn(move || {
            let mut last = (u64::MAX, u64::MAX, Instant::now());
            loop {
                std::thread::sleep(Duration::from_millis(250));
                let now = (s.load(Ordering::Relaxed), cl.load(Ordering::Relaxed));
                if now.0 != last.0 || now.1 != last.1 {
                    last = (now.0, now.1, Instant::now());
                } else if last.2.elapsed() > Duration::from_secs(10) {
                    let op = *CUR_OP.lock().unwrap();
                    let at = stuck_where();
                    let (calls, devices) = RECENT
                        .lock()
                        .map(|r| {
                            (
                                r.join("; "),
                                r.iter()
                                    .filter(|c| c.contains("device_start(") && c.ends_with("-> 0"))
                                    .count(),
                            )
                        })
                        .unwrap_or_default();
                    eprintln!(
                        "\nfuzz-hang seq={} op={op} (no progress for 10 s) devices started in this sequence: {devices}; \
                         stuck in: {at} after calls: {calls}",
                        now.0
                    );
                    unsafe { libc::_exit(3) };
                }
            }
        });
    }
    let t_all = Instant::now();
    for seq in from..to {
        CUR_SEQ.store(seq, Ordering::Relaxed);
        RECENT.lock().unwrap().clear();
        let trace = trace_env
            .as_deref()
            .is_some_and(|t| t == "all" || t.parse() == Ok(seq));
        wd_seq.store(seq, Ordering::Relaxed);
        if trace {
            println!("sequence {seq}");
        }
        let mut w = Seq {
            r: Rng::new(base ^ seq.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            seq,
            trace,
            st: &mut st,
            p: &mut p,
            socks: Vec::new(),
            dialers: Vec::new(),
            listeners: Vec::new(),
            ctxs: Vec::new(),
            pipes: Vec::new(),
            dead_now: HashMap::new(),
            urls: Vec::new(),
            msgs: Vec::new(),
            aios: Vec::new(),
            cqs: Vec::new(),
            ctrs: Vec::new(),
            tls: Vec::new(),
            tcp_used: 0,
            call: 0,
            freed: Vec::new(),
        };
        let len = w.r.range(4, 28);
        for _ in 0..len {
            w.step();
            wd_call.fetch_add(1, Ordering::Relaxed);
        }
        let t = Instant::now();
        w.teardown();
        if st.profile {
            let e = st.prof.entry("teardown").or_default();
            e.0 += 1;
            e.1 += t.elapsed();
        }
        st.seqs += 1;
        if st.seqs.is_multiple_of(100) || seq + 1 == to {
            println!(
                "fuzz-stats seqs={} calls={} undocumented={} violations={} internal={} aio_starts={} log_lines={} rss_kib={}",
                st.seqs,
                st.calls,
                st.undocumented,
                st.violations,
                st.internal,
                st.aio_starts,
                LOG_LINES.load(Ordering::Relaxed),
                rss_kib()
            );
        }
    }
    if st.profile {
        let mut v: Vec<_> = st.prof.iter().collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.1.1));
        for (k, (n, d)) in v {
            println!(
                "profile {k:16} {n:8} calls {:8.1} ms  {:8.1} us/call",
                d.as_secs_f64() * 1e3,
                d.as_secs_f64() * 1e6 / *n as f64
            );
        }
        println!(
            "profile total {:.1} ms",
            t_all.elapsed().as_secs_f64() * 1e3
        );
    }
}
