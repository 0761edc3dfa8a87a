//! Pipes: one connection of a socket to one peer.

use super::msg::Msg;
use super::sys;
use super::types::{DialerId, Flags, ListenerId, PipeId, SocketId};
use crate::error::{Error, Result, check};

/// The id NNG reports for "no such object" is negative.
fn valid(id: i32) -> Result<u32> {
    u32::try_from(id)
        .ok()
        .filter(|&id| id > 0)
        .ok_or(Error::NoEntry)
}

/// The socket that owns the pipe; `NoEntry` once the pipe is gone.
pub fn socket(pipe: PipeId) -> Result<SocketId> {
    // SAFETY: NNG validates the pipe id (an unknown one gives the invalid socket).
    let id = unsafe { sys::nng_socket_id(sys::nng_pipe_socket(pipe.nng())) };
    valid(id).map(SocketId)
}

/// The dialer that made the pipe; `NoEntry` for an accepted pipe.
pub fn dialer(pipe: PipeId) -> Result<DialerId> {
    // SAFETY: NNG validates the pipe id (an unknown one gives the invalid dialer).
    let id = unsafe { sys::nng_dialer_id(sys::nng_pipe_dialer(pipe.nng())) };
    valid(id).map(DialerId)
}

/// The listener that accepted the pipe; `NoEntry` for a dialed pipe.
pub fn listener(pipe: PipeId) -> Result<ListenerId> {
    // SAFETY: NNG validates the pipe id (an unknown one gives the invalid listener).
    let id = unsafe { sys::nng_listener_id(sys::nng_pipe_listener(pipe.nng())) };
    valid(id).map(ListenerId)
}

pub fn close(pipe: PipeId) -> Result<()> {
    let sock = socket(pipe);
    // SAFETY: NNG validates the pipe id.
    check(unsafe { sys::nng_pipe_close(pipe.nng()) })?;
    if let Ok(sock) = sock {
        super::socket::forget_pipe(sock, pipe);
    }
    Ok(())
}

/// The socket of a pipe that is still live: a send to a closed pipe is `NoEntry`, not lost.
pub fn live_socket(pipe: PipeId) -> Result<SocketId> {
    let sock = socket(pipe)?;
    if super::socket::has_pipe(sock, pipe) {
        Ok(sock)
    } else {
        Err(Error::NoEntry)
    }
}

/// Sends `msg` to this pipe's peer only (pynng's `Pipe.send`); on failure `msg` comes back.
pub fn send_msg(pipe: PipeId, mut msg: Msg, flags: Flags) -> std::result::Result<(), (Error, Msg)> {
    let sock = match live_socket(pipe) {
        Ok(s) => s,
        Err(e) => return Err((e, msg)),
    };
    msg.set_pipe(Some(pipe));
    super::socket::send_msg(sock, msg, flags)
}
