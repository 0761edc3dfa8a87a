'use strict';
// Messages: the Message class, and native pnng_msg helpers (build one from bytes, copy a body or a
// header out, read its pipe). Native messages are BigInt pointers; out-parameters go to preallocated
// typed arrays (no per-call allocation).

const { koffi, F, memcpy } = require('./ffi');
const { makeError, check } = require('./errors');
const { toBytes } = require('./util');

/** Out-parameter scratch for the message helpers. Valid until the next call. */
const scratch = new BigUint64Array(1);
const u32 = new Uint32Array(1);
const hasHeader = !F.msg_header.missing && !F.msg_header_len.missing;

/** Copies `len` bytes at native address `ptr` into a new Buffer. */
const copyFrom = memcpy
  ? (ptr, len) => {
      if (len === 0) return Buffer.alloc(0);
      const b = Buffer.allocUnsafe(len);
      memcpy(b, ptr, len);
      return b;
    }
  : (ptr, len) => (len === 0 ? Buffer.alloc(0) : Buffer.from(koffi.view(ptr, len).slice(0)));

/** A native message holding a copy of `bytes`, optionally routed to pipe id `pipeId` (0: none). The caller owns it. */
function newMsg(bytes, pipeId) {
  check(F.msg_new(bytes, bytes.length, scratch));
  const msg = scratch[0];
  if (pipeId) {
    const rc = F.msg_set_pipe(msg, pipeId);
    if (rc !== 0) {
      F.msg_free(msg);
      throw makeError(rc);
    }
  }
  return msg;
}

/** The body of a native message, copied into a Buffer (the message is not freed). */
function msgBody(msg) {
  const len = Number(F.msg_len(msg));
  return len === 0 ? Buffer.alloc(0) : copyFrom(F.msg_body(msg), len);
}

/** The header of a native message, copied (empty when the library lacks header accessors). */
function msgHeader(msg) {
  if (!hasHeader) return Buffer.alloc(0);
  const len = Number(F.msg_header_len(msg));
  return len === 0 ? Buffer.alloc(0) : copyFrom(F.msg_header(msg), len);
}

/** The pipe id a native message came through, 0 if none. */
function msgPipeId(msg) {
  return F.msg_pipe(msg, u32) === 0 ? u32[0] : 0;
}

/** Copies a native message's body into a Buffer and frees the message. */
function consumeBody(msg) {
  try {
    return msgBody(msg);
  } finally {
    F.msg_free(msg);
  }
}

/**
 * A message: its bytes, the pipe it came from (received) or should go to (sent with sendMsg), and
 * its header (raw sockets). Messages are immutable copies; sending one twice is allowed.
 */
class Message {
  constructor(data, pipe = null) {
    this.bytes = Buffer.from(toBytes(data)); // own copy
    // lib/endpoints.js requires this module; Pipe is looked up when needed.
    if (pipe !== null && !(pipe instanceof require('./endpoints').Pipe)) throw new TypeError('pipe must be a Pipe');
    this.pipe = pipe;
    this.header = Buffer.alloc(0);
  }

  /** pynng spelling. */
  get data() {
    return this.bytes;
  }
}

/** A received Message (pipe looked up in `socket`); frees the native message. */
function wrapMsg(socket, native) {
  try {
    const m = Object.create(Message.prototype);
    m.bytes = msgBody(native);
    m.pipe = null;
    m.header = msgHeader(native);
    const pipeId = msgPipeId(native);
    if (pipeId) m.pipe = socket._pipeFor(pipeId);
    return m;
  } finally {
    F.msg_free(native);
  }
}

module.exports = { Message, newMsg, msgBody, msgHeader, msgPipeId, consumeBody, wrapMsg };
