#!/usr/bin/env bash
# `make test-deb`: builds libpnng0 and libpnng-dev (packaging/build_deb.sh), checks them with
# lintian (no errors and no warnings), their metadata and contents, installs them into this
# machine with `dpkg -i`, builds and runs C programs against the installed files only (pkg-config
# and CMake with their default search paths, no LD_LIBRARY_PATH: ld.so finds the library
# through the ldconfig trigger), then removes the packages again (dpkg --purge) and checks that
# nothing is left. Runs in a temporary directory outside the checkout.
# Environment (from mk/install.mk): ROOT, VERSION, MAJOR.
set -uo pipefail
: "${ROOT:?}" "${VERSION:?}" "${MAJOR:?}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pnng-deb-test.XXXXXX")
LOGDIR=$WORK
cd "$WORK" || exit 1
unset PNNG_LIBRARY LD_LIBRARY_PATH GOFLAGS PKG_CONFIG_PATH PKG_CONFIG_LIBDIR CMAKE_PREFIX_PATH
# shellcheck source=packaging/tests/harness.sh
. "$ROOT/packaging/tests/harness.sh"

[ "$(id -u)" = 0 ] || { echo "deb tests: dpkg -i needs root"; exit 1; }
for p in libpnng0 libpnng-dev; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        echo "deb tests: $p is already installed on this machine; remove it first (dpkg --purge $p)"
        exit 1
    fi
done

mapfile -t debs < <(ROOT=$ROOT VERSION=$VERSION bash "$ROOT/packaging/build_deb.sh" | tail -n2)
runtime=${debs[0]:-}
dev=${debs[1]:-}
[ -f "$runtime" ] && [ -f "$dev" ] || { echo "deb tests: building the packages failed"; exit 1; }
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
libdir=/usr/lib/$ma

t_lintian() {
    local out
    out=$(lintian --fail-on none -EI --pedantic "$runtime" "$dev" 2>&1 | grep -v 'running with root privileges')
    echo "$out"
    if grep -E '^[EW]: ' <<<"$out"; then echo "lintian reports errors or warnings (above)"; return 1; fi
    echo "lintian: no errors, no warnings"
}

t_metadata() {
    local f
    for f in "$runtime" "$dev"; do
        [ "$(dpkg-deb -f "$f" Version)" = "$VERSION" ] || { echo "$f: version is not $VERSION"; return 1; }
        dpkg-deb -f "$f" Homepage | grep -qi pynng && { echo "$f: Homepage points at pynng"; return 1; }
    done
    dpkg-deb -f "$runtime" Depends | grep -q libmbedtls || { echo "no mbedTLS dependency: $(dpkg-deb -f "$runtime" Depends)"; return 1; }
    dpkg-deb -f "$dev" Depends | grep -q "libpnng$MAJOR (= $VERSION)" || { echo "libpnng-dev does not depend on libpnng$MAJOR (= $VERSION)"; return 1; }
    local ctl=$WORK/control
    dpkg-deb -e "$runtime" "$ctl"
    grep -qx "libpnng $MAJOR libpnng$MAJOR (>= $VERSION)" "$ctl/shlibs" || { echo "shlibs: $(cat "$ctl/shlibs")"; return 1; }
    grep -q 'activate-noawait ldconfig' "$ctl/triggers" || { echo "no ldconfig trigger"; return 1; }
}

t_contents() {
    local contents f
    contents=$(dpkg-deb -c "$runtime" | awk '{print $6}')
    for f in "./usr/lib/$ma/libpnng.so.$VERSION" "./usr/lib/$ma/libpnng.so.$MAJOR" ./usr/share/doc/libpnng$MAJOR/copyright; do
        grep -qxF "$f" <<<"$contents" || { echo "$f is not in $(basename "$runtime")"; return 1; }
    done
    contents=$(dpkg-deb -c "$dev" | awk '{print $6}')
    for f in "./usr/lib/$ma/libpnng.so" "./usr/lib/$ma/libpnng.a" ./usr/include/pnng.h \
        "./usr/lib/$ma/pkgconfig/pnng.pc" "./usr/lib/$ma/cmake/pnng/pnngConfig.cmake" \
        "./usr/lib/$ma/cmake/pnng/pnngConfigVersion.cmake" ./usr/share/doc/libpnng-dev/copyright \
        ./usr/share/man/man3/pnng_socket_send.3.gz; do
        grep -qxF "$f" <<<"$contents" || { echo "$f is not in $(basename "$dev")"; return 1; }
    done
    dpkg-deb --fsys-tarfile "$runtime" | tar -xO "./usr/share/doc/libpnng$MAJOR/copyright" | grep 'Staysail' >/dev/null ||
        { echo "the copyright file does not name NNG's authors"; return 1; }
}

t_dpkg_install() {
    dpkg -i "$runtime" "$dev" || return 1
    dpkg -L libpnng0 libpnng-dev
    ldconfig -p | grep -F "libpnng.so.$MAJOR " || { echo "ld.so's cache does not know libpnng.so.$MAJOR"; return 1; }
}

t_pkgconfig() {
    [ "$(pkg-config --variable=libdir pnng)" = "$libdir" ] || { echo "pkg-config finds pnng in $(pkg-config --variable=libdir pnng)"; return 1; }
    [ "$(pkg-config --modversion pnng)" = "$VERSION" ] || { echo "pkg-config --modversion pnng: $(pkg-config --modversion pnng)"; return 1; }
    # shellcheck disable=SC2046
    gcc -std=c99 -Wall -Wextra -Werror "$ROOT/packaging/tests/reqrep.c" -o "$WORK/reqrep" $(pkg-config --cflags --libs pnng) || return 1
    # (/lib and /usr/lib are one directory on merged-/usr systems.)
    ldd "$WORK/reqrep" | grep -E "libpnng\.so\.$MAJOR => (/usr)?/lib/$ma/libpnng\.so\.$MAJOR " ||
        { echo "ld.so does not resolve libpnng.so.$MAJOR to the package's copy"; ldd "$WORK/reqrep"; return 1; }
    "$WORK/reqrep" deb-pkg-config || return 1
    # Static, from the same package.
    local libs; libs=$(pkg-config --static --libs pnng); libs=${libs/-lpnng/-l:libpnng.a}
    # shellcheck disable=SC2046,SC2086
    gcc -std=c99 "$ROOT/packaging/tests/reqrep.c" -o "$WORK/reqrep_static" $(pkg-config --cflags pnng) $libs || return 1
    if ldd "$WORK/reqrep_static" | grep -F libpnng; then echo "static build needs libpnng.so"; return 1; fi
    "$WORK/reqrep_static" deb-pkg-config-static
}

t_cmake() {
    mkdir -p "$WORK/cmake-src"
    cp "$ROOT/packaging/tests/reqrep.c" "$WORK/cmake-src/"
    cat >"$WORK/cmake-src/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.13)
project(pnng_deb_test C)
find_package(pnng $MAJOR REQUIRED)
add_executable(reqrep reqrep.c)
target_link_libraries(reqrep PRIVATE pnng::pnng)
CMAKE
    cmake -S "$WORK/cmake-src" -B "$WORK/cmake-build" || return 1
    grep -F "pnng_DIR:PATH=$libdir/cmake/pnng" "$WORK/cmake-build/CMakeCache.txt" || return 1
    cmake --build "$WORK/cmake-build" || return 1
    "$WORK/cmake-build/reqrep" deb-cmake
}

t_dpkg_purge() {
    dpkg --purge libpnng-dev libpnng0 || return 1
    [ ! -e "$libdir/libpnng.so.$VERSION" ] || { echo "library left behind"; return 1; }
    if ldconfig -p | grep -F libpnng; then echo "ld.so's cache still lists libpnng"; return 1; fi
}

run lintian          t_lintian
run metadata         t_metadata
run contents         t_contents
run dpkg-install     t_dpkg_install
run pkg-config-build t_pkgconfig
run cmake-build      t_cmake
run dpkg-purge       t_dpkg_purge
summary "deb ($(basename "$runtime") $(basename "$dev"))"
status=$?
# Never leave the packages on the machine, whatever failed.
dpkg --purge libpnng-dev libpnng0 >/dev/null 2>&1 || true
[ $status -ne 0 ] || rm -rf "$WORK"
exit $status
