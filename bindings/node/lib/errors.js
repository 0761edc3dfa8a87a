'use strict';
// Error model: every pnng/NNG code becomes a PnngError whose .name is pynng's exception name.

const { F } = require('./ffi');

const ESYSERR = 0x10000000;
const ETRANERR = 0x20000000;

/** code → pynng exception name (pynng.exceptions), plus ECONNSHUT which pynng leaves unmapped. */
const NAMES = Object.freeze({
  1: 'Interrupted',
  2: 'NoMemory',
  3: 'InvalidOperation',
  4: 'Busy',
  5: 'Timeout',
  6: 'ConnectionRefused',
  7: 'Closed',
  8: 'TryAgain',
  9: 'NotSupported',
  10: 'AddressInUse',
  11: 'BadState',
  12: 'NoEntry',
  13: 'ProtocolError',
  14: 'DestinationUnreachable',
  15: 'AddressInvalid',
  16: 'PermissionDenied',
  17: 'MessageTooLarge',
  18: 'ConnectionAborted',
  19: 'ConnectionReset',
  20: 'Canceled',
  21: 'OutOfFiles',
  22: 'OutOfSpace',
  23: 'AlreadyExists',
  24: 'ReadOnly',
  25: 'WriteOnly',
  26: 'CryptoError',
  27: 'AuthenticationError',
  28: 'NoArgument',
  29: 'Ambiguous',
  30: 'BadType',
  31: 'ConnectionShutdown',
  1000: 'Internal',
});

/** Error numbers by name (PNNG_E*), for comparisons: `err.errno === codes.ETIMEDOUT` (or `err.code === 'ETIMEDOUT'`). */
const codes = Object.freeze({
  EINTR: 1, ENOMEM: 2, EINVAL: 3, EBUSY: 4, ETIMEDOUT: 5, ECONNREFUSED: 6, ECLOSED: 7, EAGAIN: 8,
  ENOTSUP: 9, EADDRINUSE: 10, ESTATE: 11, ENOENT: 12, EPROTO: 13, EUNREACHABLE: 14, EADDRINVAL: 15,
  EPERM: 16, EMSGSIZE: 17, ECONNABORTED: 18, ECONNRESET: 19, ECANCELED: 20, ENOFILES: 21, ENOSPC: 22,
  EEXIST: 23, EREADONLY: 24, EWRITEONLY: 25, ECRYPTO: 26, EPEERAUTH: 27, ENOARG: 28, EAMBIGUOUS: 29,
  EBADTYPE: 30, ECONNSHUT: 31, EINTERNAL: 1000, ESYSERR, ETRANERR,
});

/** Code number → NNG's error name ('ECLOSED', 'ETIMEDOUT', ...), the string `err.code` carries. */
const CODE_NAMES = Object.freeze(Object.fromEntries(Object.entries(codes).map(([k, v]) => [v, k])));

/** pynng-style name for any code, including the ESYSERR / ETRANERR ranges. */
function errorName(code) {
  if (NAMES[code]) return NAMES[code];
  if (code & ETRANERR) return 'TransportError';
  if (code & ESYSERR) return 'SystemError';
  return 'UnknownError';
}

/** NNG's name for any code: 'ETIMEDOUT', ...; 'ESYSERR' / 'ETRANERR' for those ranges. */
function codeName(code) {
  if (CODE_NAMES[code] && code !== ESYSERR && code !== ETRANERR) return CODE_NAMES[code];
  if (code & ETRANERR) return 'ETRANERR';
  if (code & ESYSERR) return 'ESYSERR';
  return 'EUNKNOWN';
}

function strerror(code) {
  try {
    return F.strerror(code) || `error ${code}`;
  } catch {
    return `error ${code}`;
  }
}

/**
 * An error reported by libpnng, in Node's shape: `.code` is NNG's error name ('ETIMEDOUT',
 * 'ECLOSED', ...), `.errno` the number (compare with `codes.ETIMEDOUT`), `.name` pynng's exception
 * name ('Timeout', 'Closed', ...). Errors of an operation on an address also carry `.op` ('dial',
 * 'listen') and `.url`, and name them in the message. For ESYSERR / ETRANERR codes,
 * `.systemErrno` / `.transportError` hold the low bits.
 */
class PnngError extends Error {
  constructor(errno, message, info = undefined) {
    const base = message || strerror(errno);
    super(info && info.url ? `${info.op ? info.op + ' ' : ''}${info.url}: ${base}` : base);
    this.code = codeName(errno);
    this.errno = errno;
    Object.defineProperty(this, 'name', { value: errorName(errno), enumerable: false, writable: true, configurable: true });
    if (!NAMES[errno]) {
      if (errno & ETRANERR) this.transportError = errno & ~ETRANERR;
      else if (errno & ESYSERR) this.systemErrno = errno & ~ESYSERR;
    }
    if (info && info.url) {
      if (info.op) this.op = info.op;
      this.url = info.url;
    }
  }
}

/** Raised (or rejected) when an AbortSignal cancels a send/recv, like Node's own AbortError. */
class AbortError extends Error {
  constructor(message = 'The operation was aborted', options = undefined) {
    super(message, options);
    this.code = 'ABORT_ERR';
    Object.defineProperty(this, 'name', { value: 'AbortError', enumerable: false, writable: true, configurable: true });
  }
}

/** One subclass per pynng exception name, so `err instanceof pnng.Timeout` works as in pynng. */
const classes = {};
for (const name of [...Object.values(NAMES), 'SystemError', 'TransportError', 'UnknownError']) {
  classes[name] = { [name]: class extends PnngError {} }[name];
}

/** The PnngError (subclass) for a code; `info` ({ op, url }) names what the operation was about. */
function makeError(code, message, info) {
  const cls = classes[errorName(code)] || PnngError;
  return new cls(code, message, info);
}

function check(rc, info) {
  if (rc !== 0) throw makeError(rc, undefined, info);
}

/**
 * The one close filter: closing something already closed (or gone with its socket) is not an
 * error, so close() is idempotent everywhere. Anything else throws.
 */
function checkClose(rc) {
  if (rc !== 0 && rc !== codes.ECLOSED && rc !== codes.ENOENT) throw makeError(rc);
}

module.exports = { PnngError, AbortError, check, checkClose, makeError, errorName, codeName, codes, classes, NAMES, ESYSERR, ETRANERR };
