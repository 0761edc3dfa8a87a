'use strict';
// Sockets: the Socket base class and the 11 protocol classes.

const { EventEmitter } = require('node:events');
const { F, C } = require('./ffi');
const { check, checkClose, makeError, codes } = require('./errors');
const { toBytes, topicBytes, flagsFor, listIds, defineDispose } = require('./util');
const { getOptAny, setOptAny, defineOptions, O } = require('./options');
const { TLSConfig, tlsPtr } = require('./tls');
const { Message, newMsg, wrapMsg, bodyMsg, consumeBody, transferMsg, transferring, checkSendable } = require('./messages');
const { Dialer, Listener, Pipe, dialFlags, about, dialWatch } = require('./endpoints');
const { Context, definePromiseMessaging, iterate } = require('./contexts');
const { dispatcher } = require('./cq');
/** Out-parameter of the blocking receives (valid until the next call). */
const msgOut = new BigUint64Array(1);

const socketRegistry = new FinalizationRegistry((id) => {
  openIds.delete(id);
  F.socket_close({ id });
});
// Ids of the sockets open in this thread. A worker thread closes them when it exits: its
// finalizers never run, and NNG's sockets (and the addresses they listen on) are process-wide.
const openIds = new Set();
if (!require('node:worker_threads').isMainThread) {
  process.once('exit', () => {
    for (const id of openIds) F.socket_close({ id });
    openIds.clear();
  });
}

const PIPE_EVENTS = { pipeAddPre: C.PIPE_EV_ADD_PRE, pipeAddPost: C.PIPE_EV_ADD_POST, pipeRemovePost: C.PIPE_EV_REM_POST };
const PIPE_EVENT_NAMES = ['pipeAddPre', 'pipeAddPost', 'pipeRemovePost'];

// Constructor options applied in pynng's order.
const CTOR_OPTION_ORDER = ['recvTimeout', 'sendTimeout', 'recvMaxSize', 'reconnectTimeMin', 'reconnectTimeMax', 'recvBufferSize', 'sendBufferSize', 'name'];
const CTOR_KEYS = new Set(['listen', 'dial', 'blockOnDial', 'tlsConfig', 'raw', ...CTOR_OPTION_ORDER]);

const SOCKET_OPTIONS = {
  recvTimeout: O.recvTimeout,
  sendTimeout: O.sendTimeout,
  recvBufferSize: O.recvBufferSize,
  sendBufferSize: O.sendBufferSize,
  recvMaxSize: O.recvMaxSize,
  reconnectTimeMin: O.reconnectTimeMin,
  reconnectTimeMax: O.reconnectTimeMax,
  name: O.name,
  raw: O.raw,
  protocol: O.protocol,
  protocolName: O.protocolName,
  peer: O.peer,
  peerName: O.peerName,
  ttlMax: O.ttlMax,
  recvFd: O.recvFd,
  sendFd: O.sendFd,
  tcpNodelay: O.tcpNodelay,
  tcpKeepalive: O.tcpKeepalive,
  tcpListenBacklog: O.tcpListenBacklog,
};

/**
 * Base class of the 11 protocol sockets. Never instantiated directly (as in pynng).
 * Emits 'pipeAddPre', 'pipeAddPost' and 'pipeRemovePost' with a Pipe.
 */
class Socket extends EventEmitter {
  constructor(options = {}, spec = undefined) {
    super();
    if (spec === undefined || new.target === Socket) {
      throw new TypeError('Cannot directly instantiate a Socket.  Try a subclass.');
    }
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    if (options.blockOnDial === true) {
      // A constructor cannot wait without blocking the event loop.
      throw new TypeError('blockOnDial: true is not supported (it would block the event loop); use `await sock.dial(url, { block: true })`');
    }
    for (const k of Object.keys(options)) {
      if (!CTOR_KEYS.has(k) && !(spec.ctorKeys && spec.ctorKeys.includes(k))) {
        throw new TypeError(`${new.target.name}: unknown option '${k}'`);
      }
    }
    const opener = spec.opener(options);
    const out = {};
    check(F[opener](out));
    this._h = { id: out.id };
    this._closed = false;
    this._pipes = new Map();
    this._dialers = new Map();
    this._listeners = new Map();
    this._notifyMask = 0; // bitmask of pipe events registered with the cq
    this._pendSend = 0; // operations in flight (lib/cq.js)
    this._pendRecv = 0;
    this._rxBig = false; // the last first-try receive was large (contexts.js)
    this._rxMiss = 0; // first-try receives that found nothing, in a row (contexts.js)
    this._replies = spec.replies === true; // rep0 / respondent0: a reply's pipe is the request's
    // A failed non-blocking send gives up a rep0 / respondent0 reply: those probe first (contexts.js).
    this._nbSend = !spec.replies;
    this._sendFd = undefined;
    socketRegistry.register(this, out.id, this);
    openIds.add(out.id);

    try {
      if (options.tlsConfig != null) this.tlsConfig = options.tlsConfig;
      for (const k of CTOR_OPTION_ORDER) if (options[k] != null) this[k] = options[k];
      if (spec.init) spec.init(this, options);
      if (options.listen != null) this.listen(options.listen);
      if (options.dial != null) this.dial(options.dial); // returns at once (see dial)
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** The socket id (pnng_socket_id). */
  get id() {
    return this._h.id;
  }

  get closed() {
    return this._closed;
  }

  // -- endpoints --

  /**
   * Dials `url` and returns the Dialer at once: the connection proceeds in the background (NNG's
   * non-blocking dial), retried until it succeeds; a failure is reported once per dialer with
   * process.emitWarning (type 'PnngWarning'). `{ block: true }` instead returns a promise for the
   * Dialer that settles once the first connection is up (or rejects, naming the URL, when it
   * fails); the wait happens on a libuv worker thread, never on the event loop.
   */
  dial(url, { block } = {}) {
    if (typeof url !== 'string') throw new TypeError('url must be a string');
    if (block === true) {
      let d;
      try {
        d = this.createDialer(url);
      } catch (e) {
        return Promise.reject(e);
      }
      return d.start({ block: true }).then(() => d);
    }
    if (block !== undefined && block !== null && block !== false) throw new TypeError('block must be true, false or undefined');
    const out = {};
    check(F.socket_dial(this._h, url, C.FLAG_NONBLOCK, out), about('dial', url));
    const d = this._dialerFor(out.id, url);
    dialWatch.add(d);
    return d;
  }

  /**
   * Blocking dial (blocks the event loop; for scripts), pynng's `dial(url, block)`: true → wait for
   * the connection, throw on failure; false → background; undefined → try blocking, and if the peer
   * is not there go on in the background.
   */
  dialSync(url, { block } = {}) {
    if (typeof url !== 'string') throw new TypeError('url must be a string');
    const out = {};
    check(F.socket_dial(this._h, url, dialFlags(block), out), about('dial', url));
    const d = this._dialerFor(out.id, url);
    if (block !== true) dialWatch.add(d);
    return d;
  }

  /** Listens at `url` (binds at once); returns the Listener. */
  listen(url, { flags = 0 } = {}) {
    if (typeof url !== 'string') throw new TypeError('url must be a string');
    const out = {};
    check(F.socket_listen(this._h, url, flags, out), about('listen', url));
    return this._listenerFor(out.id, url);
  }

  /** A Dialer that is not started yet: set its options, then call start(). */
  createDialer(url) {
    if (typeof url !== 'string') throw new TypeError('url must be a string');
    const out = {};
    check(F.dialer_create(this._h, url, out), about('dial', url));
    return this._dialerFor(out.id, url);
  }

  /** A Listener that is not started yet: set its options, then call start(). */
  createListener(url) {
    if (typeof url !== 'string') throw new TypeError('url must be a string');
    const out = {};
    check(F.listener_create(this._h, url, out), about('listen', url));
    return this._listenerFor(out.id, url);
  }

  _dialerFor(id, url) {
    let d = this._dialers.get(id);
    if (d === undefined) this._dialers.set(id, (d = new Dialer(this, id, url)));
    return d;
  }

  _listenerFor(id, url) {
    let l = this._listeners.get(id);
    if (l === undefined) this._listeners.set(id, (l = new Listener(this, id, url)));
    return l;
  }

  _pipeFor(id) {
    let p = this._pipes.get(id);
    if (p === undefined) {
      if (this._pipes.size >= 256) this._prunePipes();
      this._pipes.set(id, (p = new Pipe(this, id)));
    }
    return p;
  }

  _prunePipes() {
    let live;
    try {
      live = new Set(listIds(F.socket_pipes, this._h));
    } catch {
      live = new Set();
    }
    for (const id of this._pipes.keys()) if (!live.has(id)) this._pipes.delete(id);
  }

  /** Live pipes (connections), as Pipe objects. */
  get pipes() {
    const ids = listIds(F.socket_pipes, this._h);
    const live = new Set(ids);
    for (const id of this._pipes.keys()) if (!live.has(id)) this._pipes.delete(id);
    return ids.map((id) => this._pipeFor(id));
  }

  /** Live dialers. */
  get dialers() {
    const ids = listIds(F.socket_dialers, this._h);
    const live = new Set(ids);
    for (const id of this._dialers.keys()) if (!live.has(id)) this._dialers.delete(id);
    return ids.map((id) => this._dialerFor(id));
  }

  /**
   * Live listeners (pynng's `Socket.listeners`). A method under another name: `listeners` is
   * EventEmitter's.
   */
  listenerList() {
    const ids = listIds(F.socket_listeners, this._h);
    const live = new Set(ids);
    for (const id of this._listeners.keys()) if (!live.has(id)) this._listeners.delete(id);
    return ids.map((id) => this._listenerFor(id));
  }

  // -- messages: blocking (block the event loop; for scripts) --

  sendSync(data, opts = {}) {
    const bytes = toBytes(data);
    check(F.socket_send(this._h.id, bytes, bytes.length, flagsFor(opts)));
  }

  recvSync(opts = {}) {
    return consumeBody(this._recvNative(opts));
  }

  recvMsgSync(opts = {}) {
    return wrapMsg(this, this._recvNative(opts));
  }

  sendMsgSync(msg, opts = {}) {
    if (!(msg instanceof Message)) throw new TypeError('msg must be a Message');
    checkSendable(msg);
    const pipeId = msg.pipe ? msg.pipe.id : 0;
    const native = transferring(opts) ? transferMsg(msg, pipeId) : newMsg(msg.bytes, pipeId);
    const rc = F.socket_send_msg(this._h.id, native, flagsFor(opts));
    if (rc !== 0) {
      F.msg_free(native); // not consumed on failure
      throw makeError(rc);
    }
  }

  _recvNative(opts) {
    check(F.socket_recv_msg(this._h.id, flagsFor(opts), msgOut));
    return msgOut[0];
  }

  /** Completion of recvMsg (lib/cq.js): wraps and frees the received native message. */
  _wrapNative(native) {
    return wrapMsg(this, native);
  }

  /** Completion of recvMsg when the body came copied (lib/cq.js): the Message. */
  _wrapBody(bytes, pipeId) {
    return bodyMsg(this, bytes, pipeId);
  }

  /** A new Context (Req0, Rep0, Sub0, Surveyor0, Respondent0); NotSupported otherwise. */
  newContext() {
    const out = {};
    check(F.socket_new_context(this._h, out));
    return new Context(this, out.id);
  }

  // -- options --

  getOption(name, type) {
    return getOptAny('socket', this._h, name, type);
  }

  /** Sets an option; the type is inferred from the value unless given ('int', 'ms', 'size', 'bool', 'string', 'bytes'). */
  setOption(name, value, type) {
    if (value instanceof TLSConfig) {
      this.tlsConfig = value;
      return;
    }
    if (type === 'bytes' || (type === undefined && typeof value === 'object' && value !== null)) {
      const b = toBytes(value, 'option value');
      check(F.socket_set_bytes(this._h, name, b, b.length));
      return;
    }
    setOptAny('socket', this._h, name, value, type);
  }

  set tlsConfig(cfg) {
    check(F.socket_set_tls(this._h, tlsPtr(cfg)));
  }

  get tlsConfig() {
    throw makeError(codes.EWRITEONLY, 'tlsConfig is write-only');
  }

  // -- pipe events --

  /** Registers / unregisters the cq pipe notifications to match the listeners present. */
  _syncNotify() {
    for (const ev of PIPE_EVENT_NAMES) this._setNotify(ev, this.listenerCount(ev) > 0);
  }

  _setNotify(ev, on) {
    const code = PIPE_EVENTS[ev];
    const bit = 1 << code;
    if (this._closed) return;
    if (on) {
      if (this._notifyMask & bit) return;
      check(F.socket_pipe_notify_cq(this._h, code, dispatcher.queue, BigInt(this.id)));
      this._notifyMask |= bit;
      dispatcher.addEventSocket(this);
    } else {
      if (!(this._notifyMask & bit)) return;
      F.socket_pipe_notify_cq(this._h, code, null, 0n);
      this._notifyMask &= ~bit;
      if (this._notifyMask === 0) dispatcher.removeEventSocket(this);
    }
  }

  _pipeEvent(pipeId, ev) {
    const pipe = this._pipeFor(pipeId);
    const name = PIPE_EVENT_NAMES[ev];
    if (ev === C.PIPE_EV_REM_POST) this._pipes.delete(pipeId);
    if (name) this.emit(name, pipe);
  }

  // -- lifecycle --

  /** Closes the socket: pending operations reject with Closed. Idempotent. */
  close() {
    if (this._closed) return;
    this._closed = true;
    socketRegistry.unregister(this);
    openIds.delete(this._h.id);
    const rc = F.socket_close(this._h);
    dispatcher.drain(); // deliver the pipe events the close produced while listeners are registered
    dispatcher.removeEventSocket(this);
    this._notifyMask = 0;
    for (const d of this._dialers.values()) dialWatch.delete(d);
    this._dialers.clear();
    this._listeners.clear();
    checkClose(rc);
  }

  /** `for await (const data of sock)`: yields received Buffers; ends when the socket closes. */
  async *[Symbol.asyncIterator]() {
    yield* iterate(this);
  }
}
// Every EventEmitter entry point that adds or removes listeners re-syncs the pipe notifications
// (once() wrappers remove themselves through removeListener, so they are covered too).
for (const m of ['on', 'addListener', 'prependListener', 'once', 'prependOnceListener', 'off', 'removeListener', 'removeAllListeners']) {
  const base = EventEmitter.prototype[m];
  Object.defineProperty(Socket.prototype, m, {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function (...args) {
      const r = base.apply(this, args);
      if (args[0] === undefined || args[0] in PIPE_EVENTS) this._syncNotify();
      return r;
    },
  });
}
defineOptions(Socket.prototype, 'socket', SOCKET_OPTIONS);
defineDispose(Socket);

// ---- the protocol table ---------------------------------------------------------------------------

function simpleOpener(p) {
  return (o) => (o.raw ? `${p}_open_raw` : `${p}_open`);
}

const PROTOCOLS = [
  { name: 'Pair0', opener: simpleOpener('pair0') },
  {
    name: 'Pair1',
    ctorKeys: ['polyamorous'],
    opener: (o) => (o.polyamorous ? 'pair1_open_poly' : o.raw ? 'pair1_open_raw' : 'pair1_open'),
    options: { polyamorous: ['pair1:polyamorous', 'bool', 'r'] },
  },
  {
    name: 'Req0',
    ctorKeys: ['resendTime'],
    opener: simpleOpener('req0'),
    options: { resendTime: ['req:resend-time', 'ms'] },
    init: (s, o) => {
      if (o.resendTime != null) s.resendTime = o.resendTime;
    },
  },
  { name: 'Rep0', opener: simpleOpener('rep0'), replies: true },
  { name: 'Pub0', opener: simpleOpener('pub0') },
  {
    name: 'Sub0',
    ctorKeys: ['topics'],
    opener: simpleOpener('sub0'),
    init: (s, o) => {
      if (o.topics == null) return;
      const list = typeof o.topics === 'string' || ArrayBuffer.isView(o.topics) || o.topics instanceof ArrayBuffer ? [o.topics] : o.topics;
      for (const t of list) s.subscribe(t);
    },
    methods: {
      /** Subscribes to messages starting with `topic` (a string is UTF-8 encoded). '' matches all. */
      subscribe(topic) {
        const t = topicBytes(topic);
        check(F.sub0_subscribe(this._h, t, t.length));
      },
      /** Removes a subscription; NoEntry if it did not exist. */
      unsubscribe(topic) {
        const t = topicBytes(topic);
        check(F.sub0_unsubscribe(this._h, t, t.length));
      },
    },
  },
  { name: 'Push0', opener: simpleOpener('push0') },
  { name: 'Pull0', opener: simpleOpener('pull0') },
  {
    name: 'Surveyor0',
    ctorKeys: ['surveyTime'],
    opener: simpleOpener('surveyor0'),
    options: { surveyTime: ['surveyor:survey-time', 'ms'] },
    init: (s, o) => {
      if (o.surveyTime != null) s.surveyTime = o.surveyTime;
    },
  },
  { name: 'Respondent0', opener: simpleOpener('respondent0'), replies: true },
  { name: 'Bus0', opener: simpleOpener('bus0') },
];

const protocolClasses = {};
for (const spec of PROTOCOLS) {
  const cls = {
    [spec.name]: class extends Socket {
      constructor(options = {}) {
        super(options, spec);
      }
    },
  }[spec.name];
  if (spec.options) defineOptions(cls.prototype, 'socket', spec.options);
  if (spec.methods) {
    for (const [k, v] of Object.entries(spec.methods)) {
      Object.defineProperty(cls.prototype, k, { value: v, writable: true, configurable: true, enumerable: false });
    }
  }
  protocolClasses[spec.name] = cls;
}


definePromiseMessaging(Context, F.ctx_send_aio, F.ctx_recv_aio);
definePromiseMessaging(Socket, F.socket_send_aio, F.socket_recv_aio, {
  send: F.socket_send,
  recv: F.socket_recv,
  recvMsg: F.socket_recv_msg,
  sendMsg: F.socket_send_msg,
});

module.exports = { Socket, PROTOCOLS, SOCKET_OPTIONS, protocolClasses };
