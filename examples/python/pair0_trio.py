"""Pair0, asynchronous API under trio (pynng's Pair0 example); asyncio works the same way."""
import sys

from trio import run

from pnng import Pair0

address = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:13131"


async def send_and_recv() -> None:
    # in real code you should also pass recv_timeout and/or send_timeout
    with Pair0(listen=address, recv_timeout=5000) as s0, Pair0(dial=address, recv_timeout=5000) as s1:
        await s0.asend(b"hello s1")
        print(await s1.arecv())  # prints b'hello s1'
        await s1.asend(b"hi old buddy s0, great to see ya")
        print(await s0.arecv())  # prints b'hi old buddy s0, great to see ya'


run(send_and_recv)
