'use strict';
// Error mapping and bad input.
const test = require('node:test');
const assert = require('node:assert/strict');
const pnng = require('..');
const { Pair0, Req0, Rep0, Pub0, Sub0, Push0, Pull0, PnngError, errorName, codes, TLSConfig } = pnng;
const { inproc, rejectsNamed, throwsNamed, T } = require('./helpers');

const EXPECTED = {
  1: 'Interrupted', 2: 'NoMemory', 3: 'InvalidOperation', 4: 'Busy', 5: 'Timeout', 6: 'ConnectionRefused',
  7: 'Closed', 8: 'TryAgain', 9: 'NotSupported', 10: 'AddressInUse', 11: 'BadState', 12: 'NoEntry',
  13: 'ProtocolError', 14: 'DestinationUnreachable', 15: 'AddressInvalid', 16: 'PermissionDenied',
  17: 'MessageTooLarge', 18: 'ConnectionAborted', 19: 'ConnectionReset', 20: 'Canceled', 21: 'OutOfFiles',
  22: 'OutOfSpace', 23: 'AlreadyExists', 24: 'ReadOnly', 25: 'WriteOnly', 26: 'CryptoError',
  27: 'AuthenticationError', 28: 'NoArgument', 29: 'Ambiguous', 30: 'BadType', 31: 'ConnectionShutdown',
  1000: 'Internal',
};

test('every code maps to its pynng name, class and message', () => {
  for (const [code, name] of Object.entries(EXPECTED)) {
    const c = Number(code);
    assert.equal(errorName(c), name);
    const e = new pnng[name](c);
    assert.ok(e instanceof PnngError);
    assert.equal(e.errno, c);
    assert.equal(typeof e.code, 'string');
    assert.equal(codes[e.code], c, `codes.${e.code}`);
    assert.equal(e.name, name);
    assert.ok(pnng.strerror(c).length > 0, `strerror(${c})`);
    assert.equal(pnng.errors[name], pnng[name]);
  }
  assert.equal(codes.ECONNSHUT, 31);
  assert.equal(codes.ETIMEDOUT, 5);
});

test('ESYSERR and ETRANERR ranges map to SystemError / TransportError', () => {
  const sys = codes.ESYSERR + 111; // ECONNREFUSED errno on Linux
  assert.equal(errorName(sys), 'SystemError');
  const e = new pnng.SystemError(sys);
  assert.equal(e.systemErrno, 111);
  assert.equal(e.errno, sys);
  assert.equal(e.code, 'ESYSERR');
  assert.ok(pnng.strerror(sys).length > 0);
  const tran = codes.ETRANERR + 3;
  assert.equal(errorName(tran), 'TransportError');
  assert.equal(new pnng.TransportError(tran).transportError, 3);
  assert.equal(new pnng.TransportError(tran).code, 'ETRANERR');
  assert.equal(errorName(codes.ESYSERR), 'SystemError');
  assert.equal(errorName(777), 'UnknownError');
});

test('operations on a closed socket give Closed; close is idempotent', T, async () => {
  const s = new Pair0();
  s.close();
  s.close();
  assert.equal(s.closed, true);
  await rejectsNamed(assert, s.send(Buffer.from('x')), 'Closed');
  await rejectsNamed(assert, s.recv(), 'Closed');
  await rejectsNamed(assert, s.recvMsg(), 'Closed');
  throwsNamed(assert, () => s.sendSync(Buffer.from('x')), 'Closed');
  throwsNamed(assert, () => s.recvSync(), 'Closed');
  throwsNamed(assert, () => s.recvTimeout, 'Closed');
  throwsNamed(assert, () => { s.recvTimeout = 5; }, 'Closed');
  throwsNamed(assert, () => s.dial(inproc('closed')), 'Closed');
  throwsNamed(assert, () => s.listen(inproc('closed')), 'Closed');
  throwsNamed(assert, () => s.newContext(), 'Closed');
  throwsNamed(assert, () => s.pipes, 'Closed');
});

test('bad URLs', T, async () => {
  const s = new Pair0();
  try {
    throwsNamed(assert, () => s.listen('nosuchscheme://x'), 'NotSupported');
    await assert.rejects(s.dial('tcp://127.0.0.1:notaport', { block: true }), (e) => e instanceof PnngError && e.url === 'tcp://127.0.0.1:notaport');
    assert.throws(() => s.dial('nosuchscheme://x'), (e) => e.name === 'NotSupported' && e.url === 'nosuchscheme://x' && e.op === 'dial');
    assert.throws(() => s.listen('not a url'), (e) => e.op === 'listen' && e.url === 'not a url' && e.message.includes('not a url'));
    assert.throws(() => s.listen('not a url'), PnngError);
    assert.throws(() => s.listen(42), TypeError);
    assert.throws(() => new Pair0({ listen: 'nosuchscheme://x' }), (e) => e.name === 'NotSupported');
  } finally {
    s.close();
  }
});

test('address in use', T, () => {
  const url = inproc('inuse');
  const a = new Pair0({ listen: url });
  const b = new Pair0();
  try {
    throwsNamed(assert, () => b.listen(url), 'AddressInUse');
  } finally {
    a.close();
    b.close();
  }
});

test('wrong direction: Pub0.recv, Sub0.send, Push0.recv, Pull0.send → NotSupported', T, async () => {
  const pub = new Pub0();
  const sub = new Sub0();
  const push = new Push0();
  const pull = new Pull0();
  try {
    await rejectsNamed(assert, pub.recv(), 'NotSupported');
    throwsNamed(assert, () => pub.recvSync(), 'NotSupported');
    await rejectsNamed(assert, sub.send(Buffer.from('x')), 'NotSupported');
    throwsNamed(assert, () => sub.sendSync(Buffer.from('x')), 'NotSupported');
    await rejectsNamed(assert, push.recv(), 'NotSupported');
    await rejectsNamed(assert, pull.send(Buffer.from('x')), 'NotSupported');
  } finally {
    pub.close();
    sub.close();
    push.close();
    pull.close();
  }
});

test('bad state: Req0.recv before send, Rep0.send before recv', T, async () => {
  const req = new Req0();
  const rep = new Rep0();
  try {
    await rejectsNamed(assert, req.recv(), 'BadState');
    throwsNamed(assert, () => req.recvSync(), 'BadState');
    await rejectsNamed(assert, rep.send(Buffer.from('x')), 'BadState');
    throwsNamed(assert, () => rep.sendSync(Buffer.from('x')), 'BadState');
  } finally {
    req.close();
    rep.close();
  }
});

test('timeouts: socket recvTimeout and per-operation timeout', T, async () => {
  const s = new Pair0({ recvTimeout: 20 });
  try {
    await rejectsNamed(assert, s.recv(), 'Timeout');
    throwsNamed(assert, () => s.recvSync(), 'Timeout');
    s.recvTimeout = -1;
    await rejectsNamed(assert, s.recv({ timeout: 20 }), 'Timeout');
    await assert.rejects(s.recv({ timeout: 1.5 }), TypeError);
    s.sendTimeout = 20;
    await rejectsNamed(assert, s.send(Buffer.from('nobody listens')), 'Timeout');
  } finally {
    s.close();
  }
});

test('a pending recv rejects with Closed when the socket closes', T, async () => {
  const s = new Pair0();
  // Both handlers attached before close: close() may settle both promises at once.
  const p = rejectsNamed(assert, s.recv(), 'Closed');
  const q = rejectsNamed(assert, s.recvMsg(), 'Closed');
  s.close();
  await p;
  await q;
});

test('TLSConfig argument validation', () => {
  assert.throws(() => new TLSConfig(7), TypeError);
  assert.throws(() => new TLSConfig(TLSConfig.MODE_CLIENT, { caString: 'x', caFiles: ['y'] }), TypeError);
  assert.throws(() => new TLSConfig(TLSConfig.MODE_CLIENT, { ownCertString: 'x' }), TypeError);
  assert.throws(() => new TLSConfig(TLSConfig.MODE_CLIENT, { ownCertString: 'x', ownKeyString: 'y', certKeyFile: 'z' }), TypeError);
  assert.throws(() => new TLSConfig(TLSConfig.MODE_CLIENT, { bogus: 1 }), TypeError);
  assert.throws(() => new TLSConfig(TLSConfig.MODE_CLIENT, { caString: 'not a certificate' }), PnngError);
  assert.throws(() => new TLSConfig(TLSConfig.MODE_SERVER, { certKeyFile: '/nonexistent/pnng.pem' }), PnngError);
  const cfg = new TLSConfig({ mode: TLSConfig.MODE_CLIENT, serverName: 'localhost', authMode: TLSConfig.AUTH_MODE_NONE });
  cfg.close();
  cfg.close();
  throwsNamed(assert, () => cfg.setServerName('x'), 'Closed');
  const s = new Pair0();
  assert.throws(() => { s.tlsConfig = {}; }, TypeError);
  s.close();
});
