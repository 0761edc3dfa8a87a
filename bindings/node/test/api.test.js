'use strict';
// Every class and method of the binding.
const test = require('node:test');
const assert = require('node:assert/strict');
const pnng = require('..');
const {
  Socket, Pair0, Pair1, Req0, Rep0, Pub0, Sub0, Push0, Pull0, Surveyor0, Respondent0, Bus0,
  Dialer, Listener, Pipe, Context, Message, SockAddr, PnngError,
} = pnng;
const { listenTcp, inproc, waitForPipes, rejectsNamed, throwsNamed, sleep, T } = require('./helpers');

const PROTOCOLS = [
  [Pair0, 16, 'pair', 16, 'pair'],
  [Pair1, 17, 'pair1', 17, 'pair1'],
  [Req0, 48, 'req', 49, 'rep'],
  [Rep0, 49, 'rep', 48, 'req'],
  [Pub0, 32, 'pub', 33, 'sub'],
  [Sub0, 33, 'sub', 32, 'pub'],
  [Push0, 80, 'push', 81, 'pull'],
  [Pull0, 81, 'pull', 80, 'push'],
  [Surveyor0, 98, 'surveyor', 99, 'respondent'],
  [Respondent0, 99, 'respondent', 98, 'surveyor'],
  [Bus0, 112, 'bus', 112, 'bus'],
];

test('library and version', () => {
  assert.match(pnng.version(), /^pnng \S+ \(NNG 1\.12\.0\)$/);
  assert.equal(typeof pnng.libraryPath, 'string');
});

test('the 11 protocol classes open, report their protocol, and close', T, () => {
  for (const [cls, proto, protoName, peer, peerName] of PROTOCOLS) {
    const s = new cls();
    try {
      assert.ok(s instanceof Socket);
      assert.ok(s.id > 0);
      assert.equal(s.protocol, proto, cls.name);
      assert.equal(s.protocolName, protoName);
      assert.equal(s.peer, peer);
      assert.equal(s.peerName, peerName);
      assert.equal(s.raw, false);
      assert.equal(s.closed, false);
    } finally {
      s.close();
    }
    assert.equal(s.closed, true);
    const raw = new cls({ raw: true });
    assert.equal(raw.raw, true, `${cls.name} raw`);
    raw.close();
  }
});

test('Socket cannot be instantiated directly; unknown constructor options are refused', () => {
  assert.throws(() => new Socket(), TypeError);
  assert.throws(() => new Pair0({ recv_timeout: 5 }), /unknown option/);
  assert.throws(() => new Pair0({ polyamorous: true }), /unknown option/);
});

test('socket options: properties, defaults and round trips', T, () => {
  const s = new Pair0();
  try {
    assert.equal(s.recvTimeout, -1);
    assert.equal(s.sendTimeout, -1);
    s.recvTimeout = 1234;
    s.sendTimeout = 4321;
    assert.equal(s.recvTimeout, 1234);
    assert.equal(s.sendTimeout, 4321);
    s.recvBufferSize = 7;
    s.sendBufferSize = 9;
    assert.equal(s.recvBufferSize, 7);
    assert.equal(s.sendBufferSize, 9);
    assert.equal(s.recvMaxSize, 0); // NNG's default: no limit
    s.recvMaxSize = 0;
    assert.equal(s.recvMaxSize, 0);
    s.reconnectTimeMin = 50;
    s.reconnectTimeMax = 500;
    assert.equal(s.reconnectTimeMin, 50);
    assert.equal(s.reconnectTimeMax, 500);
    assert.equal(s.name, String(s.id));
    s.name = 'my socket';
    assert.equal(s.name, 'my socket');
    assert.equal(typeof s.recvFd, 'number');
    assert.equal(typeof s.sendFd, 'number');
    assert.equal(typeof s.tcpNodelay, 'boolean');
    s.tcpNodelay = false;
    assert.equal(s.tcpNodelay, false);
    s.tcpKeepalive = true;
    assert.equal(s.tcpKeepalive, true);
    throwsNamed(assert, () => { s.protocol = 5; }, 'ReadOnly');
    throwsNamed(assert, () => { s.protocolName = 'x'; }, 'ReadOnly');
    throwsNamed(assert, () => s.ttlMax, 'NotSupported'); // pair0 has no ttl-max
    throwsNamed(assert, () => s.tlsConfig, 'WriteOnly');
    assert.throws(() => { s.recvTimeout = 1.5; }, TypeError);
    assert.throws(() => { s.name = 5; }, TypeError);
  } finally {
    s.close();
  }
});

test('constructor options are applied', T, () => {
  const s = new Pair0({
    recvTimeout: 11, sendTimeout: 12, recvBufferSize: 3, sendBufferSize: 4, recvMaxSize: 1000,
    reconnectTimeMin: 21, reconnectTimeMax: 22, name: 'constructed name',
  });
  try {
    assert.deepEqual(
      [s.recvTimeout, s.sendTimeout, s.recvBufferSize, s.sendBufferSize, s.recvMaxSize, s.reconnectTimeMin, s.reconnectTimeMax, s.name],
      [11, 12, 3, 4, 1000, 21, 22, 'constructed name'],
    );
  } finally {
    s.close();
  }
});

test('a shorter socket name replaces a longer one', () => {
  const s = new Pair0();
  try {
    s.name = 'my socket';
    s.name = 'ab';
    assert.equal(s.name, 'ab');
  } finally {
    s.close();
  }
});

test('a socket name of 64 bytes or more is refused', () => {
  const s = new Pair0();
  try {
    s.name = 'x'.repeat(63);
    assert.equal(s.name, 'x'.repeat(63));
    throwsNamed(assert, () => { s.name = 'x'.repeat(64); }, 'InvalidOperation');
    throwsNamed(assert, () => s.setOption('socket-name', 'é'.repeat(40)), 'InvalidOperation');
    assert.equal(s.name, 'x'.repeat(63));
  } finally {
    s.close();
  }
});

test('generic getOption / setOption', T, () => {
  const s = new Req0();
  try {
    s.setOption('recv-timeout', 77);
    assert.equal(s.getOption('recv-timeout'), 77);
    assert.equal(s.getOption('recv-timeout', 'ms'), 77);
    s.setOption('socket-name', 'generic');
    assert.equal(s.getOption('socket-name'), 'generic');
    assert.equal(s.getOption('raw'), false);
    s.setOption('req:resend-time', 1000, 'ms');
    assert.equal(s.resendTime, 1000);
    assert.equal(s.ttlMax, 8);
    s.ttlMax = 4;
    assert.equal(s.getOption('ttl-max', 'int'), 4);
    throwsNamed(assert, () => s.getOption('no-such-option'), 'NotSupported');
    throwsNamed(assert, () => s.setOption('no-such-option', 1), 'NotSupported');
    throwsNamed(assert, () => s.setOption('recv-timeout', 'soon'), 'BadType');
    throwsNamed(assert, () => s.getOption('recv-timeout', 'string'), 'BadType');
    throwsNamed(assert, () => s.setOption('protocol', 1), 'ReadOnly');
    assert.throws(() => s.getOption('recv-timeout', 'float'), TypeError);
  } finally {
    s.close();
  }
});

test('Pair1 polyamorous, Req0 resendTime, Surveyor0 surveyTime', T, () => {
  const poly = new Pair1({ polyamorous: true });
  const mono = new Pair1();
  const req = new Req0({ resendTime: 2500 });
  const sur = new Surveyor0({ surveyTime: 750 });
  try {
    assert.equal(poly.polyamorous, true);
    throwsNamed(assert, () => mono.polyamorous, 'NotSupported');
    assert.equal(req.resendTime, 2500);
    req.resendTime = 100;
    assert.equal(req.resendTime, 100);
    assert.equal(sur.surveyTime, 750);
  } finally {
    poly.close();
    mono.close();
    req.close();
    sur.close();
  }
});

test('listen / dial, Listener and Dialer objects, dialers / listeners / pipes getters', T, async () => {
  const a = new Pair0({ recvTimeout: 5000 });
  const b = new Pair0({ recvTimeout: 5000 });
  try {
    const l = a.listen('tcp://127.0.0.1:0');
    assert.ok(l instanceof Listener);
    assert.ok(l.port > 0);
    assert.equal(l.socket, a);
    assert.match(l.url, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const la = l.localAddress;
    assert.ok(la instanceof SockAddr);
    assert.equal(la.familyName, 'inet');
    assert.equal(la.address, '127.0.0.1');
    assert.equal(la.port, l.port);
    assert.equal(String(la), `tcp://127.0.0.1:${l.port}`);
    assert.deepEqual(a.listenerList(), [l]);
    assert.deepEqual(a.dialers, []);

    const d = await b.dial(`tcp://127.0.0.1:${l.port}`, { block: true });
    assert.ok(d instanceof Dialer);
    assert.equal(d.socket, b);
    assert.deepEqual(b.dialers, [d]);
    assert.equal(d.url, `tcp://127.0.0.1:${l.port}`);
    d.reconnectTimeMin = 20;
    assert.equal(d.reconnectTimeMin, 20);

    await waitForPipes(a, 1);
    await waitForPipes(b, 1);
    const [pa] = a.pipes;
    const [pb] = b.pipes;
    assert.ok(pa instanceof Pipe);
    assert.equal(pa.socket, a);
    assert.equal(pa.listener, l);
    assert.equal(pa.dialer, null);
    assert.equal(pb.dialer, d);
    assert.equal(pb.listener, null);
    assert.equal(pa.remoteAddress.port, pb.localAddress.port);
    assert.equal(pa.localAddress.port, l.port);
    assert.equal(pa.protocolName, 'pair');
    assert.equal(pa.peerName, 'pair');
    assert.equal(pa.protocol, 16);
    assert.equal(typeof pa.tcpNodelay, 'boolean');
    assert.match(pb.url, /^tcp:\/\//);
    assert.equal(pa.getOption('remote-address').familyName, 'inet');

    await b.send(Buffer.from('x'));
    const msg = await a.recvMsg();
    assert.equal(msg.pipe, pa); // same Pipe object
    assert.equal(msg.pipe.id, pa.id);

    d.close();
    d.close(); // idempotent
    assert.deepEqual(b.dialers, []);
    l.close();
    l.close();
    assert.deepEqual(a.listenerList(), []);
  } finally {
    a.close();
    b.close();
  }
});

test('createListener / createDialer: options before start', T, async () => {
  const a = new Pair0({ recvTimeout: 5000 });
  const b = new Pair0({ recvTimeout: 5000 });
  try {
    const url = inproc('create');
    const l = a.createListener(url);
    l.recvMaxSize = 4096;
    assert.equal(l.recvMaxSize, 4096);
    l.start();
    const d = b.createDialer(url);
    d.reconnectTimeMin = 10;
    await d.start({ block: true });
    await b.send(Buffer.from('via created endpoints'));
    assert.equal((await a.recv()).toString(), 'via created endpoints');
  } finally {
    a.close();
    b.close();
  }
});

test('dial modes: await block true, false / default (background), dialSync', T, async () => {
  const url = inproc('dialmodes');
  const s = new Push0({ reconnectTimeMin: 10, reconnectTimeMax: 50 });
  const s2 = new Push0({ reconnectTimeMin: 10, reconnectTimeMax: 50 });
  const s3 = new Push0({ reconnectTimeMin: 10, reconnectTimeMax: 50 });
  const server = new Pull0({ recvTimeout: 5000 });
  try {
    await assert.rejects(s.dial(url, { block: true }), (e) => {
      assert.equal(e.name, 'ConnectionRefused');
      assert.equal(e.code, 'ECONNREFUSED');
      assert.equal(e.url, url);
      assert.equal(e.op, 'dial');
      assert.ok(e.message.includes(url), e.message);
      return true;
    });
    assert.deepEqual(s.dialers, []); // a failed blocking dial leaves no dialer
    throwsNamed(assert, () => s.dialSync(url, { block: true }), 'ConnectionRefused');
    assert.deepEqual(s.dialers, []);
    const bg = s.dial(url, { block: false }); // retried in the background
    assert.ok(bg instanceof Dialer);
    assert.deepEqual(s.dialers, [bg]);
    const dflt = s2.dial(url); // returns at once, retried in the background
    assert.ok(dflt instanceof Dialer);
    const fallback = s3.dialSync(url); // tries, fails, goes on in the background: no error
    assert.ok(fallback instanceof Dialer);
    assert.throws(() => s.dial(url, { block: 'yes' }), TypeError);
    server.listen(url);
    await waitForPipes(s, 1);
    await waitForPipes(s2, 1);
    await waitForPipes(s3, 1);
    await s.send(Buffer.from('late'));
    await s2.send(Buffer.from('later'));
    await s3.send(Buffer.from('latest'));
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await server.recv()).toString());
    assert.deepEqual(got.sort(), ['late', 'later', 'latest']);
  } finally {
    s.close();
    s2.close();
    s3.close();
    server.close();
  }
});

test('blockOnDial constructor option: false is the default, true is refused (it would block)', T, () => {
  const url = inproc('blockondial');
  assert.throws(() => new Pair0({ dial: url, blockOnDial: true }), /await sock\.dial/);
  const s = new Pair0({ dial: url, blockOnDial: false });
  assert.equal(s.dialers.length, 1);
  s.close();
});

test('send / recv variants: Buffer, TypedArray, ArrayBuffer, empty, binary', T, async () => {
  const url = inproc('variants');
  const a = new Pair0({ listen: url, recvTimeout: 5000 });
  const b = new Pair0({ dial: url, recvTimeout: 5000 });
  try {
    const binary = Buffer.from([0, 1, 2, 0, 255, 0]);
    await a.send(binary);
    assert.deepEqual(await b.recv(), binary);
    await a.send(new Uint16Array([0x0102, 0x0304]));
    assert.equal((await b.recv()).length, 4);
    await a.send(new Uint8Array([9, 8, 7]).buffer);
    assert.deepEqual(await b.recv(), Buffer.from([9, 8, 7]));
    await a.send(Buffer.alloc(0));
    assert.deepEqual(await b.recv(), Buffer.alloc(0));
    a.sendSync(Buffer.alloc(0));
    assert.deepEqual(b.recvSync(), Buffer.alloc(0));
    const slice = Buffer.from('0123456789').subarray(3, 6);
    a.sendSync(slice);
    assert.equal(b.recvSync().toString(), '345');
    const big = Buffer.alloc(512 * 1024, 7);
    await a.send(big);
    assert.deepEqual(await b.recv(), big);
    await assert.rejects(a.send('a string'), TypeError);
    assert.throws(() => a.sendSync('a string'), TypeError);
    await assert.rejects(a.send(42), TypeError);
  } finally {
    a.close();
    b.close();
  }
});

test('sendSync / recvSync with block:false give TryAgain', T, () => {
  const url = inproc('nonblock');
  const a = new Pair0({ listen: url });
  const b = new Pair0({ dial: url });
  try {
    throwsNamed(assert, () => b.recvSync({ block: false }), 'TryAgain');
    const lonely = new Pair0();
    throwsNamed(assert, () => lonely.sendSync(Buffer.from('x'), { block: false }), 'TryAgain');
    lonely.close();
  } finally {
    a.close();
    b.close();
  }
});

test('Message, recvMsg, sendMsg (also routed to a pipe), recvMsgSync, sendMsgSync', T, async () => {
  const url = inproc('msg');
  const a = new Pair1({ listen: url, polyamorous: true, recvTimeout: 5000 });
  const b = new Pair1({ dial: url, polyamorous: true, recvTimeout: 5000 });
  const c = new Pair1({ dial: url, polyamorous: true, recvTimeout: 300 });
  try {
    await waitForPipes(a, 2);
    const m = new Message(Buffer.from('hello'));
    assert.equal(m.pipe, null);
    assert.deepEqual(m.data, Buffer.from('hello'));
    assert.throws(() => new Message(Buffer.from('x'), 'not a pipe'), TypeError);
    await b.sendMsg(m);
    const got = await a.recvMsg();
    assert.ok(got instanceof Message);
    assert.equal(got.bytes.toString(), 'hello');
    assert.ok(got.pipe instanceof Pipe);
    // reply through that pipe only: b gets it, c does not
    await a.sendMsg(new Message(Buffer.from('to b'), got.pipe));
    assert.equal((await b.recv()).toString(), 'to b');
    await rejectsNamed(assert, c.recv(), 'Timeout');
    b.sendMsgSync(new Message(Buffer.from('sync')));
    const got2 = a.recvMsgSync();
    assert.equal(got2.bytes.toString(), 'sync');
    assert.equal(got2.pipe, got.pipe);
    await got2.pipe.sendMsg(new Message(Buffer.from('pipe msg')));
    assert.equal((await b.recv()).toString(), 'pipe msg');
  } finally {
    a.close();
    b.close();
    c.close();
  }
});

test('Pipe.close drops that connection', T, async () => {
  const url = inproc('pipeclose');
  const a = new Pair0({ listen: url });
  const b = new Pair0({ dial: url });
  try {
    await waitForPipes(a, 1);
    const [p] = a.pipes;
    p.close();
    assert.equal(p.closed, true);
    const end = Date.now() + 5000;
    while (a.pipes.length !== 0 && Date.now() < end) await sleep(5);
    assert.equal(a.pipes.length, 0);
  } finally {
    a.close();
    b.close();
  }
});

test('Sub0: subscribe / unsubscribe, topics option, strings are fully UTF-8 encoded', T, async () => {
  const url = inproc('sub');
  const pub = new Pub0({ listen: url });
  const sub = new Sub0({ dial: url, recvTimeout: 300, topics: ['a:', Buffer.from([0, 1])] });
  const subE = new Sub0({ dial: url, recvTimeout: 300, topics: 'é' });
  try {
    await waitForPipes(pub, 2);
    await pub.send(Buffer.from('a:1'));
    await pub.send(Buffer.from([0, 1, 2]));
    await pub.send(Buffer.from('b:ignored'));
    const OK = { timeout: 5000 };
    assert.equal((await sub.recv(OK)).toString(), 'a:1');
    assert.deepEqual(await sub.recv(OK), Buffer.from([0, 1, 2]));
    await rejectsNamed(assert, sub.recv(), 'Timeout');
    sub.unsubscribe('a:');
    throwsNamed(assert, () => sub.unsubscribe('never subscribed'), 'NoEntry');
    await pub.send(Buffer.from('a:2'));
    await rejectsNamed(assert, sub.recv(), 'Timeout');
    sub.subscribe('');
    await pub.send(Buffer.from('anything'));
    assert.equal((await sub.recv(OK)).toString(), 'anything');
    // 'é' is two bytes (c3 a9); pynng's bug subscribed only to "\xc3"
    await pub.send(Buffer.from([0xc3, 0x78]));
    await pub.send(Buffer.from('éclair'));
    assert.equal((await subE.recv(OK)).toString(), 'éclair');
    await rejectsNamed(assert, subE.recv(), 'Timeout');
  } finally {
    pub.close();
    sub.close();
    subE.close();
  }
});

test('recvMaxSize: oversize messages are dropped', T, async () => {
  const url = inproc('maxsize');
  const a = new Pair0({ listen: url, recvMaxSize: 100, recvTimeout: 300 });
  const b = new Pair0({ dial: url });
  try {
    // inproc does not enforce recv-size-max; use tcp
    const tcpA = new Pair0({ recvMaxSize: 100, recvTimeout: 300 });
    const tcpB = new Pair0({ dial: listenTcp(tcpA) });
    try {
      await tcpB.send(Buffer.alloc(1000));
      await rejectsNamed(assert, tcpA.recv(), 'Timeout');
      await tcpB.send(Buffer.alloc(50));
      assert.equal((await tcpA.recv({ timeout: 5000 })).length, 50);
    } finally {
      tcpA.close();
      tcpB.close();
    }
  } finally {
    a.close();
    b.close();
  }
});

test('contexts: Rep0 serves several requests at once; Req0 contexts in parallel', T, async () => {
  const url = inproc('ctx');
  const rep = new Rep0({ listen: url });
  const req = new Req0({ dial: url });
  try {
    const serve = async (ctx) => {
      const q = await ctx.recv();
      await ctx.send(Buffer.concat([Buffer.from('re:'), q]));
    };
    const repCtxs = [rep.newContext(), rep.newContext(), rep.newContext()];
    assert.ok(repCtxs[0] instanceof Context);
    assert.equal(repCtxs[0].socket, rep);
    const servers = repCtxs.map(serve);
    const reqCtxs = [req.newContext(), req.newContext(), req.newContext()];
    const answers = await Promise.all(
      reqCtxs.map(async (ctx, i) => {
        await ctx.send(Buffer.from(`q${i}`));
        return (await ctx.recv()).toString();
      }),
    );
    assert.deepEqual(answers, ['re:q0', 're:q1', 're:q2']);
    await Promise.all(servers);
    // sync context calls and recvMsg / sendMsg
    const rc = rep.newContext();
    const qc = req.newContext();
    qc.sendSync(Buffer.from('sync q'));
    const m = rc.recvMsgSync();
    assert.equal(m.bytes.toString(), 'sync q');
    rc.sendSync(Buffer.from('sync a'));
    assert.equal(qc.recvSync().toString(), 'sync a');
    await qc.sendMsg(new Message(Buffer.from('msg q')));
    const m2 = await rc.recvMsg();
    assert.equal(m2.bytes.toString(), 'msg q');
    await rc.send(Buffer.from('msg a'));
    assert.equal((await qc.recvMsg()).bytes.toString(), 'msg a');
    // per-context timeouts
    qc.recvTimeout = 50;
    assert.equal(qc.recvTimeout, 50);
    qc.sendTimeout = 60;
    assert.equal(qc.getOption('send-timeout', 'ms'), 60);
    await qc.send(Buffer.from('unanswered'));
    await rejectsNamed(assert, qc.recv(), 'Timeout');
    qc.close();
    qc.close(); // idempotent
    assert.equal(qc.closed, true);
    await rejectsNamed(assert, qc.recv(), 'Closed');
    for (const c of [...repCtxs, ...reqCtxs, rc]) c.close();
  } finally {
    rep.close();
    req.close();
  }
});

test('contexts are NotSupported on Pair0 / Pub0 / Push0 / Bus0; Sub0 contexts subscribe', T, async () => {
  for (const cls of [Pair0, Pair1, Pub0, Push0, Pull0, Bus0]) {
    const s = new cls();
    throwsNamed(assert, () => s.newContext(), 'NotSupported');
    s.close();
  }
  const url = inproc('subctx');
  const pub = new Pub0({ listen: url });
  const sub = new Sub0({ dial: url });
  try {
    const ctx = sub.newContext();
    ctx.recvTimeout = 300;
    ctx.subscribe('hot');
    await waitForPipes(pub, 1);
    await pub.send(Buffer.from('cold'));
    await pub.send(Buffer.from('hot stuff'));
    assert.equal((await ctx.recv({ timeout: 5000 })).toString(), 'hot stuff');
    ctx.unsubscribe('hot');
    await pub.send(Buffer.from('hot again'));
    await rejectsNamed(assert, ctx.recv(), 'Timeout');
    ctx.close();
  } finally {
    pub.close();
    sub.close();
  }
});

test('pipe events: pipeAddPre, pipeAddPost, pipeRemovePost as EventEmitter events', T, async () => {
  const url = inproc('events');
  const server = new Pair0();
  const seen = [];
  const done = new Promise((resolve) => {
    server.on('pipeAddPre', (p) => seen.push(['pre', p.id]));
    server.on('pipeAddPost', (p) => seen.push(['post', p.id]));
    server.on('pipeRemovePost', (p) => {
      seen.push(['rem', p.id]);
      resolve();
    });
  });
  try {
    assert.equal(server.listenerCount('pipeAddPost'), 1);
    server.listen(url);
    const client = new Pair0({ dial: url });
    await waitForPipes(server, 1);
    const [pipe] = server.pipes;
    client.close();
    await done;
    const ids = new Set(seen.map(([, id]) => id));
    assert.deepEqual([...ids], [pipe.id]);
    assert.deepEqual(seen.map(([k]) => k).sort(), ['post', 'pre', 'rem']);
    assert.equal(seen[seen.length - 1][0], 'rem');
    // removing the listeners unregisters them
    server.removeAllListeners('pipeAddPre');
    server.removeAllListeners('pipeAddPost');
    server.removeAllListeners('pipeRemovePost');
    assert.equal(pnng._dispatcher.eventSockets.has(server.id), false);
  } finally {
    server.close();
  }
});

test('pipe events fire for the dialing side too, and on close()', T, async () => {
  const url = inproc('events2');
  const server = new Pair0({ listen: url });
  const client = new Pair0();
  const events = [];
  client.on('pipeAddPost', (p) => events.push(['post', p]));
  client.on('pipeRemovePost', (p) => events.push(['rem', p]));
  await client.dial(url, { block: true });
  await waitForPipes(client, 1);
  const end = Date.now() + 5000;
  while (events.length < 1 && Date.now() < end) await sleep(5);
  assert.equal(events[0][0], 'post');
  assert.equal(events[0][1].dialer, client.dialers[0]);
  server.close();
  while (events.length < 2 && Date.now() < end) await sleep(5);
  assert.equal(events[1][0], 'rem');
  assert.equal(events[1][1].id, events[0][1].id);
  client.close();
});

test('device forwards between raw sockets and ends when a socket closes', T, async () => {
  const front = new Rep0({ raw: true });
  const back = new Req0({ raw: true });
  const frontUrl = inproc('devfront');
  const backUrl = inproc('devback');
  front.listen(frontUrl);
  back.listen(backUrl);
  const running = pnng.device(front, back);
  const client = new Req0({ dial: frontUrl, recvTimeout: 5000 });
  const server = new Rep0({ dial: backUrl, recvTimeout: 5000 });
  try {
    await client.send(Buffer.from('via device'));
    assert.equal((await server.recv()).toString(), 'via device');
    await server.send(Buffer.from('answer'));
    assert.equal((await client.recv()).toString(), 'answer');
  } finally {
    client.close();
    server.close();
    front.close();
    back.close();
  }
  await running;
});

test('Symbol.dispose / Symbol.asyncDispose close the socket', { ...T, skip: typeof Symbol.dispose !== 'symbol' && 'Symbol.dispose is not defined' }, async () => {
  const s = new Pair0();
  s[Symbol.dispose]();
  assert.equal(s.closed, true);
  const t = new Pair0();
  await t[Symbol.asyncDispose]();
  assert.equal(t.closed, true);
  const u = new Req0();
  const c = u.newContext();
  c[Symbol.dispose]();
  assert.equal(c.closed, true);
  u.close();
});

test('errors are PnngError instances with codes and pynng names', () => {
  const s = new Pair0();
  s.close();
  try {
    s.sendSync(Buffer.from('x'));
    assert.fail('expected Closed');
  } catch (e) {
    assert.ok(e instanceof PnngError);
    assert.ok(e instanceof Error);
    assert.ok(e instanceof pnng.Closed);
    assert.equal(e.code, 'ECLOSED');
    assert.equal(e.errno, 7);
    assert.equal(e.name, 'Closed');
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0);
  }
});

test('Dialer / Listener / Context getOption and setOption; Socket.setOption with bytes', T, async () => {
  const url = inproc('endpointopts');
  const pub = new Pub0();
  const sub = new Sub0({ recvTimeout: 300 });
  try {
    const l = pub.listen(url);
    l.setOption('recv-size-max', 2048);
    assert.equal(l.getOption('recv-size-max'), 2048);
    assert.equal(l.getOption('url', 'string'), url);
    const d = await sub.dial(url, { block: true });
    d.setOption('reconnect-time-min', 33, 'ms');
    assert.equal(d.getOption('reconnect-time-min'), 33);
    throwsNamed(assert, () => d.getOption('no-such-option'), 'NotSupported');
    throwsNamed(assert, () => d.setOption('url', 'inproc://other'), 'ReadOnly');
    sub.setOption('sub:subscribe', Buffer.from('raw-topic'));
    await waitForPipes(pub, 1);
    await pub.send(Buffer.from('raw-topic!'));
    assert.equal((await sub.recv({ timeout: 5000 })).toString(), 'raw-topic!');
    sub.setOption('sub:unsubscribe', Buffer.from('raw-topic'), 'bytes');
    await pub.send(Buffer.from('raw-topic again'));
    await rejectsNamed(assert, sub.recv(), 'Timeout');
    const rep = new Rep0();
    const ctx = rep.newContext();
    ctx.setOption('recv-timeout', 42);
    assert.equal(ctx.getOption('recv-timeout'), 42);
    assert.equal(ctx.recvTimeout, 42);
    rep.close();
  } finally {
    pub.close();
    sub.close();
  }
});

test('SockAddr for inproc, ipc, abstract and tcp6 addresses', T, async () => {
  const cases = [
    [inproc('addr'), 'inproc'],
    [`ipc:///tmp/pnng-node-${process.pid}.ipc`, 'ipc'],
  ];
  if (process.platform === 'linux') cases.push([`abstract://pnng-node-${process.pid}`, 'abstract']);
  for (const [url, family] of cases) {
    const a = new Pair0();
    const b = new Pair0();
    try {
      a.listen(url);
      await b.dial(url, { block: true });
      await waitForPipes(a, 1);
      const addr = a.pipes[0].localAddress;
      assert.equal(addr.familyName, family, url);
      assert.equal(String(addr), url);
      assert.ok(addr.path.length > 0);
      assert.deepEqual(addr.pathBytes, Buffer.from(addr.path));
    } finally {
      a.close();
      b.close();
    }
  }
  const s6 = new Pair0();
  try {
    let l;
    try {
      l = s6.listen('tcp://[::1]:0');
    } catch (e) {
      return; // no IPv6 loopback here
    }
    const addr = l.localAddress;
    assert.equal(addr.familyName, 'inet6');
    assert.equal(addr.address, '::1');
    assert.equal(String(addr), `tcp://[::1]:${l.port}`);
  } finally {
    s6.close();
  }
});

test('closing a pipe from a pipeAddPre listener drops the connection', T, async () => {
  const url = inproc('reject');
  const server = new Pair0({ listen: url });
  const rejected = [];
  server.on('pipeAddPre', (p) => {
    rejected.push(p.id);
    p.close();
  });
  const client = new Pair0({ dial: url });
  try {
    const end = Date.now() + 5000;
    while (rejected.length === 0 && Date.now() < end) await sleep(5);
    assert.equal(rejected.length, 1);
    while (server.pipes.length > 0 && Date.now() < end) await sleep(5);
    assert.equal(server.pipes.length, 0);
  } finally {
    server.close();
    client.close();
  }
});

test('pipe-event registration follows on / once / off / removeAllListeners', T, async () => {
  const s = new Pair0();
  const active = () => pnng._dispatcher.eventSockets.has(s.id);
  try {
    const f = () => {};
    assert.deepEqual(s.eventNames(), []);
    s.on('pipeAddPost', f);
    assert.equal(active(), true);
    s.off('pipeAddPost', f);
    assert.equal(active(), false);
    s.once('pipeAddPost', f);
    assert.equal(active(), true);
    s.removeAllListeners();
    assert.equal(active(), false);
    // a once() listener unregisters itself after firing
    const url = inproc('once');
    s.listen(url);
    const fired = new Promise((resolve) => s.once('pipeAddPost', resolve));
    const c = new Pair0({ dial: url });
    const pipe = await fired;
    assert.ok(pipe instanceof Pipe);
    assert.equal(active(), false);
    c.close();
  } finally {
    s.close();
  }
});

test('pipes / dialers getters grow past their first buffer (EMSGSIZE path)', T, async () => {
  const url = inproc('manypipes');
  const pull = new Pull0({ listen: url });
  const pushers = [];
  const multi = new Push0();
  try {
    for (let i = 0; i < 20; i++) pushers.push(new Push0({ dial: url }));
    for (let i = 0; i < 20; i++) await multi.dial(url, { block: true });
    await waitForPipes(pull, 40);
    assert.equal(pull.pipes.length, 40);
    assert.equal(new Set(pull.pipes.map((p) => p.id)).size, 40);
    assert.equal(multi.dialers.length, 20);
    assert.equal(multi.pipes.length, 20);
  } finally {
    pull.close();
    multi.close();
    for (const p of pushers) p.close();
  }
});

test('Socket is an unshadowed EventEmitter: listeners(), events.getEventListeners; listenerList() lists Listeners', T, () => {
  const events = require('node:events');
  const s = new Pair0();
  try {
    const h = () => {};
    s.on('pipeAddPost', h);
    assert.deepEqual(s.listeners('pipeAddPost'), [h]);
    assert.deepEqual(events.getEventListeners(s, 'pipeAddPost'), [h]);
    assert.equal(events.listenerCount(s, 'pipeAddPost'), 1);
    const l = s.listen(inproc('unshadowed'));
    assert.deepEqual(s.listenerList(), [l]);
    s.off('pipeAddPost', h);
    assert.deepEqual(events.getEventListeners(s, 'pipeAddPost'), []);
  } finally {
    s.close();
  }
});

test('Dialer.start() with no arguments behaves like the default dial; startSync() falls back like dialSync()', T, async () => {
  const url = inproc('dialerstart');
  const a = new Push0({ reconnectTimeMin: 10, reconnectTimeMax: 50 });
  const b = new Push0({ reconnectTimeMin: 10, reconnectTimeMax: 50 });
  const c = new Push0({ reconnectTimeMin: 10, reconnectTimeMax: 50 });
  const server = new Pull0({ recvTimeout: 5000 });
  try {
    const da = a.createDialer(url);
    assert.equal(da.start(), undefined); // returns at once; nobody listens yet: background
    const db = b.createDialer(url);
    db.startSync(); // tries, fails, goes on in the background (PNNG_DIAL_FALLBACK)
    const dc = c.createDialer(url);
    throwsNamed(assert, () => dc.startSync({ block: true }), 'ConnectionRefused');
    await assert.rejects(dc.start({ block: true }), (e) => e.code === 'ECONNREFUSED' && e.url === url);
    assert.deepEqual(c.dialers, []); // a failed blocking start closes its dialer
    server.listen(url);
    await waitForPipes(a, 1);
    await waitForPipes(b, 1);
    await a.send(Buffer.from('a'));
    await b.send(Buffer.from('b'));
    const got = [(await server.recv()).toString(), (await server.recv()).toString()].sort();
    assert.deepEqual(got, ['a', 'b']);
    assert.deepEqual(a.dialers, [da]);
    assert.deepEqual(b.dialers, [db]);
  } finally {
    a.close();
    b.close();
    c.close();
    server.close();
  }
});
