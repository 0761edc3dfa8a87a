"""Bus0 (pynng's bus example): a message reaches the directly connected peers only."""
import sys
import time

from pnng import Bus0, Timeout

address = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:13131"
with Bus0(listen=address, recv_timeout=5000) as s0, \
        Bus0(dial=address, recv_timeout=5000) as s1, \
        Bus0(dial=address, recv_timeout=5000) as s2:
    # let all connections be established
    while len(s0.pipes) < 2:
        time.sleep(0.01)
    s0.send(b"hello buddies")
    print(s1.recv())  # prints b'hello buddies'
    print(s2.recv())  # prints b'hello buddies'
    s1.send(b"hi s0")
    print(s0.recv())  # prints b'hi s0'
    # s2 is not directly connected to s1.
    s2.recv_timeout = 100
    try:
        s2.recv()
        assert False, "this is never reached"
    except Timeout:
        print("s2 is not connected directly to s1!")
