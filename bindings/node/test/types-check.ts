// Compile-only check of index.d.ts (npm run typecheck); never executed.
import * as pnng from '..';
import { getEventListeners } from 'node:events';
import { Pair0, Pair1, Req0, Rep0, Sub0, Pub0, Surveyor0, TLSConfig, Message, PnngError, Timeout } from '..';

async function demo(): Promise<void> {
  const addr = 'tcp://127.0.0.1:13131';
  const s0 = new Pair0({ listen: addr, recvTimeout: 1000 });
  const s1 = new Pair0({ dial: addr });
  const dd: pnng.Dialer = await s1.dial(addr, { block: true });
  const ds: pnng.Dialer = s1.dialSync(addr);
  await dd.start({ block: true });
  ds.startSync();
  await s0.send(Buffer.from('hello'));
  const b: Buffer = await s1.recv({ signal: AbortSignal.timeout(100) });
  s1.sendSync(new Uint8Array([1, 2]), { block: false });
  const m: Message = s0.recvMsgSync();
  if (m.pipe) await m.pipe.send(b);
  const into = Buffer.alloc(1024);
  const got: Buffer = await s1.recvInto(into, { timeout: 100 });
  const gotU8: Buffer = await s1.recvInto(new Uint8Array(64));
  void got;
  void gotU8;
  await s1.sendMsg(await s1.recvMsg(), { transfer: true });
  const unread: Message = await s1.recvMsg();
  const unreadLen: number = unread.byteLength;
  void unreadLen;
  unread.free();
  s1.sendMsgSync(m, { transfer: true, block: false });
  if (m.pipe) await m.pipe.sendMsg(m, { transfer: true });
  for await (const data of s0) {
    const x: Buffer = data;
    void x;
    break;
  }
  s0.on('pipeAddPost', (p) => console.log(p.id, p.remoteAddress.toString()));
  const l = s0.listenerList()[0];
  const handlers: Function[] = getEventListeners(s0, 'pipeAddPost');
  void handlers;
  const port: number = l.port;
  const d = s1.dial(addr, { block: false });
  d.close();
  void port;
  s0.recvTimeout = 100;
  const n: string = s0.protocolName;
  void n;
  const p1 = new Pair1({ polyamorous: true });
  const poly: boolean = p1.polyamorous;
  void poly;
  const req = new Req0({ resendTime: 100 });
  const ctx = req.newContext();
  ctx.recvTimeout = 10;
  await ctx.send(Buffer.alloc(1));
  ctx.close();
  const sub = new Sub0({ topics: ['a', Buffer.from('b')] });
  sub.subscribe('x');
  const sur = new Surveyor0({ surveyTime: 100 });
  sur.surveyTime = 50;
  const tls = new TLSConfig(TLSConfig.MODE_CLIENT, { serverName: 'localhost', caString: '...' });
  const tls2 = new TLSConfig({ mode: TLSConfig.MODE_SERVER, certKeyFile: '/x' });
  s0.tlsConfig = tls;
  tls2.close();
  try {
    await new Rep0().recv();
  } catch (e) {
    if (e instanceof PnngError && e.errno === pnng.codes.ETIMEDOUT) console.log(e.name);
    if (e instanceof PnngError && e.code === 'ETIMEDOUT') console.log(e.url, e.op);
    if (e instanceof Timeout) console.log('timeout');
  }
  const v: string = pnng.version();
  void v;
  s0.setOption('recv-timeout', 5, 'ms');
  const o = s0.getOption('socket-name');
  void o;
  await pnng.device(new Pub0({ raw: true }), new Sub0({ raw: true }));
  {
    using s = new Pair0();
    void s;
  }
  s0.close();
  s1.close();
}
void demo;
