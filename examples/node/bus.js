'use strict';
// Bus0 (pynng's bus example): a message reaches the directly connected peers only.
const assert = require('node:assert/strict');
const { setTimeout: sleep } = require('node:timers/promises');
const { Bus0, Timeout } = require('pnng');

const address = process.argv[2] || 'tcp://127.0.0.1:13131';

async function main() {
  const s0 = new Bus0({ listen: address, recvTimeout: 5000 });
  const s1 = new Bus0({ dial: address, recvTimeout: 5000 });
  const s2 = new Bus0({ dial: address, recvTimeout: 5000 });
  try {
    // let all connections be established
    while (s0.pipes.length < 2) await sleep(10);
    await s0.send(Buffer.from('hello buddies'));
    console.log((await s1.recv()).toString()); // prints hello buddies
    console.log((await s2.recv()).toString()); // prints hello buddies
    await s1.send(Buffer.from('hi s0'));
    console.log((await s0.recv()).toString()); // prints hi s0
    // s2 is not directly connected to s1.
    await assert.rejects(s2.recv({ timeout: 100 }), Timeout);
    console.log('s2 is not connected directly to s1!');
  } finally {
    for (const s of [s0, s1, s2]) s.close();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
