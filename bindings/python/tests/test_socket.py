"""Socket construction, keyword arguments, attributes/options, protocols and bad input."""

from __future__ import annotations

import inspect

import pytest

import pnng as pynng
from helpers import TCP0, T, bound, retry_in_use, wait_pipes

SOCKET_KWARGS = [
    "dial", "listen", "recv_timeout", "send_timeout", "recv_buffer_size", "send_buffer_size",
    "recv_max_size", "reconnect_time_min", "reconnect_time_max", "opener", "block_on_dial", "name",
    "tls_config", "async_backend",
]

# class → (protocol, peer, protocol_name, peer_name, supports contexts)
PROTOCOLS = {
    pynng.Pair0: (16, 16, "pair", "pair", False),
    pynng.Pair1: (17, 17, "pair1", "pair1", False),
    pynng.Req0: (48, 49, "req", "rep", True),
    pynng.Rep0: (49, 48, "rep", "req", True),
    pynng.Pub0: (32, 33, "pub", "sub", False),
    pynng.Sub0: (33, 32, "sub", "pub", True),
    pynng.Push0: (80, 81, "push", "pull", False),
    pynng.Pull0: (81, 80, "pull", "push", False),
    pynng.Surveyor0: (98, 99, "surveyor", "respondent", True),
    pynng.Respondent0: (99, 98, "respondent", "surveyor", True),
    pynng.Bus0: (112, 112, "bus", "bus", False),
}


def test_socket_keyword_only_signature():
    params = inspect.signature(pynng.Socket.__init__).parameters
    for name in SOCKET_KWARGS:
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY
        assert params[name].default is None
    with pytest.raises(TypeError):
        pynng.Pair0("tcp://127.0.0.1:1")  # no positional arguments


def test_socket_cannot_be_instantiated_directly():
    with pytest.raises(TypeError, match="Cannot directly instantiate"):
        pynng.Socket()


def test_unknown_keyword_argument_is_a_type_error():
    with pytest.raises(TypeError, match="polyamorous"):
        pynng.Pair0(polyamorous=True)
    with pytest.raises(TypeError, match="recv_timout"):
        pynng.Pair0(recv_timout=10)


@pytest.mark.parametrize("cls", list(PROTOCOLS), ids=lambda c: c.__name__)
def test_protocol_identity_and_defaults(cls):
    proto, peer, proto_name, peer_name, contexts = PROTOCOLS[cls]
    with cls() as s:
        assert isinstance(s, pynng.Socket)
        assert (s.protocol, s.peer, s.protocol_name, s.peer_name) == (proto, peer, proto_name, peer_name)
        assert s.raw is False
        assert s.name == str(s.id)
        assert s.recv_timeout == -1 and s.send_timeout == -1
        assert s.recv_buffer_size >= 0 and s.send_buffer_size >= 0  # protocol-specific defaults
        assert s.recv_max_size == 0  # NNG's and pynng's default: no limit
        assert s.reconnect_time_min == 1000 and s.reconnect_time_max == 0
        assert s.socket == s.id > 0
        assert cls.__doc__
        if contexts:
            with s.new_context() as ctx:
                assert isinstance(ctx, pynng.Context)
        else:
            with pytest.raises(pynng.NotSupported):
                s.new_context()


def test_constructor_options_are_applied(inproc):
    with pynng.Pair0(recv_timeout=123, send_timeout=456, recv_buffer_size=7, send_buffer_size=8,
                     recv_max_size=999, reconnect_time_min=11, reconnect_time_max=22, name="hello",
                     listen=inproc) as s:
        assert (s.recv_timeout, s.send_timeout) == (123, 456)
        assert (s.recv_buffer_size, s.send_buffer_size) == (7, 8)
        assert s.recv_max_size == 999
        assert (s.reconnect_time_min, s.reconnect_time_max) == (11, 22)
        assert s.name == "hello"
        assert len(s.listeners) == 1
        assert s.listeners[0].url == inproc
        assert pynng.options._getopt_string(s, "socket-name") == "hello"


def test_options_read_write_through_the_library():
    with pynng.Pair0() as s:
        s.recv_timeout = 5
        assert pynng.options._getopt_ms(s, "recv-timeout") == 5
        pynng.options._setopt_ms(s, "send-timeout", 77)
        assert s.send_timeout == 77
        s.recv_max_size = 0
        assert s.recv_max_size == 0
        s.tcp_nodelay = False
        assert s.tcp_nodelay is False
        s.tcp_keepalive = True
        assert s.tcp_keepalive is True
        s.recv_timeout = 2.0  # integral floats are accepted, as in pynng
        assert s.recv_timeout == 2
        assert isinstance(s.recv_fd, int) and isinstance(s.send_fd, int)


def test_option_type_errors():
    with pynng.Pair0() as s:
        with pytest.raises(ValueError):
            s.recv_timeout = 1.5
        with pytest.raises(ValueError):  # pynng's classes: ValueError for strings, OverflowError for range
            s.recv_timeout = "100"
        with pytest.raises(OverflowError):
            s.recv_max_size = -1
        with pytest.raises(OverflowError):
            s.recv_timeout = 2**40
        with pytest.raises(TypeError):
            s.name = 12
        with pytest.raises(TypeError):
            s.tcp_nodelay = "yes"
        with pytest.raises(ValueError):
            s.name = "nul\0inside"


def test_read_only_and_write_only_options():
    with pynng.Pair0() as s:
        for attr, value in [("protocol", 1), ("protocol_name", "x"), ("peer", 1), ("peer_name", "x"),
                            ("raw", True), ("recv_fd", 3), ("send_fd", 3), ("local_address", None)]:
            with pytest.raises(pynng.ReadOnly):
                setattr(s, attr, value)
        with pytest.raises(TypeError, match="write-only"):
            s.tls_config
        with pytest.raises(ValueError):
            s.tls_config = "not a TLSConfig"


def test_unknown_option_names_raise():
    with pynng.Pair0() as s:
        with pytest.raises(pynng.NotSupported):
            pynng.options._getopt_int(s, "no-such-option")
        with pytest.raises(pynng.NotSupported):
            pynng.options._setopt_int(s, "no-such-option", 1)
        with pytest.raises(pynng.NotSupported):
            pynng.options._setopt_size(s, "no-such-option", 1)  # pynng 0.9.0 ignored this
        with pytest.raises(pynng.BadType):
            pynng.options._getopt_string(s, "recv-timeout")
        with pytest.raises(pynng.NotSupported):
            s.ttl_max  # Pair0 does not forward
    with pynng.Req0() as req:
        assert req.ttl_max == 8
        req.ttl_max = 4
        assert req.ttl_max == 4


def test_mistyped_option_attribute_raises():
    with pynng.Pair0() as s:
        with pytest.raises(AttributeError, match="recv_timout"):
            s.recv_timout = 100
        with pytest.raises(AttributeError):
            s.recv_timout  # noqa: B018


def test_user_subclasses_may_add_attributes():
    class Tagged(pynng.Pair0):
        pass

    with Tagged() as s:
        s.tag = "mine"
        assert s.tag == "mine"


def test_protocol_specific_keywords(inproc):
    with pynng.Pair1(polyamorous=True) as poly, pynng.Pair1() as mono:
        assert poly.polyamorous is True
        with pytest.raises(pynng.ReadOnly):
            poly.polyamorous = False
        with pytest.raises(pynng.NotSupported):
            mono.polyamorous  # NNG 1.11: the option exists only on polyamorous sockets
    with pynng.Req0(resend_time=1234) as req:
        assert req.resend_time == 1234
    with pynng.Req0() as req:
        assert req.resend_time == 60000
    with pynng.Surveyor0(survey_time=250) as sv:
        assert sv.survey_time == 250
        sv.survey_time = 300
        assert sv.survey_time == 300
    with pynng.Surveyor0() as sv:
        assert sv.survey_time == 1000
    with pynng.Pub0(listen=inproc) as pub, pynng.Sub0(dial=inproc, topics=["a", b"b"], recv_timeout=T) as sub:
        wait_pipes(pub, 1)
        pub.send(b"zzz")
        pub.send(b"b-topic")
        assert sub.recv() == b"b-topic"


def test_sub_topics_str_encoded_in_full(inproc):
    # pynng 0.9.0 passed len(str), so "é" subscribed to a 1-byte prefix; pnng encodes it fully.
    with pynng.Pub0(listen=inproc) as pub, pynng.Sub0(dial=inproc, recv_timeout=300) as sub:
        sub.subscribe("é")
        wait_pipes(pub, 1)
        pub.send(b"\xc3x")  # shares the first byte only
        pub.send("é!".encode())
        assert sub.recv() == "é!".encode()
        sub.unsubscribe("é")
        with pytest.raises(pynng.NoEntry):
            sub.unsubscribe("é")


def test_raw_sockets_through_lib_openers():
    for proto in ("pair0", "pair1", "req0", "rep0", "pub0", "sub0", "push0", "pull0",
                  "surveyor0", "respondent0", "bus0"):
        with pynng.Socket(opener=getattr(pynng.lib, f"nng_{proto}_open_raw")) as raw:
            assert raw.raw is True
    with pynng.Pair0(opener=pynng.lib.nng_pair0_open_raw) as raw, pynng.Pair0() as cooked:
        assert raw.raw and not cooked.raw


def test_cross_protocol_errors(inproc):
    with pynng.Pub0() as pub:
        with pytest.raises(pynng.NotSupported):
            pub.recv()
    with pynng.Sub0() as sub:
        with pytest.raises(pynng.NotSupported):
            sub.send(b"x")
    with pynng.Req0() as req:
        with pytest.raises(pynng.BadState):
            req.recv()
    with pynng.Rep0() as rep:
        with pytest.raises(pynng.BadState):
            rep.send(b"x")


def test_bad_urls():
    with pynng.Pair0() as s:
        with pytest.raises(pynng.NotSupported):
            s.listen("nosuchscheme://foo")
        with pytest.raises(pynng.AddressInvalid):
            s.listen("tcp://127.0.0.1:notaport")
        with pytest.raises(TypeError):
            s.listen(1234)
        with pytest.raises(TypeError):
            s.dial(None)
    # A failing listen inside the constructor closes the new socket and raises.
    with pytest.raises(pynng.NotSupported):
        pynng.Pair0(listen="nosuchscheme://foo")


def test_address_in_use():
    with pynng.Pair0(listen=TCP0) as s0, pynng.Pair0() as s1:
        with pytest.raises(pynng.AddressInUse):
            s1.listen(bound(s0))
        assert len(s0.listeners) == 1


def test_addresses_as_str_or_bytes():
    with pynng.Pair0(listen=TCP0.encode(), recv_timeout=T) as s0, pynng.Pair0(dial=bound(s0)) as s1:
        s1.send(b"bytes url works")
        assert s0.recv() == b"bytes url works"


def test_send_rejects_str_and_non_buffers(inproc):
    with pynng.Pair0(listen=inproc) as s:
        with pytest.raises(ValueError, match="encode"):
            s.send("text")
        with pytest.raises(TypeError):
            s.send(12)
        with pytest.raises(TypeError):
            s.send(None)


def test_send_accepts_buffers(inproc):
    import array

    with pynng.Pair0(listen=inproc, recv_timeout=T) as s0, pynng.Pair0(dial=inproc, send_timeout=T) as s1:
        payloads = [b"bytes", bytearray(b"bytearray"), memoryview(b"view of bytes"),
                    memoryview(bytearray(b"0123456789"))[2:6], array.array("i", [1, 2, 3])]
        for p in payloads:
            s1.send(p)
            assert s0.recv() == bytes(memoryview(p).cast("B"))


def test_nonblocking_recv_and_send(inproc):
    with pynng.Pair0(listen=inproc) as s:
        with pytest.raises(pynng.TryAgain):
            s.recv(block=False)
        with pytest.raises(pynng.TryAgain):
            s.send(b"nobody there", block=False)


def test_timeouts(inproc):
    with pynng.Pair0(listen=inproc, recv_timeout=10, send_timeout=10) as s:
        with pytest.raises(pynng.Timeout):
            s.recv()
        with pytest.raises(pynng.Timeout):
            s.send(b"nobody there")
        with pytest.raises(pynng.Timeout):
            s.recv_msg()


def test_closed_socket_raises_closed(inproc):
    s = pynng.Pair0(listen=inproc)
    s.close()
    assert s.closed
    for op in (lambda: s.send(b"x"), s.recv, s.recv_msg, lambda: s.listen(inproc + "x"),
               lambda: s.dial(inproc, block=True), s.new_context, lambda: s.recv_timeout,
               lambda: setattr(s, "recv_timeout", 1), lambda: s.send_msg(pynng.Message(b"x"))):
        with pytest.raises(pynng.Closed):
            op()
    assert s.pipes == () and s.dialers == () and s.listeners == ()
    s.close()  # a second close is harmless


def test_message_too_large_is_dropped():
    with pynng.Pair0(listen=TCP0, recv_timeout=200, recv_max_size=100) as s0, \
            pynng.Pair0(dial=bound(s0), send_timeout=T) as s1:
        assert s0.listeners[0].recv_max_size == 100
        s1.send(b"\0" * 101)
        with pytest.raises(pynng.Timeout):
            s0.recv()


def test_large_messages_round_trip():
    big = bytes(range(256)) * 8192  # 2 MiB: beyond the reused receive buffer
    with pynng.Pair0(listen=TCP0, recv_timeout=T, recv_max_size=0) as s0, \
            pynng.Pair0(dial=bound(s0), send_timeout=T) as s1:
        for size in (0, 1, 65535, 65536, 65537, 300_000, len(big)):
            s1.send(big[:size])
            assert s0.recv() == big[:size]


def test_resend_time(inproc):
    with pynng.Rep0(listen=inproc, recv_timeout=T) as rep, \
            pynng.Req0(dial=inproc, recv_timeout=T, resend_time=100) as req:
        req.send(b"question")
        assert rep.recv() == b"question"
        assert rep.recv() == b"question"  # re-sent since nobody answered
        rep.send(b"answer")
        assert req.recv() == b"answer"


def test_ipc_transport(ipc):
    with pynng.Pair0(listen=ipc, recv_timeout=T) as s0, pynng.Pair0(dial=ipc) as s1:
        s1.send(b"over ipc")
        assert s0.recv() == b"over ipc"


def test_websocket_transport():
    def listen(port: int) -> str:  # ws: no port 0 (one HTTP server per host:port), so retry a taken port
        url = f"ws://127.0.0.1:{port}/pnng"
        s0.listen(url)
        return url

    with pynng.Pair0(recv_timeout=T) as s0:
        url = retry_in_use(listen)
        with pynng.Pair0(dial=url) as s1:
            s1.send(b"over websocket")
            assert s0.recv() == b"over websocket"


def test_surveyor_times_out_after_survey(inproc):
    with pynng.Surveyor0(listen=inproc, survey_time=50) as sv, pynng.Respondent0(dial=inproc, recv_timeout=T) as r:
        wait_pipes(sv, 1)
        sv.send(b"anyone?")
        assert r.recv() == b"anyone?"
        with pytest.raises(pynng.Timeout):
            sv.recv()
        r.send(b"late answer")  # accepted, then dropped by the surveyor
        with pytest.raises(pynng.BadState):
            r.send(b"a second answer to one question")
