'use strict';
// pnng for Node.js: pynng's object model (Socket + 11 protocols, Dialer, Listener, Pipe, Context,
// Message, TLSConfig) over libpnng, with promise-based send/recv built on the completion queue.
// The pieces live in lib/: ffi (library + C declarations), errors, options, addresses, tls,
// messages, cq (the completion queue), endpoints (Dialer, Listener, Pipe), contexts, sockets.

const { F, C, libraryPath } = require('./lib/ffi');
const errors = require('./lib/errors');
const { PnngError, AbortError, makeError, codes } = errors;
const { O, OPTIONS } = require('./lib/options');
const { SockAddr } = require('./lib/addresses');
const { TLSConfig } = require('./lib/tls');
const { Message, poolStats } = require('./lib/messages');
const { Dialer, Listener, Pipe, ENDPOINT_OPTIONS } = require('./lib/endpoints');
const { Context } = require('./lib/contexts');
const { Socket, PROTOCOLS, SOCKET_OPTIONS, protocolClasses } = require('./lib/sockets');
const { dispatcher } = require('./lib/cq');

// ---- module-level functions --------------------------------------------------------------------------

const deviceFn = F.device.missing ? null : F.device;

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
  _poolStats: poolStats,
};
