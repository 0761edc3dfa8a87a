'use strict';
// Push0 / Pull0 (pynng's pipeline example): each message goes to one puller, round robin.
const assert = require('node:assert/strict');
const { setTimeout: sleep } = require('node:timers/promises');
const { Push0, Pull0, Timeout } = require('pnng');

const address = process.argv[2] || 'tcp://127.0.0.1:31313';

async function main() {
  const push = new Push0({ listen: address });
  const pull0 = new Pull0({ dial: address, recvTimeout: 5000 });
  const pull1 = new Pull0({ dial: address, recvTimeout: 5000 });
  try {
    // give some time to connect
    while (push.pipes.length < 2) await sleep(10);
    await push.send(Buffer.from('hi some node'));
    await push.send(Buffer.from('hi some other node'));
    console.log((await pull0.recv()).toString()); // prints hi some node (or the other one)
    console.log((await pull1.recv()).toString()); // prints hi some other node
    // Cannot get more, since messages are sent round robin
    await assert.rejects(pull0.recv({ timeout: 100 }), Timeout);
  } finally {
    for (const s of [push, pull0, pull1]) s.close();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
