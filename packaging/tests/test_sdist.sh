#!/usr/bin/env bash
# `make test-sdist` (opt-in: a full cargo build of NNG and pnng, several minutes): installs
# target/wheels/pnng-<v>.tar.gz with pip into a fresh venv in a temporary directory outside the
# checkout, which builds libpnng from the crate sources in the sdist, and uses it with
# PNNG_LIBRARY, LD_LIBRARY_PATH, PYTHONPATH and GOFLAGS unset. Cargo builds in
# target/sdist-cargo (CARGO_TARGET_DIR), so later runs reuse the crates.io dependencies.
# Environment (from mk/install.mk): ROOT, VERSION, PYTHON.
set -uo pipefail
: "${ROOT:?}" "${VERSION:?}"
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pnng-sdist-test.XXXXXX")
LOGDIR=$WORK
cd "$WORK" || exit 1
# shellcheck source=packaging/tests/harness.sh
. "$ROOT/packaging/tests/harness.sh"
clean_env() { env -u PNNG_LIBRARY -u LD_LIBRARY_PATH -u PYTHONPATH -u PYTHONHOME -u GOFLAGS "$@"; }
sdist=$ROOT/target/wheels/pnng-$VERSION.tar.gz

t_pip_install_sdist() {
    [ -f "$sdist" ] || { echo "no $sdist (run 'make sdist')"; return 1; }
    clean_env "$PYTHON" -m venv "$WORK/venv" || return 1
    clean_env CARGO_TARGET_DIR="$ROOT/target/sdist-cargo" "$WORK/venv/bin/python" -m pip install \
        --disable-pip-version-check --no-cache-dir -v "$sdist" || return 1
}

t_use() {
    clean_env "$WORK/venv/bin/python" - "$WORK/venv" "$VERSION" <<'EOF'
import os, sys
venv, version = os.path.realpath(sys.argv[1]), sys.argv[2]
import pnng
assert pnng.library_path.startswith(venv + os.sep), pnng.library_path
assert pnng.__version__ == version and pnng.version().startswith(f"pnng {version} "), pnng.version()
with pnng.Pair0(listen="inproc://sdist", recv_timeout=5000) as a, pnng.Pair0(dial="inproc://sdist") as b:
    b.send(b"from source")
    assert a.recv() == b"from source"
print("sdist build ok:", pnng.library_path, pnng.version())
EOF
}

run pip-install-sdist t_pip_install_sdist
run import-and-pair0  t_use
summary "sdist ($(basename "$sdist"))"
status=$?
[ $status -ne 0 ] || rm -rf "$WORK"
exit $status
