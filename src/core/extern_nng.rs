//! NNG functions that nng-sys's pregenerated bindings leave out (the TLS supplement) or declare
//! with Rust enums that C could hand us out-of-range values for (the logger). Declared here with
//! plain integer types; they are in the vendored static libnng.

use std::ffi::{c_char, c_int};

/// NNG's `nng_tls_config`, opaque.
#[repr(C)]
pub struct NngTlsConfig {
    _private: [u8; 0],
}

pub type NngLogger = Option<
    unsafe extern "C" fn(level: c_int, facility: c_int, msgid: *const c_char, msg: *const c_char),
>;

unsafe extern "C" {
    /// pnng's copy of NNG: the aio's callback only wakes a waiter, so NNG may run it on the
    /// thread that finished the operation instead of a task-queue thread (vendor/nng-sys).
    pub fn nng_aio_set_inline(aio: *mut super::sys::nng_aio);
    /// pnng's copy of NNG: if the calling thread holds `aio`'s completion back (a callback
    /// completed while this thread runs another callback, to run after it), hands it to the
    /// task queue, so a wait for it here ends.
    pub fn nng_aio_claim(aio: *mut super::sys::nng_aio);
    /// pnng's copy of NNG: `nng_msg_alloc` whose body is not cleared; the caller writes every
    /// byte of it before the message is read or passed on.
    pub fn nng_msg_alloc_uncleared(msg: *mut *mut super::sys::nng_msg, size: usize) -> c_int;
    /// pnng's copy of NNG: the bytes an aio takes (for `nng_aio_init_at`).
    pub fn nng_aio_size() -> usize;
    /// pnng's copy of NNG: `nng_aio_alloc` in memory the caller provides (`nng_aio_size()`
    /// bytes, aligned for any type).
    pub fn nng_aio_init_at(
        aio: *mut super::sys::nng_aio,
        cb: Option<unsafe extern "C" fn(*mut std::ffi::c_void)>,
        arg: *mut std::ffi::c_void,
    ) -> c_int;
    /// pnng's copy of NNG: `nng_aio_free` without freeing the memory.
    pub fn nng_aio_fini_at(aio: *mut super::sys::nng_aio);
    /// pnng's copy of NNG: waits for the receive on `aio` (0), for `fd` readable or `ms`
    /// passed (NNG_EINTR), reading the calling thread's tcp/ipc pipe meanwhile; NNG_ENOTSUP
    /// when that does not apply (wait another way).
    pub fn nng_aio_wait_pipe(aio: *mut super::sys::nng_aio, fd: c_int, ms: c_int) -> c_int;
    /// pnng's copy of NNG: poll(2) on `fds` (at most 8) that reads the calling thread's
    /// tcp/ipc pipe meanwhile (its message reaches the socket on this thread).
    pub fn nng_poll_pipe(fds: *mut libc::pollfd, nfds: c_int, ms: c_int) -> c_int;
    /// pnng's copy of NNG: the calling thread's stream descriptor hints (the tcp/ipc pipe it
    /// last wrote to, the one that ended its last wait), which its waits read; 0 for none.
    pub fn nng_pipe_hints() -> u64;
    /// pnng's copy of NNG: sets the calling thread's hints (a value from `nng_pipe_hints`).
    pub fn nng_pipe_hints_set(hints: u64);
    pub fn nng_tls_config_alloc(cfg: *mut *mut NngTlsConfig, mode: c_int) -> c_int;
    pub fn nng_tls_config_hold(cfg: *mut NngTlsConfig);
    pub fn nng_tls_config_free(cfg: *mut NngTlsConfig);
    pub fn nng_tls_config_server_name(cfg: *mut NngTlsConfig, name: *const c_char) -> c_int;
    pub fn nng_tls_config_ca_chain(
        cfg: *mut NngTlsConfig,
        chain: *const c_char,
        crl: *const c_char,
    ) -> c_int;
    pub fn nng_tls_config_own_cert(
        cfg: *mut NngTlsConfig,
        cert: *const c_char,
        key: *const c_char,
        pass: *const c_char,
    ) -> c_int;
    pub fn nng_tls_config_ca_file(cfg: *mut NngTlsConfig, path: *const c_char) -> c_int;
    pub fn nng_tls_config_cert_key_file(
        cfg: *mut NngTlsConfig,
        path: *const c_char,
        pass: *const c_char,
    ) -> c_int;
    pub fn nng_tls_config_auth_mode(cfg: *mut NngTlsConfig, mode: c_int) -> c_int;

    pub fn nng_log_set_logger(logger: NngLogger);
    pub fn nng_log_set_level(level: c_int);

    /// pnng's copy of NNG: every socket opened afterwards starts with `cb` registered for
    /// every pipe event, its argument the socket's id (NULL: none).
    pub fn nng_pipe_notify_default(cb: super::sys::nng_pipe_cb) -> c_int;
}
