"""TLSConfig: the TLS settings for ``tls+tcp://`` and ``wss://`` sockets, dialers and listeners."""

from __future__ import annotations

import ctypes
from ctypes import byref
from typing import Any, Iterable, Optional, Union

from . import _ffi
from ._ffi import lib
from .exceptions import _raise, check_err


def _c_text(value: Union[None, str, bytes], what: str) -> Optional[bytes]:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value.encode()


def _path(path: Any) -> Union[str, bytes]:
    return path if isinstance(path, bytes) else str(path)


class TLSConfig:
    """TLS configuration (pynng's ``TLSConfig``).

    ``mode`` is ``TLSConfig.MODE_CLIENT`` or ``TLSConfig.MODE_SERVER``. The keyword arguments
    are applied in pynng's order: ``server_name``, ``ca_string``, ``own_cert_string`` +
    ``own_key_string`` (with ``passwd``), ``auth_mode``, ``ca_files``, ``cert_key_file``
    (with ``passwd``). As in pynng, empty strings (and an empty ``ca_files``) count as not
    given; unlike pynng 0.9.0, ``auth_mode=AUTH_MODE_NONE`` is honoured, not ignored. Give it
    to a socket with ``tls_config=`` or ``sock.tls_config =``.
    """

    MODE_CLIENT = _ffi.TLS_MODE_CLIENT
    MODE_SERVER = _ffi.TLS_MODE_SERVER
    AUTH_MODE_NONE = _ffi.TLS_AUTH_MODE_NONE
    AUTH_MODE_OPTIONAL = _ffi.TLS_AUTH_MODE_OPTIONAL
    AUTH_MODE_REQUIRED = _ffi.TLS_AUTH_MODE_REQUIRED

    def __init__(
        self,
        mode: int,
        server_name: Optional[str] = None,
        ca_string: Optional[str] = None,
        own_key_string: Optional[str] = None,
        own_cert_string: Optional[str] = None,
        auth_mode: Optional[int] = None,
        ca_files: Union[None, str, Iterable[str]] = None,
        cert_key_file: Optional[str] = None,
        passwd: Optional[str] = None,
    ) -> None:
        self._ptr: Optional[int] = None
        # pynng tests each argument for truth: "" (and an empty list of files) means "not given".
        server_name, ca_string, own_key_string, own_cert_string, cert_key_file, passwd = (
            v if v not in ("", b"") else None
            for v in (server_name, ca_string, own_key_string, own_cert_string, cert_key_file, passwd)
        )
        if ca_files is not None and not isinstance(ca_files, (str, bytes)):
            ca_files = list(ca_files) or None
        elif not ca_files:
            ca_files = None
        if ca_string is not None and ca_files is not None:
            raise ValueError("Cannot set both ca_string and ca_files!")
        if cert_key_file is not None and (own_cert_string is not None or own_key_string is not None):
            raise ValueError("Cannot set both own_{key,cert}_string and cert_key_file!")
        if (own_cert_string is None) != (own_key_string is None):
            raise ValueError("own_key_string and own_cert_string must be both set or unset")
        if mode not in (self.MODE_CLIENT, self.MODE_SERVER):
            raise ValueError("mode must be TLSConfig.MODE_CLIENT or TLSConfig.MODE_SERVER")
        _ffi.require_usable()
        out = ctypes.c_void_p()
        check_err(lib.pnng_tls_config_new(mode, byref(out)))
        self._ptr = out.value
        self.mode = mode
        if server_name is not None:
            self.set_server_name(server_name)
        if ca_string is not None:
            self.set_ca_chain(ca_string)
        if own_cert_string is not None:
            self.set_own_cert(own_cert_string, own_key_string, passwd)  # type: ignore[arg-type]
        if auth_mode is not None:
            self.set_auth_mode(auth_mode)
        if ca_files is not None:
            for path in [ca_files] if isinstance(ca_files, (str, bytes)) else ca_files:
                self.add_ca_file(path)
        if cert_key_file is not None:
            self.set_cert_key_file(cert_key_file, passwd)

    def _config_ptr(self) -> int:
        if not self._ptr:
            _raise(_ffi.ECLOSED, "TLSConfig was freed")
        return self._ptr

    def set_server_name(self, server_name: str) -> None:
        """The name the server certificate must match (also sent as SNI); "" clears it."""
        if server_name is None:
            raise ValueError("server_name must be a str")
        check_err(lib.pnng_tls_config_server_name(self._config_ptr(), _c_text(server_name, "server_name")))

    def set_ca_chain(self, chain: str, crl: Optional[str] = None) -> None:
        """Trusted CA certificates (PEM), with an optional CRL (PEM)."""
        check_err(lib.pnng_tls_config_ca_chain(self._config_ptr(), _c_text(chain, "chain"), _c_text(crl, "crl")))

    def set_own_cert(self, cert: str, key: str, passwd: Optional[str] = None) -> None:
        """This side's certificate chain and private key (PEM strings)."""
        check_err(
            lib.pnng_tls_config_own_cert(
                self._config_ptr(), _c_text(cert, "cert"), _c_text(key, "key"), _c_text(passwd, "passwd")
            )
        )

    def set_auth_mode(self, mode: int) -> None:
        """Peer verification: ``AUTH_MODE_NONE``, ``AUTH_MODE_OPTIONAL`` or ``AUTH_MODE_REQUIRED``."""
        if not isinstance(mode, int):
            raise TypeError("mode must be an int (TLSConfig.AUTH_MODE_*)")
        check_err(lib.pnng_tls_config_auth_mode(self._config_ptr(), mode))

    def add_ca_file(self, path: str) -> None:
        """Adds trusted CAs (and CRLs) from a PEM file."""
        check_err(lib.pnng_tls_config_ca_file(self._config_ptr(), _c_text(_path(path), "path")))

    def set_cert_key_file(self, path: str, passwd: Optional[str] = None) -> None:
        """This side's certificate and key from one PEM file."""
        check_err(
            lib.pnng_tls_config_cert_key_file(
                self._config_ptr(), _c_text(_path(path), "path"), _c_text(passwd, "passwd")
            )
        )

    def __del__(self, _rt: object = _ffi.runtime, _free: object = lib.pnng_tls_config_free) -> None:
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr and _rt.usable:  # type: ignore[attr-defined]
            _free(ptr)  # type: ignore[operator]
