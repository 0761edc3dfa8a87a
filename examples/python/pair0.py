"""Pair0, synchronous API (pynng's Pair0 example): one-to-one, both directions."""
import sys

from pnng import Pair0

address = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:13131"
# in real code you should also pass recv_timeout and/or send_timeout
with Pair0(listen=address, recv_timeout=5000) as s0, Pair0(dial=address, recv_timeout=5000) as s1:
    s0.send(b"hello s1")
    print(s1.recv())  # prints b'hello s1'
    s1.send(b"hi old buddy s0, great to see ya")
    print(s0.recv())  # prints b'hi old buddy s0, great to see ya'
