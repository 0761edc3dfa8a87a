"""Synchronous send/receive shared by sockets, contexts and pipes.

Hot path: one C call. ``recv`` copies straight into a per-thread buffer that is reused
(``pnng_*_recv``), ``send`` passes the caller's bytes (``pnng_*_send``).

Blocking in the main thread: NNG's blocking calls cannot be interrupted by a signal, so there
the operation runs on an aio that is waited on in short slices. Between slices Python runs its
signal handlers, so Ctrl-C raises KeyboardInterrupt promptly (the aio is then cancelled).
Sockets first look at their poll descriptor (``recv-fd``/``send-fd``) and, when it says the
operation can complete at once, make the one non-blocking C call instead. A non-blocking attempt
is never made blindly: in NNG a failed one has side effects (a rep0 send gives up the request's
reply slot; a surveyor receive ends the survey). Other threads never see signals and simply
make the blocking C call. Closing the socket from another thread ends both kinds of wait with
Closed.
"""

from __future__ import annotations

import ctypes
import select
import threading
from ctypes import byref
from typing import Any, Callable, Optional, Tuple

from . import _ffi
from ._ffi import EAGAIN, EMSGSIZE, ETIMEDOUT, FLAG_NONBLOCK, lib
from .exceptions import _raise, check_err

SLICE_MS = 50  # Ctrl-C is noticed within one slice
_BUF_START = 64 * 1024
_BUF_KEEP_MAX = 1024 * 1024  # larger messages go through a pnng_msg instead of the reused buffer
_MAIN_IDENT = threading.main_thread().ident

_STR_MESSAGE = 'Cannot send type str. Maybe you left out a ".encode()" somewhere?'

CFn = Callable[..., int]
Ready = Optional[Callable[[], bool]]


def fd_ready(fd: int) -> bool:
    """True if poll descriptor ``fd`` is readable now (the operation can complete at once)."""
    try:
        return bool(select.select([fd], [], [], 0)[0])
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
    def __init__(self) -> None:
        self.cap = _BUF_START
        self.buf = ctypes.create_string_buffer(self.cap)
        self.len_out = ctypes.c_size_t()
        self.msg_out = ctypes.c_void_p()
        self._aio: Optional[_Aio] = None

    @property
    def aio(self) -> int:
        if self._aio is None:
            self._aio = _Aio()
        return self._aio.ptr  # type: ignore[return-value]

    def grow(self, need: int) -> None:
        self.cap = max(need, self.cap * 2)
        self.buf = ctypes.create_string_buffer(self.cap)


_state = _ThreadState()


def _in_main_thread() -> bool:
    return threading.get_ident() == _MAIN_IDENT


def as_buffer(data: Any) -> Tuple[Any, int]:
    """(pointer-compatible object, length) for bytes-like ``data``, without copying when possible."""
    if isinstance(data, bytes):
        return data, len(data)
    if isinstance(data, str):
        raise ValueError(_STR_MESSAGE)
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
    out = _state.msg_out
    if lib.pnng_aio_take_msg(aio, byref(out)) == 0:
        lib.pnng_msg_free(out.value)


def take_msg(aio: int) -> int:
    out = ctypes.c_void_p()
    check_err(lib.pnng_aio_take_msg(aio, byref(out)))
    return out.value  # type: ignore[return-value]


def body(msg: int) -> bytes:
    """A copy of a native message's body."""
    n = lib.pnng_msg_len(msg)
    return ctypes.string_at(lib.pnng_msg_body(msg), n) if n else b""


def new_msg(ptr: Any, n: int) -> int:
    out = ctypes.c_void_p()
    check_err(lib.pnng_msg_new(ptr, n, byref(out)))
    return out.value  # type: ignore[return-value]


# ---- send ------------------------------------------------------------------------------------------


def send(h: int, data: Any, block: bool, send_fn: CFn, send_aio_fn: CFn, ready: Ready = None) -> None:
    """Sends a copy of ``data`` (bytes-like) on a socket, context or pipe handle."""
    ptr, n = as_buffer(data)
    if not block:
        check_err(send_fn(h, ptr, n, FLAG_NONBLOCK))
    elif not _in_main_thread():
        check_err(send_fn(h, ptr, n, 0))
    else:
        rc = send_fn(h, ptr, n, FLAG_NONBLOCK) if ready is not None and ready() else EAGAIN
        if rc == EAGAIN:
            msg = new_msg(ptr, n)
            rc = send_msg_on_aio(h, msg, send_aio_fn)
            if rc:
                lib.pnng_msg_free(msg)
        check_err(rc)


def send_msg(h: int, msg: int, block: bool, send_msg_fn: CFn, send_aio_fn: CFn, ready: Ready = None) -> int:
    """Sends a native message: 0 when NNG took it; else the error, and the caller still owns it."""
    if not block:
        return send_msg_fn(h, msg, FLAG_NONBLOCK)
    if not _in_main_thread():
        return send_msg_fn(h, msg, 0)
    rc = send_msg_fn(h, msg, FLAG_NONBLOCK) if ready is not None and ready() else EAGAIN
    if rc == EAGAIN:
        rc = send_msg_on_aio(h, msg, send_aio_fn)
    return rc


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
        lib.pnng_aio_take_msg(aio, byref(_state.msg_out))
    return rc


# ---- receive ---------------------------------------------------------------------------------------


def recv(h: int, block: bool, recv_fn: CFn, recv_msg_fn: CFn, recv_aio_fn: CFn, ready: Ready = None) -> bytes:
    """Receives one message's bytes on a socket or context handle."""
    st = _state
    if block and _in_main_thread():
        if ready is None or not ready():
            msg = recv_on_aio(h, recv_aio_fn)
            try:
                return body(msg)
            finally:
                lib.pnng_msg_free(msg)
        flags = FLAG_NONBLOCK
    else:
        flags = 0 if block else FLAG_NONBLOCK
    while True:
        rc = recv_fn(h, st.buf, st.cap, flags, byref(st.len_out))
        if rc == 0:
            return ctypes.string_at(st.buf, st.len_out.value)
        if rc == EMSGSIZE:
            # The message stays queued: retry with room for it.
            need = st.len_out.value
            if need <= _BUF_KEEP_MAX:
                st.grow(need)
                continue
            rc = recv_msg_fn(h, flags, byref(st.msg_out))
            if rc == 0:
                msg = st.msg_out.value
                try:
                    return body(msg)
                finally:
                    lib.pnng_msg_free(msg)
        if rc == EAGAIN and block:
            # The poll descriptor said ready but another thread took the message.
            return recv(h, block, recv_fn, recv_msg_fn, recv_aio_fn, None)
        _raise(rc)


def recv_native(h: int, block: bool, recv_msg_fn: CFn, recv_aio_fn: CFn, ready: Ready = None) -> int:
    """Receives a native message (the caller owns it)."""
    out = ctypes.c_void_p()
    if not block:
        check_err(recv_msg_fn(h, FLAG_NONBLOCK, byref(out)))
    elif not _in_main_thread():
        check_err(recv_msg_fn(h, 0, byref(out)))
    else:
        rc = recv_msg_fn(h, FLAG_NONBLOCK, byref(out)) if ready is not None and ready() else EAGAIN
        if rc == EAGAIN:
            return recv_on_aio(h, recv_aio_fn)
        check_err(rc)
    return out.value  # type: ignore[return-value]


def recv_on_aio(h: int, recv_aio_fn: CFn) -> int:
    aio = _state.aio
    check_err(recv_aio_fn(h, aio))
    wait(aio)
    check_err(lib.pnng_aio_result(aio))
    return take_msg(aio)


def recv_into_once(h: int, buf: Any, cap: int, flags: int, recv_fn: CFn) -> Tuple[int, int]:
    """One receive into ``buf`` (``cap`` bytes): (result code, message length)."""
    out = _state.len_out
    rc = recv_fn(h, buf, cap, flags, byref(out))
    return rc, out.value


def writable_buffer(target: Any) -> Tuple[Any, int]:
    """A ctypes view of a writable, contiguous buffer, and its size in bytes."""
    view = memoryview(target)
    if view.readonly:
        raise TypeError("recv_into needs a writable buffer (bytearray, memoryview, array...)")
    if not view.c_contiguous:
        raise ValueError("recv_into needs a contiguous buffer")
    flat = view.cast("B")
    return (ctypes.c_char * flat.nbytes).from_buffer(flat), flat.nbytes
