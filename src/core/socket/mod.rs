//! Sockets: opening one per protocol, closing, synchronous send and receive, and the
//! per-socket state NNG has no place for. The state's parts live in submodules along their
//! seams: pipe events and the live pipe list (`events`), the socket-name workaround (`name`),
//! and the dialer and listener lists with listen and dial (`endpoints`).

mod endpoints;
mod events;
mod name;

pub(crate) use endpoints::worth_retrying;
pub use endpoints::{Endpoint, dial, dialers, listen, listeners, track_endpoint, untrack_endpoint};
pub(crate) use events::forget_pipe;
pub use events::{
    PipeCallback, Subscriber, has_pipe, pipes, subscribe, unsubscribe, unsubscribe_callback,
};
pub use name::{name, set_name};

use super::held::HeldBack;
use super::msg::Msg;
use super::oneshot;
use super::sync::{OnDemand, lock, read, write};
use super::sys;
use super::types::{Flags, SocketId};
use crate::error::{Error, Result, check};
use once_cell::sync::Lazy;
use std::cell::Cell;
use std::collections::HashMap;
use std::ffi::{CString, c_int};
use std::hash::BuildHasherDefault;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

#[derive(Default)]
pub struct SocketState {
    /// Pipe-event subscribers and the live pipes (see `events`).
    events: events::Events,
    /// The dialers and listeners, the name set with `socket-name` and the devices (see
    /// `endpoints`, `name` and `list_device`), allocated when first used.
    endpoints: OnDemand<Endpoints>,
    /// The cooked protocol number (0 for raw sockets), for `interruptible`'s choice of wait
    /// and `is_cooked_surveyor`.
    cooked_proto: u32,
    /// Set when close begins; operations start only while it is clear (see `start_op`).
    closing: RwLock<bool>,
    /// The stream hints (NNG's `nng_pipe_hints`) of the socket's last operation: restored
    /// when a thread goes on with the socket after operations on another socket, so a caller
    /// whose operations move between threads (Go's goroutines) still reads the socket's own
    /// pipe while it waits. A thread that uses one socket keeps NNG's behaviour.
    pipe_hints: AtomicU64,
}

thread_local! {
    /// The socket whose hints the calling thread has (the address of its state; 0: none).
    static HINTS_OF: Cell<usize> = const { Cell::new(0) };
}

/// A socket's endpoint lists, name and devices (see `SocketState::endpoints`).
#[derive(Default)]
struct Endpoints {
    /// The dialers and listeners, in the order they were made (one list: 24 bytes fewer).
    endpoints: Vec<Endpoint>,
    name: Option<CString>,
    /// The aios of devices forwarding through this socket (addresses of `nng_aio`s), aborted
    /// when it closes: NNG 1.12 stops a device only when a receive fails, so closing its
    /// send-only side would otherwise wait until the other side closes.
    devices: Vec<usize>,
}

static SOCKETS: Lazy<Mutex<IdMap<SocketId, Arc<SocketState>>>> = Lazy::new(Default::default);

/// Messages a receive could not fit into the caller's buffer, for the socket's next receive
/// (see `held`).
static PENDING: HeldBack<SocketId> = HeldBack::new();

/// Hashes an NNG object id (a u32 NNG hands out in sequence) with one multiplication, instead
/// of the default SipHash: these maps are looked up on every operation and never keyed by
/// anything a peer chooses.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, id: u32) {
        self.0 = u64::from(id).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A map keyed by NNG object id.
/// cbindgen:ignore
pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Removes `k` from `map`, and gives its table back once three quarters of it are empty (down
/// to the smallest table when empty). A map never shrinks by itself: a listener that once had
/// 10 000 pipes, or a process that once had 10 000 sockets, kept the table of that peak for
/// good. Halving when a quarter is used keeps the cost amortised constant.
///
/// The smallest table (three entries, under 100 bytes) is kept: freed when a socket's last
/// pipe went, it was allocated again for the next pipe on one of NNG's threads, and such small
/// blocks, freed into the malloc arenas of those threads, kept the arenas' free memory from
/// going back to the system (see `Events::pipes`).
pub(crate) fn remove_id<K: Eq + std::hash::Hash, V>(map: &mut IdMap<K, V>, k: &K) -> Option<V> {
    let v = map.remove(k);
    if map.is_empty() {
        map.shrink_to(SMALLEST_TABLE);
    } else if map.capacity() > 64 && map.len() < map.capacity() / 4 {
        map.shrink_to(map.len() * 2);
    }
    v
}

/// The entries of the smallest table a map keeps (see `remove_id`).
pub(crate) const SMALLEST_TABLE: usize = 3;

/// Pushes `item` onto one of a socket's short lists (pipe-event subscribers, endpoints), growing
/// it one slot at a time up to four: most sockets have one or two entries, and Vec's first
/// growth would make room for four in each of the thousands of sockets a broker keeps.
fn push_snug<T>(list: &mut Vec<T>, item: T) {
    if list.len() == list.capacity() && list.len() < 4 {
        list.reserve_exact(1);
    }
    list.push(item);
}

/// The state of an open socket, or `Closed`.
pub(crate) fn state(id: SocketId) -> Result<Arc<SocketState>> {
    lock(&SOCKETS).get(&id).cloned().ok_or(Error::Closed)
}

/// Every open socket's state (for lists kept per socket).
fn all_states() -> Vec<Arc<SocketState>> {
    lock(&SOCKETS).values().cloned().collect()
}

/// Drops every registry entry and its storage (used by `fini`, so leak checkers see nothing).
pub fn forget_all() {
    let all = std::mem::take(&mut *lock(&SOCKETS));
    drop(all);
    PENDING.clear();
}

/// pynng's socket classes, one per NNG protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Pair0,
    Pair1,
    /// pair1 talking to many peers (pynng `Pair1(polyamorous=True)`); cooked only.
    Pair1Poly,
    Req0,
    Rep0,
    Pub0,
    Sub0,
    Push0,
    Pull0,
    Surveyor0,
    Respondent0,
    Bus0,
}

/// An NNG protocol opener such as `nng_req0_open`.
type Opener = unsafe extern "C" fn(*mut sys::nng_socket) -> c_int;

impl Protocol {
    /// NNG's number of the protocol (`NNG_OPT_PROTO`): known from the opener, without asking
    /// NNG for two options (each a lookup of the socket by id) on every open.
    pub fn number(self) -> u32 {
        use Protocol::*;
        match self {
            Pair0 => 0x10,
            Pair1 | Pair1Poly => sys::NNG_PAIR1_SELF,
            Req0 => sys::NNG_REQ0_SELF,
            Rep0 => sys::NNG_REP0_SELF,
            Pub0 => 0x20,
            Sub0 => 0x21,
            Push0 => 0x50,
            Pull0 => 0x51,
            Surveyor0 => sys::NNG_SURVEYOR0_SELF,
            Respondent0 => sys::NNG_RESPONDENT0_SELF,
            Bus0 => sys::NNG_BUS0_SELF,
        }
    }

    /// NNG's opener of the cooked (`raw == false`) or raw socket; `NotSupported` for a raw
    /// polyamorous pair1.
    fn opener(self, raw: bool) -> Result<Opener> {
        use Protocol::*;
        Ok(match (self, raw) {
            (Pair0, false) => sys::nng_pair0_open,
            (Pair0, true) => sys::nng_pair0_open_raw,
            (Pair1, false) => sys::nng_pair1_open,
            (Pair1, true) => sys::nng_pair1_open_raw,
            (Pair1Poly, false) => sys::nng_pair1_open_poly,
            (Pair1Poly, true) => return Err(Error::NotSupported),
            (Req0, false) => sys::nng_req0_open,
            (Req0, true) => sys::nng_req0_open_raw,
            (Rep0, false) => sys::nng_rep0_open,
            (Rep0, true) => sys::nng_rep0_open_raw,
            (Pub0, false) => sys::nng_pub0_open,
            (Pub0, true) => sys::nng_pub0_open_raw,
            (Sub0, false) => sys::nng_sub0_open,
            (Sub0, true) => sys::nng_sub0_open_raw,
            (Push0, false) => sys::nng_push0_open,
            (Push0, true) => sys::nng_push0_open_raw,
            (Pull0, false) => sys::nng_pull0_open,
            (Pull0, true) => sys::nng_pull0_open_raw,
            (Surveyor0, false) => sys::nng_surveyor0_open,
            (Surveyor0, true) => sys::nng_surveyor0_open_raw,
            (Respondent0, false) => sys::nng_respondent0_open,
            (Respondent0, true) => sys::nng_respondent0_open_raw,
            (Bus0, false) => sys::nng_bus0_open,
            (Bus0, true) => sys::nng_bus0_open_raw,
        })
    }
}

/// Opens a socket of `protocol` (raw: without protocol state, for devices) and sets up
/// pnng's per-socket state.
pub fn open(protocol: Protocol, raw: bool) -> Result<SocketId> {
    let opener = protocol.opener(raw)?;
    events::register()?;
    let mut s = SocketId(0).nng();
    // SAFETY: the opener writes the new socket through the valid out-pointer on success.
    check(unsafe { opener(&mut s) })?;
    let id = SocketId::of(s);
    let st = SocketState {
        cooked_proto: if raw { 0 } else { protocol.number() },
        ..Default::default()
    };
    lock(&SOCKETS).insert(id, Arc::new(st));
    // recv-size-max stays NNG's default, 0 (no limit), as in NNG and pynng.
    Ok(id)
}

impl SocketState {
    /// NNG 1.12's cooked surveyor takes a non-blocking receive (timeout 0) for "wait until the
    /// survey ends" (surv0_ctx_recv treats every timeout < 1 so), and a receive that times out
    /// or is cancelled ends the survey (surv0_ctx_cancel), so no shorter wait can stand in for
    /// it. A non-blocking receive on such a socket therefore first asks the socket's receive fd
    /// whether a message waits, and is `Again` without touching the survey when none does.
    /// (Contexts have no such fd: a non-blocking receive on a surveyor context waits as NNG's.)
    /// Known from the protocol number, without asking NNG for two options on every open.
    fn is_cooked_surveyor(&self) -> bool {
        self.cooked_proto == sys::NNG_SURVEYOR0_SELF
    }
}

/// The socket's cooked protocol number (0: raw); `Closed` once closed.
pub fn cooked_protocol(id: SocketId) -> Result<u32> {
    Ok(state(id)?.cooked_proto)
}

/// Starts an operation on socket `id` with `start` unless the socket's close has begun;
/// `Closed` then, and nothing started. NNG 1.12 loses an operation that reaches the protocol
/// after the protocol's close ran (pair0_sock_recv does not check), which then blocks forever
/// although the socket is closed. Behind this gate every operation is either queued before
/// close begins, and so woken by it, or refused.
pub(crate) fn start_op(id: SocketId, start: impl FnOnce()) -> Result<()> {
    state(id)?.start_op(start)
}

impl SocketState {
    /// `start_op` for a socket whose state the caller already holds.
    pub(crate) fn start_op(&self, start: impl FnOnce()) -> Result<()> {
        let closing = read(&self.closing);
        if *closing {
            return Err(Error::Closed);
        }
        self.restore_pipe_hints();
        start();
        self.save_pipe_hints();
        Ok(())
    }

    /// Makes the socket's stream hints the calling thread's when the thread last had another
    /// socket's (see `pipe_hints`).
    pub(crate) fn restore_pipe_hints(&self) {
        let me = self as *const SocketState as usize;
        if HINTS_OF.with(Cell::get) != me {
            let h = self.pipe_hints.load(Ordering::Relaxed);
            // SAFETY: sets two thread-local ids, looked up (weakly) when used.
            unsafe { super::extern_nng::nng_pipe_hints_set(h) };
            HINTS_OF.with(|c| c.set(me));
        }
    }

    /// Keeps the calling thread's stream hints as the socket's.
    pub(crate) fn save_pipe_hints(&self) {
        // SAFETY: reads two thread-local ids.
        let h = unsafe { super::extern_nng::nng_pipe_hints() };
        self.pipe_hints.store(h, Ordering::Relaxed);
        HINTS_OF.with(|c| c.set(self as *const SocketState as usize));
    }
}

/// Whether the socket's receive fd says a message is waiting (see `is_cooked_surveyor`).
fn message_waiting(id: SocketId) -> Result<bool> {
    let mut fd: c_int = -1;
    // SAFETY: NNG checks the socket id; the option name is a NUL-terminated constant and the
    // out-pointer a live int. NNG owns the fd; it is only polled here.
    check(unsafe {
        sys::nng_socket_get_int(id.nng(), sys::NNG_OPT_RECVFD.as_ptr().cast(), &mut fd)
    })?;
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, and a zero timeout: poll only reads and writes `p`.
    Ok(unsafe { libc::poll(&mut p, 1, 0) } == 1 && p.revents & libc::POLLIN != 0)
}

/// Closes the socket. Blocked calls on it return `Closed`; a second close returns `Closed`.
pub fn close(id: SocketId) -> Result<()> {
    if let Ok(st) = state(id) {
        *write(&st.closing) = true;
        for &aio in st
            .endpoints
            .lock_used()
            .iter()
            .flat_map(|e| e.devices.iter())
        {
            // SAFETY: a device aio stays valid while listed (device.rs unlists it under this
            // lock before freeing it); NNG completes the aborted device asynchronously.
            unsafe { sys::nng_aio_abort(aio as *mut sys::nng_aio, sys::NNG_ECLOSED as c_int) };
        }
    }
    // SAFETY: NNG validates the id. It waits for running pipe callbacks, which take the
    // registry lock only briefly, so that lock must not be held here (it is not).
    let rv = unsafe { sys::nng_close(id.nng()) };
    let removed = remove_id(&mut lock(&SOCKETS), &id);
    drop(removed);
    // After the unlisting (see HeldBack::keep), its held-back message goes; NNG closed the
    // socket's contexts with it: theirs go too.
    drop(PENDING.take(id));
    super::ctx::forget_closed();
    check(rv)
}

/// Sends a copy of `data`.
pub fn send(id: SocketId, data: &[u8], flags: Flags) -> Result<()> {
    flags.check(Flags::NONBLOCK)?;
    send_msg(id, Msg::from_bytes(data)?, flags).map_err(|(e, _)| e)
}

/// Sends `msg`; on failure it comes back with the error.
pub fn send_msg(id: SocketId, msg: Msg, flags: Flags) -> std::result::Result<(), (Error, Msg)> {
    if let Err(e) = flags.check(Flags::NONBLOCK) {
        return Err((e, msg));
    }
    oneshot::send(msg, flags, |a| {
        // SAFETY: NNG validates the id and completes the valid, idle aio exactly once.
        start_op(id, || unsafe { sys::nng_send_aio(id.nng(), a) })
    })
}

/// Receives a message, returning a held-back one first.
pub fn recv_msg(id: SocketId, flags: Flags) -> Result<Msg> {
    flags.check(Flags::NONBLOCK)?;
    let st = state(id)?;
    if let Some(m) = PENDING.take(id) {
        return Ok(m);
    }
    if st.is_cooked_surveyor() && flags.contains(Flags::NONBLOCK) && !message_waiting(id)? {
        return Err(Error::Again);
    }
    let m = oneshot::recv(flags, |a| {
        // SAFETY: NNG validates the id and completes the valid, idle aio exactly once.
        st.start_op(|| unsafe { sys::nng_recv_aio(id.nng(), a) })
    });
    st.save_pipe_hints(); // the wait may have read the socket's pipe
    m
}

/// Outcome of a receive into a caller's buffer.
pub enum Received {
    /// This many bytes were copied.
    Copied(usize),
    /// The message needs this many bytes; it is kept for the next receive.
    TooLarge(usize),
}

/// Copies `msg` into `buf`, or hands it to `keep` when it does not fit (so it is not lost).
pub(crate) fn copy_or_keep(msg: Msg, buf: &mut [u8], keep: impl FnOnce(Msg)) -> Received {
    let n = msg.len();
    if n > buf.len() {
        keep(msg);
        return Received::TooLarge(n);
    }
    buf[..n].copy_from_slice(msg.body());
    Received::Copied(n)
}

/// Receives into `buf`. A message that does not fit is kept for the next receive.
pub fn recv_into(id: SocketId, buf: &mut [u8], flags: Flags) -> Result<Received> {
    let msg = recv_msg(id, flags)?;
    // The socket may have closed meanwhile; then the message is dropped with it.
    Ok(copy_or_keep(msg, buf, |m| keep_pending(id, m)))
}

/// Holds `msg` back for the socket's next receive (dropped if one is held already, or the
/// socket is closed).
pub(crate) fn keep_pending(id: SocketId, msg: Msg) {
    PENDING.keep(id, msg, || lock(&SOCKETS).contains_key(&id));
}

/// Takes a held-back message, if any.
pub(crate) fn take_pending(id: SocketId) -> Option<Msg> {
    PENDING.take(id)
}

impl SocketState {
    /// Starts an asynchronous receive on socket `id` (this one's): a held-back message goes
    /// to `with_pending` at once; otherwise `start` runs behind the close gate.
    pub(crate) fn start_recv(
        &self,
        id: SocketId,
        with_pending: impl FnOnce(Msg),
        start: impl FnOnce(),
    ) -> Result<()> {
        match PENDING.take(id) {
            Some(m) => {
                with_pending(m);
                Ok(())
            }
            None => self.start_op(start),
        }
    }
}

/// Lists (`add`) or unlists a device aio forwarding through socket `id` (see `devices`).
pub(crate) fn list_device(id: SocketId, aio: *mut sys::nng_aio, add: bool) {
    if let Ok(st) = state(id) {
        let devices = &mut st.endpoints.lock().devices;
        devices.retain(|&a| a != aio as usize);
        if add {
            devices.push(aio as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{IdMap, SMALLEST_TABLE, remove_id};

    #[test]
    fn remove_id_gives_back_the_table_of_a_peak() {
        let mut m: IdMap<u32, u64> = IdMap::default();
        m.extend((0..10_000).map(|i| (i, u64::from(i))));
        let peak = m.capacity();
        for i in 0..9_990 {
            assert_eq!(remove_id(&mut m, &i), Some(u64::from(i)));
        }
        assert!(m.capacity() <= 64, "{} of {peak} left", m.capacity());
        assert_eq!(m.len(), 10);
        assert_eq!(m.get(&9_995), Some(&9_995));
        for i in 9_990..10_000 {
            assert!(remove_id(&mut m, &i).is_some());
        }
        assert_eq!(remove_id(&mut m, &1), None);
        assert!(
            m.capacity() <= SMALLEST_TABLE,
            "{} left when empty",
            m.capacity()
        );
    }
}
