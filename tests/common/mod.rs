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
        "tcp" => format!("tcp://127.0.0.1:{}", free_port()),
        "ws" => format!("ws://127.0.0.1:{}/pnng", free_port()),
        other => panic!("unknown transport {other}"),
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
    listen(x, url);
    dial(y, url);
    (x, y)
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
