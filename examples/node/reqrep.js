'use strict';
// Req0 / Rep0 (pynng's request/response example).
const { Req0, Rep0 } = require('pnng');

const address = process.argv[2] || 'tcp://127.0.0.1:13131';

async function main() {
  const rep = new Rep0({ listen: address, recvTimeout: 5000 });
  const req = new Req0({ dial: address, recvTimeout: 5000 });
  try {
    await req.send(Buffer.from('random.random()'));
    const question = await rep.recv();
    console.log(question.toString()); // prints random.random()
    await rep.send(Buffer.from('4')); // guaranteed to be random
    console.log((await req.recv()).toString()); // prints 4
  } finally {
    rep.close();
    req.close();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
