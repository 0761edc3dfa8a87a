"""Socket addresses (pynng.sockaddr): one class per address family, picked by :func:`_nng_sockaddr`.

The field conventions are pynng's (so existing code keeps working): ``InAddr.port`` and
``In6Addr.port`` hold the port in network byte order and ``InAddr.addr`` the IPv4 address as
the raw 32-bit value read in host order. ``str()`` gives ``"127.0.0.1:5555"``,
``"[::1]:5555"``, the ipc path, the full inproc URL or ``"abstract://name"``. The readable
extras ``host`` and ``port_number`` (host byte order) are additions.
"""

from __future__ import annotations

import ipaddress
import sys
import urllib.parse
from typing import Dict, Type

from . import _ffi


def _swap16(value: int) -> int:
    return ((value >> 8) & 0xFF) | ((value & 0xFF) << 8)


def _int_field(field: str, doc: str) -> property:
    """A read-only property: the ``pnng_sockaddr`` field ``field`` as an int."""

    def get(self: "SockAddr") -> int:
        return int(getattr(self.sock_addr, field))

    return property(get, doc=doc)


def _path_field(doc: str) -> property:
    """A read-only property: the bytes of the ``path`` field (inproc URL, ipc path, abstract name)."""

    def get(self: "SockAddr") -> bytes:
        n = min(int(self.sock_addr.path_len), _ffi.MAXADDRLEN)
        return bytes(self.sock_addr.path[:n])

    return property(get, doc=doc)


class SockAddr:
    """Base class; also used as is for families without a dedicated class (``AF_UNSPEC``)."""

    type_to_str: Dict[int, str] = {
        _ffi.AF_UNSPEC: "unspecified",
        _ffi.AF_INPROC: "inproc",
        _ffi.AF_IPC: "ipc",
        _ffi.AF_INET: "inet",
        _ffi.AF_INET6: "inetv6",
        _ffi.AF_ZT: "zerotier",
        _ffi.AF_ABSTRACT: "abstract",
    }

    def __init__(self, sock_addr: _ffi.pnng_sockaddr) -> None:
        # Keep a private copy: the caller's struct may be reused.
        self.sock_addr = _ffi.pnng_sockaddr.from_buffer_copy(sock_addr)

    @property
    def family(self) -> int:
        """The ``AF_*`` number (``pnng.lib.NNG_AF_*``)."""
        return int(self.sock_addr.family)

    @property
    def family_as_str(self) -> str:
        """The family's name: ``inproc``, ``ipc``, ``inet``, ``inetv6``, ``zerotier``, ``abstract``."""
        return self.type_to_str.get(self.family, "unknown")

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self}>"
            if type(self) is not SockAddr
            else (f"nng_sockaddr {{.family = {self.family}}}")
        )

    def __str__(self) -> str:
        return repr(self) if type(self) is SockAddr else self._text()

    def _text(self) -> str:  # pragma: no cover - overridden by every subclass
        return ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SockAddr) and bytes(self.sock_addr) == bytes(other.sock_addr)

    def __hash__(self) -> int:
        return hash(bytes(self.sock_addr))


class InprocAddr(SockAddr):
    """An ``inproc://`` address; ``name`` is the full URL, as in pynng."""

    name_bytes = _path_field("The inproc URL as bytes.")

    @property
    def name(self) -> str:
        """The inproc URL as text."""
        return str(self.name_bytes.decode("utf-8", "replace"))

    def _text(self) -> str:
        return self.name


class IPCAddr(SockAddr):
    """An ``ipc://`` (Unix domain socket) address."""

    path_bytes = _path_field("The socket path as bytes.")

    @property
    def path(self) -> str:
        """The socket path as text."""
        return str(self.path_bytes.decode(sys.getfilesystemencoding(), "surrogateescape"))

    def _text(self) -> str:
        return self.path


class _InetAddr(SockAddr):
    """What IPv4 and IPv6 addresses share: the port and the ``host:port`` text."""

    _text_format = "{}:{}"  # host, port_number

    @property
    def port(self) -> int:
        """The port in network byte order (pynng's raw value); see ``port_number``."""
        return _swap16(int(self.sock_addr.port)) if sys.byteorder == "little" else int(self.sock_addr.port)

    port_number = _int_field("port", "The port as a plain number (host byte order).")

    @property
    def host(self) -> str:
        """The address as text."""
        raise NotImplementedError

    def _text(self) -> str:
        return self._text_format.format(self.host, self.port_number)


class InAddr(_InetAddr):
    """An IPv4 address (tcp, ws, tls+tcp)."""

    @property
    def addr(self) -> int:
        """The four address bytes read as one 32-bit value in host order (pynng's raw value)."""
        return int.from_bytes(bytes(self.sock_addr.addr[:4]), sys.byteorder)

    @property
    def host(self) -> str:
        """Dotted quad, e.g. ``"127.0.0.1"``."""
        return str(ipaddress.IPv4Address(bytes(self.sock_addr.addr[:4])))


class In6Addr(_InetAddr):
    """An IPv6 address."""

    _text_format = "[{}]:{}"

    @property
    def addr(self) -> bytes:
        """The 16 address bytes."""
        return bytes(self.sock_addr.addr)

    scope_id = _int_field("scope_id", "The IPv6 scope id.")

    @property
    def host(self) -> str:
        """The address as text, e.g. ``"::1"``."""
        return str(ipaddress.IPv6Address(self.addr))


class ZTAddr(SockAddr):
    """A ZeroTier address (the transport is not built into libpnng; kept for completeness)."""

    nwid = _int_field("zt_nwid", "The ZeroTier network id.")
    nodeid = _int_field("zt_nodeid", "The ZeroTier node id.")
    port = _int_field("port", "The ZeroTier port.")

    def _text(self) -> str:
        return f"zt://{self.nodeid:x}.{self.nwid:x}:{self.port}"


class AbstractAddr(SockAddr):
    """A Linux abstract-namespace address; the name may contain NUL bytes."""

    name_bytes = _path_field("The raw name bytes (may contain NULs).")

    @property
    def name(self) -> str:
        """The name, UTF-8 decoded (NULs and other bytes kept); ``repr`` of the bytes if not UTF-8."""
        try:
            return str(self.name_bytes.decode("utf-8"))
        except UnicodeDecodeError:
            return repr(self.name_bytes)

    def _text(self) -> str:
        return "abstract://" + urllib.parse.quote(self.name_bytes, safe="")


_CLASSES: Dict[int, Type[SockAddr]] = {
    _ffi.AF_INPROC: InprocAddr,
    _ffi.AF_IPC: IPCAddr,
    _ffi.AF_INET: InAddr,
    _ffi.AF_INET6: In6Addr,
    _ffi.AF_ZT: ZTAddr,
    _ffi.AF_ABSTRACT: AbstractAddr,
}


def _nng_sockaddr(sa: _ffi.pnng_sockaddr) -> SockAddr:
    """The SockAddr subclass instance for a filled ``pnng_sockaddr`` (AF_ABSTRACT → AbstractAddr)."""
    return _CLASSES.get(int(sa.family), SockAddr)(sa)


__all__ = [
    "SockAddr",
    "InprocAddr",
    "IPCAddr",
    "InAddr",
    "In6Addr",
    "ZTAddr",
    "AbstractAddr",
]
