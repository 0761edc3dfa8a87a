'use strict';
// TLS over tls+tcp with a CA and a server certificate generated at test time by openssl.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Pair0, TLSConfig, PnngError } = require('..');
const { T } = require('./helpers');

let dir;
const pem = {};

test.before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnng-node-tls-'));
  const ossl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=pnng test CA');
  ossl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ossl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf');
  ossl('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.crt', '-days', '2', '-subj', '/CN=someone else');
  for (const f of ['ca.crt', 'server.key', 'server.crt', 'other.crt']) pem[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  fs.writeFileSync(path.join(dir, 'server.pem'), pem['server.crt'] + pem['server.key']);
});

test.after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function serverConfig() {
  return new TLSConfig(TLSConfig.MODE_SERVER, { ownCertString: pem['server.crt'], ownKeyString: pem['server.key'] });
}

async function roundTrip(server, client) {
  await client.send(Buffer.from('secret hello'));
  assert.equal((await server.recv()).toString(), 'secret hello');
  await server.send(Buffer.from('secret reply'));
  assert.equal((await client.recv()).toString(), 'secret reply');
}

test('TLS with PEM strings (tlsConfig constructor option)', T, async () => {
  const server = new Pair0({ tlsConfig: serverConfig(), listen: 'tls+tcp://127.0.0.1:0', recvTimeout: 5000 });
  const port = server.listenerList()[0].port;
  const clientCfg = new TLSConfig(TLSConfig.MODE_CLIENT, { serverName: 'localhost', caString: pem['ca.crt'] });
  const client = new Pair0({ tlsConfig: clientCfg, recvTimeout: 5000 });
  try {
    await client.dial(`tls+tcp://127.0.0.1:${port}`, { block: true });
    await roundTrip(server, client);
    const [pipe] = client.pipes;
    assert.equal(pipe.tlsVerified, true);
    assert.equal(pipe.tlsPeerCn, 'localhost');
    assert.equal(server.pipes[0].tlsVerified, false); // the client showed no certificate
  } finally {
    server.close();
    client.close();
    clientCfg.close();
  }
});

test('TLS over wss://', T, async () => {
  const server = new Pair0({ tlsConfig: serverConfig(), listen: 'wss://127.0.0.1:0/pnng', recvTimeout: 5000 });
  const port = server.listenerList()[0].port;
  const cfg = new TLSConfig(TLSConfig.MODE_CLIENT, { serverName: 'localhost', caString: pem['ca.crt'] });
  const client = new Pair0({ tlsConfig: cfg, recvTimeout: 5000 });
  try {
    await client.dial(`wss://127.0.0.1:${port}/pnng`, { block: true });
    await roundTrip(server, client);
    assert.match(server.pipes[0].url, /^wss:\/\//);
  } finally {
    server.close();
    client.close();
    cfg.close();
  }
});

test('TLS with files (certKeyFile, caFiles) and per-endpoint configs', T, async () => {
  const srvCfg = new TLSConfig({ mode: TLSConfig.MODE_SERVER, certKeyFile: path.join(dir, 'server.pem') });
  const cliCfg = new TLSConfig({
    mode: TLSConfig.MODE_CLIENT,
    serverName: 'localhost',
    caFiles: [path.join(dir, 'ca.crt')],
    authMode: TLSConfig.AUTH_MODE_REQUIRED,
  });
  const server = new Pair0({ recvTimeout: 5000 });
  const client = new Pair0({ recvTimeout: 5000 });
  try {
    const l = server.createListener('tls+tcp://127.0.0.1:0');
    l.tlsConfig = srvCfg;
    l.start();
    const d = client.createDialer(`tls+tcp://127.0.0.1:${l.port}`);
    d.tlsConfig = cliCfg;
    await d.start({ block: true });
    await roundTrip(server, client);
  } finally {
    server.close();
    client.close();
    srvCfg.close();
    cliCfg.close();
  }
});

test('TLS: a client that does not trust the server fails cleanly', T, async () => {
  const server = new Pair0({ tlsConfig: serverConfig(), listen: 'tls+tcp://127.0.0.1:0' });
  const port = server.listenerList()[0].port;
  const wrongCa = new TLSConfig(TLSConfig.MODE_CLIENT, {
    serverName: 'localhost',
    caString: pem['other.crt'],
    authMode: TLSConfig.AUTH_MODE_REQUIRED,
  });
  const wrongName = new TLSConfig(TLSConfig.MODE_CLIENT, {
    serverName: 'not-the-server.example',
    caString: pem['ca.crt'],
    authMode: TLSConfig.AUTH_MODE_REQUIRED,
  });
  try {
    for (const cfg of [wrongCa, wrongName]) {
      const client = new Pair0({ tlsConfig: cfg });
      try {
        await assert.rejects(client.dial(`tls+tcp://127.0.0.1:${port}`, { block: true }), (e) => {
          assert.ok(e instanceof PnngError);
          assert.equal(e.url, `tls+tcp://127.0.0.1:${port}`);
          return true;
        });
      } finally {
        client.close();
      }
    }
  } finally {
    server.close();
    wrongCa.close();
    wrongName.close();
  }
});

test('TLS: tlsConfig on a non-TLS endpoint is refused', T, () => {
  const s = new Pair0();
  const cfg = new TLSConfig(TLSConfig.MODE_CLIENT, { authMode: TLSConfig.AUTH_MODE_NONE });
  try {
    const d = s.createDialer('tcp://127.0.0.1:1');
    assert.throws(() => { d.tlsConfig = cfg; }, (e) => e instanceof PnngError && e.name === 'NotSupported');
  } finally {
    s.close();
    cfg.close();
  }
});
