#!/usr/bin/env bash
# `make test-wheel`: the wheel and the sdist (make wheel, make sdist) as a user gets them.
#   - the wheel: a manylinux tag that `auditwheel show` confirms, the licenses in .dist-info,
#     installed into a fresh venv in a temporary directory outside the checkout and used from
#     there with PNNG_LIBRARY, LD_LIBRARY_PATH, PYTHONPATH and GOFLAGS unset: pair0 and tls+tcp
#     round trips, the library in use is the wheel's, ldd finds Mbed TLS inside the wheel,
#     pnng.__version__ is Cargo.toml's;
#   - the sdist: carries the binding, the licenses and the crate sources that setup.py builds
#     (installing it runs a full cargo build: `make test-sdist`, opt-in).
# Environment (from mk/install.mk): ROOT, VERSION, TOOLS, PYTHON. Exits non-zero on failure.
set -uo pipefail

: "${ROOT:?}" "${VERSION:?}" "${TOOLS:?}"
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pnng-wheel-test.XXXXXX")
VENV=$WORK/venv
LOGDIR=$WORK
cd "$WORK" || exit 1
# shellcheck source=packaging/tests/harness.sh
. "$ROOT/packaging/tests/harness.sh"
clean_env() { env -u PNNG_LIBRARY -u LD_LIBRARY_PATH -u PYTHONPATH -u PYTHONHOME -u GOFLAGS "$@"; }

shopt -s nullglob
wheels=("$ROOT"/target/wheels/pnng-"$VERSION"-py3-none-manylinux_*_x86_64.whl)
sdist=$ROOT/target/wheels/pnng-$VERSION.tar.gz
wheel=${wheels[0]:-}

t_wheel_file() {
    [ ${#wheels[@]} -eq 1 ] || { echo "expected one manylinux wheel in target/wheels, found ${#wheels[@]} (run 'make wheel')"; return 1; }
    local names
    names=$(unzip -Z1 "$wheel") || return 1
    local f
    for f in pnng/_lib/libpnng.so pnng/__init__.py pnng/py.typed "pnng-$VERSION.dist-info/licenses/LICENSE" \
        "pnng-$VERSION.dist-info/licenses/LICENSES/NNG-LICENSE.txt" \
        "pnng-$VERSION.dist-info/licenses/LICENSES/mbedTLS-LICENSE.txt"; do
        grep -qxF "$f" <<<"$names" || { echo "$f is not in $wheel"; return 1; }
    done
    grep -E '^pnng\.libs/libmbed(tls|x509|crypto)-' <<<"$names" | wc -l | grep -qx 3 || { echo "Mbed TLS is not bundled"; return 1; }
    unzip -p "$wheel" "pnng-$VERSION.dist-info/licenses/LICENSES/NNG-LICENSE.txt" | grep Staysail >/dev/null || return 1
    unzip -p "$wheel" "pnng-$VERSION.dist-info/licenses/LICENSES/mbedTLS-LICENSE.txt" | grep "Apache License" >/dev/null || return 1
    local meta
    meta=$(unzip -p "$wheel" "pnng-$VERSION.dist-info/METADATA")
    grep -qx "Version: $VERSION" <<<"$meta" || { echo "METADATA version is not $VERSION"; return 1; }
    grep -qx "License-Expression: MIT" <<<"$meta" || { echo "no License-Expression: MIT"; return 1; }
    grep -q "^Project-URL: " <<<"$meta" || { echo "no Project-URL"; return 1; }
    unzip -p "$wheel" "pnng-$VERSION.dist-info/WHEEL" | grep -E "^Tag: py3-none-manylinux_[0-9]+_[0-9]+_x86_64$" || return 1
}

t_auditwheel_show() {
    local out
    out=$(PATH=$TOOLS/bin:$PATH "$TOOLS/bin/auditwheel" show "$wheel") || { echo "$out"; return 1; }
    echo "$out"
    grep -qE 'consistent with the following platform tag: "manylinux_[0-9]+_[0-9]+_x86_64"' <<<"$(tr '\n' ' ' <<<"$out" | tr -s ' ')" ||
        { echo "auditwheel show reports no manylinux tag"; return 1; }
}

t_venv_install() {
    clean_env "$PYTHON" -m venv "$VENV" || return 1
    clean_env "$VENV/bin/python" -m pip install --disable-pip-version-check "$wheel" || return 1
    clean_env "$VENV/bin/python" -m pip show -f pnng | grep -E '_lib/libpnng\.so$'
}

t_ldd_bundled() {
    local lib
    lib=$(echo "$VENV"/lib/python3*/site-packages/pnng/_lib/libpnng.so)
    [ -f "$lib" ] || { echo "no $lib"; return 1; }
    local out; out=$(clean_env ldd "$lib") || return 1
    echo "$out"
    if grep -F "not found" <<<"$out"; then return 1; fi
    local m
    for m in libmbedtls libmbedx509 libmbedcrypto; do
        grep -E "^\s*$m-[0-9a-f]+\.so[^ ]* => $VENV/lib/python3[^/]*/site-packages/(pnng/_lib/\.\./\.\./)?pnng\.libs/" <<<"$out" ||
            { echo "$m does not resolve inside the wheel's pnng.libs/"; return 1; }
    done
    if grep -E '=> /(usr/)?lib/.*libmbed' <<<"$out"; then echo "the system's Mbed TLS is used"; return 1; fi
}

t_round_trips() {
    command -v openssl >/dev/null || { echo "openssl is needed to make the test certificates"; return 1; }
    local d=$WORK/certs
    mkdir -p "$d"
    (
        cd "$d" || exit 1
        key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
        openssl req -x509 "${key[@]}" -keyout ca.key -out ca.crt -days 2 -subj "/CN=pnng wheel test CA" &&
            echo "subjectAltName=DNS:localhost,IP:127.0.0.1" >server.ext &&
            openssl req "${key[@]}" -keyout server.key -out server.csr -subj "/CN=localhost" &&
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
                -extfile server.ext -out server.crt
    ) >"$WORK/openssl.log" 2>&1 || { cat "$WORK/openssl.log"; return 1; }
    clean_env "$VENV/bin/python" - "$VENV" "$d" "$VERSION" <<'EOF'
import os, socket, sys
venv, certs, version = os.path.realpath(sys.argv[1]), sys.argv[2], sys.argv[3]
for var in ("PNNG_LIBRARY", "LD_LIBRARY_PATH", "PYTHONPATH"):
    assert var not in os.environ, var
import pnng
here = os.path.realpath(pnng.__file__)
assert here.startswith(venv + os.sep), f"pnng imported from {here}, not from the venv {venv}"
assert pnng.__version__ == version, (pnng.__version__, version)
assert pnng.version().startswith(f"pnng {version} "), pnng.version()

# pair0 over inproc, pynng style; bytes with NUL and 0xff.
addr = "inproc://pnng-wheel-test"
with pnng.Pair0(listen=addr, recv_timeout=5000) as a, pnng.Pair0(dial=addr, recv_timeout=5000) as b:
    for p in (b"hello", b"\x00\xffbytes\x00", b""):
        b.send(p)
        assert a.recv() == p
    a.send(b"back")
    assert b.recv() == b"back"

# tls+tcp: the bundled Mbed TLS verifies the server's certificate.
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
url = f"tls+tcp://127.0.0.1:{port}"
read = lambda name: open(os.path.join(certs, name)).read()
server_cfg = pnng.TLSConfig(pnng.TLSConfig.MODE_SERVER, own_cert_string=read("server.crt"),
                            own_key_string=read("server.key"))
client_cfg = pnng.TLSConfig(pnng.TLSConfig.MODE_CLIENT, ca_string=read("ca.crt"), server_name="localhost")
with pnng.Pair0(listen=url, tls_config=server_cfg, recv_timeout=5000) as srv, \
        pnng.Pair0(dial=url, tls_config=client_cfg, recv_timeout=5000, block_on_dial=True) as cli:
    cli.send(b"over tls")
    assert srv.recv() == b"over tls"
    srv.send(b"and back")
    assert cli.recv() == b"and back"

# The libraries in use are the wheel's, and only those.
with open("/proc/self/maps") as f:
    maps = {line.split()[-1] for line in f if "libpnng" in line or "libmbed" in line}
want = os.path.realpath(os.path.join(os.path.dirname(here), "_lib", "libpnng.so"))
assert want in maps, f"{want} is not mapped: {maps}"
stray = [m for m in maps if not m.startswith(venv + os.sep)]
assert not stray, f"libraries from outside the venv: {stray}"
print(f"pair0 and tls+tcp round trips ok with {sorted(maps)}")
EOF
}

t_sdist_contents() {
    [ -f "$sdist" ] || { echo "no $sdist (run 'make sdist')"; return 1; }
    local names f top=pnng-$VERSION
    names=$(tar -tzf "$sdist") || return 1
    for f in setup.py pyproject.toml PKG-INFO pnng/__init__.py pnng/_ffi.py LICENSE LICENSES/NNG-LICENSE.txt \
        LICENSES/mbedTLS-LICENSE.txt rust/Cargo.toml rust/Cargo.lock rust/build.rs rust/cbindgen.toml \
        rust/LICENSE rust/src/lib.rs rust/include/pnng.h rust/vendor/nng-sys/Cargo.toml \
        rust/vendor/nng-sys/nng/LICENSE.txt; do
        grep -qxF "$top/$f" <<<"$names" || { echo "$top/$f is not in the sdist"; return 1; }
    done
    if grep -E '/target/|\.so$|__pycache__' <<<"$names"; then echo "build products in the sdist"; return 1; fi
    # Regular files, not links into a checkout that the user does not have.
    if tar -tvzf "$sdist" | grep '^l'; then echo "symbolic links in the sdist"; return 1; fi
    tar -xzOf "$sdist" "$top/PKG-INFO" | grep -x "Version: $VERSION" >/dev/null || return 1
    echo "sdist: $(wc -l <<<"$names") files, $(stat -c %s "$sdist") bytes"
}

t_checkout_install() {
    # `pip install ./bindings/python` from the checkout builds (cargo: nothing to do after
    # `make release`) and bundles the library too.
    local venv=$WORK/venv-checkout
    clean_env "$PYTHON" -m venv "$venv" || return 1
    clean_env "$venv/bin/python" -m pip install --disable-pip-version-check "$ROOT/bindings/python" || return 1
    rm -rf "$ROOT/bindings/python/build"
    clean_env "$venv/bin/python" - "$venv" "$VERSION" <<'EOF'
import os, sys
venv, version = os.path.realpath(sys.argv[1]), sys.argv[2]
import pnng
assert pnng.library_path.startswith(venv + os.sep) and pnng.library_path.endswith("/_lib/libpnng.so"), pnng.library_path
assert pnng.__version__ == version, pnng.__version__
with pnng.Pair0(listen="inproc://co", recv_timeout=5000) as a, pnng.Pair0(dial="inproc://co") as b:
    b.send(b"checkout")
    assert a.recv() == b"checkout"
print("pip install ./bindings/python: bundled", pnng.library_path)
EOF
}

run wheel-file            t_wheel_file
run auditwheel-show       t_auditwheel_show
run venv-install          t_venv_install
run ldd-bundled-mbedtls   t_ldd_bundled
run pair0-and-tls-trips   t_round_trips
run sdist-contents        t_sdist_contents
run pip-install-checkout  t_checkout_install
summary "wheel ($(basename "${wheel:-none}"))"
status=$?
[ $status -ne 0 ] || rm -rf "$WORK"
exit $status
