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
const EMPTY = Buffer.alloc(0); // the bytes of a transferred or freed Message

// Large bodies (BIG bytes or more). A fresh large heap Buffer per message is a large heap block;
// the garbage collector frees them in batches, glibc then gives the memory back to the system and
// the next ones fault their pages in again (~1 us per 4 KiB page: at 1 MiB several times the cost
// of the copy). So a large received body is not copied at all: the Buffer views the body of the
// received message itself (koffi.view), and the message is kept until the garbage collector has
// collected the view's ArrayBuffer (a FinalizationRegistry). The message then goes to a free list
// (by size class, at most MSG_KEEP bytes), from which sends of a size it holds take their message:
// the body is copied into the room the message already has (no allocation, no clearing by NNG, no
// page faults), as C's zero-copy receive and copying send do. Once the free list overflows (a
// process that receives large messages and sends few), received bodies are copied into free
// messages instead, which the Buffers view, and the received messages are freed at once, until a
// send takes a free message again. Free messages nothing has taken for MSG_IDLE_MS are freed.
// V8 counts the views as external memory, so garbage collection keeps pace with them as with any
// Buffer. A view's ArrayBuffer cannot be detached: transferring it copies it (see guardTransfer).
const BIG = 128 * 1024;
const MSG_KEEP = 128 * 1024 * 1024;
const MSG_IDLE_MS = 1000;
const KEEP_MAX_LEN = 0x7fffffff; // longer messages are never kept
// Free messages by size class: class k holds messages whose body length (what they were received
// with, so their room at least) is in [2^k, 2^(k+1)); msgLens[k] has the lengths.
const freeMsgs = [];
const msgLens = [];
for (let k = 0; k < 32; k++) {
  freeMsgs.push([]);
  msgLens.push([]);
}
const sizeClass = (len) => 31 - Math.clz32(len);
let freeMsgBytes = 0;
let msgsReused = 0; // for tests and diagnostics
let msgsViewed = 0;
let bodiesCopied = 0; // received large bodies copied into a free message
const msgRegistry = new FinalizationRegistry(recycleMsg);
const canView = !F.msg_clear.missing && !F.msg_header_clear.missing;

// Set when a collected view's message had to be freed (the free list was full), cleared when a
// send takes a free message: while set, received bodies are copied into free messages.
let overflowing = false;

function recycleMsg(held) {
  const len = held.len;
  if (freeMsgBytes + len <= MSG_KEEP && len <= KEEP_MAX_LEN) {
    keep(held.msg, len);
  } else {
    F.msg_free(held.msg);
    overflowing = true;
  }
}

function keep(msg, len) {
  const k = sizeClass(len);
  freeMsgs[k].push(msg);
  msgLens[k].push(len);
  freeMsgBytes += len;
  if (idleTimer === null) armIdleTimer();
}

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
  for (let k = 0; k < 32; k++) {
    for (const msg of freeMsgs[k].splice(0)) F.msg_free(msg);
    msgLens[k].length = 0;
  }
  freeMsgBytes = 0;
}

// A worker thread's free messages go with the worker (messages still viewed then are left alone:
// nothing frees them once the worker's heap is gone).
if (!require('node:worker_threads').isMainThread) {
  process.once('exit', () => {
    freeAllMsgs();
    for (const m of lazyMsgs.splice(0)) F.msg_free(unlazy(m));
    for (const rec of lazyBig.splice(0)) {
      if (rec.msg !== 0n) F.msg_free(rec.msg);
      rec.msg = 0n;
    }
  });
}

// Medium bodies (RECYCLE_MIN up to BIG) are copied into a Buffer, and their message is kept at
// once (at most RECYCLE_LIST_MAX per size class) for a later send of a size it holds: an echo or a
// request / reply loop then sends without NNG allocating and clearing a new message.
const RECYCLE_MIN = 16 * 1024;
const RECYCLE_LIST_MAX = 16;
function keepCopied(msg, len) {
  if (canView && len >= RECYCLE_MIN && len <= KEEP_MAX_LEN && freeMsgBytes + len <= MSG_KEEP && freeMsgs[sizeClass(len)].length < RECYCLE_LIST_MAX) {
    keep(msg, len);
  } else {
    F.msg_free(msg);
  }
}

/**
 * Takes a free message with room for `len` body bytes off the free list (the last of len's own
 * size class that is long enough, else the last of the next class), emptied; 0n if there is none.
 */
function takeFree(len) {
  if (freeMsgBytes === 0 || len < RECYCLE_MIN || len > KEEP_MAX_LEN) return 0n;
  let k = sizeClass(len);
  let lens = msgLens[k];
  let i = lens.length - 1;
  while (i >= 0 && lens[i] < len) i--;
  if (i < 0) {
    if (k === 31 || freeMsgs[k + 1].length === 0) return 0n;
    k++;
    lens = msgLens[k];
    i = lens.length - 1;
  }
  const list = freeMsgs[k];
  const msg = list[i];
  freeMsgBytes -= lens[i];
  list[i] = list[list.length - 1];
  lens[i] = lens[lens.length - 1];
  list.pop();
  lens.pop();
  F.msg_clear(msg);
  F.msg_header_clear(msg);
  msgsReused++;
  return msg;
}

/** True when a free message can take a body of `len` bytes (a send then takes the message route). */
function hasFreeMsg(len) {
  if (freeMsgBytes === 0 || len < RECYCLE_MIN || len > KEEP_MAX_LEN) return false;
  const k = sizeClass(len);
  const lens = msgLens[k];
  for (let i = lens.length - 1; i >= 0; i--) if (lens[i] >= len) return true;
  return k < 31 && freeMsgs[k + 1].length > 0;
}

// ArrayBuffer.prototype.transfer (Node 21+) would detach a view's ArrayBuffer and move its memory to
// a new one, which the FinalizationRegistry does not follow: the message would be reused while the
// new ArrayBuffer still views it. Views get their own transfer / transferToFixedLength, which
// return a copy and leave the view attached (as postMessage and structuredClone copy them).
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

/**
 * A Buffer viewing the body (`len` >= BIG bytes) of native message `msg`, which it then owns (the
 * message is kept once the Buffer is collected); null if no view can be made (the caller still
 * owns the message).
 */
function viewBody(msg, len) {
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

/** A free message holding a copy of `bytes` (length `len`), or 0n if none is free. */
function recycledMsg(bytes, len) {
  const msg = takeFree(len);
  if (msg === 0n) return 0n;
  overflowing = false;
  if (F.msg_append(msg, bytes, len) !== 0) {
    F.msg_free(msg);
    return 0n;
  }
  return msg;
}

/** Bytes kept in free messages, and how many were viewed and reused (tests, diagnostics). */
function poolStats() {
  return { freeMsgBytes, msgsViewed, msgsReused, bodiesCopied, overflowing, msgsForwarded, msgsTransferred, lazyMsgs: lazyMsgs.length, lazyBig: lazyBig.length, lazyBigBytes };
}

/** Copies `len` (> 0) bytes at native address `ptr` into `dst` (a Uint8Array that long or longer). */
const copyInto = memcpy
  ? (dst, ptr, len) => {
      memcpy(dst, ptr, len);
    }
  : (dst, ptr, len) => dst.set(new Uint8Array(koffi.view(ptr, len)));

/** Copies `len` bytes at native address `ptr` into a new Buffer. */
function copyFrom(ptr, len) {
  if (len === 0) return Buffer.alloc(0);
  const b = Buffer.allocUnsafe(len);
  copyInto(b, ptr, len);
  return b;
}

/** Frees native message `msg` and throws when `rc` is an error code (0: nothing happens). */
function freeOnError(msg, rc) {
  if (rc !== 0) {
    F.msg_free(msg);
    throw makeError(rc);
  }
}

/** A native message holding a copy of `bytes`, optionally routed to pipe id `pipeId` (0: none). The caller owns it. */
function newMsg(bytes, pipeId) {
  const len = bytes.length;
  let msg = recycledMsg(bytes, len);
  if (msg !== 0n) {
    freeOnError(msg, F.msg_set_pipe(msg, pipeId)); // also clears the pipe it was received through
    return msg;
  }
  // pnng_msg_new leaves room in front of the body for protocol headers at every size.
  check(F.msg_new(bytes, len, scratch));
  msg = scratch[0];
  if (pipeId) freeOnError(msg, F.msg_set_pipe(msg, pipeId));
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
  if (len >= BIG && canView) {
    if (!overflowing && freeMsgBytes + len <= MSG_KEEP) {
      // The free list can take the message back: the Buffer views it.
      const b = viewBody(msg, len);
      if (b !== null) return b;
    } else {
      // Sends do not use the free messages up (the list overflowed, or is full): the body is
      // copied into one of them, which the Buffer views, and the received message is freed at
      // once (NNG allocates the next one where this one was).
      const free = takeFree(len);
      if (free !== 0n) {
        const rc = F.msg_append(free, F.msg_body(msg), len);
        bodiesCopied++;
        F.msg_free(msg);
        if (rc !== 0) {
          F.msg_free(free);
          throw makeError(rc);
        }
        const b = viewBody(free, len);
        if (b !== null) return b;
        msg = free; // no view: copied below (and kept or freed)
      } else {
        const b = viewBody(msg, len);
        if (b !== null) return b;
      }
    }
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

  /** The body's length in bytes. Does not read the body of a received Message nothing has read. */
  get byteLength() {
    return this.bytes.length;
  }

  /**
   * Gives the Message's contents up now: a received Message whose body nothing has read returns
   * its native message for reuse at once, rather than when the garbage collector collects the
   * Message. The Message is then empty and cannot be sent. A body already read stays valid for
   * whoever holds it (it is released when collected). Idempotent.
   */
  free() {
    if (this[TRANSFERRED] === false) this[TRANSFERRED] = 'freed';
    this.bytes = EMPTY; // a lazy Message's setter gives its native message back (lazyProto)
    this.header = EMPTY;
  }

  [Symbol.dispose]() {
    this.free();
  }
}

// Forwarding. A received Message whose body is of medium size (FWD_MIN up to BIG bytes) keeps its
// native message, and copies the body out only when `bytes` is first read. sendMsg of such a
// Message that nothing has read yet sends the native message itself (header cleared, routed as
// the Message says) and gives the Message its own copy of the body at that moment: an echo or a
// relay copies the body once instead of twice (out of the received message, then into the
// message sent) and builds no message. The Message stays what it was: an immutable copy that
// can be read and sent again. At most LAZY_MAX Messages hold their native message at a time (the
// oldest is copied out when one more arrives), so the native memory they hold stays bounded.
const FWD_MIN = RECYCLE_MIN;
const LAZY_MAX = 8;
const NATIVE = Symbol('pnng.native');
const lazyMsgs = [];
let msgsForwarded = 0;
let msgsTransferred = 0; // sent as they were received (sendMsg with transfer)
Message.prototype[NATIVE] = 0n;

// Large bodies (BIG bytes and more) wait unread the same way, but are not copied when forwarded:
// sendMsg sends a copy of the body (as a send of the bytes would) and the Message keeps the
// received message, so a relay that never reads them makes no Buffer (no view, no external memory
// for V8 to collect). Each such Message's record is in a FinalizationRegistry that returns the
// message to the free list once the Message is collected unread; at most LAZY_BIG_MAX bytes wait
// (the oldest is then viewed, as if read; or returned, if its Message is gone already).
const LAZY_BIG_MAX = 64 * 1024 * 1024;
const REC = Symbol('pnng.lazyRecord');
Message.prototype[REC] = null;
const lazyBig = []; // records { msg, len, ref }, oldest first
let lazyBigBytes = 0;
const lazyRegistry = new FinalizationRegistry(dropRecord);

function removeRecord(rec) {
  const i = lazyBig.indexOf(rec);
  if (i >= 0) {
    lazyBig.splice(i, 1);
    lazyBigBytes -= rec.len;
  }
}

/** A large lazy Message was collected unread: its message goes to the free list (or is freed). */
function dropRecord(rec) {
  if (rec.msg === 0n) return;
  removeRecord(rec);
  const msg = rec.msg;
  rec.msg = 0n;
  recycleMsg({ msg, len: rec.len });
}

/** Takes a large lazy Message's native message back from its record; the caller owns it. */
function unlazyBig(m) {
  const rec = m[REC];
  m[REC] = null;
  removeRecord(rec);
  lazyRegistry.unregister(m);
  const msg = rec.msg;
  rec.msg = 0n;
  return msg;
}

function evictOldestBig() {
  const rec = lazyBig[0];
  const m = rec.ref.deref();
  if (m !== undefined && m[REC] === rec) materialize(m);
  else dropRecord(rec);
}

function unlazy(m) {
  const native = m[NATIVE];
  m[NATIVE] = 0n; // (a symbol: not in Object.keys; the shape stays as it was)
  const i = lazyMsgs.indexOf(m);
  if (i >= 0) lazyMsgs.splice(i, 1);
  return native;
}

function setBytes(m, b) {
  Object.defineProperty(m, 'bytes', { value: b, writable: true, enumerable: true, configurable: true });
  return b;
}

/** Copies a lazy Message's body out of its native message (which is kept or freed). */
function materialize(m) {
  if (m[REC] !== null) {
    const len = m[REC].len;
    return setBytes(m, takeBody(unlazyBig(m), len)); // viewed (see takeBody)
  }
  const native = unlazy(m);
  if (native === 0n) return undefined; // own bytes deleted after they were set
  return setBytes(m, takeBody(native, Number(F.msg_len(native))));
}

const lazyProto = Object.create(Message.prototype, {
  bytes: {
    get() {
      return materialize(this);
    },
    set(v) {
      if (this[REC] !== null) {
        const len = this[REC].len;
        recycleMsg({ msg: unlazyBig(this), len });
      } else {
        const native = unlazy(this);
        if (native !== 0n) keepCopied(native, Number(F.msg_len(native)));
      }
      setBytes(this, v);
    },
    configurable: true,
    enumerable: false,
  },
  byteLength: {
    get() {
      if (this[REC] !== null) return this[REC].len;
      const native = this[NATIVE];
      return native !== 0n ? Number(F.msg_len(native)) : this.bytes.length;
    },
    configurable: true,
    enumerable: false,
  },
  [require('node:util').inspect.custom]: {
    value() {
      materialize(this);
      // Shown as a Message whose bytes were read (own pipe, header and bytes).
      const shown = Object.create(Message.prototype);
      for (const k of Object.keys(this)) shown[k] = this[k];
      return shown;
    },
    configurable: true,
  },
  toJSON: {
    value() {
      materialize(this);
      return { bytes: this.bytes, pipe: this.pipe, header: this.header };
    },
    configurable: true,
  },
});

/**
 * For sendMsg: when `m` is a received Message nothing has read yet, the native message to send
 * (routed to pipe `pipeId`, 0: none; no header), owned by the caller: a medium Message's own
 * (`m` then gets its copy of the body), a large one's copy (`m` keeps its own); else 0n.
 */
function takeForward(m, pipeId) {
  checkSendable(m);
  if (m[REC] !== null) return copyForward(m[REC], pipeId);
  if (m[NATIVE] === 0n) return 0n;
  const native = unlazy(m);
  let body;
  try {
    body = bodyOf(native, Number(F.msg_len(native)));
  } catch (e) {
    m[NATIVE] = native; // no copy: the Message keeps its native message
    lazyMsgs.push(m);
    throw e;
  }
  setBytes(m, body);
  routeReceived(native, pipeId);
  msgsForwarded++;
  return native;
}

/**
 * Makes received native message `native` sendable again as a Message's send: its header (a raw
 * socket's) cleared, routed to pipe `pipeId` (0: none). Frees it and throws on failure.
 */
function routeReceived(native, pipeId) {
  const rc = hasHeader && Number(F.msg_header_len(native)) !== 0 ? F.msg_header_clear(native) : 0;
  freeOnError(native, rc === 0 ? F.msg_set_pipe(native, pipeId) : rc);
}

// sendMsg(m, { transfer: true }) gives the Message's contents away, as transferring an
// ArrayBuffer does: a received Message nothing has read sends its own native message (no copy at
// any size), any other sends a copy of its bytes; either way the Message is left empty (its bytes
// a zero-length Buffer) and cannot be sent again. m.free() leaves it the same way. The symbol
// holds false, or what emptied the Message (for the error of a later send).
const TRANSFERRED = Symbol('pnng.transferred');
Message.prototype[TRANSFERRED] = false;

/** True when sendMsg's options ask for the Message's contents to be transferred. */
function transferring(opts) {
  return opts !== undefined && opts !== null && opts.transfer === true;
}

/** Throws when Message `m` was transferred (it has nothing left to send). */
function checkSendable(m) {
  if (m[TRANSFERRED] !== false) throw new TypeError(`the Message was ${m[TRANSFERRED]}`);
}

/**
 * For sendMsg with `transfer`: what to send, and `m` is left empty. Either the Message's own
 * native message (a BigInt, routed to `pipeId`, owned by the caller), or, when it has none, its
 * bytes (a Buffer: the caller sends them as any bytes, without building a message here).
 */
function takeTransfer(m, pipeId) {
  checkSendable(m);
  const native = m[REC] !== null ? unlazyBig(m) : m[NATIVE] !== 0n ? unlazy(m) : 0n;
  const bytes = native === 0n ? m.bytes : null;
  m[TRANSFERRED] = 'transferred by an earlier sendMsg';
  setBytes(m, EMPTY);
  if (native === 0n) return bytes;
  routeReceived(native, pipeId);
  msgsTransferred++;
  return native;
}

/** takeTransfer's outcome as a native message (its bytes copied into one when it is a Buffer). */
function transferMsg(m, pipeId) {
  const t = takeTransfer(m, pipeId);
  return typeof t === 'bigint' ? t : newMsg(t, pipeId);
}

/** A copy of a large lazy Message's body in a free (else a new) message, routed to `pipeId`. */
function copyForward(rec, pipeId) {
  const len = rec.len;
  let msg = takeFree(len);
  if (msg !== 0n) {
    overflowing = false;
    freeOnError(msg, F.msg_append(msg, F.msg_body(rec.msg), len));
  } else {
    check(F.msg_new(F.msg_body(rec.msg), len, scratch));
    msg = scratch[0];
  }
  freeOnError(msg, F.msg_set_pipe(msg, pipeId)); // also clears the pipe a free message was received through
  msgsForwarded++;
  return msg;
}

/** A received Message (pipe looked up in `socket`); frees (or keeps, see Forwarding) the native message. */
function wrapMsg(socket, native) {
  let m;
  let len;
  try {
    len = Number(F.msg_len(native));
    const lazy = len >= FWD_MIN && len <= KEEP_MAX_LEN && canView;
    m = Object.create(lazy ? lazyProto : Message.prototype);
    m.pipe = null;
    m.header = msgHeader(native);
    const pipeId = msgPipeId(native);
    if (pipeId) m.pipe = socket._pipeFor(pipeId);
    if (lazy && len >= BIG) {
      // Room first (the new message is not registered yet if that throws: the catch frees it).
      while (lazyBigBytes + len > LAZY_BIG_MAX && lazyBig.length > 0) evictOldestBig();
      const rec = { msg: native, len, ref: new WeakRef(m) };
      m[REC] = rec;
      lazyRegistry.register(m, rec, m);
      lazyBig.push(rec);
      lazyBigBytes += len;
      return m;
    }
    if (lazy) {
      if (lazyMsgs.length >= LAZY_MAX) materialize(lazyMsgs[0]);
      m[NATIVE] = native;
      lazyMsgs.push(m);
      return m;
    }
  } catch (e) {
    F.msg_free(native);
    throw e;
  }
  m.bytes = takeBody(native, len);
  return m;
}

module.exports = { takeForward, takeTransfer, transferMsg, transferring, checkSendable, copyInto, poolStats, hasFreeMsg, Message, newMsg, msgBody, bodyOf, takeBody, bodyMsg, msgHeader, msgPipeId, consumeBody, wrapMsg, BIG };
