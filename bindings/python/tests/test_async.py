"""asend/arecv under asyncio (pytest-asyncio), trio (pytest-trio) and curio: results, errors, cancellation."""

from __future__ import annotations

import asyncio

import pytest
import trio

import pnng as pynng
from helpers import T, await_pipes


# ---- trio ---------------------------------------------------------------------------------------------


@pytest.mark.trio
async def test_trio_send_recv(inproc):
    with pynng.Pair0(listen=inproc, recv_timeout=T) as s0, pynng.Pair0(dial=inproc, send_timeout=T) as s1:
        await s1.asend(b"hello there")
        assert await s0.arecv() == b"hello there"
        await s1.asend(b"")
        assert await s0.arecv() == b""
        await s1.asend_msg(pynng.Message(b"as a message"))
        msg = await s0.arecv_msg()
        assert msg.bytes == b"as a message"
        assert msg.pipe is s0.pipes[0]


@pytest.mark.trio
async def test_trio_send_timeout(inproc):
    with pytest.raises(pynng.Timeout):
        with pynng.Pair0(listen=inproc, send_timeout=1) as p0:
            await p0.asend(b"foo")


@pytest.mark.trio
async def test_trio_recv_timeout(inproc):
    with pynng.Pair0(listen=inproc, recv_timeout=1) as p0:
        with pytest.raises(pynng.Timeout):
            await p0.arecv()


@pytest.mark.trio
async def test_trio_cancel_keeps_socket_usable_and_loses_nothing(inproc):
    with pynng.Pair0(listen=inproc, recv_timeout=T) as p0, pynng.Pair0(dial=inproc) as p1:
        with pytest.raises(trio.TooSlowError):
            with trio.fail_after(0.01):
                await p0.arecv()
        with trio.move_on_after(0.01) as scope:
            await p0.arecv_msg()
        assert scope.cancelled_caught
        # Nothing was consumed by the cancelled receives.
        await p1.asend(b"first")
        await p1.asend(b"second")
        assert await p0.arecv() == b"first"
        assert await p0.arecv() == b"second"


@pytest.mark.trio
async def test_trio_many_cancellations_under_traffic(inproc):
    """Receives cancelled at random moments while messages flow: every message arrives once."""
    count = 200
    got = []
    with pynng.Pair0(listen=inproc, recv_timeout=T) as rx, pynng.Pair0(dial=inproc, send_timeout=T) as tx:
        await await_pipes(rx, 1, trio.sleep)

        async def sender():
            for i in range(count):
                await tx.asend(b"%d" % i)
                if i % 7 == 0:
                    await trio.sleep(0.001)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(sender)
            while len(got) < count:
                with trio.move_on_after(0.0005):
                    got.append(int(await rx.arecv()))
    assert got == list(range(count))


@pytest.mark.trio
async def test_trio_close_wakes_pending_recv(inproc):
    s = pynng.Pair0(listen=inproc)
    result = []

    async def receiver():
        try:
            await s.arecv()
        except pynng.Closed:
            result.append("closed")

    async with trio.open_nursery() as nursery:
        nursery.start_soon(receiver)
        await trio.sleep(0.05)
        s.close()
    assert result == ["closed"]


@pytest.mark.trio
async def test_trio_errors_and_protocol_states(inproc):
    with pynng.Req0(listen=inproc, recv_timeout=T) as req, pynng.Rep0(dial=inproc, recv_timeout=T) as rep:
        with pytest.raises(pynng.BadState):
            await req.arecv()
        with pytest.raises(pynng.BadState):
            await rep.asend(b"not asked")
        with pytest.raises(ValueError):
            await req.asend("str is refused")
    with pynng.Pub0() as pub:
        with pytest.raises(pynng.NotSupported):
            await pub.arecv()
    s = pynng.Pair0()
    s.close()
    with pytest.raises(pynng.Closed):
        await s.asend(b"x")
    with pytest.raises(pynng.Closed):
        await s.arecv()


@pytest.mark.trio
async def test_trio_async_iteration_and_async_with(inproc):
    received = []
    async with pynng.Pair0(listen=inproc, recv_timeout=T) as s0:
        with pynng.Pair0(dial=inproc, send_buffer_size=8) as s1:  # queue all three before receiving
            for i in range(3):
                await s1.asend(b"%d" % i)

            async def close_soon():
                while len(received) < 3:
                    await trio.sleep(0.01)
                await s0.aclose()

            async with trio.open_nursery() as nursery:
                nursery.start_soon(close_soon)
                async for data in s0:
                    received.append(data)
    assert received == [b"0", b"1", b"2"]
    assert s0.closed


@pytest.mark.trio
async def test_trio_pub_sub_parity(inproc):
    """pynng's test_pub_sub_trio: one publisher, subscribers filtering by topic."""
    done = {"even": False, "odd": False}

    async def subscriber(which, task_status=trio.TASK_STATUS_IGNORED):
        with pynng.Sub0(dial=inproc, recv_timeout=T, topics=which + ":") as sub:
            task_status.started()
            while True:
                value = (await sub.arecv()).partition(b":")[2]
                if value == b"None":
                    break
                assert (int(value) % 2 == 0) == (which == "even")
            done[which] = True

    with pynng.Pub0(listen=inproc) as pub:
        async with trio.open_nursery() as nursery:
            for which in done:
                await nursery.start(subscriber, which)
            await await_pipes(pub, 2, trio.sleep)
            for i in range(20):
                await pub.asend(b"%s:%d" % (b"even" if i % 2 == 0 else b"odd", i))
            while not all(done.values()):
                await pub.asend(b"odd:None")
                await pub.asend(b"even:None")
                await trio.sleep(0.01)


@pytest.mark.trio
async def test_trio_contexts(inproc):
    async def echo(ctx):
        data = await ctx.arecv()
        await trio.sleep(0.02)
        await ctx.asend(data)

    with pynng.Rep0(listen=inproc, recv_timeout=T) as rep, \
            pynng.Req0(dial=inproc, recv_timeout=T) as req1, \
            pynng.Req0(dial=inproc, recv_timeout=T) as req2:
        async with trio.open_nursery() as nursery:
            ctx1, ctx2 = rep.new_context(), rep.new_context()
            with ctx1, ctx2:
                nursery.start_soon(echo, ctx1)
                nursery.start_soon(echo, ctx2)
                await req1.asend(b"oh hi")
                await req2.asend(b"me toooo")
                assert await req1.arecv() == b"oh hi"
                assert await req2.arecv() == b"me toooo"


@pytest.mark.trio
async def test_trio_pipe_asend(inproc):
    with pynng.Pair0(listen=inproc) as s0, pynng.Pair0(dial=inproc, recv_timeout=T) as s1:
        await await_pipes(s0, 1, trio.sleep)
        await s0.pipes[0].asend(b"via pipe")
        assert await s1.arecv() == b"via pipe"
        await s0.pipes[0].asend_msg(pynng.Message(b"msg via pipe"))
        assert await s1.arecv() == b"msg via pipe"


@pytest.mark.trio
async def test_trio_dialer_listener_async_context_managers(inproc):
    with pynng.Pair0(listen=inproc, recv_timeout=T) as listening, pynng.Pair0() as dialing:
        async with dialing.dial(inproc, block=True) as dialer:
            await dialing.asend(b"hello from dialer")
            assert await listening.arecv() == b"hello from dialer"
        assert dialer not in dialing.dialers
        async with listening.listen(inproc + "-2") as listener:
            assert listener in listening.listeners
        assert listening.listeners == (listening.listeners[0],)
        await listening.listeners[0].aclose()
        assert listening.listeners == ()


# ---- asyncio ------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_asyncio_send_recv(inproc):
    with pynng.Pair0(listen=inproc, recv_timeout=T) as s0, pynng.Pair0(dial=inproc) as s1:
        await s1.asend(b"hello there buddy")
        assert await s0.arecv() == b"hello there buddy"
        await s0.asend_msg(pynng.Message(b"back"))
        msg = await s1.arecv_msg()
        assert msg.bytes == b"back" and msg.pipe is s1.pipes[0]


@pytest.mark.asyncio
async def test_asyncio_cancel(inproc):
    with pynng.Pair0(listen=inproc, recv_timeout=5000) as p0, pynng.Pair0(dial=inproc) as p1:
        fut = asyncio.ensure_future(p0.arecv())
        await asyncio.sleep(0.05)
        fut.cancel()
        with pytest.raises(asyncio.CancelledError):
            await fut
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(p0.arecv(), 0.01)
        # The socket still works and nothing was lost.
        await p1.asend(b"after cancel")
        assert await p0.arecv() == b"after cancel"


@pytest.mark.asyncio
async def test_asyncio_many_cancellations_under_traffic(inproc):
    count = 200
    got = []
    with pynng.Pair0(listen=inproc, recv_timeout=T) as rx, pynng.Pair0(dial=inproc, send_timeout=T) as tx:
        await await_pipes(rx, 1, asyncio.sleep)

        async def sender():
            for i in range(count):
                await tx.asend(b"%d" % i)
                if i % 7 == 0:
                    await asyncio.sleep(0.001)

        task = asyncio.ensure_future(sender())
        while len(got) < count:
            try:
                got.append(int(await asyncio.wait_for(rx.arecv(), 0.0005)))
            except asyncio.TimeoutError:
                pass
        await task
    assert got == list(range(count))


@pytest.mark.asyncio
async def test_asyncio_timeouts(inproc):
    with pytest.raises(pynng.Timeout):
        with pynng.Pair0(listen=inproc, send_timeout=1) as p0:
            await p0.asend(b"foo")
    with pynng.Pair0(listen=inproc + "-r", recv_timeout=1) as p0:
        with pytest.raises(pynng.Timeout):
            await p0.arecv()


@pytest.mark.asyncio
async def test_asyncio_close_wakes_pending_recv(inproc):
    s = pynng.Pair0(listen=inproc)
    task = asyncio.ensure_future(s.arecv())
    await asyncio.sleep(0.05)
    s.close()
    with pytest.raises(pynng.Closed):
        await task


@pytest.mark.asyncio
async def test_asyncio_gather_and_contexts(inproc):
    with pynng.Rep0(listen=inproc, recv_timeout=T) as rep, pynng.Req0(dial=inproc, recv_timeout=T) as req:
        contexts = [req.new_context() for _ in range(5)]
        rep_ctx = [rep.new_context() for _ in range(5)]

        async def serve(ctx):
            msg = await ctx.arecv_msg()
            await ctx.asend(msg.bytes.upper())

        async def ask(ctx, i):
            await ctx.asend(b"q%d" % i)
            return await ctx.arecv()

        results = await asyncio.gather(*(serve(c) for c in rep_ctx), *(ask(c, i) for i, c in enumerate(contexts)))
        assert sorted(r for r in results if r is not None) == [b"Q%d" % i for i in range(5)]
        for c in contexts + rep_ctx:
            c.close()


@pytest.mark.asyncio
async def test_asyncio_async_iteration(inproc):
    async with pynng.Pair0(listen=inproc, recv_timeout=T) as s0:
        with pynng.Pair0(dial=inproc, send_buffer_size=8) as s1:
            await s1.asend(b"a")
            await s1.asend(b"b")
            received = []
            async for data in s0:
                received.append(data)
                if len(received) == 2:
                    s0.close()
    assert received == [b"a", b"b"]


@pytest.mark.asyncio
async def test_asyncio_unsent_message_survives_failed_asend(inproc):
    with pynng.Pair0(listen=inproc, send_timeout=1) as s:
        msg = pynng.Message(b"keep me")
        with pytest.raises(pynng.Timeout):
            await s.asend_msg(msg)
        assert msg.bytes == b"keep me"
        with pynng.Pair0(dial=inproc, recv_timeout=T) as peer:
            s.send_timeout = T
            await s.asend_msg(msg)  # not marked as sent by the failed attempt
            assert await peer.arecv() == b"keep me"


def test_explicit_async_backend_and_unknown_backend(inproc):
    async def main():
        with pynng.Pair0(listen=inproc, recv_timeout=T, async_backend="trio") as s0, \
                pynng.Pair0(dial=inproc, async_backend="trio") as s1:
            await s1.asend(b"forced trio")
            return await s0.arecv()

    assert trio.run(main) == b"forced trio"

    async def bogus():
        with pynng.Pair0(async_backend="gevent") as s:
            await s.arecv()

    with pytest.raises(ValueError, match="gevent"):
        trio.run(bogus)


def test_asyncio_loops_come_and_go(inproc):
    """Each asyncio.run makes a new loop (and queue); none interferes with the next."""
    async def round_trip(i):
        with pynng.Pair0(listen=f"{inproc}-{i}", recv_timeout=T) as s0, pynng.Pair0(dial=f"{inproc}-{i}") as s1:
            await s1.asend(b"%d" % i)
            return await s0.arecv()

    assert [asyncio.run(round_trip(i)) for i in range(5)] == [b"%d" % i for i in range(5)]


# ---- curio -------------------------------------------------------------------------------------------


def test_curio_send_recv_and_timeouts(inproc):
    curio = pytest.importorskip("curio")

    async def main():
        with pynng.Pair0(listen=inproc, recv_timeout=T) as s0, pynng.Pair0(dial=inproc, send_timeout=T) as s1:
            await s1.asend(b"hello curio")
            assert await s0.arecv() == b"hello curio"
            await s1.asend_msg(pynng.Message(b"as a message"))
            msg = await s0.arecv_msg()
            assert msg.bytes == b"as a message" and msg.pipe is s0.pipes[0]
            for i in range(50):  # the fast path and the queue path, with schedule points
                await s1.asend(b"%d" % i)
                assert await s0.arecv() == b"%d" % i
            s0.recv_timeout = 1
            with pytest.raises(pynng.Timeout):
                await s0.arecv()
            return True

    assert curio.run(main)


def test_curio_cancel_loses_nothing_and_close_wakes(inproc):
    curio = pytest.importorskip("curio")

    async def main():
        with pynng.Pair0(listen=inproc, recv_timeout=T) as p0, pynng.Pair0(dial=inproc) as p1:
            with pytest.raises(curio.TaskTimeout):
                await curio.timeout_after(0.02, p0.arecv())
            task = await curio.spawn(p0.arecv_msg)
            await curio.sleep(0.02)
            await task.cancel()
            await p1.asend(b"first")
            await p1.asend(b"second")
            assert await p0.arecv() == b"first"
            assert await p0.arecv() == b"second"
            waiter = await curio.spawn(p0.arecv)
            await curio.sleep(0.02)
            p0.close()
            with pytest.raises(curio.TaskError) as info:
                await waiter.join()
            assert isinstance(info.value.__cause__, pynng.Closed)
            return True

    assert curio.run(main)


def test_curio_req_rep_contexts(inproc):
    curio = pytest.importorskip("curio")

    async def main():
        with pynng.Rep0(listen=inproc, recv_timeout=T) as rep, pynng.Req0(dial=inproc, recv_timeout=T) as req:
            async def serve():
                for _ in range(4):
                    ctx = rep.new_context()
                    data = await ctx.arecv()
                    await ctx.asend(data.upper())
                    ctx.close()

            server = await curio.spawn(serve)
            async def ask(word):
                ctx = req.new_context()
                await ctx.asend(word)
                answer = await ctx.arecv()
                ctx.close()
                return answer

            tasks = [await curio.spawn(ask, w) for w in (b"a", b"b", b"c", b"d")]
            answers = [await t.join() for t in tasks]
            await server.join()
            return sorted(answers)

    assert curio.run(main) == [b"A", b"B", b"C", b"D"]
