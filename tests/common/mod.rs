//! Helpers shared by the integration tests: they call the exported C functions directly.
#![allow(dead_code, unused_imports)]

pub use pnng::abi::*;

pub use pnng::error::*;
pub use pnng::ffi::aio::*;
pub use pnng::ffi::ctx::*;
pub use pnng::ffi::dialer::*;
pub use pnng::ffi::listener::*;
pub use pnng::ffi::misc::*;
pub use pnng::ffi::msg::*;
pub use pnng::ffi::options::*;
pub use pnng::ffi::pipe::*;
pub use pnng::ffi::protocols::*;
pub use pnng::ffi::socket::*;
pub use pnng::ffi::stats::*;
pub use pnng::ffi::tls::*;

pub use std::ffi::{CStr, CString, c_char, c_int, c_void};
pub use std::result::Result;
use std::sync::atomic::{AtomicU32, Ordering};

pub type Opener = unsafe extern "C" fn(*mut pnng_socket) -> pnng_result;

/// Opens a socket, panicking on failure.
pub fn open(opener: Opener) -> pnng_socket {
    let mut s = pnng_socket { id: 0 };
    assert_eq!(unsafe { opener(&mut s) }, PNNG_OK);
    assert!(s.id > 0);
    s
}

pub fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

static SEQ: AtomicU32 = AtomicU32::new(0);

/// A fresh address for `transport` ("inproc", "ipc", "tcp", "ws", "abstract").
pub fn addr(transport: &str) -> String {
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let pid = std::process::id();
    match transport {
        "inproc" => format!("inproc://t-{pid}-{n}"),
        "ipc" => format!("ipc:///tmp/pnng-test-{pid}-{n}.ipc"),
        "abstract" => format!("abstract://pnng-test-{pid}-{n}"),
        // Port 0: `listen_url` (and `pair`) listen there and give the port NNG bound. A port
        // found free first could be taken by another process before the listen.
        "tcp" => "tcp://127.0.0.1:0".to_string(),
        // NNG shares one HTTP server among the ws listeners of a host:port, port 0 included,
        // so ws takes a free port and `listen_url` takes another when it was taken meanwhile.
        "ws" => format!("ws://127.0.0.1:{}/pnng", free_port()),
        other => panic!("unknown transport {other}"),
    }
}

/// An address nobody listens on yet, for a test that dials before it listens there: tcp gets
/// a port found free now (`addr("tcp")` is a listen-side port-0 URL); a later listen on it can
/// still find it taken, so only tests that need a dial-first address use this.
pub fn dial_first_addr(transport: &str) -> String {
    match transport {
        "tcp" => format!("tcp://127.0.0.1:{}", free_port()),
        t => addr(t),
    }
}

/// A currently free TCP port on loopback. Retries for a while: a stress run that closes
/// connections fast can leave none free for a moment (EADDRINUSE).
pub fn free_port() -> u16 {
    for _ in 0..200 {
        if let Ok(l) = std::net::TcpListener::bind("127.0.0.1:0") {
            return l.local_addr().unwrap().port();
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("no free TCP port on 127.0.0.1 for 2 s");
}

/// Is `url` a TCP-based URL with port 0 (`tcp://127.0.0.1:0`, `tls+tcp://[::1]:0`)?
pub fn is_port_zero(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host_port = rest.split('/').next().unwrap_or("");
    host_port.rsplit_once(':').is_some_and(|(_, p)| p == "0")
}

/// `url` with its port replaced by `port`.
pub fn with_port(url: &str, port: u16) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (host_port, path) = rest
        .split_once('/')
        .map_or((rest, None), |(h, p)| (h, Some(p)));
    let host = host_port.rsplit_once(':').expect("a port").0;
    match path {
        Some(p) => format!("{scheme}://{host}:{port}/{p}"),
        None => format!("{scheme}://{host}:{port}"),
    }
}

/// The URL a dialer reaches started listener `l` at: for a port-0 `url`, the port NNG bound
/// (`tcp-bound-port`); any other `url` as it is.
pub fn bound_url(l: pnng_listener, url: &str) -> String {
    if !is_port_zero(url) {
        return url.to_string();
    }
    let (mut port, o) = (0, c("tcp-bound-port"));
    assert_eq!(
        unsafe { pnng_listener_get_int(l, o.as_ptr(), &mut port) },
        PNNG_OK
    );
    with_port(url, port as u16)
}

/// Listens on `url`; the listener and the URL a dialer reaches it at. A port-0 URL gives the
/// port NNG bound; a `ws://` or `wss://` URL whose port another process took since it was
/// chosen (`EADDRINUSE`) moves to another free port.
pub fn listen_url(s: pnng_socket, url: &str) -> (pnng_listener, String) {
    let mut url = url.to_string();
    for _ in 0..100 {
        let (mut l, u) = (pnng_listener { id: 0 }, c(&url));
        let rv = unsafe { pnng_socket_listen(s, u.as_ptr(), 0, &mut l) };
        if rv == PNNG_EADDRINUSE && (url.starts_with("ws://") || url.starts_with("wss://")) {
            url = with_port(&url, free_port());
            continue;
        }
        assert_eq!(rv, PNNG_OK, "listen {url}");
        let dial = bound_url(l, &url);
        return (l, dial);
    }
    panic!("listen {url}: address in use 100 times");
}

/// Listens on `url` (a fixed address; `listen_url` for `addr("tcp")` and `addr("ws")`).
pub fn listen(s: pnng_socket, url: &str) -> pnng_listener {
    let mut l = pnng_listener { id: 0 };
    let u = c(url);
    assert_eq!(
        unsafe { pnng_socket_listen(s, u.as_ptr(), 0, &mut l) },
        PNNG_OK,
        "listen {url}"
    );
    l
}

pub fn dial(s: pnng_socket, url: &str) -> pnng_dialer {
    let mut d = pnng_dialer { id: 0 };
    let u = c(url);
    assert_eq!(
        unsafe { pnng_socket_dial(s, u.as_ptr(), 0, &mut d) },
        PNNG_OK,
        "dial {url}"
    );
    d
}

pub fn set_ms(s: pnng_socket, opt: &str, ms: i32) {
    let o = c(opt);
    assert_eq!(unsafe { pnng_socket_set_ms(s, o.as_ptr(), ms) }, PNNG_OK);
}

pub fn send(s: pnng_socket, data: &[u8]) -> pnng_result {
    unsafe { pnng_socket_send(s, data.as_ptr().cast(), data.len(), 0) }
}

/// Receives one message as bytes, or the error code.
pub fn recv(s: pnng_socket) -> Result<Vec<u8>, pnng_result> {
    let mut m = std::ptr::null_mut();
    let rv = unsafe { pnng_socket_recv_msg(s, 0, &mut m) };
    if rv != 0 {
        return Err(rv);
    }
    Ok(take(m))
}

/// Copies and frees a message.
pub fn take(m: *mut pnng_msg) -> Vec<u8> {
    let v = body(m);
    unsafe { pnng_msg_free(m) };
    v
}

pub fn body(m: *const pnng_msg) -> Vec<u8> {
    unsafe {
        let n = pnng_msg_len(m);
        if n == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(pnng_msg_body(m), n).to_vec()
        }
    }
}

pub fn msg(data: &[u8]) -> *mut pnng_msg {
    let mut m = std::ptr::null_mut();
    assert_eq!(
        unsafe { pnng_msg_new(data.as_ptr().cast(), data.len(), &mut m) },
        PNNG_OK
    );
    m
}

pub fn close(s: pnng_socket) {
    assert_eq!(unsafe { pnng_socket_close(s) }, PNNG_OK);
}

/// A connected pair of sockets over `url`, with a receive timeout so no test can hang.
pub fn pair(a: Opener, b: Opener, url: &str) -> (pnng_socket, pnng_socket) {
    let (x, y) = (open(a), open(b));
    for s in [x, y] {
        set_ms(s, "recv-timeout", 5000);
        set_ms(s, "send-timeout", 5000);
    }
    let (_, url) = listen_url(x, url);
    dial(y, &url);
    (x, y)
}

/// Waits, up to 10 s, until a callback has set `slot` (notifying `cv`), and returns a copy of
/// what it set; fails the test with `what` if it never does.
pub fn wait_set<T: Clone>(
    slot: &std::sync::Mutex<Option<T>>,
    cv: &std::sync::Condvar,
    what: &str,
) -> T {
    let mut d = slot.lock().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while d.is_none() {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        assert!(!left.is_zero(), "{what}");
        d = cv.wait_timeout(d, left).unwrap().0;
    }
    d.clone().unwrap()
}

/// Waits until `f` holds (polling), up to 5 s.
pub fn eventually(mut f: impl FnMut() -> bool) -> bool {
    for _ in 0..500 {
        if f() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    false
}

pub fn strerror(code: pnng_result) -> String {
    unsafe { CStr::from_ptr(pnng_strerror(code)) }
        .to_string_lossy()
        .into_owned()
}
