//! Typed options, NNG style, for sockets, dialers, listeners, pipes and contexts. NNG checks the
//! names and types itself: an unknown name is `NotSupported`, a wrong type `BadType`, a
//! read-only option `ReadOnly`.

use super::sockaddr::SockAddr;
use super::sys;
use super::types::{CtxId, DialerId, ListenerId, PipeId, SocketId};
use crate::error::{Error, Result, check};
use std::ffi::{CStr, CString, c_char, c_int, c_void};

/// Which kind of object an option call targets, with its id.
#[derive(Clone, Copy)]
pub enum Target {
    Socket(SocketId),
    Dialer(DialerId),
    Listener(ListenerId),
    Pipe(PipeId),
    Ctx(CtxId),
}

/// One NNG accessor per target kind. Pipes have no setters in NNG: `None` there is `ReadOnly`.
struct Accessors<T> {
    socket: unsafe extern "C" fn(sys::nng_socket, *const c_char, T) -> c_int,
    dialer: unsafe extern "C" fn(sys::nng_dialer, *const c_char, T) -> c_int,
    listener: unsafe extern "C" fn(sys::nng_listener, *const c_char, T) -> c_int,
    pipe: Option<unsafe extern "C" fn(sys::nng_pipe, *const c_char, T) -> c_int>,
    ctx: Option<unsafe extern "C" fn(sys::nng_ctx, *const c_char, T) -> c_int>,
}

impl<T> Accessors<T> {
    fn call(&self, target: Target, name: &CStr, arg: T) -> Result<()> {
        let n = name.as_ptr();
        // SAFETY: NNG validates ids and names; the name is NUL-terminated and `arg` a value
        // or a live out-pointer of the accessor's type.
        let rv = unsafe {
            match target {
                Target::Socket(id) => (self.socket)(id.nng(), n, arg),
                Target::Dialer(id) => (self.dialer)(id.nng(), n, arg),
                Target::Listener(id) => (self.listener)(id.nng(), n, arg),
                Target::Pipe(id) => match self.pipe {
                    Some(f) => f(id.nng(), n, arg),
                    None => return Err(Error::ReadOnly),
                },
                Target::Ctx(id) => match self.ctx {
                    Some(f) => f(id.nng(), n, arg),
                    None => return Err(Error::NotSupported),
                },
            }
        };
        check(rv)
    }
}

macro_rules! accessors {
    ($name:ident, $ty:ty, $sock:ident, $dial:ident, $lis:ident, $pipe:expr, $ctx:expr) => {
        const $name: Accessors<$ty> = Accessors {
            socket: sys::$sock,
            dialer: sys::$dial,
            listener: sys::$lis,
            pipe: $pipe,
            ctx: $ctx,
        };
    };
}

accessors!(
    SET_INT,
    c_int,
    nng_socket_set_int,
    nng_dialer_set_int,
    nng_listener_set_int,
    None,
    Some(sys::nng_ctx_set_int)
);
accessors!(
    SET_MS,
    i32,
    nng_socket_set_ms,
    nng_dialer_set_ms,
    nng_listener_set_ms,
    None,
    Some(sys::nng_ctx_set_ms)
);
accessors!(
    SET_SIZE,
    usize,
    nng_socket_set_size,
    nng_dialer_set_size,
    nng_listener_set_size,
    None,
    Some(sys::nng_ctx_set_size)
);
accessors!(
    SET_BOOL,
    bool,
    nng_socket_set_bool,
    nng_dialer_set_bool,
    nng_listener_set_bool,
    None,
    Some(sys::nng_ctx_set_bool)
);
accessors!(
    SET_STRING,
    *const c_char,
    nng_socket_set_string,
    nng_dialer_set_string,
    nng_listener_set_string,
    None,
    Some(sys::nng_ctx_set_string)
);
accessors!(
    SET_PTR,
    *mut c_void,
    nng_socket_set_ptr,
    nng_dialer_set_ptr,
    nng_listener_set_ptr,
    None,
    Some(sys::nng_ctx_set_ptr)
);
accessors!(
    GET_INT,
    *mut c_int,
    nng_socket_get_int,
    nng_dialer_get_int,
    nng_listener_get_int,
    Some(sys::nng_pipe_get_int),
    Some(sys::nng_ctx_get_int)
);
accessors!(
    GET_MS,
    *mut i32,
    nng_socket_get_ms,
    nng_dialer_get_ms,
    nng_listener_get_ms,
    Some(sys::nng_pipe_get_ms),
    Some(sys::nng_ctx_get_ms)
);
accessors!(
    GET_SIZE,
    *mut usize,
    nng_socket_get_size,
    nng_dialer_get_size,
    nng_listener_get_size,
    Some(sys::nng_pipe_get_size),
    Some(sys::nng_ctx_get_size)
);
accessors!(
    GET_BOOL,
    *mut bool,
    nng_socket_get_bool,
    nng_dialer_get_bool,
    nng_listener_get_bool,
    Some(sys::nng_pipe_get_bool),
    Some(sys::nng_ctx_get_bool)
);
accessors!(
    GET_STRING,
    *mut *mut c_char,
    nng_socket_get_string,
    nng_dialer_get_string,
    nng_listener_get_string,
    Some(sys::nng_pipe_get_string),
    Some(sys::nng_ctx_get_string)
);
accessors!(
    GET_ADDR,
    *mut sys::nng_sockaddr,
    nng_socket_get_addr,
    nng_dialer_get_addr,
    nng_listener_get_addr,
    Some(sys::nng_pipe_get_addr),
    Some(sys::nng_ctx_get_addr)
);

pub fn set_int(t: Target, name: &CStr, v: c_int) -> Result<()> {
    SET_INT.call(t, name, v)
}
pub fn set_ms(t: Target, name: &CStr, v: i32) -> Result<()> {
    SET_MS.call(t, name, v)
}
pub fn set_size(t: Target, name: &CStr, v: usize) -> Result<()> {
    SET_SIZE.call(t, name, v)
}
pub fn set_bool(t: Target, name: &CStr, v: bool) -> Result<()> {
    SET_BOOL.call(t, name, v)
}
pub fn set_string(t: Target, name: &CStr, v: &CStr) -> Result<()> {
    match t {
        Target::Socket(id) if name == SOCKET_NAME => super::socket::set_name(id, v),
        _ => SET_STRING.call(t, name, v.as_ptr()),
    }
}

/// `socket-name`, which pnng keeps itself (see `socket::set_name`).
const SOCKET_NAME: &CStr = c"socket-name";
/// Sets a pointer option (`tls-config`).
pub fn set_ptr(t: Target, name: &CStr, v: *mut c_void) -> Result<()> {
    SET_PTR.call(t, name, v)
}

pub fn get_int(t: Target, name: &CStr) -> Result<c_int> {
    let mut v = 0;
    GET_INT.call(t, name, &mut v)?;
    Ok(v)
}
pub fn get_ms(t: Target, name: &CStr) -> Result<i32> {
    let mut v = 0;
    GET_MS.call(t, name, &mut v)?;
    Ok(v)
}
pub fn get_size(t: Target, name: &CStr) -> Result<usize> {
    let mut v = 0;
    GET_SIZE.call(t, name, &mut v)?;
    Ok(v)
}
pub fn get_bool(t: Target, name: &CStr) -> Result<bool> {
    let mut v = false;
    GET_BOOL.call(t, name, &mut v)?;
    Ok(v)
}
/// A copy of a string option.
pub fn get_string(t: Target, name: &CStr) -> Result<CString> {
    if let Target::Socket(id) = t
        && name == SOCKET_NAME
        && let Some(n) = super::socket::name(id)?
    {
        return Ok(n);
    }
    let mut p: *mut c_char = std::ptr::null_mut();
    GET_STRING.call(t, name, &mut p)?;
    if p.is_null() {
        return Err(Error::Internal);
    }
    // SAFETY: NNG returned an allocated NUL-terminated string, ours to copy and then free
    // with nng_strfree (once: it is not used afterwards).
    unsafe {
        let s = CStr::from_ptr(p).to_owned();
        sys::nng_strfree(p);
        Ok(s)
    }
}
pub fn get_addr(t: Target, name: &CStr) -> Result<SockAddr> {
    let mut sa = sys::nng_sockaddr::default();
    GET_ADDR.call(t, name, &mut sa)?;
    Ok(SockAddr::from_nng(&sa))
}

/// Sets an option from opaque bytes (e.g. `sub:subscribe` topics). Sockets and contexts only.
pub fn set_bytes(t: Target, name: &CStr, v: &[u8]) -> Result<()> {
    if let Target::Socket(_) = t
        && name == SOCKET_NAME
    {
        // Never NNG's copy-in of the name (it reads a string from the bytes without a
        // bound): the bytes are the name, without a NUL inside.
        let text = std::ffi::CString::new(v).map_err(|_| Error::Invalid)?;
        return set_string(t, name, &text);
    }
    let (p, n) = (v.as_ptr().cast(), v.len());
    // SAFETY: NNG validates ids and names and copies `n` bytes from the live slice.
    let set = check(unsafe {
        match t {
            Target::Socket(id) => sys::nng_socket_set(id.nng(), name.as_ptr(), p, n),
            Target::Ctx(id) => sys::nng_ctx_set(id.nng(), name.as_ptr(), p, n),
            Target::Dialer(id) => sys::nng_dialer_set(id.nng(), name.as_ptr(), p, n),
            Target::Listener(id) => sys::nng_listener_set(id.nng(), name.as_ptr(), p, n),
            Target::Pipe(_) => return Err(Error::ReadOnly),
        }
    });
    match set {
        // A socket keeps options it does not know for its endpoints, and NNG 1.12 fails to
        // allocate a copy of zero bytes: an empty value for an unknown option is unknown.
        Err(Error::NoMemory) if v.is_empty() => Err(Error::NotSupported),
        other => other,
    }
}
