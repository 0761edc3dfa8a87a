'use strict';
// Pub0 / Sub0 (pynng's pub/sub example): topics are matched on the first bytes.
const assert = require('node:assert/strict');
const { setTimeout: sleep } = require('node:timers/promises');
const { Pub0, Sub0, Timeout } = require('pnng');

const address = process.argv[2] || 'tcp://127.0.0.1:31313';

async function main() {
  const pub = new Pub0({ listen: address });
  const [sub0, sub1, sub2] = [0, 1, 2].map(() => new Sub0({ dial: address, recvTimeout: 5000 }));
  const sub3 = new Sub0({ dial: address, recvTimeout: 100 });
  try {
    sub0.subscribe(Buffer.from('wolf'));
    sub1.subscribe(Buffer.from('puppy'));
    // The empty string matches everything!
    sub2.subscribe(Buffer.from(''));
    // two messages are sent before anything is received, and sub2 must keep both
    sub2.recvBufferSize = 2;
    // sub3 is not subscribed to anything
    // make sure everyone is connected
    while (pub.pipes.length < 4) await sleep(10);
    await sleep(50);
    await pub.send(Buffer.from('puppy: that is a cute dog'));
    await pub.send(Buffer.from('wolf: that is a big dog'));
    console.log((await sub0.recv()).toString()); // prints wolf... since that is the matching message
    console.log((await sub1.recv()).toString()); // prints puppy... since that is the matching message
    // sub2 will receive all messages (since empty string matches everything)
    console.log((await sub2.recv()).toString()); // prints puppy... since it was sent first
    console.log((await sub2.recv()).toString()); // prints wolf... since it was sent second
    await assert.rejects(sub3.recv(), Timeout);
    console.log('got a Timeout since sub3 had no subscriptions');
  } finally {
    for (const s of [pub, sub0, sub1, sub2, sub3]) s.close();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
