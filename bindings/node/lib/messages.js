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
const lastByte = new Uint8Array(1); // newMsg's appended byte (no view made per message)
const hasHeader = !F.msg_header.missing && !F.msg_header_len.missing;

// Large bodies. A Buffer of a large size is a fresh large heap block; the garbage collector frees
// them in batches, glibc then gives the memory back to the system (the heap top shrinks past its
// trim threshold), and the next blocks fault their pages in again: ~1 us per 4 KiB page, at 1 MiB
// several times the cost of the copy itself. Bodies of BIG bytes or more are therefore copied into
// blocks of native memory the binding keeps: the Buffer views its block (koffi.view; V8 counts the
// memory as external, so garbage collection keeps pace with it as with any Buffer), and once the
// garbage collector has collected the view's ArrayBuffer, a FinalizationRegistry puts the block
// back on a free list (one per power-of-two capacity; at most POOL_KEEP bytes are kept, the rest is
// freed). Such views cannot be detached: transferring one (postMessage, structuredClone) copies it.
// (Tried and dropped: views of the received message itself, its message recycled for sends. Those
// messages live until a garbage collection, so the working set grew to a collection's worth and
// about half of them still had to be allocated fresh.)
const BIG = 128 * 1024;
const POOL_KEEP = 64 * 1024 * 1024;
const freeBlocks = new Map(); // capacity -> [address]
let freeBytes = 0;
let blocksReused = 0; // for tests and diagnostics
const blockRegistry = new FinalizationRegistry((block) => {
  if (freeBytes + block.cap <= POOL_KEEP) {
    freeBytes += block.cap;
    freeBlocks.get(block.cap).push(block.ptr);
  } else {
    koffi.free(block.ptr);
  }
});

// A worker thread's pool goes with the worker: its free blocks are freed when it exits (blocks still
// viewed then are left alone: nothing frees them once the worker's heap is gone).
if (!require('node:worker_threads').isMainThread) {
  process.once('exit', () => {
    for (const list of freeBlocks.values()) for (const ptr of list.splice(0)) koffi.free(ptr);
    freeBytes = 0;
  });
}

/** A Buffer of `len` (>= BIG) bytes viewing a pooled native block; null if koffi cannot make one. */
function pooledBuffer(len) {
  let cap = BIG;
  while (cap < len) cap *= 2;
  let list = freeBlocks.get(cap);
  if (list === undefined) freeBlocks.set(cap, (list = []));
  let ptr = list.pop();
  if (ptr === undefined) {
    try {
      ptr = koffi.alloc('uint8_t', cap);
    } catch {
      return null; // out of memory here: the caller falls back to a plain Buffer
    }
  } else {
    freeBytes -= cap;
    blocksReused++;
  }
  let ab;
  try {
    ab = koffi.view(ptr, len);
  } catch {
    list.push(ptr);
    freeBytes += cap;
    return null;
  }
  blockRegistry.register(ab, { ptr, cap });
  return Buffer.from(ab, 0, len);
}

/** Bytes kept in free blocks, and how many receives reused one (tests, diagnostics). */
function poolStats() {
  return { freeBytes, reused: blocksReused };
}

/** Copies `len` bytes at native address `ptr` into a new Buffer. */
const copyFrom = memcpy
  ? (ptr, len) => {
      if (len === 0) return Buffer.alloc(0);
      const b = (len >= BIG && pooledBuffer(len)) || Buffer.allocUnsafe(len);
      memcpy(b, ptr, len);
      return b;
    }
  : (ptr, len) => (len === 0 ? Buffer.alloc(0) : Buffer.from(koffi.view(ptr, len).slice(0)));

/**
 * True for the sizes NNG allocates without spare room: powers of two from 1 KiB (every other size
 * gets 32 bytes either side). A message without room for a protocol header is copied whole into a
 * new one when a protocol prepends its header on the inproc transport (req/rep, pair1, surveyor):
 * an allocation, a clearing and a copy of the body.
 */
function roomless(len) {
  return len >= 1024 && len <= 0x40000000 && (len & (len - 1)) === 0;
}

/** A native message holding a copy of `bytes`, optionally routed to pipe id `pipeId` (0: none). The caller owns it. */
function newMsg(bytes, pipeId) {
  const len = bytes.length;
  if (roomless(len)) {
    // Built from len - 1 bytes (a size NNG gives room to) and the last byte appended into that room.
    check(F.msg_new(bytes, len - 1, scratch));
    lastByte[0] = bytes[len - 1];
    const rc = F.msg_append(scratch[0], lastByte, 1);
    if (rc !== 0) {
      F.msg_free(scratch[0]);
      throw makeError(rc);
    }
  } else {
    check(F.msg_new(bytes, len, scratch));
  }
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

/** The body of a native message whose length is known, copied into a Buffer (not freed). */
function bodyOf(msg, len) {
  return len === 0 ? Buffer.alloc(0) : copyFrom(F.msg_body(msg), len);
}

/** A received Message from its copied body and pipe id (no header), the pipe looked up in `socket`. */
function bodyMsg(socket, bytes, pipeId) {
  const m = Object.create(Message.prototype);
  m.bytes = bytes;
  m.pipe = pipeId ? socket._pipeFor(pipeId) : null;
  m.header = Buffer.alloc(0);
  return m;
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

module.exports = { poolStats, roomless, Message, newMsg, msgBody, bodyOf, bodyMsg, msgHeader, msgPipeId, consumeBody, wrapMsg };
