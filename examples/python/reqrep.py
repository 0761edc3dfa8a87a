"""Req0 / Rep0 (pynng's request/response example)."""
import sys

from pnng import Rep0, Req0

address = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:13131"
with Rep0(listen=address, recv_timeout=5000) as rep, Req0(dial=address, recv_timeout=5000) as req:
    req.send(b"random.random()")
    question = rep.recv()
    answer = b"4"  # guaranteed to be random
    rep.send(answer)
    print(req.recv())  # prints b'4'
