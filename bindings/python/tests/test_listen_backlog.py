"""tcp_listen_backlog: the accept queue of tcp:// listeners (default: the system's limit)."""

from __future__ import annotations

import pytest

import pnng as pynng
from helpers import T


def _system_limit() -> int | None:
    try:
        with open("/proc/sys/net/core/somaxconn") as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


def test_listener_backlog_defaults_to_the_system_limit_and_can_be_set():
    with pynng.Rep0() as rep, pynng.Req0(recv_timeout=T) as req:
        listener = rep.new_listener("tcp://127.0.0.1:0")
        default = listener.tcp_listen_backlog
        assert default > 128
        if _system_limit() is not None:
            assert default == _system_limit()
        listener.tcp_listen_backlog = 32
        assert listener.tcp_listen_backlog == 32
        listener.start()
        listener.tcp_listen_backlog = 1000  # applies to the listening socket at once
        assert listener.tcp_listen_backlog == 1000
        req.dial(f"tcp://127.0.0.1:{listener.port}", block=True)
        req.send(b"ping")
        assert rep.recv() == b"ping"


def test_socket_backlog_applies_to_its_listeners():
    with pynng.Rep0() as rep:
        rep.tcp_listen_backlog = 64
        listener = rep.listen("tcp://127.0.0.1:0")
        assert listener.tcp_listen_backlog == 64


@pytest.mark.parametrize("bad", [0, -1])
def test_backlog_below_one_is_invalid(bad):
    with pynng.Rep0() as rep:
        listener = rep.new_listener("tcp://127.0.0.1:0")
        with pytest.raises(pynng.InvalidOperation):
            listener.tcp_listen_backlog = bad
        with pytest.raises(pynng.InvalidOperation):
            rep.tcp_listen_backlog = bad


def test_other_transports_have_no_backlog_option(ipc):
    with pynng.Rep0() as rep:
        listener = rep.listen(ipc)
        with pytest.raises(pynng.NotSupported):
            listener.tcp_listen_backlog
