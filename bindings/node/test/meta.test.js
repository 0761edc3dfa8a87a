'use strict';
// The binding against the header (constants, symbols), library lookup, and the TypeScript declarations.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const pnng = require('..');
const ffi = require('../lib/ffi');

const PKG = path.resolve(__dirname, '..');
const HEADER = path.resolve(PKG, '..', '..', 'include', 'pnng.h');

function headerDefines() {
  const text = fs.readFileSync(HEADER, 'utf8');
  const defs = {};
  for (const m of text.matchAll(/^#define\s+(PNNG_[A-Z0-9_]+)\s+(-?\d+)\s*$/gm)) defs[m[1]] = Number(m[2]);
  return { text, defs };
}

test('constants and error codes agree with include/pnng.h', { skip: !fs.existsSync(HEADER) && 'no include/pnng.h in this tree' }, () => {
  const { defs } = headerDefines();
  for (const [k, v] of Object.entries(pnng.constants)) {
    if (k.startsWith('E')) continue;
    assert.equal(v, defs[`PNNG_${k}`], `PNNG_${k}`);
  }
  for (const [k, v] of Object.entries(pnng.codes)) assert.equal(v, defs[`PNNG_${k}`], `PNNG_${k}`);
  // every PNNG_E* code in the header has a name
  for (const [k, v] of Object.entries(defs)) {
    if (/^PNNG_E[A-Z]+$/.test(k)) assert.notEqual(pnng.errorName(v), 'UnknownError', k);
  }
});

test('option names agree with the PNNG_OPT_* macros of include/pnng.h', { skip: !fs.existsSync(HEADER) && 'no include/pnng.h in this tree' }, () => {
  const text = fs.readFileSync(HEADER, 'utf8');
  const macros = {};
  for (const m of text.matchAll(/^#define\s+PNNG_OPT_([A-Z0-9_]+)\s+"([^"]*)"/gm)) macros[m[1]] = m[2];
  assert.deepEqual(pnng.options, macros);
  const known = new Set(Object.values(macros));
  const t = pnng._optionTables;
  const used = [
    ...Object.values(t.O),
    ...t.PROTOCOLS.flatMap((p) => Object.values(p.options || {})),
  ].map(([name]) => name);
  for (const name of used) assert.ok(known.has(name), `option '${name}' is not a PNNG_OPT_* value`);
});

/** Number of parameters of a C prototype's parameter list text ('void' / empty: 0). */
function paramCount(list) {
  const t = list.replace(/\s+/g, ' ').trim();
  if (t === '' || t === 'void') return 0;
  return t.split(',').length;
}

test('the one table of C declarations agrees with the library and the header (names, parameter counts)', () => {
  assert.deepEqual(ffi.missing, []);
  if (!fs.existsSync(HEADER)) return;
  const { text } = headerDefines();
  // Every function prototype of the header: name -> parameter count.
  const header = new Map();
  for (const m of text.matchAll(/^[A-Za-z_][\w\s*]*?\b(pnng_\w+)\(([^;]*?)\);/gm)) header.set(m[1], paramCount(m[2]));
  assert.ok(header.size > 100, `parsed ${header.size} prototypes from the header`);
  for (const [key, proto] of Object.entries(ffi.DECLS)) {
    const name = ffi.cName(proto);
    const m = /\(([^)]*)\)\s*$/.exec(proto);
    assert.ok(header.has(name), `${name} (F.${key}) is not in the header`);
    assert.equal(paramCount(m[1]), header.get(name), `${name}: parameter count differs from the header`);
  }
  // Every F entry comes from the table (no second table elsewhere).
  assert.deepEqual(Object.keys(ffi.F).sort(), Object.keys(ffi.DECLS).sort());
});

test('index.mjs exports exactly the named exports of index.js', async () => {
  const esm = await import(path.join(PKG, 'index.mjs'));
  const cjs = Object.keys(pnng).filter((k) => !k.startsWith('_')).sort();
  assert.deepEqual(Object.keys(esm).filter((k) => k !== 'default').sort(), cjs);
  assert.equal(esm.default, pnng);
  assert.equal(esm.Pair0, pnng.Pair0);
});

test('library lookup: PNNG_LIBRARY wins; a bad PNNG_LIBRARY gives a clear error', () => {
  const r = spawnSync(process.execPath, ['-e', "require('.')"], {
    cwd: PKG,
    env: { ...process.env, PNNG_LIBRARY: '/nonexistent/libpnng.so' },
    encoding: 'utf8',
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /cannot load libpnng[\s\S]*\/nonexistent\/libpnng\.so/);
  const inTree = path.resolve(PKG, '..', '..', 'target', 'release', 'libpnng.so');
  if (fs.existsSync(inTree)) {
    const env = { ...process.env };
    delete env.PNNG_LIBRARY;
    const out = execFileSync(process.execPath, ['-e', "console.log(require('.').libraryPath)"], { cwd: PKG, env, encoding: 'utf8' });
    assert.equal(out.trim(), inTree);
  }
});

const TSC = path.join(PKG, 'node_modules', 'typescript', 'bin', 'tsc');
test('index.d.ts type-checks (tsc --noEmit)', { timeout: 120000, skip: !fs.existsSync(TSC) && 'typescript is not installed (npm ci)' }, () => {
  const r = spawnSync(process.execPath, [TSC, '--noEmit', '-p', 'tsconfig.json'], { cwd: PKG, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('index.d.ts declares every runtime export', () => {
  const dts = fs.readFileSync(path.join(PKG, 'index.d.ts'), 'utf8');
  for (const name of Object.keys(pnng)) {
    if (name.startsWith('_')) continue;
    assert.match(dts, new RegExp(`export (declare )?(abstract )?(class|function|const) ${name}\\b`), name);
  }
});
