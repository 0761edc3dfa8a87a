#!/usr/bin/env bash
# Sets up everything pnng needs on a Debian machine (run as root): system packages, the release
# build of the library, the Python virtualenv, the Node packages. Idempotent: steps already
# done are skipped, so the test command can run it every time. Then runs a demo unless
# --no-demo is given.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake pkg-config libmbedtls-dev libnng-dev valgrind golang-go python3-venv openssl doxygen nodejs npm patchelf
    debhelper lintian abigail-tools)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# Node and npm may come from outside Debian's packages (as on the reference machines).
if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "setup: building the release library"
cargo build --release --quiet

for t in setup-python setup-node setup-doc setup-install; do
    if make -n "$t" >/dev/null 2>&1; then
        make --no-print-directory "$t"
    fi
done

if [ "${1:-}" != "--no-demo" ]; then
    make --no-print-directory demo
fi
