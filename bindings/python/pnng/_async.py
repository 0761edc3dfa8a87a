"""asend/arecv for asyncio, trio and curio, on libpnng's completion queue.

Each event loop (asyncio) or trio run owns one ``pnng_cq``. Operations run on aios posting to
it, so NNG never calls Python: the queue's file descriptor becomes readable, the loop (asyncio
``add_reader``) or a trio system task (``wait_readable``) pops the finished aios and wakes the
waiting tasks. Under curio one process-wide queue is drained by a thread that completes each
operation's ``concurrent.futures.Future``, which curio waits on (as pynng does). Aios are pooled
per queue and reused.

Cancellation: cancelling the awaiting task cancels the aio and then waits for it to finish.
If NNG finished the operation anyway, its result is returned (a received message is never
dropped); otherwise the task's own cancellation is raised and, for a receive, the message
stays queued in the socket.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import threading
import weakref
from ctypes import byref
from typing import Any, Callable, Dict, List, Optional, Tuple, cast

from . import _ffi
from ._ffi import ECANCELED, lib
from .exceptions import check_err

try:
    import sniffio
except ImportError:  # pragma: no cover - sniffio is a dependency; keep asyncio working anyway
    sniffio = None  # type: ignore[assignment]

_POOL_MAX = 64

Start = Callable[[int, int], int]


class _Driver:
    """A completion queue plus the aios that post to it."""

    def __init__(self) -> None:
        _ffi.require_usable()
        cq = ctypes.c_void_p()
        check_err(lib.pnng_cq_new(byref(cq)))
        self.cq: Optional[int] = cq.value
        fd = ctypes.c_int()
        check_err(lib.pnng_cq_fd(self.cq, byref(fd)))
        self.fd = fd.value
        self.pool: List[int] = []
        self.waiters: Dict[int, Any] = {}
        self._aio_out: Any = ctypes.c_void_p()
        self._ud_out = ctypes.c_void_p()
        self._take_out: Any = ctypes.c_void_p()

    def acquire(self) -> int:
        if self.pool:
            return self.pool.pop()
        out = ctypes.c_void_p()
        check_err(lib.pnng_aio_new_cq(self.cq, None, byref(out)))
        return out.value  # type: ignore[return-value]

    def release(self, aio: int) -> None:
        if len(self.pool) < _POOL_MAX and self.cq is not None:
            self.pool.append(aio)
        else:
            lib.pnng_aio_free(aio)

    def drain(self) -> None:
        """Pops every finished aio and wakes its waiter."""
        aio_out, pop, cq = self._aio_out, lib.pnng_cq_pop, self.cq
        aio_ref, ud_ref, waiters, wake = byref(aio_out), byref(self._ud_out), self.waiters, self.wake
        while cq is not None and pop(cq, aio_ref, ud_ref) == 0:
            aio = aio_out.value
            waiter = waiters.pop(aio, None)
            if waiter is not None:
                wake(aio, waiter)
            cq = self.cq

    def close(self) -> None:
        if self.cq is None:
            return
        if _ffi.runtime.usable:
            for aio in self.pool:
                lib.pnng_aio_free(aio)
            lib.pnng_cq_free(self.cq)
        self.pool.clear()
        self.cq = None

    # backend hooks
    def prepare(self, aio: int) -> Any:
        raise NotImplementedError

    def wake(self, aio: int, waiter: Any) -> None:
        raise NotImplementedError

    async def wait(self, aio: int, waiter: Any) -> "Optional[_Cancel]":
        raise NotImplementedError


class _Cancel:
    """A cancellation that arrived while an aio ran: re-raise it, or drop it if NNG finished."""

    def __init__(self, reraise: Callable[[], Any], swallow: Callable[[], None]) -> None:
        self.reraise = reraise
        self.swallow = swallow


# ---- asyncio -----------------------------------------------------------------------------------------


_COMPLETED = object()  # asyncio: waiters[aio] when the aio finished after its future was cancelled


class _AsyncioDriver(_Driver):
    def __init__(self, loop: Any) -> None:
        super().__init__()
        # Weak: the driver is the value of a WeakKeyDictionary keyed by this loop.
        self._loop = weakref.ref(loop)
        self._create_future = loop.create_future
        loop.add_reader(self.fd, self.drain)

    def prepare(self, aio: int) -> Any:
        fut = self.waiters[aio] = self._create_future()
        return fut

    def wake(self, aio: int, waiter: Any) -> None:
        if waiter.done():
            # Cancelled (its task was) before NNG finished: wait() looks for this mark.
            self.waiters[aio] = _COMPLETED
        else:
            waiter.set_result(None)

    async def wait(self, aio: int, waiter: Any) -> Optional[_Cancel]:
        try:
            await waiter  # the common case: no shield, no extra future
            return None
        except asyncio.CancelledError as exc:
            caught: List[BaseException] = [exc]
        # The task was cancelled. If the future holds a result, drain() already popped the
        # completion (the cancel came after it): nothing is running. Otherwise cancel the aio,
        # then wait until NNG has really finished it (its completion must be popped before the
        # aio is reused), absorbing further cancels.
        if waiter.cancelled() or not waiter.done():
            lib.pnng_aio_cancel(aio)
            waiters = self.waiters
            while True:
                if waiters.get(aio) is _COMPLETED:
                    del waiters[aio]
                    break
                fut = waiters[aio] = self._create_future()
                try:
                    await fut
                    break
                except asyncio.CancelledError as exc:
                    caught.append(exc)
                    if not fut.cancelled() and fut.done():
                        break
        task = asyncio.current_task()

        def reraise() -> None:
            raise caught[0]

        def swallow() -> None:
            # The operation completed: keep its result and undo the cancel requests we absorbed,
            # so asyncio.timeout()/TaskGroup bookkeeping stays right (Python 3.11+).
            uncancel = getattr(task, "uncancel", None)
            if uncancel is not None:
                for _ in caught:
                    uncancel()

        return _Cancel(reraise, swallow)

    def close(self) -> None:
        loop = self._loop()
        if self.cq is not None and loop is not None and not loop.is_closed():
            loop.remove_reader(self.fd)
        super().close()


_asyncio_drivers: "weakref.WeakKeyDictionary[Any, _AsyncioDriver]" = weakref.WeakKeyDictionary()


_last_asyncio: Tuple[Any, Any] = (lambda: None, None)  # (weakref to a loop, its driver)


def _asyncio_driver(loop: Any = None) -> _Driver:
    global _last_asyncio
    if loop is None:
        loop = asyncio.get_running_loop()
    ref, drv = _last_asyncio
    if ref() is loop and drv.cq is not None:
        return drv  # type: ignore[no-any-return]
    drv = _asyncio_drivers.get(loop)
    if drv is None:
        # Loops that were closed without being collected still hold a queue: release those.
        for old_loop, old in list(_asyncio_drivers.items()):
            if old_loop.is_closed():
                old.close()
                del _asyncio_drivers[old_loop]
        drv = _asyncio_drivers[loop] = _AsyncioDriver(loop)
        weakref.finalize(loop, drv.close)
    _last_asyncio = (weakref.ref(loop), drv)
    return cast(_Driver, drv)


# ---- trio --------------------------------------------------------------------------------------------


class _TrioDriver(_Driver):
    def prepare(self, aio: int) -> Any:
        import trio

        task = trio.lowlevel.current_task()
        self.waiters[aio] = task
        return task

    def wake(self, aio: int, waiter: Any) -> None:
        import trio

        trio.lowlevel.reschedule(waiter)

    async def wait(self, aio: int, waiter: Any) -> Optional[_Cancel]:
        import trio

        raise_cancel: List[Callable[[], Any]] = []

        def abort(rc: Callable[[], Any]) -> Any:
            # Ask NNG to stop; the task stays parked until the aio really completes.
            lib.pnng_aio_cancel(aio)
            raise_cancel.append(rc)
            return trio.lowlevel.Abort.FAILED

        await trio.lowlevel.wait_task_rescheduled(abort)
        if not raise_cancel:
            return None
        # trio re-delivers a cancellation at the next checkpoint by itself: nothing to undo.
        return _Cancel(raise_cancel[0], lambda: None)

    async def serve(self) -> None:
        import trio

        try:
            while True:
                await trio.lowlevel.wait_readable(self.fd)
                self.drain()
        finally:
            self.close()


_trio_driver_var: Any = None


def _trio_driver() -> _Driver:
    import trio

    global _trio_driver_var
    if _trio_driver_var is None:
        _trio_driver_var = trio.lowlevel.RunVar("pnng_cq_driver", default=None)
    drv = _trio_driver_var.get()
    if drv is None or drv.cq is None:
        drv = _TrioDriver()
        _trio_driver_var.set(drv)
        trio.lowlevel.spawn_system_task(drv.serve, name="pnng completion queue")
    return cast(_Driver, drv)


# ---- curio ---------------------------------------------------------------------------------------------


class _CurioDriver(_Driver):
    """One queue for every curio kernel; a daemon thread pops completions and resolves the
    waiting operation's Future (curio wakes its task from any thread)."""

    def __init__(self) -> None:
        super().__init__()
        self.completed: set = set()  # type: ignore[type-arg]
        self._lock = threading.Lock()  # acquire/release run on any kernel's thread
        self._thread = threading.Thread(target=self._serve, name="pnng curio completions", daemon=True)
        self._thread.start()

    def acquire(self) -> int:
        with self._lock:
            return super().acquire()

    def release(self, aio: int) -> None:
        with self._lock:
            super().release(aio)

    def _serve(self) -> None:
        cq = self.cq
        aio_out: Any = ctypes.c_void_p()
        ud_out = ctypes.c_void_p()
        aio_ref, ud_ref = byref(aio_out), byref(ud_out)
        while _ffi.runtime.usable:
            lib.pnng_cq_wait(cq, -1)
            while lib.pnng_cq_pop(cq, aio_ref, ud_ref) == 0:
                aio = aio_out.value
                self.completed.add(aio)  # before reading the waiter: see wait()
                fut = self.waiters.get(aio)
                if fut is not None and not fut.done():
                    try:
                        fut.set_result(None)
                    except concurrent.futures.InvalidStateError:
                        pass  # cancelled meanwhile by curio

    def prepare(self, aio: int) -> Any:
        self.completed.discard(aio)
        fut = self.waiters[aio] = concurrent.futures.Future()
        return fut

    async def wait(self, aio: int, waiter: Any) -> Optional[_Cancel]:
        import curio  # type: ignore[import-untyped]
        from curio.traps import _future_wait  # type: ignore[import-untyped]

        try:
            await _future_wait(waiter)
            self.waiters.pop(aio, None)
            return None
        except curio.errors.CancelledError as exc:
            caught = exc
        # Cancelled (curio cancelled the Future): stop the operation and wait until NNG has
        # really finished it, so the aio can be reused.
        lib.pnng_aio_cancel(aio)
        async with curio.disable_cancellation():
            while aio not in self.completed:
                fut = self.waiters[aio] = concurrent.futures.Future()
                if aio in self.completed:  # the thread read the old waiter just before
                    break
                await _future_wait(fut)
        self.waiters.pop(aio, None)

        def reraise() -> None:
            raise caught

        return _Cancel(reraise, lambda: None)


_curio_driver_obj: Optional[_CurioDriver] = None
_curio_lock = threading.Lock()


def _curio_driver() -> _Driver:
    global _curio_driver_obj
    drv = _curio_driver_obj
    if drv is None or drv.cq is None:
        with _curio_lock:
            if _curio_driver_obj is None:
                _curio_driver_obj = _CurioDriver()
            drv = _curio_driver_obj
    return drv


# ---- operations that completed at once -----------------------------------------------------------------

# asend/arecv on a socket first try the non-blocking call (as the sync main-thread path, see _io):
# a message that can go (or is there) now costs one C call instead of an aio round through
# NNG's callback thread, the completion queue and an event loop wake-up. So that a loop of
# such calls cannot starve other tasks, every FAST_YIELD_EVERY-th one yields to the event loop
# (asyncio: sleep(0); trio: a cancel-shielded checkpoint). Under trio every call still checks
# for cancellation first (checkpoint_if_cancelled), so a cancelled scope never sends or takes a
# message.
FAST_YIELD_EVERY = 8
_fast_count = 0


def kind(backend: Optional[str]) -> str:
    """The async library running now: ``backend`` if given, else sniffio's answer ("asyncio",
    "trio", "curio"), found without function calls in the common cases."""
    if backend is not None:
        return backend
    name = _sniffio_local.name if _sniffio_local is not None else None
    if name is None and _sniffio_cvar is not None:
        name = _sniffio_cvar.get()
    if name is None:
        name = "asyncio" if _get_running_loop() is not None else current_backend(None)
    return name


async def before_fast(kind_: str) -> None:
    """Under trio and curio: raise their cancellation if the task is cancelled, before acting."""
    if kind_ == "trio":
        import trio

        await trio.lowlevel.checkpoint_if_cancelled()
    elif kind_ == "curio":
        import curio

        await curio.check_cancellation()


async def after_fast(kind_: str) -> None:
    """After an operation completed without waiting: a schedule point (see above)."""
    global _fast_count
    _fast_count += 1
    if _fast_count >= FAST_YIELD_EVERY:
        _fast_count = 0
        if kind_ == "trio":
            import trio

            await trio.lowlevel.cancel_shielded_checkpoint()
        elif kind_ == "curio":
            import curio

            await curio.sleep(0)
        else:
            await asyncio.sleep(0)


# ---- entry point -------------------------------------------------------------------------------------


def current_backend(explicit: Optional[str] = None) -> str:
    """The async library in use: ``explicit`` if given, else what sniffio detects."""
    if explicit:
        return explicit
    if sniffio is not None:
        return sniffio.current_async_library()
    return "asyncio"


_get_running_loop = asyncio._get_running_loop
_sniffio_cvar = getattr(sniffio, "current_async_library_cvar", None)
_sniffio_local = getattr(sniffio, "thread_local", None)


def _driver(backend: Optional[str]) -> _Driver:
    if backend is None:
        # sniffio's own order, minus its function calls: trio (and others) announce themselves,
        # asyncio is recognised by its running loop.
        name = _sniffio_local.name if _sniffio_local is not None else None
        if name is None and _sniffio_cvar is not None:
            name = _sniffio_cvar.get()
        if name is None:
            loop = _get_running_loop()
            if loop is not None:
                return _asyncio_driver(loop)
            name = current_backend(None)
    else:
        name = backend
    if name == "asyncio":
        return _asyncio_driver()
    if name == "trio":
        return _trio_driver()
    if name == "curio":
        return _curio_driver()
    raise ValueError(f"The async backend {name} is not currently supported.")


async def run(
    start: Start, h: int, msg: Optional[int], backend: Optional[str], give_back: Optional[Callable[[int], None]] = None
) -> Tuple[int, Optional[int]]:
    """Runs one operation: ``start(h, aio)`` after giving the aio ``msg`` (if any).

    Returns (result code, message left on the aio: the received one, or an unsent one given
    back). When ``run`` raises instead (the task was cancelled and NNG cancelled the operation,
    or no backend could be used), an unsent ``msg`` is first handed to ``give_back`` (default:
    freed).
    """
    give_back = give_back or lib.pnng_msg_free
    try:
        drv = _driver(backend)
        aio = drv.acquire()
    except BaseException:
        if msg is not None:
            give_back(msg)
        raise
    running = False
    try:
        if msg is not None:
            rc = lib.pnng_aio_set_msg(aio, msg)
            if rc:
                return rc, msg
        waiter = drv.prepare(aio)
        rc = start(h, aio)
        if rc:
            drv.waiters.pop(aio, None)
            return rc, _take(aio, drv)
        running = True
        cancel = await drv.wait(aio, waiter)
        running = False
        rc = lib.pnng_aio_result(aio)
        left = _take(aio, drv)
        if cancel is not None:
            if rc == ECANCELED:
                if left is not None:
                    give_back(left)
                cancel.reraise()
            cancel.swallow()
        return rc, left
    finally:
        if running:
            # Abandoned while NNG still runs it (e.g. the coroutine was closed): free waits for it.
            drv.waiters.pop(aio, None)
            lib.pnng_aio_free(aio)
        else:
            drv.release(aio)


def _take(aio: int, drv: "Optional[_Driver]" = None) -> Optional[int]:
    """The message on an idle aio (received, or an unsent one), or None."""
    # The driver's scratch pointer: a driver serves one thread (its loop), so no other thread
    # writes it between the call (which releases the GIL) and the read.
    out = drv._take_out if drv is not None else ctypes.c_void_p()
    if lib.pnng_aio_take_msg(aio, byref(out)) == 0:
        return out.value
    return None
