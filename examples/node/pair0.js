'use strict';
// Pair0 (pynng's Pair0 example): one-to-one, both directions.
const { Pair0 } = require('pnng');

const address = process.argv[2] || 'tcp://127.0.0.1:13131';

async function main() {
  // in real code you should also pass recvTimeout and/or sendTimeout
  const s0 = new Pair0({ listen: address, recvTimeout: 5000 });
  const s1 = new Pair0({ dial: address, recvTimeout: 5000 });
  try {
    await s0.send(Buffer.from('hello s1'));
    console.log((await s1.recv()).toString()); // prints hello s1
    await s1.send(Buffer.from('hi old buddy s0, great to see ya'));
    console.log((await s0.recv()).toString()); // prints hi old buddy s0, great to see ya
  } finally {
    s0.close();
    s1.close();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
