'use strict';
// Contexts, and the promise-based messaging sockets and contexts share.

const { F, C, poll } = require('./ffi');
const { check, checkClose, makeError, PnngError, codes } = require('./errors');
const { toBytes, topicBytes, flagsFor, defineDispose } = require('./util');
const { getOptAny, setOptAny, defineOptions, O } = require('./options');
const { Message, newMsg, consumeBody, wrapMsg, bodyMsg, hasFreeMsg, takeForward, takeTransfer, transferring } = require('./messages');
const { dispatcher, K_SEND, K_RECV_BYTES, K_RECV_MSG, K_RECV_INTO } = require('./cq');
const EAGAIN = codes.EAGAIN;
const EMSGSIZE = codes.EMSGSIZE;
const NONBLOCK = C.FLAG_NONBLOCK;
const RESOLVED = Promise.resolve();
/** Receive buffer of the non-blocking first try (bigger messages take the pnng_msg route). */
const nbBuf = Buffer.allocUnsafeSlow(64 * 1024);
const nbLen = new BigUint64Array(1);
const nbMsg = new BigUint64Array(1);
/** From this size on, a socket's next first-try receive takes the message route. */
const RX_BIG = 16 * 1024;

// Fairness. A first try that succeeds settles its promise without an event-loop turn, so a loop
// like `for (;;) await pub.send(b)` (pub0 never blocks) would run on microtasks alone and starve
// timers and I/O. After STREAK_MAX such completions, operations take the aio route (whose
// completion comes through the event loop) until the completion queue has been drained from the
// event loop again (dispatcher.turns counts those drains: a turn of the loop happened in between).
const STREAK_MAX = 64;
let streak = 0;
let streakTurn = -1;

/** True when the non-blocking first try may run: no abort pending, and the streak is not used up. */
function plain(opts) {
  if (dispatcher.turns !== streakTurn) {
    streakTurn = dispatcher.turns;
    streak = 0;
  }
  if (streak >= STREAK_MAX) return false;
  streak++;
  return opts === undefined || opts === null || opts.signal == null || !opts.signal.aborted;
}

// Readiness probe of rep0 / respondent0 sends: a failed non-blocking send there would give up the
// request's reply slot, so it is made only when the socket says it will succeed: NNG's "writable"
// state (a request is waiting for its reply and the pipe is idle). Read as the "send-ready"
// option, a plain call; a library without that option gets a poll(2) of the send descriptor with
// a zero timeout (whose existence also makes NNG write and read a pipe at every change). Either
// costs far less than an aio completion's two thread hand-offs.
const SEND_READY = Buffer.from('send-ready\0', 'latin1');
const readyOut = new Uint8Array(1);
const pollfd = Buffer.alloc(8); // struct pollfd { int fd; short events; short revents; }
const pollfdFd = new Int32Array(pollfd.buffer, pollfd.byteOffset, 1);
const pollfdEv = new Int16Array(pollfd.buffer, pollfd.byteOffset + 4, 2); // events, revents
const POLLIN = 1;
let sendReadyOption = !F.socket_get_bool_raw.missing; // false once the library lacks the option
function writable(sock) {
  if (sendReadyOption) {
    const rc = F.socket_get_bool_raw(sock._h.id, SEND_READY, readyOut);
    if (rc === 0) return readyOut[0] !== 0;
    if (rc !== codes.ENOTSUP) return false; // e.g. closed: the aio route reports it
    sendReadyOption = false;
  }
  let fd = sock._sendFd;
  if (fd === undefined) {
    try {
      fd = poll === null ? -1 : sock.getOption('send-fd', 'int');
    } catch {
      fd = -1;
    }
    sock._sendFd = fd;
  }
  if (fd < 0) return false;
  pollfdFd[0] = fd;
  pollfdEv[0] = POLLIN;
  pollfdEv[1] = 0;
  return poll(pollfd, 1, 0) === 1 && (pollfdEv[1] & POLLIN) !== 0;
}

// Receives whose first try keeps failing. When one event loop serves both ends of a request /
// reply, the reply is never there yet when the receive starts, and each failed try costs a call
// into NNG (~0.25 us). After RX_MISS_MAX misses in a row a socket makes the try only every
// RX_PROBE-th time (a success re-enables it); a skipped try costs nothing but the event-loop turn
// when a message was in fact waiting.
const RX_MISS_MAX = 8;
const RX_PROBE = 8;
function tryRecv(sock) {
  const m = sock._rxMiss;
  if (m < RX_MISS_MAX) return true;
  sock._rxMiss = m + 1;
  return (m + 1) % RX_PROBE === 0;
}

// A first-try send that NNG took may have completed a receive pending in this thread at once
// (inproc, or a peer socket in the same event loop): its completion is taken off the queue here
// rather than on the event loop's next wake-up (an epoll return and koffi's poll callback saved;
// the promise still settles asynchronously). The first-try streak above bounds how long a chain
// of such sends and receives can run before the event loop gets its turn.
function sent(held) {
  dispatcher.drainInline(held);
  return RESOLVED;
}

/**
 * The promise-returning `send`, `recv`, `recvMsg` and `sendMsg` of sockets and contexts, which
 * differ only in the C functions that start their aios. Each takes `{ signal, timeout }`.
 *
 * `nb` (sockets): the non-blocking calls. An operation first makes the non-blocking call and
 * only goes through an aio and the completion queue when that would block, which saves the
 * event-loop wake-up of a completion (a send that NNG queues at once, a receive whose message
 * is already there). The try is skipped while an earlier operation of the same direction is
 * still pending on the object (it must not be overtaken); sends of objects whose `_nbSend` is
 * false (rep0 / respondent0) make it only when their send descriptor says it will succeed.
 */
function definePromiseMessaging(cls, sendAio, recvAio, nb) {
  const methods = {
    /** Sends data; resolves once NNG has queued it. */
    send(data, opts) {
      let bytes;
      try {
        bytes = toBytes(data);
      } catch (e) {
        return Promise.reject(e);
      }
      if (nb !== undefined && this._pendSend === 0 && plain(opts) && (this._nbSend || writable(this))) {
        if (hasFreeMsg(bytes.length)) {
          // Sent as a recycled message (see messages.js): no allocation, no clearing.
          let native;
          try {
            native = newMsg(bytes, 0);
          } catch (e) {
            return Promise.reject(e);
          }
          return this._sendNative(native, opts);
        }
        const held = dispatcher.hold();
        const rc = nb.send(this._h.id, bytes, bytes.length, NONBLOCK);
        if (rc === 0) return sent(held);
        if (held) dispatcher.release();
        if (rc !== EAGAIN) return Promise.reject(makeError(rc));
      }
      return dispatcher.submit(K_SEND, sendAio, this._h.id, bytes, 0, opts, this);
    },
    /** Receives the next message's bytes. */
    recv(opts) {
      if (nb !== undefined && this._pendRecv === 0 && tryRecv(this) && plain(opts)) {
        // While the messages are large (the last one was), take them as a pnng_msg: one copy
        // instead of two (into the scratch buffer, then into the Buffer).
        const rc = this._rxBig ? EMSGSIZE : nb.recv(this._h.id, nbBuf, nbBuf.length, NONBLOCK, nbLen);
        if (rc === 0) {
          const n = Number(nbLen[0]);
          const out = Buffer.allocUnsafe(n);
          nbBuf.copy(out, 0, 0, n);
          if (n >= RX_BIG) this._rxBig = true;
          this._rxMiss = 0;
          return Promise.resolve(out);
        }
        if (rc === EMSGSIZE) {
          // Longer than the buffer (or large messages expected): take it as a pnng_msg.
          const rc2 = nb.recvMsg(this._h.id, NONBLOCK, nbMsg);
          if (rc2 === 0) {
            const out = consumeBody(nbMsg[0]);
            this._rxBig = out.length >= RX_BIG;
            this._rxMiss = 0;
            return Promise.resolve(out);
          }
          if (rc2 !== EAGAIN) return Promise.reject(makeError(rc2));
          this._rxMiss++;
        } else if (rc !== EAGAIN) {
          return Promise.reject(makeError(rc));
        } else {
          this._rxMiss++;
        }
      }
      return dispatcher.submit(K_RECV_BYTES, recvAio, this._h.id, null, 0, opts, this);
    },
    /**
     * Receives the next message's bytes into `buffer` (a Buffer or Uint8Array the caller reuses):
     * resolves to `buffer.subarray(0, length)`, or, for a message longer than `buffer`, to a new
     * Buffer holding all of it (nothing is truncated or lost). No Buffer is allocated per message
     * otherwise, so a loop receiving large messages into one buffer leaves the garbage collector
     * nothing to do. The bytes stay in `buffer` until the caller's next receive into it.
     */
    recvInto(buffer, opts) {
      if (!(buffer instanceof Uint8Array)) return Promise.reject(new TypeError('buffer must be a Buffer or Uint8Array'));
      const into = toBytes(buffer); // a Buffer over the same memory
      if (nb !== undefined && this._pendRecv === 0 && tryRecv(this) && plain(opts)) {
        const rc = nb.recv(this._h.id, into, into.length, NONBLOCK, nbLen);
        if (rc === 0) {
          this._rxMiss = 0;
          return Promise.resolve(into.subarray(0, Number(nbLen[0])));
        }
        if (rc === EMSGSIZE) {
          // Longer than the buffer: NNG kept it for the next receive, which takes it whole.
          const rc2 = nb.recvMsg(this._h.id, NONBLOCK, nbMsg);
          if (rc2 === 0) {
            this._rxMiss = 0;
            return Promise.resolve(consumeBody(nbMsg[0]));
          }
          if (rc2 !== EAGAIN) return Promise.reject(makeError(rc2));
        } else if (rc !== EAGAIN) {
          return Promise.reject(makeError(rc));
        }
        this._rxMiss++;
      }
      return dispatcher.submit(K_RECV_INTO, recvAio, this._h.id, into, 0, opts, this);
    },
    /** Receives the next Message (with `.pipe`). */
    recvMsg(opts) {
      if (nb !== undefined && this._pendRecv === 0 && tryRecv(this) && plain(opts)) {
        const rc = nb.recvMsg(this._h.id, NONBLOCK, nbMsg);
        if (rc === 0) {
          this._rxMiss = 0;
          return Promise.resolve(this._wrapNative(nbMsg[0]));
        }
        if (rc !== EAGAIN) return Promise.reject(makeError(rc));
        this._rxMiss++;
      }
      return dispatcher.submit(K_RECV_MSG, recvAio, this._h.id, null, 0, opts, this);
    },
    /**
     * Sends a Message; if it has a pipe, only that pipe's peer gets it. With `{ transfer: true }`
     * the Message's contents go with it (lib/messages.js, takeTransfer).
     */
    sendMsg(msg, opts) {
      if (!(msg instanceof Message)) return Promise.reject(new TypeError('msg must be a Message'));
      // rep0 / respondent0 reply to the pipe their request came from, whatever the message's
      // pipe says (NNG does not look at it).
      const routed = msg.pipe !== null && this._replies !== true;
      // A received Message nothing has read yet: its own native message is sent (lib/messages.js).
      let native;
      let bytes = null;
      try {
        if (transferring(opts)) {
          const t = takeTransfer(msg, routed ? msg.pipe.id : 0);
          native = typeof t === 'bigint' ? t : 0n;
          if (native === 0n) bytes = t;
        } else {
          native = takeForward(msg, routed ? msg.pipe.id : 0);
        }
      } catch (e) {
        return Promise.reject(e);
      }
      if (native !== 0n) return this._sendNative(native, opts);
      if (bytes === null) bytes = msg.bytes;
      // Otherwise sent as plain bytes (one call, no message built here) unless routed to a pipe.
      if (!routed) return this.send(bytes, opts);
      const pipeId = msg.pipe.id;
      if (nb !== undefined && this._pendSend === 0 && plain(opts) && (this._nbSend || writable(this))) {
        let routedNative;
        try {
          routedNative = newMsg(bytes, pipeId);
        } catch (e) {
          return Promise.reject(e);
        }
        return this._sendNative(routedNative, opts);
      }
      return dispatcher.submit(K_SEND, sendAio, this._h.id, bytes, pipeId, opts, this);
    },
    /**
     * Sends native message `native`, which it owns from here on (freed if the send fails): tried
     * without blocking first when nothing else is sending; when that would block, the aio sends
     * the same message (its body is not copied again).
     */
    _sendNative(native, opts) {
      if (nb !== undefined && this._pendSend === 0 && plain(opts) && (this._nbSend || writable(this))) {
        const held = dispatcher.hold();
        const rc = nb.sendMsg(this._h.id, native, NONBLOCK);
        if (rc === 0) return sent(held); // NNG took the message
        if (held) dispatcher.release();
        if (rc !== EAGAIN) {
          F.msg_free(native);
          return Promise.reject(makeError(rc));
        }
      }
      return dispatcher.submit(K_SEND, sendAio, this._h.id, native, 0, opts, this);
    },
  };
  for (const [name, fn] of Object.entries(methods)) {
    // Like class methods: writable, configurable, not enumerable.
    Object.defineProperty(cls.prototype, name, { value: fn, writable: true, configurable: true });
  }
}

/** Out-parameter of the blocking receives (valid until the next call). */
const msgOut = new BigUint64Array(1);

const ctxRegistry = new FinalizationRegistry((id) => F.ctx_close({ id }));

/** A protocol context (pynng.Context), from Socket.newContext(). */
class Context {
  constructor(socket, id) {
    this.socket = socket;
    this._h = { id };
    this._closed = false;
    this._pendSend = 0; // operations in flight (lib/cq.js)
    this._pendRecv = 0;
    ctxRegistry.register(this, id, this);
  }

  get id() {
    return this._h.id;
  }

  get closed() {
    return this._closed || this.socket.closed;
  }

  /** Blocking send (blocks the event loop; for scripts). */
  sendSync(data, opts = {}) {
    const bytes = toBytes(data);
    check(F.ctx_send(this._h, bytes, bytes.length, flagsFor(opts)));
  }

  /** Blocking receive (blocks the event loop; for scripts). */
  recvSync(opts = {}) {
    return consumeBody(this._recvNative(opts));
  }

  recvMsgSync(opts = {}) {
    return wrapMsg(this.socket, this._recvNative(opts));
  }

  _recvNative(opts) {
    check(F.ctx_recv_msg(this._h.id, flagsFor(opts), msgOut));
    return msgOut[0];
  }

  /** Completion of recvMsg (lib/cq.js): wraps and frees the received native message. */
  _wrapNative(native) {
    return wrapMsg(this.socket, native);
  }

  /** Completion of recvMsg when the body came copied (lib/cq.js): the Message. */
  _wrapBody(bytes, pipeId) {
    return bodyMsg(this.socket, bytes, pipeId);
  }

  subscribe(topic) {
    const t = topicBytes(topic);
    check(F.sub0_ctx_subscribe(this._h, t, t.length));
  }

  unsubscribe(topic) {
    const t = topicBytes(topic);
    check(F.sub0_ctx_unsubscribe(this._h, t, t.length));
  }

  getOption(name, type) {
    return getOptAny('ctx', this._h, name, type);
  }

  setOption(name, value, type) {
    setOptAny('ctx', this._h, name, value, type);
  }

  /** Closes the context. Idempotent. */
  close() {
    if (this._closed) return;
    this._closed = true;
    ctxRegistry.unregister(this);
    checkClose(F.ctx_close(this._h));
  }

  async *[Symbol.asyncIterator]() {
    yield* iterate(this);
  }
}
defineOptions(Context.prototype, 'ctx', { recvTimeout: O.recvTimeout, sendTimeout: O.sendTimeout });
defineDispose(Context);

async function* iterate(obj) {
  for (;;) {
    let data;
    try {
      data = await obj.recv();
    } catch (e) {
      if (e instanceof PnngError && e.errno === codes.ECLOSED) return;
      throw e;
    }
    yield data;
  }
}

module.exports = { Context, definePromiseMessaging, iterate };
