//! Pipes: one connection of a socket to one peer.

use super::msg::Msg;
use super::{nng_pipe, sys};
use crate::error::{Error, Result, check};
use std::ffi::c_int;

/// The id NNG reports for "no such object".
fn valid(id: i32) -> Option<u32> {
    (id > 0).then_some(id as u32)
}

/// The socket that owns the pipe; `NoEntry` once the pipe is gone.
pub fn socket(pipe: u32) -> Result<u32> {
    // SAFETY: NNG validates the pipe id.
    let s = unsafe { sys::nng_pipe_socket(nng_pipe(pipe)) };
    valid(unsafe { sys::nng_socket_id(s) }).ok_or(Error::NoEntry)
}

pub fn dialer(pipe: u32) -> Result<u32> {
    // SAFETY: NNG validates the pipe id.
    let d = unsafe { sys::nng_pipe_dialer(nng_pipe(pipe)) };
    valid(unsafe { sys::nng_dialer_id(d) }).ok_or(Error::NoEntry)
}

pub fn listener(pipe: u32) -> Result<u32> {
    // SAFETY: NNG validates the pipe id.
    let l = unsafe { sys::nng_pipe_listener(nng_pipe(pipe)) };
    valid(unsafe { sys::nng_listener_id(l) }).ok_or(Error::NoEntry)
}

pub fn close(pipe: u32) -> Result<()> {
    let sock = socket(pipe);
    // SAFETY: NNG validates the pipe id.
    check(unsafe { sys::nng_pipe_close(nng_pipe(pipe)) })?;
    if let Ok(sock) = sock {
        super::socket::forget_pipe(sock, pipe);
    }
    Ok(())
}

/// The socket of a pipe that is still live: a send to a closed pipe is `NoEntry`, not lost.
pub fn live_socket(pipe: u32) -> Result<u32> {
    let sock = socket(pipe)?;
    if super::socket::has_pipe(sock, pipe) {
        Ok(sock)
    } else {
        Err(Error::NoEntry)
    }
}

/// Sends `msg` to this pipe's peer only (pynng's `Pipe.send`); on failure `msg` comes back.
pub fn send_msg(pipe: u32, msg: Msg, flags: c_int) -> std::result::Result<(), (Error, Msg)> {
    let sock = match live_socket(pipe) {
        Ok(s) => s,
        Err(e) => return Err((e, msg)),
    };
    msg.set_pipe(pipe);
    super::socket::send_msg(sock, msg, flags)
}
