'use strict';
// One completion queue per thread (per module instance). Asynchronous operations (send/recv on
// sockets, contexts, pipes) and pipe events are posted by libpnng to this queue; no JS ever runs on
// an NNG thread.
//
// Waiting. The queue's eventfd (pnng_cq_fd, readable exactly while entries wait) is watched by the
// event loop itself through koffi's libuv poll handle (koffi.node.poll): when it turns readable,
// every ready entry is popped on the JS thread in one batch and the promises are settled. No
// thread-pool thread is involved, so a completion costs one wake-up of the event loop. The poll
// handle is ref'ed only while operations are outstanding or some open socket has pipe-event
// listeners, so an idle process exits by itself.
// Fallback (koffi without node.poll, or no pnng_cq_fd): one koffi `.async` call to pnng_cq_wait()
// on a libuv worker thread, re-armed after each batch, waiting in slices of WAIT_SLICE_MS.
//
// Operations. Each one runs on a pooled aio (created once with pnng_aio_new_cq and the slot's
// index as userdata, reused for the next operation after its completion was popped). An aio whose
// operation failed is freed rather than reused (a failed send may leave its message on it).
// The hot path avoids koffi's _Out_ parameters (a JS array per call, several times dearer than the
// call itself): out-pointers go to one preallocated BigUint64Array.

const { koffi, lib, F, C } = require('./ffi');
const { makeError, AbortError, check } = require('./errors');

const WAIT_SLICE_MS = 1000;
const MAX_IDLE_AIOS = 256; // idle aios kept for reuse; more are freed
const DURATION_DEFAULT = -2;

// Hot-path declarations. A pnng handle is `struct { uint32_t id; }`, passed by value exactly like
// a uint32_t on every ABI koffi supports; the uint32_t form skips koffi's struct conversion
// (measured 30 ns vs 94 ns per call). Out-pointers are `void *` into `scratch`.
function fast(proto) {
  try {
    return lib.func(proto);
  } catch {
    return null;
  }
}
const X = {
  cq_fd: fast('int pnng_cq_fd(pnng_cq *cq, void *fd_out)'),
  cq_pop: fast('int pnng_cq_pop(pnng_cq *cq, void *aio_out, void *userdata_out)'),
  cq_pop_pipe_event: fast('int pnng_cq_pop_pipe_event(pnng_cq *cq, void *pipe_out, void *event_out, void *userdata_out)'),
  aio_new_cq: fast('int pnng_aio_new_cq(pnng_cq *cq, void *userdata, void *aio_out)'),
  aio_take_msg: fast('int pnng_aio_take_msg(void *aio, void *msg_out)'),
  aio_set_msg: fast('int pnng_aio_set_msg(void *aio, void *msg)'),
  aio_set_timeout: fast('int pnng_aio_set_timeout(void *aio, int32_t ms)'),
  aio_result: fast('int pnng_aio_result(void *aio)'),
  aio_free: fast('void pnng_aio_free(void *aio)'),
  socket_send_aio: fast('int pnng_socket_send_aio(uint32_t s, void *aio)'),
  socket_recv_aio: fast('int pnng_socket_recv_aio(uint32_t s, void *aio)'),
  ctx_send_aio: fast('int pnng_ctx_send_aio(uint32_t c, void *aio)'),
  ctx_recv_aio: fast('int pnng_ctx_recv_aio(uint32_t c, void *aio)'),
  pipe_send_aio: fast('int pnng_pipe_send_aio(uint32_t p, void *aio)'),
  msg_new: fast('int pnng_msg_new(const void *data, size_t len, void *msg_out)'),
  msg_set_pipe: fast('int pnng_msg_set_pipe(void *msg, uint32_t p)'),
  msg_pipe: fast('int pnng_msg_pipe(void *msg, void *pipe_out)'),
  msg_body: fast('void *pnng_msg_body(void *msg)'),
  msg_len: fast('size_t pnng_msg_len(void *msg)'),
  msg_header: fast('void *pnng_msg_header(void *msg)'),
  msg_header_len: fast('size_t pnng_msg_header_len(void *msg)'),
  msg_free: fast('void pnng_msg_free(void *msg)'),
  // libc's memcpy, resolved through libpnng's dependencies: copies a message body straight into a
  // Buffer (~100 ns for 64 B, against ~2 us for koffi.view + slice + Buffer.from).
  memcpy: fast('void *memcpy(void *dst, const void *src, size_t n)'),
};
for (const [k, v] of Object.entries(X)) {
  if (v === null && k !== 'cq_fd' && k !== 'memcpy' && k !== 'msg_header' && k !== 'msg_header_len') {
    throw new Error(`pnng: ${k} is not available in the loaded libpnng`);
  }
}

/** Out-parameter scratch: [0] the pointer out, [1] userdata out. Valid until the next call. */
const scratch = new BigUint64Array(2);
const scratch1 = scratch.subarray(1);
const u32 = new Uint32Array(1);
const EMPTY = Buffer.alloc(0);

/** Copies `len` bytes at native address `ptr` into a new Buffer. */
const copyFrom = X.memcpy
  ? (ptr, len) => {
      if (len === 0) return Buffer.alloc(0);
      const b = Buffer.allocUnsafe(len);
      X.memcpy(b, ptr, len);
      return b;
    }
  : (ptr, len) => (len === 0 ? Buffer.alloc(0) : Buffer.from(koffi.view(ptr, len).slice(0)));

/** A native message holding a copy of `bytes`, optionally routed to pipe id `pipeId` (0: none). */
function newMsg(bytes, pipeId) {
  check(X.msg_new(bytes, bytes.length, scratch));
  const msg = scratch[0];
  if (pipeId) {
    const rc = X.msg_set_pipe(msg, pipeId);
    if (rc !== 0) {
      X.msg_free(msg);
      throw makeError(rc);
    }
  }
  return msg;
}

/** The body of a native message, copied into a Buffer (the message is not freed). */
function msgBody(msg) {
  const len = Number(X.msg_len(msg));
  return len === 0 ? Buffer.alloc(0) : copyFrom(X.msg_body(msg), len);
}

/** The header of a native message, copied (empty when the library lacks header accessors). */
function msgHeader(msg) {
  if (X.msg_header_len === null) return Buffer.alloc(0);
  const len = Number(X.msg_header_len(msg));
  return len === 0 ? Buffer.alloc(0) : copyFrom(X.msg_header(msg), len);
}

/** The pipe id a native message came through, 0 if none. */
function msgPipeId(msg) {
  return X.msg_pipe(msg, u32) === 0 ? u32[0] : 0;
}

/** Copies a native message's body into a Buffer and frees the message. */
function consumeBody(msg) {
  try {
    return msgBody(msg);
  } finally {
    X.msg_free(msg);
  }
}

// Operation kinds: the start function and what a successful completion resolves to.
const K_SEND = 0; // resolves to undefined
const K_RECV_BYTES = 1; // resolves to a Buffer
const K_RECV_MSG = 2; // resolves to ref._wrapNative(msg) (a Message)

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
    this._drain = () => this.drain();
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
    if (X.cq_fd === null || !koffi.node || typeof koffi.node.poll !== 'function') return;
    const fd = new Int32Array(1);
    if (X.cq_fd(this.cq, fd) !== 0 || fd[0] < 0) return;
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
      check(X.aio_new_cq(this.queue, BigInt(slot.index), scratch));
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
    slot.signal = null;
    if ((drop || this.idle.length >= MAX_IDLE_AIOS) && slot.aio !== null) {
      X.aio_free(slot.aio); // also frees a message still on the aio
      slot.aio = null;
    }
    this.idle.push(slot);
  }

  _cancel(slot) {
    F.aio_cancel(slot.aio);
  }

  /**
   * Starts one asynchronous operation and returns a promise for its outcome.
   *   kind     K_SEND, K_RECV_BYTES or K_RECV_MSG
   *   start    one of X.*_aio start functions, called as start(id, aio)
   *   id       the socket / context / pipe id
   *   bytes    for sends: the bytes to copy into a new message (else null)
   *   pipeId   for sends: route the message to this pipe (0: no routing)
   *   opts     { timeout, signal } or undefined
   *   ref      the object kept reachable while the operation runs; for K_RECV_MSG, its
   *            _wrapNative(msg) builds the Message
   */
  submit(kind, start, id, bytes, pipeId, opts, ref) {
    const signal = opts === undefined ? undefined : opts.signal;
    const timeout = opts === undefined ? undefined : opts.timeout;
    if (signal != null && signal.aborted) return Promise.reject(abortError(signal));
    if (timeout !== undefined && !Number.isInteger(timeout)) {
      return Promise.reject(new TypeError('timeout must be an integer number of milliseconds'));
    }
    let slot;
    try {
      slot = this._acquire();
    } catch (e) {
      return Promise.reject(e);
    }
    const aio = slot.aio;
    let rc = 0;
    try {
      const t = timeout === undefined ? DURATION_DEFAULT : timeout;
      if (t !== slot.timeout) {
        check(X.aio_set_timeout(aio, t));
        slot.timeout = t;
      }
      if (bytes !== null) {
        const msg = newMsg(bytes, pipeId);
        rc = X.aio_set_msg(aio, msg);
        if (rc !== 0) {
          X.msg_free(msg);
          throw makeError(rc);
        }
      }
      rc = start(id, aio);
    } catch (e) {
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
    slot.aborted = false;
    if (signal != null) {
      slot.signal = signal;
      signal.addEventListener('abort', slot.onAbort, { once: true });
    }
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
      this.drain();
      this.kick();
    });
  }

  /** Pops every ready entry (on the JS thread) and settles / emits. Never throws. */
  drain() {
    const cq = this.cq;
    if (cq === null) return;
    const slots = this.slots;
    let finished = 0;
    while (X.cq_pop(cq, scratch, scratch1) === 0) {
      const slot = slots[Number(scratch[1])];
      if (slot === undefined || !slot.busy) continue;
      this._finish(slot);
      finished++;
    }
    // Pipe events: always popped (entries posted before a socket dropped its listeners would
    // otherwise keep the fd readable); those of sockets without listeners are discarded.
    const ev = this._ev;
    while (X.cq_pop_pipe_event(cq, ev, ev.subarray(1), scratch1) === 0) {
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
    if (finished > 0) this._updateRef();
  }

  _finish(slot) {
    const { resolve, reject, kind, ref, signal, aio } = slot;
    if (signal !== null) signal.removeEventListener('abort', slot.onAbort);
    this.live--;
    let value;
    let err = null;
    let failed = false;
    try {
      const rc = X.aio_result(aio);
      if (rc === 0) {
        if (kind !== K_SEND) {
          check(X.aio_take_msg(aio, scratch));
          const msg = scratch[0];
          value = kind === K_RECV_BYTES ? consumeBody(msg) : ref._wrapNative(msg);
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

function abortError(signal) {
  return new AbortError(undefined, signal && signal.reason !== undefined ? { cause: signal.reason } : undefined);
}

const dispatcher = new Dispatcher();

module.exports = {
  dispatcher,
  abortError,
  K_SEND,
  K_RECV_BYTES,
  K_RECV_MSG,
  X,
  newMsg,
  msgBody,
  msgHeader,
  msgPipeId,
  consumeBody,
};
