#!/usr/bin/env bash
# The npm package as a user gets it: `npm pack` here, then installed into a fresh project in a
# temporary directory outside the checkout, with no PNNG_LIBRARY / LD_LIBRARY_PATH set. Checks:
#   - the tarball carries prebuilds/linux-x64/libpnng.so, the mbedTLS libraries it links, and the
#     licenses; the bundled libraries resolve mbedTLS from their own directory ($ORIGIN);
#   - CommonJS require, ES module named imports and a TypeScript (module: nodenext) project each
#     run a req/rep round trip over tcp and one over tls+tcp (which uses the bundled mbedTLS);
#   - package.json's os / cpu / engines: npm refuses the package for another os, cpu, or an
#     older Node, and installs it with --engine-strict here.
set -euo pipefail
PKG="$(cd "$(dirname "$0")/.." && pwd)"
unset PNNG_LIBRARY LD_LIBRARY_PATH NODE_PATH
work="$(mktemp -d "${TMPDIR:-/tmp}/pnng-npm-XXXXXX")"
trap 'rm -rf "$work"' EXIT
say() { echo "test-node-package: $*"; }

cd "$PKG"
tgz="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
say "packed $(basename "$tgz") ($(du -h "$tgz" | cut -f1))"
list="$(tar -tzf "$tgz")"
for f in package/package.json package/index.js package/index.mjs package/index.d.ts package/lib/ffi.js \
         package/LICENSE package/licenses/NNG-LICENSE.txt package/licenses/mbedTLS-LICENSE.txt \
         package/prebuilds/linux-x64/libpnng.so; do
    grep -qx "$f" <<<"$list" || { say "FAIL: $f missing from the tarball"; exit 1; }
done
if grep -q '^package/test/\|^package/scripts/\|^package/node_modules/' <<<"$list"; then
    say "FAIL: the tarball carries test/, scripts/ or node_modules/"; exit 1
fi

# TypeScript and @types/node at the versions this package pins for itself.
ts_ver="$(node -p "require('$PKG/package.json').devDependencies.typescript")"
types_ver="$(node -p "require('$PKG/package.json').devDependencies['@types/node']")"
npm_i() { npm install --no-audit --no-fund --prefer-offline --loglevel=error "$@"; }

# os / cpu / engines, judged by npm's own install checks (npm-install-checks, which npm bundles):
# refused for another os, another cpu and Node 18; accepted here (and installed with
# --engine-strict below).
checks="$(npm root -g)/npm/node_modules/npm-install-checks"
tar -xzf "$tgz" -C "$work" package/package.json
node - "$checks" "$work/package/package.json" <<'JS'
const [checks, pkgFile] = process.argv.slice(2);
const { checkPlatform, checkEngine } = require(checks);
const pkg = require(pkgFile);
const refused = (f) => { try { f(); return false; } catch (e) { return /EBADPLATFORM|EBADENGINE/.test(e.code); } };
const bad = [];
if (!refused(() => checkPlatform(pkg, false, { os: 'darwin', cpu: 'x64' }))) bad.push('os darwin accepted');
if (!refused(() => checkPlatform(pkg, false, { os: 'win32', cpu: 'x64' }))) bad.push('os win32 accepted');
if (!refused(() => checkPlatform(pkg, false, { os: 'linux', cpu: 'arm64' }))) bad.push('cpu arm64 accepted');
if (!refused(() => checkEngine(pkg, '10.0.0', '18.20.0', false))) bad.push('Node 18 accepted');
if (refused(() => checkPlatform(pkg, false, { os: process.platform, cpu: process.arch }))) bad.push('this platform refused');
if (refused(() => checkEngine(pkg, '10.0.0', process.versions.node, false))) bad.push(`Node ${process.versions.node} refused`);
if (bad.length) { console.error('test-node-package: FAIL: ' + bad.join('; ')); process.exit(1); }
JS
say "os/cpu/engines: refused for darwin, win32, arm64 and Node 18; accepted for $(node -p 'process.platform + "-" + process.arch') Node $(node -p process.versions.node)"

app="$work/app"
mkdir "$app" && cd "$app" && npm init -y >/dev/null
npm_i --engine-strict "$tgz" "typescript@$ts_ver" "@types/node@$types_ver"
prebuilt="$app/node_modules/pnng/prebuilds/linux-x64"
deps="$(ldd "$prebuilt/libpnng.so")"
if grep -q 'not found' <<<"$deps"; then say "FAIL: unresolved libraries: $deps"; exit 1; fi
n=0
while read -r soname _ file _; do
    [ "$file" = "$prebuilt/$soname" ] || { say "FAIL: $soname resolves to $file, not the bundled copy"; exit 1; }
    n=$((n + 1))
done < <(grep libmbed <<<"$deps")
say "ldd: $n mbedTLS libraries resolve inside the package"

# Certificates for the tls+tcp round trip.
ossl() { openssl "$@" 2>/dev/null >/dev/null; }
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
ossl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 2 -subj "/CN=pnng test CA"
ossl req "${ec[@]}" -keyout server.key -out server.csr -subj /CN=localhost
echo "subjectAltName=DNS:localhost,IP:127.0.0.1" > ext.cnf
ossl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile ext.cnf

# One round-trip body, spelled for each module system.
body='
const fs = require_fs();
async function roundTrip(url, tls) {
  const opts = tls ? { tlsConfig: new TLSConfig(TLSConfig.MODE_SERVER, { ownCertString: fs.readFileSync("server.crt", "utf8"), ownKeyString: fs.readFileSync("server.key", "utf8") }) } : {};
  const copts = tls ? { tlsConfig: new TLSConfig(TLSConfig.MODE_CLIENT, { serverName: "localhost", caString: fs.readFileSync("ca.crt", "utf8") }) } : {};
  const rep = new Rep0({ ...opts, listen: url, recvTimeout: 5000 });
  const req = new Req0({ ...copts, recvTimeout: 5000 });
  try {
    await req.dial(`${url.replace(/:0$/, "")}:${rep.listenerList()[0].port}`, { block: true });
    await req.send(Buffer.from("ping"));
    const got = await rep.recv();
    await rep.send(Buffer.concat([got, Buffer.from(" pong")]));
    const answer = (await req.recv()).toString();
    if (answer !== "ping pong") throw new Error(`unexpected answer ${answer}`);
  } finally {
    req.close();
    rep.close();
  }
}
async function main(kind) {
  if (!libraryPath.startsWith(process.cwd() + "/node_modules/pnng/prebuilds/")) throw new Error(`loaded ${libraryPath}`);
  await roundTrip("tcp://127.0.0.1:0", false);
  await roundTrip("tls+tcp://127.0.0.1:0", true);
  console.log(`${kind}: tcp and tls+tcp round trips with ${version()}`);
}
'
cat > cjs.cjs <<JS
'use strict';
const { Req0, Rep0, TLSConfig, libraryPath, version } = require('pnng');
const require_fs = () => require('node:fs');
$body
main('CommonJS require').catch((e) => { console.error(e); process.exit(1); });
JS
cat > esm.mjs <<JS
import { Req0, Rep0, TLSConfig, libraryPath, version } from 'pnng';
import * as nodeFs from 'node:fs';
const require_fs = () => nodeFs;
$body
await main('ES module named imports');
JS
ts_body="${body//roundTrip(url, tls)/roundTrip(url: string, tls: boolean)}"
ts_body="${ts_body//main(kind)/main(kind: string)}"
mkdir ts
cat > ts/main.mts <<TS
import { Req0, Rep0, TLSConfig, libraryPath, version, Dialer, PnngError } from 'pnng';
import * as nodeFs from 'node:fs';
const require_fs = () => nodeFs;
const _types: [typeof Dialer, typeof PnngError] = [Dialer, PnngError];
void _types;
$ts_body
await main('TypeScript (module: nodenext)');
TS
cat > ts/cjs.cts <<TS
import pnng = require('pnng');
const s: pnng.Pair0 = new pnng.Pair0();
s.close();
console.log('TypeScript CommonJS (import = require): ok');
TS
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "ES2022",
    "strict": true,
    "outDir": "dist",
    "types": ["node"],
    "lib": ["ES2022", "ESNext.Disposable"]
  },
  "include": ["ts"]
}
JSON
node cjs.cjs
node esm.mjs
npx --no-install tsc -p tsconfig.json
node dist/main.mjs
node dist/cjs.cjs

# The bundled Mbed TLS is what runs: hide the system's copies (bind-mount /dev/null over them in a
# private mount namespace; needs root, as setup and CI have) and do the round trips again.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
    unshare -m --propagation private sh -c '
        for f in /usr/lib/*/libmbed*.so* /usr/lib/libmbed*.so* /usr/local/lib/libmbed*.so*; do
            [ -f "$f" ] && [ ! -L "$f" ] && mount --bind /dev/null "$f"
        done
        node cjs.cjs' | sed 's/^/without the system Mbed TLS: /'
else
    say "skipped the run without the system Mbed TLS (needs root and unshare)"
fi
say "ok"
