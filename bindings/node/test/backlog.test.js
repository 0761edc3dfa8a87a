'use strict';
// tcpListenBacklog: a tcp:// listener's accept queue (default: the system's limit).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { Rep0, Req0, options: OPTIONS } = require('..');
const { inproc, throwsNamed } = require('./helpers');

function systemLimit() {
  try {
    return Number.parseInt(fs.readFileSync('/proc/sys/net/core/somaxconn', 'utf8'), 10);
  } catch {
    return undefined;
  }
}

test('a listener backlog defaults to the system limit and can be set before and after start', async () => {
  const rep = new Rep0();
  const req = new Req0({ recvTimeout: 5000 });
  try {
    const l = rep.createListener('tcp://127.0.0.1:0');
    assert.ok(l.tcpListenBacklog > 128);
    if (systemLimit() !== undefined) assert.equal(l.tcpListenBacklog, systemLimit());
    throwsNamed(assert, () => { l.tcpListenBacklog = 0; }, 'InvalidOperation');
    l.tcpListenBacklog = 32;
    assert.equal(l.tcpListenBacklog, 32);
    l.start();
    l.tcpListenBacklog = 1000;
    assert.equal(l.tcpListenBacklog, 1000);
    req.dial(`tcp://127.0.0.1:${l.port}`, { block: true });
    await req.send(Buffer.from('ping'));
    assert.equal((await rep.recv()).toString(), 'ping');
  } finally {
    req.close();
    rep.close();
  }
});

test('a socket backlog applies to its tcp listeners; other transports have none', () => {
  const rep = new Rep0();
  const other = new Rep0();
  try {
    assert.equal(OPTIONS.TCP_LISTEN_BACKLOG, 'tcp-listen-backlog');
    rep.tcpListenBacklog = 64;
    assert.equal(rep.listen('tcp://127.0.0.1:0').tcpListenBacklog, 64);
    throwsNamed(assert, () => { rep.tcpListenBacklog = -1; }, 'InvalidOperation');
    const l = other.listen(inproc('backlog'));
    throwsNamed(assert, () => l.tcpListenBacklog, 'NotSupported');
  } finally {
    rep.close();
    other.close();
  }
});
