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
    freeAllMsgs();
  });
}

// ArrayBuffer.prototype.transfer (Node 21+) would detach a view's ArrayBuffer and move its memory to
// a new one, which the FinalizationRegistry does not follow: the block or message would be reused
// while the new ArrayBuffer still views it. Views get their own transfer / transferToFixedLength,
// which return a copy and leave the view attached (as postMessage and structuredClone copy them).
const hasTransfer = typeof ArrayBuffer.prototype.transfer === 'function';
function copyTransfer(newLength) {
  const n = newLength === undefined ? this.byteLength : newLength;
  const out = new ArrayBuffer(n);
  new Uint8Array(out).set(new Uint8Array(this, 0, Math.min(n, this.byteLength)));
  return out;
}
const transferGuard = { value: copyTransfer, writable: true, configurable: true };
function guardTransfer(ab) {
  if (hasTransfer) {
    Object.defineProperty(ab, 'transfer', transferGuard);
    Object.defineProperty(ab, 'transferToFixedLength', transferGuard);
  }
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
  guardTransfer(ab);
  blockRegistry.register(ab, { ptr, cap });
  return Buffer.from(ab, 0, len);
}

/** Bytes kept in free blocks and messages, and how often they were reused (tests, diagnostics). */
function poolStats() {
  return { freeBytes, reused: blocksReused, freeMsgBytes, msgsViewed, msgsReused };
}

// Large received bodies are not copied at all: the Buffer views the body of the received message
// itself (koffi.view), and the message is kept until the garbage collector has collected the
// view's ArrayBuffer (FinalizationRegistry). The message then goes to a free list (per body
// length, at most MSG_KEEP bytes kept, the rest freed) from which large sends take their message:
// the body is copied into the room the message already has (no allocation, no clearing by NNG, no
// page faults), as C's zero-copy receive and copying send do. A message received with a header
// (raw sockets) is copied as before.
const MSG_KEEP = 128 * 1024 * 1024;
const MSG_IDLE_MS = 1000;
const freeMsgs = new Map(); // body length -> [msg]
let freeMsgBytes = 0;
let msgsReused = 0; // for tests and diagnostics
let msgsViewed = 0;
const msgRegistry = new FinalizationRegistry(recycleMsg);
function recycleMsg(held) {
  const len = held.len;
  if (freeMsgBytes + len <= MSG_KEEP) {
    let list = freeMsgs.get(len);
    if (list === undefined) freeMsgs.set(len, (list = []));
    list.push(held.msg);
    freeMsgBytes += len;
    if (idleTimer === null) armIdleTimer();
  } else {
    F.msg_free(held.msg);
  }
}
// Free messages no send has taken for MSG_IDLE_MS are freed (a process that stops sending, or
// only ever receives, does not keep them).
let idleTimer = null;
let reusedAtArm = 0;
function armIdleTimer() {
  reusedAtArm = msgsReused;
  idleTimer = setTimeout(onIdle, MSG_IDLE_MS);
  idleTimer.unref();
}
function onIdle() {
  idleTimer = null;
  if (msgsReused === reusedAtArm) freeAllMsgs();
  if (freeMsgBytes > 0) armIdleTimer();
}
function freeAllMsgs() {
  for (const list of freeMsgs.values()) for (const msg of list.splice(0)) F.msg_free(msg);
  freeMsgBytes = 0;
}
const canView = !F.msg_clear.missing && !F.msg_header_clear.missing;

// Medium bodies (RECYCLE_MIN up to BIG) are copied into a Buffer, and their message is kept at
// once (at most RECYCLE_LIST_MAX per body length) for a later send of the same length: an echo
// or a request / reply loop then sends without NNG allocating and clearing a new message.
const RECYCLE_MIN = 16 * 1024;
const RECYCLE_LIST_MAX = 16;
function keepCopied(msg, len) {
  if (canView && len >= RECYCLE_MIN && freeMsgBytes + len <= MSG_KEEP) {
    let list = freeMsgs.get(len);
    if (list === undefined) freeMsgs.set(len, (list = []));
    if (list.length < RECYCLE_LIST_MAX) {
      list.push(msg);
      freeMsgBytes += len;
      if (idleTimer === null) armIdleTimer();
      return;
    }
  }
  F.msg_free(msg);
}

/** True when a free message of body length `len` waits (a send then takes the message route). */
function hasFreeMsg(len) {
  if (freeMsgBytes === 0) return false;
  const list = freeMsgs.get(len);
  return list !== undefined && list.length > 0;
}

/**
 * A Buffer viewing the body (`len` >= BIG bytes) of native message `msg`, which it then owns (the
 * message is recycled once the Buffer is collected); null if no view can be made (the caller
 * still owns the message).
 */
function viewBody(msg, len) {
  if (!canView) return null;
  let ab;
  try {
    ab = koffi.view(F.msg_body(msg), len);
  } catch {
    return null;
  }
  guardTransfer(ab);
  msgRegistry.register(ab, { msg, len });
  msgsViewed++;
  return Buffer.from(ab, 0, len);
}

/** A recycled message holding a copy of `bytes` (length `len`), or 0n if none is free. */
function recycledMsg(bytes, len) {
  const list = freeMsgs.get(len);
  if (list === undefined || list.length === 0) return 0n;
  const msg = list.pop();
  freeMsgBytes -= len;
  F.msg_clear(msg);
  F.msg_header_clear(msg);
  if (F.msg_append(msg, bytes, len) !== 0) {
    F.msg_free(msg);
    return 0n;
  }
  msgsReused++;
  return msg;
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

/** A native message holding a copy of `bytes`, optionally routed to pipe id `pipeId` (0: none). The caller owns it. */
function newMsg(bytes, pipeId) {
  const len = bytes.length;
  let msg = len >= RECYCLE_MIN && freeMsgBytes > 0 ? recycledMsg(bytes, len) : 0n;
  if (msg !== 0n) {
    const rc = F.msg_set_pipe(msg, pipeId); // also clears the pipe it was received through
    if (rc !== 0) {
      F.msg_free(msg);
      throw makeError(rc);
    }
    return msg;
  }
  // pnng_msg_new leaves room in front of the body for protocol headers at every size.
  check(F.msg_new(bytes, len, scratch));
  msg = scratch[0];
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

/** The body of a native message of body length `len` as a Buffer; consumes the message. */
function takeBody(msg, len) {
  // Viewed while the free list could take the message back; else (sends do not use them up, as
  // in a process that only receives) copied, the message kept for a send or freed at once.
  if (len >= BIG && freeMsgBytes + len <= MSG_KEEP) {
    const b = viewBody(msg, len);
    if (b !== null) return b;
  }
  let b;
  try {
    b = bodyOf(msg, len);
  } catch (e) {
    F.msg_free(msg);
    throw e;
  }
  keepCopied(msg, len);
  return b;
}

/** The body of a native message as a Buffer; consumes the message. */
function consumeBody(msg) {
  return takeBody(msg, Number(F.msg_len(msg)));
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
  let m;
  try {
    m = Object.create(Message.prototype);
    m.pipe = null;
    m.header = msgHeader(native);
    const pipeId = msgPipeId(native);
    if (pipeId) m.pipe = socket._pipeFor(pipeId);
  } catch (e) {
    F.msg_free(native);
    throw e;
  }
  m.bytes = takeBody(native, Number(F.msg_len(native)));
  return m;
}

module.exports = { poolStats, hasFreeMsg, Message, newMsg, msgBody, bodyOf, takeBody, bodyMsg, msgHeader, msgPipeId, consumeBody, wrapMsg, BIG };
