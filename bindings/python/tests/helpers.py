"""Helpers shared by the tests: addresses and waits that poll instead of sleeping blindly."""

from __future__ import annotations

import itertools
import socket
import time
from typing import Callable, TypeVar

import pytest

import pnng

R = TypeVar("R")
T = 5000  # ms: generous timeouts, this machine is small and noisy
_counter = itertools.count()


def next_id() -> int:
    return next(_counter)


TCP0 = "tcp://127.0.0.1:0"  # listen here, then dial bound(sock): the system picks a free port, no race


def bound(sock: pnng.Socket) -> str:
    """The tcp:// address ``sock``'s (first) listener bound, e.g. after listening at ``TCP0``."""
    return f"tcp://127.0.0.1:{sock.listeners[0].port}"


def listen_tcp(sock: pnng.Socket) -> str:
    """Listens on a port the system picks and returns the address to dial."""
    return f"tcp://127.0.0.1:{sock.listen(TCP0).port}"


def free_tcp_port() -> int:
    """A port that was free a moment ago, for a test that must dial before anything listens: another
    process can take it before the test listens, so listen with ``retry_in_use`` (or, for tcp, listen
    at ``TCP0`` and dial ``bound()`` instead, which has no such race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def retry_in_use(listen: Callable[[int], R], attempts: int = 20) -> R:
    """Calls ``listen(port)`` with a fresh free port until it does not raise AddressInUse (another
    process took the port in between). For ws://, where port 0 cannot be used."""
    for _ in range(attempts - 1):
        try:
            return listen(free_tcp_port())
        except pnng.AddressInUse:
            pass
    return listen(free_tcp_port())


def wait_for(predicate, timeout: float = 10.0, what: str = "condition") -> None:
    """Polls ``predicate`` until it is true; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)


def wait_pipes(sock: pnng.Socket, n: int, timeout: float = 10.0) -> None:
    """Waits until ``sock`` has exactly ``n`` live pipes."""
    wait_for(lambda: len(sock.pipes) == n, timeout, f"{n} pipes on {sock!r}")


async def await_pipes(sock: pnng.Socket, n: int, sleep, timeout: float = 10.0) -> None:
    """Async version of wait_pipes; ``sleep`` is asyncio.sleep or trio.sleep."""
    deadline = time.monotonic() + timeout
    while len(sock.pipes) != n:
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {n} pipes")
        await sleep(0.005)
