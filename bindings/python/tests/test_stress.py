"""Stress tests of the binding: closes racing blocked receives, storms of
cancelled receives racing message arrival (asyncio and trio), and sockets, contexts and
messages left to the garbage collector while other threads are inside C calls.

A few seconds in all. A crash, a hang (each wait is bounded), a lost or doubled message fails.
"""

from __future__ import annotations

import asyncio
import gc
import random
import struct
import threading
import time

import pytest
import trio

import pnng as pynng
from helpers import TCP0, T, bound, next_id, wait_pipes

WAKE_LIMIT = 5.0  # s: only a real hang reaches it, generous for a loaded 2-core CI machine


def _addr(kind: str) -> str:
    """Where to listen: tcp on a port the system picks (dial ``bound(sock)`` after), or a new inproc name."""
    if kind == "tcp":
        return TCP0
    return f"inproc://pnng-py-stress-{next_id()}"


def _dial_addr(sock: pynng.Socket, addr: str) -> str:
    """Where to dial ``sock``, which listens at ``_addr(kind)``."""
    return bound(sock) if addr == TCP0 else addr


def _receive_into(results: list, recv) -> threading.Thread:
    def run() -> None:
        try:
            recv()
            results.append("returned")
        except pynng.Closed:
            results.append("closed")
        except BaseException as exc:  # report anything else as a failure
            results.append(repr(exc))

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


@pytest.mark.parametrize("kind", ["inproc", "tcp"])
def test_stress_close_during_recv(kind):
    """Threads blocked in a socket's recv and in two contexts' recv (before, while and after
    they block) all raise Closed when another thread closes the socket."""
    rng = random.Random(12)
    rounds = 150 if kind == "tcp" else 300
    for rnd in range(rounds):
        addr = _addr(kind)
        rep = pynng.Rep0(listen=addr)
        req = pynng.Req0(dial=_dial_addr(rep, addr))
        c1, c2 = rep.new_context(), rep.new_context()
        results: list = []
        threads = [_receive_into(results, r) for r in (rep.recv, c1.recv, c2.recv)]
        delay = rng.randrange(4)
        if delay:
            time.sleep(rng.randrange(delay * 300) / 1e6)
        if rng.randrange(2):
            req.close()  # the peer going first must not wake them
        rep.close()
        for t in threads:
            t.join(WAKE_LIMIT)
            assert not t.is_alive(), f"round {rnd}: a blocked receive did not return within {WAKE_LIMIT} s of close"
        assert results == ["closed"] * 3, f"round {rnd}: {results}"
        req.close()


def _numbers(msgs) -> list:
    return sorted(struct.unpack(">Q", m)[0] for m in msgs)


def _drain(pull: pynng.Socket, got: list, total: int) -> None:
    """Takes what the cancelled receives left queued, until every number arrived or none more."""
    pull.recv_timeout = 500
    while len(got) < total:
        try:
            got.append(pull.recv())
        except pynng.Timeout:
            break


def test_stress_asyncio_cancel_storm():
    """Receives whose wait_for expires after 0-2 ms race a stream of numbered messages: a
    cancelled receive loses nothing, so with the rest drained every message arrives once."""
    total = 3000
    addr = _addr("tcp")
    got: list = []

    async def main() -> int:
        rng = random.Random(7)
        cancelled = 0
        with pynng.Pull0(listen=addr, recv_timeout=T) as pull, \
                pynng.Push0(dial=bound(pull), send_timeout=T) as push:
            wait_pipes(pull, 1)

            async def sender() -> None:
                for i in range(total):
                    await push.asend(struct.pack(">Q", i))
                    if i % 50 == 0:
                        await asyncio.sleep(0.001)

            async def receiver() -> None:
                nonlocal cancelled
                while len(got) < total:
                    try:
                        got.append(await asyncio.wait_for(pull.arecv(), rng.randrange(3) / 1000))
                    except asyncio.TimeoutError:
                        cancelled += 1
                    if sending.done() and cancelled > 0 and rng.randrange(200) == 0:
                        return  # leave the rest to the drain below

            sending = asyncio.ensure_future(sender())
            await asyncio.gather(*(receiver() for _ in range(8)))
            await sending
            _drain(pull, got, total)
        return cancelled

    cancelled = asyncio.run(main())
    assert cancelled > 0, "no receive was cancelled: the storm tested nothing"
    assert _numbers(got) == list(range(total)), f"lost or doubled messages ({len(got)} received, {cancelled} cancelled)"


def test_stress_trio_cancel_storm():
    """The same storm under trio: move_on_after scopes of 0-2 ms around arecv in 8 tasks."""
    total = 3000
    addr = _addr("tcp")
    got: list = []
    stats = {"cancelled": 0}

    async def main() -> None:
        rng = random.Random(8)
        with pynng.Pull0(listen=addr, recv_timeout=T) as pull, \
                pynng.Push0(dial=bound(pull), send_timeout=T) as push:
            wait_pipes(pull, 1)
            done_sending = trio.Event()

            async def sender() -> None:
                for i in range(total):
                    await push.asend(struct.pack(">Q", i))
                    if i % 50 == 0:
                        await trio.sleep(0.001)
                done_sending.set()

            async def receiver() -> None:
                while len(got) < total:
                    with trio.move_on_after(rng.randrange(3) / 1000) as scope:
                        got.append(await pull.arecv())
                    if scope.cancelled_caught:
                        stats["cancelled"] += 1
                        if done_sending.is_set() and rng.randrange(200) == 0:
                            return

            async with trio.open_nursery() as nursery:
                nursery.start_soon(sender)
                for _ in range(8):
                    nursery.start_soon(receiver)
            _drain(pull, got, total)

    trio.run(main)
    assert stats["cancelled"] > 0, "no receive was cancelled: the storm tested nothing"
    assert _numbers(got) == list(range(total)), f"lost or doubled messages ({len(got)} received)"


def test_stress_garbage_collected_objects_while_others_block():
    """Sockets (listening on tcp, with contexts, dialers and pending messages), contexts and
    messages are dropped without close() while other threads sit in recv on a live socket.
    The finalizers close them (each listening port is free again), nothing crashes, and the
    live pair still carries every message."""
    keep_addr = _addr("inproc")
    live_rx = pynng.Pull0(listen=keep_addr, recv_timeout=T)
    live_tx = pynng.Push0(dial=keep_addr, send_timeout=T)
    received: list = []
    stop = threading.Event()

    def blocked_receiver() -> None:
        while not stop.is_set():
            try:
                received.append(live_rx.recv())
            except pynng.Closed:
                return

    threads = [threading.Thread(target=blocked_receiver, daemon=True) for _ in range(3)]
    for t in threads:
        t.start()
    sent = 0
    ports = []
    for rnd in range(60):
        s = pynng.Rep0(listen=TCP0)
        ports.append(s.listeners[0].port)
        d = pynng.Req0(dial=bound(s))
        ctx = d.new_context()
        ctx.send_timeout = T
        ctx.send(b"request %d" % rnd)  # a request left unanswered in the dropped socket
        loose = pynng.Message(b"never sent %d" % rnd)
        wait_pipes(s, 1)
        del s, d, ctx, loose  # no close(): the garbage collector's job
        if rnd % 10 == 0:
            gc.collect()
        live_tx.send(struct.pack(">Q", sent))
        sent += 1
    gc.collect()
    # Every dropped listener was really closed: its port can be listened on again.
    for port in ports[-10:]:
        with pynng.Pair0(listen=f"tcp://127.0.0.1:{port}"):
            pass
    deadline = time.monotonic() + WAKE_LIMIT
    while len(received) < sent and time.monotonic() < deadline:
        time.sleep(0.005)
    stop.set()
    live_rx.close()
    for t in threads:
        t.join(WAKE_LIMIT)
        assert not t.is_alive(), "a receive blocked on the live socket did not end with its close"
    live_tx.close()
    assert _numbers(received) == list(range(sent))
