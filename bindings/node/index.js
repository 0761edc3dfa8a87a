'use strict';
// pnng for Node.js: pynng's object model (Socket + 11 protocols, Dialer, Listener, Pipe, Context,
// Message, TLSConfig) over libpnng, with promise-based send/recv built on the completion queue.

const { EventEmitter } = require('node:events');
const { koffi, lib, F, C, libraryPath } = require('./lib/ffi');
const errors = require('./lib/errors');
const { PnngError, AbortError, check, makeError, codes } = errors;
const { dispatcher, K_SEND, K_RECV_BYTES, K_RECV_MSG, X, newMsg, msgBody, msgHeader, msgPipeId, consumeBody } = require('./lib/cq');

// ---- helpers ------------------------------------------------------------------------------------

/** Bytes to send: Buffer / TypedArray / DataView / ArrayBuffer. Strings are refused, as in pynng. */
function toBytes(data, what = 'data') {
  if (Buffer.isBuffer(data)) return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer)) {
    return Buffer.from(data);
  }
  if (typeof data === 'string') {
    throw new TypeError(`Cannot send a string as ${what}; encode it first, e.g. Buffer.from(str)`);
  }
  throw new TypeError(`${what} must be a Buffer, TypedArray, DataView or ArrayBuffer`);
}

/** Topic bytes: a string is UTF-8 encoded (all of it), bytes are taken as they are. */
function topicBytes(topic) {
  if (typeof topic === 'string') return Buffer.from(topic, 'utf8');
  return toBytes(topic, 'topic');
}

function flagsFor(opts) {
  return opts && opts.block === false ? C.FLAG_NONBLOCK : 0;
}

/** Copies a native message's body into a Buffer and frees the message. */
const consumeBytes = consumeBody;
const bodyOf = msgBody;
const headerOf = msgHeader;

/** A native message holding `bytes`, optionally routed to `pipe`. The caller owns it. */
function newNativeMsg(bytes, pipe) {
  return newMsg(bytes, pipe ? pipe.id : 0);
}

/** Lists ids with a pnng_socket_{pipes,dialers,listeners}-shaped function. */
function listIds(fn, h) {
  let cap = 16;
  for (;;) {
    const buf = Buffer.alloc(cap * 4);
    const lenOut = [0];
    const rc = fn(h, buf, cap, lenOut);
    if (rc === C.EMSGSIZE) {
      cap = Number(lenOut[0]) + 16;
      continue;
    }
    check(rc);
    const n = Number(lenOut[0]);
    const ids = new Uint32Array(buf.buffer, buf.byteOffset, cap);
    return Array.from(ids.subarray(0, n));
  }
}

const hasDispose = typeof Symbol.dispose === 'symbol';
const hasAsyncDispose = typeof Symbol.asyncDispose === 'symbol';

// ---- options --------------------------------------------------------------------------------------

const TYPES = ['int', 'ms', 'size', 'bool', 'string', 'addr'];

function getOpt(kind, h, name, type) {
  const f = F[`${kind}_get_${type}`];
  if (!f) throw new TypeError(`unknown option type '${type}' (use one of ${TYPES.join(', ')})`);
  if (type === 'string') {
    const out = [null];
    check(f(h, name, out));
    const p = out[0];
    if (p === null || p === 0n) return '';
    try {
      return koffi.decode.string(p);
    } finally {
      F.strfree(p);
    }
  }
  if (type === 'addr') {
    const out = {};
    check(f(h, name, out));
    return new SockAddr(out);
  }
  const out = [type === 'bool' ? false : 0];
  check(f(h, name, out));
  return type === 'size' && typeof out[0] === 'bigint' && out[0] <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(out[0])
    : out[0];
}

function checkValue(type, value) {
  switch (type) {
    case 'int':
    case 'ms':
      if (!Number.isInteger(value)) throw new TypeError(`option value must be an integer, got ${value}`);
      return value;
    case 'size':
      if (typeof value === 'bigint') {
        if (value < 0n) throw new RangeError('size option must not be negative');
        return value;
      }
      if (!Number.isInteger(value)) throw new TypeError(`option value must be an integer, got ${value}`);
      if (value < 0) throw new RangeError('size option must not be negative');
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw new TypeError(`option value must be a boolean, got ${typeof value}`);
      return value;
    case 'string':
      if (typeof value !== 'string') throw new TypeError(`option value must be a string, got ${typeof value}`);
      return value;
    default:
      throw new TypeError(`cannot set an option of type '${type}'`);
  }
}

function setOpt(kind, h, name, type, value) {
  if (type === 'addr') throw makeError(codes.EREADONLY);
  const f = F[`${kind}_set_${type}`];
  if (!f) throw new TypeError(`unknown option type '${type}' (use one of ${TYPES.slice(0, 5).join(', ')})`);
  check(f(h, name, checkValue(type, value)));
}

/** getOption without a type: try each type until the library stops answering BadType. */
function getOptAny(kind, h, name, type) {
  if (type !== undefined) return getOpt(kind, h, name, type);
  let last;
  for (const t of TYPES) {
    try {
      return getOpt(kind, h, name, t);
    } catch (e) {
      if (!(e instanceof PnngError) || e.code !== codes.EBADTYPE) throw e;
      last = e;
    }
  }
  throw last;
}

function setOptAny(kind, h, name, value, type) {
  if (type !== undefined) return setOpt(kind, h, name, type, value);
  if (typeof value === 'boolean') return setOpt(kind, h, name, 'bool', value);
  if (typeof value === 'string') return setOpt(kind, h, name, 'string', value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const order = typeof value === 'bigint' ? ['size'] : ['int', 'ms', 'size'];
    let last;
    for (const t of order) {
      try {
        return setOpt(kind, h, name, t, value);
      } catch (e) {
        if (!(e instanceof PnngError) || e.code !== codes.EBADTYPE) throw e;
        last = e;
      }
    }
    throw last;
  }
  throw new TypeError(`cannot infer the option type of ${typeof value}; pass a type`);
}

/** Defines option properties: table maps property → [nng name, type, 'rw' | 'r' | 'w']. */
function defineOptions(proto, kind, table) {
  for (const [prop, [name, type, mode = 'rw']] of Object.entries(table)) {
    Object.defineProperty(proto, prop, {
      configurable: true,
      enumerable: false,
      get:
        mode === 'w'
          ? function () {
              throw makeError(codes.EWRITEONLY, `${prop} is write-only`);
            }
          : function () {
              return getOpt(kind, this._h, name, type);
            },
      set: function (value) {
        setOpt(kind, this._h, name, type, value);
      },
    });
  }
}

// Option names shared by several objects.
const O = {
  recvTimeout: ['recv-timeout', 'ms'],
  sendTimeout: ['send-timeout', 'ms'],
  recvBufferSize: ['recv-buffer', 'int'],
  sendBufferSize: ['send-buffer', 'int'],
  recvMaxSize: ['recv-size-max', 'size'],
  reconnectTimeMin: ['reconnect-time-min', 'ms'],
  reconnectTimeMax: ['reconnect-time-max', 'ms'],
  name: ['socket-name', 'string'],
  raw: ['raw', 'bool', 'r'],
  protocol: ['protocol', 'int', 'r'],
  protocolName: ['protocol-name', 'string', 'r'],
  peer: ['peer', 'int', 'r'],
  peerName: ['peer-name', 'string', 'r'],
  ttlMax: ['ttl-max', 'int'],
  recvFd: ['recv-fd', 'int', 'r'],
  sendFd: ['send-fd', 'int', 'r'],
  tcpNodelay: ['tcp-nodelay', 'bool'],
  tcpKeepalive: ['tcp-keepalive', 'bool'],
  localAddress: ['local-address', 'addr', 'r'],
  remoteAddress: ['remote-address', 'addr', 'r'],
  url: ['url', 'string', 'r'],
  tcpBoundPort: ['tcp-bound-port', 'int', 'r'],
  tlsCaFile: ['tls-ca-file', 'string', 'w'],
  tlsCertKeyFile: ['tls-cert-key-file', 'string', 'w'],
  tlsAuthMode: ['tls-authmode', 'int', 'w'],
  tlsServerName: ['tls-server-name', 'string', 'w'],
  tlsVerified: ['tls-verified', 'bool', 'r'],
  tlsPeerCn: ['tls-peer-cn', 'string', 'r'],
};

/** NNG's option names (PNNG_OPT_* in pnng.h), for getOption / setOption. */
const OPTIONS = Object.freeze({
  SOCKNAME: 'socket-name', RAW: 'raw', PROTO: 'protocol', PROTONAME: 'protocol-name', PEER: 'peer',
  PEERNAME: 'peer-name', RECVBUF: 'recv-buffer', SENDBUF: 'send-buffer', RECVFD: 'recv-fd', SENDFD: 'send-fd',
  RECVTIMEO: 'recv-timeout', SENDTIMEO: 'send-timeout', LOCADDR: 'local-address', REMADDR: 'remote-address',
  URL: 'url', MAXTTL: 'ttl-max', RECVMAXSZ: 'recv-size-max', RECONNMINT: 'reconnect-time-min',
  RECONNMAXT: 'reconnect-time-max', TLS_CONFIG: 'tls-config', TLS_AUTH_MODE: 'tls-authmode',
  TLS_CERT_KEY_FILE: 'tls-cert-key-file', TLS_CA_FILE: 'tls-ca-file', TLS_SERVER_NAME: 'tls-server-name',
  TLS_VERIFIED: 'tls-verified', TLS_PEER_CN: 'tls-peer-cn', TLS_PEER_ALT_NAMES: 'tls-peer-alt-names',
  TCP_NODELAY: 'tcp-nodelay', TCP_KEEPALIVE: 'tcp-keepalive', TCP_BOUND_PORT: 'tcp-bound-port',
  IPC_PERMISSIONS: 'ipc:permissions', IPC_PEER_UID: 'ipc:peer-uid', IPC_PEER_GID: 'ipc:peer-gid',
  IPC_PEER_PID: 'ipc:peer-pid', WS_REQUEST_HEADERS: 'ws:request-headers', WS_RESPONSE_HEADERS: 'ws:response-headers',
  WS_REQUEST_HEADER: 'ws:request-header:', WS_RESPONSE_HEADER: 'ws:response-header:', WS_REQUEST_URI: 'ws:request-uri',
  WS_SENDMAXFRAME: 'ws:txframe-max', WS_RECVMAXFRAME: 'ws:rxframe-max', WS_PROTOCOL: 'ws:protocol',
  WS_SEND_TEXT: 'ws:send-text', WS_RECV_TEXT: 'ws:recv-text', PAIR1_POLY: 'pair1:polyamorous',
  SUB_SUBSCRIBE: 'sub:subscribe', SUB_UNSUBSCRIBE: 'sub:unsubscribe', SUB_PREFNEW: 'sub:prefnew',
  REQ_RESENDTIME: 'req:resend-time', REQ_RESENDTICK: 'req:resend-tick', SURVEYOR_SURVEYTIME: 'surveyor:survey-time',
});

// ---- SockAddr ---------------------------------------------------------------------------------------

const FAMILY_NAMES = ['unspec', 'inproc', 'ipc', 'inet', 'inet6', 'zt', 'abstract'];

function ipv6String(a) {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((a[i] << 8) | a[i + 1]).toString(16));
  // compress the longest run of zero groups (RFC 5952)
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return groups.slice(0, best).join(':') + '::' + groups.slice(best + bestLen).join(':');
}

/** A socket address (pynng's SockAddr family of classes in one). */
class SockAddr {
  constructor(raw) {
    Object.defineProperty(this, '_raw', { value: raw, enumerable: false });
    this.family = raw.family;
    this.familyName = FAMILY_NAMES[raw.family] || `family-${raw.family}`;
    switch (raw.family) {
      case C.AF_INET:
        this.address = Array.from(raw.addr.subarray(0, 4)).join('.');
        this.port = raw.port;
        break;
      case C.AF_INET6:
        this.address = ipv6String(raw.addr);
        this.port = raw.port;
        this.scopeId = raw.scope_id;
        break;
      case C.AF_ZT:
        this.nwid = raw.zt_nwid;
        this.nodeId = raw.zt_nodeid;
        this.port = raw.port;
        break;
      case C.AF_INPROC:
      case C.AF_IPC:
      case C.AF_ABSTRACT: {
        const n = Math.min(Number(raw.path_len), raw.path.length);
        this.pathBytes = Buffer.from(raw.path.subarray(0, n));
        this.path = this.pathBytes.toString('utf8');
        break;
      }
      default:
        break;
    }
  }

  /** The URL-like form from pnng_sockaddr_format: "tcp://127.0.0.1:5555", "ipc:///tmp/x" ... */
  toString() {
    const buf = Buffer.alloc(512);
    try {
      if (F.sockaddr_format(this._raw, buf, buf.length) === 0) {
        const end = buf.indexOf(0);
        return buf.toString('utf8', 0, end < 0 ? buf.length : end);
      }
    } catch {
      /* fall through */
    }
    switch (this.family) {
      case C.AF_INET:
        return `tcp://${this.address}:${this.port}`;
      case C.AF_INET6:
        return `tcp://[${this.address}]:${this.port}`;
      case C.AF_INPROC:
        return `inproc://${this.path}`;
      case C.AF_IPC:
        return `ipc://${this.path}`;
      case C.AF_ABSTRACT:
        return `abstract://${this.path}`;
      default:
        return `<${this.familyName}>`;
    }
  }
}

// ---- TLSConfig --------------------------------------------------------------------------------------

const tlsRegistry = new FinalizationRegistry((ptr) => F.tls_config_free(ptr));

/**
 * TLS configuration (pynng.TLSConfig). `new TLSConfig(TLSConfig.MODE_CLIENT, { serverName, caString, ... })`
 * or `new TLSConfig({ mode, ... })`.
 */
class TLSConfig {
  constructor(mode, opts = {}) {
    if (mode !== null && typeof mode === 'object') {
      opts = mode;
      mode = opts.mode;
    }
    const { serverName, caString, ownCertString, ownKeyString, authMode, caFiles, certKeyFile, passwd } = opts;
    const known = new Set(['mode', 'serverName', 'caString', 'ownCertString', 'ownKeyString', 'authMode', 'caFiles', 'certKeyFile', 'passwd']);
    for (const k of Object.keys(opts)) if (!known.has(k)) throw new TypeError(`TLSConfig: unknown option '${k}'`);
    if (mode !== TLSConfig.MODE_CLIENT && mode !== TLSConfig.MODE_SERVER) {
      throw new TypeError('TLSConfig mode must be TLSConfig.MODE_CLIENT or TLSConfig.MODE_SERVER');
    }
    if (caString != null && caFiles != null) throw new TypeError('caString and caFiles cannot both be given');
    if ((ownCertString != null || ownKeyString != null) && certKeyFile != null) {
      throw new TypeError('ownCertString/ownKeyString and certKeyFile cannot both be given');
    }
    if ((ownCertString == null) !== (ownKeyString == null)) {
      throw new TypeError('ownCertString and ownKeyString must be given together');
    }
    const out = [null];
    check(F.tls_config_new(mode, out));
    Object.defineProperty(this, '_ptr', { value: out[0], writable: true, enumerable: false });
    this.mode = mode;
    tlsRegistry.register(this, this._ptr, this);
    try {
      if (serverName != null) this.setServerName(serverName);
      if (caString != null) this.setCaChain(caString);
      if (ownCertString != null) this.setOwnCert(ownCertString, ownKeyString, passwd);
      if (authMode != null) this.setAuthMode(authMode);
      if (caFiles != null) for (const f of typeof caFiles === 'string' ? [caFiles] : caFiles) this.addCaFile(f);
      if (certKeyFile != null) this.setCertKeyFile(certKeyFile, passwd);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  _p() {
    if (this._ptr === null) throw makeError(codes.ECLOSED, 'TLSConfig was closed');
    return this._ptr;
  }

  setServerName(name) {
    if (typeof name !== 'string') throw new TypeError('server name must be a string');
    check(F.tls_config_server_name(this._p(), name));
  }

  setCaChain(pem, crl = null) {
    check(F.tls_config_ca_chain(this._p(), String(pem), crl == null ? null : String(crl)));
  }

  setOwnCert(cert, key, passwd = null) {
    check(F.tls_config_own_cert(this._p(), String(cert), String(key), passwd == null ? null : String(passwd)));
  }

  setAuthMode(mode) {
    if (!Number.isInteger(mode)) throw new TypeError('auth mode must be an integer');
    check(F.tls_config_auth_mode(this._p(), mode));
  }

  addCaFile(file) {
    check(F.tls_config_ca_file(this._p(), String(file)));
  }

  setCertKeyFile(file, passwd = null) {
    check(F.tls_config_cert_key_file(this._p(), String(file), passwd == null ? null : String(passwd)));
  }

  /** Drops this object's reference (sockets it was applied to keep their own). Idempotent. */
  close() {
    if (this._ptr === null) return;
    tlsRegistry.unregister(this);
    F.tls_config_free(this._ptr);
    this._ptr = null;
  }
}
TLSConfig.MODE_CLIENT = C.TLS_MODE_CLIENT;
TLSConfig.MODE_SERVER = C.TLS_MODE_SERVER;
TLSConfig.AUTH_MODE_NONE = C.TLS_AUTH_MODE_NONE;
TLSConfig.AUTH_MODE_OPTIONAL = C.TLS_AUTH_MODE_OPTIONAL;
TLSConfig.AUTH_MODE_REQUIRED = C.TLS_AUTH_MODE_REQUIRED;
if (hasDispose) TLSConfig.prototype[Symbol.dispose] = TLSConfig.prototype.close;

function tlsPtr(cfg) {
  if (!(cfg instanceof TLSConfig)) throw new TypeError('tlsConfig must be a TLSConfig');
  return cfg._p();
}

// ---- Message ---------------------------------------------------------------------------------------

/**
 * A message: its bytes, the pipe it came from (received) or should go to (sent with sendMsg), and
 * its header (raw sockets). Messages are immutable copies; sending one twice is allowed.
 */
class Message {
  constructor(data, pipe = null) {
    this.bytes = Buffer.from(toBytes(data)); // own copy
    if (pipe !== null && !(pipe instanceof Pipe)) throw new TypeError('pipe must be a Pipe');
    this.pipe = pipe;
    this.header = Buffer.alloc(0);
  }

  /** pynng spelling. */
  get data() {
    return this.bytes;
  }
}

// ---- Dialer / Listener -----------------------------------------------------------------------------

class Endpoint {
  constructor(socket, id) {
    this.socket = socket;
    this._h = { id };
  }

  get id() {
    return this._h.id;
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
if (hasDispose) Endpoint.prototype[Symbol.dispose] = function () { this.close(); };
if (hasAsyncDispose) Endpoint.prototype[Symbol.asyncDispose] = async function () { this.close(); };

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

  /** Starts a dialer made with Socket.createDialer(); block as in Socket.dial(). */
  start({ block } = {}) {
    check(F.dialer_start(this._h, dialFlags(block)));
  }

  /** Closes the dialer. Idempotent. */
  close() {
    this.socket._dialers.delete(this.id);
    const rc = F.dialer_close(this._h);
    if (rc !== 0 && rc !== codes.ECLOSED && rc !== codes.ENOENT) throw makeError(rc);
  }
}
defineOptions(Dialer.prototype, 'dialer', ENDPOINT_OPTIONS);

/** Returned by Socket.listen() / createListener(); listed in Socket.listeners. */
class Listener extends Endpoint {
  get _kind() {
    return 'listener';
  }

  /** Starts a listener made with Socket.createListener(). */
  start() {
    check(F.listener_start(this._h, 0));
  }

  /** Closes the listener. Idempotent. */
  close() {
    this.socket._listeners.delete(this.id);
    const rc = F.listener_close(this._h);
    if (rc !== 0 && rc !== codes.ECLOSED && rc !== codes.ENOENT) throw makeError(rc);
  }
}
defineOptions(Listener.prototype, 'listener', { ...ENDPOINT_OPTIONS, port: O.tcpBoundPort });

function dialFlags(block) {
  if (block === undefined || block === null) return C.DIAL_FALLBACK;
  if (block === true) return 0;
  if (block === false) return C.FLAG_NONBLOCK;
  throw new TypeError('block must be true, false or undefined');
}

// ---- Pipe -------------------------------------------------------------------------------------------

/** One connection of a socket (pynng.Pipe). Received messages carry theirs in `msg.pipe`. */
class Pipe {
  constructor(socket, id) {
    this.socket = socket;
    this._h = { id };
    this.closed = false;
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
    return dispatcher.submit(K_SEND, X.pipe_send_aio, this._h.id, bytes, 0, opts, this);
  }

  /** Blocking send; `{ block: false }` gives TryAgain instead of waiting. */
  sendSync(data, opts = {}) {
    const bytes = toBytes(data);
    check(F.pipe_send(this._h, bytes, bytes.length, flagsFor(opts)));
  }

  /** Sends a Message through this pipe. */
  sendMsg(msg, opts = {}) {
    if (!(msg instanceof Message)) return Promise.reject(new TypeError('msg must be a Message'));
    return this.send(msg.bytes, opts);
  }

  close() {
    const rc = F.pipe_close(this._h);
    this.closed = true;
    if (rc !== 0 && rc !== codes.ECLOSED && rc !== codes.ENOENT) throw makeError(rc);
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

// ---- Context ----------------------------------------------------------------------------------------

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
    return consumeBytes(this._recvNative(opts));
  }

  recvMsgSync(opts = {}) {
    return this.socket._wrapMsg(this._recvNative(opts));
  }

  _recvNative(opts) {
    const out = [null];
    check(F.ctx_recv_msg(this._h, flagsFor(opts), out));
    return out[0];
  }

  /** Completion of recvMsg (lib/cq.js): wraps and frees the received native message. */
  _wrapNative(native) {
    return this.socket._wrapMsg(native);
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
    const rc = F.ctx_close(this._h);
    if (rc !== 0 && rc !== codes.ECLOSED && rc !== codes.ENOENT) throw makeError(rc);
  }

  async *[Symbol.asyncIterator]() {
    yield* iterate(this);
  }
}
defineOptions(Context.prototype, 'ctx', { recvTimeout: O.recvTimeout, sendTimeout: O.sendTimeout });
if (hasDispose) Context.prototype[Symbol.dispose] = Context.prototype.close;
if (hasAsyncDispose) Context.prototype[Symbol.asyncDispose] = async function () { this.close(); };

async function* iterate(obj) {
  for (;;) {
    let data;
    try {
      data = await obj.recv();
    } catch (e) {
      if (e instanceof PnngError && e.code === codes.ECLOSED) return;
      throw e;
    }
    yield data;
  }
}

// ---- Socket -----------------------------------------------------------------------------------------

const socketRegistry = new FinalizationRegistry((id) => F.socket_close({ id }));

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
    socketRegistry.register(this, out.id, this);

    try {
      if (options.tlsConfig != null) this.tlsConfig = options.tlsConfig;
      for (const k of CTOR_OPTION_ORDER) if (options[k] != null) this[k] = options[k];
      if (spec.init) spec.init(this, options);
      if (options.listen != null) this.listen(options.listen);
      if (options.dial != null) this.dial(options.dial, { block: options.blockOnDial });
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
   * Dials `url`. block: true → blocking, fails on error; false → background, retried;
   * undefined (default) → try blocking, and on failure go on in the background (pynng's default).
   */
  dial(url, { block } = {}) {
    if (typeof url !== 'string') throw new TypeError('url must be a string');
    const out = {};
    check(F.socket_dial(this._h, url, dialFlags(block), out));
    return this._dialerFor(out.id);
  }

  /** Listens at `url`; returns the Listener. */
  listen(url, { flags = 0 } = {}) {
    if (typeof url !== 'string') throw new TypeError('url must be a string');
    const out = {};
    check(F.socket_listen(this._h, url, flags, out));
    return this._listenerFor(out.id);
  }

  /** A Dialer that is not started yet: set its options, then call start(). */
  createDialer(url) {
    if (typeof url !== 'string') throw new TypeError('url must be a string');
    const out = {};
    check(F.dialer_create(this._h, url, out));
    return this._dialerFor(out.id);
  }

  /** A Listener that is not started yet: set its options, then call start(). */
  createListener(url) {
    if (typeof url !== 'string') throw new TypeError('url must be a string');
    const out = {};
    check(F.listener_create(this._h, url, out));
    return this._listenerFor(out.id);
  }

  _dialerFor(id) {
    let d = this._dialers.get(id);
    if (d === undefined) this._dialers.set(id, (d = new Dialer(this, id)));
    return d;
  }

  _listenerFor(id) {
    let l = this._listeners.get(id);
    if (l === undefined) this._listeners.set(id, (l = new Listener(this, id)));
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

  /** Live listeners. */
  get listeners() {
    const ids = listIds(F.socket_listeners, this._h);
    const live = new Set(ids);
    for (const id of this._listeners.keys()) if (!live.has(id)) this._listeners.delete(id);
    return ids.map((id) => this._listenerFor(id));
  }

  // -- messages: promises --

  // -- messages: blocking (block the event loop; for scripts) --

  sendSync(data, opts = {}) {
    const bytes = toBytes(data);
    check(F.socket_send(this._h, bytes, bytes.length, flagsFor(opts)));
  }

  recvSync(opts = {}) {
    return consumeBytes(this._recvNative(opts));
  }

  recvMsgSync(opts = {}) {
    return this._wrapMsg(this._recvNative(opts));
  }

  sendMsgSync(msg, opts = {}) {
    if (!(msg instanceof Message)) throw new TypeError('msg must be a Message');
    const native = newNativeMsg(msg.bytes, msg.pipe);
    const rc = F.socket_send_msg(this._h, native, flagsFor(opts));
    if (rc !== 0) {
      F.msg_free(native); // not consumed on failure
      throw makeError(rc);
    }
  }

  _recvNative(opts) {
    const out = [null];
    check(F.socket_recv_msg(this._h, flagsFor(opts), out));
    return out[0];
  }

  /** Wraps (and frees) a received native message. */
  _wrapMsg(native) {
    try {
      const m = Object.create(Message.prototype);
      m.bytes = bodyOf(native);
      m.pipe = null;
      m.header = headerOf(native);
      const pipeId = msgPipeId(native);
      if (pipeId) m.pipe = this._pipeFor(pipeId);
      return m;
    } finally {
      X.msg_free(native);
    }
  }

  /** Completion of recvMsg (lib/cq.js): wraps and frees the received native message. */
  _wrapNative(native) {
    return this._wrapMsg(native);
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
    const rc = F.socket_close(this._h);
    dispatcher.drain(); // deliver the pipe events the close produced while listeners are registered
    dispatcher.removeEventSocket(this);
    this._notifyMask = 0;
    this._dialers.clear();
    this._listeners.clear();
    if (rc !== 0 && rc !== codes.ECLOSED) throw makeError(rc);
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
if (hasDispose) Socket.prototype[Symbol.dispose] = Socket.prototype.close;
if (hasAsyncDispose) Socket.prototype[Symbol.asyncDispose] = async function () { this.close(); };

// ---- the protocol table -----------------------------------------------------------------------------

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
  { name: 'Rep0', opener: simpleOpener('rep0') },
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
  { name: 'Respondent0', opener: simpleOpener('respondent0') },
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

// ---- module-level functions --------------------------------------------------------------------------

const deviceFn = (() => {
  try {
    return lib.func('int pnng_device(pnng_socket a, pnng_socket b)');
  } catch {
    return null;
  }
})();

/**
 * Forwards messages between two raw sockets (NNG's device) on a worker thread. Resolves when one of
 * the sockets closes (with the Closed error swallowed); rejects on other errors.
 */
function device(a, b) {
  if (!(a instanceof Socket) || !(b instanceof Socket)) return Promise.reject(new TypeError('device needs two Sockets'));
  if (!deviceFn) return Promise.reject(new Error('pnng_device is not available'));
  return new Promise((resolve, reject) => {
    deviceFn.async(a._h, b._h, (err, rc) => {
      if (err) reject(err);
      else if (rc === 0 || rc === codes.ECLOSED) resolve();
      else reject(makeError(rc));
    });
  });
}

/** The runtime version string, e.g. "pnng 0.1.0 (NNG 1.12.0)". */
function version() {
  return F.version();
}

definePromiseMessaging(Context, X.ctx_send_aio, X.ctx_recv_aio);
definePromiseMessaging(Socket, X.socket_send_aio, X.socket_recv_aio);

module.exports = {
  ...protocolClasses,
  Socket,
  Context,
  Pipe,
  Dialer,
  Listener,
  Message,
  TLSConfig,
  SockAddr,
  PnngError,
  AbortError,
  errors: errors.classes,
  ...errors.classes,
  codes,
  errorName: errors.errorName,
  constants: C,
  options: OPTIONS,
  _optionTables: { O, SOCKET_OPTIONS, ENDPOINT_OPTIONS, PROTOCOLS },
  device,
  version,
  strerror: (code) => F.strerror(code),
  libraryPath,
  _dispatcher: dispatcher,
};
