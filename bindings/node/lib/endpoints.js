'use strict';
// Endpoints: Dialer, Listener and Pipe.

const { F, C } = require('./ffi');
const { check, checkClose, makeError, codeName, codes } = require('./errors');
const { toBytes, flagsFor, defineDispose } = require('./util');
const { getOptAny, setOptAny, defineOptions, O } = require('./options');
const { TLSConfig, tlsPtr } = require('./tls');
const { Message, transferMsg, transferring, checkSendable } = require('./messages');
const { dispatcher, K_SEND } = require('./cq');

/** What a dialer or listener error is about: `{ op, url }` (see PnngError). */
function about(op, url) {
  return url ? { op, url } : undefined;
}

class Endpoint {
  constructor(socket, id, url) {
    this.socket = socket;
    this._h = { id };
    this._url = url;
  }

  get id() {
    return this._h.id;
  }

  /** The URL (as given, or read from the endpoint), for error messages and warnings. */
  get _about() {
    if (this._url === undefined) {
      try {
        this._url = getOptAny(this._kind, this._h, 'url', 'string');
      } catch {
        this._url = '';
      }
    }
    return this._url;
  }

  getOption(name, type) {
    return getOptAny(this._kind, this._h, name, type);
  }

  setOption(name, value, type) {
    if (value instanceof TLSConfig) {
      this.tlsConfig = value;
      return;
    }
    setOptAny(this._kind, this._h, name, value, type);
  }

  set tlsConfig(cfg) {
    check(F[`${this._kind}_set_tls`](this._h, tlsPtr(cfg)));
  }

  get tlsConfig() {
    throw makeError(codes.EWRITEONLY, 'tlsConfig is write-only');
  }
}
defineDispose(Endpoint);

const ENDPOINT_OPTIONS = {
  reconnectTimeMin: O.reconnectTimeMin,
  reconnectTimeMax: O.reconnectTimeMax,
  recvMaxSize: O.recvMaxSize,
  url: O.url,
  localAddress: O.localAddress,
  remoteAddress: O.remoteAddress,
  peer: O.peer,
  peerName: O.peerName,
  tcpNodelay: O.tcpNodelay,
  tcpKeepalive: O.tcpKeepalive,
  tlsCaFile: O.tlsCaFile,
  tlsCertKeyFile: O.tlsCertKeyFile,
  tlsAuthMode: O.tlsAuthMode,
  tlsServerName: O.tlsServerName,
};

/** Returned by Socket.dial() / createDialer(); listed in Socket.dialers. */
class Dialer extends Endpoint {
  get _kind() {
    return 'dialer';
  }

  /**
   * Starts a dialer made with Socket.createDialer(), as Socket.dial() does: with no arguments (or
   * `block: false`) it returns at once and connects in the background (a failure is reported with
   * process.emitWarning, once); `{ block: true }` returns a promise that settles when the first
   * connection is up or has failed (the wait happens off the event loop).
   */
  start({ block } = {}) {
    if (block === true) return startBlocking(this);
    if (block !== undefined && block !== null && block !== false) throw new TypeError('block must be true, false or undefined');
    check(F.dialer_start(this._h, C.FLAG_NONBLOCK), about('dial', this._about));
    dialWatch.add(this);
    return undefined;
  }

  /**
   * Blocking start (blocks the event loop; for scripts): `block` as in Socket.dialSync
   * (undefined: try a blocking dial, on failure go on in the background).
   */
  startSync({ block } = {}) {
    check(F.dialer_start(this._h, dialFlags(block)), about('dial', this._about));
    if (block !== true) dialWatch.add(this);
  }

  /** Closes the dialer. Idempotent. */
  close() {
    this.socket._dialers.delete(this.id);
    dialWatch.delete(this);
    checkClose(F.dialer_close(this._h));
  }
}
defineOptions(Dialer.prototype, 'dialer', ENDPOINT_OPTIONS);

/**
 * Starts `dialer` with a blocking pnng_dialer_start on a libuv worker thread (koffi's async call);
 * resolves once connected. On failure the dialer is closed (like a failed blocking dial, which
 * leaves no dialer behind) and the promise rejects with an error naming the URL.
 */
function startBlocking(dialer) {
  return new Promise((resolve, reject) => {
    F.dialer_start.async(dialer._h, 0, (err, rc) => {
      if (err) return reject(err);
      if (rc === 0) return resolve();
      const e = makeError(rc, undefined, about('dial', dialer._about));
      try {
        dialer.close();
      } catch {
        /* the start's error is what matters */
      }
      return reject(e);
    });
  });
}

/** Returned by Socket.listen() / createListener(); listed in Socket.listenerList(). */
class Listener extends Endpoint {
  get _kind() {
    return 'listener';
  }

  /** Starts a listener made with Socket.createListener() (binds at once; does not wait on peers). */
  start() {
    check(F.listener_start(this._h, 0), about('listen', this._about));
  }

  /** Closes the listener. Idempotent. */
  close() {
    this.socket._listeners.delete(this.id);
    checkClose(F.listener_close(this._h));
  }
}
defineOptions(Listener.prototype, 'listener', {
  ...ENDPOINT_OPTIONS, port: O.tcpBoundPort, tcpListenBacklog: O.tcpListenBacklog,
});

/** Flags of the blocking dial forms (dialSync / startSync): undefined is pynng's default. */
function dialFlags(block) {
  if (block === undefined || block === null) return C.DIAL_FALLBACK;
  if (block === true) return 0;
  if (block === false) return C.FLAG_NONBLOCK;
  throw new TypeError('block must be true, false or undefined');
}

// ---- background dial failures -------------------------------------------------------------------
// A dialer started in the background retries on its own; its failures would go unseen. Until a
// dialer's first connection, its statistics (pnng_dialer_stats: NNG counts each failed attempt by
// cause) are read every POLL_MS on an unref'ed timer; the first failure is reported once with
// process.emitWarning (type 'PnngWarning', code the NNG error name), naming the URL. A dialer that
// connected, was warned about, or closed is no longer watched.

const POLL_MS = 100;
/** NNG's dialer statistics that count failed attempts, and the error each stands for. */
const FAILURE_STATS = [
  ['refused', codes.ECONNREFUSED],
  ['timeout', codes.ETIMEDOUT],
  ['disconnect', codes.ECONNRESET],
  ['proto', codes.EPROTO],
  ['auth', codes.EPEERAUTH],
  ['oom', codes.ENOMEM],
  ['other', 0],
];

const dialWatch = {
  dialers: new Set(),
  timer: null,
  usable: !F.dialer_stats.missing && !F.stats_find.missing,

  add(d) {
    if (!this.usable) return;
    this.dialers.add(d);
    if (this.timer === null) {
      this.timer = setInterval(() => this.poll(), POLL_MS);
      this.timer.unref();
    }
  },

  delete(d) {
    this.dialers.delete(d);
    if (this.dialers.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  },

  poll() {
    for (const d of this.dialers) {
      let failed = null;
      let done = d.socket.closed;
      if (!done) {
        const out = [null];
        if (F.dialer_stats(d._h, out) !== 0) {
          done = true;
        } else {
          const st = out[0];
          try {
            const v = [0n];
            if (F.stats_find(st, 'connect', v) === 0 && v[0] > 0n) done = true;
            else {
              for (const [name, code] of FAILURE_STATS) {
                if (F.stats_find(st, name, v) === 0 && v[0] > 0n) {
                  failed = code;
                  break;
                }
              }
            }
          } finally {
            F.stats_free(st);
          }
        }
      }
      if (failed !== null) {
        done = true;
        const url = d._about;
        const why = failed ? makeError(failed).message : 'connection failed';
        process.emitWarning(`dial ${url} failed (${why}); dialing in the background`, {
          type: 'PnngWarning',
          code: failed ? codeName(failed) : 'EUNKNOWN',
        });
      }
      if (done) this.delete(d);
    }
  },
};

/** One connection of a socket (pynng.Pipe). Received messages carry theirs in `msg.pipe`. */
class Pipe {
  constructor(socket, id) {
    this.socket = socket;
    this._h = { id };
    this.closed = false;
    this._pendSend = 0; // operations in flight (lib/cq.js)
    this._pendRecv = 0;
  }

  get id() {
    return this._h.id;
  }

  /** Sends data to this pipe's peer only. */
  send(data, opts) {
    let bytes;
    try {
      bytes = toBytes(data);
    } catch (e) {
      return Promise.reject(e);
    }
    return dispatcher.submit(K_SEND, F.pipe_send_aio, this._h.id, bytes, 0, opts, this);
  }

  /** Blocking send; `{ block: false }` gives TryAgain instead of waiting. */
  sendSync(data, opts = {}) {
    const bytes = toBytes(data);
    check(F.pipe_send(this._h, bytes, bytes.length, flagsFor(opts)));
  }

  /** Sends a Message through this pipe; with `{ transfer: true }` its contents go with it. */
  sendMsg(msg, opts = {}) {
    if (!(msg instanceof Message)) return Promise.reject(new TypeError('msg must be a Message'));
    let native;
    try {
      if (!transferring(opts)) {
        checkSendable(msg);
        return this.send(msg.bytes, opts);
      }
      native = transferMsg(msg, 0);
    } catch (e) {
      return Promise.reject(e);
    }
    return dispatcher.submit(K_SEND, F.pipe_send_aio, this._h.id, native, 0, opts, this);
  }

  close() {
    const rc = F.pipe_close(this._h);
    this.closed = true;
    checkClose(rc);
  }

  /** The Dialer that made this pipe, or null. */
  get dialer() {
    const out = {};
    if (F.pipe_dialer(this._h, out) !== 0 || !out.id) return null;
    return this.socket._dialerFor(out.id);
  }

  /** The Listener that accepted this pipe, or null. */
  get listener() {
    const out = {};
    if (F.pipe_listener(this._h, out) !== 0 || !out.id) return null;
    return this.socket._listenerFor(out.id);
  }

  getOption(name, type) {
    return getOptAny('pipe', this._h, name, type);
  }
}
defineOptions(Pipe.prototype, 'pipe', {
  localAddress: O.localAddress,
  remoteAddress: O.remoteAddress,
  url: O.url,
  protocol: O.protocol,
  protocolName: O.protocolName,
  peer: O.peer,
  peerName: O.peerName,
  tcpNodelay: [...O.tcpNodelay.slice(0, 2), 'r'],
  tcpKeepalive: [...O.tcpKeepalive.slice(0, 2), 'r'],
  tlsVerified: O.tlsVerified,
  tlsPeerCn: O.tlsPeerCn,
});

module.exports = { Endpoint, Dialer, Listener, Pipe, ENDPOINT_OPTIONS, dialFlags, about, dialWatch };
