"""pynng 0.9.0 code that must run unchanged on pnng (``import pnng as pynng``): one test (or a
few) per behaviour, each written as a pynng user writes it and checking what pynng does."""

from __future__ import annotations

import logging
import os
import pathlib
import re
import subprocess
import sys
import threading
import time

import pytest

import pnng as pynng
from helpers import TCP0, T, bound, free_tcp_port, listen_tcp, next_id, retry_in_use, wait_for, wait_pipes

ROOT = pathlib.Path(__file__).resolve().parents[3]


# ---- user attributes --------------------------------------------------------------------------


def test_user_attributes_on_every_object(inproc):
    with pynng.Pair0(listen=inproc) as s0, pynng.Pair0() as s1:
        s0.user_tag = 1
        dialer = s1.dial(inproc, block=True)
        dialer.purpose = "main"
        listener = s0.listeners[0]
        listener.purpose = "accept"
        wait_pipes(s0, 1)
        assert s0.user_tag == 1
        assert s1.dialers[0].purpose == "main"  # the same Dialer object, even unreferenced
        del dialer
        assert s1.dialers[0].purpose == "main"
        assert s0.listeners[0].purpose == "accept"
        msg = pynng.Message(b"x")
        msg.note = "hello"
        assert msg.note == "hello"
    with pynng.Req0() as req:
        ctx = req.new_context()
        ctx.request_id = 7
        assert ctx.request_id == 7
        ctx.close()


def test_pipe_attributes_set_in_callback_are_seen_everywhere(inproc):
    removed = []
    with pynng.Pair0(listen=inproc, recv_timeout=T) as s0, pynng.Pair0(send_timeout=T) as s1:
        def on_connect(pipe):
            pipe.client_name = "client-1"

        s0.add_post_pipe_connect_cb(on_connect)
        s0.add_post_pipe_remove_cb(lambda pipe: removed.append(pipe.client_name))
        s1.dial(inproc, block=True)
        wait_pipes(s0, 1)
        s1.send(b"hi")
        msg = s0.recv_msg()
        assert msg.pipe.client_name == "client-1"
        assert s0.pipes[0].client_name == "client-1"
        assert msg.pipe is s0.pipes[0]
        del msg
        s1.close()
        wait_for(lambda: removed == ["client-1"], what="remove callback")


def test_mistyped_options_still_raise_with_a_hint():
    with pynng.Pair0() as s:
        with pytest.raises(AttributeError, match="did you mean 'recv_timeout'"):
            s.recv_timout = 100  # type: ignore[attr-defined]
        with pytest.raises(AttributeError, match="recv_max_size"):
            s.recv_max_sizes = 1  # type: ignore[attr-defined]
        s.names = ["a"]  # not a near miss of the short option "name"
        s.protocol_version = 2  # far from every option
        assert s.names == ["a"] and s.protocol_version == 2


# ---- subclassing -----------------------------------------------------------------------------


def test_subclass_with_opener(inproc):
    class MyPair(pynng.Socket):
        _opener = pynng.lib.nng_pair0_open

    class Sub(MyPair):
        pass

    with MyPair(listen=inproc, recv_timeout=T) as a, Sub(dial=inproc, send_timeout=T) as b:
        assert a.protocol_name == "pair" and b.protocol_name == "pair"
        b.send(b"sub")
        assert a.recv() == b"sub"
    with pytest.raises(TypeError):
        pynng.Socket()


# ---- lib constants and raw handles ---------------------------------------------------------------


def _header_values(path: pathlib.Path, prefix: str) -> dict:
    """``#define PREFIX_NAME value`` and ``PREFIX_NAME = value`` (enums) with integer values."""
    text = path.read_text()
    found = {}
    for m in re.finditer(rf"#define\s+{prefix}(\w+)\s+\(?(-?(?:0x[0-9a-fA-F]+|\d+))u?\)?", text):
        found[m.group(1)] = int(m.group(2), 0)
    for m in re.finditer(rf"\b{prefix}(\w+)\s*=\s*(-?(?:0x[0-9a-fA-F]+|\d+))", text):
        found[m.group(1)] = int(m.group(2), 0)
    return found


def test_lib_constants_match_the_headers():
    pnng_h = _header_values(ROOT / "include" / "pnng.h", "PNNG_")
    nng_inc = ROOT / "vendor" / "nng-sys" / "nng" / "include" / "nng"
    nng_h = _header_values(nng_inc / "nng.h", "NNG_")
    nng_h.update(_header_values(nng_inc / "supplemental" / "tls" / "tls.h", "NNG_"))
    enum = re.search(r"typedef enum \{([^}]*)\}\s*nng_pipe_ev;", (nng_inc / "nng.h").read_text())
    assert enum is not None
    for i, name in enumerate(re.findall(r"NNG_(PIPE_EV_\w+)", enum.group(1))):  # implicit values
        nng_h[name] = i
    names = [n for n in dir(pynng.lib) if n.startswith("NNG_")]
    wanted = ["NNG_EADDRINUSE", "NNG_EPERM", "NNG_ECRYPTO", "NNG_EPEERAUTH", "NNG_ENOMEM", "NNG_ESTATE",
              "NNG_FLAG_ALLOC", "NNG_FLAG_NONBLOCK", "NNG_TLS_1_2", "NNG_TLS_1_3", "NNG_TLS_AUTH_MODE_REQUIRED",
              "NNG_TLS_MODE_SERVER", "NNG_PIPE_EV_ADD_PRE", "NNG_PIPE_EV_REM_POST", "NNG_STAT_COUNTER",
              "NNG_UNIT_BYTES", "NNG_MAJOR_VERSION", "NNG_MINOR_VERSION", "NNG_PATCH_VERSION"]
    assert set(wanted) <= set(names)
    for code in range(1, 32):
        assert any(getattr(pynng.lib, n) == code for n in names if n[4] == "E"), code
    for name in names:
        key = name[4:]
        value = getattr(pynng.lib, name)
        assert isinstance(value, int), name
        if key in nng_h:
            assert value == nng_h[key], name
        if key in pnng_h:
            assert value == pnng_h[key], name
        assert key in nng_h or key in pnng_h or key.endswith("_VERSION"), f"{name} is in neither header"
    version = tuple(getattr(pynng.lib, f"NNG_{p}_VERSION") for p in ("MAJOR", "MINOR", "PATCH"))
    assert version == tuple(nng_h[f"{p}_VERSION"] for p in ("MAJOR", "MINOR", "PATCH"))
    assert f"NNG {'.'.join(map(str, version))}" in pynng.version()
    for proto in ("pair0", "pair1", "req0", "rep0", "pub0", "sub0", "push0", "pull0", "surveyor0",
                  "respondent0", "bus0"):
        assert callable(getattr(pynng.lib, f"nng_{proto}_open"))
        assert callable(getattr(pynng.lib, f"nng_{proto}_open_raw"))


def test_raw_handles_have_id(inproc):
    with pynng.Rep0(listen=inproc) as rep, pynng.Req0(dial=inproc) as req:
        wait_pipes(rep, 1)
        assert rep.socket.id == rep.id
        assert rep.pipes[0].pipe.id == rep.pipes[0].id
        assert req.dialers[0].dialer.id == req.dialers[0].id
        assert rep.listeners[0].listener.id == rep.listeners[0].id
        ctx = req.new_context()
        assert ctx.context.id == ctx.id
        ctx.close()


# ---- pipe callbacks ------------------------------------------------------------------------------


def test_blocking_dial_returns_after_post_connect_callbacks(inproc):
    for _ in range(20):
        seen = []
        with pynng.Pair0(listen=inproc), pynng.Pair0() as s1:
            s1.add_post_pipe_connect_cb(lambda pipe: (time.sleep(0.01), seen.append(pipe)))
            s1.dial(inproc, block=True)
            assert len(seen) == 1, "dial(block=True) returned before its post-connect callback ran"
            assert seen[0] is s1.pipes[0]


def test_pre_connect_callback_sees_its_pipe_in_pipes(inproc):
    counts = []
    with pynng.Pair0(listen=inproc) as s0, pynng.Pair0() as s1:
        s0.add_pre_pipe_connect_cb(lambda pipe: counts.append((len(pipe.socket.pipes), pipe in pipe.socket.pipes)))
        s1.dial(inproc, block=True)
        wait_for(lambda: counts, what="pre-connect callback")
        assert counts == [(1, True)]
        wait_pipes(s0, 1)


def test_rejected_pipe_leaves_no_trace(inproc):
    events = []
    with pynng.Pair0(listen=inproc) as s0, pynng.Pair0(reconnect_time_min=40000) as s1:
        s0.add_pre_pipe_connect_cb(lambda pipe: pipe.close())
        s0.add_post_pipe_connect_cb(lambda pipe: events.append("post"))
        s0.add_post_pipe_remove_cb(lambda pipe: events.append("remove"))
        s1.dial(inproc, block=False)
        time.sleep(0.2)
        assert s0.pipes == () and events == []


def test_slow_callback_on_one_socket_does_not_delay_another(inproc):
    release = threading.Event()
    b_done = threading.Event()
    a_url, b_url = inproc + "-a", inproc + "-b"
    with pynng.Pair0(listen=a_url) as a, pynng.Pair0(listen=b_url) as b, \
            pynng.Pair0() as da, pynng.Pair0() as db:
        a.add_post_pipe_connect_cb(lambda pipe: release.wait(10))
        b.add_post_pipe_connect_cb(lambda pipe: b_done.set())
        da.dial(a_url, block=False)
        time.sleep(0.1)
        db.dial(b_url, block=False)
        assert b_done.wait(5), "socket B's callback waited for socket A's"
        release.set()


def test_no_callback_after_close_returned(inproc):
    running = threading.Event()
    finished = []
    late = []
    with pynng.Pair0() as d:
        s = pynng.Pair0(listen=inproc)
        closed = threading.Event()

        def slow(pipe):
            running.set()
            time.sleep(0.3)
            finished.append(pipe)
            if closed.is_set():
                late.append(pipe)

        s.add_post_pipe_connect_cb(slow)
        s.add_post_pipe_remove_cb(lambda pipe: late.append(pipe) if closed.is_set() else None)
        d.dial(inproc, block=False)
        assert running.wait(5)
        s.close()
        closed.set()
        assert finished, "close() returned while a callback was still running"
        time.sleep(0.2)
        assert late == []


def test_close_socket_from_its_own_callback(inproc):
    done = threading.Event()
    with pynng.Pair0() as d:
        s = pynng.Pair0(listen=inproc)

        def close_me(pipe):
            pipe.socket.close()
            done.set()

        s.add_post_pipe_connect_cb(close_me)
        d.dial(inproc, block=True)
        assert done.wait(5)
        assert s.closed
        wait_for(lambda: d.pipes == (), what="the closed socket's pipe to go")


# ---- TLSConfig -----------------------------------------------------------------------------------


def test_tls_config_keyword_names(tmp_path):
    cfg = pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT, server_name="", ca_string="", own_key_string="",
                          own_cert_string="", cert_key_file="", ca_files=[])
    cfg.set_auth_mode(mode=pynng.TLSConfig.AUTH_MODE_NONE)
    with pytest.raises(pynng.NNGException):
        cfg.set_ca_chain(chain="not a certificate", crl=None)
    with pytest.raises(pynng.NNGException):
        cfg.set_own_cert(cert="x", key="y", passwd=None)
    with pytest.raises(pynng.NNGException):
        cfg.add_ca_file(path=str(tmp_path / "missing.pem"))
    with pytest.raises(pynng.NNGException):
        cfg.set_cert_key_file(path=str(tmp_path / "missing.pem"), passwd=None)


# ---- curio: see test_async.py ------------------------------------------------------------------

# ---- Message._buffer -----------------------------------------------------------------------------


def test_message_buffer_indexes_like_pynng(inproc):
    with pynng.Pair0(listen=inproc, recv_timeout=T) as s0, pynng.Pair0(dial=inproc, send_timeout=T) as s1:
        s1.send(b"abcdef")
        msg = s0.recv_msg()
        buf = msg._buffer
        assert buf[0] == b"a"
        assert buf[1:3] == b"bc"
        assert len(buf) == 6 and bytes(buf) == b"abcdef"
        buf[0] = b"x"
        assert msg.bytes == b"xbcdef"
        assert bytes(msg.buffer) == b"xbcdef"
        s0.send_msg(msg)  # a message with a view is sent as a copy
        assert s1.recv() == b"xbcdef"
        assert buf[0] == b"x"  # the view is still valid
    made = pynng.Message(b"hello")
    made._buffer[0] = b"j"
    assert made.bytes == b"jello"


# ---- bad option values ---------------------------------------------------------------------------


@pytest.mark.parametrize("attr,value,exc", [
    ("recv_timeout", "abc", ValueError),
    ("recv_timeout", "100", ValueError),
    ("recv_timeout", 1.5, ValueError),
    ("recv_timeout", 2**40, OverflowError),
    ("recv_max_size", -1, OverflowError),
    ("recv_max_size", 2**70, OverflowError),
    ("recv_max_size", "abc", ValueError),
    ("recv_buffer_size", 2**40, OverflowError),
    ("recv_buffer_size", "x", ValueError),
    ("tcp_nodelay", 2, OverflowError),
    ("tcp_nodelay", "x", TypeError),
    ("recv_timeout", None, TypeError),
])
def test_bad_option_values_raise_pynngs_classes(attr, value, exc):
    with pynng.Pair0() as s:
        with pytest.raises(exc):
            setattr(s, attr, value)
        s.recv_max_size = 1.0
        assert s.recv_max_size == 1


def test_listen_flags_and_private_dial(inproc):
    with pynng.Pair0() as s, pynng.Pair0() as d:
        for i, flags in enumerate((0, 1, pynng.lib.NNG_FLAG_NONBLOCK, 4)):
            s.listen(f"{inproc}-{i}", flags=flags)
        assert len(s.listeners) == 4
        d._dial(f"{inproc}-9", flags=pynng.lib.NNG_FLAG_NONBLOCK)  # not there yet: background
        s.listen(f"{inproc}-9")
        wait_pipes(d, 1)


# ---- recv_max_size default and the oversize log ----------------------------------------------------


def test_large_message_received_by_default():
    with pynng.Pair0(listen=TCP0, recv_timeout=T) as s0, pynng.Pair0(dial=bound(s0), send_timeout=T) as s1:
        assert s0.recv_max_size == 0
        data = os.urandom(2 << 20)
        s1.send(data)
        assert s0.recv() == data


@pytest.mark.parametrize("scheme", ["tcp", "ws", "inproc"])
def test_oversize_message_is_logged(scheme, caplog):
    caplog.set_level(logging.WARNING, logger="pnng")

    def listen(s0: pynng.Socket, url: str) -> str:
        s0.listen(url)
        return url

    with pynng.Pair0(recv_max_size=1000, recv_timeout=300) as s0:
        if scheme == "tcp":
            url = listen_tcp(s0)  # port 0: no race for the port
        elif scheme == "ws":  # NNG shares one HTTP server per host:port: no port 0, retry a taken port
            url = retry_in_use(lambda port: listen(s0, f"ws://127.0.0.1:{port}/big"))
        else:
            url = listen(s0, f"inproc://oversize-{next_id()}")
        with pynng.Pair0(dial=url, send_timeout=T) as s1:
            wait_pipes(s0, 1)
            s1.send(b"x" * 2000)
            with pytest.raises(pynng.Timeout):
                s0.recv()
            wait_for(lambda: any("RCVMAX" in r.getMessage() or "2000" in r.getMessage() for r in caplog.records),
                     what="the oversize warning")


# ---- fork -----------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_inherited_objects_raise_runtime_error_after_fork(inproc):
    code = r"""
import os, sys
import pnng as pynng
s = pynng.Pair0(listen=sys.argv[1])
d = pynng.Pair0(dial=sys.argv[1])
pid = os.fork()
if pid == 0:
    rc = 0
    for f in (lambda: s.send(b"x"), lambda: s.recv(block=False), lambda: s.pipes,
              lambda: setattr(s, "recv_timeout", 1), lambda: s.listen("inproc://other"),
              lambda: d.dialers[0].url, lambda: pynng.Pair0()):
        try:
            f()
            rc = 1
        except RuntimeError:
            pass
        except BaseException as e:
            print("wrong exception", type(e), e)
            rc = 2
    s.close()
    os._exit(rc)
_, status = os.waitpid(pid, 0)
print("child", os.waitstatus_to_exitcode(status))
s.close(); d.close()
"""
    out = subprocess.run([sys.executable, "-c", code, inproc], capture_output=True, text=True, timeout=60)
    assert "child 0" in out.stdout, out.stdout + out.stderr


# ---- errors of dial and listen name the URL --------------------------------------------------------


def test_dial_and_listen_errors_name_the_url():
    with pynng.Pair0() as s:
        refused = f"tcp://127.0.0.1:{free_tcp_port()}"  # nobody listens there
        with pytest.raises(pynng.ConnectionRefused) as info:
            s.dial(refused, block=True)
        assert refused in str(info.value) and "dial" in str(info.value)
        with pynng.Pair0(listen=TCP0) as s0:
            taken = bound(s0)
            with pytest.raises(pynng.AddressInUse) as info2:
                s.listen(taken)
        assert taken in str(info2.value) and "listen" in str(info2.value)
        with pytest.raises(pynng.NotSupported) as info3:
            s.dial("nope://x")
        assert "nope://x" in str(info3.value)


def test_default_dial_falls_back_with_a_warning(caplog):
    caplog.set_level(logging.WARNING, logger="pnng")

    def attempt(port: int) -> None:  # dials before anything listens: a new port if another process took it
        url = f"tcp://127.0.0.1:{port}"
        with pynng.Pair0() as s:
            s.dial(url)  # nobody listens: a warning, then a background dial
            assert any(url in r.getMessage() for r in caplog.records)
            with pynng.Pair0() as s0:
                s0.listen(url)
                wait_pipes(s, 1)

    retry_in_use(attempt)


def test_type_checkers_still_flag_a_misspelled_option(tmp_path):
    """User attributes are accepted at run time only: mypy --strict still reports a typo."""
    pytest.importorskip("mypy")
    src = tmp_path / "typo.py"
    src.write_text("import pnng\ns = pnng.Pair0()\ns.recv_timout = 100\ns.recv_timeout = 100\n")
    out = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(src)],
                         capture_output=True, text=True, timeout=120, cwd=ROOT / "bindings" / "python")
    assert '"Pair0" has no attribute "recv_timout"' in out.stdout, out.stdout + out.stderr
    assert out.stdout.count("error:") == 1, out.stdout


def test_dialer_start_default_falls_back_through_the_c_layer(caplog):
    caplog.set_level(logging.WARNING, logger="pnng")

    def attempt(port: int) -> None:  # dials before anything listens: a new port if another process took it
        url = f"tcp://127.0.0.1:{port}"
        with pynng.Pair0() as s:
            d = s.new_dialer(url)
            d.start()  # nobody listens: libpnng's warning (with the URL), then a background dial
            assert any(url in r.getMessage() for r in caplog.records)
            with pynng.Pair0() as s0:
                s0.listen(url)
                wait_pipes(s, 1)
            d2 = s.new_dialer(f"tcp://127.0.0.1:{free_tcp_port()}")
            with pytest.raises(pynng.ConnectionRefused):
                d2.start(block=True)

    retry_in_use(attempt)
