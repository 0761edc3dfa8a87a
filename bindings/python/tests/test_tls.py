"""TLS with certificates generated at run time by openssl."""

from __future__ import annotations

import pathlib
import shutil
import subprocess

import pytest

import pnng as pynng
from helpers import T, wait_pipes

if shutil.which("openssl") is None:  # pragma: no cover - the Makefile's setup installs it
    pytest.fail("openssl is needed to generate the TLS test certificates", pytrace=False)


def _openssl(cwd: pathlib.Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> pathlib.Path:
    """A CA, a server certificate for localhost/127.0.0.1, a client certificate, and a stranger CA."""
    d = tmp_path_factory.mktemp("certs")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    for ca in ("ca", "other-ca"):
        _openssl(d, "req", "-x509", *key, "-keyout", f"{ca}.key", "-out", f"{ca}.crt", "-days", "2",
                 "-subj", f"/CN=pnng test {ca}")
    (d / "server.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    (d / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for who in ("server", "client"):
        _openssl(d, "req", *key, "-keyout", f"{who}.key", "-out", f"{who}.csr", "-subj", f"/CN=pnng {who}")
        _openssl(d, "x509", "-req", "-in", f"{who}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                 "-CAcreateserial", "-days", "2", "-extfile", f"{who}.ext", "-out", f"{who}.crt")
        (d / f"{who}.pem").write_text((d / f"{who}.crt").read_text() + (d / f"{who}.key").read_text())
    return d


TLS0 = "tls+tcp://127.0.0.1:0"  # listen here, then dial _bound(sock): the system picks a free port, no race


def _bound(sock: pynng.Socket) -> str:
    return f"tls+tcp://127.0.0.1:{sock.listeners[0].port}"


def _server(certs, **kw) -> pynng.TLSConfig:
    return pynng.TLSConfig(pynng.TLSConfig.MODE_SERVER, own_cert_string=(certs / "server.crt").read_text(),
                           own_key_string=(certs / "server.key").read_text(), **kw)


def _round_trip(server: pynng.Socket, client: pynng.Socket) -> None:
    client.send(b"1234567890")
    assert server.recv() == b"1234567890"
    server.send(b"0987654321")
    assert client.recv() == b"0987654321"


def test_tls_config_strings(certs):
    with pynng.Pair0(recv_timeout=T, send_timeout=T) as server, pynng.Pair0(recv_timeout=T, send_timeout=T) as client:
        server.tls_config = _server(certs)
        client.tls_config = pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT, ca_string=(certs / "ca.crt").read_text(),
                                            server_name="localhost")
        server.listen(TLS0)
        client.dial(_bound(server), block=True)
        _round_trip(server, client)
        wait_pipes(client, 1)
        assert client.pipes[0].tls_verified is True


def test_tls_config_files_and_kwarg(certs):
    server_cfg = pynng.TLSConfig(pynng.TLSConfig.MODE_SERVER, cert_key_file=str(certs / "server.pem"))
    client_cfg = pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT, ca_files=[str(certs / "ca.crt")])
    with pynng.Pair0(listen=TLS0, tls_config=server_cfg, recv_timeout=T) as server, \
            pynng.Pair0(dial=_bound(server), tls_config=client_cfg, recv_timeout=T, block_on_dial=True) as client:
        _round_trip(server, client)


def test_tls_mutual_authentication(certs):
    server_cfg = _server(certs, ca_files=str(certs / "ca.crt"), auth_mode=pynng.TLSConfig.AUTH_MODE_REQUIRED)
    client_cfg = pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT, ca_files=str(certs / "ca.crt"),
                                 cert_key_file=str(certs / "client.pem"), server_name="localhost")
    with pynng.Pair0(listen=TLS0, tls_config=server_cfg, recv_timeout=T) as server, \
            pynng.Pair0(tls_config=client_cfg, recv_timeout=T) as client:
        url = _bound(server)
        client.dial(url, block=True)
        _round_trip(server, client)
        wait_pipes(server, 1)
        assert server.pipes[0].tls_peer_cn == "pnng client"


def test_tls_untrusted_server_is_refused(certs):
    stranger_ca = (certs / "other-ca.crt").read_text()
    with pynng.Pair0(listen=TLS0, tls_config=_server(certs)) as _server_sock, \
            pynng.Pair0(tls_config=pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT, ca_string=stranger_ca)) as client:
        url = _bound(_server_sock)
        with pytest.raises(pynng.NNGException) as info:
            client.dial(url, block=True)
        assert isinstance(info.value, (pynng.CryptoError, pynng.AuthenticationError, pynng.ConnectionShutdown,
                                       pynng.ConnectionReset, pynng.ConnectionRefused, pynng.Closed))


def test_tls_wrong_server_name_is_refused(certs):
    client_cfg = pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT, ca_string=(certs / "ca.crt").read_text(),
                                 server_name="not-the-server.example")
    with pynng.Pair0(listen=TLS0, tls_config=_server(certs)) as server, pynng.Pair0(tls_config=client_cfg) as client:
        url = _bound(server)
        with pytest.raises(pynng.NNGException):
            client.dial(url, block=True)


def test_tls_auth_mode_none_is_honoured(certs):
    # pynng 0.9.0 ignored auth_mode=AUTH_MODE_NONE (0 is falsy); pnng applies it.
    client_cfg = pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT, auth_mode=pynng.TLSConfig.AUTH_MODE_NONE)
    with pynng.Pair0(listen=TLS0, tls_config=_server(certs), recv_timeout=T) as server, \
            pynng.Pair0(tls_config=client_cfg, recv_timeout=T) as client:
        url = _bound(server)
        client.dial(url, block=True)
        _round_trip(server, client)
    # Control: the client's default (verify the server) fails without a CA.
    with pynng.Pair0(listen=TLS0, tls_config=_server(certs)) as server, \
            pynng.Pair0(tls_config=pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT)) as client:
        url = _bound(server)
        with pytest.raises(pynng.NNGException):
            client.dial(url, block=True)


def test_tls_on_dialer_and_listener_endpoints(certs):
    with pynng.Pair0(recv_timeout=T) as server, pynng.Pair0(recv_timeout=T) as client:
        listener = server.new_listener(TLS0)
        listener.tls_config = _server(certs)
        listener.start()
        dialer = client.new_dialer(f"tls+tcp://127.0.0.1:{listener.port}")
        dialer.tls_config = pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT, ca_string=(certs / "ca.crt").read_text())
        dialer.start(block=True)
        _round_trip(server, client)


def test_tls_config_validation(certs):
    cert, key = (certs / "server.crt").read_text(), (certs / "server.key").read_text()
    client = pynng.TLSConfig.MODE_CLIENT
    with pytest.raises(ValueError):
        pynng.TLSConfig(client, ca_string=cert, ca_files=[str(certs / "ca.crt")])
    with pytest.raises(ValueError):
        pynng.TLSConfig(client, own_cert_string=cert, own_key_string=key, cert_key_file=str(certs / "server.pem"))
    with pytest.raises(ValueError):
        pynng.TLSConfig(client, own_cert_string=cert)
    with pytest.raises(ValueError):
        pynng.TLSConfig(7)
    with pytest.raises(pynng.InvalidOperation):
        pynng.TLSConfig(client, auth_mode=9)
    with pytest.raises(pynng.NNGException):
        pynng.TLSConfig(client, ca_string="this is not PEM")
    with pytest.raises(pynng.NNGException):
        pynng.TLSConfig(client, ca_files=str(certs / "missing.crt"))
    with pytest.raises(ValueError):
        pynng.TLSConfig(client).set_server_name(None)
    assert (pynng.TLSConfig.MODE_CLIENT, pynng.TLSConfig.MODE_SERVER) == (0, 1)
    assert (pynng.TLSConfig.AUTH_MODE_NONE, pynng.TLSConfig.AUTH_MODE_OPTIONAL,
            pynng.TLSConfig.AUTH_MODE_REQUIRED) == (0, 1, 2)
    cfg = pynng.TLSConfig(client, server_name="")  # "" clears the name instead of being ignored
    cfg.set_server_name("localhost")
    cfg.set_ca_chain((certs / "ca.crt").read_text())
    cfg.add_ca_file(str(certs / "other-ca.crt"))


def test_tls_missing_client_certificate_is_a_crypto_error(certs):
    """pynng raises CryptoError (NNG_ECRYPTO) from the blocking dial of a client without the
    certificate the server requires."""
    server_cfg = _server(certs, ca_string=(certs / "ca.crt").read_text(),
                         auth_mode=pynng.TLSConfig.AUTH_MODE_REQUIRED)
    client_cfg = pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT, ca_string=(certs / "ca.crt").read_text(),
                                 server_name="localhost")
    with pynng.Pair0(listen=TLS0, tls_config=server_cfg) as server, pynng.Pair0(tls_config=client_cfg) as client:
        url = _bound(server)
        with pytest.raises(pynng.CryptoError) as info:
            client.dial(url, block=True)
        assert info.value.errno == pynng.lib.NNG_ECRYPTO
        assert type(info.value) is pynng.CryptoError  # a plain CryptoError, as pynng raises
        assert not isinstance(info.value, pynng.ConnectionShutdown)
        assert url in str(info.value)


def test_tls_config_methods_take_pynngs_keywords(certs):
    cfg = pynng.TLSConfig(pynng.TLSConfig.MODE_SERVER, server_name="", ca_string="", ca_files=[])
    cfg.set_own_cert(cert=(certs / "server.crt").read_text(), key=(certs / "server.key").read_text(), passwd=None)
    cfg.set_ca_chain(chain=(certs / "ca.crt").read_text(), crl=None)
    cfg.set_auth_mode(mode=pynng.TLSConfig.AUTH_MODE_OPTIONAL)
    cfg.add_ca_file(path=str(certs / "ca.crt"))
    client = pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT)
    client.set_cert_key_file(path=str(certs / "client.pem"), passwd=None)
    client.add_ca_file(path=str(certs / "ca.crt"))
    client.set_server_name("localhost")
    with pynng.Pair0(listen=TLS0, tls_config=cfg, recv_timeout=T) as server, \
            pynng.Pair0(tls_config=client, send_timeout=T, recv_timeout=T) as c:
        url = _bound(server)
        c.dial(url, block=True)
        _round_trip(server, c)
