'use strict';
// One completion queue per process. Asynchronous operations (send/recv on sockets, contexts, pipes)
// and pipe events are posted by libpnng to this queue; no JS ever runs on an NNG thread.
//
// A single koffi `.async` call to pnng_cq_wait() runs on a worker thread and returns when entries
// are ready; the entries are then popped on the JS thread and the promises settled. The waiter is
// only kept running while operations are outstanding or while some open socket has pipe-event
// listeners, so an idle process exits by itself. It waits in slices (WAIT_SLICE_MS): Socket.close()
// drains the queue synchronously, which can take the entry a running waiter was woken for, and
// there is no call to wake it again; the slice bounds how long such a waiter keeps the process up.

const { F, C } = require('./ffi');
const { makeError, AbortError, check } = require('./errors');

const WAIT_SLICE_MS = 1000;

class Dispatcher {
  constructor() {
    this.cq = null;
    this.ops = new Map(); // key -> op
    this.nextKey = 1;
    this.waiting = false;
    this.eventSockets = new Map(); // socket id -> Socket with pipe-event listeners (kept alive)
    this._aioOut = [null];
    this._udOut = [null];
    this._pipeOut = {};
    this._evOut = [0];
  }

  /** The queue, created on first use. */
  get queue() {
    if (this.cq === null) {
      const out = [null];
      check(F.cq_new(out));
      this.cq = out[0];
    }
    return this.cq;
  }

  /**
   * Starts one asynchronous operation and returns a promise for its outcome.
   *   setup(aio)     optional; prepares the aio (message, timeout). Throwing aborts the start.
   *   start(aio)     calls the pnng_*_aio start function; returns its result code.
   *   complete(aio)  on success, turns the finished aio into the resolved value.
   *   signal         optional AbortSignal: cancels the aio; the promise rejects with AbortError.
   *   ref            any object that must stay reachable while the operation runs (its socket).
   */
  submit({ setup, start, complete, signal, ref }) {
    return new Promise((resolve, reject) => {
      if (signal != null && signal.aborted) {
        reject(abortError(signal));
        return;
      }
      const key = this.nextKey++;
      const out = [null];
      let rc = F.aio_new_cq(this.queue, BigInt(key), out);
      if (rc !== 0) {
        reject(makeError(rc));
        return;
      }
      const aio = out[0];
      try {
        if (setup) setup(aio);
        rc = start(aio);
      } catch (e) {
        F.aio_free(aio);
        reject(e);
        return;
      }
      if (rc !== 0) {
        F.aio_free(aio); // also frees a message still owned by the aio
        reject(makeError(rc));
        return;
      }
      const op = { aio, resolve, reject, complete, signal, onAbort: null, aborted: false, ref };
      if (signal != null) {
        op.onAbort = () => {
          op.aborted = true;
          F.aio_cancel(aio);
        };
        signal.addEventListener('abort', op.onAbort, { once: true });
      }
      this.ops.set(key, op);
      this.kick();
    });
  }

  addEventSocket(sock) {
    this.eventSockets.set(sock.id, sock);
    this.kick();
  }

  removeEventSocket(sock) {
    this.eventSockets.delete(sock.id);
  }

  /** Starts the waiter if there is something to wait for and it is not running yet. */
  kick() {
    if (this.waiting || this.cq === null) return;
    if (this.ops.size === 0 && this.eventSockets.size === 0) return;
    this.waiting = true;
    F.cq_wait.async(this.cq, WAIT_SLICE_MS, () => {
      this.waiting = false;
      this.drain();
      this.kick();
    });
  }

  /** Pops every ready entry (on the JS thread) and settles / emits. Never throws. */
  drain() {
    if (this.cq === null) return;
    const aioOut = this._aioOut;
    const udOut = this._udOut;
    while (F.cq_pop(this.cq, aioOut, udOut) === 0) {
      const key = Number(udOut[0]);
      const op = this.ops.get(key);
      if (op === undefined) continue;
      this.ops.delete(key);
      this._finish(op);
    }
    const pipeOut = this._pipeOut;
    const evOut = this._evOut;
    while (F.cq_pop_pipe_event(this.cq, pipeOut, evOut, udOut) === 0) {
      const sock = this.eventSockets.get(Number(udOut[0]));
      if (sock === undefined) continue;
      try {
        sock._pipeEvent(pipeOut.id, evOut[0]);
      } catch (e) {
        // A throwing listener behaves like any throwing EventEmitter listener: uncaught.
        process.nextTick(() => {
          throw e;
        });
      }
    }
  }

  _finish(op) {
    if (op.signal != null) op.signal.removeEventListener('abort', op.onAbort);
    let value;
    let err = null;
    try {
      const rc = F.aio_result(op.aio);
      if (rc === 0) value = op.complete ? op.complete(op.aio) : undefined;
      else if (op.aborted && rc === C.ECANCELED) err = abortError(op.signal);
      else err = makeError(rc);
    } catch (e) {
      err = e;
    } finally {
      F.aio_free(op.aio);
    }
    if (err !== null) op.reject(err);
    else op.resolve(value);
  }

  /** Number of operations in flight (for tests and diagnostics). */
  get pending() {
    return this.ops.size;
  }
}

function abortError(signal) {
  return new AbortError(undefined, signal && signal.reason !== undefined ? { cause: signal.reason } : undefined);
}

const dispatcher = new Dispatcher();

module.exports = { dispatcher, abortError };
