'use strict';
// Shared test helpers.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const PKG = path.resolve(__dirname, '..');

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

/** Runs `code` in a child node (cwd: the package) and resolves with its exit and output. */
function runChild(code, { args = [], timeoutMs = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args, '-e', code], {
      cwd: PKG,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    child.on('exit', (codeOut, signal) => {
      clearTimeout(timer);
      resolve({ code: codeOut, signal, out, err });
    });
  });
}

const T = { timeout: 20000 };

module.exports = { listenTcp, inproc, waitForPipes, rejectsNamed, throwsNamed, sleep, runChild, T };
