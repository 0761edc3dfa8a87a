'use strict';
// The examples of pynng's documentation, with await (and the synchronous ones with *Sync).
const test = require('node:test');
const assert = require('node:assert/strict');
const { Pair0, Pair1, Req0, Rep0, Pub0, Sub0, Push0, Pull0, Surveyor0, Respondent0, Bus0, Timeout } = require('..');
const { waitForPipes, rejectsNamed, T } = require('./helpers');

const LOCAL = 'tcp://127.0.0.1:0';
const urlOf = (sock) => `tcp://127.0.0.1:${sock.listenerList()[0].port}`;

test('Pair0: synchronous example', T, () => {
  const s0 = new Pair0({ listen: LOCAL, recvTimeout: 5000, sendTimeout: 5000 });
  const s1 = new Pair0({ dial: urlOf(s0), recvTimeout: 5000, sendTimeout: 5000 });
  try {
    s0.sendSync(Buffer.from('hello s1'));
    assert.deepEqual(s1.recvSync(), Buffer.from('hello s1'));
    s1.sendSync(Buffer.from('hi old buddy s0, great to see ya'));
    assert.deepEqual(s0.recvSync(), Buffer.from('hi old buddy s0, great to see ya'));
  } finally {
    s0.close();
    s1.close();
  }
});

test('Pair0: asynchronous example', T, async () => {
  const s0 = new Pair0({ listen: LOCAL, recvTimeout: 5000, sendTimeout: 5000 });
  const s1 = new Pair0({ dial: urlOf(s0), recvTimeout: 5000, sendTimeout: 5000 });
  try {
    await s0.send(Buffer.from('hello s1'));
    assert.deepEqual(await s1.recv(), Buffer.from('hello s1'));
    await s1.send(Buffer.from('hi old buddy s0, great to see ya'));
    assert.deepEqual(await s0.recv(), Buffer.from('hi old buddy s0, great to see ya'));
  } finally {
    s0.close();
    s1.close();
  }
});

for (const flavour of ['sync', 'async']) {
  test(`Pair1 polyamorous example (${flavour})`, T, async () => {
    const opts = { polyamorous: true, recvTimeout: 5000, sendTimeout: 5000 };
    const s0 = new Pair1({ listen: LOCAL, ...opts });
    const address = urlOf(s0);
    const s1 = new Pair1({ dial: address, ...opts });
    const s2 = new Pair1({ dial: address, ...opts });
    try {
      assert.equal(s0.polyamorous, true);
      await waitForPipes(s0, 2);
      let msg1;
      let msg2;
      if (flavour === 'sync') {
        s1.sendSync(Buffer.from('hello from s1'));
        s2.sendSync(Buffer.from('hello from s2'));
        msg1 = s0.recvMsgSync();
        msg2 = s0.recvMsgSync();
      } else {
        await s1.send(Buffer.from('hello from s1'));
        await s2.send(Buffer.from('hello from s2'));
        msg1 = await s0.recvMsg();
        msg2 = await s0.recvMsg();
      }
      // the two peers race; order the messages by their sender
      if (msg1.bytes.toString() !== 'hello from s1') [msg1, msg2] = [msg2, msg1];
      assert.equal(msg1.bytes.toString(), 'hello from s1');
      assert.equal(msg2.bytes.toString(), 'hello from s2');
      assert.notEqual(msg1.pipe.id, msg2.pipe.id);
      if (flavour === 'sync') {
        msg1.pipe.sendSync(Buffer.from('hey s1'));
        msg2.pipe.sendSync(Buffer.from('hey s2'));
        assert.equal(s2.recvSync().toString(), 'hey s2');
        assert.equal(s1.recvSync().toString(), 'hey s1');
      } else {
        await msg1.pipe.send(Buffer.from('hey s1'));
        await msg2.pipe.send(Buffer.from('hey s2'));
        assert.equal((await s2.recv()).toString(), 'hey s2');
        assert.equal((await s1.recv()).toString(), 'hey s1');
      }
    } finally {
      s0.close();
      s1.close();
      s2.close();
    }
  });
}

test('Req0/Rep0 example', T, async () => {
  const rep = new Rep0({ listen: LOCAL, recvTimeout: 5000 });
  const req = new Req0({ dial: urlOf(rep), recvTimeout: 5000 });
  try {
    await req.send(Buffer.from('random.random()'));
    const question = await rep.recv();
    assert.equal(question.toString(), 'random.random()');
    await rep.send(Buffer.from('4')); // guaranteed to be random
    assert.equal((await req.recv()).toString(), '4');
  } finally {
    rep.close();
    req.close();
  }
});

test('Pub0/Sub0 example', T, async () => {
  const pub = new Pub0({ listen: LOCAL });
  const address = urlOf(pub);
  const subs = [0, 1, 2, 3].map(() => new Sub0({ dial: address, recvTimeout: 300 }));
  const [sub0, sub1, sub2, sub3] = subs;
  try {
    sub0.subscribe(Buffer.from('wolf'));
    sub1.subscribe(Buffer.from('puppy'));
    sub2.subscribe(Buffer.from('')); // the empty topic matches everything
    sub2.recvBufferSize = 2;
    // sub3 is not subscribed to anything
    await waitForPipes(pub, 4);
    await pub.send(Buffer.from('puppy: that is a cute dog'));
    await pub.send(Buffer.from('wolf: that is a big dog'));
    // (a generous per-operation timeout where a message is expected: only sub3 must time out)
    const OK = { timeout: 5000 };
    assert.match((await sub0.recv(OK)).toString(), /^wolf/);
    assert.match((await sub1.recv(OK)).toString(), /^puppy/);
    assert.match((await sub2.recv(OK)).toString(), /^puppy/);
    assert.match((await sub2.recv(OK)).toString(), /^wolf/);
    await rejectsNamed(assert, sub3.recv(), 'Timeout');
  } finally {
    pub.close();
    for (const s of subs) s.close();
  }
});

test('Push0/Pull0 example', T, async () => {
  const push = new Push0({ listen: LOCAL });
  const address = urlOf(push);
  const pull0 = new Pull0({ dial: address, recvTimeout: 300 });
  const pull1 = new Pull0({ dial: address, recvTimeout: 300 });
  try {
    await waitForPipes(push, 2);
    await push.send(Buffer.from('hi some node'));
    await push.send(Buffer.from('hi some other node'));
    // Each message goes to exactly one puller (round robin); collect everything that arrives.
    const got = [];
    const deadline = Date.now() + 5000;
    while (got.length < 2 && Date.now() < deadline) {
      for (const pull of [pull0, pull1]) {
        try {
          got.push((await pull.recv({ timeout: 50 })).toString());
        } catch (e) {
          assert.ok(e instanceof Timeout, String(e));
        }
      }
    }
    // and nothing more: each message went to one puller only
    await rejectsNamed(assert, pull0.recv(), 'Timeout');
    await rejectsNamed(assert, pull1.recv(), 'Timeout');
    assert.deepEqual(got.sort(), ['hi some node', 'hi some other node']);
  } finally {
    push.close();
    pull0.close();
    pull1.close();
  }
});

test('Surveyor0/Respondent0 example', T, async () => {
  const surveyor = new Surveyor0({ listen: LOCAL });
  const address = urlOf(surveyor);
  const responder1 = new Respondent0({ dial: address, recvTimeout: 5000 });
  const responder2 = new Respondent0({ dial: address, recvTimeout: 5000 });
  try {
    await waitForPipes(surveyor, 2);
    surveyor.surveyTime = 1500; // the docs use 500 ms; more leaves room on a loaded machine
    assert.equal(surveyor.surveyTime, 1500);
    await surveyor.send(Buffer.from('who wants to party?'));
    assert.equal((await responder1.recv()).toString(), 'who wants to party?');
    assert.equal((await responder2.recv()).toString(), 'who wants to party?');
    await responder1.send(Buffer.from('me me me!!!'));
    await responder2.send(Buffer.from('I need to sit this one out.'));
    const responses = [];
    let over = false;
    while (!over) {
      try {
        responses.push((await surveyor.recv()).toString());
      } catch (e) {
        assert.equal(e.name, 'Timeout'); // survey is OVER! Time for bed.
        over = true;
      }
    }
    assert.deepEqual(responses.sort(), ['I need to sit this one out.', 'me me me!!!']);
  } finally {
    surveyor.close();
    responder1.close();
    responder2.close();
  }
});

test('Bus0 example', T, async () => {
  const s0 = new Bus0({ listen: LOCAL, recvTimeout: 300 });
  const address = urlOf(s0);
  const s1 = new Bus0({ dial: address, recvTimeout: 300 });
  const s2 = new Bus0({ dial: address, recvTimeout: 300 });
  try {
    await waitForPipes(s0, 2);
    await s0.send(Buffer.from('hello buddies'));
    const OK = { timeout: 5000 };
    assert.equal((await s1.recv(OK)).toString(), 'hello buddies');
    assert.equal((await s2.recv(OK)).toString(), 'hello buddies');
    await s1.send(Buffer.from('hi s0'));
    assert.equal((await s0.recv(OK)).toString(), 'hi s0');
    // s2 is not directly connected to s1
    await rejectsNamed(assert, s2.recv(), 'Timeout');
  } finally {
    s0.close();
    s1.close();
    s2.close();
  }
});
