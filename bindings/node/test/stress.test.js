'use strict';
// Stress: closes racing pending receives, AbortSignal storms racing message
// arrival, and forgotten sockets collected by gc() while others are busy. A few seconds in
// all; a crash, a hang (the test timeout), a lost or doubled message fails.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Pair0, Rep0, Req0, Push0, Pull0, AbortError } = require('..');
const { inproc, waitForPipes, sleep, runChild, T } = require('./helpers');

/** Only a real hang reaches this: generous enough for a loaded CI machine. */
const WAKE_LIMIT_MS = 5000;

/** What `p` settles with (its error, or `'resolved'`), attached at once so that a rejection
 * the close delivers synchronously is handled; a failure if it is still pending
 * WAKE_LIMIT_MS after `closed()` is awaited. */
function outcome(p, what) {
  const settled = p.then(() => 'resolved', (e) => e);
  return async () => {
    let timer;
    const hang = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: still pending ${WAKE_LIMIT_MS} ms after close`)), WAKE_LIMIT_MS);
    });
    try {
      return await Promise.race([settled, hang]);
    } finally {
      clearTimeout(timer);
    }
  };
}

test('stress: close while receives are pending rejects each with Closed', T, async () => {
  for (let round = 0; round < 300; round++) {
    const url = inproc('close');
    const rep = new Rep0({ listen: url });
    const req = new Req0({ dial: url });
    // rep0 allows one receive per context: the socket's own and two more contexts
    const pending = [rep.recv(), rep.newContext().recv(), rep.newContext().recvMsg({ signal: new AbortController().signal })]
      .map((p, i) => outcome(p, `round ${round} receive ${i}`));
    switch (round % 4) {
      case 0:
        break; // close before the receives reach NNG's queue
      case 1:
        await new Promise(setImmediate);
        break;
      case 2:
        await sleep(round % 3);
        break;
      default:
        req.close(); // the peer going first must not end them
        await new Promise(setImmediate);
    }
    rep.close();
    for (const [i, closed] of pending.entries()) {
      const e = await closed();
      assert.equal(e && e.name, 'Closed', `round ${round} receive ${i}: ${e}`);
    }
    req.close();
  }
});

test('stress: an AbortSignal storm loses and doubles no message', T, async () => {
  const total = 20000;
  const receivers = 16;
  const url = inproc('storm');
  const pull = new Pull0({ listen: url });
  const push = new Push0({ dial: url });
  try {
    await waitForPipes(pull, 1);
    const seen = new Map();
    const record = (buf) => {
      const seq = buf.readUInt32BE(0);
      seen.set(seq, (seen.get(seq) || 0) + 1);
    };
    let aborted = 0;
    let completed = 0;
    let stop = false;
    const sender = (async () => {
      for (let i = 0; i < total; i++) {
        const b = Buffer.alloc(4);
        b.writeUInt32BE(i);
        await push.send(b);
      }
    })();
    const loop = async (k) => {
      for (let n = 0; !stop; n++) {
        // half abort on a timer (0-2 ms), half by hand right away or on the next turn
        let signal;
        if ((n + k) % 2 === 0) {
          signal = AbortSignal.timeout((n * 7 + k) % 3);
        } else {
          const ac = new AbortController();
          if (n % 3 === 0) ac.abort();
          else setImmediate(() => ac.abort());
          signal = ac.signal;
        }
        try {
          record(await pull.recv({ signal }));
          completed++;
        } catch (e) {
          if (!(e instanceof AbortError)) throw e;
          aborted++;
          // an already aborted signal rejects before anything starts: yield, or this loop
          // would starve the sender
          await new Promise(setImmediate);
        }
      }
    };
    const loops = Array.from({ length: receivers }, (_, k) => loop(k));
    const deadline = Date.now() + 30000;
    while (seen.size < total && Date.now() < deadline) await sleep(5);
    stop = true;
    await sender;
    await Promise.all(loops);
    // whatever the storm left queued
    while (seen.size < total) {
      try {
        record(await pull.recv({ timeout: 2000 }));
      } catch (e) {
        if (e.name !== 'Timeout') throw e;
        break;
      }
    }
    const doubled = [...seen.values()].filter((c) => c > 1).length;
    assert.equal(seen.size, total, `${seen.size} of ${total} messages received`);
    assert.equal(doubled, 0, `${doubled} messages received more than once`);
    assert.ok(aborted > 0, 'the storm aborted nothing');
    console.log(`abort storm: ${total} messages, ${completed} receives completed, ${aborted} aborted`);
  } finally {
    push.close();
    pull.close();
  }
});

test('stress: forgotten sockets are closed by their finalizers while others are busy', T, async () => {
  // global.gc needs --expose-gc, so this runs in a child process (as async.test.js does).
  const script = `
    const { Pair0, Rep0 } = require('.');
    const N = 300;
    const urls = Array.from({ length: N }, (_, i) => 'inproc://forgotten-' + process.pid + '-' + i);
    for (const url of urls) (function () { const s = new Rep0({ listen: url }); s.newContext(); })();
    (async () => {
      // traffic while the collector runs the finalizers
      const a = new Pair0({ listen: 'inproc://busy-' + process.pid });
      const b = new Pair0({ dial: 'inproc://busy-' + process.pid });
      let busy = true;
      const traffic = (async () => { while (busy) { await a.send(Buffer.from('x')); await b.recv(); } })();
      const probe = new Pair0();
      let closed = 0;
      for (let tries = 0; tries < 2000 && closed < N; tries++) {
        global.gc();
        await new Promise((r) => setTimeout(r, 1));
        while (closed < N) {
          try {
            probe.listen(urls[closed]).close(); // succeeds once the forgotten socket is closed
            closed++;
          } catch (e) {
            if (e.name !== 'AddressInUse') throw e;
            break;
          }
        }
      }
      busy = false;
      await traffic;
      a.close(); b.close(); probe.close();
      console.log('closed by finalizers: ' + closed + ' of ' + N);
    })();
  `;
  const r = await runChild(script, { args: ['--expose-gc'], timeoutMs: 18000 });
  assert.equal(r.code, 0, `signal=${r.signal} stderr=${r.err} stdout=${r.out}`);
  assert.match(r.out, /closed by finalizers: 300 of 300/);
});
