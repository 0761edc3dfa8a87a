"""Options: typed getters/setters (pynng.options' helper names) and the descriptors built on them.

Every object with options (Socket, Dialer, Listener, Pipe, Context) has ``_h`` (its handle id)
and ``_opt_prefix`` (``socket``, ``dialer``, ``listener``, ``pipe`` or ``ctx``), which selects
the C accessor family ``pnng_<prefix>_{get,set}_<type>``. Unlike pynng 0.9.0, every setter
checks the library's answer, so an unknown or read-only option raises.
"""

from __future__ import annotations

import ctypes
from ctypes import byref
from typing import Any, Callable, Dict, Optional, Tuple, cast

from . import _ffi
from ._ffi import lib
from .exceptions import _raise, check_err
from .sockaddr import SockAddr, _nng_sockaddr

_INT32 = (-(2**31), 2**31 - 1)
_SIZE = (0, 2 ** (8 * ctypes.sizeof(ctypes.c_size_t)) - 1)

_fn_cache: Dict[Tuple[str, str, str], Callable[..., int]] = {}


def _fn(obj: Any, op: str, kind: str) -> Callable[..., int]:
    prefix = getattr(obj, "_opt_prefix", None)
    if prefix is None:
        raise TypeError(f"{type(obj).__name__} objects have no options")
    key = (prefix, op, kind)
    fn = _fn_cache.get(key)
    if fn is None:
        fn = getattr(lib, f"pnng_{prefix}_{op}_{kind}", None)
        if fn is None:
            raise TypeError(f"{type(obj).__name__} options of type {kind} cannot be {op}")
        _fn_cache[key] = fn
    return cast(Callable[..., int], fn)


def _name(option: Any) -> bytes:
    if isinstance(option, bytes):
        return option
    if isinstance(option, str):
        return option.encode()
    raise TypeError(f"option name must be str or bytes, not {type(option).__name__}")


def _integer(value: Any, what: str, bounds: Tuple[int, int]) -> int:
    """pynng's rules and exception classes: ints and integral floats are accepted; a string
    or a fractional float is a ValueError, another type a TypeError, and a value the C type
    cannot hold an OverflowError."""
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{what} must be an integer, got {value!r}")
        value = int(value)
    elif isinstance(value, (str, bytes)):
        raise ValueError(f"{what} must be an int, got {value!r}")
    elif not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not bounds[0] <= value <= bounds[1]:
        raise OverflowError(f"{what} {value} is out of range [{bounds[0]}, {bounds[1]}]")
    return int(value)


def _get_scalar(kind: str, ctype: Any) -> Callable[[Any, Any], Any]:
    def getter(obj: Any, option: Any) -> Any:
        out = ctype()
        check_err(_fn(obj, "get", kind)(obj._h, _name(option), byref(out)))
        return out.value

    getter.__name__ = f"_getopt_{kind}"
    getter.__doc__ = f"Reads a {kind} option of a Socket, Dialer, Listener, Pipe or Context."
    return getter


_getopt_int = _get_scalar("int", ctypes.c_int)
_getopt_ms = _get_scalar("ms", ctypes.c_int32)
_getopt_size = _get_scalar("size", ctypes.c_size_t)
_getopt_bool = _get_scalar("bool", ctypes.c_bool)


def _set_integer(kind: str, what: str, bounds: Tuple[int, int], doc: str) -> Callable[[Any, Any, Any], None]:
    def setter(obj: Any, option: Any, value: Any) -> None:
        check_err(_fn(obj, "set", kind)(obj._h, _name(option), _integer(value, what, bounds)))

    setter.__name__ = f"_setopt_{kind}"
    setter.__doc__ = doc
    return setter


_setopt_int = _set_integer("int", "option value", _INT32, "Sets an int option (ints and integral floats).")
_setopt_ms = _set_integer("ms", "duration", _INT32, "Sets a duration option in milliseconds (-1 is infinite).")
_setopt_size = _set_integer("size", "size", _SIZE, "Sets a size option (bytes or a count; not negative).")


def _setopt_bool(obj: Any, option: Any, value: Any) -> None:
    """Sets a boolean option (True/False, or 0/1)."""
    if not isinstance(value, bool):
        if isinstance(value, int) and value in (0, 1):
            value = bool(value)
        elif isinstance(value, int):
            raise OverflowError(f"option value {value} is not a bool (True/False, 0/1)")
        else:
            raise TypeError(f"option value must be a bool, not {type(value).__name__}")
    check_err(_fn(obj, "set", "bool")(obj._h, _name(option), value))


def _getopt_string(obj: Any, option: Any) -> str:
    """Reads a string option (the C copy is freed with pnng_strfree)."""
    out = ctypes.c_void_p()
    check_err(_fn(obj, "get", "string")(obj._h, _name(option), byref(out)))
    if not out.value:
        return ""
    try:
        return ctypes.string_at(out.value).decode("utf-8", "replace")
    finally:
        lib.pnng_strfree(out.value)


def _text_arg(value: Any) -> bytes:
    if isinstance(value, str):
        value = value.encode()
    elif not isinstance(value, (bytes, bytearray)):
        raise TypeError(f"option value must be a str, not {type(value).__name__}")
    if b"\0" in value:
        raise ValueError("option value must not contain NUL characters")
    return bytes(value)


def _setopt_string(obj: Any, option: Any, value: Any) -> None:
    """Sets a string option (str is UTF-8 encoded)."""
    check_err(_fn(obj, "set", "string")(obj._h, _name(option), _text_arg(value)))


def _setopt_string_nonnull(obj: Any, option: Any, value: Any) -> None:
    """Sets an opaque bytes option of a socket (e.g. ``sub:subscribe``); str is UTF-8 encoded."""
    if getattr(obj, "_opt_prefix", None) != "socket":
        raise TypeError("opaque options can only be set on sockets")
    data = value.encode() if isinstance(value, str) else bytes(value)
    check_err(lib.pnng_socket_set_bytes(obj._h, _name(option), data, len(data)))


def _getopt_sockaddr(obj: Any, option: Any) -> SockAddr:
    """Reads an address option (``local-address``, ``remote-address``) as a SockAddr subclass."""
    sa = _ffi.pnng_sockaddr()
    check_err(_fn(obj, "get", "addr")(obj._h, _name(option), byref(sa)))
    return _nng_sockaddr(sa)


def _setopt_ptr(obj: Any, option: Any, value: Any) -> None:
    """Sets the TLS configuration (the only pointer option): ``value`` must be a TLSConfig."""
    from .tls import TLSConfig

    if _name(option) != b"tls-config":
        raise TypeError(f"unknown pointer option {option!r}")
    if not isinstance(value, TLSConfig):
        raise ValueError(f"tls_config must be a TLSConfig, not {type(value).__name__}")
    fn = getattr(lib, f"pnng_{obj._opt_prefix}_set_tls", None)
    if fn is None:
        raise TypeError(f"{type(obj).__name__} has no TLS configuration")
    check_err(fn(obj._h, value._config_ptr()))


# ---- descriptors -----------------------------------------------------------------------------------


class _Option:
    """An option exposed as an attribute; subclasses pick the C type."""

    _get: Optional[Callable[[Any, Any], Any]] = None
    _set: Optional[Callable[[Any, Any, Any], None]] = None

    def __init_subclass__(
        cls,
        get: Optional[Callable[[Any, Any], Any]] = None,
        set: Optional[Callable[[Any, Any, Any], None]] = None,
        **kwargs: Any,
    ) -> None:
        """``class XOption(_Option, get=..., set=...)`` picks the getter and setter (either may be left out)."""
        super().__init_subclass__(**kwargs)
        if get is not None:
            cls._get = staticmethod(get)
        if set is not None:
            cls._set = staticmethod(set)

    def __init__(
        self, option_name: str, *, readonly: bool = False, writeonly: bool = False, doc: Optional[str] = None
    ) -> None:
        self.option = option_name.encode()
        self.readonly = readonly or type(self)._set is None
        self.writeonly = writeonly or type(self)._get is None
        self.attr = option_name
        self.__doc__ = doc or f"The ``{option_name}`` option."

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr = name

    def __get__(self, obj: Any, owner: Optional[type] = None) -> Any:
        if obj is None:
            return self
        if self.writeonly:
            raise TypeError(f"{self.attr} is write-only")
        return type(self)._get(obj, self.option)  # type: ignore[misc]

    def __set__(self, obj: Any, value: Any) -> None:
        if self.readonly:
            _raise(_ffi.EREADONLY, f"{self.attr} is read-only")
        type(self)._set(obj, self.option, value)  # type: ignore[misc]


class IntOption(_Option, get=_getopt_int, set=_setopt_int):
    """An int option."""


class MsOption(_Option, get=_getopt_ms, set=_setopt_ms):
    """A duration in milliseconds (-1 infinite)."""


class SizeOption(_Option, get=_getopt_size, set=_setopt_size):
    """A size in bytes (or a count)."""


class BooleanOption(_Option, get=_getopt_bool, set=_setopt_bool):
    """A boolean option."""


class StringOption(_Option, get=_getopt_string, set=_setopt_string):
    """A string option."""


class SockAddrOption(_Option, get=_getopt_sockaddr):
    """A read-only address option, read as a SockAddr subclass."""


class PointerOption(_Option, set=_setopt_ptr):
    """The write-only ``tls-config`` option (takes a TLSConfig)."""


__all__ = [
    "IntOption",
    "MsOption",
    "SizeOption",
    "BooleanOption",
    "StringOption",
    "SockAddrOption",
    "PointerOption",
]
