//! Pipe events: the subscribers of each event (C callbacks or completion queues), NNG's
//! pipe-notify trampoline, and the socket's live pipes as pnng lists them.

use super::{IdMap, SMALLEST_TABLE, SocketState, push_snug, remove_id, state};
use crate::abi::pnng_pipe;
use crate::core::cq::Cq;
use crate::core::sync::{OnDemand, lock};
use crate::core::sys;
use crate::core::types::{PipeEvent, PipeId, SocketId};
use crate::error::{Error, Result, check};
use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A pipe-event callback (the C type `pnng_pipe_cb` without its NULL).
pub type PipeCallback = unsafe extern "C" fn(pipe: pnng_pipe, event: c_int, userdata: *mut c_void);

/// One party interested in a pipe event.
#[derive(Clone)]
pub enum Subscriber {
    Callback { cb: PipeCallback, userdata: usize },
    Queue { cq: Arc<Cq>, userdata: usize },
}

impl Subscriber {
    fn same_callback(&self, cb: PipeCallback, userdata: usize) -> bool {
        matches!(self, Subscriber::Callback { cb: c, userdata: u }
            if std::ptr::fn_addr_eq(*c, cb) && *u == userdata)
    }
}

/// A socket's pipe-event state.
#[derive(Default)]
pub(super) struct Events {
    /// Each subscriber with its event, in the order they subscribed: one list for all three
    /// events (32 bytes in every socket, where a list per event took 80).
    subscribers: Mutex<Vec<(PipeEvent, Subscriber)>>,
    /// Live pipes: listed once NNG has started them (ADD_POST: the protocol has taken the pipe
    /// in, so a message the socket sends from then on can go to it), until REM_POST or
    /// pnng_pipe_close, whichever comes first. Listed at ADD_PRE, a pipe was counted a moment
    /// before pub, push, surveyor or bus sent to it: a message sent right after waiting for
    /// the count could miss that peer.
    /// Allocated, with its map's smallest table, when the socket dials or listens
    /// (`prepare_pipes`), on the application's thread. Allocated at the first pipe event, on
    /// one of NNG's threads, the set and the map's table were small blocks in that thread's
    /// malloc arena; freed into it among the memory of thousands of closed connections, they
    /// kept the arena's free memory from going back to the system (about 4 KiB per
    /// connection stayed resident).
    pipes: OnDemand<Pipes>,
}

impl Events {
    /// Allocates the live-pipe set, with the smallest table for its map, on the calling thread
    /// (see `pipes`).
    pub(super) fn prepare_pipes(&self) {
        let mut p = self.pipes.lock();
        if p.pipes.capacity() == 0 {
            p.pipes.reserve(SMALLEST_TABLE);
        }
    }
}

/// The socket's pipes as pnng sees them (see `Events::pipes`): one map, not a list (a
/// listener can hold thousands of pipes, and every pipe event looks its pipe up), with an
/// entry for each pipe that is live, in its ADD_PRE callbacks, accepted by them and not yet
/// started, or closed by pnng_pipe_close and not yet removed by NNG.
#[derive(Default)]
struct Pipes {
    pipes: IdMap<PipeId, PipeEntry>,
    listed: u64,
}

/// One pipe's entry: flags, and the order it was listed in while live (0: not live). One
/// word, so that an entry takes 16 bytes with its id.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct PipeEntry(u64);

impl PipeEntry {
    /// Its ADD_PRE callbacks are running.
    const IN_PRE: u64 = 1 << 63;
    /// NNG removed it while its ADD_PRE callbacks ran (a pipe rejected in ADD_PRE can reach
    /// REM_POST on the reaper thread before the callback returns): `pre_done` forgets it.
    const REMOVED_IN_PRE: u64 = 1 << 62;
    /// Closed with pnng_pipe_close and not yet removed by NNG: never listed again, even when
    /// the close came from an ADD_PRE callback (a rejection) before the pipe was listed.
    const CLOSED: u64 = 1 << 61;
    const ORDER: u64 = Self::CLOSED - 1;

    fn has(self, flag: u64) -> bool {
        self.0 & flag != 0
    }

    /// The order it was listed in, if live.
    fn live(self) -> Option<u64> {
        Some(self.0 & Self::ORDER).filter(|&n| n != 0)
    }
}

impl Pipes {
    fn pre_started(&mut self, pid: PipeId) {
        self.pipes.entry(pid).or_default().0 |= PipeEntry::IN_PRE;
    }

    /// After the ADD_PRE callbacks: accepted (listed at ADD_POST), unless removed meanwhile.
    fn pre_done(&mut self, pid: PipeId) {
        let Some(e) = self.pipes.get_mut(&pid) else {
            return;
        };
        if e.has(PipeEntry::REMOVED_IN_PRE) {
            remove_id(&mut self.pipes, &pid); // REM_POST came already: nothing more will
            return;
        }
        e.0 &= !PipeEntry::IN_PRE;
    }

    /// ADD_POST, before its callbacks run (they see the pipe listed): listed, unless closed
    /// or removed meanwhile (a pipe that went away between its start and this event).
    fn started(&mut self, pid: PipeId) {
        let Some(e) = self.pipes.get_mut(&pid) else {
            return;
        };
        if !e.has(PipeEntry::CLOSED | PipeEntry::IN_PRE) && e.live().is_none() {
            self.listed += 1;
            e.0 |= self.listed & PipeEntry::ORDER;
        }
    }

    fn removed(&mut self, pid: PipeId) {
        let Some(e) = self.pipes.get_mut(&pid) else {
            return;
        };
        if e.has(PipeEntry::IN_PRE) {
            // Not live (listed only at ADD_POST); pre_done forgets it.
            e.0 |= PipeEntry::REMOVED_IN_PRE;
        } else {
            remove_id(&mut self.pipes, &pid);
        }
    }

    /// pnng_pipe_close: off the live list at once, and never listed again.
    fn closed(&mut self, pid: PipeId) {
        let e = self.pipes.entry(pid).or_default();
        e.0 = (e.0 & !PipeEntry::ORDER) | PipeEntry::CLOSED;
    }

    fn is_live(&self, pid: PipeId) -> bool {
        self.pipes.get(&pid).is_some_and(|e| e.live().is_some())
    }

    /// The live pipes in the order they were listed.
    fn ordered(&self) -> Vec<PipeId> {
        let mut v: Vec<(u64, PipeId)> = (self.pipes.iter())
            .filter_map(|(&p, e)| Some((e.live()?, p)))
            .collect();
        v.sort_unstable_by_key(|e| e.0);
        v.into_iter().map(|(_, p)| p).collect()
    }
}

/// Routes every pipe event of every socket opened from now on to `pipe_event` (pnng's copy
/// of NNG sets it while it opens the socket: no lookup of the socket and no call per open).
/// Called before each open; only the first call reaches NNG.
pub(super) fn register() -> Result<()> {
    static REGISTERED: AtomicBool = AtomicBool::new(false);
    if REGISTERED.load(Ordering::Acquire) {
        return Ok(());
    }
    // SAFETY: `pipe_event` is a valid trampoline for the process's lifetime; NNG keeps the
    // pointer under its socket lock and gives each new socket its own id as the argument,
    // not a pointer: the trampoline looks the socket up, so nothing can dangle. Calling it
    // again (two first opens racing) sets the same value.
    check(unsafe { crate::core::extern_nng::nng_pipe_notify_default(Some(pipe_event)) })?;
    REGISTERED.store(true, Ordering::Release);
    Ok(())
}

/// The ids of the socket's live pipes.
pub fn pipes(id: SocketId) -> Result<Vec<PipeId>> {
    let st = state(id)?;
    let pipes = st.events.pipes.lock_used();
    Ok(pipes.map(|p| p.ordered()).unwrap_or_default())
}

/// Whether `pipe` is one of the socket's live pipes (NNG still finds a closed pipe by id
/// until it is reaped, and a message addressed to it would vanish without an error).
pub fn has_pipe(id: SocketId, pipe: PipeId) -> bool {
    state(id).is_ok_and(|st| (st.events.pipes.lock_used()).is_some_and(|p| p.is_live(pipe)))
}

/// Takes a pipe the caller closed off the live list at once, before NNG's removal event.
pub(crate) fn forget_pipe(id: SocketId, pipe: PipeId) {
    if let Ok(st) = state(id) {
        st.events.pipes.lock().closed(pipe);
    }
}

/// Adds a pipe-event subscriber.
pub fn subscribe(id: SocketId, event: PipeEvent, sub: Subscriber) -> Result<()> {
    let st = state(id)?;
    push_snug(&mut lock(&st.events.subscribers), (event, sub));
    Ok(())
}

/// Removes subscribers of `event` for which `pred` holds.
pub fn unsubscribe(
    id: SocketId,
    event: PipeEvent,
    pred: impl Fn(&Subscriber) -> bool,
) -> Result<()> {
    lock(&state(id)?.events.subscribers).retain(|(e, s)| *e != event || !pred(s));
    Ok(())
}

/// Removes one callback registration; `NoEntry` if there was none.
pub fn unsubscribe_callback(
    id: SocketId,
    event: PipeEvent,
    cb: PipeCallback,
    userdata: usize,
) -> Result<()> {
    let st = state(id)?;
    let mut list = lock(&st.events.subscribers);
    let pos = list
        .iter()
        .position(|(e, s)| *e == event && s.same_callback(cb, userdata))
        .ok_or(Error::NoEntry)?;
    list.remove(pos);
    Ok(())
}

impl SocketState {
    /// Runs the subscribers of one event of pipe `pid`, keeping the live list in step.
    fn pipe_event(&self, pid: PipeId, event: PipeEvent) {
        match event {
            PipeEvent::RemPost => self.events.pipes.lock().removed(pid),
            PipeEvent::AddPre => self.events.pipes.lock().pre_started(pid),
            PipeEvent::AddPost => self.events.pipes.lock().started(pid),
        }
        // A copy: no pnng lock is held while user code runs.
        let subs: Vec<Subscriber> = lock(&self.events.subscribers)
            .iter()
            .filter(|(e, _)| *e == event)
            .map(|(_, s)| s.clone())
            .collect();
        for sub in subs {
            match sub {
                // SAFETY: the callback and its userdata come from the C caller, who promised
                // (pnng_socket_pipe_notify) they stay valid while registered.
                Subscriber::Callback { cb, userdata } => unsafe {
                    cb(
                        pnng_pipe { id: pid.0 },
                        event.code(),
                        userdata as *mut c_void,
                    )
                },
                Subscriber::Queue { cq, userdata } => cq.post_pipe_event(pid, event, userdata),
            }
        }
        // Accepted once the ADD_PRE callbacks ran (listed at ADD_POST, which a rejected pipe
        // never reaches).
        if event == PipeEvent::AddPre {
            self.events.pipes.lock().pre_done(pid);
        }
    }
}

/// NNG's pipe-notify trampoline. Runs on an NNG thread; `arg` is the socket id (`register`).
unsafe extern "C" fn pipe_event(pipe: sys::nng_pipe, event: sys::nng_pipe_ev, arg: *mut c_void) {
    let _ = std::panic::catch_unwind(|| {
        let Ok(st) = state(SocketId(arg as usize as u32)) else {
            return;
        };
        if let Ok(event) = PipeEvent::try_from(event as c_int) {
            st.pipe_event(PipeId::of(pipe), event);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::{Protocol, close, endpoints, open, state};
    use crate::core::types::Flags;

    /// Dialing and listening make the socket's pipe set on the calling thread, before any pipe
    /// can come (see `Events::pipes`), and a socket that never does keeps none.
    #[test]
    fn the_pipe_set_is_made_by_the_thread_that_dials_or_listens() {
        let has_pipe_set = |s| {
            let st = state(s).unwrap();
            let p = st.events.pipes.lock_used();
            p.is_some_and(|p| p.pipes.capacity() >= super::SMALLEST_TABLE)
        };
        let dialing = open(Protocol::Req0, false).unwrap();
        let listening = open(Protocol::Rep0, false).unwrap();
        let idle = open(Protocol::Req0, false).unwrap();
        assert!(!has_pipe_set(dialing) && !has_pipe_set(listening));
        // Nothing listens on port 1: the dial goes on in the background, and no pipe comes.
        endpoints::dial(dialing, c"tcp://127.0.0.1:1", Flags::NONBLOCK).unwrap();
        endpoints::listen(listening, c"tcp://127.0.0.1:0", Flags::NONE).unwrap();
        assert!(has_pipe_set(dialing) && has_pipe_set(listening));
        assert!(!has_pipe_set(idle));
        for s in [dialing, listening, idle] {
            close(s).unwrap();
        }
    }
}
