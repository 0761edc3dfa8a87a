"""Loading libpnng and declaring its C functions (once, at import).

Handles (``pnng_socket``, ``pnng_dialer``, ``pnng_listener``, ``pnng_pipe``, ``pnng_ctx``) are C
structs holding one ``uint32_t``. Every supported ABI (x86-64 SysV and Windows, AArch64) passes
such a struct exactly like a plain ``uint32_t``, so they are declared as ``c_uint32`` here: a
call then takes a Python int directly, with no struct object built per call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pathlib
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_int,
    c_int32,
    c_size_t,
    c_uint8,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)
from typing import Any, Callable, List, Optional, Tuple, cast

# ---- constants (pnng.h) ------------------------------------------------------------------------

FLAG_NONBLOCK = 2
DIAL_FALLBACK = 0x10000
DURATION_INFINITE = -1
DURATION_DEFAULT = -2

PIPE_EV_ADD_PRE = 0
PIPE_EV_ADD_POST = 1
PIPE_EV_REM_POST = 2

AF_UNSPEC = 0
AF_INPROC = 1
AF_IPC = 2
AF_INET = 3
AF_INET6 = 4
AF_ZT = 5
AF_ABSTRACT = 6
MAXADDRLEN = 128

TLS_MODE_CLIENT = 0
TLS_MODE_SERVER = 1
TLS_AUTH_MODE_NONE = 0
TLS_AUTH_MODE_OPTIONAL = 1
TLS_AUTH_MODE_REQUIRED = 2

LOG_ERR = 3
LOG_WARN = 4
LOG_NOTICE = 5
LOG_INFO = 6
LOG_DEBUG = 7

EINTR = 1
EINVAL = 3
EBUSY = 4
ETIMEDOUT = 5
ECONNREFUSED = 6
ECLOSED = 7
EAGAIN = 8
ENOTSUP = 9
ENOENT = 12
EUNREACHABLE = 14
EMSGSIZE = 17
ECONNABORTED = 18
ECONNRESET = 19
ECANCELED = 20
EREADONLY = 24
EWRITEONLY = 25
EBADTYPE = 30
ECONNSHUT = 31
ECRYPTO = 26
EINTERNAL = 1000
ESYSERR = 0x10000000
ETRANERR = 0x20000000

# NNG's constants as pynng's ``lib`` exposes them (``NNG_<name>``); the values are NNG's (and
# pnng.h's): tests/test_pynng_compat.py checks them against both headers.
NNG_CONSTANTS = {
    "FLAG_ALLOC": 1,
    "FLAG_NONBLOCK": FLAG_NONBLOCK,
    "EINTR": 1,
    "ENOMEM": 2,
    "EINVAL": 3,
    "EBUSY": 4,
    "ETIMEDOUT": 5,
    "ECONNREFUSED": 6,
    "ECLOSED": 7,
    "EAGAIN": 8,
    "ENOTSUP": 9,
    "EADDRINUSE": 10,
    "ESTATE": 11,
    "ENOENT": 12,
    "EPROTO": 13,
    "EUNREACHABLE": 14,
    "EADDRINVAL": 15,
    "EPERM": 16,
    "EMSGSIZE": 17,
    "ECONNABORTED": 18,
    "ECONNRESET": 19,
    "ECANCELED": 20,
    "ENOFILES": 21,
    "ENOSPC": 22,
    "EEXIST": 23,
    "EREADONLY": 24,
    "EWRITEONLY": 25,
    "ECRYPTO": 26,
    "EPEERAUTH": 27,
    "ENOARG": 28,
    "EAMBIGUOUS": 29,
    "EBADTYPE": 30,
    "ECONNSHUT": 31,
    "EINTERNAL": 1000,
    "ESYSERR": 0x10000000,
    "ETRANERR": 0x20000000,
    "AF_UNSPEC": 0,
    "AF_INPROC": 1,
    "AF_IPC": 2,
    "AF_INET": 3,
    "AF_INET6": 4,
    "AF_ZT": 5,
    "AF_ABSTRACT": 6,
    "PIPE_EV_ADD_PRE": 0,
    "PIPE_EV_ADD_POST": 1,
    "PIPE_EV_REM_POST": 2,
    "PIPE_EV_NUM": 3,
    "TLS_MODE_CLIENT": 0,
    "TLS_MODE_SERVER": 1,
    "TLS_AUTH_MODE_NONE": 0,
    "TLS_AUTH_MODE_OPTIONAL": 1,
    "TLS_AUTH_MODE_REQUIRED": 2,
    "TLS_1_0": 0x301,
    "TLS_1_1": 0x302,
    "TLS_1_2": 0x303,
    "TLS_1_3": 0x304,
    "STAT_SCOPE": 0,
    "STAT_LEVEL": 1,
    "STAT_COUNTER": 2,
    "STAT_STRING": 3,
    "STAT_BOOLEAN": 4,
    "STAT_ID": 5,
    "UNIT_NONE": 0,
    "UNIT_BYTES": 1,
    "UNIT_MESSAGES": 2,
    "UNIT_MILLIS": 3,
    "UNIT_EVENTS": 4,
    "DURATION_INFINITE": DURATION_INFINITE,
    "DURATION_DEFAULT": DURATION_DEFAULT,
    "DURATION_ZERO": 0,
    "MAXADDRLEN": MAXADDRLEN,
}

PROTOCOLS = (
    "pair0",
    "pair1",
    "req0",
    "rep0",
    "pub0",
    "sub0",
    "push0",
    "pull0",
    "surveyor0",
    "respondent0",
    "bus0",
)
OPTION_OBJECTS = ("socket", "dialer", "listener", "pipe", "ctx")


class pnng_sockaddr(Structure):
    """``struct pnng_sockaddr`` (see pnng.h): port in host byte order, path with its length."""

    _fields_ = [
        ("family", c_uint16),
        ("port", c_uint16),
        ("scope_id", c_uint32),
        ("addr", c_uint8 * 16),
        ("zt_nwid", c_uint64),
        ("zt_nodeid", c_uint64),
        ("path_len", c_size_t),
        ("path", c_uint8 * MAXADDRLEN),
    ]


handle = c_uint32
handle_p = POINTER(c_uint32)
msg_p = c_void_p
aio_p = c_void_p
cq_p = c_void_p
tls_p = c_void_p
res = c_int32

pipe_cb_t: Any = CFUNCTYPE(None, c_uint32, c_int, c_void_p)
log_cb_t: Any = CFUNCTYPE(None, c_int, c_char_p, c_void_p)


def _candidates() -> List[str]:
    """Where to look for the library, in order (see README: PNNG_LIBRARY, bundled, system)."""
    env = os.environ.get("PNNG_LIBRARY")
    if env:
        return [env]
    found = [str(p) for p in sorted((pathlib.Path(__file__).parent / "_lib").glob("libpnng*.so*"))]
    system = ctypes.util.find_library("pnng")
    found.extend([system] if system else [])
    found.append("libpnng.so.0")
    return found


def _load() -> "tuple[ctypes.CDLL, str]":
    errors = []
    for path in _candidates():
        try:
            # CDLL (not PyDLL): every call releases the GIL, so NNG threads that need it never wait.
            return ctypes.CDLL(path), path
        except OSError as exc:
            errors.append(f"{path}: {exc}")
    raise ImportError("pnng: cannot load libpnng (set PNNG_LIBRARY to its path); tried:\n  " + "\n  ".join(errors))


lib: Any
library_path: str
lib, library_path = _load()


def _declare(name: str, restype: Any, *argtypes: Any) -> None:
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)


_SIGNATURES: List[Tuple[Any, ...]] = [
    # misc
    ("pnng_strerror", c_char_p, c_int),
    ("pnng_version", c_char_p),
    ("pnng_fini", None),
    ("pnng_set_log_callback", None, log_cb_t, c_void_p),
    ("pnng_set_log_level", None, c_int),
    ("pnng_strfree", None, c_void_p),
    ("pnng_sockaddr_format", res, POINTER(pnng_sockaddr), c_char_p, c_size_t),
    # sockets
    ("pnng_pair1_open_poly", res, handle_p),
    ("pnng_socket_close", res, handle),
    ("pnng_socket_listen", res, handle, c_char_p, c_int, handle_p),
    ("pnng_socket_dial", res, handle, c_char_p, c_int, handle_p),
    ("pnng_socket_send", res, handle, c_void_p, c_size_t, c_int),
    ("pnng_socket_recv", res, handle, c_void_p, c_size_t, c_int, POINTER(c_size_t)),
    ("pnng_socket_send_msg", res, handle, msg_p, c_int),
    ("pnng_socket_send_fd", res, handle, c_void_p, c_size_t, c_int, c_int32),
    ("pnng_socket_recv_fd", res, handle, c_void_p, c_size_t, POINTER(c_size_t), c_int, c_int32),
    ("pnng_fd_op_cancel", None),
    ("pnng_socket_recv_msg", res, handle, c_int, POINTER(msg_p)),
    ("pnng_socket_send_aio", res, handle, aio_p),
    ("pnng_socket_recv_aio", res, handle, aio_p),
    ("pnng_socket_new_context", res, handle, handle_p),
    ("pnng_socket_pipes", res, handle, handle_p, c_size_t, POINTER(c_size_t)),
    ("pnng_socket_dialers", res, handle, handle_p, c_size_t, POINTER(c_size_t)),
    ("pnng_socket_listeners", res, handle, handle_p, c_size_t, POINTER(c_size_t)),
    ("pnng_socket_pipe_notify", res, handle, c_int, pipe_cb_t, c_void_p),
    ("pnng_socket_pipe_notify_cq", res, handle, c_int, cq_p, c_void_p),
    ("pnng_socket_set_bytes", res, handle, c_char_p, c_void_p, c_size_t),
    ("pnng_socket_set_tls", res, handle, tls_p),
    ("pnng_sub0_subscribe", res, handle, c_void_p, c_size_t),
    ("pnng_sub0_unsubscribe", res, handle, c_void_p, c_size_t),
    ("pnng_sub0_ctx_subscribe", res, handle, c_void_p, c_size_t),
    ("pnng_sub0_ctx_unsubscribe", res, handle, c_void_p, c_size_t),
    ("pnng_device", res, handle, handle),
    ("pnng_device_start", res, handle, handle),
    # dialers / listeners
    ("pnng_dialer_create", res, handle, c_char_p, handle_p),
    ("pnng_dialer_start", res, handle, c_int),
    ("pnng_dialer_close", res, handle),
    ("pnng_dialer_set_tls", res, handle, tls_p),
    ("pnng_listener_create", res, handle, c_char_p, handle_p),
    ("pnng_listener_start", res, handle, c_int),
    ("pnng_listener_close", res, handle),
    ("pnng_listener_set_tls", res, handle, tls_p),
    # pipes
    ("pnng_pipe_close", res, handle),
    ("pnng_pipe_send", res, handle, c_void_p, c_size_t, c_int),
    ("pnng_pipe_send_msg", res, handle, msg_p, c_int),
    ("pnng_pipe_send_aio", res, handle, aio_p),
    ("pnng_pipe_socket", res, handle, handle_p),
    ("pnng_pipe_dialer", res, handle, handle_p),
    ("pnng_pipe_listener", res, handle, handle_p),
    # contexts
    ("pnng_ctx_close", res, handle),
    ("pnng_ctx_send", res, handle, c_void_p, c_size_t, c_int),
    ("pnng_ctx_recv", res, handle, c_void_p, c_size_t, c_int, POINTER(c_size_t)),
    ("pnng_ctx_send_msg", res, handle, msg_p, c_int),
    ("pnng_ctx_recv_msg", res, handle, c_int, POINTER(msg_p)),
    ("pnng_ctx_send_aio", res, handle, aio_p),
    ("pnng_ctx_recv_aio", res, handle, aio_p),
    # messages
    ("pnng_msg_new", res, c_void_p, c_size_t, POINTER(msg_p)),
    ("pnng_msg_free", None, msg_p),
    ("pnng_msg_body", c_void_p, msg_p),
    ("pnng_msg_len", c_size_t, msg_p),
    ("pnng_msg_header", c_void_p, msg_p),
    ("pnng_msg_header_len", c_size_t, msg_p),
    ("pnng_msg_header_append", res, msg_p, c_void_p, c_size_t),
    ("pnng_msg_dup", res, msg_p, POINTER(msg_p)),
    ("pnng_msg_pipe", res, msg_p, handle_p),
    ("pnng_msg_set_pipe", res, msg_p, handle),
    # aio and completion queues
    ("pnng_aio_new", res, c_void_p, c_void_p, POINTER(aio_p)),
    ("pnng_aio_new_cq", res, cq_p, c_void_p, POINTER(aio_p)),
    ("pnng_aio_free", None, aio_p),
    ("pnng_aio_set_timeout", res, aio_p, c_int32),
    ("pnng_aio_set_msg", res, aio_p, msg_p),
    ("pnng_aio_take_msg", res, aio_p, POINTER(msg_p)),
    ("pnng_aio_result", res, aio_p),
    ("pnng_aio_wait", None, aio_p),
    ("pnng_aio_wait_timeout", res, aio_p, c_int32),
    ("pnng_aio_cancel", None, aio_p),
    ("pnng_aio_busy", c_bool, aio_p),
    ("pnng_cq_new", res, POINTER(cq_p)),
    ("pnng_cq_fd", res, cq_p, POINTER(c_int)),
    ("pnng_cq_pop", res, cq_p, POINTER(aio_p), POINTER(c_void_p)),
    ("pnng_cq_pop_pipe_event", res, cq_p, handle_p, POINTER(c_int), POINTER(c_void_p)),
    ("pnng_cq_wait", res, cq_p, c_int32),
    ("pnng_cq_wake", res, cq_p),
    ("pnng_cq_free", None, cq_p),
    # TLS
    ("pnng_tls_config_new", res, c_int, POINTER(tls_p)),
    ("pnng_tls_config_free", None, tls_p),
    ("pnng_tls_config_server_name", res, tls_p, c_char_p),
    ("pnng_tls_config_ca_chain", res, tls_p, c_char_p, c_char_p),
    ("pnng_tls_config_own_cert", res, tls_p, c_char_p, c_char_p, c_char_p),
    ("pnng_tls_config_auth_mode", res, tls_p, c_int),
    ("pnng_tls_config_ca_file", res, tls_p, c_char_p),
    ("pnng_tls_config_cert_key_file", res, tls_p, c_char_p, c_char_p),
]

for _proto in PROTOCOLS:
    _SIGNATURES.append((f"pnng_{_proto}_open", res, handle_p))
    _SIGNATURES.append((f"pnng_{_proto}_open_raw", res, handle_p))

# Typed option accessors: pnng_<obj>_{get,set}_<type>. Pipes have getters only.
OPTION_CTYPES = {"ms": c_int32, "int": c_int, "size": c_size_t, "bool": c_bool}
for _obj in OPTION_OBJECTS:
    for _kind, _ct in OPTION_CTYPES.items():
        _SIGNATURES.append((f"pnng_{_obj}_get_{_kind}", res, handle, c_char_p, POINTER(_ct)))
        if _obj != "pipe":
            _SIGNATURES.append((f"pnng_{_obj}_set_{_kind}", res, handle, c_char_p, _ct))
    _SIGNATURES.append((f"pnng_{_obj}_get_string", res, handle, c_char_p, POINTER(c_void_p)))
    _SIGNATURES.append((f"pnng_{_obj}_get_addr", res, handle, c_char_p, POINTER(pnng_sockaddr)))
    if _obj != "pipe":
        _SIGNATURES.append((f"pnng_{_obj}_set_string", res, handle, c_char_p, c_char_p))

for _sig in _SIGNATURES:
    _declare(*_sig)


class _Fast:
    """Second function objects for the per-message calls, *without* argtypes.

    ctypes spends ~70 ns converting each declared argument (``from_param``); with argtypes unset
    a 5-argument receive costs ~400 ns instead of ~800 ns. The price is that the caller passes
    exact C types: handles and flags as Python ints (C ``int``: ids and flags fit in 31 bits,
    and every supported ABI passes a ``uint32_t`` like an ``int``), sizes as ``c_size_t``
    objects, pointers as ctypes buffers, ``bytes``, ``c_void_p`` objects or ``byref(...)``,
    never as Python ints (they would be truncated to 32 bits).
    """

    def __init__(self) -> None:
        make = self._make
        self.socket_send, self.socket_recv = make("pnng_socket_send"), make("pnng_socket_recv")
        self.socket_send_msg, self.socket_recv_msg = make("pnng_socket_send_msg"), make("pnng_socket_recv_msg")
        self.ctx_send, self.ctx_recv = make("pnng_ctx_send"), make("pnng_ctx_recv")
        self.ctx_send_msg, self.ctx_recv_msg = make("pnng_ctx_send_msg"), make("pnng_ctx_recv_msg")
        self.pipe_send = self._make("pnng_pipe_send")
        self.socket_send_fd = self._make("pnng_socket_send_fd")
        self.socket_recv_fd = self._make("pnng_socket_recv_fd")
        self.pipe_send_msg = self._make("pnng_pipe_send_msg")

    @staticmethod
    def _make(name: str, restype: Any = c_int) -> Callable[..., int]:
        fn = lib[name]  # a new function object: the declared one keeps its argtypes
        fn.restype = restype
        return cast(Callable[..., int], fn)


fast = _Fast()


def strerror(code: int) -> str:
    """NNG's text for an error code (covers every code, including the ESYSERR/ETRANERR ranges)."""
    text: Optional[bytes] = lib.pnng_strerror(code)
    return text.decode("utf-8", "replace") if text else f"error {code}"


def version() -> str:
    """The loaded library's version string, e.g. ``"pnng 0.1.0 (NNG 1.12.0)"``."""
    return lib.pnng_version().decode()  # type: ignore[no-any-return]


def nng_version() -> "tuple[int, int, int]":
    """The NNG version the loaded library was built with, from its version string."""
    import re

    m = re.search(r"NNG (\d+)\.(\d+)\.(\d+)", version())
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else (0, 0, 0)


class _Runtime:
    """Process-wide state that decides whether C calls are still allowed."""

    finalized = False  # pnng_fini ran (interpreter exit): handles are gone, skip cleanup calls
    forked = False  # this is a fork() child: NNG's threads are not here, NNG must not be entered

    @property
    def usable(self) -> bool:
        return not (self.finalized or self.forked)


runtime = _Runtime()


def require_usable() -> None:
    """Raises a clear error instead of letting NNG abort the process in a fork() child."""
    if runtime.forked:
        raise RuntimeError(
            "pnng cannot be used in a child process made by fork(): NNG is not fork-safe. "
            "Create sockets after fork in a fresh process (multiprocessing 'spawn' or "
            "'forkserver' start methods)."
        )
    if runtime.finalized:
        raise RuntimeError("pnng was shut down (interpreter exit)")
