"""pynng's exception hierarchy: one class per NNG error code, all deriving from NNGException.

Beyond pynng, every code maps to a class: ``ECONNSHUT`` is :class:`ConnectionShutdown`, codes
in NNG's ``ESYSERR`` range are :class:`SystemCallError` (``.sys_errno`` holds the OS errno) and
codes in the ``ETRANERR`` range are :class:`TransportError` (``.transport_errno``).
"""

from __future__ import annotations

from typing import Dict, NoReturn, Optional, Type

from . import _ffi


class NNGException(Exception):
    """Root of every error reported by NNG. ``errno`` is the NNG error code."""

    def __init__(self, msg: str, errno: int) -> None:
        super().__init__(msg)
        self.errno = errno


class MessageStateError(Exception):
    """A Message was used after it was sent (NNG owns it then). Not an NNGException, as in pynng."""


# (class name, NNG code, docstring); the order and names are pynng's.
_TABLE = [
    ("Interrupted", 1, "The call was interrupted."),
    ("NoMemory", 2, "Not enough memory to complete the operation."),
    ("InvalidOperation", 3, "An invalid operation or argument was given."),
    ("Busy", 4, "The resource is busy."),
    ("Timeout", 5, "The operation timed out."),
    ("ConnectionRefused", 6, "The remote socket refused a connection."),
    ("Closed", 7, "The resource was already closed."),
    ("TryAgain", 8, "The operation would block, but non-blocking mode was requested."),
    ("NotSupported", 9, "The operation is not supported (e.g. recv on a Pub0)."),
    ("AddressInUse", 10, "The address is already in use."),
    ("BadState", 11, "The operation is not valid in the current protocol state."),
    ("NoEntry", 12, "The requested resource does not exist."),
    ("ProtocolError", 13, "A protocol error happened."),
    ("DestinationUnreachable", 14, "The destination could not be reached."),
    ("AddressInvalid", 15, "The address is invalid."),
    ("PermissionDenied", 16, "Permission denied."),
    ("MessageTooLarge", 17, "The message is too large."),
    ("ConnectionAborted", 18, "The connection was aborted."),
    ("ConnectionReset", 19, "The connection was reset by the peer."),
    ("Canceled", 20, "The operation was canceled."),
    ("OutOfFiles", 21, "Out of file descriptors."),
    ("OutOfSpace", 22, "Out of space."),
    ("AlreadyExists", 23, "The resource already exists."),
    ("ReadOnly", 24, "The option is read-only."),
    ("WriteOnly", 25, "The option is write-only."),
    ("CryptoError", 26, "A cryptographic error happened."),
    ("AuthenticationError", 27, "The peer could not be authenticated."),
    ("NoArgument", 28, "An option needs an argument."),
    ("Ambiguous", 29, "An ambiguous option was given."),
    ("BadType", 30, "The option value has the wrong type."),
    ("ConnectionShutdown", 31, "The connection was shut down (ECONNSHUT; unmapped in pynng)."),
    ("Internal", 1000, "An internal error in the library."),
]

EXCEPTION_MAP: Dict[int, Type[NNGException]] = {}
for _name, _code, _doc in _TABLE:
    _cls = type(_name, (NNGException,), {"__doc__": _doc, "__module__": __name__})
    globals()[_name] = _cls
    EXCEPTION_MAP[_code] = _cls


class SystemCallError(NNGException):
    """An operating-system error (NNG's ESYSERR range); ``sys_errno`` is the OS errno."""

    def __init__(self, msg: str, errno: int) -> None:
        super().__init__(msg, errno)
        self.sys_errno = errno & ~_ffi.ESYSERR


class TransportError(NNGException):
    """A transport-specific error (NNG's ETRANERR range); ``transport_errno`` holds the low bits."""

    def __init__(self, msg: str, errno: int) -> None:
        super().__init__(msg, errno)
        self.transport_errno = errno & ~_ffi.ETRANERR


def exception_for(err: int, msg: Optional[str] = None) -> NNGException:
    """The exception instance for NNG error code ``err``."""
    text = msg if msg is not None else _ffi.strerror(err)
    cls = EXCEPTION_MAP.get(err)
    if cls is None:
        if err & _ffi.ETRANERR:
            cls = TransportError
        elif err & _ffi.ESYSERR:
            cls = SystemCallError
        else:
            cls = NNGException
    return cls(text, err)


def check_err(err: int) -> None:
    """Raises the matching exception if ``err`` is not 0 (pynng's ``check_err``)."""
    if err:
        raise exception_for(err)


def _raise(err: int, msg: Optional[str] = None) -> NoReturn:
    raise exception_for(err, msg)


# Static names for type checkers and readers; the classes themselves are made from _TABLE above.
Interrupted: Type[NNGException]
NoMemory: Type[NNGException]
InvalidOperation: Type[NNGException]
Busy: Type[NNGException]
Timeout: Type[NNGException]
ConnectionRefused: Type[NNGException]
Closed: Type[NNGException]
TryAgain: Type[NNGException]
NotSupported: Type[NNGException]
AddressInUse: Type[NNGException]
BadState: Type[NNGException]
NoEntry: Type[NNGException]
ProtocolError: Type[NNGException]
DestinationUnreachable: Type[NNGException]
AddressInvalid: Type[NNGException]
PermissionDenied: Type[NNGException]
MessageTooLarge: Type[NNGException]
ConnectionAborted: Type[NNGException]
ConnectionReset: Type[NNGException]
Canceled: Type[NNGException]
OutOfFiles: Type[NNGException]
OutOfSpace: Type[NNGException]
AlreadyExists: Type[NNGException]
ReadOnly: Type[NNGException]
WriteOnly: Type[NNGException]
CryptoError: Type[NNGException]
AuthenticationError: Type[NNGException]
NoArgument: Type[NNGException]
Ambiguous: Type[NNGException]
BadType: Type[NNGException]
ConnectionShutdown: Type[NNGException]
Internal: Type[NNGException]

__all__ = [
    "NNGException",
    "MessageStateError",
    "SystemCallError",
    "TransportError",
    "EXCEPTION_MAP",
    "check_err",
    "exception_for",
] + [name for name, _, _ in _TABLE]
