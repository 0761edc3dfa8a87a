"""What pynng users asked for, the exception hierarchy, and module-level names."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
import weakref

import pytest

import pnng as pynng
from helpers import TCP0, T, bound, wait_for, wait_pipes


# ---- exceptions ---------------------------------------------------------------------------------------

PYNNG_EXCEPTIONS = {
    "Interrupted": 1, "NoMemory": 2, "InvalidOperation": 3, "Busy": 4, "Timeout": 5,
    "ConnectionRefused": 6, "Closed": 7, "TryAgain": 8, "NotSupported": 9, "AddressInUse": 10,
    "BadState": 11, "NoEntry": 12, "ProtocolError": 13, "DestinationUnreachable": 14,
    "AddressInvalid": 15, "PermissionDenied": 16, "MessageTooLarge": 17, "ConnectionAborted": 18,
    "ConnectionReset": 19, "Canceled": 20, "OutOfFiles": 21, "OutOfSpace": 22, "AlreadyExists": 23,
    "ReadOnly": 24, "WriteOnly": 25, "CryptoError": 26, "AuthenticationError": 27, "NoArgument": 28,
    "Ambiguous": 29, "BadType": 30, "Internal": 1000,
}


@pytest.mark.parametrize("name,code", sorted(PYNNG_EXCEPTIONS.items()))
def test_every_pynng_exception(name, code):
    cls = getattr(pynng, name)
    assert cls is getattr(pynng.exceptions, name)
    assert issubclass(cls, pynng.NNGException) and issubclass(pynng.NNGException, Exception)
    assert pynng.exceptions.EXCEPTION_MAP[code] is cls
    with pytest.raises(cls) as info:
        pynng.check_err(code)
    assert info.value.errno == code
    assert str(info.value)  # NNG's text


def test_codes_pynng_left_unmapped():
    with pytest.raises(pynng.exceptions.ConnectionShutdown) as info:
        pynng.check_err(31)
    assert info.value.errno == 31
    with pytest.raises(pynng.exceptions.SystemCallError) as sys_err:
        pynng.check_err(0x10000000 | 2)
    assert sys_err.value.sys_errno == 2 and isinstance(sys_err.value, pynng.NNGException)
    with pytest.raises(pynng.exceptions.TransportError) as tran:
        pynng.check_err(0x20000000 | 5)
    assert tran.value.transport_errno == 5
    with pytest.raises(pynng.NNGException):
        pynng.check_err(999)
    pynng.check_err(0)  # no error, no exception


# ---- Ctrl-C and threads -----------------------------------------------------------------------------------


class _Interrupt(Exception):
    pass


def _interrupt_main_after(delay: float) -> threading.Timer:
    timer = threading.Timer(delay, signal.pthread_kill, args=(threading.main_thread().ident, signal.SIGINT))
    timer.start()
    return timer


@pytest.mark.parametrize("op", ["recv", "recv_msg", "send", "ctx_recv"])
def test_signal_interrupts_blocking_call(inproc, op):
    """A blocking call in the main thread is interrupted by a signal (Ctrl-C), and the socket
    keeps working. Uses a custom SIGINT handler, which runs exactly where KeyboardInterrupt would."""
    assert threading.current_thread() is threading.main_thread()

    def handler(signum, frame):
        raise _Interrupt()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        with pynng.Rep0(listen=inproc) as s, pynng.Req0(dial=inproc, recv_timeout=T) as peer:
            call = {
                "recv": s.recv,
                "recv_msg": s.recv_msg,
                "send": lambda: pynng.Pair0(listen=inproc + "-pair").send(b"nobody listens"),
                "ctx_recv": lambda: s.new_context().recv(),
            }[op]
            timer = _interrupt_main_after(0.2)
            with pytest.raises(_Interrupt):
                call()  # would block forever: no timeout, nothing arrives
            timer.join()
            peer.send(b"still works")
            assert s.recv() == b"still works"
    finally:
        signal.signal(signal.SIGINT, previous)


def test_keyboard_interrupt_reaches_a_blocking_recv(inproc):
    """With Python's default handler Ctrl-C raises KeyboardInterrupt inside recv()."""
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pynng.Pair0(listen=inproc) as s:
        timer = _interrupt_main_after(0.2)
        with pytest.raises(KeyboardInterrupt):
            s.recv()
        timer.join()


def test_ctrl_c_interrupts_a_blocking_recv_promptly(inproc):
    """The signal interrupts recv() within a bound (generous here: tests never time tightly;
    the design bound is one 50 ms slice)."""
    with pynng.Req0(listen=inproc) as s, pynng.Rep0(dial=inproc):
        wait_pipes(s, 1)
        s.send(b"a request nobody answers")
        sent = []
        timer = threading.Timer(0.3, lambda: (sent.append(time.monotonic()),
                                              signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)))
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            s.recv()
        assert time.monotonic() - sent[0] < 2.0
        timer.join()


@pytest.mark.parametrize("proto", ["req", "pair"])
def test_signal_handler_that_returns_does_not_disturb_the_call(inproc, proto):
    """A handler that returns (SIGUSR1 counting here) runs during recv(), and the receive goes
    on: a req0 request is not dropped, nothing is lost."""
    assert threading.current_thread() is threading.main_thread()
    seen = []
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: seen.append(signum))
    try:
        cls, peer_cls = (pynng.Req0, pynng.Rep0) if proto == "req" else (pynng.Pair0, pynng.Pair0)
        with cls(listen=inproc, recv_timeout=T) as s, peer_cls(dial=inproc, recv_timeout=T, send_timeout=T) as peer:
            wait_pipes(s, 1)
            if proto == "req":
                s.send(b"question")

            def answer():
                for _ in range(3):
                    signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
                    time.sleep(0.1)
                if proto == "req":
                    assert peer.recv() == b"question"
                peer.send(b"answer")

            t = threading.Thread(target=answer)
            t.start()
            assert s.recv() == b"answer"
            t.join()
            assert len(seen) == 3
    finally:
        signal.signal(signal.SIGUSR1, previous)


def test_message_arriving_as_ctrl_c_lands_is_not_lost(inproc):
    with pynng.Pair0(listen=inproc, recv_timeout=T) as s, pynng.Pair0(dial=inproc, send_timeout=T) as peer:
        wait_pipes(s, 1)
        for _ in range(5):
            timer = _interrupt_main_after(0.05)
            with pytest.raises(KeyboardInterrupt):
                s.recv()
            timer.join()
            peer.send(b"next")
            assert s.recv() == b"next"


@pytest.mark.parametrize("in_main_thread", [True, False])
def test_close_from_another_thread_wakes_blocked_recv(inproc, in_main_thread):
    s = pynng.Pair0(listen=inproc)
    outcome = []

    def receive():
        try:
            s.recv()
        except pynng.Closed:
            outcome.append("closed")

    if in_main_thread:
        timer = threading.Timer(0.2, s.close)
        timer.start()
        receive()
        timer.join()
    else:
        t = threading.Thread(target=receive)
        t.start()
        time.sleep(0.1)
        s.close()
        t.join(timeout=10)
        assert not t.is_alive()
    assert outcome == ["closed"]


def test_worker_threads_block_in_c(inproc):
    """Threads other than the main one use the plain blocking call: many of them at once."""
    with pynng.Pull0(listen=inproc, recv_timeout=T) as pull, pynng.Push0(dial=inproc, send_timeout=T) as push:
        got = []
        lock = threading.Lock()

        def worker():
            data = pull.recv()
            with lock:
                got.append(data)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for i in range(4):
            push.send(b"job %d" % i)
        for t in threads:
            t.join(timeout=10)
        assert sorted(got) == [b"job %d" % i for i in range(4)]


# ---- lifetime -------------------------------------------------------------------------------------------


def test_unreferenced_sockets_are_collected(inproc):
    s = pynng.Pair0(listen=inproc)
    s.add_pre_pipe_connect_cb(lambda pipe: None)
    s.add_post_pipe_remove_cb(lambda pipe: None)
    ctx_holder = pynng.Rep0()
    ctx = ctx_holder.new_context()
    refs = [weakref.ref(s), weakref.ref(ctx_holder)]
    del s, ctx_holder, ctx
    # No reference cycle inside pnng: plain reference counting frees them, no gc pass needed.
    assert [r() for r in refs] == [None, None]
    with pynng.Pair0(listen=inproc):  # closed on collection: the address is free again
        pass


def test_pipes_and_messages_do_not_keep_cycles(inproc):
    gc.disable()
    try:
        with pynng.Pair0(listen=inproc, recv_timeout=T) as s0, pynng.Pair0(dial=inproc) as s1:
            s1.send(b"x")
            msg = s0.recv_msg()
            pipe_ref = weakref.ref(msg.pipe)
            sock_ref = weakref.ref(s0)
            del msg
            # The socket keeps a live connection's Pipe (one object for its whole life, as in
            # pynng); the Pipe refers back weakly, so nothing forms a cycle.
            assert pipe_ref() is s0.pipes[0]
        assert pipe_ref() is None
        del s0, s1
        assert sock_ref() is None
    finally:
        gc.enable()


def test_double_close_everything(inproc):
    s = pynng.Rep0()
    listener = s.listen(inproc)
    dialer = s.dial(inproc + "-nobody", block=False)
    ctx = s.new_context()
    for obj in (listener, dialer, ctx, s):
        obj.close()
        obj.close()


def test_closed_socket_from_context_manager_exit(inproc):
    with pynng.Pair0(listen=inproc) as s:
        pass
    assert s.closed
    with pytest.raises(pynng.Closed):
        s.send(b"x")


# ---- zero copy and recv_into ----------------------------------------------------------------------------


@pytest.mark.parametrize("main_thread", [True, False])
def test_recv_into(inproc, main_thread):
    result = {}

    def run():
        with pynng.Pair0(listen=inproc, recv_timeout=T) as s0, pynng.Pair0(dial=inproc, send_buffer_size=4) as s1:
            buf = bytearray(8)
            s1.send(b"12345")
            result["n"] = s0.recv_into(buf)
            result["buf"] = bytes(buf)
            s1.send(b"this is far too long")
            with pytest.raises(pynng.MessageTooLarge):
                s0.recv_into(buf)
            result["kept"] = s0.recv()  # the message that did not fit is not lost
            view = memoryview(bytearray(64))[10:30]
            s1.send(b"into a view")
            result["view"] = bytes(view[: s0.recv_into(view)])
            with pytest.raises(TypeError):
                s0.recv_into(b"read-only bytes")
            with pytest.raises(pynng.TryAgain):
                s0.recv_into(buf, block=False)

    if main_thread:
        run()
    else:
        errors = []
        t = threading.Thread(target=lambda: _capture(run, errors))
        t.start()
        t.join(timeout=30)
        assert errors == []
    assert result == {"n": 5, "buf": b"12345\0\0\0", "kept": b"this is far too long", "view": b"into a view"}


def _capture(fn, errors):
    try:
        fn()
    except BaseException as exc:  # surfaced by the caller's assertion
        errors.append(exc)


def test_recv_into_too_large_after_waiting_is_kept(inproc):
    """In the main thread a blocking recv_into waits on an aio; a too-large message it gets is
    kept for the next receive."""
    with pynng.Pair0(listen=inproc, recv_timeout=T) as s0, pynng.Pair0(dial=inproc) as s1:
        timer = threading.Timer(0.1, s1.send, args=(b"0123456789",))
        timer.start()
        with pytest.raises(pynng.MessageTooLarge):
            s0.recv_into(bytearray(4))
        timer.join()
        assert s0.recv_msg().bytes == b"0123456789"


def test_zero_copy_view_of_large_message():
    big = os.urandom(4 * 1024 * 1024)
    with pynng.Pair0(listen=TCP0, recv_timeout=T, recv_max_size=0) as s0, \
            pynng.Pair0(dial=bound(s0), send_timeout=T) as s1:
        s1.send(big)
        msg = s0.recv_msg()
        view = msg.buffer
        del msg  # the view keeps the message alive
        gc.collect()
        assert len(view) == len(big) and view[:16] == big[:16] and view == memoryview(big)


# ---- options mistakes ------------------------------------------------------------------------------------


def test_setting_unknown_or_mistyped_options_raises():
    with pynng.Pair0() as s:
        with pytest.raises(AttributeError):
            s.recv_timout = 10
        with pytest.raises(pynng.NotSupported):
            pynng.options._setopt_ms(s, "recv-timout", 10)
        with pytest.raises(pynng.BadType):
            pynng.options._setopt_string(s, "recv-timeout", "10")
        with pytest.raises(ValueError):  # pynng's class for a string where a number goes
            s.send_buffer_size = "big"
        with pytest.raises(TypeError):
            s.send_buffer_size = None


# ---- fork ----------------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")
def test_fork_child_gets_errors_not_an_abort(inproc):
    """NNG is not fork-safe (using it in a fork child aborts the process). pnng makes every
    inherited object raise and new objects raise RuntimeError; the parent is unaffected."""
    with pynng.Pair0(listen=inproc, recv_timeout=T) as s, pynng.Pair0(dial=inproc) as peer:
        wait_pipes(s, 1)
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: report through the pipe, never return into pytest
            code = 1
            try:
                results = []
                for fn in (lambda: pynng.Pair0(), lambda: s.send(b"x"), lambda: s.recv_timeout,
                           lambda: s.pipes[0] if s.pipes else None, lambda: peer.recv()):
                    try:
                        fn()
                        results.append("ok")
                    except Exception as exc:  # noqa: BLE001 - we report the type
                        results.append(type(exc).__name__)
                s.close()
                peer.close()
                os.write(wfd, ",".join(results).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(wfd)
        report = os.read(rfd, 1000).decode()
        os.close(rfd)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"child died: {status}"
        assert report == "RuntimeError,RuntimeError,RuntimeError,RuntimeError,RuntimeError"
        peer.send(b"parent still works")
        assert s.recv() == b"parent still works"


# ---- module-level names ------------------------------------------------------------------------------


def test_module_names():
    for name in ["Socket", "Pair0", "Pair1", "Req0", "Rep0", "Pub0", "Sub0", "Push0", "Pull0", "Surveyor0",
                 "Respondent0", "Bus0", "Context", "Dialer", "Listener", "Pipe", "Message", "TLSConfig",
                 "NNGException", "MessageStateError", "check_err", "lib", "options", "sockaddr", "exceptions"]:
        assert hasattr(pynng, name), name
    for proto in ["pair0", "pair1", "req0", "rep0", "pub0", "sub0", "push0", "pull0", "surveyor0",
                  "respondent0", "bus0"]:
        assert callable(getattr(pynng.lib, f"nng_{proto}_open"))
        assert callable(getattr(pynng.lib, f"nng_{proto}_open_raw"))
    assert pynng.lib.NNG_FLAG_NONBLOCK == 2 and pynng.lib.NNG_AF_INET6 == 4
    assert pynng.version().startswith("pnng ") and "(NNG 1.12.0)" in pynng.version()
    assert isinstance(pynng.__version__, str)
    import pnng.options as options
    for name in ["IntOption", "MsOption", "SizeOption", "StringOption", "BooleanOption", "SockAddrOption",
                 "PointerOption", "_getopt_int", "_setopt_int", "_getopt_ms", "_setopt_ms", "_getopt_size",
                 "_setopt_size", "_getopt_string", "_setopt_string", "_getopt_bool", "_setopt_bool",
                 "_getopt_sockaddr", "_setopt_ptr", "_setopt_string_nonnull"]:
        assert hasattr(options, name), name


def test_every_public_name_has_a_docstring():
    import inspect

    for name in pynng.__all__:
        obj = getattr(pynng, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, name
            for attr, member in vars(obj).items() if inspect.isclass(obj) else []:
                if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                    assert member.__doc__ or getattr(getattr(obj.__mro__[1], attr, None), "__doc__", None), \
                        f"{name}.{attr}"


def test_py_typed_marker_shipped():
    import pathlib

    assert (pathlib.Path(pynng.__file__).parent / "py.typed").exists()


def test_device_forwards_between_raw_sockets(inproc):
    front = pynng.Socket(opener=pynng.lib.nng_rep0_open_raw)
    back = pynng.Socket(opener=pynng.lib.nng_req0_open_raw)
    front.listen(inproc + "-front")
    back.listen(inproc + "-back")
    errors = []
    t = threading.Thread(target=lambda: _capture(lambda: pynng.device(front, back), errors))
    t.start()
    try:
        with pynng.Req0(dial=inproc + "-front", recv_timeout=T) as client, \
                pynng.Rep0(dial=inproc + "-back", recv_timeout=T) as server:
            client.send(b"through the device")
            assert server.recv() == b"through the device"
            server.send(b"and back")
            assert client.recv() == b"and back"
    finally:
        front.close()
        back.close()
        t.join(timeout=10)
    assert not t.is_alive() and errors == []


def test_library_lookup_order(tmp_path):
    """PNNG_LIBRARY wins; a bad path is a clear ImportError naming what was tried."""
    import subprocess

    env = dict(os.environ, PNNG_LIBRARY=str(tmp_path / "missing.so"))
    proc = subprocess.run([sys.executable, "-c", "import pnng"], env=env, capture_output=True, text=True)
    assert proc.returncode != 0 and "PNNG_LIBRARY" in proc.stderr and "missing.so" in proc.stderr
    assert pynng.library_path == os.environ["PNNG_LIBRARY"]


def test_wait_for_helper_polls_until_true():
    state = {"n": 0}

    def bump():
        state["n"] += 1
        return state["n"] >= 3

    wait_for(bump)
    assert state["n"] == 3
