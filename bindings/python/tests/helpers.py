"""Helpers shared by the tests: addresses and waits that poll instead of sleeping blindly."""

from __future__ import annotations

import itertools
import socket
import time

import pytest

import pnng

T = 5000  # ms: generous timeouts, this machine is small and noisy
_counter = itertools.count()


def next_id() -> int:
    return next(_counter)


def free_tcp_port() -> int:
    """A port that was free a moment ago (the OS does not hand it out again right away)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
