"""Every example of pynng's documentation, run through ``import pnng as pynng``.

Each is the documented code with two changes for a shared, noisy test machine: the listener takes a
port the system picks (port 0) and the dialers dial the port it bound, instead of a fixed address, and
"sleep a bit so everyone connects" became "wait until the connections exist". Each example runs in its
sync, trio and asyncio form where the docs have one.
"""

from __future__ import annotations

import asyncio

import pytest
import trio

import pnng as pynng
from helpers import TCP0, T, await_pipes, bound, wait_pipes


def test_pair0_sync(capsys):
    from pnng import Pair0

    with Pair0(listen=TCP0, recv_timeout=T) as s0, Pair0(dial=bound(s0), recv_timeout=T) as s1:
        s0.send(b"hello s1")
        print(s1.recv())  # prints b'hello s1'
        s1.send(b"hi old buddy s0, great to see ya")
        print(s0.recv())  # prints b'hi old buddy s0, great to see ya
    assert capsys.readouterr().out.splitlines() == [
        "b'hello s1'", "b'hi old buddy s0, great to see ya'"]


async def _pair0_async():
    with pynng.Pair0(listen=TCP0, recv_timeout=T) as s0, pynng.Pair0(dial=bound(s0), recv_timeout=T) as s1:
        await s0.asend(b"hello s1")
        print(await s1.arecv())
        await s1.asend(b"hi old buddy s0, great to see ya")
        print(await s0.arecv())


def test_pair0_trio_run(capsys):
    trio.run(_pair0_async)  # exactly as the docs: trio.run(send_and_recv)
    assert capsys.readouterr().out.splitlines() == [
        "b'hello s1'", "b'hi old buddy s0, great to see ya'"]


def test_pair0_asyncio_run(capsys):
    asyncio.run(_pair0_async())
    assert capsys.readouterr().out.splitlines() == [
        "b'hello s1'", "b'hi old buddy s0, great to see ya'"]


def test_pair1_polyamorous_sync(capsys):
    from pnng import Pair1

    with Pair1(listen=TCP0, polyamorous=True, recv_timeout=T) as s0, \
            Pair1(dial=bound(s0), polyamorous=True, recv_timeout=T) as s1, \
            Pair1(dial=bound(s0), polyamorous=True, recv_timeout=T) as s2:
        wait_pipes(s0, 2)
        s1.send(b"hello from s1")
        s2.send(b"hello from s2")
        msg1 = s0.recv_msg()
        msg2 = s0.recv_msg()
        print(msg1.bytes)
        print(msg2.bytes)
        msg1.pipe.send(b"hey s1")
        msg2.pipe.send(b"hey s2")
        print(s2.recv())
        print(s1.recv())
    _check_pair1_output(capsys.readouterr().out)


def _check_pair1_output(out: str) -> None:
    # The docs assume s1's hello arrives first. If s2's does, msg1 is s2's and "hey s1" goes to
    # s2: either way each reply went back through the pipe its message came from.
    lines = out.splitlines()
    assert sorted(lines[:2]) == ["b'hello from s1'", "b'hello from s2'"]
    in_doc_order = lines[0] == "b'hello from s1'"
    assert lines[2:] == (["b'hey s2'", "b'hey s1'"] if in_doc_order else ["b'hey s1'", "b'hey s2'"])


async def _pair1_async(sleep):
    from pnng import Pair1

    with Pair1(listen=TCP0, polyamorous=True, recv_timeout=T) as s0, \
            Pair1(dial=bound(s0), polyamorous=True, recv_timeout=T) as s1, \
            Pair1(dial=bound(s0), polyamorous=True, recv_timeout=T) as s2:
        await await_pipes(s0, 2, sleep)
        await s1.asend(b"hello from s1")
        await s2.asend(b"hello from s2")
        msg1 = await s0.arecv_msg()
        msg2 = await s0.arecv_msg()
        print(msg1.bytes)
        print(msg2.bytes)
        await msg1.pipe.asend(b"hey s1")
        await msg2.pipe.asend(b"hey s2")
        print(await s2.arecv())
        print(await s1.arecv())


@pytest.mark.parametrize("flavour", ["trio", "asyncio"])
def test_pair1_polyamorous_async(capsys, flavour):
    if flavour == "trio":
        trio.run(_pair1_async, trio.sleep)
    else:
        asyncio.run(_pair1_async(asyncio.sleep))
    _check_pair1_output(capsys.readouterr().out)


def test_req_rep_sync(capsys):
    from pnng import Rep0, Req0

    with Rep0(listen=TCP0, recv_timeout=T) as rep, Req0(dial=bound(rep), recv_timeout=T) as req:
        req.send(b"random.random()")
        question = rep.recv()
        answer = b"4"  # guaranteed to be random
        rep.send(answer)
        print(req.recv())  # prints b'4'
    assert question == b"random.random()"
    assert capsys.readouterr().out == "b'4'\n"


async def _req_rep_async():
    with pynng.Rep0(listen=TCP0, recv_timeout=T) as rep, pynng.Req0(dial=bound(rep), recv_timeout=T) as req:
        await req.asend(b"random.random()")
        assert await rep.arecv() == b"random.random()"
        await rep.asend(b"4")
        return await req.arecv()


def test_req_rep_trio_and_asyncio():
    assert trio.run(_req_rep_async) == b"4"
    assert asyncio.run(_req_rep_async()) == b"4"


def test_pub_sub_sync(capsys):
    from pnng import Pub0, Sub0, Timeout

    with Pub0(listen=TCP0) as pub, \
            Sub0(dial=bound(pub), recv_timeout=T) as sub0, \
            Sub0(dial=bound(pub), recv_timeout=T) as sub1, \
            Sub0(dial=bound(pub), recv_timeout=T) as sub2, \
            Sub0(dial=bound(pub), recv_timeout=100) as sub3:
        sub0.subscribe(b"wolf")
        sub1.subscribe(b"puppy")
        # The empty string matches everything!
        sub2.subscribe(b"")
        # we're going to send two messages before receiving anything, and this is
        # the only socket that needs to receive both messages.
        sub2.recv_buffer_size = 2
        # sub3 is not subscribed to anything
        # make sure everyone is connected
        wait_pipes(pub, 4)
        pub.send(b"puppy: that is a cute dog")
        pub.send(b"wolf: that is a big dog")
        print(sub0.recv())
        print(sub1.recv())
        print(sub2.recv())
        print(sub2.recv())
        try:
            sub3.recv()
            assert False, "never gets here since sub3 is not subscribed"
        except Timeout:
            print("got a Timeout since sub3 had no subscriptions")
    assert capsys.readouterr().out.splitlines() == [
        "b'wolf: that is a big dog'",
        "b'puppy: that is a cute dog'",
        "b'puppy: that is a cute dog'",
        "b'wolf: that is a big dog'",
        "got a Timeout since sub3 had no subscriptions",
    ]


async def _pub_sub_async(sleep):
    with pynng.Pub0(listen=TCP0) as pub, \
            pynng.Sub0(dial=bound(pub), recv_timeout=T, topics="wolf") as sub0, \
            pynng.Sub0(dial=bound(pub), recv_timeout=T, topics=[b"puppy"]) as sub1:
        await await_pipes(pub, 2, sleep)
        await pub.asend(b"puppy: that is a cute dog")
        await pub.asend(b"wolf: that is a big dog")
        return await sub0.arecv(), await sub1.arecv()


def test_pub_sub_trio_and_asyncio():
    expected = (b"wolf: that is a big dog", b"puppy: that is a cute dog")
    assert trio.run(_pub_sub_async, trio.sleep) == expected
    assert asyncio.run(_pub_sub_async(asyncio.sleep)) == expected


def test_push_pull_sync(capsys):
    from pnng import Pull0, Push0, Timeout

    with Push0(listen=TCP0) as push, \
            Pull0(dial=bound(push), recv_timeout=T) as pull0, \
            Pull0(dial=bound(push), recv_timeout=T) as pull1:
        # give some time to connect
        wait_pipes(push, 2)
        push.send(b"hi some node")
        push.send(b"hi some other node")
        got = {pull0.recv(), pull1.recv()}  # round robin: one message each
        print(sorted(got))
        pull0.recv_timeout = 100
        try:
            pull0.recv()
            assert False, "Cannot get here, since messages are sent round robin"
        except Timeout:
            pass
    assert capsys.readouterr().out == "[b'hi some node', b'hi some other node']\n"


async def _push_pull_async(sleep):
    with pynng.Push0(listen=TCP0) as push, pynng.Pull0(dial=bound(push), recv_timeout=T) as pull:
        await await_pipes(push, 1, sleep)
        for i in range(5):
            await push.asend(b"work %d" % i)
        return [await pull.arecv() for _ in range(5)]


def test_push_pull_trio_and_asyncio():
    expected = [b"work %d" % i for i in range(5)]
    assert trio.run(_push_pull_async, trio.sleep) == expected
    assert asyncio.run(_push_pull_async(asyncio.sleep)) == expected


def test_surveyor_respondent_sync(capsys):
    from pnng import Respondent0, Surveyor0, Timeout

    with Surveyor0(listen=TCP0) as surveyor, \
            Respondent0(dial=bound(surveyor), recv_timeout=T) as responder1, \
            Respondent0(dial=bound(surveyor), recv_timeout=T) as responder2:
        # give time for connections to happen
        wait_pipes(surveyor, 2)
        surveyor.survey_time = 500
        surveyor.send(b"who wants to party?")
        # usually these would be in another thread or process, ya know?
        responder1.recv()
        responder2.recv()
        responder1.send(b"me me me!!!")
        responder2.send(b"I need to sit this one out.")
        # accept responses until the survey is finished.
        while True:
            try:
                response = surveyor.recv()
                if response == b"me me me!!!":
                    print("all right, someone is ready to party!")
                elif response == b"I need to sit this one out.":
                    print("Too bad, someone is not ready to party.")
            except Timeout:
                print("survey is OVER! Time for bed.")
                break
    out = capsys.readouterr().out.splitlines()
    assert sorted(out[:2]) == ["Too bad, someone is not ready to party.", "all right, someone is ready to party!"]
    assert out[2:] == ["survey is OVER! Time for bed."]


async def _survey_async(sleep):
    with pynng.Surveyor0(listen=TCP0, survey_time=T) as surveyor, \
            pynng.Respondent0(dial=bound(surveyor), recv_timeout=T) as resp:
        await await_pipes(surveyor, 1, sleep)
        await surveyor.asend(b"anyone?")
        assert await resp.arecv() == b"anyone?"
        await resp.asend(b"me")
        return await surveyor.arecv()


def test_surveyor_respondent_trio_and_asyncio():
    assert trio.run(_survey_async, trio.sleep) == b"me"
    assert asyncio.run(_survey_async(asyncio.sleep)) == b"me"


def test_bus_sync(capsys):
    from pnng import Bus0, Timeout

    with Bus0(listen=TCP0, recv_timeout=T) as s0, \
            Bus0(dial=bound(s0), recv_timeout=T) as s1, \
            Bus0(dial=bound(s0), recv_timeout=100) as s2:
        # let all connections be established
        wait_pipes(s0, 2)
        s0.send(b"hello buddies")
        print(s1.recv())
        print(s2.recv())
        s1.send(b"hi s0")
        print(s0.recv())
        # s2 is not directly connected to s1.
        try:
            s2.recv()
            assert False, "this is never reached"
        except Timeout:
            print("s2 is not connected directly to s1!")
    assert capsys.readouterr().out.splitlines() == [
        "b'hello buddies'", "b'hello buddies'", "b'hi s0'", "s2 is not connected directly to s1!"]


async def _bus_async(sleep):
    with pynng.Bus0(listen=TCP0, recv_timeout=T) as s0, pynng.Bus0(dial=bound(s0), recv_timeout=T) as s1:
        await await_pipes(s0, 1, sleep)
        await s0.asend(b"hello buddy")
        await s1.asend(b"hi s0")
        return await s1.arecv(), await s0.arecv()


def test_bus_trio_and_asyncio():
    assert trio.run(_bus_async, trio.sleep) == (b"hello buddy", b"hi s0")
    assert asyncio.run(_bus_async(asyncio.sleep)) == (b"hello buddy", b"hi s0")


def test_context_doc_pattern_threads_with_contexts():
    """The docs' Context section: many workers on one Rep0 socket, made safe with contexts."""
    import threading

    def service_reqs(ctx):
        data = ctx.recv()
        ctx.send(b"I've got your response right here, pal! " + data)

    with pynng.Rep0(listen=TCP0, recv_timeout=T) as rep:
        contexts = [rep.new_context() for _ in range(4)]
        threads = [threading.Thread(target=service_reqs, args=[c], daemon=True) for c in contexts]
        for t in threads:
            t.start()
        replies = []
        for i in range(4):
            with pynng.Req0(dial=bound(rep), recv_timeout=T) as req:
                req.send(b"%d" % i)
                replies.append(req.recv())
        for t in threads:
            t.join(timeout=T / 1000)
        for c in contexts:
            c.close()
    assert sorted(replies) == [b"I've got your response right here, pal! %d" % i for i in range(4)]

