"""Socket and its 11 protocols, Dialer, Listener, Pipe, Context and Message (pynng's object model)."""

from __future__ import annotations

import builtins
import ctypes
import functools
import logging
import threading
import weakref
from ctypes import byref
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    FrozenSet,
    List,
    Optional,
    Set,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
)

from . import _async, _ffi, _io
from ._ffi import (
    DIAL_FALLBACK,
    ECLOSED,
    ENOENT,
    FLAG_NONBLOCK,
    PIPE_EV_ADD_POST,
    PIPE_EV_ADD_PRE,
    PIPE_EV_REM_POST,
    lib,
)
from .exceptions import (
    Closed,
    MessageStateError,
    _raise,
    check_err,
    exception_for,
)
from .options import (
    _Option,
    BooleanOption,
    IntOption,
    MsOption,
    PointerOption,
    SizeOption,
    SockAddrOption,
    StringOption,
)
from .tls import TLSConfig

logger = logging.getLogger("pnng")

Address = Union[str, bytes]
PipeCallback = Callable[["Pipe"], Any]
T = TypeVar("T")

# Protocol numbers (NNG's *_SELF) whose non-blocking attempts have side effects (see _io).
_REP0, _RESPONDENT0 = 0x31, 0x63

# Errors that mean "already closed" for close() calls, which are idempotent.
_GONE = (0, ECLOSED, ENOENT)


def _url(address: Address) -> bytes:
    if isinstance(address, str):
        return address.encode()
    if isinstance(address, (bytes, bytearray)):
        return bytes(address)
    raise TypeError(f"address must be str or bytes, not {type(address).__name__}")


def _list_ids(fn: Callable[..., int], h: int) -> List[int]:
    """Ids from a pnng_socket_{pipes,dialers,listeners}-shaped call; [] once the socket is closed."""
    cap = 8
    n = ctypes.c_size_t()
    while True:
        buf = (ctypes.c_uint32 * cap)()
        rc = fn(h, buf, cap, byref(n))
        if rc == _ffi.EMSGSIZE:
            cap = n.value + 8
            continue
        if rc == ECLOSED:
            return []
        check_err(rc)
        return list(buf[: n.value])


def _int_flags(flags: Any) -> int:
    if not isinstance(flags, int):
        raise TypeError(f"flags must be an int, not {type(flags).__name__}")
    return flags


def _new_id(fn: Callable[..., int], *args: Any) -> int:
    """Calls a C function whose last argument receives a new object's id and returns the id."""
    out = ctypes.c_uint32()
    check_err(fn(*args, byref(out)))
    return out.value


def _check_close(rc: int) -> None:
    """Raises for a close() call's error, except "already closed" (close is idempotent)."""
    if rc not in _GONE:
        _raise(rc)


def _check_endpoint(rc: int, what: str, url: Union[str, bytes]) -> None:
    """Raises for a failed dial or listen; the text names the operation and the URL
    (``Connection refused (dial tcp://127.0.0.1:5555)``), the class is the code's."""
    if rc:
        text = url.decode(errors="replace") if isinstance(url, bytes) else url
        exc = exception_for(rc, f"{_ffi.strerror(rc)} ({what} {text})")
        exc.url = text  # type: ignore[attr-defined]
        raise exc


class RawHandle(int):
    """A raw NNG handle (``sock.socket``, ``pipe.pipe``, ``dialer.dialer``, ``listener.listener``,
    ``ctx.context``): the id as an int, with pynng's ``.id``."""

    __slots__ = ()

    @property
    def id(self) -> int:
        """The handle's id."""
        return int(self)


def _near_miss(name: str, option: str) -> bool:
    """``name`` is one typo away from a long option name (a letter missing, extra, wrong or two
    letters swapped): ``recv_timout`` for ``recv_timeout``. Short option names (``name``,
    ``peer``) are left out, so user attributes like ``names`` stay free."""
    if len(option) < 8 or abs(len(name) - len(option)) > 1 or name == option:
        return False
    if len(name) == len(option):
        diff = [i for i in range(len(name)) if name[i] != option[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and name[diff[0]] == option[diff[1]]
            and name[diff[1]] == option[diff[0]]
        )
    short, long_ = (name, option) if len(name) < len(option) else (option, name)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


class _Strict:
    """User attributes as in pynng (``sock.user_tag = 1``, ``pipe.client_name = ...``) with a
    safety net for mistyped options: setting a name one typo away from one of the class's
    options (``sock.recv_timout = 100``) raises AttributeError naming the option."""

    _options_cache: "Dict[type, Tuple[FrozenSet[str], Dict[str, Optional[str]]]]" = {}

    if not TYPE_CHECKING:  # at run time only: type checkers keep flagging unknown names

        def __setattr__(self, name: str, value: Any) -> None:
            if name[0] != "_":
                cls = type(self)
                cached = _Strict._options_cache.get(cls)
                if cached is None:
                    options = frozenset(
                        attr for klass in cls.__mro__ for attr, v in vars(klass).items() if isinstance(v, _Option)
                    )
                    cached = _Strict._options_cache[cls] = (options, {})
                options, verdicts = cached
                if name not in options:
                    verdict = verdicts.get(name, "")
                    if verdict == "":
                        verdict = verdicts[name] = next((o for o in sorted(options) if _near_miss(name, o)), None)
                    if verdict is not None:
                        raise AttributeError(
                            f"{cls.__name__} has no option {name!r}: did you mean {verdict!r}? "
                            "(user attributes must not be one typo away from an option name)"
                        )
            object.__setattr__(self, name, value)


class _Closeable:
    """``aclose()`` and the sync/async context-manager protocol, all ending in ``close()``."""

    def close(self) -> None:
        raise NotImplementedError

    async def aclose(self) -> None:
        """``close()``, for async code."""
        self.close()

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    async def __aenter__(self: T) -> T:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()


class _Owned(_Strict):
    """An object that belongs to a Socket (Pipe, Dialer, Listener, Context): ``_socket`` owns it,
    ``_h`` is its id."""

    _socket: "Socket"
    _h: int

    def _owner_socket(self) -> "Socket":
        return self._socket

    @property
    def socket(self) -> "Socket":
        """The Socket this object belongs to."""
        return self._socket

    @property
    def id(self) -> int:
        """The object's id."""
        return self._h


class _Connected(_Owned):
    """Pipes, dialers and listeners: their Socket keeps them (one Python object for the whole
    life of the connection or endpoint, so user attributes stay), and they refer back to it
    weakly, so an unreferenced socket is still closed by garbage collection at once."""

    _sockref: "weakref.ref[Socket]"

    @property
    def _socket(self) -> "Socket":  # type: ignore[override]
        sock = self._sockref()
        if sock is None:
            _raise(ECLOSED, "the socket was closed and collected")
        return sock

    # The read-only options a connection has, both on its Pipe and on its Dialer or Listener.

    local_address = SockAddrOption("local-address")
    remote_address = SockAddrOption("remote-address")
    url = StringOption("url", readonly=True)
    peer = IntOption("peer", readonly=True)
    peer_name = StringOption("peer-name", readonly=True)


# ---- the library's log lines ------------------------------------------------------------------------

_LOG_LEVELS = {
    _ffi.LOG_ERR: logging.ERROR,
    _ffi.LOG_WARN: logging.WARNING,
    _ffi.LOG_NOTICE: logging.INFO,
    _ffi.LOG_INFO: logging.INFO,
    _ffi.LOG_DEBUG: logging.DEBUG,
}


def _log_trampoline(level: int, msg: Optional[bytes], userdata: Optional[int]) -> None:
    """libpnng's and NNG's log lines (e.g. a message dropped for exceeding recv_max_size) go to
    the ``pnng`` logger. Called on whichever thread logs, NNG's included."""
    if not _ffi.runtime.usable:
        return
    try:
        text = msg.decode("utf-8", "replace") if msg else ""
        # NNG reports every failed connection attempt, and a background dial retries for
        # ever: those lines are debug output (the first failure of a default dial is logged
        # once as a warning by libpnng, as pynng does).
        pylevel = logging.DEBUG if text.startswith("NNG-CONN-FAIL") else _LOG_LEVELS.get(level, logging.WARNING)
        logger.log(pylevel, "%s", text)
    except BaseException:  # nothing may unwind into C
        pass


_log_trampoline_c = _ffi.log_cb_t(_log_trampoline)  # kept alive here: NNG threads call it


def _install_log_forwarding() -> None:
    lib.pnng_set_log_callback(_log_trampoline_c, None)


_install_log_forwarding()


# ---- pipe events -----------------------------------------------------------------------------------------
#
# Pipe callbacks run as in pynng: synchronously on the NNG thread that reports the event, so a
# blocking dial returns after the post-connect callbacks ran, and a pre-connect callback sees
# its pipe in ``sock.pipes``. ctypes takes the GIL for the call; every C call pnng makes
# releases it (CDLL), so an NNG thread waiting for the GIL never blocks a thread that waits in
# C for that callback (e.g. in close). Each event runs on its own NNG thread with no lock held
# across user code: a slow callback of one socket does not hold up another's.
# Socket.close() waits for the socket's running callbacks and no callback starts after it;
# inside one of the socket's own callbacks it closes from another thread instead (NNG's close
# waits for the running callback, which would be itself).

_callback_thread = threading.local()  # .sockets: ids of sockets whose callback this thread runs


def _in_pipe_callback(sid: Optional[int] = None) -> bool:
    """Is this thread inside a pipe callback (of socket ``sid``, or of any socket)?"""
    active = getattr(_callback_thread, "sockets", None)
    return bool(active) and (sid is None or sid in active)  # type: ignore[operator]


def _close_later(close: Callable[[], Any]) -> None:
    """Closing a socket waits for running pipe callbacks, so never do it on their thread."""
    threading.Thread(target=close, name="pnng deferred close", daemon=True).start()


_sockets: "Dict[int, weakref.ref[Socket]]" = {}  # socket id → Socket, for events from C


def _forget_socket(sid: int, _ref: object) -> None:
    _sockets.pop(sid, None)


def _socket_by_id(sid: Optional[int]) -> "Optional[Socket]":
    ref = _sockets.get(sid or 0)
    return ref() if ref is not None else None


def _pipe_trampoline(pipe_id: int, event: int, userdata: Optional[int]) -> None:
    """Every pipe event of every socket, on the NNG thread that reports it."""
    if not _ffi.runtime.usable:
        return
    sock = None
    try:
        sock = _socket_by_id(userdata)
        if sock is not None:
            sock._on_pipe_event(pipe_id, event)
    except BaseException:  # nothing may unwind into C
        pass
    finally:
        sock = None


_pipe_trampoline_c = _ffi.pipe_cb_t(_pipe_trampoline)  # kept alive here: NNG threads call it


# ---- fork ---------------------------------------------------------------------------------------------------


_contexts: "weakref.WeakSet[Context]" = weakref.WeakSet()

_FORK_MESSAGE = (
    "this pnng object was inherited through fork(); NNG cannot be used in the child "
    "(create sockets after fork, e.g. with multiprocessing's 'spawn' start method)"
)
# What an inherited object still answers in a fork() child: closing it is a no-op.
_FORK_ALLOWED = frozenset(
    (
        "__class__",
        "__dict__",
        "__repr__",
        "__del__",
        "__enter__",
        "__exit__",
        "close",
        "closed",
        "_closed",
        "_h",
        "id",
    )
)
_forked_classes: "Dict[type, type]" = {}


def _forked_class(cls: type) -> type:
    """A subclass of ``cls`` whose instances refuse every use with RuntimeError (NNG would abort
    the child process: "nng is not fork-reentrant safe")."""
    k = _forked_classes.get(cls)
    if k is None:

        def __getattribute__(self: Any, name: str) -> Any:
            if name in _FORK_ALLOWED:
                return object.__getattribute__(self, name)
            raise RuntimeError(_FORK_MESSAGE)

        def __setattr__(self: Any, name: str, value: Any) -> None:
            raise RuntimeError(_FORK_MESSAGE)

        k = _forked_classes[cls] = type(
            cls.__name__,
            (cls,),
            {
                "__getattribute__": __getattribute__,
                "__setattr__": __setattr__,
                "close": lambda self: None,
                "__del__": lambda self: None,
                "closed": property(lambda self: True),
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
            },
        )
    return k


def _disable_after_fork() -> None:
    objs: List[Any] = []
    for ref in list(_sockets.values()):
        sock = ref()
        if sock is None:
            continue
        objs.append(sock)
        for cache in (sock._pipes, sock._live_pipes, sock._dialers, sock._listeners):
            objs.extend(cache.values())
    objs.extend(_contexts)
    for obj in objs:
        if not type(obj).__name__ or type(obj) in _forked_classes.values():
            continue
        object.__setattr__(obj, "_closed", True)  # nothing left to close or finalize
        object.__setattr__(obj, "__class__", _forked_class(type(obj)))


# ---- Message ------------------------------------------------------------------------------------------


_MSG_LOCK = threading.Lock()  # guards every Message's "sent once" check (held only briefly)
_UNRESOLVED = object()  # Message._pipe of a received message until someone asks for it


def _msg_pipe_id(native: int) -> int:
    """The id of the pipe a native message came from (0: none)."""
    st = _io._state
    return st.pipe_out.value if lib.pnng_msg_pipe(native, st.pipe_ref) == 0 else 0


class Message(_Strict):
    """A message: its bytes and the Pipe it came from (or should go to).

    Messages are immutable. ``Message(data)`` copies ``data``; a received message wraps NNG's
    buffer without copying (``bytes`` copies it once, ``buffer`` is a zero-copy read-only
    memoryview). A message can be sent once (pynng's rule): sending it again raises
    MessageStateError.
    """

    _pipe_id: int  # a received message's pipe id (see _adopt)
    _socket: "Socket"  # the socket that received it

    def __init__(self, data: Any, pipe: "Optional[Pipe]" = None) -> None:
        if isinstance(data, str):
            raise ValueError(_io._STR_MESSAGE)
        self._data: Optional[builtins.bytes] = bytes(memoryview(data))
        self._native: Optional[int] = None
        self._pipe: Any = None
        self._sent = False
        self._views = False
        if pipe is not None:
            self.pipe = pipe

    @classmethod
    def _adopt(cls, native: int, socket: "Socket") -> "Message":
        """Wraps a received native message (ownership moves to the Message). The Pipe object is
        made when first asked for (``pipe``); its id is read now, while the message is ours."""
        msg = cls.__new__(cls)
        # Straight into __dict__: _Strict.__setattr__ is a Python call per attribute.
        msg.__dict__.update(
            _native=native,
            _data=None,
            _sent=False,
            _views=False,
            _pipe=_UNRESOLVED,
            _socket=socket,
            _pipe_id=_msg_pipe_id(native),
        )
        return msg

    @property
    def bytes(self) -> bytes:
        """The message body (a copy for received messages, made once)."""
        if self._data is None:
            if self._native is None:
                raise MessageStateError("the message was sent; its body now belongs to NNG")
            if self._views:  # _buffer may have changed it: no cached copy
                return _io.body(self._native)
            self._data = _io.body(self._native)
        return self._data

    @property
    def buffer(self) -> memoryview:
        """A read-only, zero-copy view of the body. It keeps the message alive; a message with
        a view is copied when sent, so the view never dangles."""
        if self._native is None:
            if self._data is None:
                raise MessageStateError("the message was sent; its body now belongs to NNG")
            return memoryview(self._data)
        n = lib.pnng_msg_len(self._native)
        if n == 0:
            return memoryview(b"")
        arr = (ctypes.c_ubyte * n).from_address(lib.pnng_msg_body(self._native))
        arr._owner = self
        self._views = True
        return memoryview(arr).cast("B").toreadonly()

    @property
    def _buffer(self) -> Any:
        """pynng's writable view of the body: indexing gives 1-byte ``bytes``, slices give
        ``bytes``, items can be assigned (``buf[0] = b"x"``), and it supports the buffer
        protocol. It keeps the message alive; sending a message with a view sends a copy."""
        if self._native is None:
            if self._data is None:
                raise MessageStateError("the message was sent; its body now belongs to NNG")
            # A message made from bytes gets its native message now, so writes go to what is sent.
            self._native = _io.new_msg(self._data, len(self._data))
            self._data = None
        n = lib.pnng_msg_len(self._native)
        self._views = True
        if n == 0:
            return (ctypes.c_char * 0)()
        arr = (ctypes.c_char * n).from_address(lib.pnng_msg_body(self._native))
        arr._owner = self
        return arr

    @property
    def header(self) -> "builtins.bytes":
        """The message header (routing data; empty except on raw sockets)."""
        if self._native is None:
            return b""
        n = lib.pnng_msg_header_len(self._native)
        return ctypes.string_at(lib.pnng_msg_header(self._native), n) if n else b""

    @property
    def pipe(self) -> "Optional[Pipe]":
        """The Pipe the message came from; set it to send the message through that pipe only."""
        pipe = self._pipe
        if pipe is _UNRESOLVED:
            pid = self._pipe_id
            pipe = self._pipe = self._socket._pipe_for(pid) if pid else None
        return pipe  # type: ignore[no-any-return]

    @pipe.setter
    def pipe(self, pipe: "Pipe") -> None:
        if not isinstance(pipe, Pipe):
            raise ValueError(f"pipe must be a Pipe, not {type(pipe).__name__}")
        self._pipe = pipe

    def _take_for_send(self) -> int:
        """A native message to hand to NNG (call with _MSG_LOCK held, after checking _sent)."""
        d = self.__dict__
        native = d["_native"]
        if native is not None and not d["_views"]:
            d["_native"] = None
        elif native is not None:
            out = ctypes.c_void_p()
            check_err(lib.pnng_msg_dup(native, byref(out)))
            native = out.value
        else:
            native = _io.new_msg(self._data, len(self._data))  # type: ignore[arg-type]
        pipe = d["_pipe"]
        # An unresolved pipe is the one the native message already carries (a dup keeps it).
        if pipe is not None and pipe is not _UNRESOLVED:
            rc = lib.pnng_msg_set_pipe(native, pipe._h)
            if rc:
                self._give_back(native)
                _raise(rc)
        return native  # type: ignore[no-any-return]

    def _give_back(self, native: int) -> None:
        """An unsent native message returns to the Message (or is freed if it was a copy)."""
        if self._native is None and self._data is None:
            self._native = native
        else:
            lib.pnng_msg_free(native)

    def _claim(self) -> int:
        """Marks the message sent (also while in flight: a KeyboardInterrupt leaves it consumed)
        and returns the native message to send; MessageStateError if it was sent already."""
        with _MSG_LOCK:
            d = self.__dict__
            if d["_sent"]:
                raise MessageStateError("this message was already sent")
            native = self._take_for_send()
            d["_sent"] = True
        return native

    def _unsent(self, native: Optional[int]) -> None:
        with _MSG_LOCK:
            self._sent = False
            if native is not None:
                self._give_back(native)

    def _send_sync(self, sender: Any, block: bool) -> None:
        native = self._claim()
        rc = _io.send_msg(sender, native, block)
        if rc:
            self._unsent(native)
            _raise(rc)

    async def _send_async(self, sender: Any, backend: Optional[str]) -> None:
        start, h = sender._send_aio_fn, sender._h
        fast = sender._nb_now(False)
        if fast:
            kind_ = _async.kind(backend)
            await _async.before_fast(kind_)
        native = self._claim()
        if fast:
            rc = sender._send_msg_fn(h, ctypes.c_void_p(native), FLAG_NONBLOCK)
            if rc != _ffi.EAGAIN:
                if rc:
                    self._unsent(native)
                await _async.after_fast(kind_)
                if rc:
                    _raise(rc)
                return
        rc, left = await _async.run(start, h, native, backend, self._unsent)
        if rc:
            self._unsent(left)
            _raise(rc)

    # Defaults bind what __del__ needs: module globals may be gone at interpreter exit.
    def __del__(self, _rt: Any = _ffi.runtime, _free: Any = lib.pnng_msg_free) -> None:
        native = getattr(self, "_native", None)
        if native and _rt.usable:
            _free(native)

    def __repr__(self) -> str:
        size = len(self._data) if self._data is not None else (lib.pnng_msg_len(self._native) if self._native else 0)
        return f"<Message {size} bytes{' (sent)' if self._sent else ''}>"


# ---- shared sync/async operations -----------------------------------------------------------------------


class _Handle:
    """What _Receiver and _Sender need from their object: a handle, the owning Socket and the
    hooks of the non-blocking fast paths (Socket overrides them)."""

    _h: int
    _owner_socket: Callable[[], "Socket"]  # Socket: itself; _Owned: its socket

    def _trio(self) -> str:
        """The async library operations run under (the owning socket's backend, or sniffio's)."""
        return _async.kind(self._owner_socket()._async_backend)

    # Main-thread blocking send(bytes) / recv() in one call (sockets only, see _io).
    _send_fd_fn: Optional[Callable[..., int]] = None
    _recv_fd_fn: Optional[Callable[..., int]] = None

    def _ready(self, receiving: bool) -> _io.Ready:
        """A readiness probe for the main thread's fast path (sockets have poll descriptors)."""
        return None

    def _nb_first(self, receiving: bool) -> bool:
        """Main thread: may a blocking call start with a non-blocking attempt (see _io)?"""
        return False

    def _nb_now(self, receiving: bool) -> bool:
        """May an async operation try the non-blocking call first (see _io and _async)?"""
        return False


class _Receiver(_Handle):
    """recv/recv_msg/arecv/arecv_msg for objects with a receive-capable handle (Socket, Context)."""

    _recv_fn: Callable[..., int]
    _recv_msg_fn: Callable[..., int]
    _recv_aio_fn: Callable[..., int]

    def recv(self, block: bool = True) -> bytes:
        """Receives the next message's bytes. ``block=False`` raises TryAgain if none is ready;
        a receive timeout raises Timeout. Empty messages give ``b""``."""
        return _io.recv(self, block)

    def recv_msg(self, block: bool = True) -> Message:
        """Receives the next Message (no copy; ``msg.pipe`` tells where it came from)."""
        return Message._adopt(_io.recv_native(self, block), self._owner_socket())

    async def arecv(self) -> bytes:
        """Asynchronously receives the next message's bytes (asyncio or trio)."""
        if self._nb_now(True):
            kind_ = self._trio()
            await _async.before_fast(kind_)
            st = _io._state
            rc = self._recv_fn(self._h, st.buf, st.cap_c, FLAG_NONBLOCK, st.len_ref)
            if rc == 0:
                data = bytes(st.buf[: st.len_out.value])
                await _async.after_fast(kind_)
                return data
            if rc == _ffi.EMSGSIZE:  # too big for the thread's buffer: it stays queued
                rc = self._recv_msg_fn(self._h, FLAG_NONBLOCK, st.msg_ref)
                if rc == 0:
                    data = _io.body_and_free(st.msg_out.value)
                    await _async.after_fast(kind_)
                    return data
            if rc != _ffi.EAGAIN:
                _raise(rc)
        return _io.body_and_free(await self._arecv_native())

    async def arecv_msg(self) -> Message:
        """Asynchronously receives the next Message."""
        if self._nb_now(True):
            kind_ = self._trio()
            await _async.before_fast(kind_)
            st = _io._state
            rc = self._recv_msg_fn(self._h, FLAG_NONBLOCK, st.msg_ref)
            if rc == 0:
                msg = Message._adopt(st.msg_out.value, self._owner_socket())
                await _async.after_fast(kind_)
                return msg
            if rc != _ffi.EAGAIN:
                _raise(rc)
        return Message._adopt(await self._arecv_native(), self._owner_socket())

    async def _arecv_native(self) -> int:
        sock = self._owner_socket()
        rc, msg = await _async.run(self._recv_aio_fn, self._h, None, sock._async_backend)
        if rc:
            if msg is not None:
                lib.pnng_msg_free(msg)
            _raise(rc)
        return msg  # type: ignore[return-value]

    def __aiter__(self: T) -> T:
        return self

    async def __anext__(self) -> bytes:
        """``async for data in sock``: yields received bytes until the socket closes."""
        try:
            return await self.arecv()
        except Closed:
            raise StopAsyncIteration from None


class _Sender(_Handle):
    """send/send_msg/asend/asend_msg for Socket, Context and Pipe."""

    _send_fn: Callable[..., int]
    _send_msg_fn: Callable[..., int]
    _send_aio_fn: Callable[..., int]

    def send(self, data: Any, block: bool = True) -> None:
        """Sends ``data`` (bytes-like; a str raises ValueError). ``block=False`` raises TryAgain
        instead of waiting; a send timeout raises Timeout."""
        _io.send(self, data, block)

    def send_msg(self, msg: Message, block: bool = True) -> None:
        """Sends a Message (once; a second send raises MessageStateError)."""
        if not isinstance(msg, Message):
            raise TypeError(f"msg must be a Message, not {type(msg).__name__}")
        msg._send_sync(self, block)

    async def asend(self, data: Any) -> None:
        """Asynchronously sends ``data`` (asyncio or trio)."""
        ptr, n = _io.as_buffer(data)
        if self._nb_now(False):
            kind_ = self._trio()
            await _async.before_fast(kind_)
            rc = self._send_fn(self._h, ptr, ctypes.c_size_t(n), FLAG_NONBLOCK)
            if rc != _ffi.EAGAIN:
                await _async.after_fast(kind_)
                check_err(rc)
                return
        native = _io.new_msg(ptr, n)
        rc, left = await _async.run(self._send_aio_fn, self._h, native, self._owner_socket()._async_backend)
        if left is not None:
            lib.pnng_msg_free(left)
        check_err(rc)

    async def asend_msg(self, msg: Message) -> None:
        """Asynchronously sends a Message."""
        if not isinstance(msg, Message):
            raise TypeError(f"msg must be a Message, not {type(msg).__name__}")
        await msg._send_async(self, self._owner_socket()._async_backend)


# ---- Pipe -------------------------------------------------------------------------------------------------


class Pipe(_Sender, _Connected):
    """One connection between this socket and a peer. Not created by users: sockets make them
    (``Socket.pipes``, ``Message.pipe``, pipe callbacks). The same connection is always the same
    Pipe object while anyone holds it."""

    _opt_prefix = "pipe"
    _send_fn = staticmethod(_ffi.fast.pipe_send)
    _send_msg_fn = staticmethod(_ffi.fast.pipe_send_msg)
    _send_aio_fn = staticmethod(lib.pnng_pipe_send_aio)

    protocol = IntOption("protocol", readonly=True)
    protocol_name = StringOption("protocol-name", readonly=True)
    tcp_nodelay = BooleanOption("tcp-nodelay", readonly=True)
    tcp_keepalive = BooleanOption("tcp-keepalive", readonly=True)
    tls_verified = BooleanOption("tls-verified", readonly=True)
    tls_peer_cn = StringOption("tls-peer-cn", readonly=True)

    def __init__(self, socket: "Socket", pipe_id: int) -> None:
        d = self.__dict__
        d["_sockref"] = weakref.ref(socket)
        d["_h"] = pipe_id
        d["_closed"] = False

    @property
    def pipe(self) -> RawHandle:
        """The raw ``pnng_pipe`` handle (its id)."""
        return RawHandle(self._h)

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called on this Pipe."""
        return self._closed

    def _endpoint_id(self, fn: Callable[..., int], what: str) -> int:
        out = ctypes.c_uint32()
        if fn(self._h, byref(out)) != 0 or not out.value:
            raise TypeError(f"This pipe has no associated {what}.")
        return out.value

    @property
    def dialer(self) -> "Dialer":
        """The Dialer that made this connection (TypeError if it was accepted by a listener)."""
        return self._socket._dialer_for(self._endpoint_id(lib.pnng_pipe_dialer, "dialers"))

    @property
    def listener(self) -> "Listener":
        """The Listener that accepted this connection (TypeError if it was dialed)."""
        return self._socket._listener_for(self._endpoint_id(lib.pnng_pipe_listener, "listeners"))

    def send_msg(self, msg: Message, block: bool = True) -> None:
        """Sends a Message to this pipe's peer only."""
        if isinstance(msg, Message):
            msg.pipe = self
        super().send_msg(msg, block)

    async def asend_msg(self, msg: Message) -> None:
        """Asynchronously sends a Message to this pipe's peer only."""
        if isinstance(msg, Message):
            msg.pipe = self
        await super().asend_msg(msg)

    def close(self) -> None:
        """Closes the connection (in a pre-connect callback: rejects it). Harmless if already closed."""
        self._closed = True
        sock = self._sockref()
        if sock is not None and self._h in sock._vetting:
            # Rejected by a pre-connect callback: mark it before NNG can report its removal
            # (on another thread), so no post-connect/remove callback sees it.
            sock._rejected.add(self._h)
        _check_close(lib.pnng_pipe_close(self._h))

    def __repr__(self) -> str:
        return f"<Pipe {self._h} of {self._socket!r}>"


# ---- Dialer / Listener ------------------------------------------------------------------------------------


class _Endpoint(_Closeable, _Connected):
    _opt_prefix = ""
    _close_fn: Callable[[int], int]

    recv_max_size = SizeOption("recv-size-max")
    reconnect_time_min = MsOption("reconnect-time-min")
    reconnect_time_max = MsOption("reconnect-time-max")
    tcp_nodelay = BooleanOption("tcp-nodelay")
    tcp_keepalive = BooleanOption("tcp-keepalive")
    tls_config = PointerOption("tls-config")
    tls_ca_file = StringOption("tls-ca-file", writeonly=True)
    tls_cert_key_file = StringOption("tls-cert-key-file", writeonly=True)
    tls_auth_mode = IntOption("tls-authmode", writeonly=True)
    tls_server_name = StringOption("tls-server-name", writeonly=True)

    def __init__(self, socket: "Socket", endpoint_id: int) -> None:
        d = self.__dict__
        d["_sockref"] = weakref.ref(socket)
        d["_h"] = endpoint_id

    def close(self) -> None:
        """Closes the endpoint and its connections. Closing twice is harmless."""
        rc = type(self)._close_fn(self._h)
        sock = self._sockref()
        if sock is not None:
            sock._forget_endpoint(self)
        _check_close(rc)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._h} of {self._socket!r}>"


class Dialer(_Endpoint):
    """An outgoing endpoint, from ``Socket.dial()`` (listed in ``Socket.dialers``)."""

    _opt_prefix = "dialer"
    _close_fn = staticmethod(lib.pnng_dialer_close)

    @property
    def dialer(self) -> RawHandle:
        """The raw ``pnng_dialer`` handle (its id)."""
        return RawHandle(self._h)

    def start(self, block: Optional[bool] = None) -> None:
        """Starts a dialer made with ``Socket.new_dialer()``; ``block`` as in ``Socket.dial``."""
        # block=None is libpnng's PNNG_DIAL_FALLBACK, as for Socket.dial.
        flags = DIAL_FALLBACK if block is None else 0 if block else FLAG_NONBLOCK
        _check_endpoint(lib.pnng_dialer_start(self._h, flags), "dial", self.url)


class Listener(_Endpoint):
    """An accepting endpoint, from ``Socket.listen()`` (listed in ``Socket.listeners``)."""

    _opt_prefix = "listener"
    _close_fn = staticmethod(lib.pnng_listener_close)

    port = IntOption(
        "tcp-bound-port", readonly=True, doc="The TCP port actually bound (e.g. after listening on port 0)."
    )
    ipc_permissions = IntOption("ipc:permissions", doc="File mode of an ipc:// socket; set it before start().")
    tcp_listen_backlog = IntOption(
        "tcp-listen-backlog", doc="Length of a tcp:// listener's accept queue (default: the system's limit)."
    )

    @property
    def listener(self) -> RawHandle:
        """The raw ``pnng_listener`` handle (its id)."""
        return RawHandle(self._h)

    def start(self) -> None:
        """Starts a listener made with ``Socket.new_listener()``."""
        _check_endpoint(lib.pnng_listener_start(self._h, 0), "listen", self.url)


# ---- Context ------------------------------------------------------------------------------------------------


class Context(_Receiver, _Sender, _Closeable, _Owned):
    """An independent protocol state on a socket (Req0, Rep0, Sub0, Surveyor0, Respondent0), so one
    socket can run several exchanges at once. Made by ``Socket.new_context()``."""

    _opt_prefix = "ctx"
    _send_fn = staticmethod(_ffi.fast.ctx_send)
    _send_msg_fn = staticmethod(_ffi.fast.ctx_send_msg)
    _send_aio_fn = staticmethod(lib.pnng_ctx_send_aio)
    _recv_fn = staticmethod(_ffi.fast.ctx_recv)
    _recv_msg_fn = staticmethod(_ffi.fast.ctx_recv_msg)
    _recv_aio_fn = staticmethod(lib.pnng_ctx_recv_aio)

    recv_timeout = MsOption("recv-timeout")
    send_timeout = MsOption("send-timeout")

    def __init__(self, socket: "Socket") -> None:
        if not isinstance(socket, Socket):
            raise TypeError(f"socket must be a Socket, not {type(socket).__name__}")
        self._closed = True
        h = _new_id(lib.pnng_socket_new_context, socket._h)
        self._socket = socket
        self._h = h
        self._closed = False
        _contexts.add(self)

    @property
    def context(self) -> RawHandle:
        """The raw ``pnng_ctx`` handle (its id)."""
        return RawHandle(self._h)

    @property
    def closed(self) -> bool:
        """True once the context was closed."""
        return self._closed

    def subscribe(self, topic: Union[str, bytes]) -> None:
        """Sub0 contexts: subscribe this context to ``topic`` (str is UTF-8 encoded)."""
        _topic_call(lib.pnng_sub0_ctx_subscribe, self._h, topic)

    def unsubscribe(self, topic: Union[str, bytes]) -> None:
        """Sub0 contexts: remove a subscription (NoEntry if there was none)."""
        _topic_call(lib.pnng_sub0_ctx_unsubscribe, self._h, topic)

    def close(self) -> None:
        """Closes the context; pending operations end with Closed. Closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        if _ffi.runtime.usable:
            _check_close(lib.pnng_ctx_close(self._h))

    def __del__(self, _rt: Any = _ffi.runtime, _close: Any = lib.pnng_ctx_close) -> None:
        if not getattr(self, "_closed", True):
            self._closed = True
            if _rt.usable:
                _close(self._h)


def _topic_call(fn: Callable[..., int], h: int, topic: Union[str, bytes]) -> None:
    """(Un)subscribes handle ``h`` with ``fn(h, data, len)``; a str topic is UTF-8 encoded in full
    (pynng 0.9.0 used the str's length and truncated non-ASCII topics)."""
    data = topic.encode() if isinstance(topic, str) else bytes(memoryview(topic))
    check_err(fn(h, data, len(data)))


# ---- Socket --------------------------------------------------------------------------------------------------


class Socket(_Receiver, _Sender, _Closeable, _Strict):
    """A socket of one of the scalability protocols. Never instantiated directly: use one of
    Pair0, Pair1, Req0, Rep0, Pub0, Sub0, Push0, Pull0, Surveyor0, Respondent0, Bus0 (or pass
    ``opener=``, e.g. ``pnng.lib.nng_pair0_open_raw``).

    All arguments are keyword-only. Options are applied in pynng's order, then ``listen``, then
    ``dial`` (with ``block=block_on_dial``). If that fails the socket is closed before the error
    propagates. ``async_backend`` forces "asyncio" or "trio" instead of detecting it.
    """

    _opt_prefix = "socket"
    _protocol: Optional[str] = None  # e.g. "pair0": opens with pnng_pair0_open
    _protocol_kwargs: Dict[str, Any] = {}  # extra keyword arguments of the protocol → default

    _send_fn = staticmethod(_ffi.fast.socket_send)
    _send_msg_fn = staticmethod(_ffi.fast.socket_send_msg)
    _send_aio_fn = staticmethod(lib.pnng_socket_send_aio)
    _recv_fn = staticmethod(_ffi.fast.socket_recv)
    _recv_msg_fn = staticmethod(_ffi.fast.socket_recv_msg)
    _recv_aio_fn = staticmethod(lib.pnng_socket_recv_aio)
    _send_fd_fn = staticmethod(_ffi.fast.socket_send_fd)
    _recv_fd_fn = staticmethod(_ffi.fast.socket_recv_fd)

    name = StringOption("socket-name", doc="The socket's name (defaults to its id).")
    raw = BooleanOption("raw", readonly=True, doc="True for a raw socket (opened with an ``*_open_raw`` opener).")
    protocol = IntOption("protocol", readonly=True, doc="The 16-bit protocol number.")
    protocol_name = StringOption("protocol-name", readonly=True, doc="The protocol's name.")
    peer = IntOption("peer", readonly=True, doc="The peer's protocol number.")
    peer_name = StringOption("peer-name", readonly=True, doc="The peer protocol's name.")
    recv_buffer_size = IntOption("recv-buffer", doc="Messages buffered on receive.")
    send_buffer_size = IntOption("send-buffer", doc="Messages buffered on send.")
    recv_timeout = MsOption("recv-timeout", doc="Receive timeout in ms (-1: none); expiry raises Timeout.")
    send_timeout = MsOption("send-timeout", doc="Send timeout in ms (-1: none); expiry raises Timeout.")
    recv_max_size = SizeOption("recv-size-max", doc="Largest message accepted; larger ones are dropped (0: no limit).")
    reconnect_time_min = MsOption("reconnect-time-min", doc="Minimum wait before a reconnect, in ms.")
    reconnect_time_max = MsOption("reconnect-time-max", doc="Maximum wait between reconnects, in ms (0: no backoff).")
    ttl_max = IntOption("ttl-max", doc="Maximum hops for protocols that forward (NotSupported elsewhere).")
    recv_fd = IntOption(
        "recv-fd", readonly=True, doc="A file descriptor readable when recv() would not block (poll only)."
    )
    send_fd = IntOption(
        "send-fd", readonly=True, doc="A file descriptor readable when send() would not block (poll only)."
    )
    tcp_nodelay = BooleanOption("tcp-nodelay")
    tcp_keepalive = BooleanOption("tcp-keepalive")
    tcp_listen_backlog = IntOption(
        "tcp-listen-backlog", doc="Accept queue length of tcp:// listeners started later (default: the system's limit)."
    )
    tls_config = PointerOption("tls-config", doc="Write-only: the TLSConfig for tls+tcp:// and wss:// endpoints.")
    local_address = SockAddrOption("local-address")

    def __init__(
        self,
        *,
        dial: Optional[Address] = None,
        listen: Optional[Address] = None,
        recv_timeout: Optional[int] = None,
        send_timeout: Optional[int] = None,
        recv_buffer_size: Optional[int] = None,
        send_buffer_size: Optional[int] = None,
        recv_max_size: Optional[int] = None,
        reconnect_time_min: Optional[int] = None,
        reconnect_time_max: Optional[int] = None,
        opener: Optional[Callable[[Any], int]] = None,
        block_on_dial: Optional[bool] = None,
        name: Optional[str] = None,
        tls_config: Optional[TLSConfig] = None,
        async_backend: Optional[str] = None,
        **protocol_kwargs: Any,
    ) -> None:
        self._closed = True  # until opened, so __del__ has nothing to do
        extras = {key: protocol_kwargs.pop(key, default) for key, default in type(self)._protocol_kwargs.items()}
        if protocol_kwargs:
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument {next(iter(protocol_kwargs))!r}"
            )
        opener = opener if opener is not None else self._default_opener(extras)
        if opener is None:
            raise TypeError("Cannot directly instantiate a Socket.  Try a subclass.")
        _ffi.require_usable()
        self._h = _new_id(opener)
        self._closed = False
        self._async_backend = async_backend
        self._lock = threading.Lock()
        # Pipe objects: every one handed out (weakly), and those of live connections (strongly,
        # from their first event to their removal), so a pipe stays one object while it lives.
        self._pipes: "weakref.WeakValueDictionary[int, Pipe]" = weakref.WeakValueDictionary()
        self._live_pipes: Dict[int, Pipe] = {}
        self._dialers: Dict[int, Dialer] = {}
        self._listeners: Dict[int, Listener] = {}
        self._pre_connect_cbs: List[PipeCallback] = []
        self._post_connect_cbs: List[PipeCallback] = []
        self._post_remove_cbs: List[PipeCallback] = []
        self._vetting: Set[int] = set()  # pipes whose pre-connect callbacks run now
        self._rejected: Set[int] = set()  # pipes closed by a pre-connect callback
        self._cb_cond = threading.Condition(threading.Lock())
        self._cb_running = 0  # pipe events being handled now (close waits for them)
        self._stash: List[int] = []  # native messages taken by recv_into that did not fit
        self._probes: Dict[bool, _io.Ready] = {}  # receiving? → readiness probe (or None)
        self._send_nb: Optional[bool] = None  # _nb_first(False), once known
        _sockets[self._h] = weakref.ref(self, functools.partial(_forget_socket, self._h))
        try:
            for event in (PIPE_EV_ADD_PRE, PIPE_EV_ADD_POST, PIPE_EV_REM_POST):
                check_err(lib.pnng_socket_pipe_notify(self._h, event, _pipe_trampoline_c, ctypes.c_void_p(self._h)))
            settings = [
                ("tls_config", tls_config),
                ("recv_timeout", recv_timeout),
                ("send_timeout", send_timeout),
                ("recv_max_size", recv_max_size),
                ("reconnect_time_min", reconnect_time_min),
                ("reconnect_time_max", reconnect_time_max),
                ("recv_buffer_size", recv_buffer_size),
                ("send_buffer_size", send_buffer_size),
                ("name", name),
            ]
            for attr, value in settings:
                if value is not None:
                    setattr(self, attr, value)
            self._apply_protocol_kwargs(extras)
            if listen is not None:
                self.listen(listen)
            if dial is not None:
                self.dial(dial, block=block_on_dial)
        except BaseException:
            self.close()
            raise

    # -- protocol hooks (overridden by protocol classes) --

    @classmethod
    def _default_opener(cls, extras: Dict[str, Any]) -> Optional[Callable[[Any], int]]:
        # pynng's way of subclassing: ``class My(Socket): _opener = pnng.lib.nng_pair0_open``.
        opener = cls.__dict__.get("_opener") or next(
            (k.__dict__["_opener"] for k in cls.__mro__ if k.__dict__.get("_opener")), None
        )
        if opener is not None:
            return opener  # type: ignore[no-any-return]
        return getattr(lib, f"pnng_{cls._protocol}_open") if cls._protocol else None

    def _apply_protocol_kwargs(self, extras: Dict[str, Any]) -> None:
        for key, value in extras.items():
            if value is not None:
                setattr(self, key, value)

    def _owner_socket(self) -> "Socket":
        return self

    def _ready(self, receiving: bool) -> _io.Ready:
        probe: Any = self._probes.get(receiving, False)
        if probe is False:
            fd = ctypes.c_int()
            option = b"recv-fd" if receiving else b"send-fd"
            ok = lib.pnng_socket_get_int(self._h, option, byref(fd)) == 0
            probe = self._probes[receiving] = functools.partial(_io.fd_ready, fd.value) if ok else None
        return probe  # type: ignore[no-any-return]

    def _nb_now(self, receiving: bool) -> bool:
        if receiving and self._stash:
            return False  # recv_into's stash comes first (_arecv_native)
        if self._nb_first(receiving):
            return True
        probe = self._ready(receiving)
        return probe is not None and probe()

    def _nb_first(self, receiving: bool) -> bool:
        if receiving:
            return True
        nb = self._send_nb
        if nb is None:
            val = ctypes.c_int()
            rc = lib.pnng_socket_get_int(self._h, b"protocol", byref(val))
            nb = self._send_nb = rc == 0 and val.value not in (_REP0, _RESPONDENT0)
        return nb

    # -- identity --

    @property
    def socket(self) -> RawHandle:
        """The raw ``pnng_socket`` handle (its id)."""
        return RawHandle(self._h)

    @property
    def id(self) -> int:
        """The socket's id (NNG's socket number)."""
        return self._h

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._closed

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._h}{' closed' if self._closed else ''}>"

    # -- endpoints --

    def dial(self, address: Address, *, block: Optional[bool] = None) -> Dialer:
        """Dials ``address``. ``block=True``: connect now or raise. ``block=False``: connect in
        the background, retrying. ``None`` (default): try to connect now; if the peer is not
        there, log one warning (logger "pnng") and go on in the background."""
        url = _url(address)
        out = ctypes.c_uint32()
        # block=None is libpnng's PNNG_DIAL_FALLBACK (its warning reaches the "pnng" logger).
        flags = DIAL_FALLBACK if block is None else 0 if block else FLAG_NONBLOCK
        _check_endpoint(lib.pnng_socket_dial(self._h, url, flags, byref(out)), "dial", url)
        return self._dialer_for(out.value)

    def _dial(self, address: Address, flags: int = 0) -> Dialer:
        """pynng's private dial with NNG flags: ``NNG_FLAG_NONBLOCK`` dials in the background."""
        return self.dial(address, block=not (_int_flags(flags) & FLAG_NONBLOCK))

    def listen(self, address: Address, flags: int = 0) -> Listener:
        """Listens at ``address`` and returns the started Listener. ``flags`` is accepted for
        pynng's sake (NNG's listen ignores it)."""
        _int_flags(flags)
        url, out = _url(address), ctypes.c_uint32()
        _check_endpoint(lib.pnng_socket_listen(self._h, url, 0, byref(out)), "listen", url)
        return self._listener_for(out.value)

    def new_dialer(self, address: Address) -> Dialer:
        """A Dialer that is not started yet: set its options, then call ``start()``."""
        url, out = _url(address), ctypes.c_uint32()
        _check_endpoint(lib.pnng_dialer_create(self._h, url, byref(out)), "dial", url)
        return self._dialer_for(out.value)

    def new_listener(self, address: Address) -> Listener:
        """A Listener that is not started yet (e.g. to set ``ipc_permissions``): then ``start()``."""
        url, out = _url(address), ctypes.c_uint32()
        _check_endpoint(lib.pnng_listener_create(self._h, url, byref(out)), "listen", url)
        return self._listener_for(out.value)

    def _cached(self, cache: Any, oid: int, make: Callable[[], T]) -> T:
        with self._lock:
            obj: Optional[T] = cache.get(oid)
            if obj is None:
                obj = cache[oid] = make()
            return obj

    def _pipe_for(self, pipe_id: int) -> Pipe:
        return self._cached(self._pipes, pipe_id, lambda: Pipe(self, pipe_id))

    def _dialer_for(self, dialer_id: int) -> Dialer:
        return self._cached(self._dialers, dialer_id, lambda: Dialer(self, dialer_id))

    def _listener_for(self, listener_id: int) -> Listener:
        return self._cached(self._listeners, listener_id, lambda: Listener(self, listener_id))

    def _listed(self, fn: Callable[..., int], make: Callable[[int], T]) -> Tuple[T, ...]:
        """The objects for the ids ``fn`` lists (empty once closed)."""
        if self._closed:
            return ()
        return tuple(make(i) for i in _list_ids(fn, self._h))

    def _forget_endpoint(self, endpoint: "_Endpoint") -> None:
        cache: Any = self._dialers if isinstance(endpoint, Dialer) else self._listeners
        with self._lock:
            if cache.get(endpoint._h) is endpoint:
                del cache[endpoint._h]

    @property
    def pipes(self) -> Tuple[Pipe, ...]:
        """The live connections (empty once closed), each started by the protocol: a message
        sent once ``n`` are listed can reach all ``n`` peers. Inside a pre-connect callback, the
        pipe being vetted is one of them (as in pynng)."""
        # libpnng lists a pipe once the protocol has started it (as its post-connect callbacks begin).
        listed = self._listed(lib.pnng_socket_pipes, self._pipe_for)
        vetting = [p for p in tuple(self._vetting) if p not in self._rejected]
        if not vetting or self._closed:
            return listed
        ids = {p._h for p in listed}
        return listed + tuple(self._pipe_for(p) for p in vetting if p not in ids)

    @property
    def dialers(self) -> Tuple[Dialer, ...]:
        """The open dialers."""
        return self._listed(lib.pnng_socket_dialers, self._dialer_for)

    @property
    def listeners(self) -> Tuple[Listener, ...]:
        """The open listeners."""
        return self._listed(lib.pnng_socket_listeners, self._listener_for)

    def new_context(self) -> Context:
        """A new Context (NotSupported for protocols without contexts)."""
        return Context(self)

    # -- receive paths that must see messages stashed by recv_into --

    def recv(self, block: bool = True) -> bytes:
        if self._stash:
            native = self._unstash()
            if native is not None:
                return _io.body_and_free(native)
        return _io.recv(self, block)

    recv.__doc__ = _Receiver.recv.__doc__

    def recv_msg(self, block: bool = True) -> Message:
        if self._stash:
            native = self._unstash()
            if native is not None:
                return Message._adopt(native, self)
        return Message._adopt(_io.recv_native(self, block), self)

    recv_msg.__doc__ = _Receiver.recv_msg.__doc__

    async def _arecv_native(self) -> int:
        if self._stash:
            native = self._unstash()
            if native is not None:
                return native
        return await super()._arecv_native()

    def _unstash(self) -> Optional[int]:
        with self._lock:
            return self._stash.pop(0) if self._stash else None

    def recv_into(self, buffer: Any, block: bool = True) -> int:
        """Receives the next message into ``buffer`` (a writable bytes-like object) and returns
        its length. A message larger than the buffer raises MessageTooLarge and stays queued:
        the next receive returns it."""
        target, cap = _io.writable_buffer(buffer)
        native = self._unstash() if self._stash else None
        if native is None:
            # Main thread: a non-blocking attempt, then the aio (see _io).
            flags = FLAG_NONBLOCK if not block or _io._in_main_thread() else 0
            rc, n = _io.recv_into_once(self._h, target, cap, flags, self._recv_fn)
            if rc == 0:
                return n
            if rc == _ffi.EMSGSIZE:
                _raise(rc, f"message of {n} bytes does not fit in {cap}")
            if rc != _ffi.EAGAIN or not block:
                _raise(rc)
            native = _io.recv_on_aio(self._h, self._recv_aio_fn)
        n = lib.pnng_msg_len(native)
        if n > cap:
            with self._lock:
                self._stash.insert(0, native)
            _raise(_ffi.EMSGSIZE, f"message of {n} bytes does not fit in {cap}")
        ctypes.memmove(target, lib.pnng_msg_body(native), n)
        lib.pnng_msg_free(native)
        return n

    # -- pipe callbacks --

    def add_pre_pipe_connect_cb(self, callback: PipeCallback) -> None:
        """``callback(pipe)`` runs when a connection is made, before it is used; closing the
        pipe there rejects the connection. It runs on an NNG thread (as in pynng)."""
        self._pre_connect_cbs.append(callback)

    def add_post_pipe_connect_cb(self, callback: PipeCallback) -> None:
        """``callback(pipe)`` runs after a connection was added, on an NNG thread, before a
        blocking dial that made it returns."""
        self._post_connect_cbs.append(callback)

    def add_post_pipe_remove_cb(self, callback: PipeCallback) -> None:
        """``callback(pipe)`` runs after a connection was removed (on an NNG thread)."""
        self._post_remove_cbs.append(callback)

    def remove_pre_pipe_connect_cb(self, callback: PipeCallback) -> None:
        """Removes a callback (ValueError if it is not registered)."""
        self._pre_connect_cbs.remove(callback)

    def remove_post_pipe_connect_cb(self, callback: PipeCallback) -> None:
        """Removes a callback (ValueError if it is not registered)."""
        self._post_connect_cbs.remove(callback)

    def remove_post_pipe_remove_cb(self, callback: PipeCallback) -> None:
        """Removes a callback (ValueError if it is not registered)."""
        self._post_remove_cbs.remove(callback)

    def _on_pipe_event(self, pipe_id: int, event: int) -> None:
        """One pipe event, on the NNG thread that reports it (see "pipe events" above)."""
        cond = self._cb_cond
        with cond:
            if self._closed:
                return
            self._cb_running += 1
        active = getattr(_callback_thread, "sockets", None)
        if active is None:
            active = _callback_thread.sockets = []
        active.append(self._h)
        try:
            if event == PIPE_EV_ADD_PRE:
                pipe = self._pipe_for(pipe_id)
                self._live_pipes[pipe_id] = pipe
                self._vetting.add(pipe_id)
                try:
                    self._run_callbacks(self._pre_connect_cbs, pipe, "pre pipe connect")
                finally:
                    self._vetting.discard(pipe_id)
                if pipe._closed:  # rejected (Pipe.close marked it in _rejected)
                    self._live_pipes.pop(pipe_id, None)
            elif pipe_id in self._rejected:
                if event == PIPE_EV_REM_POST:
                    self._rejected.discard(pipe_id)
                    self._live_pipes.pop(pipe_id, None)
            elif event == PIPE_EV_ADD_POST:
                pipe = self._live_pipes.get(pipe_id) or self._pipe_for(pipe_id)
                self._live_pipes[pipe_id] = pipe
                self._run_callbacks(self._post_connect_cbs, pipe, "post pipe connect")
            elif event == PIPE_EV_REM_POST:
                pipe = self._live_pipes.get(pipe_id) or self._pipe_for(pipe_id)
                try:
                    self._run_callbacks(self._post_remove_cbs, pipe, "post pipe remove")
                finally:
                    self._live_pipes.pop(pipe_id, None)
        finally:
            active.pop()
            with cond:
                self._cb_running -= 1
                if not self._cb_running:
                    cond.notify_all()

    @staticmethod
    def _run_callbacks(callbacks: List[PipeCallback], pipe: Pipe, what: str) -> None:
        for cb in list(callbacks):
            try:
                cb(pipe)
            except Exception:
                logger.exception("Exception in %s callback %r", what, cb)

    # -- lifecycle --

    def close(self) -> None:
        """Closes the socket: blocked and pending operations end with Closed; its dialers,
        listeners, pipes and contexts close too. Closing twice is harmless."""
        cond = self._cb_cond
        with cond:
            if self._closed:
                return
            self._closed = True  # no pipe callback starts from now on
        with self._lock:
            stash, self._stash = self._stash, []
        if not _ffi.runtime.usable:
            return
        for native in stash:
            lib.pnng_msg_free(native)
        if _in_pipe_callback():
            # On an NNG thread: NNG's close would wait for this very callback.
            _close_later(functools.partial(lib.pnng_socket_close, self._h))
            if not _in_pipe_callback(self._h):
                self._wait_callbacks()
            self._live_pipes.clear()
            return
        rc = lib.pnng_socket_close(self._h)
        self._wait_callbacks()
        with self._lock:
            self._live_pipes.clear()
            self._dialers.clear()
            self._listeners.clear()
        _check_close(rc)

    def _wait_callbacks(self) -> None:
        """Waits until none of this socket's pipe callbacks runs (they cannot start again)."""
        cond = self._cb_cond
        with cond:
            while self._cb_running:
                cond.wait()

    def __del__(self, _rt: Any = _ffi.runtime) -> None:
        if not getattr(self, "_closed", True) and _rt.usable:
            try:
                self.close()
            except Exception:
                pass


# ---- the 11 protocols --------------------------------------------------------------------------------------


class Pair0(Socket):
    """Bidirectional one-to-one socket (nng_pair0)."""

    _protocol = "pair0"


class Pair1(Socket):
    """Bidirectional socket (nng_pair1); ``Pair1(polyamorous=True)`` talks to many peers: receive
    with ``recv_msg`` and answer through ``msg.pipe.send``. ``polyamorous`` is read-only."""

    _protocol = "pair1"
    _protocol_kwargs = {"polyamorous": False}
    polyamorous = BooleanOption("pair1:polyamorous", readonly=True)

    @classmethod
    def _default_opener(cls, extras: Dict[str, Any]) -> Optional[Callable[[Any], int]]:
        return cast(
            Callable[[Any], int], lib.pnng_pair1_open_poly if extras.get("polyamorous") else lib.pnng_pair1_open
        )

    def _apply_protocol_kwargs(self, extras: Dict[str, Any]) -> None:
        pass  # polyamorous only chose the opener


class Req0(Socket):
    """Request side of request/reply (nng_req0). ``resend_time`` (ms) re-sends an unanswered
    request. Supports contexts for concurrent requests."""

    _protocol = "req0"
    _protocol_kwargs = {"resend_time": None}
    resend_time = MsOption("req:resend-time")


class Rep0(Socket):
    """Reply side of request/reply (nng_rep0). Supports contexts."""

    _protocol = "rep0"


class Pub0(Socket):
    """Publishing side of publish/subscribe (nng_pub0); recv raises NotSupported."""

    _protocol = "pub0"


class Sub0(Socket):
    """Subscribing side of publish/subscribe (nng_sub0). ``topics`` (str, bytes or an iterable
    of them) are subscribed at creation; without a subscription nothing is received, ``b""``
    matches everything. A str topic is UTF-8 encoded in full."""

    _protocol = "sub0"
    _protocol_kwargs = {"topics": None}

    def _apply_protocol_kwargs(self, extras: Dict[str, Any]) -> None:
        topics = extras.get("topics")
        if topics is None:
            return
        if isinstance(topics, (str, bytes)):
            topics = [topics]
        for topic in topics:
            self.subscribe(topic)

    def subscribe(self, topic: Union[str, bytes]) -> None:
        """Receive messages starting with ``topic`` (str is UTF-8 encoded)."""
        _topic_call(lib.pnng_sub0_subscribe, self._h, topic)

    def unsubscribe(self, topic: Union[str, bytes]) -> None:
        """Remove a subscription (NoEntry if there was none)."""
        _topic_call(lib.pnng_sub0_unsubscribe, self._h, topic)


class Push0(Socket):
    """Sending end of a pipeline (nng_push0): each message goes to one Pull0."""

    _protocol = "push0"


class Pull0(Socket):
    """Receiving end of a pipeline (nng_pull0)."""

    _protocol = "pull0"


class Surveyor0(Socket):
    """Asking side of a survey (nng_surveyor0). ``survey_time`` (ms) is how long replies are
    accepted; after it recv raises Timeout."""

    _protocol = "surveyor0"
    _protocol_kwargs = {"survey_time": None}
    survey_time = MsOption("surveyor:survey-time")


class Respondent0(Socket):
    """Answering side of a survey (nng_respondent0)."""

    _protocol = "respondent0"


class Bus0(Socket):
    """Many-to-many bus (nng_bus0): a message goes to every directly connected peer."""

    _protocol = "bus0"


PROTOCOL_CLASSES: Tuple[Type[Socket], ...] = (
    Pair0,
    Pair1,
    Req0,
    Rep0,
    Pub0,
    Sub0,
    Push0,
    Pull0,
    Surveyor0,
    Respondent0,
    Bus0,
)


def device(sock1: Socket, sock2: Socket) -> None:
    """Forwards messages between two raw sockets until one of them closes (blocks; run it in a
    thread). Closed ends it quietly."""
    rc = lib.pnng_device(sock1._h, sock2._h)
    if rc not in (0, ECLOSED):
        raise exception_for(rc)
