#!/usr/bin/env bash
# `make test-wheel`: installs target/wheels/pnng-*.whl (packaging/build_wheel.sh) into a fresh
# virtualenv under target/ and uses it with no help from the environment: PNNG_LIBRARY,
# LD_LIBRARY_PATH and PYTHONPATH unset, run from an empty directory (so the source tree's
# bindings/python cannot be imported by accident). Prints a summary; exits non-zero on failure.
set -uo pipefail

: "${ROOT:?}"
PYTHON=${PYTHON:-python3}
WORK=$ROOT/target/wheel-test
VENV=$WORK/venv
RUNDIR=$WORK/run
LOGDIR=$WORK
# shellcheck source=packaging/tests/harness.sh
. "$ROOT/packaging/tests/harness.sh"
clean_env() { env -u PNNG_LIBRARY -u LD_LIBRARY_PATH -u PYTHONPATH -u PYTHONHOME "$@"; }

rm -rf "$WORK"
mkdir -p "$WORK" "$RUNDIR"
shopt -s nullglob
wheels=("$ROOT"/target/wheels/pnng-*.whl)

t_wheel_file() {
    [ ${#wheels[@]} -eq 1 ] || { echo "expected one wheel in target/wheels, found ${#wheels[@]} (run 'make wheel')"; return 1; }
    case ${wheels[0]} in *-none-any.whl) echo "${wheels[0]} is tagged for any platform"; return 1 ;; esac
    unzip -l "${wheels[0]}" | grep -E ' pnng/_lib/libpnng\.so$'
}

t_venv_install() {
    clean_env "$PYTHON" -m venv "$VENV" || return 1
    clean_env "$VENV/bin/python" -m pip install --disable-pip-version-check "${wheels[0]}" || return 1
    clean_env "$VENV/bin/python" -m pip show -f pnng | grep -E '_lib/libpnng\.so$'
}

t_import_roundtrip() {
    cd "$RUNDIR" && clean_env "$VENV/bin/python" - "$VENV" <<'EOF'
import os, sys
venv = os.path.realpath(sys.argv[1])
assert "PNNG_LIBRARY" not in os.environ and "LD_LIBRARY_PATH" not in os.environ
import pnng
here = os.path.realpath(pnng.__file__)
assert here.startswith(venv + os.sep), f"pnng imported from {here}, not from the venv {venv}"

# pair0 over inproc, pynng style; bytes with NUL and 0xff.
addr = "inproc://pnng-wheel-test"
payloads = [b"hello", b"\x00\xffbytes\x00", b""]
with pnng.Pair0(listen=addr, recv_timeout=5000) as a, pnng.Pair0(dial=addr, recv_timeout=5000) as b:
    for p in payloads:
        b.send(p)
        got = a.recv()
        assert got == p, (got, p)
    a.send(b"back")
    assert b.recv() == b"back"

# The library in use is the one inside the installed package, and only that one.
with open("/proc/self/maps") as f:
    libs = sorted({line.split()[-1] for line in f if "libpnng" in line})
want = os.path.join(os.path.dirname(here), "_lib", "libpnng.so")
assert libs == [os.path.realpath(want)], f"libpnng mapped from {libs}, want {want}"
print(f"pair0 round-trip ok with {libs[0]}")
EOF
}

run wheel-file          t_wheel_file
run venv-install        t_venv_install
run import-and-pair0    t_import_roundtrip

summary wheel
