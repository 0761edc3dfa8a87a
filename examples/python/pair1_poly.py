"""Pair1 polyamorous, synchronous API (pynng's Pair1 example): one listener, two peers,
answered through the pipe each message came from."""
import sys

from pnng import Pair1

address = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:12343"
with Pair1(listen=address, polyamorous=True, recv_timeout=5000) as s0, \
        Pair1(dial=address, polyamorous=True, recv_timeout=5000) as s1, \
        Pair1(dial=address, polyamorous=True, recv_timeout=5000) as s2:
    s1.send(b"hello from s1")
    s2.send(b"hello from s2")
    msg1 = s0.recv_msg()
    msg2 = s0.recv_msg()
    print(msg1.bytes)  # prints b'hello from s1' (or s2: the two race)
    print(msg2.bytes)
    msg1.pipe.send(b"hey " + msg1.bytes[-2:])
    msg2.pipe.send(b"hey " + msg2.bytes[-2:])
    print(s2.recv())  # prints b'hey s2'
    print(s1.recv())  # prints b'hey s1'
