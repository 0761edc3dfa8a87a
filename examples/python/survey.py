"""Surveyor0 / Respondent0 (pynng's survey example)."""
import sys
import time

from pnng import Respondent0, Surveyor0, Timeout

address = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:13131"
with Surveyor0(listen=address) as surveyor, \
        Respondent0(dial=address, recv_timeout=5000) as responder1, \
        Respondent0(dial=address, recv_timeout=5000) as responder2:
    # give time for connections to happen
    while len(surveyor.pipes) < 2:
        time.sleep(0.01)
    surveyor.survey_time = 500
    surveyor.send(b"who wants to party?")
    # usually these would be in another thread or process, ya know?
    responder1.recv()
    responder2.recv()
    responder1.send(b"me me me!!!")
    responder2.send(b"I need to sit this one out.")
    # accept responses until the survey is finished.
    answers = 0
    while True:
        try:
            response = surveyor.recv()
            answers += 1
            if response == b"me me me!!!":
                print("all right, someone is ready to party!")
            elif response == b"I need to sit this one out.":
                print("Too bad, someone is not ready to party.")
        except Timeout:
            print("survey is OVER! Time for bed.")
            break
    assert answers == 2
