"""Pair1 polyamorous, asynchronous API under trio (pynng's Pair1 example)."""
import sys

import trio

from pnng import Pair1

address = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:12343"


async def polyamorous_send_and_recv() -> None:
    with Pair1(listen=address, polyamorous=True, recv_timeout=5000) as s0, \
            Pair1(dial=address, polyamorous=True, recv_timeout=5000) as s1, \
            Pair1(dial=address, polyamorous=True, recv_timeout=5000) as s2:
        await s1.asend(b"hello from s1")
        await s2.asend(b"hello from s2")
        msg1 = await s0.arecv_msg()
        msg2 = await s0.arecv_msg()
        print(msg1.bytes)  # prints b'hello from s1' (or s2: the two race)
        print(msg2.bytes)
        await msg1.pipe.asend(b"hey " + msg1.bytes[-2:])
        await msg2.pipe.asend(b"hey " + msg2.bytes[-2:])
        print(await s2.arecv())  # prints b'hey s2'
        print(await s1.arecv())  # prints b'hey s1'


trio.run(polyamorous_send_and_recv)
