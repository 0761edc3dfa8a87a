#!/usr/bin/env bash
# `make test-versions`: Cargo.toml's [package] version is pnng's one version source. What is
# derived from it (the header's macros through build.rs and `make check-header`, the Python
# package's version through setup.py and importlib.metadata) and what is written elsewhere
# (the Node package, the Debian changelog, CHANGELOG.md, Go constants if any) must equal it.
# Environment (from mk/install.mk): ROOT, VERSION, MAJOR, MINOR, PATCH.
set -uo pipefail
: "${ROOT:?}" "${VERSION:?}" "${MAJOR:?}" "${MINOR:?}" "${PATCH:?}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pnng-versions-test.XXXXXX")
LOGDIR=$WORK
cd "$WORK" || exit 1
# shellcheck source=packaging/tests/harness.sh
. "$ROOT/packaging/tests/harness.sh"

t_header() {
    local got
    got=$(printf '#include "pnng.h"\nPNNG_VERSION_MAJOR.PNNG_VERSION_MINOR.PNNG_VERSION_PATCH\n' |
        gcc -E -P -I"$ROOT/include" -x c - | tail -n1 | tr -d ' ')
    echo "include/pnng.h: $got, Cargo.toml: $VERSION"
    [ "$got" = "$MAJOR.$MINOR.$PATCH" ] || return 1
    grep -q '@CARGO_PKG_VERSION_MAJOR@' "$ROOT/cbindgen.toml" || { echo "cbindgen.toml no longer takes the version from Cargo.toml"; return 1; }
}

t_library() {
    # pnng_version() reports the crate's version (env!("CARGO_PKG_VERSION")).
    printf '#include <pnng.h>\n#include <stdio.h>\nint main(void) { puts(pnng_version()); return 0; }\n' >"$WORK/v.c"
    gcc -I"$ROOT/include" "$WORK/v.c" -o "$WORK/v" -L"$ROOT/target/release" -lpnng -Wl,-rpath,"$ROOT/target/release" || return 1
    local got; got=$("$WORK/v") || return 1
    echo "pnng_version(): $got"
    case $got in "pnng $VERSION "*) ;; *) return 1 ;; esac
}

t_python() {
    local py=$ROOT/bindings/python
    # No literal version in pyproject.toml: it is dynamic, and setup.py reads Cargo.toml.
    grep -Eq '^dynamic *= *\[.*"version"' "$py/pyproject.toml" || { echo "pyproject.toml: version is not dynamic"; return 1; }
    if grep -Eq '^version *=' "$py/pyproject.toml"; then echo "pyproject.toml sets a version"; return 1; fi
    local got
    got=$(cd "$py" && "${TOOLS:?}/bin/python" -c 'import runpy, sys, setuptools
setuptools.setup = lambda **kw: print(kw["version"])
sys.argv = ["setup.py"]
runpy.run_path("setup.py", run_name="__main__")') || return 1
    echo "bindings/python/setup.py: $got"
    [ "$got" = "$VERSION" ] || return 1
    if grep -En '^__version__ *= *"[0-9]' "$py/pnng/__init__.py"; then echo "pnng/__init__.py hard-codes __version__"; return 1; fi
    grep -q 'metadata.version("pnng")' "$py/pnng/__init__.py" || { echo "pnng.__version__ does not come from importlib.metadata"; return 1; }
}

t_node() {
    local f=$ROOT/bindings/node/package.json got
    [ -f "$f" ] || { echo "no $f"; return 1; }
    got=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' "$f") || return 1
    echo "bindings/node/package.json: $got"
    [ "$got" = "$VERSION" ]
}

t_go() {
    # A Go module's version is its tag; any version constant in the package must be the crate's.
    local hits bad
    hits=$(grep -EHn '^\s*(const\s+)?[A-Za-z]*Version\w*\s*=\s*"v?[0-9]+\.[0-9]+\.[0-9]+' "$ROOT"/bindings/go/*.go 2>/dev/null || true)
    echo "${hits:-bindings/go: no version constants}"
    bad=$(grep -Ev "\"v?$VERSION\"" <<<"$hits" | grep -v '^$' || true)
    [ -z "$bad" ] || { echo "not $VERSION:"; echo "$bad"; return 1; }
}

t_debian() {
    local got
    got=$(dpkg-parsechangelog -l "$ROOT/packaging/debian/changelog" -S Version) || return 1
    echo "packaging/debian/changelog: $got"
    [ "$got" = "$VERSION" ] || { echo "add a packaging/debian/changelog entry for $VERSION"; return 1; }
}

t_changelog() {
    grep -Eq "^## \[$VERSION\]" "$ROOT/CHANGELOG.md" || { echo "CHANGELOG.md has no '## [$VERSION]' section"; return 1; }
}

echo "versions: Cargo.toml says $VERSION"
run header-macros     t_header
run library-version   t_library
run python            t_python
run node-package      t_node
run go-constants      t_go
run debian-changelog  t_debian
run changelog-md      t_changelog
summary versions
status=$?
[ $status -ne 0 ] || rm -rf "$WORK"
exit $status
