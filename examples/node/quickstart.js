const { Rep0, Req0 } = require('pnng');

(async () => {
  const rep = new Rep0({ listen: 'tcp://127.0.0.1:5555' });
  const req = new Req0({ dial: 'tcp://127.0.0.1:5555' });
  await req.send(Buffer.from('2+2'));
  const question = await rep.recv();
  await rep.send(Buffer.from('4'));
  console.log(`${question} = ${await req.recv()}`); // prints 2+2 = 4
  rep.close();
  req.close();
})();
