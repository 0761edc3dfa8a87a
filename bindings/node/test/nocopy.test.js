'use strict';
// Receiving into the caller's Buffer (recvInto) and sending a Message's contents away
// (sendMsg with { transfer: true }): the allocation-free and copy-free message paths.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Pair0, Pair1, Req0, Rep0, Push0, Pull0, Message, AbortError, _poolStats, _dispatcher } = require('..');
const { inproc, listenTcp, waitForPipes, rejectsNamed, T } = require('./helpers');

/** `n` bytes that differ with `seed`. */
function body(n, seed) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 255;
  return b;
}

/** A connected Pair0 over `url` (tcp:// URLs get their port from the listener). */
async function pairOver(url, opts = {}) {
  const a = new Pair0({ recvMaxSize: 0, ...opts });
  const dialUrl = url.startsWith('tcp') ? listenTcp(a) : (a.listen(url), url);
  const b = new Pair0({ recvMaxSize: 0, ...opts });
  await b.dial(dialUrl, { block: true });
  await waitForPipes(a, 1);
  return [a, b];
}

/**
 * Sends `sent` from a and receives it on b with recvInto(into) by both routes: the message
 * already there (the non-blocking first try), and the receive waiting for it (the aio route).
 * Returns what each route resolved to.
 */
async function recvIntoBothRoutes(a, b, into, sent) {
  await a.send(sent);
  await new Promise((r) => setTimeout(r, 5));
  const there = await b.recvInto(into);
  assert.ok(there.equals(sent), `${sent.length} bytes (already there) differ`);
  const waiting = b.recvInto(into);
  await a.send(sent);
  const waited = await waiting;
  assert.ok(waited.equals(sent), `${sent.length} bytes (waited for) differ`);
  return [there, waited];
}

for (const transport of ['inproc', 'tcp']) {
  test(`recvInto fills the caller's Buffer at every size (${transport})`, T, async () => {
    const [a, b] = await pairOver(transport === 'tcp' ? 'tcp://127.0.0.1:0' : inproc('into'));
    try {
      const into = Buffer.alloc(2 << 20, 0xee);
      for (const [i, n] of [0, 1, 64, 16384, 65536, 200000, 1 << 20, (2 << 20) - 1].entries()) {
        for (const got of await recvIntoBothRoutes(a, b, into, body(n, i))) {
          assert.equal(got.length, n);
          assert.equal(got.buffer, into.buffer, "a view of the caller's Buffer");
          assert.equal(got.byteOffset, into.byteOffset);
        }
      }
      assert.equal(_dispatcher.pending, 0);
    } finally {
      a.close();
      b.close();
    }
  });
}

test('recvInto: a message longer than the Buffer comes whole in a new Buffer, nothing is lost', T, async () => {
  const [a, b] = await pairOver(inproc('into-long'));
  try {
    const small = Buffer.alloc(100, 0xee);
    for (const n of [101, 4096, 300000]) {
      for (const got of await recvIntoBothRoutes(a, b, small, body(n, n))) assert.notEqual(got.buffer, small.buffer);
      assert.ok(small.equals(Buffer.alloc(100, 0xee)), 'the small Buffer was not written');
    }
    // the next message that fits goes into the Buffer again
    await a.send(Buffer.from('fits'));
    const fits = await b.recvInto(small);
    assert.equal(fits.toString(), 'fits');
    assert.equal(fits.buffer, small.buffer);
    // a zero-length Buffer takes only empty messages
    await a.send(Buffer.alloc(0));
    assert.equal((await b.recvInto(Buffer.alloc(0))).length, 0);
  } finally {
    a.close();
    b.close();
  }
});

test('recvInto takes any Uint8Array, and refuses anything else', T, async () => {
  const [a, b] = await pairOver(inproc('into-u8'));
  try {
    const backing = new ArrayBuffer(64);
    const u8 = new Uint8Array(backing, 8, 32);
    await a.send(Buffer.from('typed array'));
    const got = await b.recvInto(u8);
    assert.ok(Buffer.isBuffer(got));
    assert.equal(got.toString(), 'typed array');
    assert.equal(got.buffer, backing);
    assert.equal(got.byteOffset, 8);
    assert.equal(Buffer.from(backing, 8, 11).toString(), 'typed array');
    for (const bad of [undefined, null, 'text', 5, new ArrayBuffer(8), [1, 2]]) {
      await assert.rejects(b.recvInto(bad), TypeError);
    }
  } finally {
    a.close();
    b.close();
  }
});

test('recvInto on contexts, with timeouts, AbortSignal and close', T, async () => {
  const url = inproc('into-ctx');
  const rep = new Rep0({ listen: url });
  const req = new Req0({ dial: url });
  try {
    await waitForPipes(rep, 1);
    const into = Buffer.alloc(64);
    const ctx = rep.newContext();
    const served = ctx.recvInto(into);
    await req.send(Buffer.from('question'));
    assert.equal((await served).toString(), 'question');
    await ctx.send(Buffer.from('answer'));
    assert.equal((await req.recvInto(into)).toString(), 'answer');

    await rejectsNamed(assert, ctx.recvInto(into, { timeout: 10 }), 'Timeout');
    await assert.rejects(ctx.recvInto(into, { signal: AbortSignal.timeout(10) }), AbortError);
    const pending = rep.recvInto(into);
    rep.close();
    await rejectsNamed(assert, pending, 'Closed');
    await rejectsNamed(assert, rep.recvInto(into), 'Closed');
    assert.equal(_dispatcher.pending, 0);
  } finally {
    rep.close();
    req.close();
  }
});

test('recvInto on a socket that cannot receive gives NotSupported', T, async () => {
  const push = new Push0();
  try {
    await rejectsNamed(assert, push.recvInto(Buffer.alloc(8)), 'NotSupported');
  } finally {
    push.close();
  }
});

test('sendMsg with transfer sends a received Message as it came, at every size, and leaves it empty', T, async () => {
  const url = inproc('transfer');
  const rep = new Rep0({ listen: url, recvMaxSize: 0 });
  const req = new Req0({ dial: url, recvMaxSize: 0 });
  try {
    await waitForPipes(rep, 1);
    const into = Buffer.alloc(2 << 20);
    const before = _poolStats().msgsTransferred;
    const sizes = [0, 64, 16384, 100000, 1 << 20];
    for (const [i, n] of sizes.entries()) {
      const b = body(n, i);
      await req.send(b);
      const m = await rep.recvMsg();
      await rep.sendMsg(m, { transfer: true }); // echo: the received message itself goes back
      assert.ok((await req.recvInto(into)).equals(b), `${n} bytes: echo differs`);
      assert.equal(m.bytes.length, 0, 'a transferred Message is empty');
      assert.equal(m.data.length, 0);
      await assert.rejects(rep.sendMsg(m, { transfer: true }), TypeError);
      await assert.rejects(rep.sendMsg(m), TypeError);
    }
    // 0 and 64 B bodies came copied (no native message to give): the others went as they came.
    assert.equal(_poolStats().msgsTransferred - before, sizes.length - 2);

    // A Message read before (or made from bytes) is sent as a copy of its bytes, then emptied too.
    const b1 = body(200000, 7);
    await req.send(b1);
    const read = await rep.recvMsg();
    assert.ok(read.bytes.equals(b1));
    await rep.sendMsg(read, { transfer: true });
    assert.ok((await req.recv()).equals(b1));
    assert.equal(read.bytes.length, 0);
    assert.equal(_poolStats().msgsTransferred - before, sizes.length - 2);
  } finally {
    rep.close();
    req.close();
  }
});

test('sendMsg with transfer: sockets, contexts, pipes, the blocking call, and a failed send', T, async () => {
  const url = inproc('transfer2');
  const a = new Pair1({ listen: url, recvMaxSize: 0 });
  const b = new Pair1({ dial: url, recvMaxSize: 0 });
  const lonely = new Push0();
  try {
    await waitForPipes(a, 1);
    const big = body(300000, 3);
    for (const send of [
      (m) => b.sendMsg(m, { transfer: true }),
      (m) => b.pipes[0].sendMsg(m, { transfer: true }),
      (m) => b.sendMsgSync(m, { transfer: true }),
    ]) {
      await a.send(big);
      const m = await b.recvMsg();
      await send(m);
      assert.ok((await a.recv()).equals(big));
      assert.equal(m.bytes.length, 0);
      assert.throws(() => b.sendMsgSync(m), TypeError);
      await assert.rejects(b.pipes[0].sendMsg(m, { transfer: true }), TypeError);
    }
    // A Message made from bytes, routed through its pipe.
    const own = new Message(Buffer.from('routed'), a.pipes[0]);
    await a.sendMsg(own, { transfer: true });
    assert.equal((await b.recv()).toString(), 'routed');
    assert.equal(own.bytes.length, 0);
    // A send that fails: the Message is used up all the same (its contents went to the send).
    const lost = new Message(body(200000, 9));
    await rejectsNamed(assert, lonely.sendMsg(lost, { transfer: true, timeout: 10 }), 'Timeout');
    assert.equal(lost.bytes.length, 0);
    await assert.rejects(lonely.sendMsg(lost, { transfer: true }), TypeError);
    // transfer: false (or anything but true) keeps the default: a copy, the Message stays.
    const kept = new Message(Buffer.from('kept'));
    await b.sendMsg(kept, { transfer: false });
    assert.equal((await a.recv()).toString(), 'kept');
    assert.equal(kept.bytes.toString(), 'kept');
    assert.equal(_dispatcher.pending, 0);
  } finally {
    a.close();
    b.close();
    lonely.close();
  }
});

test('a relay forwarding large Messages with transfer keeps no native memory', T, async () => {
  const [a, b] = await pairOver(inproc('transfer-relay'));
  const [c, d] = await pairOver(inproc('transfer-relay2'));
  try {
    const into = Buffer.alloc(1 << 20);
    const start = _poolStats();
    for (let i = 0; i < 100; i++) {
      const sent = body(1 << 20, i);
      await a.send(sent);
      await c.sendMsg(await b.recvMsg(), { transfer: true });
      assert.ok((await d.recvInto(into)).equals(sent), `message ${i} differs`);
    }
    const end = _poolStats();
    assert.equal(end.msgsTransferred - start.msgsTransferred, 100);
    assert.equal(end.lazyBig, 0, 'no Message waits unread');
    assert.equal(end.msgsViewed - start.msgsViewed, 0, 'no body was viewed');
  } finally {
    for (const s of [a, b, c, d]) s.close();
  }
});

/**
 * Checks received Message `m`'s byteLength (`n`, the body not read for it), frees it, and checks
 * that it is empty and that no Message waits unread.
 */
function freeUnread(m, n, what) {
  const viewed = _poolStats().msgsViewed;
  assert.equal(m.byteLength, n, `${what}: byteLength`);
  assert.equal(_poolStats().msgsViewed, viewed, `${what}: byteLength does not read the body`);
  m.free();
  assert.equal(m.byteLength, 0);
  assert.equal(m.bytes.length, 0);
  assert.equal(m.header.length, 0);
  assert.equal(_poolStats().lazyMsgs + _poolStats().lazyBig, 0, `${what}: nothing waits unread`);
}

test('byteLength and free(): a Message received and let go unread is reused at once, at every size', T, async () => {
  const [a, b] = await pairOver(inproc('free'));
  try {
    for (const [i, n] of [0, 64, 16384, 100000, 1 << 20].entries()) {
      const sent = body(n, i);
      await a.send(sent);
      const m = await b.recvMsg();
      const kept = _poolStats().freeMsgBytes;
      freeUnread(m, n, `${n} bytes`);
      if (n >= 16384) assert.equal(_poolStats().freeMsgBytes, kept + n, `${n} bytes: kept for the next send`);
      m.free(); // idempotent
      await assert.rejects(b.sendMsg(m), /the Message was freed/);
      await assert.rejects(b.sendMsg(m, { transfer: true }), TypeError);
      assert.throws(() => b.sendMsgSync(m), TypeError);
    }
    // A large send takes the freed message back (no allocation), and 200 more freed unread keep
    // the free list at one message: the one each send takes and each free() gives back.
    const reused = _poolStats().msgsReused;
    for (let i = 0; i < 200; i++) {
      await a.send(body(1 << 20, 0));
      freeUnread(await b.recvMsg(), 1 << 20, `1 MiB message ${i}`);
    }
    assert.ok(_poolStats().msgsReused - reused >= 200, 'every send reused a freed message');
    assert.ok(_poolStats().freeMsgBytes <= (1 << 20) + 100000 + 16384, 'the free list did not grow');

    // A receive that waited (the aio route) gives the same Message.
    for (const n of [64, 100000, 1 << 20]) {
      const waiting = b.recvMsg();
      await new Promise((r) => setTimeout(r, 5));
      await a.send(body(n, 3));
      freeUnread(await waiting, n, `${n} bytes (waited for)`);
    }

    // A body read before free() stays valid: free() gives the Message up, not the Buffer.
    const sent = body(300000, 5);
    await a.send(sent);
    const m = await b.recvMsg();
    const bytes = m.bytes;
    m.free();
    assert.ok(bytes.equals(sent));
    assert.equal(m.byteLength, 0);
    // A Message made from bytes: byteLength is its length, and free() empties it.
    const own = new Message(Buffer.from('own'));
    assert.equal(own.byteLength, 3);
    own[Symbol.dispose](); // what `using` calls
    assert.equal(own.byteLength, 0);
    await assert.rejects(a.sendMsg(own), TypeError);
  } finally {
    a.close();
    b.close();
  }
});

test('the Pull side of a push/pull stream receives into one Buffer', T, async () => {
  const url = inproc('into-stream');
  const pull = new Pull0({ listen: url, recvMaxSize: 0 });
  const push = new Push0({ dial: url });
  try {
    await waitForPipes(pull, 1);
    const into = Buffer.alloc(65536);
    const sender = (async () => {
      for (let i = 0; i < 200; i++) await push.send(body(65536, i));
    })();
    for (let i = 0; i < 200; i++) assert.ok((await pull.recvInto(into)).equals(body(65536, i)), `message ${i}`);
    await sender;
  } finally {
    pull.close();
    push.close();
  }
});
