'use strict';
// Contexts, and the promise-based messaging sockets and contexts share.

const { F } = require('./ffi');
const { check, checkClose, PnngError, codes } = require('./errors');
const { toBytes, topicBytes, flagsFor, defineDispose } = require('./util');
const { getOptAny, setOptAny, defineOptions, O } = require('./options');
const { Message, consumeBody, wrapMsg } = require('./messages');
const { dispatcher, K_SEND, K_RECV_BYTES, K_RECV_MSG } = require('./cq');
/**
 * The promise-returning `send`, `recv`, `recvMsg` and `sendMsg` of sockets and contexts, which
 * differ only in the C functions that start their aios. Each takes `{ signal, timeout }`.
 */
function definePromiseMessaging(cls, sendAio, recvAio) {
  const methods = {
    /** Sends data; resolves once NNG has queued it. */
    send(data, opts) {
      let bytes;
      try {
        bytes = toBytes(data);
      } catch (e) {
        return Promise.reject(e);
      }
      return dispatcher.submit(K_SEND, sendAio, this._h.id, bytes, 0, opts, this);
    },
    /** Receives the next message's bytes. */
    recv(opts) {
      return dispatcher.submit(K_RECV_BYTES, recvAio, this._h.id, null, 0, opts, this);
    },
    /** Receives the next Message (with `.pipe`). */
    recvMsg(opts) {
      return dispatcher.submit(K_RECV_MSG, recvAio, this._h.id, null, 0, opts, this);
    },
    /** Sends a Message; if it has a pipe, only that pipe's peer gets it. */
    sendMsg(msg, opts) {
      if (!(msg instanceof Message)) return Promise.reject(new TypeError('msg must be a Message'));
      const pipeId = msg.pipe ? msg.pipe.id : 0;
      return dispatcher.submit(K_SEND, sendAio, this._h.id, msg.bytes, pipeId, opts, this);
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
