'use strict';
// One completion queue per thread (per module instance). Asynchronous operations (send/recv on
// sockets, contexts, pipes) and pipe events are posted by libpnng to this queue; no JS ever runs on
// an NNG thread.
//
// Waiting. The queue's eventfd (pnng_cq_fd, readable while entries wait; popped until EAGAIN, as it
// may be readable for a moment with none) is watched by the event loop itself through koffi's libuv
// poll handle (koffi.node.poll): when it turns readable, every ready entry is popped on the JS
// thread in one batch and the promises are settled. No thread-pool thread is involved, so a
// completion costs one wake-up of the event loop. The poll handle is ref'ed only while operations
// are outstanding or some open socket has pipe-event listeners, so an idle process exits by itself.
// Fallback (worker threads, koffi without node.poll, or no pnng_cq_fd): one koffi `.async` call to pnng_cq_wait()
// on a libuv worker thread, re-armed after each batch, waiting in slices of WAIT_SLICE_MS.
//
// Operations. Each one runs on a pooled aio (created once with pnng_aio_new_cq and the slot's
// index as userdata, reused for the next operation after its completion was popped). An aio whose
// operation failed is freed rather than reused (a failed send may leave its message on it).
// The hot path avoids koffi's _Out_ parameters (a JS array per call, several times dearer than the
// call itself): out-pointers go to one preallocated BigUint64Array (see the declarations in ffi.js).

const { koffi, F, C } = require('./ffi');
const { makeError, AbortError, check } = require('./errors');
const { newMsg, takeBody, copyInto } = require('./messages');

// Slices are shorter in worker threads: worker.terminate() waits for the slice in progress.
const WAIT_SLICE_MS = require('node:worker_threads').isMainThread ? 1000 : 100;
const MAX_IDLE_AIOS = 256; // idle aios kept for reuse; more are freed
const canHold = !F.cq_hold.missing;
const DURATION_DEFAULT = -2;

/** Out-parameter scratch: [0] the pointer out, [1] userdata out. Valid until the next call. */
const scratch = new BigUint64Array(2);
const scratch1 = scratch.subarray(1);
/**
 * Receive completions (pnng_aio_take_body): a body of at most RX_CAP bytes is copied into rxBuf
 * in the same call that reads the outcome and takes the message; rxInfo gets its length, pipe id
 * and, for a longer body (or a message with a header), the message itself.
 */
const RX_CAP = 16 * 1024;
const rxBuf = Buffer.allocUnsafeSlow(RX_CAP);
const rxInfo = new BigUint64Array(3);

// Operation kinds: the start function and what a successful completion resolves to.
const K_SEND = 0; // resolves to undefined
const K_RECV_BYTES = 1; // resolves to a Buffer
const K_RECV_MSG = 2; // resolves to ref._wrapNative(msg) (a Message)
const K_RECV_INTO = 3; // resolves to slot.into.subarray(0, length), or a new Buffer if longer

// Shared promise executor: captures resolve/reject without a closure per operation.
let pendingResolve = null;
let pendingReject = null;
function capture(resolve, reject) {
  pendingResolve = resolve;
  pendingReject = reject;
}

/** One reusable operation slot: an aio plus the state of the operation running on it. */
class Slot {
  constructor(dispatcher, index) {
    this.index = index;
    this.aio = null; // BigInt pointer, created lazily
    this.timeout = DURATION_DEFAULT; // the timeout currently set on the aio
    this.busy = false;
    this.kind = K_SEND;
    this.resolve = null;
    this.reject = null;
    this.ref = null;
    this.into = null; // K_RECV_INTO: the caller's Buffer
    this.signal = null;
    this.aborted = false;
    // Created once per slot; only acts while an operation runs on the slot.
    this.onAbort = () => {
      if (this.busy && !this.aborted) {
        this.aborted = true;
        dispatcher._cancel(this);
      }
    };
  }
}

class Dispatcher {
  constructor() {
    this.cq = null;
    this.slots = []; // index -> Slot
    this.idle = []; // Slots not in use
    this.live = 0; // operations in flight
    this.eventSockets = new Map(); // socket id -> Socket with pipe-event listeners (kept alive)
    this.poller = null; // koffi PollHandle on the queue's eventfd, or null (fallback waiter)
    this.reffed = false;
    this.waiting = false; // fallback waiter running
    this._ev = new Uint32Array(2); // pipe id, event (pnng_cq_pop_pipe_event's outs)
    this._ev1 = this._ev.subarray(1);
    this.turns = 0; // drains run by the event loop (lib/contexts.js: fairness of first tries)
    this.draining = false; // a drain is running (drainInline does not nest in it)
    this._drain = () => {
      this.turns++;
      this.drain();
    };
  }

  /** The queue, created on first use (with its poll handle when koffi offers one). */
  get queue() {
    if (this.cq === null) {
      const out = [null];
      check(F.cq_new(out));
      this.cq = out[0];
      this._startPoller();
    }
    return this.cq;
  }

  _startPoller() {
    if (process.env.PNNG_NODE_CQ_WAITER === 'thread') return; // force the fallback (tests, diagnosis)
    // Worker threads wait on a thread-pool thread: when a worker ends, Node unloads koffi's addon
    // before the poll handle's close callback has run (Node 20 crashed in uv__finish_close; an
    // explicit close at 'exit' is too late for worker.terminate(), which emits no 'exit').
    if (!require('node:worker_threads').isMainThread) return;
    if (F.cq_fd.missing || !koffi.node || typeof koffi.node.poll !== 'function') return;
    const fd = new Int32Array(1);
    if (F.cq_fd(this.cq, fd) !== 0 || fd[0] < 0) return;
    try {
      const h = koffi.node.poll(fd[0], { readable: true }, this._drain);
      if (!h) return;
      h.unref();
      this.poller = h;
    } catch {
      this.poller = null;
    }
  }

  /** Keeps the event loop alive exactly while something is outstanding. */
  _updateRef() {
    const want = this.live > 0 || this.eventSockets.size > 0;
    if (this.poller !== null) {
      if (want !== this.reffed) {
        this.reffed = want;
        if (want) this.poller.ref();
        else this.poller.unref();
      }
    } else if (want) {
      this.kick();
    }
  }

  _acquire() {
    let slot = this.idle.pop();
    if (slot === undefined) {
      slot = new Slot(this, this.slots.length);
      this.slots.push(slot);
    }
    if (slot.aio === null) {
      check(F.aio_new_cq(this.queue, BigInt(slot.index), scratch));
      slot.aio = scratch[0];
      slot.timeout = DURATION_DEFAULT;
    }
    return slot;
  }

  /** Returns an idle slot to the pool; `drop` frees its aio (after a failure, or over the cap). */
  _release(slot, drop) {
    slot.busy = false;
    slot.resolve = null;
    slot.reject = null;
    slot.ref = null;
    slot.into = null;
    slot.signal = null;
    if ((drop || this.idle.length >= MAX_IDLE_AIOS) && slot.aio !== null) {
      F.aio_free(slot.aio); // also frees a message still on the aio
      slot.aio = null;
    }
    this.idle.push(slot);
  }

  _cancel(slot) {
    F.aio_cancel(slot.aio);
  }

  /**
   * Starts one asynchronous operation and returns a promise for its outcome.
   *   kind     K_SEND, K_RECV_BYTES, K_RECV_MSG or K_RECV_INTO
   *   start    one of F.*_aio start functions, called as start(id, aio)
   *   id       the socket / context / pipe id
   *   bytes    for sends: the bytes to copy into a new message, or a native message (BigInt) to
   *            send as it is, which the operation then owns; for K_RECV_INTO the Buffer to
   *            receive into (else null)
   *   pipeId   for sends: route the message to this pipe (0: no routing)
   *   opts     { timeout, signal } or undefined
   *   ref      the object kept reachable while the operation runs; for K_RECV_MSG, its
   *            _wrapNative(msg) builds the Message
   */
  submit(kind, start, id, bytes, pipeId, opts, ref) {
    const signal = opts === undefined ? undefined : opts.signal;
    const timeout = opts === undefined ? undefined : opts.timeout;
    // `bytes` may be a native message (a BigInt) the operation owns: freed unless it gets to the aio.
    let native = typeof bytes === 'bigint' ? bytes : 0n;
    let err = null;
    if (signal != null && signal.aborted) err = abortError(signal);
    else if (timeout !== undefined && !Number.isInteger(timeout)) {
      err = new TypeError('timeout must be an integer number of milliseconds');
    }
    let slot;
    if (err === null) {
      try {
        slot = this._acquire();
      } catch (e) {
        err = e;
      }
    }
    if (err !== null) {
      if (native !== 0n) F.msg_free(native);
      return Promise.reject(err);
    }
    const aio = slot.aio;
    let rc = 0;
    try {
      const t = timeout === undefined ? DURATION_DEFAULT : timeout;
      if (t !== slot.timeout) {
        check(F.aio_set_timeout(aio, t));
        slot.timeout = t;
      }
      if (kind === K_SEND) {
        const msg = native !== 0n ? native : newMsg(bytes, pipeId);
        native = 0n;
        rc = F.aio_set_msg(aio, msg);
        if (rc !== 0) {
          F.msg_free(msg);
          throw makeError(rc);
        }
      }
      rc = start(id, aio);
    } catch (e) {
      if (native !== 0n) F.msg_free(native);
      this._release(slot, true);
      return Promise.reject(e);
    }
    if (rc !== 0) {
      this._release(slot, true); // frees a message still owned by the aio
      return Promise.reject(makeError(rc));
    }
    const p = new Promise(capture);
    slot.resolve = pendingResolve;
    slot.reject = pendingReject;
    pendingResolve = pendingReject = null;
    slot.busy = true;
    slot.kind = kind;
    slot.ref = ref;
    if (kind === K_RECV_INTO) slot.into = bytes;
    slot.aborted = false;
    if (signal != null) {
      slot.signal = signal;
      signal.addEventListener('abort', slot.onAbort, { once: true });
    }
    if (kind === K_SEND) ref._pendSend++;
    else ref._pendRecv++;
    this.live++;
    if (!this.reffed || this.poller === null) this._updateRef();
    return p;
  }

  addEventSocket(sock) {
    this.eventSockets.set(sock.id, sock);
    this._updateRef();
  }

  removeEventSocket(sock) {
    this.eventSockets.delete(sock.id);
    this._updateRef();
  }

  /** Fallback waiter: starts it if there is something to wait for and it is not running yet. */
  kick() {
    if (this.poller !== null || this.waiting || this.cq === null) return;
    if (this.live === 0 && this.eventSockets.size === 0) return;
    this.waiting = true;
    F.cq_wait.async(this.cq, WAIT_SLICE_MS, () => {
      this.waiting = false;
      this.turns++;
      this.drain();
      this.kick();
    });
  }

  /**
   * Before a first-try send (lib/contexts.js): while operations are pending, holds the queue for
   * this thread, so a completion NNG runs inline within the send (a receive of this thread's
   * completed by it) is not signalled on the queue's eventfd (a `write` and a `read` saved): it
   * is taken by drainInline right after. Returns whether the queue is held; release() ends it.
   */
  hold() {
    if (this.live === 0 || this.draining || !canHold) return false;
    F.cq_hold(this.cq, true);
    return true;
  }

  release() {
    F.cq_hold(this.cq, false);
  }

  /**
   * Takes the completions ready after a first-try send (lib/contexts.js), unless a drain is
   * running; then releases the queue if `held`. Pipe events are left to the event loop: no
   * listener runs inside a send call.
   */
  drainInline(held) {
    if (this.live === 0 || this.draining || this.cq === null) {
      if (held) this.release();
      return;
    }
    this.draining = true;
    try {
      this._drainAll(this.cq, true);
    } finally {
      this.draining = false;
      if (held) this.release();
    }
  }

  /** Pops every ready entry (on the JS thread) and settles / emits. Never throws. */
  drain() {
    const cq = this.cq;
    if (cq === null) return;
    const outer = this.draining;
    this.draining = true;
    try {
      this._drainAll(cq, false);
    } finally {
      this.draining = outer;
    }
  }

  _drainAll(cq, inline) {
    const slots = this.slots;
    let finished = 0;
    while (F.cq_pop(cq, scratch, scratch1) === 0) {
      const slot = slots[Number(scratch[1])];
      if (slot === undefined || !slot.busy) continue;
      this._finish(slot);
      finished++;
    }
    // Pipe events: popped while some socket has listeners, and on a drain that found no
    // completion (entries posted around a socket's dropping its listeners would otherwise keep
    // the fd readable: the next wake-up then finds no completion and pops them); those of
    // sockets without listeners are discarded.
    if (!inline && (finished === 0 || this.eventSockets.size > 0)) this._drainPipeEvents(cq);
    if (finished > 0) this._updateRef();
  }

  _drainPipeEvents(cq) {
    const ev = this._ev;
    while (F.cq_pop_pipe_event(cq, ev, this._ev1, scratch1) === 0) {
      const sock = this.eventSockets.get(Number(scratch[1]));
      if (sock === undefined) continue;
      try {
        sock._pipeEvent(ev[0], ev[1]);
      } catch (e) {
        // A throwing listener behaves like any throwing EventEmitter listener: uncaught.
        process.nextTick(() => {
          throw e;
        });
      }
    }
  }

  _finish(slot) {
    const { resolve, reject, kind, ref, signal, aio, into } = slot;
    if (signal !== null) signal.removeEventListener('abort', slot.onAbort);
    if (kind === K_SEND) ref._pendSend--;
    else ref._pendRecv--;
    this.live--;
    let value;
    let err = null;
    let failed = false;
    try {
      const rc = kind === K_SEND ? F.aio_result(aio) : kind === K_RECV_INTO ? F.aio_take_body(aio, into, into.length, rxInfo) : F.aio_take_body(aio, rxBuf, RX_CAP, rxInfo);
      if (rc === 0) {
        if (kind === K_RECV_INTO) {
          value = receivedInto(into, rxInfo);
        } else if (kind !== K_SEND) {
          const len = Number(rxInfo[0]);
          const msg = rxInfo[2];
          if (msg === 0n) {
            value = Buffer.allocUnsafe(len);
            rxBuf.copy(value, 0, 0, len);
            if (kind === K_RECV_MSG) value = ref._wrapBody(value, Number(rxInfo[1]));
          } else if (kind === K_RECV_BYTES) {
            value = takeBody(msg, len);
          } else {
            value = ref._wrapNative(msg);
          }
        }
      } else {
        failed = true;
        err = slot.aborted && rc === C.ECANCELED ? abortError(signal) : makeError(rc);
      }
    } catch (e) {
      failed = true;
      err = e;
    }
    this._release(slot, failed);
    if (err !== null) reject(err);
    else resolve(value);
  }

  /** Number of operations in flight (for tests and diagnostics). */
  get pending() {
    return this.live;
  }
}

/**
 * The outcome of a receive into `into` (pnng_aio_take_body's `info`): the body was copied there,
 * or came as a message (longer than `into`, or with a header), whose body is then copied into
 * `into` if it fits, else taken whole.
 */
function receivedInto(into, info) {
  const len = Number(info[0]);
  const msg = info[2];
  if (msg === 0n) return into.subarray(0, len);
  if (len > into.length) return takeBody(msg, len);
  try {
    if (len > 0) copyInto(into, F.msg_body(msg), len);
  } finally {
    F.msg_free(msg);
  }
  return into.subarray(0, len);
}

function abortError(signal) {
  return new AbortError(undefined, signal && signal.reason !== undefined ? { cause: signal.reason } : undefined);
}

const dispatcher = new Dispatcher();

module.exports = { dispatcher, abortError, K_SEND, K_RECV_BYTES, K_RECV_MSG, K_RECV_INTO };
