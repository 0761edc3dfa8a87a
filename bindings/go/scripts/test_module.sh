#!/usr/bin/env bash
# The Go module as a user outside the repository gets it: a copy of bindings/go alone, required
# by a new module through a `replace`, built with plain `go build`, cgo flags from pkg-config.
#
#   ROOT=<checkout> bash bindings/go/scripts/test_module.sh     (make test-go-module)
#
# Everything happens in a temporary directory outside the checkout, with GOFLAGS, PNNG_LIBRARY,
# LD_LIBRARY_PATH and PKG_CONFIG_PATH unset; the test sets only what it names:
#   1. without pnng.pc on the search path, `go build` fails and says pkg-config and pnng.pc;
#   2. with a prefix holding include/pnng.h, lib/libpnng.so and lib/pkgconfig/pnng.pc (as
#      `make install PREFIX=...` lays them out) on PKG_CONFIG_PATH, `go build` succeeds and the
#      program (run with that lib directory on LD_LIBRARY_PATH, as the .pc has no rpath) does a
#      req/rep round trip over tcp.
set -euo pipefail

: "${ROOT:?ROOT must name the checkout}"
lib="$ROOT/target/release/libpnng.so"
[ -f "$lib" ] || { echo "test-go-module: $lib missing (make release)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pnng-go-module.XXXXXX")
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
case "$tmp/" in "$ROOT"/*) echo "test-go-module: temp dir is inside the checkout" >&2; exit 1 ;; esac

# A prefix laid out like an installation.
prefix="$tmp/prefix"
mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$tmp/empty-pc"
cp "$ROOT/include/pnng.h" "$prefix/include/"
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
cp "$lib" "$prefix/lib/${soname:-libpnng.so}"
[ -z "$soname" ] || [ "$soname" = libpnng.so ] || ln -s "$soname" "$prefix/lib/libpnng.so"
cat > "$prefix/lib/pkgconfig/pnng.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: pnng
Description: pynng's object model as a C library
Version: 0
Libs: -L\${libdir} -lpnng
Cflags: -I\${includedir}
PC

# The binding, alone, and a module that uses it.
cp -r "$ROOT/bindings/go" "$tmp/pnng-go"
mkdir "$tmp/app"
cat > "$tmp/app/go.mod" <<MOD
module example.com/app

go 1.19

require github.com/pnng/pnng/bindings/go v0.0.0

replace github.com/pnng/pnng/bindings/go => ../pnng-go
MOD
cat > "$tmp/app/main.go" <<'GO'
package main

import (
	"fmt"
	"os"

	pnng "github.com/pnng/pnng/bindings/go"
)

func main() {
	rep, err := pnng.NewRep0()
	check(err)
	defer rep.Close()
	l, err := rep.Listen("tcp://127.0.0.1:0")
	check(err)
	addr, err := l.LocalAddress()
	check(err)
	req, err := pnng.NewReq0()
	check(err)
	defer req.Close()
	_, err = req.Dial(addr.String(), pnng.DialBlocking)
	check(err)
	check(req.Send([]byte("ping")))
	q, err := rep.Recv()
	check(err)
	check(rep.Send(append(q, " pong"...)))
	a, err := req.Recv()
	check(err)
	fmt.Printf("%s (%s)\n", a, pnng.Version())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "app:", err)
		os.Exit(1)
	}
}
GO

run() { # a clean environment: only what is given on the command line
	env -u GOFLAGS -u PNNG_LIBRARY -u LD_LIBRARY_PATH -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR \
		-u CGO_CFLAGS -u CGO_LDFLAGS GOPROXY=off "$@"
}

cd "$tmp/app"
# 1. No pnng.pc anywhere pkg-config looks (PKG_CONFIG_LIBDIR hides an installed one).
if run PKG_CONFIG_LIBDIR="$tmp/empty-pc" go build -o app . >"$tmp/fail.log" 2>&1; then
	echo "test-go-module: go build succeeded without pnng.pc" >&2; exit 1
fi
grep -q 'pkg-config' "$tmp/fail.log" && grep -q 'pnng\.pc' "$tmp/fail.log" || {
	echo "test-go-module: the failed build does not name pkg-config and pnng.pc:" >&2
	cat "$tmp/fail.log" >&2; exit 1; }
echo "test-go-module: without pnng.pc: go build fails naming pkg-config and pnng.pc"

# 2. pnng.pc on PKG_CONFIG_PATH: plain go build, then run.
run PKG_CONFIG_PATH="$prefix/lib/pkgconfig" go build -o app .
out=$(run LD_LIBRARY_PATH="$prefix/lib" ./app)
case "$out" in "ping pong ("*) ;; *) echo "test-go-module: unexpected output: $out" >&2; exit 1 ;; esac
if ldd ./app | grep -q "$ROOT"; then
	echo "test-go-module: the program links into the checkout:" >&2; ldd ./app >&2; exit 1
fi
echo "test-go-module: module outside the checkout via pkg-config: $out"
