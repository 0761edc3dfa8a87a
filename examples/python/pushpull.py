"""Push0 / Pull0 (pynng's pipeline example): messages go round robin to the pullers."""
import sys
import time

from pnng import Pull0, Push0, Timeout

addr = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:31313"
with Push0(listen=addr) as push, \
        Pull0(dial=addr, recv_timeout=5000) as pull0, \
        Pull0(dial=addr, recv_timeout=5000) as pull1:
    # give some time to connect
    while len(push.pipes) < 2:
        time.sleep(0.01)
    push.send(b"hi some node")
    push.send(b"hi some other node")
    print(pull0.recv())  # prints b'hi some node' (or the other one)
    print(pull1.recv())  # prints b'hi some other node'
    pull0.recv_timeout = 100
    try:
        pull0.recv()
        assert False, "Cannot get here, since messages are sent round robin"
    except Timeout:
        pass
