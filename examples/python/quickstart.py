import pnng as pynng  # a drop-in for pynng

address = "tcp://127.0.0.1:5555"
with pynng.Rep0(listen=address) as rep, pynng.Req0(dial=address) as req:
    req.send(b"2+2")
    question = rep.recv()
    rep.send(b"4")
    print(req.recv())  # prints b'4'
