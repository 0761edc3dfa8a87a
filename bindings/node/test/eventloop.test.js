'use strict';
// Nothing in the binding blocks the event loop on the network: dialing a peer that accepts the TCP
// connection and then never speaks (the SP / WebSocket handshake never completes) returns at once,
// the blocking dial is a promise, and closing such a socket returns at once.
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { Req0, Pair0, Dialer } = require('..');
const { T, sleep } = require('./helpers');

/** A loopback TCP server that accepts connections and never sends a byte. */
async function silentPeer() {
  const conns = new Set();
  const server = net.createServer((c) => {
    conns.add(c);
    c.on('error', () => {});
    c.on('close', () => conns.delete(c));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () => {
      for (const c of conns) c.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Counts the ticks of a 10 ms interval. */
function ticker() {
  const t = { ticks: 0 };
  t.timer = setInterval(() => t.ticks++, 10);
  return t;
}

/** Runs `fn` and returns how long the call itself held the JS thread (ms). */
function held(fn) {
  const start = process.hrtime.bigint();
  const r = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value: r };
}

// The silent peer held the event loop for the whole handshake timeout before (10 s on tcp://,
// 2 s on ws://); the bounds here only tell "returned at once" from "waited for the network".
const AT_ONCE_MS = 1000;

test('dialing a silent peer keeps the event loop ticking (tcp and ws, dial and constructor)', { timeout: 60000 }, async () => {
  const peer = await silentPeer();
  const t = ticker();
  const socks = [];
  try {
    for (const url of [`tcp://127.0.0.1:${peer.port}`, `ws://127.0.0.1:${peer.port}/x`]) {
      const a = held(() => new Req0({ dial: url }));
      socks.push(a.value);
      assert.ok(a.ms < AT_ONCE_MS, `new Req0({ dial: '${url}' }) held the loop ${a.ms} ms`);
      const s = new Req0();
      socks.push(s);
      const b = held(() => s.dial(url));
      assert.ok(b.value instanceof Dialer);
      assert.ok(b.ms < AT_ONCE_MS, `dial('${url}') held the loop ${b.ms} ms`);
      // The blocking dial is a promise: it waits off the event loop.
      const s2 = new Req0();
      socks.push(s2);
      const c = held(() => s2.dial(url, { block: true }));
      assert.ok(c.value instanceof Promise);
      assert.ok(c.ms < AT_ONCE_MS, `dial('${url}', { block: true }) held the loop ${c.ms} ms`);
      const before = t.ticks;
      await sleep(300);
      assert.ok(t.ticks > before, `the 10 ms interval did not tick while dialing ${url}`);
      // Closing a socket whose dial is stuck in the handshake returns at once and settles the promise.
      const d = held(() => s2.close());
      assert.ok(d.ms < AT_ONCE_MS, `close() held the loop ${d.ms} ms`);
      await assert.rejects(c.value, (e) => e.code === 'ECLOSED' || e.code === 'ECANCELED' || e.url === url);
    }
    const before = t.ticks;
    await sleep(200);
    assert.ok(t.ticks > before);
  } finally {
    clearInterval(t.timer);
    for (const s of socks) s.close();
    await peer.close();
  }
});

test('listening on a busy ws:// / tls+tcp:// port fails at once with AddressInUse, naming the URL', T, async () => {
  const peer = await silentPeer();
  const s = new Pair0();
  try {
    for (const url of [`ws://127.0.0.1:${peer.port}/x`, `tcp://127.0.0.1:${peer.port}`]) {
      const r = held(() => assert.throws(() => s.listen(url), (e) => e.name === 'AddressInUse' && e.url === url));
      assert.ok(r.ms < AT_ONCE_MS, `listen('${url}') held the loop ${r.ms} ms`);
    }
  } finally {
    s.close();
    await peer.close();
  }
});

test('a failed background dial is reported once per dialer with process.emitWarning, naming the URL', T, async () => {
  // A port nobody listens on: bind one, remember it, free it.
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));
  const url = `tcp://127.0.0.1:${port}`;
  const seen = [];
  const onWarning = (w) => {
    if (w.name === 'PnngWarning') seen.push(w);
  };
  process.on('warning', onWarning);
  const s = new Pair0({ reconnectTimeMin: 10, reconnectTimeMax: 20 });
  try {
    s.dial(url);
    const end = Date.now() + 10000;
    while (seen.length === 0 && Date.now() < end) await sleep(20);
    assert.equal(seen.length, 1, 'one warning');
    assert.ok(seen[0].message.includes(url), seen[0].message);
    assert.equal(seen[0].code, 'ECONNREFUSED');
    await sleep(300); // the dialer keeps retrying (and failing): still one warning
    assert.equal(seen.length, 1);
  } finally {
    s.close();
    process.off('warning', onWarning);
  }
});
