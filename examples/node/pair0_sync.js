'use strict';
// Pair0 with the synchronous calls (pynng's synchronous Pair0 example). They block the event
// loop, so they suit scripts only.
const { Pair0 } = require('pnng');

const address = process.argv[2] || 'tcp://127.0.0.1:13131';
const s0 = new Pair0({ listen: address, recvTimeout: 5000 });
const s1 = new Pair0({ dial: address, recvTimeout: 5000 });
try {
  s0.sendSync(Buffer.from('hello s1'));
  console.log(s1.recvSync().toString()); // prints hello s1
  s1.sendSync(Buffer.from('hi old buddy s0, great to see ya'));
  console.log(s0.recvSync().toString()); // prints hi old buddy s0, great to see ya
} finally {
  s0.close();
  s1.close();
}
