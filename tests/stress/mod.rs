//! Shared pieces of the stress suites (tests/stress_*.rs): a seeded PRNG, run-size knobs, RSS,
//! the documented error-code set, a hang watchdog and the summary report.
//!
//! Knobs (environment):
//! - `PNNG_STRESS_LONG=1`: the long (hours) run sizes instead of the bounded CI sizes.
//! - `PNNG_STRESS_SCALE=<float>`: multiplies every count (default 1).
//! - `PNNG_STRESS_SEED=<u64>`: the base seed (default: fixed, so CI runs are reproducible).
//! - `PNNG_STRESS_REPORT=<path>`: where summary lines are appended (default target/stress-report.txt).
#![allow(dead_code)]

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// xorshift64* (Vigna): tiny, fast, good enough for fuzzing; never returns the same stream for
/// different non-zero seeds.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // splitmix64 the seed so that neighbouring seeds give unrelated streams.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n as u64) as usize
    }
    pub fn range(&mut self, lo: usize, hi_incl: usize) -> usize {
        lo + self.below(hi_incl - lo + 1)
    }
    /// True with probability num/den.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    /// 0..n random bytes.
    pub fn bytes_upto(&mut self, n: usize) -> Vec<u8> {
        let k = self.below(n);
        self.bytes(k)
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

pub fn env_f64(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn long_run() -> bool {
    std::env::var("PNNG_STRESS_LONG")
        .map(|v| v == "1")
        .unwrap_or(false)
}

/// A count: `bounded` for CI, `long` under `PNNG_STRESS_LONG=1`, times `PNNG_STRESS_SCALE`.
pub fn count(bounded: u64, long: u64) -> u64 {
    let base = if long_run() { long } else { bounded };
    ((base as f64) * env_f64("PNNG_STRESS_SCALE", 1.0))
        .round()
        .max(1.0) as u64
}

pub fn seed() -> u64 {
    std::env::var("PNNG_STRESS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x005E_ED0F_2026)
}

/// Resident set size of this process in KiB (VmRSS).
pub fn rss_kib() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Open file descriptors of this process.
pub fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Every code the API may return: 0, NNG's 1..=31, EINTERNAL, and the ESYSERR / ETRANERR ranges.
pub fn documented(code: i32) -> bool {
    const SYS: i32 = 0x1000_0000;
    const TRAN: i32 = 0x2000_0000;
    (0..=31).contains(&code)
        || code == 1000
        || (code & !0x0FFF_FFFF == SYS && code != SYS)
        || (code & !0x0FFF_FFFF == TRAN && code != TRAN)
}

fn report_path() -> std::path::PathBuf {
    std::env::var_os("PNNG_STRESS_REPORT")
        .map(Into::into)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/stress-report.txt")
        })
}

/// Prints a summary line (`stress: ...`) and appends it to the report file.
pub fn report(line: &str) {
    let line = format!("stress: {line}");
    eprintln!("{line}");
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(report_path())
    {
        let _ = writeln!(f, "{line}");
    }
}

/// Aborts the process (with a message naming what hung) when not fed for `limit`.
/// A hang in a stress test is a failure, never an endless CI job.
pub struct Watchdog {
    last: Arc<AtomicU64>,
    what: Arc<std::sync::Mutex<String>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

fn now_ms() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

impl Watchdog {
    pub fn new(name: &str, limit: Duration) -> Self {
        let last = Arc::new(AtomicU64::new(now_ms()));
        let what = Arc::new(std::sync::Mutex::new(name.to_string()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (l, w, s) = (last.clone(), what.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                if now_ms().saturating_sub(l.load(Ordering::Relaxed)) > limit.as_millis() as u64 {
                    let what = w.lock().map(|g| g.clone()).unwrap_or_default();
                    eprintln!("stress: HANG: no progress for {limit:?} in: {what}");
                    let _ = std::io::stderr().flush();
                    std::process::abort();
                }
            }
        });
        Watchdog { last, what, stop }
    }
    /// Records progress (and what is being done now, shown if it hangs).
    pub fn feed(&self, what: impl FnOnce() -> String) {
        self.last.store(now_ms(), Ordering::Relaxed);
        if let Ok(mut g) = self.what.lock() {
            *g = what();
        }
    }
    pub fn feed_quiet(&self) {
        self.last.store(now_ms(), Ordering::Relaxed);
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// "12.3 s"
pub fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// RSS check used by the soaks: after within 10 % + `slack_kib` of warm.
pub fn rss_flat(warm_kib: u64, after_kib: u64, slack_kib: u64) -> bool {
    after_kib <= warm_kib + warm_kib / 10 + slack_kib
}

// ---- TLS: certificates made at run time with openssl, as tests/tls.rs does -------------------

use crate::common::*;
use std::process::Command;

fn openssl(dir: &std::path::Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// (server config, client config), or None when openssl is not there.
pub fn tls_configs() -> Option<(*mut pnng_tls_config, *mut pnng_tls_config)> {
    let dir = std::env::temp_dir().join(format!("pnng-stress-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let key = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut a = vec!["req", "-x509"];
    a.extend(key);
    a.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "30",
        "-subj",
        "/CN=stress CA",
    ]);
    if !openssl(&dir, &a) {
        return None;
    }
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .ok()?;
    let mut a = vec!["req"];
    a.extend(key);
    a.extend([
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    if !openssl(&dir, &a)
        || !openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.crt",
                "-days",
                "30",
                "-extfile",
                "server.ext",
            ],
        )
    {
        return None;
    }
    let rd = |n: &str| c(&std::fs::read_to_string(dir.join(n)).unwrap());
    let (mut srv, mut cli) = (std::ptr::null_mut(), std::ptr::null_mut());
    unsafe {
        assert_eq!(pnng_tls_config_new(PNNG_TLS_MODE_SERVER, &mut srv), PNNG_OK);
        assert_eq!(
            pnng_tls_config_own_cert(
                srv,
                rd("server.crt").as_ptr(),
                rd("server.key").as_ptr(),
                std::ptr::null()
            ),
            PNNG_OK
        );
        assert_eq!(pnng_tls_config_new(PNNG_TLS_MODE_CLIENT, &mut cli), PNNG_OK);
        assert_eq!(
            pnng_tls_config_ca_chain(cli, rd("ca.crt").as_ptr(), std::ptr::null()),
            PNNG_OK
        );
        assert_eq!(
            pnng_tls_config_server_name(cli, c("localhost").as_ptr()),
            PNNG_OK
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Some((srv, cli))
}
