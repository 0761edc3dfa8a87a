#!/usr/bin/env bash
# Builds a platform wheel of the Python binding with libpnng.so inside the package:
#   target/wheels/pnng-<version>-py3-none-<platform>.whl  containing  pnng/_lib/libpnng.so
# The binding (bindings/python) loads the library from $PNNG_LIBRARY, then pnng/_lib/libpnng.so,
# then the system, so an installed wheel needs neither.
#
# The source tree is never modified: bindings/python is copied to target/wheel-staging/python,
# the library goes into the copy, and the copy's build configuration is completed there if
# it does not already declare pnng/_lib/*.so as package data (the lines added are printed;
# they belong in bindings/python/pyproject.toml). The binding is pure Python (ctypes), so the
# backend tags the wheel py3-none-any; it is retagged py3-none-<platform> (Root-Is-Purelib:
# false), since the .so inside is for this platform only. It is not a manylinux wheel: the
# library needs the system's mbedTLS (Debian: libmbedtls14, libmbedx509-1, libmbedcrypto7).
#
# Environment: ROOT (repository root; default: this script's parent), PYTHON (default python3),
# PNNG_PYTHON_SRC (default $ROOT/bindings/python), PNNG_WHEEL_STRIP=0 to keep debug info.
set -euo pipefail

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
PYTHON=${PYTHON:-python3}
SRC=${PNNG_PYTHON_SRC:-$ROOT/bindings/python}
LIB=$ROOT/target/release/libpnng.so
STAGE=$ROOT/target/wheel-staging/python
OUT=$ROOT/target/wheels

die() { echo "build_wheel: error: $*" >&2; exit 1; }

[ -f "$LIB" ] || die "$LIB is missing (run 'make release')"
[ -f "$SRC/pyproject.toml" ] || die "$SRC/pyproject.toml is missing: the Python binding is not there yet"

rm -rf "$STAGE"
mkdir -p "$STAGE" "$OUT"
# Copy the binding without build leftovers, virtualenvs or caches.
tar -C "$SRC" --exclude=./build --exclude=./dist --exclude='*.egg-info' --exclude=__pycache__ \
    --exclude=.venv --exclude=venv --exclude=.pytest_cache --exclude=.tox --exclude=_lib \
    -cf - . | tar -C "$STAGE" -xf -

# Where the package is: flat (pnng/) or src layout (src/pnng/).
if [ -f "$STAGE/pnng/__init__.py" ]; then
    PKG=$STAGE/pnng
elif [ -f "$STAGE/src/pnng/__init__.py" ]; then
    PKG=$STAGE/src/pnng
else
    die "no pnng/__init__.py or src/pnng/__init__.py in $SRC"
fi
mkdir -p "$PKG/_lib"
cp "$LIB" "$PKG/_lib/libpnng.so"
if [ "${PNNG_WHEEL_STRIP:-1}" = 1 ]; then
    strip --strip-debug "$PKG/_lib/libpnng.so"
fi
chmod 0755 "$PKG/_lib/libpnng.so"

# Make sure the backend puts pnng/_lib/libpnng.so into the wheel.
"$PYTHON" "$ROOT/packaging/wheel_tool.py" ensure-package-data "$STAGE" "${PKG#"$STAGE"/}"

# Build (pip fetches the build backend named in pyproject.toml into an isolated environment).
rm -f "$OUT"/pnng-*.whl
"$PYTHON" -m pip wheel --no-deps --disable-pip-version-check -w "$OUT" "$STAGE"
shopt -s nullglob
wheels=("$OUT"/pnng-*.whl)
[ ${#wheels[@]} -eq 1 ] || die "expected one pnng wheel in $OUT, found ${#wheels[@]}"

# Retag for this platform and check the library is inside.
wheel=$("$PYTHON" "$ROOT/packaging/wheel_tool.py" retag "${wheels[0]}")
"$PYTHON" "$ROOT/packaging/wheel_tool.py" check "$wheel"
echo "build_wheel: $wheel"
