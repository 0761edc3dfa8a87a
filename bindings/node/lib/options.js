'use strict';
// Options: typed getters/setters over pnng_<object>_{get,set}_<type>, the property tables that map
// camelCase properties to NNG option names, and the PNNG_OPT_* names.

const { koffi, F } = require('./ffi');
const { PnngError, check, makeError, codes } = require('./errors');
const { SockAddr } = require('./addresses');

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
      if (!(e instanceof PnngError) || e.errno !== codes.EBADTYPE) throw e;
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
        if (!(e instanceof PnngError) || e.errno !== codes.EBADTYPE) throw e;
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
  tcpListenBacklog: ['tcp-listen-backlog', 'int'],
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
  TCP_LISTEN_BACKLOG: 'tcp-listen-backlog',
  IPC_PERMISSIONS: 'ipc:permissions', IPC_PEER_UID: 'ipc:peer-uid', IPC_PEER_GID: 'ipc:peer-gid',
  IPC_PEER_PID: 'ipc:peer-pid', WS_REQUEST_HEADERS: 'ws:request-headers', WS_RESPONSE_HEADERS: 'ws:response-headers',
  WS_REQUEST_HEADER: 'ws:request-header:', WS_RESPONSE_HEADER: 'ws:response-header:', WS_REQUEST_URI: 'ws:request-uri',
  WS_SENDMAXFRAME: 'ws:txframe-max', WS_RECVMAXFRAME: 'ws:rxframe-max', WS_PROTOCOL: 'ws:protocol',
  WS_SEND_TEXT: 'ws:send-text', WS_RECV_TEXT: 'ws:recv-text', PAIR1_POLY: 'pair1:polyamorous',
  SUB_SUBSCRIBE: 'sub:subscribe', SUB_UNSUBSCRIBE: 'sub:unsubscribe', SUB_PREFNEW: 'sub:prefnew',
  REQ_RESENDTIME: 'req:resend-time', REQ_RESENDTICK: 'req:resend-tick', SURVEYOR_SURVEYTIME: 'surveyor:survey-time',
});

module.exports = { getOpt, setOpt, getOptAny, setOptAny, defineOptions, O, OPTIONS, TYPES };
