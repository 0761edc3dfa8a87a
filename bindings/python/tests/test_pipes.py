"""Pipes, dialers, listeners and the pipe callbacks."""

from __future__ import annotations

import logging
import threading

import pytest

import pnng as pynng
from helpers import TCP0, T, bound, wait_for, wait_pipes


def test_pipes_added_and_removed(inproc):
    with pynng.Pair0(listen=inproc) as s0, pynng.Pair0() as s1:
        assert s0.pipes == () and s1.pipes == ()
        s1.dial(inproc)
        wait_pipes(s0, 1)
        wait_pipes(s1, 1)
    assert s0.pipes == () and s1.pipes == ()


def test_pipe_objects_are_stable_and_distinct(inproc):
    with pynng.Pair0(listen=inproc) as s0, pynng.Pair0(dial=inproc) as s1:
        wait_pipes(s0, 1)
        wait_pipes(s1, 1)
        p0, p1 = s0.pipes[0], s1.pipes[0]
        assert s0.pipes[0] is p0
        assert p0 is not p1 and p0.id != p1.id
        assert p0.socket is s0 and p1.socket is s1
        assert p0.pipe == p0.id


def test_close_pipe(inproc):
    with pynng.Pair0(listen=inproc) as s0, pynng.Pair0(reconnect_time_min=40000, dial=inproc) as s1:
        wait_pipes(s0, 1)
        pipe0 = s0.pipes[0]
        pipe0.close()
        assert pipe0.closed
        wait_pipes(s0, 0)
        wait_pipes(s1, 0)
        pipe0.close()  # harmless


def test_pipe_addresses_and_options():
    with pynng.Pair0(listen=TCP0) as s0, pynng.Pair0(dial=bound(s0)) as s1:
        tcp = bound(s0)
        wait_pipes(s0, 1)
        wait_pipes(s1, 1)
        p0, p1 = s0.pipes[0], s1.pipes[0]
        assert str(p0.local_address) == tcp.replace("tcp://", "")
        assert str(p0.local_address) == str(p1.remote_address)
        assert str(p1.local_address) == str(p0.remote_address)
        assert p0.url == tcp
        assert (p0.protocol, p0.peer, p0.protocol_name, p0.peer_name) == (16, 16, "pair", "pair")
        assert p0.tcp_nodelay is True
        assert p0.tcp_keepalive is False
        with pytest.raises(pynng.ReadOnly):
            p0.tcp_nodelay = False


def test_inproc_pipe_addresses(inproc):
    with pynng.Pair0(listen=inproc) as s0, pynng.Pair0(dial=inproc) as s1:
        wait_pipes(s0, 1)
        wait_pipes(s1, 1)
        local0 = s0.pipes[0].local_address
        assert isinstance(local0, pynng.sockaddr.InprocAddr)
        assert str(local0) == inproc
        assert str(local0) == str(s1.pipes[0].remote_address)


def test_pipe_dialer_and_listener(inproc):
    with pynng.Pair0() as s0, pynng.Pair0() as s1:
        listener = s0.listen(inproc)
        dialer = s1.dial(inproc)
        wait_pipes(s0, 1)
        wait_pipes(s1, 1)
        assert s0.pipes[0].listener is listener
        assert s1.pipes[0].dialer is dialer
        with pytest.raises(TypeError):
            s0.pipes[0].dialer
        with pytest.raises(TypeError):
            s1.pipes[0].listener


def test_pipe_send_and_send_msg(inproc):
    with pynng.Pair0(listen=inproc) as s0, pynng.Pair0(dial=inproc, recv_timeout=T) as s1:
        wait_pipes(s0, 1)
        pipe = s0.pipes[0]
        pipe.send(b"hello")
        assert s1.recv() == b"hello"
        msg = pynng.Message(b"it is me again")
        pipe.send_msg(msg)
        assert msg.pipe is pipe
        assert s1.recv() == b"it is me again"
        with pytest.raises(ValueError):
            pipe.send("str")


def test_dialers_and_listeners_lists(inproc):
    with pynng.Pair0() as s:
        assert s.dialers == () and s.listeners == ()
        d1 = s.dial(inproc + "a", block=False)
        d2 = s.dial(inproc + "b", block=False)
        assert set(s.dialers) == {d1, d2}
        assert d1.socket is s and d1.dialer == d1.id
        l1 = s.listen(inproc + "c")
        assert s.listeners == (l1,) and l1.listener == l1.id
        d1.close()
        d1.close()  # double close is harmless (pynng 0.9.0 raised KeyError)
        assert s.dialers == (d2,)
        l1.close()
        l1.close()
        assert s.listeners == ()
        s.listen(inproc + "c")  # the address is free again
        assert len(s.listeners) == 1


def test_listener_on_port_zero_reports_bound_port():
    with pynng.Pair0() as s:
        listener = s.listen("tcp://127.0.0.1:0")
        assert listener.port > 0
        assert listener.local_address.port_number == listener.port
        assert listener.url.endswith(f":{listener.port}")


def test_dialer_options():
    with pynng.Pair0(listen=TCP0) as s0, pynng.Pair0() as s1:
        tcp = bound(s0)
        d = s1.dial(tcp, block=True)
        assert d.url == tcp
        d.reconnect_time_min = 50
        d.reconnect_time_max = 500
        assert (d.reconnect_time_min, d.reconnect_time_max) == (50, 500)
        d.recv_max_size = 4096
        assert d.recv_max_size == 4096
        with pytest.raises(pynng.NotSupported):
            d.tls_config = pynng.TLSConfig(pynng.TLSConfig.MODE_CLIENT)  # not a TLS dialer
        with pytest.raises(TypeError, match="write-only"):
            d.tls_server_name


def test_create_then_start(ipc):
    with pynng.Pair0(recv_timeout=T) as s0, pynng.Pair0() as s1:
        listener = s0.new_listener(ipc)
        listener.ipc_permissions = 0o600  # only possible before start (pynng: Busy)
        listener.start()
        dialer = s1.new_dialer(ipc)
        dialer.reconnect_time_min = 20
        dialer.start(block=True)
        s1.send(b"started by hand")
        assert s0.recv() == b"started by hand"
        with pytest.raises(pynng.BadState):
            listener.start()


def test_dial_modes(inproc, caplog):
    with pynng.Pair1() as s0, pynng.Pair1(recv_timeout=T) as s1:
        with pytest.raises(pynng.ConnectionRefused):
            s0.dial(inproc, block=True)
        assert s0.dialers == ()
        with caplog.at_level(logging.WARNING, logger="pnng"):
            s0.dial(inproc)  # default: tries, logs once, goes on in the background
        warnings = [r for r in caplog.records if r.name == "pnng"]
        assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
        assert warnings[0].exc_info is None  # a line, not a traceback (pynng PR #114)
        s1.listen(inproc)
        s0.send(b"what a message")
        assert s1.recv() == b"what a message"
    with pynng.Pair0() as s:
        d = s.dial(inproc + "-none", block=False)  # never fails, retries in the background
        assert s.dialers == (d,)


def test_default_dial_does_not_swallow_other_errors():
    with pynng.Pair0() as s:
        with pytest.raises(pynng.NotSupported):
            s.dial("nosuchscheme://x")


def test_pre_connect_callback(inproc):
    with pynng.Pair0(listen=inproc) as s0, pynng.Pair0() as s1:
        seen = []
        s0.add_pre_pipe_connect_cb(seen.append)
        s1.dial(inproc)
        wait_pipes(s0, 1)
        wait_pipes(s1, 1)
        assert seen == [s0.pipes[0]]


def test_post_connect_and_remove_callbacks(inproc):
    events = []
    done = threading.Event()
    with pynng.Pair0(listen=inproc) as s0:
        s0.add_post_pipe_connect_cb(lambda p: events.append(("add", p.id, threading.current_thread().name)))

        def removed(pipe):
            events.append(("remove", pipe.id, threading.current_thread().name))
            done.set()

        s0.add_post_pipe_remove_cb(removed)
        with pynng.Pair0(dial=inproc):
            wait_for(lambda: events, what="post-connect callback")
        assert done.wait(10)
    assert [e[0] for e in events] == ["add", "remove"]
    assert events[0][1] == events[1][1]
    # Delivered synchronously on NNG's threads, as in pynng (not on a Python thread).
    assert all(e[2].startswith("Dummy") for e in events), events  # threading's name for foreign threads


def test_rejecting_in_pre_connect(inproc):
    with pynng.Pair0(listen=inproc) as s0, pynng.Pair0(reconnect_time_min=50, reconnect_time_max=50) as s1:
        pre, post_connect, post_remove = [], [], []

        def reject(pipe):
            pre.append(pipe)
            pipe.close()

        s0.add_pre_pipe_connect_cb(reject)
        s0.add_post_pipe_connect_cb(post_connect.append)
        s0.add_post_pipe_remove_cb(post_remove.append)
        s1.dial(inproc, block=False)
        wait_for(lambda: len(pre) >= 2, what="two rejected connection attempts")
        assert post_connect == [] and post_remove == []
        assert s0.pipes == ()
        s0.remove_pre_pipe_connect_cb(reject)
        wait_pipes(s0, 1)  # the next attempt is accepted
        wait_for(lambda: post_connect, what="post-connect after acceptance")
        assert post_remove == []


def test_remove_callbacks(inproc):
    with pynng.Pair0() as s:
        cb = lambda pipe: None  # noqa: E731
        for add, remove in [(s.add_pre_pipe_connect_cb, s.remove_pre_pipe_connect_cb),
                            (s.add_post_pipe_connect_cb, s.remove_post_pipe_connect_cb),
                            (s.add_post_pipe_remove_cb, s.remove_post_pipe_remove_cb)]:
            add(cb)
            remove(cb)
            with pytest.raises(ValueError):
                remove(cb)


def test_bad_callbacks_are_logged_and_others_still_run(inproc, caplog):
    called = threading.Event()
    with pynng.Pair0(listen=inproc) as s0:
        s0.add_pre_pipe_connect_cb(8)  # not callable
        s0.add_pre_pipe_connect_cb(lambda pipe: 1 / 0)
        s0.add_pre_pipe_connect_cb(lambda pipe: called.set())
        with caplog.at_level(logging.ERROR, logger="pnng"):
            with pynng.Pair0(dial=inproc):
                assert called.wait(10)
                wait_pipes(s0, 1)
    assert sum("pre pipe connect" in r.getMessage() for r in caplog.records) == 2


def test_pair1_polyamorous_pipe_routing(inproc):
    with pynng.Pair1(listen=inproc, polyamorous=True, recv_timeout=T) as s0, \
            pynng.Pair1(dial=inproc, polyamorous=True, recv_timeout=T) as s1:
        wait_pipes(s0, 1)
        p1 = s0.pipes[0]
        with pynng.Pair1(dial=inproc, polyamorous=True, recv_timeout=T) as s2:
            wait_pipes(s0, 2)
            p2 = next(p for p in s0.pipes if p is not p1)
            p1.send(b"hello s1")
            assert s1.recv() == b"hello s1"
            p2.send(b"hello there s2")
            assert s2.recv() == b"hello there s2"


def test_callbacks_dont_keep_socket_alive_or_run_after_collection(inproc):
    import gc
    import weakref

    s = pynng.Pair0(listen=inproc)
    s.add_post_pipe_connect_cb(lambda pipe: None)
    s.add_pre_pipe_connect_cb(lambda pipe: None)
    ref = weakref.ref(s)
    del s
    gc.collect()
    assert ref() is None
    with pynng.Pair0() as again:  # the old socket was really closed: its address is free
        again.listen(inproc)
