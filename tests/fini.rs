//! `pnng_fini` with connections still being made, then NNG used again. Its own test binary:
//! `pnng_fini` closes every socket of the process, so it cannot share one with other tests.

mod common;
use common::*;
use std::time::Duration;

/// A TCP peer that accepts connections and never answers (nor reads): a TLS client waits for
/// the server's handshake reply forever. Returns its port.
fn silent_peer() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    port
}

/// CRASH and HANG (NNG 1.12 init and reaper; fixed by vendor/nng-patches/0021 and 0022): a
/// req0 socket with a client TLS config dials `wss://` or `tls+tcp://` in the background to a
/// peer that never answers the handshake, then `pnng_fini` (with or without closing the socket
/// first), and again. `nng_fini` tore down the aio expire queues while a tls pipe's failing
/// negotiation callback was still queued: "panic: pthread_mutex_lock: Invalid argument"
/// (nni_aio_close from tls_tcp_error, or tls_reap -> nni_aio_stop). And after `nng_fini` the
/// next initialization's reaper exited at once, so the next socket close never returned.
/// Expected: every round closes and finalizes; a watchdog aborts the process on a hang.
#[test]
fn fini_with_handshakes_pending_then_use_again() {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if rx.recv_timeout(Duration::from_secs(300)).is_err() {
            eprintln!("fini_with_handshakes_pending_then_use_again: hung");
            std::process::abort();
        }
    });
    let port = silent_peer();
    for round in 0..40u64 {
        let url = if round % 2 == 0 {
            format!("wss://127.0.0.1:{port}/x")
        } else {
            format!("tls+tcp://127.0.0.1:{port}")
        };
        let s = open(pnng_req0_open);
        let mut cfg = std::ptr::null_mut();
        assert_eq!(
            unsafe { pnng_tls_config_new(PNNG_TLS_MODE_CLIENT, &mut cfg) },
            PNNG_OK
        );
        assert_eq!(
            unsafe { pnng_tls_config_auth_mode(cfg, PNNG_TLS_AUTH_MODE_NONE) },
            PNNG_OK
        );
        assert_eq!(unsafe { pnng_socket_set_tls(s, cfg) }, PNNG_OK);
        unsafe { pnng_tls_config_free(cfg) };
        let u = c(&url);
        assert_eq!(
            unsafe { pnng_socket_dial(s, u.as_ptr(), PNNG_FLAG_NONBLOCK, std::ptr::null_mut()) },
            PNNG_OK,
            "{url}"
        );
        std::thread::sleep(Duration::from_millis(20 + round % 5 * 20));
        if round % 4 >= 2 {
            close(s);
        }
        unsafe { pnng_fini() };
    }
    // NNG works after the last fini.
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    assert_eq!(send(b, b"after"), PNNG_OK);
    assert_eq!(recv(a).unwrap(), b"after");
    close(a);
    close(b);
    let _ = tx.send(());
}
