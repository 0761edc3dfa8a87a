"""pnng: pynng's API over libpnng (NNG 1.12.0), in pure Python (ctypes).

``import pnng as pynng`` runs pynng programs unchanged: Socket and the 11 protocols, Dialer,
Listener, Pipe, Context, Message, TLSConfig, the SockAddr classes (``pnng.sockaddr``), options
as attributes (``pnng.options``) and the exception hierarchy (``pnng.exceptions``, also exported
here). Async code works under asyncio and trio.
"""

from __future__ import annotations

import atexit
import os
import types

from . import _ffi, exceptions, options, sockaddr
from ._ffi import library_path
from .exceptions import *  # noqa: F401,F403 - pynng exports every exception at top level
from .exceptions import EXCEPTION_MAP, MessageStateError, NNGException, check_err
from .nng import (
    PROTOCOL_CLASSES, Bus0, Context, Dialer, Listener, Message, Pair0, Pair1, Pipe, Pub0, Pull0,
    Push0, Rep0, Req0, Respondent0, Socket, Sub0, Surveyor0, _disable_after_fork, _dispatcher,
    device,
)
from .sockaddr import AbstractAddr, In6Addr, InAddr, InprocAddr, IPCAddr, SockAddr, ZTAddr
from .tls import TLSConfig

__version__ = "0.1.0"


def version() -> str:
    """The loaded libpnng's version, e.g. ``"pnng 0.1.0 (NNG 1.12.0)"``."""
    return _ffi.version()


def _make_lib() -> types.SimpleNamespace:
    """pynng's ``lib`` for the few names pynng programs use from it: the protocol openers (for
    ``Socket(opener=pnng.lib.nng_pair0_open_raw)``) and NNG's constants."""
    names = {}
    for proto in _ffi.PROTOCOLS:
        names[f"nng_{proto}_open"] = getattr(_ffi.lib, f"pnng_{proto}_open")
        names[f"nng_{proto}_open_raw"] = getattr(_ffi.lib, f"pnng_{proto}_open_raw")
    names["nng_pair1_open_poly"] = _ffi.lib.pnng_pair1_open_poly
    for key, value in vars(_ffi).items():
        if key.isupper() and isinstance(value, int):
            names["NNG_" + key] = value
    names["NNG_DURATION_INFINITE"] = _ffi.DURATION_INFINITE
    names["NNG_DURATION_DEFAULT"] = _ffi.DURATION_DEFAULT
    return types.SimpleNamespace(**names)


lib = _make_lib()


def _shutdown() -> None:
    """At exit: stop the event thread, then let NNG close everything (as pynng does), so no
    NNG thread calls into a finalizing interpreter."""
    if not _ffi.runtime.usable:
        return
    _dispatcher.stop()
    _ffi.runtime.finalized = True
    _ffi.lib.pnng_fini()


def _after_fork_in_child() -> None:
    # NNG is not fork-safe: its threads are gone in the child and any NNG call aborts the
    # process. So in the child nothing may reach NNG: new objects raise RuntimeError, inherited
    # ones raise (see _ForkedHandle), and no finalizer or exit hook calls the library.
    _ffi.runtime.forked = True
    _disable_after_fork()


atexit.register(_shutdown)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

__all__ = [
    "Socket", "Pair0", "Pair1", "Req0", "Rep0", "Pub0", "Sub0", "Push0", "Pull0", "Surveyor0",
    "Respondent0", "Bus0", "Context", "Dialer", "Listener", "Pipe", "Message", "TLSConfig",
    "SockAddr", "InprocAddr", "IPCAddr", "InAddr", "In6Addr", "ZTAddr", "AbstractAddr",
    "NNGException", "MessageStateError", "check_err", "EXCEPTION_MAP", "device", "version", "lib",
    "library_path", "exceptions", "options", "sockaddr", "PROTOCOL_CLASSES", "__version__",
] + exceptions.__all__
