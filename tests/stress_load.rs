//! Stress: load and loss. Soaks with sequence numbers over inproc, ipc, tcp and tls+tcp:
//! - push0 -> one pull0, and pair0 one way: every message arrives once, in order;
//! - req0 -> rep0 with 8 concurrent contexts on each side: every request gets its own reply.
//!
//! 1 million messages in the bounded run, 100 million long (PNNG_STRESS_LONG=1).
//! Memory: RSS after each soak must be within 10 % + 8 MiB of the RSS after its warm-up
//! (the first 10 % of its messages); both are reported.
mod common;
mod stress;
use common::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use stress::*;

type Tls = Option<(*mut pnng_tls_config, *mut pnng_tls_config)>;

fn url(tr: &str) -> String {
    match tr {
        "tls" => "tls+tcp://127.0.0.1:0".to_string(),
        t => addr(t),
    }
}

/// A connected (listener, dialer) pair; TLS configs attached for "tls".
fn connect(l_open: Opener, d_open: Opener, tr: &str, tls: Tls) -> (pnng_socket, pnng_socket) {
    let (l, d) = (open(l_open), open(d_open));
    for s in [l, d] {
        set_ms(s, "recv-timeout", 10_000);
        set_ms(s, "send-timeout", 10_000);
    }
    if tr == "tls" {
        let (srv, cli) = tls.expect("tls configs");
        assert_eq!(unsafe { pnng_socket_set_tls(l, srv) }, PNNG_OK);
        assert_eq!(unsafe { pnng_socket_set_tls(d, cli) }, PNNG_OK);
    }
    let (_, u) = listen_url(l, &url(tr));
    dial(d, &u);
    (l, d)
}

fn payload(seq: u64, r: &mut Rng) -> Vec<u8> {
    let mut v = seq.to_be_bytes().to_vec();
    // mostly small, sometimes a few KiB
    let extra = if r.chance(1, 50) {
        r.below(8192)
    } else {
        r.below(64)
    };
    v.resize(8 + extra, (seq & 0xFF) as u8);
    v
}

#[derive(Default)]
struct Check {
    received: u64,
    lost: u64,
    dups: u64,
    reordered: u64,
    corrupt: u64,
}

/// Follows a stream that must be complete and ordered (one sender, one receiver, one pipe).
struct Ordered {
    next: u64,
    seen: Vec<u64>, // bitmap of sequence numbers
    c: Check,
}

impl Ordered {
    fn new(n: u64) -> Self {
        Ordered {
            next: 0,
            seen: vec![0; (n as usize).div_ceil(64)],
            c: Check::default(),
        }
    }
    fn take(&mut self, b: &[u8]) {
        self.c.received += 1;
        if b.len() < 8 {
            self.c.corrupt += 1;
            return;
        }
        let seq = u64::from_be_bytes(b[..8].try_into().unwrap());
        if b[8..].iter().any(|x| *x != (seq & 0xFF) as u8) || (seq as usize) >= self.seen.len() * 64
        {
            self.c.corrupt += 1;
            return;
        }
        let (w, bit) = ((seq / 64) as usize, seq % 64);
        if self.seen[w] & (1 << bit) != 0 {
            self.c.dups += 1;
            return;
        }
        self.seen[w] |= 1 << bit;
        if seq != self.next {
            self.c.reordered += 1;
        }
        self.next = seq + 1;
    }
    fn finish(mut self, n: u64) -> Check {
        let got: u64 = self.seen.iter().map(|w| w.count_ones() as u64).sum();
        self.c.lost = n - got;
        self.c
    }
}

struct Soak {
    name: String,
    n: u64,
    c: Check,
    rss_warm: u64,
    rss_end: u64,
    secs: f64,
}

/// One sender thread, this thread receives: push/pull or pair0.
fn ordered_soak(proto: &str, tr: &str, n: u64, tls: Tls) -> Soak {
    let t0 = Instant::now();
    let (rx, tx) = match proto {
        "push/pull" => connect(pnng_pull0_open, pnng_push0_open, tr, tls),
        _ => connect(pnng_pair0_open, pnng_pair0_open, tr, tls),
    };
    let wd = Watchdog::new(&format!("{proto} {tr}"), Duration::from_secs(30));
    let sent_err = Arc::new(AtomicU64::new(0));
    let sender = {
        let e = sent_err.clone();
        std::thread::spawn(move || {
            let mut r = Rng::new(seed() ^ 0x10AD);
            for seq in 0..n {
                let p = payload(seq, &mut r);
                if send(tx, &p) != PNNG_OK {
                    e.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let mut o = Ordered::new(n);
    let mut rss_warm = 0;
    let warm_at = n / 10;
    for i in 0..n {
        if i % 4096 == 0 {
            wd.feed(|| format!("{proto} {tr}: received {i} of {n}"));
        }
        if i == warm_at {
            rss_warm = rss_kib();
        }
        let mut m = std::ptr::null_mut();
        if unsafe { pnng_socket_recv_msg(rx, 0, &mut m) } != 0 {
            break; // timed out: the rest is lost
        }
        o.take(&body(m));
        unsafe { pnng_msg_free(m) };
    }
    sender.join().unwrap();
    // nothing more may come
    let mut m = std::ptr::null_mut();
    std::thread::sleep(Duration::from_millis(20));
    while unsafe { pnng_socket_recv_msg(rx, PNNG_FLAG_NONBLOCK, &mut m) } == 0 {
        o.take(&body(m));
        unsafe { pnng_msg_free(m) };
    }
    let rss_end = rss_kib();
    close(tx);
    close(rx);
    let mut c = o.finish(n);
    c.corrupt += sent_err.load(Ordering::Relaxed);
    Soak {
        name: format!("{proto} {tr}"),
        n,
        c,
        rss_warm,
        rss_end,
        secs: t0.elapsed().as_secs_f64(),
    }
}

/// req/rep with `k` contexts on each side: every request gets the reply to itself.
fn reqrep_soak(tr: &str, n: u64, tls: Tls) -> Soak {
    let t0 = Instant::now();
    let k = 8u64;
    let (rep, req) = connect(pnng_rep0_open, pnng_req0_open, tr, tls);
    set_ms(req, "req:resend-time", 60_000); // no resends: a lost reply must show up
    let wd = Watchdog::new(&format!("req/rep {tr}"), Duration::from_secs(30));
    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicU64::new(0));
    let mut servers = Vec::new();
    for _ in 0..k {
        let (st, sv) = (stop.clone(), served.clone());
        let mut ctx = pnng_ctx { id: 0 };
        assert_eq!(unsafe { pnng_socket_new_context(rep, &mut ctx) }, PNNG_OK);
        let o = c("recv-timeout");
        assert_eq!(unsafe { pnng_ctx_set_ms(ctx, o.as_ptr(), 100) }, PNNG_OK);
        servers.push(std::thread::spawn(move || {
            while !st.load(Ordering::Relaxed) {
                let mut m = std::ptr::null_mut();
                if unsafe { pnng_ctx_recv_msg(ctx, 0, &mut m) } != 0 {
                    continue;
                }
                // the reply is the request reversed (so an echo of the wrong request shows)
                let mut b = body(m);
                unsafe { pnng_msg_free(m) };
                b.reverse();
                if unsafe { pnng_ctx_send(ctx, b.as_ptr().cast(), b.len(), 0) } == 0 {
                    sv.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let done = Arc::new(AtomicU64::new(0));
    let bad = Arc::new(AtomicU64::new(0));
    let lost = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for w in 0..k {
        let (dn, bd, ls) = (done.clone(), bad.clone(), lost.clone());
        let mut ctx = pnng_ctx { id: 0 };
        assert_eq!(unsafe { pnng_socket_new_context(req, &mut ctx) }, PNNG_OK);
        clients.push(std::thread::spawn(move || {
            let mut r = Rng::new(seed() ^ w);
            let mut i = w;
            while i < n {
                let p = payload(i, &mut r);
                if unsafe { pnng_ctx_send(ctx, p.as_ptr().cast(), p.len(), 0) } != 0 {
                    ls.fetch_add(1, Ordering::Relaxed);
                } else {
                    let mut m = std::ptr::null_mut();
                    if unsafe { pnng_ctx_recv_msg(ctx, 0, &mut m) } != 0 {
                        ls.fetch_add(1, Ordering::Relaxed);
                    } else {
                        let mut b = body(m);
                        unsafe { pnng_msg_free(m) };
                        b.reverse();
                        if b != p {
                            bd.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                dn.fetch_add(1, Ordering::Relaxed);
                i += k;
            }
        }));
    }
    let mut rss_warm = 0;
    while done.load(Ordering::Relaxed) < n && !clients.iter().all(|h| h.is_finished()) {
        let d = done.load(Ordering::Relaxed);
        wd.feed(|| format!("req/rep {tr}: {d} of {n}"));
        if rss_warm == 0 && d >= n / 10 {
            rss_warm = rss_kib();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    for h in clients {
        h.join().unwrap();
    }
    if rss_warm == 0 {
        rss_warm = rss_kib();
    }
    let rss_end = rss_kib();
    stop.store(true, Ordering::Relaxed);
    for h in servers {
        h.join().unwrap();
    }
    close(req);
    close(rep);
    let c = Check {
        received: n - lost.load(Ordering::Relaxed),
        lost: lost.load(Ordering::Relaxed),
        dups: served.load(Ordering::Relaxed).saturating_sub(n),
        reordered: 0,
        corrupt: bad.load(Ordering::Relaxed),
    };
    Soak {
        name: format!("req/rep(8 ctx) {tr}"),
        n,
        c,
        rss_warm,
        rss_end,
        secs: t0.elapsed().as_secs_f64(),
    }
}

/// "Flat" memory: RSS after a soak within 10 % of RSS after its warm-up, plus this much for
/// page-granular noise (glibc trims and regrows its heaps a few pages at a time).
const RSS_SLACK_KIB: u64 = 1024;

/// The same over the whole run, from after the warm-up pass to the end, with more slack: the
/// soaks' mixed message sizes (mostly under 72 bytes, one in 50 up to 8 KiB) across 16
/// threads fragment glibc's heaps, which keep growing for a while and then level off. Measured
/// here, 8 x 200 000 such req/rep requests over inproc: raw NNG 3.9 -> 4.9 MiB and pnng 4.6 ->
/// 6.8 MiB, each round adding less (pnng: +516, +516, +400, +280, +200, +140, +148 KiB); with
/// one fixed size both stay within 0.1 MiB. A leak grows with the traffic instead: the long
/// run (100 times the messages) checks against the same bound.
const RSS_RUN_SLACK_KIB: u64 = 2048;

#[test]
#[ignore = "stress suite: make stress"]
fn load_and_loss() {
    let t0 = Instant::now();
    let tls = tls_configs();
    let mut trs = vec!["inproc", "ipc", "tcp"];
    if tls.is_some() {
        trs.push("tls");
    } else {
        report("load tls skipped: no openssl to make certificates");
    }
    // per transport: bounded 250 000 messages (1 million over the four), long 25 million
    let per_push = count(150_000, 15_000_000);
    let per_pair = count(50_000, 5_000_000);
    let per_req = count(50_000, 5_000_000);
    let run_all = |push: u64, pair: u64, req: u64| {
        let mut soaks = Vec::new();
        for tr in &trs {
            soaks.push(ordered_soak("push/pull", tr, push, tls));
            soaks.push(ordered_soak("pair0", tr, pair, tls));
            soaks.push(reqrep_soak(tr, req, tls));
        }
        soaks
    };
    let rss_start = rss_kib();
    // Warm-up: a short run of every soak first, so that first-use costs (NNG's threads and
    // pollers, malloc's per-thread arenas, the TLS engine) are paid before the baseline
    let warm = run_all(5_000, 2_000, 2_000);
    let warm_clean = warm
        .iter()
        .all(|s| s.c.lost + s.c.dups + s.c.reordered + s.c.corrupt == 0);
    let rss_warm = rss_kib();
    report(&format!(
        "load warm-up: {} messages in {} short soaks ({}), RSS start {rss_start} KiB -> {rss_warm} KiB",
        warm.iter().map(|s| s.n).sum::<u64>(),
        warm.len(),
        if warm_clean {
            "none lost, duplicated, reordered or corrupt"
        } else {
            "PROBLEMS"
        }
    ));
    let soaks = run_all(per_push, per_pair, per_req);
    let rss_end = rss_kib();
    let mut all_ok = warm_clean;
    let mut total = 0;
    for s in &soaks {
        total += s.n;
        let flat = rss_flat(s.rss_warm, s.rss_end, RSS_SLACK_KIB);
        let ok = s.c.lost == 0 && s.c.dups == 0 && s.c.reordered == 0 && s.c.corrupt == 0 && flat;
        all_ok &= ok;
        report(&format!(
            "load {}: {} messages, {} lost, {} duplicated, {} out of order, {} corrupt, {:.0} msg/s, \
             RSS warm {} KiB -> end {} KiB ({})",
            s.name,
            s.n,
            s.c.lost,
            s.c.dups,
            s.c.reordered,
            s.c.corrupt,
            s.n as f64 / s.secs,
            s.rss_warm,
            s.rss_end,
            if flat { "flat" } else { "GREW" }
        ));
    }
    if let Some((a, b)) = tls {
        unsafe {
            pnng_tls_config_free(a);
            pnng_tls_config_free(b);
        }
    }
    let overall_flat = rss_flat(rss_warm, rss_end, RSS_RUN_SLACK_KIB);
    all_ok &= overall_flat;
    report(&format!(
        "load: {total} messages in {} soaks, RSS after warm-up {rss_warm} KiB, end {rss_end} KiB ({}), {}",
        soaks.len(),
        if overall_flat { "flat" } else { "GREW" },
        secs(t0.elapsed())
    ));
    assert!(
        all_ok,
        "load: loss, duplicates, reordering, corruption or memory growth (see above)"
    );
}
