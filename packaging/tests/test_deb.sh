#!/usr/bin/env bash
# `make test-deb`: builds the .deb, checks its metadata and contents, asks dpkg whether it
# would install here (dependencies satisfied), unpacks it into a temporary root and builds
# and runs a C program against only what was unpacked, with pkg-config and with CMake.
# Environment (from mk/install.mk): ROOT, MAKE, VERSION, MAJOR.
set -uo pipefail
: "${ROOT:?}" "${VERSION:?}" "${MAJOR:?}"
MAKE=${MAKE:-make}
WORK=$ROOT/target/deb-test
ROOTFS=$WORK/root
rm -rf "$WORK"
mkdir -p "$WORK"
LOGDIR=$WORK
# shellcheck source=packaging/tests/harness.sh
. "$ROOT/packaging/tests/harness.sh"

deb=$(ROOT=$ROOT MAKE=$MAKE VERSION=$VERSION MAJOR=$MAJOR bash "$ROOT/packaging/build_deb.sh" | tail -n1)
[ -f "$deb" ] || { echo "deb tests: building the package failed"; exit 1; }

t_metadata() {
    [ "$(dpkg-deb -f "$deb" Version)" = "$VERSION" ] || { echo "version is not $VERSION"; return 1; }
    dpkg-deb -f "$deb" Depends | grep libmbed || { echo "no mbedTLS dependency: $(dpkg-deb -f "$deb" Depends)"; return 1; }
}

t_contents() {
    local contents f
    contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
    for f in ./usr/lib/libpnng.so.$VERSION ./usr/lib/libpnng.so.$MAJOR ./usr/lib/libpnng.so \
        ./usr/lib/libpnng.a ./usr/include/pnng.h ./usr/lib/pkgconfig/pnng.pc \
        ./usr/lib/cmake/pnng/pnngConfig.cmake ./usr/lib/cmake/pnng/pnngConfigVersion.cmake; do
        grep -qxF "$f" <<<"$contents" || { echo "$f is not in the package"; return 1; }
    done
}

t_dpkg_would_install() { dpkg --dry-run -i "$deb"; }

t_pkgconfig() {
    export PKG_CONFIG_SYSROOT_DIR=$ROOTFS PKG_CONFIG_LIBDIR=$ROOTFS/usr/lib/pkgconfig
    unset PKG_CONFIG_PATH PNNG_LIBRARY
    # shellcheck disable=SC2046
    gcc -std=c99 -Wall -Wextra -Werror $(pkg-config --cflags pnng) "$ROOT/packaging/tests/reqrep.c" \
        -o "$WORK/reqrep" $(pkg-config --libs pnng) || return 1
    LD_LIBRARY_PATH=$ROOTFS/usr/lib "$WORK/reqrep" deb-pkg-config
}

t_cmake() {
    mkdir -p "$WORK/cmake-src" "$WORK/cmake-build"
    cp "$ROOT/packaging/tests/reqrep.c" "$WORK/cmake-src/"
    cat >"$WORK/cmake-src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.13)
project(pnng_deb_test C)
find_package(pnng REQUIRED)
add_executable(reqrep reqrep.c)
target_link_libraries(reqrep PRIVATE pnng::pnng)
CMAKE
    cmake -S "$WORK/cmake-src" -B "$WORK/cmake-build" -DCMAKE_PREFIX_PATH="$ROOTFS/usr" || return 1
    cmake --build "$WORK/cmake-build" || return 1
    LD_LIBRARY_PATH=$ROOTFS/usr/lib "$WORK/cmake-build/reqrep" deb-cmake
}

run metadata             t_metadata
run contents             t_contents
run dpkg-would-install   t_dpkg_would_install
dpkg-deb -x "$deb" "$ROOTFS"
run pkg-config-build     t_pkgconfig
run cmake-build          t_cmake
summary "deb ($(basename "$deb"))"
