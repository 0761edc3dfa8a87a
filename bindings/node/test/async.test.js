'use strict';
// Event-loop integration: AbortSignal, async iteration, a turning loop, process exit, finalizers.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Pair0, Req0, Rep0, Sub0, Pub0, Push0, Pull0, Message, AbortError, _dispatcher } = require('..');
const { inproc, listenTcp, waitForPipes, rejectsNamed, sleep, runChild, T } = require('./helpers');

test('AbortSignal cancels a pending recv; the socket stays usable', T, async () => {
  const url = inproc('abort');
  const a = new Pair0({ listen: url });
  const b = new Pair0({ dial: url });
  try {
    const ac = new AbortController();
    const p = b.recv({ signal: ac.signal });
    setImmediate(() => ac.abort(new Error('changed my mind')));
    await assert.rejects(p, (e) => {
      assert.ok(e instanceof AbortError);
      assert.equal(e.name, 'AbortError');
      assert.equal(e.code, 'ABORT_ERR');
      assert.equal(e.cause.message, 'changed my mind');
      return true;
    });
    await a.send(Buffer.from('still works'));
    assert.equal((await b.recv()).toString(), 'still works');
  } finally {
    a.close();
    b.close();
  }
});

test('AbortSignal: already aborted, AbortSignal.timeout, recvMsg, send, contexts', T, async () => {
  const url = inproc('abort2');
  const rep = new Rep0({ listen: url });
  const req = new Req0({ dial: url });
  const lonely = new Pair0();
  try {
    await assert.rejects(req.recv({ signal: AbortSignal.abort() }), AbortError);
    await assert.rejects(rep.recvMsg({ signal: AbortSignal.timeout(10) }), AbortError);
    await assert.rejects(lonely.send(Buffer.from('x'), { signal: AbortSignal.timeout(10) }), AbortError);
    const ctx = rep.newContext();
    await assert.rejects(ctx.recv({ signal: AbortSignal.timeout(10) }), AbortError);
    // a listener left on a signal that never fires does not matter once the operation is done
    const ac = new AbortController();
    const served = ctx.recv({ signal: ac.signal });
    await req.send(Buffer.from('q'));
    assert.equal((await served).toString(), 'q');
    ac.abort(); // after completion: no effect
    await ctx.send(Buffer.from('a'));
    assert.equal((await req.recv()).toString(), 'a');
    assert.equal(_dispatcher.pending, 0);
  } finally {
    rep.close();
    req.close();
    lonely.close();
  }
});

test('the event loop keeps turning while a recv waits', T, async () => {
  const url = inproc('loop');
  const a = new Pair0({ listen: url });
  const b = new Pair0({ dial: url });
  try {
    let ticks = 0;
    const pending = b.recv();
    await new Promise((resolve) => {
      const iv = setInterval(() => {
        ticks += 1;
        if (ticks === 5) {
          clearInterval(iv);
          // only now, after the timer fired five times while recv waited, is there anything to receive
          a.send(Buffer.from('after five ticks')).then(resolve);
        }
      }, 5);
    });
    assert.equal((await pending).toString(), 'after five ticks');
    assert.equal(ticks, 5);
  } finally {
    a.close();
    b.close();
  }
});

test('many concurrent operations complete', T, async () => {
  const url = inproc('many');
  const a = new Pair0({ listen: url, recvBufferSize: 128 });
  const b = new Pair0({ dial: url, sendBufferSize: 128 });
  try {
    const n = 200;
    const recvs = Array.from({ length: n }, () => a.recv());
    await Promise.all(Array.from({ length: n }, (_, i) => b.send(Buffer.from(String(i)))));
    const got = (await Promise.all(recvs)).map((x) => Number(x.toString())).sort((x, y) => x - y);
    assert.deepEqual(got, Array.from({ length: n }, (_, i) => i));
  } finally {
    a.close();
    b.close();
  }
});

test('for await yields messages and ends when the socket closes', T, async () => {
  const url = inproc('iter');
  const pub = new Pub0({ listen: url });
  const sub = new Sub0({ dial: url, topics: '' });
  try {
    await waitForPipes(pub, 1);
    const got = [];
    const loop = (async () => {
      for await (const data of sub) {
        got.push(data.toString());
        if (got.length === 3) setImmediate(() => sub.close());
      }
      return 'ended';
    })();
    for (const m of ['one', 'two', 'three']) await pub.send(Buffer.from(m));
    assert.equal(await loop, 'ended');
    assert.deepEqual(got, ['one', 'two', 'three']);
  } finally {
    pub.close();
    sub.close();
  }
});

test('for await: break leaves the socket open; errors other than Closed propagate', T, async () => {
  const url = inproc('iter2');
  const a = new Pair0({ listen: url });
  const b = new Pair0({ dial: url, recvTimeout: 30 });
  try {
    await a.send(Buffer.from('first'));
    for await (const data of b) {
      assert.equal(data.toString(), 'first');
      break;
    }
    assert.equal(b.closed, false);
    await rejectsNamed(
      assert,
      (async () => {
        for await (const _ of b) void _;
      })(),
      'Timeout',
    );
    const ctx = new Rep0().newContext();
    const it = ctx[Symbol.asyncIterator]();
    const next = it.next();
    ctx.socket.close();
    assert.deepEqual(await next, { value: undefined, done: true });
  } finally {
    a.close();
    b.close();
  }
});

test('a process that opens, uses and closes sockets exits by itself', T, async () => {
  const script = `
    const { Pair0, Req0, Rep0 } = require('.');
    (async () => {
      const url = 'tcp://127.0.0.1:0';
      const a = new Pair0({ listen: url });
      a.on('pipeAddPost', () => {});
      a.on('pipeRemovePost', () => {});
      const b = new Pair0({ dial: 'tcp://127.0.0.1:' + a.listenerList()[0].port });
      await b.send(Buffer.from('ping'));
      const got = await a.recv();
      a.sendSync(Buffer.from('pong'));
      b.recvSync();
      const rep = new Rep0({ listen: 'inproc://exit' });
      const req = new Req0({ dial: 'inproc://exit' });
      const pending = rep.newContext().recv().catch((e) => e.name);
      await req.send(Buffer.from('q'));
      await pending;
      a.close(); b.close(); rep.close(); req.close();
      console.log('done', got.toString());
    })();
  `;
  const r = await runChild(script);
  assert.equal(r.code, 0, `signal=${r.signal} stderr=${r.err} stdout=${r.out}`);
  assert.match(r.out, /done ping/);
});

test('a pending recv keeps the process alive until its socket closes', T, async () => {
  const script = `
    const { Pair0 } = require('.');
    const s = new Pair0();
    s.recv().catch((e) => console.log('rejected', e.name));
    setTimeout(() => s.close(), 200);
  `;
  const r = await runChild(script);
  assert.equal(r.code, 0, `signal=${r.signal} stderr=${r.err} stdout=${r.out}`);
  assert.match(r.out, /rejected Closed/);
});

test('a forgotten socket is closed by the finalizer', T, async () => {
  const script = `
    const { Pair0 } = require('.');
    const url = 'inproc://forgotten';
    (function () { new Pair0({ listen: url }); })();
    (async () => {
      const probe = new Pair0();
      for (let i = 0; i < 200; i++) {
        global.gc();
        await new Promise((r) => setTimeout(r, 10));
        try {
          const l = probe.listen(url); // succeeds once the forgotten listener's socket is closed
          console.log('closed by finalizer');
          probe.close();
          return;
        } catch (e) {
          if (e.name !== 'AddressInUse') throw e;
        }
      }
      console.log('still open');
      probe.close();
    })();
  `;
  const r = await runChild(script, { args: ['--expose-gc'] });
  assert.equal(r.code, 0, `signal=${r.signal} stderr=${r.err} stdout=${r.out}`);
  assert.match(r.out, /closed by finalizer/);
});

test('exiting never crashes (NNG is stopped before the library is unloaded)', T, async () => {
  const script = `
    const { Pair0 } = require('.');
    const a = new Pair0({ listen: 'tcp://127.0.0.1:0' });
    const b = new Pair0({ dial: 'tcp://127.0.0.1:' + a.listenerList()[0].port });
    a.on('pipeAddPost', () => {});
    b.recv().catch(() => {});
    if (process.argv[1] === 'exit') setTimeout(() => process.exit(0), 5);
    else setTimeout(() => { a.close(); b.close(); }, 5);
  `;
  const runs = [];
  for (let i = 0; i < 24; i++) runs.push(runChild(script.replace('process.argv[1]', i % 2 ? "'exit'" : "'close'")));
  const results = await Promise.all(runs);
  for (const r of results) assert.equal(r.code, 0, `signal=${r.signal} stderr=${r.err}`);
});

test('non-blocking first tries never reorder: pending receives and sends keep their order', T, async () => {
  const url = inproc('order');
  const pull = new Pull0({ listen: url, recvBufferSize: 1 });
  const push = new Push0({ sendBufferSize: 1 });
  try {
    // Receives posted before the messages exist: each gets the next message, in order, even
    // though later receives could find a message waiting.
    const early = [pull.recv(), pull.recv()];
    await push.dial(url, { block: true });
    const sends = [];
    for (let i = 0; i < 200; i++) sends.push(push.send(Buffer.from(String(i))));
    const got = [];
    for (const p of early) got.push((await p).toString());
    for (let i = 2; i < 200; i++) got.push((await pull.recv()).toString());
    await Promise.all(sends);
    assert.deepEqual(got, Array.from({ length: 200 }, (_, i) => String(i)));
  } finally {
    push.close();
    pull.close();
  }
});

test('req/rep round trips with the non-blocking first tries (rep sends always use the aio)', T, async () => {
  const url = inproc('rr');
  const rep = new Rep0({ listen: url });
  const req = new Req0();
  try {
    await req.dial(url, { block: true });
    for (let i = 0; i < 100; i++) {
      await req.send(Buffer.from(`q${i}`));
      const q = await rep.recvMsg();
      await rep.sendMsg(new Message(Buffer.concat([q.bytes, Buffer.from('!')])));
      assert.equal((await req.recv()).toString(), `q${i}!`);
    }
    // A large reply (over the first try's 64 KiB buffer) arrives whole.
    await req.send(Buffer.from('big'));
    await rep.recv();
    const big = Buffer.alloc(200000, 7);
    await rep.send(big);
    await new Promise((r) => setTimeout(r, 20)); // let it arrive, so the first try finds it
    assert.deepEqual(await req.recv(), big);
  } finally {
    req.close();
    rep.close();
  }
});

test('a loop of sends that never block still lets timers run (no microtask starvation)', T, async () => {
  const pub = new Pub0({ listen: inproc('starve') }); // no subscribers: every send succeeds at once
  try {
    let stop = false;
    setTimeout(() => {
      stop = true;
    }, 50);
    let n = 0;
    while (!stop) {
      await pub.send(Buffer.from('x'));
      n++;
    }
    assert.ok(n > 0);
  } finally {
    pub.close();
  }
});

test('a request / reply ping-pong in one event loop still lets timers run (sends drain the queue at once)', T, async () => {
  const url = inproc('pingpong');
  const rep = new Rep0({ listen: url });
  const req = new Req0();
  try {
    await req.dial(url, { block: true });
    const echo = (async () => {
      try {
        for (;;) await rep.sendMsg(await rep.recvMsg());
      } catch {
        // closed
      }
    })();
    let ticks = 0;
    const iv = setInterval(() => ticks++, 5);
    let stop = false;
    setTimeout(() => {
      stop = true;
    }, 60);
    let n = 0;
    while (!stop) {
      await req.send(Buffer.from('ping'));
      assert.equal((await req.recv()).toString(), 'ping');
      n++;
    }
    clearInterval(iv);
    assert.ok(n > 0);
    assert.ok(ticks > 0, 'the interval ran');
    rep.close();
    await echo;
  } finally {
    req.close();
    rep.close();
  }
});

test('rep0 / respondent0 replies: the readiness probe never gives up a reply; sendMsg keeps its pipe', T, async () => {
  const url = inproc('probe');
  const rep = new Rep0({ listen: url });
  const reqs = [new Req0(), new Req0()];
  try {
    for (const r of reqs) await r.dial(url, { block: true });
    for (let i = 0; i < 50; i++) {
      await Promise.all(reqs.map((r, k) => r.send(Buffer.from(`${k}:${i}`))));
      for (let j = 0; j < 2; j++) {
        const m = await rep.recvMsg();
        await rep.sendMsg(m); // echo through the pipe it came from
      }
      const answers = await Promise.all(reqs.map((r) => r.recv()));
      assert.deepEqual(answers.map(String), [`0:${i}`, `1:${i}`]);
    }
    // A reply without a request is still BadState (the probe finds nothing writable; the aio says why).
    await rejectsNamed(assert, rep.send(Buffer.from('unasked')), 'BadState');
  } finally {
    for (const r of reqs) r.close();
    rep.close();
  }
});

test('first-try sends: receives they complete inline settle at once; completions from NNG threads still wake the loop', T, async () => {
  // While a first-try send runs, the binding holds the completion queue (pnng_cq_hold): what the
  // send completes inline on this thread is taken right after it, what NNG's threads complete
  // must still make the queue's fd readable.
  for (const url of [inproc('held-sends'), null]) {
    const a = new Pair0({ recvTimeout: 5000 });
    const u = url === null ? listenTcp(a) : (a.listen(url), url);
    const b = new Pair0({ recvTimeout: 5000 });
    await b.dial(u, { block: true });
    await waitForPipes(a, 1);
    try {
      for (let i = 0; i < 200; i++) {
        const p = a.recv(); // pending: the send below completes it (inline over inproc)
        await b.send(Buffer.from([i & 255]));
        assert.deepEqual(await p, Buffer.from([i & 255]));
        // A receive completed later, by a send made from a timer (over tcp: on NNG's thread).
        const q = b.recv();
        setTimeout(() => a.send(Buffer.from([1, i & 255])), i % 50 === 0 ? 2 : 0);
        assert.deepEqual(await q, Buffer.from([1, i & 255]));
      }
      assert.equal(_dispatcher.pending, 0);
    } finally {
      a.close();
      b.close();
    }
  }
});

test('large bodies: received Buffers view the received messages, stay intact while referenced, and the messages are reused by later sends once collected', T, async () => {
  // In a child with --expose-gc: rounds of large messages (each its own bytes) over inproc and
  // tcp, sent through socket and Message paths; every Buffer is checked when received and again
  // after later rounds have reused the blocks of collected ones.
  const script = `
    const assert = require('node:assert/strict');
    const { Pair1, Req0, Rep0, Message, _poolStats } = require('.');
    const fill = (n, seed) => { const b = Buffer.allocUnsafe(n); for (let i = 0; i < n; i += 4096) b.fill((seed + i) & 255, i, Math.min(n, i + 4096)); return b; };
    (async () => {
      for (const url of ['inproc://large-bodies', 'tcp://127.0.0.1:0']) {
        const a = new Pair1({ listen: url, recvMaxSize: 8 << 20 });
        const u = url.startsWith('tcp') ? 'tcp://127.0.0.1:' + a.listenerList()[0].port : url;
        const b = new Pair1({ recvMaxSize: 8 << 20 });
        await b.dial(u, { block: true });
        const kept = [];
        for (let round = 0; round < 6; round++) {
          const got = [];
          for (let i = 0; i < 8; i++) {
            const n = (128 << 10) + ((round * 8 + i) * 37123) % (1 << 20);
            const m = fill(n, round * 8 + i);
            if (i % 2) await b.sendMsg(new Message(m)); else await b.send(m);
            const r = i % 3 ? await a.recv() : (await a.recvMsg()).bytes;
            assert.ok(r.equals(m), 'received bytes differ (' + url + ', ' + n + ')');
            if (typeof ArrayBuffer.prototype.transfer === 'function' && i === 0) {
              // Node 21+: transferring the view's ArrayBuffer copies it and leaves the view attached.
              const moved = r.buffer.transfer();
              assert.equal(r.buffer.detached, false);
              assert.ok(Buffer.from(moved, r.byteOffset, r.length).equals(m));
            }
            got.push([r, m]);
          }
          kept.push(got[0]); // one per round stays referenced across the later rounds
          global.gc();
          await new Promise((r) => setTimeout(r, 5));
        }
        for (const [r, m] of kept) assert.ok(r.equals(m), 'a referenced Buffer changed (' + url + ')');
        // Echo of a received large Message (rep sends back what it received).
        const rep = new Rep0({ listen: url.replace('large-bodies', 'large-echo').replace(/:0$/, ':0'), recvMaxSize: 8 << 20 });
        const ru = url.startsWith('tcp') ? 'tcp://127.0.0.1:' + rep.listenerList()[0].port : 'inproc://large-echo';
        const req = new Req0({ recvMaxSize: 8 << 20 });
        await req.dial(ru, { block: true });
        for (let i = 0; i < 20; i++) {
          const m = fill(1 << 20, i);
          await req.send(m);
          await rep.sendMsg(await rep.recvMsg());
          assert.ok((await req.recv()).equals(m), 'echo differs');
          if (i % 5 === 4) { global.gc(); await new Promise((r) => setTimeout(r, 5)); }
        }
        for (const s of [a, b, rep, req]) s.close();
      }
      const st = _poolStats();
      assert.ok(st.msgsViewed > 0, 'no body was viewed: ' + JSON.stringify(st));
      assert.ok(st.msgsReused > 0, 'no message was reused: ' + JSON.stringify(st));
      console.log('large bodies ok', JSON.stringify(st));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = await runChild(script, { args: ['--expose-gc'], timeoutMs: 30000 });
  assert.equal(r.code, 0, `signal=${r.signal} stderr=${r.err} stdout=${r.out}`);
  assert.match(r.out, /large bodies ok/);
});

test('a received large Buffer stays valid after its socket closes and after 10 000 later 1 MiB receives; RSS stays bounded', { timeout: 120000 }, async () => {
  // No --expose-gc: the collections are the ones a program gets. Each message's first and last
  // bytes carry its number; the first Buffer is compared in full at the end.
  const script = `
    const assert = require('node:assert/strict');
    const { Push0, Pull0, _poolStats } = require('.');
    const N = 10000, LEN = 1 << 20;
    (async () => {
      const rx = new Pull0({ listen: 'inproc://rss-bounded', recvMaxSize: 4 << 20 });
      const tx = new Push0({ dial: 'inproc://rss-bounded' });
      const firstSent = Buffer.alloc(LEN);
      for (let i = 0; i < LEN; i++) firstSent[i] = (i * 7 + 3) & 255;
      await tx.send(firstSent);
      const first = await rx.recv();
      assert.ok(first.equals(firstSent));
      const buf = Buffer.alloc(LEN, 0x5a);
      let rssAt2k = 0;
      for (let i = 0; i < N; i++) {
        buf[0] = i & 255;
        buf[LEN - 1] = (i >> 8) & 255;
        await tx.send(buf);
        const b = await rx.recv();
        assert.equal(b.length, LEN);
        assert.ok(b[0] === (i & 255) && b[LEN - 1] === ((i >> 8) & 255) && b[LEN >> 1] === 0x5a, 'message ' + i + ' differs');
        if (i === 2000) rssAt2k = process.memoryUsage().rss;
      }
      const rssEnd = process.memoryUsage().rss;
      tx.close();
      rx.close();
      await new Promise((r) => setTimeout(r, 20));
      assert.ok(first.equals(firstSent), 'the first Buffer changed');
      const st = _poolStats();
      assert.ok(st.msgsReused > 0, JSON.stringify(st));
      // 10 000 messages are 10 GiB; what stays is a collection's worth of views plus the free lists.
      assert.ok(rssEnd - rssAt2k < 384 * 1024 * 1024, 'RSS grew by ' + ((rssEnd - rssAt2k) >> 20) + ' MiB');
      assert.ok(rssEnd < 1024 * 1024 * 1024, 'RSS ' + (rssEnd >> 20) + ' MiB');
      console.log('bounded ok', rssAt2k >> 20, rssEnd >> 20, JSON.stringify(st));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = await runChild(script, { timeoutMs: 110000 });
  assert.equal(r.code, 0, `signal=${r.signal} stderr=${r.err} stdout=${r.out}`);
  assert.match(r.out, /bounded ok/);
});

test('a process that only receives large messages: bodies stay intact, the kept messages are reused for receives, RSS stays bounded', { timeout: 120000 }, async () => {
  // The sender is a worker thread (its own module instance, so its sends never take the main
  // thread's free messages): the main thread's free list fills up and later bodies are copied
  // into its messages.
  const script = `
    const assert = require('node:assert/strict');
    const { Worker } = require('node:worker_threads');
    const { Pull0, _poolStats } = require('.');
    const N = 3000, LEN = 1 << 20;
    (async () => {
      const rx = new Pull0({ listen: 'inproc://rx-only', recvMaxSize: 4 << 20 });
      const w = new Worker(\`
        const { Push0 } = require(process.cwd());
        (async () => {
          const tx = new Push0({ dial: 'inproc://rx-only' });
          const buf = Buffer.alloc(\${LEN}, 0x33);
          for (let i = 0; i < \${N}; i++) { buf[0] = i & 255; buf[\${LEN} - 1] = (i >> 8) & 255; await tx.send(buf); }
          await new Promise((r) => setTimeout(r, 200));
          tx.close();
        })();
      \`, { eval: true });
      const kept = [];
      let rssAt500 = 0;
      for (let i = 0; i < N; i++) {
        const b = await rx.recv();
        assert.ok(b.length === LEN && b[0] === (i & 255) && b[LEN - 1] === ((i >> 8) & 255) && b[LEN >> 1] === 0x33, 'message ' + i + ' differs');
        if (i % 500 === 0) kept.push([i, b]);
        if (i === 500) rssAt500 = process.memoryUsage().rss;
      }
      const rssEnd = process.memoryUsage().rss;
      for (const [i, b] of kept) assert.ok(b[0] === (i & 255) && b[LEN - 1] === ((i >> 8) & 255) && b[LEN >> 2] === 0x33, 'kept message ' + i + ' changed');
      const st = _poolStats();
      assert.ok(st.msgsReused > 0, 'no free message was reused: ' + JSON.stringify(st));
      assert.ok(rssEnd - rssAt500 < 384 * 1024 * 1024, 'RSS grew by ' + ((rssEnd - rssAt500) >> 20) + ' MiB');
      await w.terminate();
      rx.close();
      console.log('rx-only ok', rssAt500 >> 20, rssEnd >> 20, JSON.stringify(st));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = await runChild(script, { timeoutMs: 110000 });
  assert.equal(r.code, 0, `signal=${r.signal} stderr=${r.err} stdout=${r.out}`);
  assert.match(r.out, /rx-only ok/);
});

test('forwarding a received Message nothing has read sends its own message; the Message stays readable and can be sent again', T, async () => {
  const { _poolStats, Pair1 } = require('..');
  const util = require('node:util');
  const url = inproc('forward');
  const rep = new Rep0({ listen: url, recvMaxSize: 0 });
  const req = new Req0({ dial: url, recvMaxSize: 0 });
  const relayUrl = inproc('forward-relay');
  const out = new Pair1({ listen: relayUrl, recvMaxSize: 0 });
  const sink = new Pair1({ dial: relayUrl, recvMaxSize: 0 });
  const body = (n, seed) => {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 255;
    return b;
  };
  try {
    await waitForPipes(sink, 1);
    const before = _poolStats().msgsForwarded;
    for (let i = 0; i < 20; i++) {
      const b = body(16384 + i * 5000, i);
      await req.send(b);
      const m = await rep.recvMsg();
      await rep.sendMsg(m); // echo: the received message itself goes back
      assert.ok((await req.recv()).equals(b), 'echo differs');
      assert.ok(m.bytes.equals(b), 'the forwarded Message changed');
      assert.ok(m.data.equals(b));
      await out.sendMsg(m); // sent again (now from its bytes)
      assert.ok((await sink.recv()).equals(b), 'second send differs');
    }
    assert.equal(_poolStats().msgsForwarded - before, 20);

    // Read before the send: no forwarding, same bytes.
    const b1 = body(40000, 99);
    await req.send(b1);
    const m1 = await rep.recvMsg();
    assert.ok(m1.bytes.equals(b1));
    await rep.sendMsg(m1);
    assert.ok((await req.recv()).equals(b1));
    assert.equal(_poolStats().msgsForwarded - before, 20);

    // Many received Messages nobody reads: at most a few hold their native message; all stay intact.
    const sent = [];
    const got = [];
    for (let i = 0; i < 30; i++) {
      const b = body(20000 + i, i + 7);
      sent.push(b);
      await sink.send(b);
      got.push(await out.recvMsg());
    }
    assert.ok(_poolStats().lazyMsgs <= 8, JSON.stringify(_poolStats()));
    for (let i = 0; i < 30; i++) assert.ok(got[i].bytes.equals(sent[i]), `message ${i} differs`);
    assert.equal(_poolStats().lazyMsgs, 0);

    // Assigning bytes before anything read them; inspect and JSON show the bytes; Object.keys after a read.
    await sink.send(body(30000, 1));
    const m2 = await out.recvMsg();
    m2.bytes = Buffer.from('replaced');
    await out.sendMsg(m2);
    assert.equal((await sink.recv()).toString(), 'replaced');
    await sink.send(body(30000, 2));
    const m3 = await out.recvMsg();
    assert.match(util.inspect(m3), /bytes: <Buffer/);
    await sink.send(body(30000, 3));
    const m4 = await out.recvMsg();
    assert.equal(JSON.parse(JSON.stringify(m4)).bytes.data.length, 30000);
    assert.deepEqual(Object.keys(m4).sort(), ['bytes', 'header', 'pipe']);

    // A send that fails or is aborted: the Message keeps its bytes and nothing leaks.
    const b5 = body(50000, 5);
    await sink.send(b5);
    const m5 = await out.recvMsg();
    await assert.rejects(out.sendMsg(m5, { signal: AbortSignal.abort() }), AbortError);
    assert.ok(m5.bytes.equals(b5));
    await sink.send(b5);
    const m6 = await out.recvMsg();
    m6.pipe = null;
    const lonely = new Push0();
    try {
      await assert.rejects(lonely.sendMsg(m6, { timeout: 20 }), (e) => e.code === 'ETIMEDOUT'); // through an aio
    } finally {
      lonely.close();
    }
    assert.ok(m6.bytes.equals(b5));
    await sink.send(b5);
    const m7 = await out.recvMsg();
    sink.close();
    out.close();
    await assert.rejects(out.sendMsg(m7), (e) => e.code === 'ECLOSED');
    assert.ok(m7.bytes.equals(b5));

    // Routed forwarding: a Message with a pipe goes back to that pipe only (contexts too).
    const ctxUrl = inproc('forward-ctx');
    const crep = new Rep0({ listen: ctxUrl, recvMaxSize: 0 });
    const creq = new Req0({ dial: ctxUrl, recvMaxSize: 0 });
    try {
      const ctx = crep.newContext();
      const b8 = body(70000, 8);
      const reply = creq.send(b8).then(() => creq.recv());
      const m8 = await ctx.recvMsg();
      await ctx.sendMsg(m8);
      assert.ok((await reply).equals(b8));
      assert.ok(m8.bytes.equals(b8));
    } finally {
      crep.close();
      creq.close();
    }
  } finally {
    for (const s of [rep, req, out, sink]) s.close();
  }
});

test('a first-try send of a recycled message that would block hands that message to the aio (one copy)', T, async () => {
  const { _poolStats } = require('..');
  const url = inproc('eagain-recycled');
  let pull = new Pull0({ listen: url, recvMaxSize: 0 });
  const push = new Push0({ dial: url, reconnectTimeMin: 10, reconnectTimeMax: 20 });
  try {
    // Two received 100 kB messages go to the free list (taken as messages: longer than the scratch buffer).
    const first = [Buffer.alloc(100000, 1), Buffer.alloc(100000, 2)];
    for (const b of first) await push.send(b);
    for (const b of first) assert.ok((await pull.recv()).equals(b));
    pull.close(); // no peer: the next send's first try would block
    await sleep(20);
    const before = _poolStats().msgsReused;
    assert.ok(_poolStats().freeMsgBytes >= 200000, JSON.stringify(_poolStats()));
    const b = Buffer.allocUnsafe(100000);
    for (let i = 0; i < b.length; i++) b[i] = (i * 13) & 255;
    const sending = push.send(b);
    assert.equal(_poolStats().msgsReused - before, 1, 'the message built for the try was not the one sent');
    pull = new Pull0({ listen: url, recvMaxSize: 0 });
    assert.ok((await pull.recv()).equals(b), 'bytes differ');
    await sending;
  } finally {
    pull.close();
    push.close();
  }
});

test('large received Messages nobody reads: forwarded as copies without a Buffer, readable later, returned once collected, bounded while kept', T, async () => {
  const script = `
    const assert = require('node:assert/strict');
    const { Pair1, Rep0, Req0, Message, _poolStats } = require('.');
    const fill = (n, seed) => { const b = Buffer.allocUnsafe(n); for (let i = 0; i < n; i += 1024) b.fill((seed * 7 + i / 1024) & 255, i, Math.min(n, i + 1024)); return b; };
    (async () => {
      for (const url of ['inproc://lazy-big', 'ipc:///tmp/pnng-lazy-big-' + process.pid + '.ipc']) {
        const a = new Pair1({ listen: url, recvMaxSize: 8 << 20 });
        const b = new Pair1({ recvMaxSize: 8 << 20 });
        await b.dial(url, { block: true });
        // Forwarded unread: the peer gets the bytes, no Buffer is made for the Message until it is read.
        const s0 = _poolStats();
        const sent = [];
        const msgs = [];
        for (let i = 0; i < 6; i++) {
          const m = fill((1 << 20) + i * 4099, i);
          sent.push(m);
          await b.send(m);
          const r = await a.recvMsg();
          await a.sendMsg(r); // back to b (its pipe)
          assert.ok((await b.recv()).equals(m), 'forwarded bytes differ');
          msgs.push(r);
        }
        const s1 = _poolStats();
        assert.equal(s1.msgsForwarded - s0.msgsForwarded, 6);
        assert.equal(s1.msgsViewed - s0.msgsViewed, 6, 'only b.recv() made views: ' + JSON.stringify([s0, s1]));
        for (let i = 0; i < 6; i++) assert.ok(msgs[i].bytes.equals(sent[i]), 'a forwarded Message changed');
        for (let i = 0; i < 6; i++) {
          await a.sendMsg(msgs[i]); // sent again, now from its bytes
          assert.ok((await b.recv()).equals(sent[i]), 'second send differs');
        }
        // Assigning bytes to an unread one.
        await b.send(fill(1 << 20, 9));
        const r2 = await a.recvMsg();
        r2.bytes = Buffer.from('small now');
        await a.sendMsg(r2);
        assert.equal((await b.recv()).toString(), 'small now');
        // Kept unread: bounded; every one still reads right (the oldest were viewed to stay within it).
        const kept = [];
        for (let i = 0; i < 80; i++) {
          await b.send(fill(1 << 20, 100 + i));
          kept.push(await a.recvMsg());
          assert.ok(_poolStats().lazyBigBytes <= 64 << 20, JSON.stringify(_poolStats()));
        }
        for (let i = 0; i < 80; i++) assert.ok(kept[i].bytes.equals(fill(1 << 20, 100 + i)), 'kept message ' + i + ' differs');
        // Unread and dropped: returned to the free list once collected.
        for (let i = 0; i < 20; i++) {
          await b.send(fill(1 << 20, 200 + i));
          await a.recvMsg();
        }
        assert.ok(_poolStats().lazyBig >= 20);
        kept.length = 0; msgs.length = 0;
        for (let k = 0; k < 3 && _poolStats().lazyBig > 0; k++) { global.gc(); await new Promise((r) => setTimeout(r, 20)); }
        assert.equal(_poolStats().lazyBig, 0, JSON.stringify(_poolStats()));
        assert.equal(_poolStats().lazyBigBytes, 0);
        a.close();
        b.close();
      }
      // An echo through contexts.
      const rep = new Rep0({ listen: 'inproc://lazy-big-ctx', recvMaxSize: 8 << 20 });
      const req = new Req0({ dial: 'inproc://lazy-big-ctx', recvMaxSize: 8 << 20 });
      const ctx = rep.newContext();
      for (let i = 0; i < 5; i++) {
        const m = fill(3 << 19, i);
        const reply = req.send(m).then(() => req.recv());
        await ctx.sendMsg(await ctx.recvMsg());
        assert.ok((await reply).equals(m), 'context echo differs');
      }
      rep.close();
      req.close();
      console.log('lazy big ok', JSON.stringify(_poolStats()));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = await runChild(script, { args: ['--expose-gc'], timeoutMs: 60000 });
  assert.equal(r.code, 0, `signal=${r.signal} stderr=${r.err} stdout=${r.out}`);
  assert.match(r.out, /lazy big ok/);
});

test('power-of-two sizes (built with room for a protocol header) arrive intact, last byte included', T, async () => {
  const url = inproc('pow2');
  const rep = new Rep0({ listen: url, recvMaxSize: 0 });
  const req = new Req0({ dial: url, recvMaxSize: 0 });
  const pairUrl = inproc('pow2-pair');
  const a = new Pair0({ listen: pairUrl, recvMaxSize: 0 });
  const b = new Pair0({ dial: pairUrl, recvMaxSize: 0 });
  try {
    await waitForPipes(req, 1);
    await waitForPipes(b, 1);
    for (const n of [1023, 1024, 1025, 4096, 65536, 1 << 20]) {
      const m = Buffer.alloc(n, 0x11);
      m[n - 1] = 0x7e; // the byte appended separately
      m[0] = 0x42;
      await req.send(m);
      const q = await rep.recvMsg();
      assert.ok(q.bytes.equals(m), `request of ${n} bytes`);
      await rep.sendMsg(q); // routed to its pipe: the message path
      assert.ok((await req.recv()).equals(m), `reply of ${n} bytes`);
      await b.send(m);
      assert.ok((await a.recv()).equals(m), `pair message of ${n} bytes`);
      const ctx = req.newContext(); // contexts: the aio path
      await ctx.send(m);
      const q2 = await rep.recv();
      assert.ok(q2.equals(m));
      await rep.send(q2);
      assert.ok((await ctx.recv()).equals(m), `context reply of ${n} bytes`);
      ctx.close();
    }
    // Back to small messages after large ones (the first try switches routes on its own).
    for (const t of ['small', 'x'.repeat(20000), 'tiny']) {
      await b.send(Buffer.from(t));
      await sleep(5); // queued before the receive: taken by the first try
      assert.equal((await a.recv()).toString(), t);
    }
  } finally {
    for (const s of [req, rep, a, b]) s.close();
  }
});

test('worker threads: operations complete; a worker with a pending receive ends (exit or terminate) without crashing; its sockets are closed when it exits', T, async () => {
  const script = `
    const { Worker } = require('node:worker_threads');
    const body = (terminate) => \`
      const { Pair0 } = require(\${JSON.stringify(process.cwd())});
      (async () => {
        const a = new Pair0({ listen: 'inproc://in-worker' });
        const b = new Pair0({ dial: 'inproc://in-worker' });
        const p = a.recv(); // through the completion queue
        await new Promise((r) => setTimeout(r, 20));
        await b.send(Buffer.from('hi'));
        if ((await p).toString() !== 'hi') throw new Error('wrong message');
        a.recv().catch(() => {}); // still pending when the worker ends
        require('node:worker_threads').parentPort.postMessage('ready');
        if (!\${terminate}) setTimeout(() => process.exit(0), 20);
        else setInterval(() => {}, 1000);
      })();\`;
    (async () => {
      for (const terminate of [false, true]) {
        const w = new Worker(body(terminate), { eval: true });
        w.on('message', () => { if (terminate) setTimeout(() => w.terminate(), 20); });
        const code = await new Promise((resolve, reject) => { w.on('exit', resolve); w.on('error', reject); });
        console.log('worker', terminate ? 'terminated' : 'exited', code);
        if (!terminate) {
          // The worker exited without closing its sockets: they were closed for it.
          const { Pair0 } = require('.');
          new Pair0({ listen: 'inproc://in-worker' }).close();
          console.log('address free again');
        }
      }
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = await runChild(script);
  assert.equal(r.code, 0, `signal=${r.signal} stderr=${r.err} stdout=${r.out}`);
  assert.match(r.out, /worker exited 0/);
  assert.match(r.out, /address free again/);
  assert.match(r.out, /worker terminated 1/);
});
