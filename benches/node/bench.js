'use strict';
// The Node side of the pnng benchmarks: the C driver's patterns over the Node binding's
// promise API (send(Buffer) / recv() -> Buffer; the echo server forwards the received Message).
//
//   node bench.js lat|pair1|pushpull SIZE URL SECONDS
//
// Prints one JSON line like the C driver (value: microseconds per round trip for lat, messages
// per second otherwise); {"error": ...} and exit status 1 on failure.
const path = require('node:path');
const pnng = require(process.env.PNNG_NODE_PACKAGE || path.join(__dirname, '..', '..', 'bindings', 'node'));

function fail(what, err) {
  console.log(JSON.stringify({ error: `${what}: ${err && err.stack ? err.message : err}` }));
  process.exit(1);
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

/** Opens both sides; the first listens, the second dials (and waits for the connection). */
async function connect(url, ListenSide, DialSide) {
  const listener = new ListenSide({ recvMaxSize: 4 << 20 });
  listener.listen(url);
  const dialer = new DialSide({ recvMaxSize: 4 << 20 });
  await dialer.dial(url, { block: true });
  return [listener, dialer];
}

function expectSize(data, size) {
  if (data.length !== size) throw new Error(`received ${data.length} bytes, expected ${size}`);
}

async function latency(url, buf, warmup, window) {
  const [server, client] = await connect(url, pnng.Rep0, pnng.Req0);
  const echo = (async () => {
    try {
      for (;;) await server.sendMsg(await server.recvMsg());
    } catch {
      // Closed: the measurement is over
    }
  })();
  const result = await timedLoop(async () => {
    await client.send(buf);
    expectSize(await client.recv(), buf.length);
  }, warmup, window);
  server.close();
  await echo;
  client.close();
  return result;
}

async function throughput(url, pair, buf, warmup, window) {
  const [rx, tx] = pair ? await connect(url, pnng.Pair1, pnng.Pair1) : await connect(url, pnng.Pull0, pnng.Push0);
  let stop = false;
  const sender = (async () => {
    try {
      while (!stop) await tx.send(buf);
    } catch {
      // Closed: the measurement is over
    }
  })();
  const result = await timedLoop(async () => expectSize(await rx.recv(), buf.length), warmup, window);
  stop = true;
  tx.close(); // wakes a send blocked on flow control
  await sender;
  rx.close();
  return result;
}

async function main() {
  const [pattern, sizeArg, url, secondsArg] = process.argv.slice(2);
  if (secondsArg === undefined) {
    console.error('usage: node bench.js lat|pair1|pushpull SIZE URL SECONDS');
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
  console.log(JSON.stringify({ impl: 'node-pnng', pattern, size, count: r.count, seconds: r.seconds, value }));
  process.exit(0);
}

main().catch((err) => fail('benchmark', err));
