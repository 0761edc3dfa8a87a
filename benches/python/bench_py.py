"""The Python side of the pnng benchmarks: one script, run on pynng and on pnng's Python package.

    python bench_py.py MODULE PATTERN SIZE URL SECONDS

MODULE is "pynng" or "pnng" (imported as `pynng`, since pnng mirrors pynng's API). PATTERN:
lat (sync req/rep round trip), lat2p (the same round trip between two processes, each blocking
in its main thread: send(recv()) on the server, send then recv on the client), alat-asyncio / alat-trio (the same round trip with asend/arecv
under that event loop), pair1 / pushpull (one-way throughput, sync). The calls are the ones a
pynng user writes: send(bytes) and recv() -> bytes; the echo server forwards the received
Message (recv_msg/send_msg) without copying, as the C driver does.

Prints one JSON line like the C driver (value: microseconds per round trip for lat*, messages
per second otherwise), {"error": ...} with exit status 1 on failure, and exit status 3 with
{"missing": ...} when MODULE (or the event loop library) cannot be imported.
"""

import importlib
import json
import sys
import threading
import time


def emit(obj, status=0):
    print(json.dumps(obj), flush=True)
    sys.exit(status)


def load(module):
    try:
        return importlib.import_module(module)
    except Exception as e:  # ImportError, or a binding that fails to load its library
        emit({"missing": f"{module}: {type(e).__name__}: {e}"}, 3)


def open_socket(pynng, cls):
    s = getattr(pynng, cls)()
    s.recv_max_size = 4 << 20
    return s


def connect(pynng, url, listen_cls, dial_cls):
    """Opens both sides; the first listens, the second dials (blocking)."""
    listener = open_socket(pynng, listen_cls)
    listener.listen(url)
    dialer = open_socket(pynng, dial_cls)
    dialer.dial(url, block=True)
    return listener, dialer


def expect_size(data, size):
    if len(data) != size:
        raise RuntimeError(f"received {len(data)} bytes, expected {size}")


def timed_loop(step, warmup, window):
    """Runs step for warmup seconds, then counts the steps completed in window seconds."""
    end = time.perf_counter() + warmup
    while time.perf_counter() < end:
        step()
    count = 0
    start = time.perf_counter()
    end = start + window
    while True:
        step()
        count += 1
        now = time.perf_counter()
        if now >= end:
            return count, now - start


async def async_timed_loop(step, warmup, window):
    """timed_loop for a coroutine step."""
    end = time.perf_counter() + warmup
    while time.perf_counter() < end:
        await step()
    count = 0
    start = time.perf_counter()
    end = start + window
    while True:
        await step()
        count += 1
        now = time.perf_counter()
        if now >= end:
            return count, now - start


def echo_forever(server):
    try:
        while True:
            server.send_msg(server.recv_msg())
    except Exception:  # Closed: the measurement is over
        pass


def latency(pynng, url, buf, warmup, window):
    server, client = connect(pynng, url, "Rep0", "Req0")
    thread = threading.Thread(target=echo_forever, args=(server,), daemon=True)
    thread.start()

    def round_trip():
        client.send(buf)
        expect_size(client.recv(), len(buf))

    result = timed_loop(round_trip, warmup, window)
    server.close()
    thread.join()
    client.close()
    return result


def echo_process(pynng, url):
    """lat2p's server (a child process): listens, says so on stdout, then send(recv()) in its
    main thread until it is terminated."""
    server = open_socket(pynng, "Rep0")
    server.listen(url)
    print("ready", flush=True)
    while True:
        server.send(server.recv())


def latency_two_processes(module, pynng, url, buf, warmup, window):
    import subprocess

    child = subprocess.Popen([sys.executable, __file__, module, "echo2p", str(len(buf)), url, "0"],
                             stdout=subprocess.PIPE, text=True)
    try:
        if child.stdout.readline().strip() != "ready":
            raise RuntimeError("the echo process did not start")
        client = open_socket(pynng, "Req0")
        client.dial(url, block=True)

        def round_trip():
            client.send(buf)
            expect_size(client.recv(), len(buf))

        result = timed_loop(round_trip, warmup, window)
        client.close()
        return result
    finally:
        child.terminate()
        child.wait()


def throughput(pynng, url, pair, buf, warmup, window):
    rx, tx = connect(pynng, url, *(("Pair1", "Pair1") if pair else ("Pull0", "Push0")))
    stop = threading.Event()

    def send_forever():
        try:
            while not stop.is_set():
                tx.send(buf)
        except Exception:  # Closed: the measurement is over
            pass

    thread = threading.Thread(target=send_forever, daemon=True)
    thread.start()
    result = timed_loop(lambda: expect_size(rx.recv(), len(buf)), warmup, window)
    stop.set()
    tx.close()  # wakes a sender blocked on flow control
    thread.join()
    rx.close()
    return result


async def async_latency(pynng, url, buf, warmup, window, spawn):
    """The round trip with asend/arecv; `spawn` starts the echo server as a task of the loop."""
    server, client = connect(pynng, url, "Rep0", "Req0")

    async def echo():
        try:
            while True:
                await server.asend_msg(await server.arecv_msg())
        except Exception:  # Closed: the measurement is over
            pass

    async def round_trip():
        await client.asend(buf)
        expect_size(await client.arecv(), len(buf))

    async with spawn(echo):
        result = await async_timed_loop(round_trip, warmup, window)
        server.close()
    client.close()
    return result


def run_asyncio(coro_fn):
    import asyncio
    import contextlib

    @contextlib.asynccontextmanager
    async def spawn(fn):
        task = asyncio.get_running_loop().create_task(fn())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    return asyncio.run(coro_fn(spawn))


def run_trio(coro_fn):
    try:
        import trio
    except ImportError as e:
        emit({"missing": f"trio: {e}"}, 3)
    import contextlib

    @contextlib.asynccontextmanager
    async def spawn(fn):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(fn)
            yield
            nursery.cancel_scope.cancel()

    async def main():
        return await coro_fn(spawn)

    return trio.run(main)


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    module, pattern, size, url, seconds = sys.argv[1:]
    size, window = int(size), float(seconds)
    warmup = window / 5
    pynng = load(module)
    buf = b"\xa5" * size
    try:
        if pattern == "lat":
            count, took = latency(pynng, url, buf, warmup, window)
        elif pattern == "lat2p":
            count, took = latency_two_processes(module, pynng, url, buf, warmup, window)
        elif pattern == "echo2p":
            echo_process(pynng, url)
        elif pattern in ("pair1", "pushpull"):
            count, took = throughput(pynng, url, pattern == "pair1", buf, warmup, window)
        elif pattern in ("alat-asyncio", "alat-trio"):
            runner = run_asyncio if pattern == "alat-asyncio" else run_trio
            count, took = runner(lambda spawn: async_latency(pynng, url, buf, warmup, window, spawn))
        else:
            print(f"unknown pattern {pattern}", file=sys.stderr)
            sys.exit(2)
    except Exception as e:
        emit({"error": f"{type(e).__name__}: {e}"}, 1)
    value = took * 1e6 / count if pattern.startswith(("lat", "alat")) else count / took
    emit({"impl": f"py-{module}", "pattern": pattern, "size": size, "count": count, "seconds": took, "value": value})


if __name__ == "__main__":
    main()
