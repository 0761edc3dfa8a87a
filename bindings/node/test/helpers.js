'use strict';
// Shared test helpers.
const { setTimeout: sleep } = require('node:timers/promises');

/** Listens on an ephemeral TCP port and returns the URL to dial. */
function listenTcp(sock) {
  const l = sock.listen('tcp://127.0.0.1:0');
  return `tcp://127.0.0.1:${l.port}`;
}

let counter = 0;
/** A unique inproc URL. */
function inproc(tag = 't') {
  return `inproc://pnng-node-${process.pid}-${tag}-${++counter}`;
}

/** Waits until `sock.pipes.length >= n` (or throws after `ms`). */
async function waitForPipes(sock, n, ms = 5000) {
  const end = Date.now() + ms;
  while (sock.pipes.length < n) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${n} pipes (have ${sock.pipes.length})`);
    await sleep(5);
  }
}

/** Asserts that `p` rejects with a PnngError named `name`. */
async function rejectsNamed(assert, p, name) {
  await assert.rejects(p, (e) => {
    assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    return true;
  });
}

function throwsNamed(assert, fn, name) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    return true;
  });
}

const T = { timeout: 20000 };

module.exports = { listenTcp, inproc, waitForPipes, rejectsNamed, throwsNamed, sleep, T };
