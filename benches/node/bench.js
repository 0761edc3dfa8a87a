'use strict';
// The Node side of the pnng benchmarks: the C driver's patterns over the Node binding's
// promise API. Like the C driver it sends a copy of a buffer (send(Buffer)) and receives without
// allocating, the cheaper way for the size: below BIG_RECV bytes recvInto(Buffer), a copy into
// one Buffer reused for every message; from BIG_RECV on recvMsg(), the Message's byteLength
// checked and the Message freed (free()) without its body being read, as the C and Go programs
// receive at every size (a copy of a large body costs more than the receive). The echo server
// forwards each received Message with sendMsg(msg, { transfer: true }). With -alloc it receives
// with recv() instead, which returns a new Buffer per message, and the echo uses sendMsg(msg).
// Both ends run in one event loop. With -worker (pair1 and pushpull) the sender runs in a
// worker thread instead, its own event loop, as the C and Go programs send from a thread or
// goroutine of their own.
//
//   node bench.js [-alloc|-worker] lat|pair1|pushpull SIZE URL SECONDS
//
// Prints one JSON line like the C driver (value: microseconds per round trip for lat, messages
// per second otherwise); {"error": ...} and exit status 1 on failure.
const path = require('node:path');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
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

/** A socket of class Side that takes a 1 MiB body and its header (as in the C driver). */
const open = (Side) => new Side({ recvMaxSize: 4 << 20 });

/** The throughput patterns' socket classes: [receiver (listens), sender (dials)]. */
const streamSides = (pair) => (pair ? [pnng.Pair1, pnng.Pair1] : [pnng.Pull0, pnng.Push0]);

/** Opens both sides; the first listens, the second dials (and waits for the connection). */
async function connect(url, ListenSide, DialSide) {
  const listener = open(ListenSide);
  listener.listen(url);
  const dialer = open(DialSide);
  await dialer.dial(url, { block: true });
  return [listener, dialer];
}

function expectSize(data, size) {
  if (data.length !== size) throw new Error(`received ${data.length} bytes, expected ${size}`);
}

let allocRecv = false; // -alloc: recv() (a new Buffer per message) over recvInto(one Buffer)

// From this size on, receive a Message and free it unread (one copy per message, the send's,
// instead of two). Below it, recvInto's copy is cheaper than a Message's bookkeeping.
const BIG_RECV = 128 * 1024;

/** A receive function for sock: one message, its size checked. */
function receiver(sock, size) {
  if (allocRecv) return async () => expectSize(await sock.recv(), size);
  if (size >= BIG_RECV) {
    return async () => {
      const msg = await sock.recvMsg();
      const len = msg.byteLength;
      msg.free();
      if (len !== size) throw new Error(`received ${len} bytes, expected ${size}`);
    };
  }
  const into = Buffer.alloc(size);
  return async () => expectSize(await sock.recvInto(into), size);
}

async function latency(url, buf, warmup, window) {
  // The echo forwards each request as it came (C: recv_msg / send_msg); -alloc: as a copy, the
  // Message staying readable (sendMsg's default).
  const echoOpts = allocRecv ? undefined : { transfer: true };
  const [server, client] = await connect(url, pnng.Rep0, pnng.Req0);
  const echo = (async () => {
    try {
      for (;;) await server.sendMsg(await server.recvMsg(), echoOpts);
    } catch {
      // Closed: the measurement is over
    }
  })();
  const receive = receiver(client, buf.length);
  const result = await timedLoop(async () => {
    await client.send(buf);
    await receive();
  }, warmup, window);
  server.close();
  await echo;
  client.close();
  return result;
}

/** Sends buf on tx until stopped() says so, or tx is closed. */
async function sendLoop(tx, buf, stopped) {
  try {
    while (!stopped()) await tx.send(buf);
  } catch {
    // Closed: the measurement is over
  }
}

async function throughput(url, pair, buf, warmup, window) {
  const [rx, tx] = await connect(url, ...streamSides(pair));
  let stop = false;
  const sender = sendLoop(tx, buf, () => stop);
  const result = await timedLoop(receiver(rx, buf.length), warmup, window);
  stop = true;
  tx.close(); // wakes a send blocked on flow control
  await sender;
  rx.close();
  return result;
}

/** throughput() with the sender in a worker thread (workerSender below). */
async function throughputWorker(url, pair, buf, warmup, window) {
  const rx = open(streamSides(pair)[0]);
  rx.listen(url);
  const worker = new Worker(__filename, { workerData: { url, pair, size: buf.length } });
  const exited = new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
  const ready = new Promise((resolve) => worker.once('message', resolve));
  await Promise.race([ready, exited.then(() => Promise.reject(new Error('the sender worker ended')))]);
  const result = await timedLoop(receiver(rx, buf.length), warmup, window);
  worker.postMessage('stop');
  await exited;
  rx.close();
  return result;
}

/** The worker of throughputWorker: dials, says 'ready', sends until told to stop. */
async function workerSender() {
  const { url, pair, size } = workerData;
  const tx = open(streamSides(pair)[1]);
  await tx.dial(url, { block: true });
  let stop = false;
  parentPort.once('message', () => {
    stop = true;
    tx.close(); // wakes a send blocked on flow control
  });
  parentPort.postMessage('ready');
  await sendLoop(tx, Buffer.alloc(size, 0xa5), () => stop);
  parentPort.close();
}

async function main() {
  let args = process.argv.slice(2);
  let impl = 'node-pnng';
  let inWorker = false;
  if (args[0] === '-alloc') {
    allocRecv = true;
    impl = 'node-pnng-alloc';
    args = args.slice(1);
  } else if (args[0] === '-worker') {
    inWorker = true;
    impl = 'node-pnng-worker';
    args = args.slice(1);
  }
  const [pattern, sizeArg, url, secondsArg] = args;
  if (secondsArg === undefined) {
    console.error('usage: node bench.js [-alloc|-worker] lat|pair1|pushpull SIZE URL SECONDS');
    process.exit(2);
  }
  if (inWorker && pattern === 'lat') {
    console.error('-worker measures pair1 and pushpull');
    process.exit(2);
  }
  const size = Number(sizeArg);
  const window = Number(secondsArg);
  const buf = Buffer.alloc(size, 0xa5);
  let r;
  if (pattern === 'lat') r = await latency(url, buf, Math.max(window / 5, JIT_WARMUP), window);
  else if (pattern === 'pair1' || pattern === 'pushpull') r = await (inWorker ? throughputWorker : throughput)(url, pattern === 'pair1', buf, Math.max(window / 5, JIT_WARMUP), window);
  else {
    console.error(`unknown pattern ${pattern}`);
    process.exit(2);
  }
  const value = pattern === 'lat' ? (r.seconds * 1e6) / r.count : r.count / r.seconds;
  console.log(JSON.stringify({ impl, pattern, size, count: r.count, seconds: r.seconds, value }));
  process.exit(0);
}

if (isMainThread) main().catch((err) => fail('benchmark', err));
else workerSender().catch((err) => fail('sender worker', err));
