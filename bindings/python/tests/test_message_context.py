"""Message, Context and the SockAddr classes."""

from __future__ import annotations

import os

import pytest

import pnng as pynng
from helpers import TCP0, T, bound, wait_pipes


# ---- Message ------------------------------------------------------------------------------------------


def test_message_from_data_is_immutable():
    data = bytearray(b"original")
    msg = pynng.Message(data)
    data[:] = b"changed!"
    assert msg.bytes == b"original"
    assert msg.pipe is None
    with pytest.raises(AttributeError):
        msg.bytes = b"other"
    msg.anything = 1  # user attributes, as in pynng
    assert msg.anything == 1
    assert bytes(msg._buffer) == b"original"
    assert msg.header == b""


def test_message_bad_input():
    with pytest.raises(ValueError):
        pynng.Message("str")
    with pytest.raises(TypeError):
        pynng.Message(42)
    with pytest.raises(ValueError):
        pynng.Message(b"x", pipe="not a pipe")
    with pytest.raises(ValueError):
        pynng.Message(b"x").pipe = 3


def test_send_recv_msg_with_pipe(inproc):
    with pynng.Pair0(listen=inproc, recv_timeout=T) as s1, pynng.Pair0(dial=inproc, recv_timeout=T) as s2:
        wait_pipes(s1, 1)
        pipe = s1.pipes[0]
        msg = pynng.Message(b"oh hello friend", pipe)
        s1.send_msg(msg)
        assert msg.pipe is pipe
        msg2 = s2.recv_msg()
        assert isinstance(msg2, pynng.Message)
        assert msg2.bytes == b"oh hello friend"
        assert msg2.pipe is s2.pipes[0]


def test_cannot_double_send(inproc):
    with pynng.Req0(listen=inproc, recv_timeout=T) as s1, pynng.Rep0(dial=inproc, recv_timeout=T) as s2:
        msg = pynng.Message(b"this is great")
        s1.send_msg(msg)
        with pytest.raises(pynng.MessageStateError):
            s1.send_msg(msg)
        with s1.new_context() as ctx:
            msg = pynng.Message(b"this also is great")
            ctx.send_msg(msg)
            with pytest.raises(pynng.MessageStateError):
                ctx.send_msg(msg)
        assert s2.recv_msg().bytes == b"this is great"
    assert not issubclass(pynng.MessageStateError, pynng.NNGException)


def test_failed_send_keeps_message_sendable(inproc):
    with pynng.Pair0(listen=inproc, send_timeout=1) as s:
        msg = pynng.Message(b"retry me")
        with pytest.raises(pynng.Timeout):
            s.send_msg(msg)
        with pytest.raises(pynng.TryAgain):
            s.send_msg(msg, block=False)
        with pynng.Pair0(dial=inproc, recv_timeout=T) as peer:
            s.send_timeout = T
            s.send_msg(msg)
            assert peer.recv() == b"retry me"


def test_received_message_forwarding_and_zero_copy_view(inproc):
    with pynng.Pair0(listen=inproc + "a", recv_timeout=T) as a0, pynng.Pair0(dial=inproc + "a") as a1, \
            pynng.Pair0(listen=inproc + "b", recv_timeout=T) as b0, pynng.Pair0(dial=inproc + "b") as b1:
        a1.send(b"forward me")
        received = a0.recv_msg()
        view = received.buffer
        assert view.readonly and bytes(view) == b"forward me"
        b1.send_msg(received)  # a view is out, so pnng sends a copy and the view stays valid
        assert b0.recv() == b"forward me"
        assert bytes(view) == b"forward me"
        with pytest.raises(pynng.MessageStateError):
            b1.send_msg(received)
        a1.send(b"no view this time")
        untouched = a0.recv_msg()
        b1.send_msg(untouched)  # zero-copy hand-over of NNG's buffer
        assert b0.recv() == b"no view this time"
        with pytest.raises(pynng.MessageStateError):
            untouched.bytes  # never read before it was given away


def test_empty_messages(inproc):
    with pynng.Pair0(listen=inproc, recv_timeout=T) as s0, pynng.Pair0(dial=inproc) as s1:
        s1.send(b"")
        assert s0.recv() == b""  # pynng 0.9.0: RuntimeError (issue #104)
        s1.send_msg(pynng.Message(b""))
        msg = s0.recv_msg()
        assert msg.bytes == b"" and bytes(msg.buffer) == b""


# ---- Context ------------------------------------------------------------------------------------------


def test_context_sync_req_rep(inproc):
    with pynng.Req0(listen=inproc, recv_timeout=T) as req_sock, pynng.Rep0(dial=inproc, recv_timeout=T) as rep_sock:
        with req_sock.new_context() as req, rep_sock.new_context() as rep:
            assert req.socket is req_sock and req.context == req.id
            req.send(b"i am requesting")
            assert rep.recv() == b"i am requesting"
            rep.send(b"i am responding")
            assert req.recv() == b"i am responding"
            with pytest.raises(pynng.BadState):
                req.recv()
            with pytest.raises(pynng.BadState):
                rep.send(b"I cannot do this")


def test_context_messages_carry_pipes(inproc):
    with pynng.Req0(listen=inproc, recv_timeout=T) as s1, pynng.Rep0(dial=inproc, recv_timeout=T) as s2:
        with s1.new_context() as ctx1, s2.new_context() as ctx2:
            wait_pipes(s1, 1)
            ctx1.send_msg(pynng.Message(b"do i even know you"))
            msg2 = ctx2.recv_msg()
            assert msg2.pipe is s2.pipes[0] and msg2.bytes == b"do i even know you"
            ctx2.send_msg(pynng.Message(b"yes of course"))
            msg4 = ctx1.recv_msg()
            assert msg4.pipe is s1.pipes[0] and msg4.bytes == b"yes of course"


def test_context_timeouts_are_independent(inproc):
    with pynng.Rep0(listen=inproc) as s:
        ctx1, ctx2 = s.new_context(), s.new_context()
        assert ctx1.recv_timeout == -1 and ctx1.send_timeout == -1
        ctx1.recv_timeout = 1
        ctx2.recv_timeout = 500
        ctx1.send_timeout = 100
        assert (ctx1.recv_timeout, ctx2.recv_timeout, ctx1.send_timeout) == (1, 500, 100)
        assert s.recv_timeout == -1
        with pytest.raises(pynng.Timeout):
            ctx1.recv()  # pynng 0.9.0 had no context timeouts and blocked forever here
        ctx1.close()
        ctx2.close()


def test_context_close_is_idempotent_and_closes_ops(inproc):
    with pynng.Rep0(listen=inproc) as s:
        ctx = s.new_context()
        ctx.close()
        ctx.close()
        assert ctx.closed
        with pytest.raises(pynng.Closed):
            ctx.recv()
        with pytest.raises(pynng.Closed):
            ctx.send(b"x")
    with pynng.Rep0() as s:
        ctx = s.new_context()
    with pytest.raises(pynng.Closed):
        ctx.recv()  # closing the socket closed its contexts


def test_context_constructor_and_bad_input(inproc):
    with pynng.Req0() as s:
        with pynng.Context(s) as ctx:
            assert ctx.socket is s
            with pytest.raises(ValueError):
                ctx.send("str")
    with pytest.raises(TypeError):
        pynng.Context("not a socket")


def test_sub0_context_subscriptions(inproc):
    with pynng.Pub0(listen=inproc) as pub, pynng.Sub0(dial=inproc) as sub:
        with sub.new_context() as news, sub.new_context() as sport:
            news.recv_timeout = sport.recv_timeout = T
            news.subscribe("news")
            sport.subscribe(b"sport")
            wait_pipes(pub, 1)
            pub.send(b"sport: 1-0")
            pub.send(b"news: rain")
            assert news.recv() == b"news: rain"
            assert sport.recv() == b"sport: 1-0"
            news.unsubscribe("news")
            with pytest.raises(pynng.NoEntry):
                news.unsubscribe("news")


def test_surveyor_contexts(inproc):
    with pynng.Surveyor0(listen=inproc, survey_time=T) as sv, pynng.Respondent0(dial=inproc, recv_timeout=T) as r:
        wait_pipes(sv, 1)
        with sv.new_context() as c1, sv.new_context() as c2, r.new_context() as rc:
            c1.send(b"q1")
            c2.send(b"q2")
            for _ in range(2):
                q = rc.recv()
                rc.send(q + b"!")
            assert c1.recv() == b"q1!"
            assert c2.recv() == b"q2!"


# ---- SockAddr -----------------------------------------------------------------------------------------


def test_sockaddr_inet():
    with pynng.Pair1(listen=TCP0) as s0:
        tcp, port = bound(s0), s0.listeners[0].port
        assert port > 0
        sa = s0.listeners[0].local_address
        assert isinstance(sa, pynng.sockaddr.InAddr) and isinstance(sa, pynng.SockAddr)
        assert sa.family == pynng.lib.NNG_AF_INET and sa.family_as_str == "inet"
        assert sa.port == ((port >> 8) | ((port & 0xFF) << 8))  # network order, as pynng
        assert sa.port_number == port
        assert sa.addr == 127 | 0 << 8 | 0 << 16 | 1 << 24
        assert sa.host == "127.0.0.1"
        assert str(sa) == tcp.replace("tcp://", "")


def test_sockaddr_ipc_and_inproc(ipc, inproc):
    path = ipc[len("ipc://"):]
    with pynng.Pair1(listen=ipc) as s0:
        sa = s0.listeners[0].local_address
        assert isinstance(sa, pynng.sockaddr.IPCAddr)
        assert sa.path == path and str(sa) == path and sa.path_bytes == path.encode()
        assert sa.family_as_str == "ipc"
    with pynng.Pair1(listen=inproc) as s0:
        sa = s0.listeners[0].local_address
        assert isinstance(sa, pynng.sockaddr.InprocAddr)
        assert str(sa) == inproc and sa.name == inproc


def test_sockaddr_ipv6():
    import socket

    with socket.socket(socket.AF_INET6) as probe:
        probe.bind(("::1", 0))
        port = probe.getsockname()[1]
    url = f"tcp://[::1]:{port}"
    with pynng.Pair1(listen=url, recv_timeout=T) as s0, pynng.Pair1(dial=url) as s1:
        sa = s0.listeners[0].local_address
        assert isinstance(sa, pynng.sockaddr.In6Addr)
        assert sa.addr == b"\x00" * 15 + b"\x01"
        assert str(sa) == f"[::1]:{port}" and sa.family_as_str == "inetv6"
        s1.send(b"v6")
        assert s0.recv() == b"v6"


def test_sockaddr_abstract():
    name = f"pnng-py-abstract-{os.getpid()}"
    with pynng.Pair0(recv_timeout=T) as s0, pynng.Pair0(recv_timeout=T) as s1:
        listener = s0.listen(f"abstract://{name}")
        s1.dial(f"abstract://{name}")
        s0.send(b"hello")
        assert s1.recv() == b"hello"
        sa = listener.local_address
        assert isinstance(sa, pynng.sockaddr.AbstractAddr)
        assert sa.family == pynng.lib.NNG_AF_ABSTRACT == 6
        assert sa.family_as_str == "abstract"
        assert sa.name_bytes == name.encode() and sa.name == name
        assert str(sa) == f"abstract://{name}"
    assert pynng.sockaddr.SockAddr.type_to_str[pynng.lib.NNG_AF_ABSTRACT] == "abstract"


def test_sockaddr_abstract_with_nul_and_spaces():
    url = f"abstract://pnng%00with%20spaces-{os.getpid()}"
    with pynng.Pair0(recv_timeout=T) as s0, pynng.Pair0(recv_timeout=T) as s1:
        listener = s0.listen(url)
        s1.dial(url)
        s0.send(b"x")
        assert s1.recv() == b"x"
        sa = listener.local_address
        assert sa.name_bytes == f"pnng\x00with spaces-{os.getpid()}".encode()
        assert str(sa).startswith("abstract://")


def test_sockaddr_unspecified_and_equality():
    with pynng.Pair0(listen=TCP0) as s0, pynng.Pair0() as s1:
        d = s1.dial(bound(s0), block=True)
        sa = d.local_address
        assert type(sa) is pynng.SockAddr and sa.family == 0
        assert repr(sa) == "nng_sockaddr {.family = 0}"
        assert s0.listeners[0].local_address == s0.listeners[0].local_address
        with pytest.raises(pynng.NotSupported):
            d.remote_address
