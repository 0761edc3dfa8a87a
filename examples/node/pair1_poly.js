'use strict';
// Pair1 polyamorous (pynng's Pair1 example): one listener, two peers, each answered through
// the pipe its message came from.
const { Pair1 } = require('pnng');

const address = process.argv[2] || 'tcp://127.0.0.1:12343';

async function main() {
  const opts = { polyamorous: true, recvTimeout: 5000 };
  const s0 = new Pair1({ listen: address, ...opts });
  const s1 = new Pair1({ dial: address, ...opts });
  const s2 = new Pair1({ dial: address, ...opts });
  try {
    await s1.send(Buffer.from('hello from s1'));
    await s2.send(Buffer.from('hello from s2'));
    const msg1 = await s0.recvMsg();
    const msg2 = await s0.recvMsg();
    console.log(msg1.bytes.toString()); // prints hello from s1 (or s2: the two race)
    console.log(msg2.bytes.toString());
    await msg1.pipe.send(Buffer.from('hey ' + msg1.bytes.toString().slice(-2)));
    await msg2.pipe.send(Buffer.from('hey ' + msg2.bytes.toString().slice(-2)));
    console.log((await s2.recv()).toString()); // prints hey s2
    console.log((await s1.recv()).toString()); // prints hey s1
  } finally {
    s0.close();
    s1.close();
    s2.close();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
