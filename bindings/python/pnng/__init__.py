"""pnng: pynng's API over libpnng (NNG 1.12.0), in pure Python (ctypes).

``import pnng as pynng`` runs pynng programs unchanged: Socket and the 11 protocols, Dialer,
Listener, Pipe, Context, Message, TLSConfig, the SockAddr classes (``pnng.sockaddr``), options
as attributes (``pnng.options``) and the exception hierarchy (``pnng.exceptions``, also exported
here). Async code works under asyncio and trio.
"""

from __future__ import annotations

import atexit
import os
from typing import Any

from . import _ffi, exceptions, options, sockaddr
from ._ffi import library_path
from .exceptions import *  # noqa: F401,F403 - pynng exports every exception at top level
from .exceptions import EXCEPTION_MAP, MessageStateError, NNGException, check_err
from .nng import (
    PROTOCOL_CLASSES,
    Bus0,
    Context,
    Dialer,
    Listener,
    Message,
    Pair0,
    Pair1,
    Pipe,
    Pub0,
    Pull0,
    Push0,
    Rep0,
    Req0,
    Respondent0,
    Socket,
    Sub0,
    Surveyor0,
    _disable_after_fork,
    device,
)
from .sockaddr import AbstractAddr, In6Addr, InAddr, InprocAddr, IPCAddr, SockAddr, ZTAddr
from .tls import TLSConfig

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("pnng")  # the crate's version (Cargo.toml), see setup.py
except _metadata.PackageNotFoundError:  # a source tree used without installing it
    __version__ = "0+unknown"


def version() -> str:
    """The loaded libpnng's version, e.g. ``"pnng 0.1.0 (NNG 1.12.0)"``."""
    return _ffi.version()


class _Lib:
    """pynng's ``lib``: what pynng programs read from it that is not a raw C function. The
    protocol openers (``Socket(opener=pnng.lib.nng_pair0_open_raw)``, ``_opener = ...`` in a
    subclass) and NNG's constants (``NNG_E*``, ``NNG_FLAG_*``, ``NNG_TLS_*``, ``NNG_PIPE_EV_*``,
    ``NNG_STAT_*``, ``NNG_UNIT_*``, ``NNG_MAJOR_VERSION``...), with NNG's values."""

    def __init__(self) -> None:
        for proto in _ffi.PROTOCOLS:
            setattr(self, f"nng_{proto}_open", getattr(_ffi.lib, f"pnng_{proto}_open"))
            setattr(self, f"nng_{proto}_open_raw", getattr(_ffi.lib, f"pnng_{proto}_open_raw"))
        self.nng_pair1_open_poly = _ffi.lib.pnng_pair1_open_poly
        for key, value in _ffi.NNG_CONSTANTS.items():
            setattr(self, "NNG_" + key, value)
        major, minor, patch = _ffi.nng_version()
        self.NNG_MAJOR_VERSION, self.NNG_MINOR_VERSION, self.NNG_PATCH_VERSION = major, minor, patch

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"pnng.lib has no {name!r}: it offers NNG's constants and the protocol openers, not "
            "NNG's C functions (use pnng's classes instead)"
        )


lib: Any = _Lib()


def _shutdown() -> None:
    """At exit: let NNG close everything (as pynng does); pipe events that NNG reports meanwhile
    are ignored, so no NNG thread runs Python code in a finalizing interpreter."""
    if not _ffi.runtime.usable:
        return
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
    "Socket",
    "Pair0",
    "Pair1",
    "Req0",
    "Rep0",
    "Pub0",
    "Sub0",
    "Push0",
    "Pull0",
    "Surveyor0",
    "Respondent0",
    "Bus0",
    "Context",
    "Dialer",
    "Listener",
    "Pipe",
    "Message",
    "TLSConfig",
    "SockAddr",
    "InprocAddr",
    "IPCAddr",
    "InAddr",
    "In6Addr",
    "ZTAddr",
    "AbstractAddr",
    "NNGException",
    "MessageStateError",
    "check_err",
    "EXCEPTION_MAP",
    "device",
    "version",
    "lib",
    "library_path",
    "exceptions",
    "options",
    "sockaddr",
    "PROTOCOL_CLASSES",
    "__version__",
]
__all__ += exceptions.__all__
