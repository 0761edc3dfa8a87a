"""Synchronous send/receive shared by sockets, contexts and pipes.

Hot path: one C call, made through the argtype-free function objects of ``_ffi.fast`` (see
there: arguments are passed as exact C types, which halves ctypes' per-call cost). ``recv``
copies straight into a per-thread buffer that is reused (``pnng_*_recv``) and slices it into
``bytes``; ``send`` passes the caller's bytes (``pnng_*_send``).

Blocking in the main thread: NNG's blocking calls cannot be interrupted by a signal, so the
main thread never makes one. Instead:

* ``send(bytes)`` and ``recv()`` on a socket make one call, ``pnng_socket_{send,recv}_fd``,
  which blocks in C but returns ``PNNG_EINTR`` every ``SLICE_MS`` with the operation still
  running (parked on the thread). Back in Python, pending signal handlers run (Ctrl-C raises
  KeyboardInterrupt, and the parked operation is cancelled: a message it received stays queued
  in the socket); otherwise the same call resumes the operation. So a message that arrives
  costs one foreign call, as a plain blocking call would.
* Other socket calls (``send_msg``, ``recv_msg``, ``recv_into``): sockets (``nb_first``: receives on every protocol, sends on all but rep0 and respondent0)
  first make the non-blocking call. Only if it would block does the operation run on an aio.
  A failed non-blocking attempt of these operations changes nothing in NNG that the blocking
  call would not change too (a req0/surveyor0 send restarts the request/survey either way;
  libpnng answers a cooked surveyor's non-blocking receive from its receive descriptor).
* Elsewhere a failed non-blocking attempt has side effects (a rep0 send gives up the request's
  reply slot), so a socket looks at its poll descriptor first (``_ready``) and makes the
  non-blocking call only if it says the operation can complete; contexts and pipes have no
  descriptor and always use the aio.
* The aio is waited on in slices of ``SLICE_MS``; between slices Python runs its signal
  handlers, so Ctrl-C raises KeyboardInterrupt promptly (the aio is then cancelled).

Waiting on the aio rather than on the poll descriptor keeps a receive posted while the main
thread sleeps: NNG hands the next message straight to it and its pipe reads on (a pull socket
has no receive queue, so with a descriptor wait push/pull ran at 60 % of the rate). Sockets
fetch no descriptor unless they need the probe: once fetched, NNG writes and reads an
eventfd whenever the socket's readiness changes.

Other threads never see signals and simply make the blocking C call. Closing the socket from
another thread ends both kinds of wait with Closed.
"""

from __future__ import annotations

import ctypes
import select
import threading
from ctypes import byref, c_size_t, c_void_p
from typing import Any, Callable, Optional, Tuple

from . import _ffi
from ._ffi import EAGAIN, EINTR, EMSGSIZE, ETIMEDOUT, FLAG_NONBLOCK, lib
from .exceptions import _raise, check_err

SLICE_MS = 50  # Ctrl-C is noticed within one slice
_BUF_START = 64 * 1024
_BUF_KEEP_MAX = 64 * 1024  # larger messages: one copy from a pnng_msg, not two through the reused buffer
_MAIN_IDENT = threading.main_thread().ident
_get_ident = threading.get_ident
_select = select.select
_string_at = ctypes.string_at
_msg_free = lib.pnng_msg_free
_msg_len = lib.pnng_msg_len
_msg_body = lib.pnng_msg_body
_fd_op_cancel = lib.pnng_fd_op_cancel

_STR_MESSAGE = 'Cannot send type str. Maybe you left out a ".encode()" somewhere?'

CFn = Callable[..., int]
Ready = Optional[Callable[[], bool]]


def fd_ready(fd: int) -> bool:
    """True if poll descriptor ``fd`` is readable now (the operation can complete at once)."""
    try:
        return bool(_select((fd,), (), (), 0)[0])
    except (OSError, ValueError):  # closed meanwhile: let the real call report it
        return False


class _Aio:
    """An aio owned by one thread, freed with it."""

    def __init__(self) -> None:
        out = ctypes.c_void_p()
        check_err(lib.pnng_aio_new(None, None, byref(out)))
        self.ptr = out.value

    # Defaults bind what __del__ needs: module globals may be gone at interpreter exit.
    def __del__(self, _rt: Any = _ffi.runtime, _free: Any = lib.pnng_aio_free) -> None:
        if self.ptr and _rt.usable:
            _free(self.ptr)
        self.ptr = None


class _ThreadState(threading.local):
    """Per-thread scratch objects, made once so the hot path builds no ctypes objects."""

    def __init__(self) -> None:
        self.len_out = c_size_t()
        self.len_ref = byref(self.len_out)
        self.msg_out: Any = c_void_p()
        self.msg_ref = byref(self.msg_out)
        self.pipe_out = ctypes.c_uint32()
        self.pipe_ref = byref(self.pipe_out)
        self._aio: Optional[_Aio] = None
        self._alloc(_BUF_START)

    def _alloc(self, cap: int) -> None:
        self.cap = cap
        self.cap_c = c_size_t(cap)
        self.buf: Any = ctypes.create_string_buffer(cap)

    @property
    def aio(self) -> int:
        if self._aio is None:
            self._aio = _Aio()
        return self._aio.ptr  # type: ignore[return-value]

    def grow(self, need: int) -> None:
        self._alloc(max(need, self.cap * 2))


_state = _ThreadState()


def _in_main_thread() -> bool:
    return _get_ident() == _MAIN_IDENT


def as_buffer(data: Any) -> Tuple[Any, int]:
    """(pointer-compatible object, length) for bytes-like ``data``, without copying when possible."""
    if type(data) is bytes:
        return data, len(data)
    if isinstance(data, str):
        raise ValueError(_STR_MESSAGE)
    if isinstance(data, bytes):
        return data, len(data)
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"data must be bytes-like, not {type(data).__name__}") from None
    if view.readonly or not view.c_contiguous:
        copy = view.tobytes()
        return copy, len(copy)
    flat = view.cast("B")
    return (ctypes.c_char * flat.nbytes).from_buffer(flat), flat.nbytes


def wait(aio: int) -> None:
    """Waits for the aio in slices (signals get handled); on any exception cancels it first."""
    try:
        while lib.pnng_aio_wait_timeout(aio, SLICE_MS) == ETIMEDOUT:
            pass
    except BaseException:
        lib.pnng_aio_cancel(aio)
        lib.pnng_aio_wait(aio)
        drop_msg(aio)
        raise


def drop_msg(aio: int) -> None:
    st = _state
    if lib.pnng_aio_take_msg(aio, st.msg_ref) == 0:
        _msg_free(st.msg_out.value)


def take_msg(aio: int) -> int:
    out = ctypes.c_void_p()
    check_err(lib.pnng_aio_take_msg(aio, byref(out)))
    return out.value  # type: ignore[return-value]


def body(msg: int) -> bytes:
    """A copy of a native message's body."""
    n = _msg_len(msg)
    return _string_at(_msg_body(msg), n) if n else b""


def body_and_free(msg: int) -> bytes:
    try:
        return body(msg)
    finally:
        _msg_free(msg)


def new_msg(ptr: Any, n: int) -> int:
    out = ctypes.c_void_p()
    check_err(lib.pnng_msg_new(ptr, n, byref(out)))
    return out.value  # type: ignore[return-value]


# ---- send ------------------------------------------------------------------------------------------


def send(obj: Any, data: Any, block: bool) -> None:
    """Sends a copy of ``data`` (bytes-like) on a socket, context or pipe."""
    if type(data) is bytes:
        ptr, n = data, len(data)
    else:
        ptr, n = as_buffer(data)
    fn, h, cn = obj._send_fn, obj._h, c_size_t(n)
    if not block:
        rc = fn(h, ptr, cn, FLAG_NONBLOCK)
    elif _get_ident() != _MAIN_IDENT:
        rc = fn(h, ptr, cn, 0)
    elif obj._send_fd_fn is not None:
        rc = _send_sliced(obj._send_fd_fn, h, ptr, cn)
    else:
        if obj._nb_first(False):
            rc = fn(h, ptr, cn, FLAG_NONBLOCK)
        else:
            ready = obj._ready(False)
            rc = fn(h, ptr, cn, FLAG_NONBLOCK) if ready is not None and ready() else EAGAIN
        if rc == EAGAIN:
            msg = new_msg(ptr, n)
            rc = send_msg_on_aio(h, msg, obj._send_aio_fn)
            if rc:
                _msg_free(msg)
    if rc:
        _raise(rc)


def _send_sliced(fn: CFn, h: int, ptr: Any, cn: c_size_t) -> int:
    """Main thread: a blocking send in SLICE_MS slices (see the module comment)."""
    try:
        rc = fn(h, ptr, cn, -1, SLICE_MS)
        while rc == EINTR:  # signal handlers run here; then the parked send goes on
            rc = fn(h, ptr, cn, -1, SLICE_MS)
    except BaseException:
        _fd_op_cancel()
        raise
    return rc


def send_msg(obj: Any, msg: int, block: bool) -> int:
    """Sends a native message: 0 when NNG took it; else the error, and the caller still owns it."""
    fn, h, cmsg = obj._send_msg_fn, obj._h, c_void_p(msg)
    if not block:
        return fn(h, cmsg, FLAG_NONBLOCK)  # type: ignore[no-any-return]
    if _get_ident() != _MAIN_IDENT:
        return fn(h, cmsg, 0)  # type: ignore[no-any-return]
    if obj._nb_first(False):
        rc = fn(h, cmsg, FLAG_NONBLOCK)
    else:
        ready = obj._ready(False)
        rc = fn(h, cmsg, FLAG_NONBLOCK) if ready is not None and ready() else EAGAIN
    if rc == EAGAIN:
        rc = send_msg_on_aio(h, msg, obj._send_aio_fn)
    return rc  # type: ignore[no-any-return]


def send_msg_on_aio(h: int, msg: int, send_aio_fn: CFn) -> int:
    """Sends ``msg`` through the thread's aio, waiting in slices.

    Returns 0 (sent) or an error code (the caller owns ``msg`` again). If the wait is
    interrupted (KeyboardInterrupt), the message is gone: sent, or freed with the cancelled aio.
    """
    aio = _state.aio
    check_err(lib.pnng_aio_set_msg(aio, msg))
    rc = send_aio_fn(h, aio)
    if rc == 0:
        wait(aio)
        rc = lib.pnng_aio_result(aio)
    if rc:
        # Take the unsent message back so the aio does not free it.
        lib.pnng_aio_take_msg(aio, _state.msg_ref)
    return rc


# ---- receive ---------------------------------------------------------------------------------------


def recv(obj: Any, block: bool) -> bytes:
    """Receives one message's bytes on a socket or context."""
    st = _state
    if not block:
        flags = FLAG_NONBLOCK
    elif _get_ident() != _MAIN_IDENT:
        flags = 0
    elif obj._recv_fd_fn is not None:
        return _recv_sliced(obj._recv_fd_fn, obj)
    else:
        if not obj._nb_first(True):
            ready = obj._ready(True)
            if ready is None or not ready():
                return body_and_free(recv_on_aio(obj._h, obj._recv_aio_fn))
        flags = FLAG_NONBLOCK
    rc = obj._recv_fn(obj._h, st.buf, st.cap_c, flags, st.len_ref)
    if rc == 0:
        return bytes(st.buf[: st.len_out.value])
    return _recv_more(obj, rc, flags, block)


def _recv_sliced(fn: CFn, obj: Any) -> bytes:
    """Main thread: a blocking receive in SLICE_MS slices (see the module comment)."""
    st, h = _state, obj._h
    try:
        while True:
            rc = fn(h, st.buf, st.cap_c, st.len_ref, -1, SLICE_MS)
            if rc == 0:
                return bytes(st.buf[: st.len_out.value])
            if rc == EINTR:
                continue  # signal handlers run here; then the parked receive goes on
            if rc != EMSGSIZE:
                _raise(rc)
            # Too big for the thread's buffer: it stays queued for the next receive.
            need = st.len_out.value
            if need > _BUF_KEEP_MAX:
                rc = obj._recv_msg_fn(h, FLAG_NONBLOCK, st.msg_ref)
                if rc:
                    _raise(rc)
                return body_and_free(st.msg_out.value)
            st.grow(need)
    except BaseException:
        _fd_op_cancel()
        raise


def _recv_more(obj: Any, rc: int, flags: int, block: bool) -> bytes:
    """recv() after a first attempt that did not return a message that fit."""
    st = _state
    fn, h = obj._recv_fn, obj._h
    while True:
        if rc == 0:
            return bytes(st.buf[: st.len_out.value])
        if rc == EMSGSIZE:
            # The message stays queued: retry with room for it, or take it as a message.
            need = st.len_out.value
            if need <= _BUF_KEEP_MAX:
                st.grow(need)
            else:
                rc = obj._recv_msg_fn(h, flags, st.msg_ref)
                if rc == 0:
                    return body_and_free(st.msg_out.value)
                continue
        elif rc == EAGAIN and block:
            # Nothing yet (or the descriptor said ready but another thread took the message).
            return body_and_free(recv_on_aio(h, obj._recv_aio_fn))
        else:
            _raise(rc)
        rc = fn(h, st.buf, st.cap_c, flags, st.len_ref)


def recv_native(obj: Any, block: bool) -> int:
    """Receives a native message (the caller owns it)."""
    st = _state
    fn, h = obj._recv_msg_fn, obj._h
    if not block:
        rc = fn(h, FLAG_NONBLOCK, st.msg_ref)
    elif _get_ident() != _MAIN_IDENT:
        rc = fn(h, 0, st.msg_ref)
    else:
        if obj._nb_first(True):
            rc = fn(h, FLAG_NONBLOCK, st.msg_ref)
        else:
            ready = obj._ready(True)
            rc = fn(h, FLAG_NONBLOCK, st.msg_ref) if ready is not None and ready() else EAGAIN
        if rc == EAGAIN:
            return recv_on_aio(h, obj._recv_aio_fn)
    if rc:
        _raise(rc)
    return int(st.msg_out.value)


def recv_on_aio(h: int, recv_aio_fn: CFn) -> int:
    aio = _state.aio
    check_err(recv_aio_fn(h, aio))
    wait(aio)
    check_err(lib.pnng_aio_result(aio))
    return take_msg(aio)


def recv_into_once(h: int, buf: Any, cap: int, flags: int, recv_fn: CFn) -> Tuple[int, int]:
    """One receive into ``buf`` (``cap`` bytes): (result code, message length)."""
    st = _state
    rc = recv_fn(h, buf, c_size_t(cap), flags, st.len_ref)
    return rc, st.len_out.value


def writable_buffer(target: Any) -> Tuple[Any, int]:
    """A ctypes view of a writable, contiguous buffer, and its size in bytes."""
    view = memoryview(target)
    if view.readonly:
        raise TypeError("recv_into needs a writable buffer (bytearray, memoryview, array...)")
    if not view.c_contiguous:
        raise ValueError("recv_into needs a contiguous buffer")
    flat = view.cast("B")
    return (ctypes.c_char * flat.nbytes).from_buffer(flat), flat.nbytes
