//! Devices: forwarding between two raw sockets, or back into one (a reflector), as NNG's
//! `nng_device` does.
//!
//! pnng forwards itself instead of calling `nng_device_aio`. NNG 1.12's device can only be
//! stopped by aborting its aio, and that abort is lost when it lands while a path is between
//! a receive and the next send: the path then starts a receive after the protocol's close
//! ran (bus0/pair0 do not check), which is never woken, and the device's hold on the socket
//! keeps `nng_close` waiting for ever (tests/stress_regressions.rs
//! closing_a_socket_with_a_busy_device_returns). Here every receive and send starts through
//! the socket's close gate (`socket::start_op`), each path re-checks both gates after it
//! starts an operation, and the path aios are listed with both sockets, whose close aborts
//! them: whichever way a close and a forwarding step interleave, the device ends.

use super::options::{self, Target};
use super::types::SocketId;
use super::{socket, sys};
use crate::error::{Error, Result, check};
use std::ffi::{c_int, c_void};
use std::sync::{Arc, Condvar, Mutex};

/// NNG protocol numbers of the protocols that cannot receive (pub0, push0): a device only
/// forwards from a socket that can.
const SEND_ONLY_PROTOCOLS: [c_int; 2] = [0x20, 0x50];

/// One direction of a device: receive on `src`, send what came to `dst`, again.
struct Path {
    device: Arc<Device>,
    aio: *mut sys::nng_aio,
    src: SocketId,
    dst: SocketId,
    /// Whether the operation in flight is the send (its message is then in the aio).
    sending: bool,
}

/// What the paths share.
struct Device {
    /// The device's sockets (the same one twice for a reflector).
    sockets: [SocketId; 2],
    state: Mutex<State>,
    ended: Condvar,
}

struct State {
    /// Path aios, to abort the other path when one ends and to reap them all at the end.
    aios: Vec<usize>,
    running: usize,
    /// The first error that ended a path: the device's result.
    rv: c_int,
}

/// Checks the sockets as NNG's `device_init` does and returns the paths' (src, dst): `0` for
/// one socket makes a reflector on the other; both raw; each one's peer the other's protocol.
fn plan(a: SocketId, b: SocketId) -> Result<Vec<(SocketId, SocketId)>> {
    let (mut s1, mut s2) = match (a, b) {
        (SocketId(0), SocketId(0)) => return Err(Error::Invalid),
        (SocketId(0), s) | (s, SocketId(0)) => (s, s),
        (a, b) => (a, b),
    };
    let proto = |s| options::get_int(Target::Socket(s), c"protocol");
    let peer = |s| options::get_int(Target::Socket(s), c"peer");
    for s in [s1, s2] {
        if !options::get_bool(Target::Socket(s), c"raw")? {
            return Err(Error::Invalid);
        }
    }
    if peer(s1)? != proto(s2)? || peer(s2)? != proto(s1)? {
        return Err(Error::Invalid);
    }
    let receives = |s| proto(s).map(|p| !SEND_ONLY_PROTOCOLS.contains(&p));
    if !receives(s1)? {
        std::mem::swap(&mut s1, &mut s2);
    }
    // One path if the other side cannot receive, or for a reflector (as NNG: less reordering).
    Ok(if s1 == s2 || !receives(s2)? {
        vec![(s1, s2)]
    } else {
        vec![(s1, s2), (s2, s1)]
    })
}

/// Starts the paths of a new device; the returned handle waits for its end.
fn launch(a: SocketId, b: SocketId) -> Result<Arc<Device>> {
    let plan = plan(a, b)?;
    let (s1, s2) = plan[0];
    let device = Arc::new(Device {
        sockets: [s1, s2],
        state: Mutex::new(State {
            aios: Vec::new(),
            running: 0,
            rv: 0,
        }),
        ended: Condvar::new(),
    });
    let mut paths: Vec<*mut Path> = Vec::new();
    for (src, dst) in plan {
        let path = Box::into_raw(Box::new(Path {
            device: device.clone(),
            aio: std::ptr::null_mut(),
            src,
            dst,
            sending: false,
        }));
        let mut aio = std::ptr::null_mut();
        // SAFETY: the out-pointer is a live local; `path` stays alive until the path's last
        // callback reclaims it.
        if let Err(e) = check(unsafe { sys::nng_aio_alloc(&mut aio, Some(on_step), path.cast()) }) {
            // SAFETY: `path` came from Box::into_raw above and no aio refers to it.
            drop(unsafe { Box::from_raw(path) });
            for p in paths {
                // SAFETY: the earlier paths were never started, so no callback can run: they
                // and their aios are ours to free here.
                unsafe { sys::nng_aio_free(Box::from_raw(p).aio) };
            }
            return Err(e);
        }
        // SAFETY: just allocated, idle; nothing else holds `path` yet.
        unsafe {
            sys::nng_aio_set_timeout(aio, sys::NNG_DURATION_INFINITE);
            (*path).aio = aio;
        }
        paths.push(path);
    }
    {
        let mut st = device.state.lock().unwrap_or_else(|p| p.into_inner());
        st.running = paths.len();
        // SAFETY: the paths are ours until their first operation starts below.
        st.aios = paths
            .iter()
            .map(|&p| unsafe { (*p).aio } as usize)
            .collect();
        for &aio in &st.aios {
            list(&device, aio, true);
        }
    }
    for path in paths {
        // SAFETY: from here on the path belongs to its callbacks.
        unsafe { start_step(path) };
    }
    Ok(device)
}

/// Lists (or unlists) a path aio with both sockets: closing either aborts it.
fn list(device: &Device, aio: usize, add: bool) {
    let [s1, s2] = device.sockets;
    socket::list_device(s1, aio as *mut sys::nng_aio, add);
    if s2 != s1 {
        socket::list_device(s2, aio as *mut sys::nng_aio, add);
    }
}

/// Whether either socket of the device has begun to close (or is gone).
fn closing(device: &Device) -> bool {
    device
        .sockets
        .iter()
        .any(|&s| socket::start_op(s, || {}).is_err())
}

/// Starts the path's next operation (a receive, or the send of the message in its aio)
/// through the gate of the socket it runs on; a refused start ends the path.
///
/// # Safety
/// `path` is a live path owned by its callbacks, with no operation in flight.
unsafe fn start_step(path: *mut Path) {
    // Once the operation is started it may complete, and the path end, on another thread at
    // once: after the start only `device` and `aio` are used, and `aio` only while listed.
    let (aio, sending, src, dst, device) = {
        // SAFETY: the caller's promise: a live path with no operation in flight.
        let p = unsafe { &*path };
        (p.aio, p.sending, p.src, p.dst, p.device.clone())
    };
    // Both starts: the path's aio is valid and idle; NNG validates the socket id and
    // completes the aio exactly once.
    let started = if sending {
        // SAFETY: as above.
        socket::start_op(dst, || unsafe { sys::nng_send_aio(dst.nng(), aio) })
    } else {
        // SAFETY: as above.
        socket::start_op(src, || unsafe { sys::nng_recv_aio(src.nng(), aio) })
    };
    if let Err(e) = started {
        // SAFETY: nothing started, so no callback will come for this step: end it here.
        return unsafe { end_path(path, e.code()) };
    }
    // A close (or the other path's end) after the start above aborts the queued aio; one
    // before it may have aborted before the operation was queued: abort it here.
    let st = device.state.lock().unwrap_or_else(|p| p.into_inner());
    if st.aios.contains(&(aio as usize)) && (st.rv != 0 || closing(&device)) {
        // SAFETY: listed, so not reaped (that happens under this lock); aborting an aio that
        // already finished does nothing.
        unsafe { sys::nng_aio_abort(aio, sys::NNG_ECLOSED as c_int) };
    }
}

/// The completion of a path's receive or send.
unsafe extern "C" fn on_step(arg: *mut c_void) {
    let _ = std::panic::catch_unwind(|| {
        let path = arg.cast::<Path>();
        // SAFETY: `arg` is the path given at allocation; it lives until `end_path`.
        let p = unsafe { &mut *path };
        // SAFETY: the path's aio, whose operation just completed.
        let rv = unsafe { sys::nng_aio_result(p.aio) };
        if rv != 0 {
            // SAFETY: this step completed; no other operation is in flight.
            return unsafe { end_path(path, rv) };
        }
        p.sending = !p.sending;
        // SAFETY: as above; a received message stays in the aio for the send.
        unsafe { start_step(path) };
    });
}

/// Ends a path: frees a message it was sending, aborts the other path, and the last one
/// to end unlists and reaps every path aio and wakes a waiting `run`.
///
/// # Safety
/// `path` is a live path with no operation in flight; it is freed here.
unsafe fn end_path(path: *mut Path, rv: c_int) {
    // SAFETY: the caller's promise; the path came from Box::into_raw in `launch`.
    let p = unsafe { Box::from_raw(path) };
    if p.sending {
        // SAFETY: a send that failed (or never started) leaves its message with the aio.
        unsafe {
            let m = sys::nng_aio_get_msg(p.aio);
            if !m.is_null() {
                sys::nng_aio_set_msg(p.aio, std::ptr::null_mut());
                sys::nng_msg_free(m);
            }
        }
    }
    let device = &p.device;
    let mut st = device.state.lock().unwrap_or_else(|e| e.into_inner());
    if st.rv == 0 {
        st.rv = rv;
    }
    st.running -= 1;
    if st.running > 0 {
        for &aio in st.aios.iter().filter(|&&a| a != p.aio as usize) {
            // SAFETY: path aios are reaped only below, by the last path to end.
            unsafe { sys::nng_aio_abort(aio as *mut sys::nng_aio, rv) };
        }
        return;
    }
    for aio in std::mem::take(&mut st.aios) {
        list(device, aio, false);
        // SAFETY: unlisted, so no close aborts it any more; reaping is NNG's way to free an
        // aio from a callback (its own or, still finishing, the other path's).
        unsafe { sys::nng_aio_reap(aio as *mut sys::nng_aio) };
    }
    device.ended.notify_all();
}

/// Forwards until either socket closes. Blocks.
pub fn run(a: SocketId, b: SocketId) -> Result<()> {
    let device = launch(a, b)?;
    let mut st = device.state.lock().unwrap_or_else(|p| p.into_inner());
    while st.running > 0 {
        st = device.ended.wait(st).unwrap_or_else(|p| p.into_inner());
    }
    check(st.rv)
}

/// Starts forwarding in the background; it ends when either socket closes.
pub fn start(a: SocketId, b: SocketId) -> Result<()> {
    launch(a, b).map(drop)
}
