'use strict';
// zeromq.js (npm `zeromq`, prebuilt libzmq) on the same patterns as bench.js, for the comparison
// column of the Node section. Installed by `make bench-build` into benches/node/zmq/ only.
//
//   node bench_zmq.js lat|pair1|pushpull SIZE URL SECONDS
//
// Prints one JSON line like bench.js; {"missing": ...} and exit status 3 when zeromq is not
// installed. URLs: tcp://host:port and ipc:///path are used as they are; inproc://name too (both
// peers share zeromq's default context).
const path = require('node:path');

let zmq;
try {
  zmq = require(path.join(__dirname, 'zmq', 'node_modules', 'zeromq'));
} catch (e) {
  console.log(JSON.stringify({ missing: `zeromq not installed in benches/node/zmq (${e.code || e.message})` }));
  process.exit(3);
}

// Warm-up: a fifth of the window, and at least JIT_WARMUP seconds. V8 compiles a loop's hot
// functions with TurboFan during its first ~70 ms; pinned, the compiler thread shares the one CPU
// with the loop, and a pnng round trip then costs two to three times its steady-state time. The
// measurement is of the steady state, as for the C and Go programs. Same rule in bench.js and
// bench_zmq.js.
const JIT_WARMUP = 0.15;

/** Runs step for warmup seconds, then counts the steps completed in the window. */
async function timedLoop(step, warmup, window) {
  const now = () => Number(process.hrtime.bigint()) / 1e9;
  for (const end = now() + warmup; now() < end; ) await step();
  let count = 0;
  const start = now();
  const end = start + window;
  for (;;) {
    await step();
    count++;
    const t = now();
    if (t >= end) return { count, seconds: t - start };
  }
}

async function connect(url, ListenSide, DialSide) {
  const a = new ListenSide({ linger: 0 });
  await a.bind(url);
  const b = new DialSide({ linger: 0 });
  b.connect(url);
  return [a, b];
}

function expectSize(data, size) {
  if (data.length !== size) throw new Error(`received ${data.length} bytes, expected ${size}`);
}

async function latency(url, buf, warmup, window) {
  const [server, client] = await connect(url, zmq.Reply, zmq.Request);
  let running = true;
  const echo = (async () => {
    try {
      while (running) {
        const [m] = await server.receive();
        await server.send(m);
      }
    } catch {
      // closed: the measurement is over
    }
  })();
  const result = await timedLoop(async () => {
    await client.send(buf);
    const [m] = await client.receive();
    expectSize(m, buf.length);
  }, warmup, window);
  running = false;
  server.close();
  client.close();
  await echo;
  return result;
}

async function throughput(url, pair, buf, warmup, window) {
  const [rx, tx] = pair ? await connect(url, zmq.Pair, zmq.Pair) : await connect(url, zmq.Pull, zmq.Push);
  let stop = false;
  const sender = (async () => {
    try {
      while (!stop) await tx.send(buf);
    } catch {
      // closed: the measurement is over
    }
  })();
  const result = await timedLoop(async () => {
    const [m] = await rx.receive();
    expectSize(m, buf.length);
  }, warmup, window);
  stop = true;
  tx.close();
  rx.close();
  await sender;
  return result;
}

async function main() {
  const [pattern, sizeArg, url, secondsArg] = process.argv.slice(2);
  if (secondsArg === undefined) {
    console.error('usage: node bench_zmq.js lat|pair1|pushpull SIZE URL SECONDS');
    process.exit(2);
  }
  const size = Number(sizeArg);
  const window = Number(secondsArg);
  const buf = Buffer.alloc(size, 0xa5);
  let r;
  if (pattern === 'lat') r = await latency(url, buf, Math.max(window / 5, JIT_WARMUP), window);
  else if (pattern === 'pair1' || pattern === 'pushpull') r = await throughput(url, pattern === 'pair1', buf, Math.max(window / 5, JIT_WARMUP), window);
  else {
    console.error(`unknown pattern ${pattern}`);
    process.exit(2);
  }
  const value = pattern === 'lat' ? (r.seconds * 1e6) / r.count : r.count / r.seconds;
  console.log(JSON.stringify({ impl: 'node-zmq', pattern, size, count: r.count, seconds: r.seconds, value }));
  process.exit(0);
}

main().catch((err) => {
  console.log(JSON.stringify({ error: `benchmark: ${err && err.message ? err.message : err}` }));
  process.exit(1);
});
