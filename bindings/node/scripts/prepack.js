#!/usr/bin/env node
'use strict';
// Runs before `npm pack` / `npm publish` (the "prepack" script): puts into the package what a
// source checkout has elsewhere, so the tarball works on its own:
//   prebuilds/<platform>-<arch>/libpnng.so   the release build, stripped, with RUNPATH $ORIGIN
//   prebuilds/<platform>-<arch>/libmbed*.so.N  the mbedTLS libraries it links (as auditwheel does
//                                             for Python wheels), so no system mbedTLS is needed
//   LICENSE, licenses/                       pnng's license, NNG's (MIT) and mbedTLS's (Apache-2.0)
// The library comes from $PNNG_PACK_LIBRARY or ../../target/release (run `cargo build --release`).
// Needs patchelf and ldd (Linux).
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const PKG = path.resolve(__dirname, '..');
const ROOT = path.resolve(PKG, '..', '..');
const MADE = ['prebuilds', 'licenses', 'LICENSE'];

// `--clean` (the "postpack" script): remove what this script made, so that a source checkout
// goes on loading its own fresh build (../../target/release) rather than the packed copy.
if (process.argv.includes('--clean')) {
  for (const f of MADE) fs.rmSync(path.join(PKG, f), { recursive: true, force: true });
  process.exit(0);
}

function fail(msg) {
  console.error(`prepack: ${msg}`);
  process.exit(1);
}

if (process.platform !== 'linux') fail(`prebuilt libraries are made on Linux only (this is ${process.platform})`);
const src = process.env.PNNG_PACK_LIBRARY || path.join(ROOT, 'target', 'release', 'libpnng.so');
if (!fs.existsSync(src)) fail(`${src} not found: build it first (cargo build --release)`);

const dest = path.join(PKG, 'prebuilds', `${process.platform}-${process.arch}`);
fs.rmSync(path.join(PKG, 'prebuilds'), { recursive: true, force: true });
fs.mkdirSync(dest, { recursive: true });

const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8' });
const lib = path.join(dest, 'libpnng.so');
fs.copyFileSync(src, lib);
fs.chmodSync(lib, 0o644);
run('strip', ['--strip-unneeded', lib]);

// Bundle the mbedTLS libraries the library links, under their sonames, and point every bundled
// library's RUNPATH at its own directory.
const bundled = [];
for (const line of run('ldd', [lib]).split('\n')) {
  const m = /^\s*(libmbed\S+)\s+=>\s+(\S+)/.exec(line);
  if (!m) continue;
  const [, soname, file] = m;
  if (!fs.existsSync(file)) fail(`ldd: ${soname} not found`);
  const out = path.join(dest, soname);
  fs.copyFileSync(fs.realpathSync(file), out);
  fs.chmodSync(out, 0o644);
  bundled.push(out);
}
if (bundled.length === 0) console.warn('prepack: libpnng.so links no shared mbedTLS; nothing to bundle');
for (const f of [lib, ...bundled]) run('patchelf', ['--set-rpath', '$ORIGIN', f]);

// Licenses.
const licenses = path.join(PKG, 'licenses');
fs.rmSync(licenses, { recursive: true, force: true });
fs.mkdirSync(licenses);
const rootLicense = path.join(ROOT, 'LICENSE');
if (!fs.existsSync(rootLicense)) fail(`${rootLicense} not found`);
fs.copyFileSync(rootLicense, path.join(PKG, 'LICENSE'));
fs.copyFileSync(path.join(ROOT, 'vendor', 'nng-sys', 'nng', 'LICENSE.txt'), path.join(licenses, 'NNG-LICENSE.txt'));
// The repository's copy of the Mbed TLS license (packaging/licenses), else Debian's Apache-2.0 text.
const mbedLicense = path.join(ROOT, 'packaging', 'licenses', 'mbedTLS-LICENSE.txt');
const apache = '/usr/share/common-licenses/Apache-2.0';
if (fs.existsSync(mbedLicense)) {
  fs.copyFileSync(mbedLicense, path.join(licenses, 'mbedTLS-LICENSE.txt'));
} else if (fs.existsSync(apache)) {
  fs.writeFileSync(
    path.join(licenses, 'mbedTLS-LICENSE.txt'),
    'Mbed TLS (bundled in prebuilds/ as libmbedtls, libmbedx509, libmbedcrypto) is licensed under\n' +
      'the Apache License, Version 2.0 (SPDX: Apache-2.0), whose text follows.\n\n' +
      fs.readFileSync(apache, 'utf8'),
  );
} else {
  fail(`no Mbed TLS license text (${mbedLicense} or ${apache})`);
}
console.log(`prepack: ${path.relative(PKG, dest)}: ${fs.readdirSync(dest).join(', ')}`);
