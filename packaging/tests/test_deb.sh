#!/usr/bin/env bash
# `make test-deb`: builds the .deb, checks its metadata and contents, asks dpkg whether it
# would install here (dependencies satisfied), unpacks it into a temporary root and builds
# and runs a C program against only what was unpacked, with pkg-config and with CMake.
# Environment (from mk/install.mk): ROOT, MAKE, VERSION, MAJOR.
set -euo pipefail
: "${ROOT:?}" "${VERSION:?}" "${MAJOR:?}"
MAKE=${MAKE:-make}
WORK=$ROOT/target/deb-test
rm -rf "$WORK"
mkdir -p "$WORK"

deb=$(ROOT=$ROOT MAKE=$MAKE VERSION=$VERSION MAJOR=$MAJOR bash "$ROOT/packaging/build_deb.sh" | tail -n1)
passed=0
check() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; exit 1; }

[ "$(dpkg-deb -f "$deb" Version)" = "$VERSION" ] || fail "version is not $VERSION"
dpkg-deb -f "$deb" Depends | grep -q libmbed || fail "no mbedTLS dependency: $(dpkg-deb -f "$deb" Depends)"
check metadata

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/lib/libpnng.so.$VERSION ./usr/lib/libpnng.so.$MAJOR ./usr/lib/libpnng.so \
    ./usr/lib/libpnng.a ./usr/include/pnng.h ./usr/lib/pkgconfig/pnng.pc \
    ./usr/lib/cmake/pnng/pnngConfig.cmake ./usr/lib/cmake/pnng/pnngConfigVersion.cmake; do
    grep -qxF "$f" <<<"$contents" || fail "$f is not in the package"
done
check contents

dpkg --dry-run -i "$deb" >"$WORK/dry-run.log" 2>&1 || { cat "$WORK/dry-run.log"; fail "dpkg would not install it"; }
check dpkg-would-install

root=$WORK/root
dpkg-deb -x "$deb" "$root"
export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig
unset PKG_CONFIG_PATH PNNG_LIBRARY
# shellcheck disable=SC2046
gcc -std=c99 -Wall -Wextra -Werror $(pkg-config --cflags pnng) "$ROOT/packaging/tests/reqrep.c" \
    -o "$WORK/reqrep" $(pkg-config --libs pnng)
LD_LIBRARY_PATH=$root/usr/lib "$WORK/reqrep" deb-pkg-config >/dev/null
check pkg-config-build-and-run

mkdir -p "$WORK/cmake-src" "$WORK/cmake-build"
cp "$ROOT/packaging/tests/reqrep.c" "$WORK/cmake-src/"
cat >"$WORK/cmake-src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.13)
project(pnng_deb_test C)
find_package(pnng REQUIRED)
add_executable(reqrep reqrep.c)
target_link_libraries(reqrep PRIVATE pnng::pnng)
CMAKE
cmake -S "$WORK/cmake-src" -B "$WORK/cmake-build" -DCMAKE_PREFIX_PATH="$root/usr" >"$WORK/cmake.log" 2>&1 ||
    { cat "$WORK/cmake.log"; fail "cmake configure"; }
cmake --build "$WORK/cmake-build" >>"$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log"; fail "cmake build"; }
LD_LIBRARY_PATH=$root/usr/lib "$WORK/cmake-build/reqrep" deb-cmake >/dev/null
check cmake-build-and-run

echo "deb tests: $passed passed, 0 failed ($(basename "$deb"))"
