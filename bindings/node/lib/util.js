'use strict';
// Small helpers shared by the object model: byte conversion, flags, id lists, dispose symbols.

const { F, C } = require('./ffi');
const { check } = require('./errors');

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

/** The flags of a *Sync call: `{ block: false }` → non-blocking. */
function flagsFor(opts) {
  return opts && opts.block === false ? C.FLAG_NONBLOCK : 0;
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

/** Installs Symbol.dispose / Symbol.asyncDispose (where the runtime has them) calling close(). */
function defineDispose(cls) {
  if (typeof Symbol.dispose === 'symbol') {
    Object.defineProperty(cls.prototype, Symbol.dispose, {
      value: function () {
        this.close();
      },
      writable: true,
      configurable: true,
    });
  }
  if (typeof Symbol.asyncDispose === 'symbol') {
    Object.defineProperty(cls.prototype, Symbol.asyncDispose, {
      value: async function () {
        this.close();
      },
      writable: true,
      configurable: true,
    });
  }
}

module.exports = { toBytes, topicBytes, flagsFor, listIds, defineDispose, F };
