#!/usr/bin/env bash
# `make test-install`: installs pnng into a temporary prefix outside the checkout and checks that
# the installed files alone are enough to build and run programs, then uninstalls. Every check
# counts; nothing is skipped silently (a missing tool is a failure). Environment (from
# mk/install.mk): ROOT, MAKE, VERSION, MAJOR, MINOR, PATCH.
set -uo pipefail

: "${ROOT:?}" "${VERSION:?}" "${MAJOR:?}" "${MINOR:?}" "${PATCH:?}"
MAKE=${MAKE:-make}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pnng-install-test.XXXXXX")
PREFIX=$WORK/prefix
BUILD=$WORK/build
TESTS=$ROOT/packaging/tests
mkdir -p "$BUILD"
cd "$WORK"

LOGDIR=$BUILD
# shellcheck source=packaging/tests/harness.sh
. "$TESTS/harness.sh"
# system_lib NAME: the first NAME in the system library directories, or nothing.
system_lib() { { compgen -G "/usr/lib/*/$1" || compgen -G "/usr/lib/$1" || true; } | head -n1; }
need() { command -v "$1" >/dev/null || { echo "required tool '$1' is not installed"; return 1; }; }

export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
unset PKG_CONFIG_LIBDIR PNNG_LIBRARY GOFLAGS
export LD_LIBRARY_PATH=""
CFLAGS_W=(-Wall -Wextra -Werror)

t_install() {
    $MAKE --no-print-directory -C "$ROOT" install PREFIX="$PREFIX" DESTDIR= || return 1
    local f
    for f in lib/libpnng.so.$VERSION lib/libpnng.so.$MAJOR lib/libpnng.so lib/libpnng.a \
        include/pnng.h lib/pkgconfig/pnng.pc lib/cmake/pnng/pnngConfig.cmake \
        lib/cmake/pnng/pnngConfigVersion.cmake share/doc/pnng/LICENSE share/doc/pnng/LICENSE.NNG \
        share/doc/pnng/CHANGELOG.md share/pnng/install_manifest.txt; do
        [ -e "$PREFIX/$f" ] || { echo "missing $PREFIX/$f"; return 1; }
        grep -qxF "$f" "$PREFIX/share/pnng/install_manifest.txt" || { echo "$f not in the manifest"; return 1; }
    done
    [ "$(readlink "$PREFIX/lib/libpnng.so.$MAJOR")" = "libpnng.so.$VERSION" ] || { echo "bad libpnng.so.$MAJOR link"; return 1; }
    [ "$(readlink "$PREFIX/lib/libpnng.so")" = "libpnng.so.$MAJOR" ] || { echo "bad libpnng.so link"; return 1; }
    cmp "$PREFIX/include/pnng.h" "$ROOT/include/pnng.h" || return 1
    # Stripped: no debug sections in either library.
    if readelf -S "$PREFIX/lib/libpnng.so.$VERSION" | grep -F .debug_; then echo "libpnng.so carries debug info"; return 1; fi
    if readelf -S "$PREFIX/lib/libpnng.a" 2>/dev/null | grep -F .debug_; then echo "libpnng.a carries debug info"; return 1; fi
    local size; size=$(stat -c %s "$PREFIX/lib/libpnng.so.$VERSION")
    echo "libpnng.so.$VERSION: $size bytes (the release build: $(stat -c %s "$ROOT/target/release/libpnng.so"))"
    grep -q "Permission is hereby granted" "$PREFIX/share/doc/pnng/LICENSE.NNG" || return 1
    # The man pages (`make man`, a prerequisite of `make install`), one per function.
    [ -f "$PREFIX/share/man/man3/pnng_socket_send.3" ] || { echo "no man page pnng_socket_send(3)"; return 1; }
    echo "$(ls "$PREFIX/share/man/man3" | wc -l) man pages"
    # No source-tree path may leak into what was installed as text.
    if grep -rnE "$ROOT/(target/release|include|packaging)" "$PREFIX/lib/pkgconfig" "$PREFIX/lib/cmake" "$PREFIX/include"; then
        echo "installed text files mention the source tree"; return 1
    fi
}

t_pkgconfig_shared() {
    need pkg-config || return 1
    pkg-config --print-errors --exists pnng || return 1
    local mv; mv=$(pkg-config --modversion pnng)
    [ "$mv" = "$VERSION" ] || { echo "pkg-config --modversion: $mv, Cargo.toml: $VERSION"; return 1; }
    local libdir; libdir=$(pkg-config --variable=libdir pnng)
    # shellcheck disable=SC2046
    gcc -std=c99 "${CFLAGS_W[@]}" $(pkg-config --cflags pnng) "$TESTS/reqrep.c" -o "$BUILD/reqrep_shared" \
        $(pkg-config --libs pnng) -Wl,-rpath,"$libdir" || return 1
    readelf -d "$BUILD/reqrep_shared" | grep -F "Shared library: [libpnng.so.$MAJOR]" || { echo "not linked against libpnng.so.$MAJOR"; return 1; }
    "$BUILD/reqrep_shared" pkg-config-shared || return 1
    # Also without rpath, through LD_LIBRARY_PATH.
    gcc -std=c99 $(pkg-config --cflags pnng) "$TESTS/reqrep.c" -o "$BUILD/reqrep_shared_norpath" $(pkg-config --libs pnng) || return 1
    LD_LIBRARY_PATH=$libdir "$BUILD/reqrep_shared_norpath" pkg-config-shared-ld-library-path
}

t_pkgconfig_static() {
    need pkg-config || return 1
    local libs
    # `pkg-config --static` lists -lpnng, which the linker would satisfy with the .so; name the
    # archive explicitly (-l:libpnng.a), the rest (Libs.private) stays as given.
    libs=$(pkg-config --static --libs pnng) || return 1
    echo "pkg-config --static --libs pnng: $libs"
    libs=${libs/-lpnng/-l:libpnng.a}
    # shellcheck disable=SC2086
    gcc -std=c99 "${CFLAGS_W[@]}" $(pkg-config --cflags pnng) "$TESTS/reqrep.c" -o "$BUILD/reqrep_static" $libs || return 1
    if ldd "$BUILD/reqrep_static" | grep -i pnng; then echo "static build still needs libpnng.so"; return 1; fi
    if readelf -d "$BUILD/reqrep_static" | grep -i 'libpnng'; then echo "static build has a libpnng NEEDED entry"; return 1; fi
    ldd "$BUILD/reqrep_static"
    "$BUILD/reqrep_static" pkg-config-static
}

t_cxx() {
    need g++ || return 1
    # shellcheck disable=SC2046
    g++ -x c++ -std=c++11 "${CFLAGS_W[@]}" $(pkg-config --cflags pnng) "$TESTS/reqrep.c" -o "$BUILD/reqrep_cxx" \
        $(pkg-config --libs pnng) -Wl,-rpath,"$(pkg-config --variable=libdir pnng)" || return 1
    "$BUILD/reqrep_cxx" c++
}

t_cmake() {
    need cmake || return 1
    local src=$BUILD/cmake-src bld=$BUILD/cmake-build
    mkdir -p "$src"
    cp "$TESTS/reqrep.c" "$src/"
    cat >"$src/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.13)
project(pnng_install_test C)
find_package(pnng $MAJOR.$MINOR REQUIRED)
message(STATUS "found pnng \${pnng_VERSION} in \${pnng_DIR}")
add_executable(reqrep_cmake_shared reqrep.c)
target_link_libraries(reqrep_cmake_shared PRIVATE pnng::pnng)
add_executable(reqrep_cmake_static reqrep.c)
target_link_libraries(reqrep_cmake_static PRIVATE pnng::pnng_static)
EOF
    cmake -S "$src" -B "$bld" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release || return 1
    cmake --build "$bld" -- VERBOSE=1 || return 1
    # CMake gives build-tree executables an rpath to the imported library's directory.
    "$bld/reqrep_cmake_shared" cmake-pnng::pnng || return 1
    readelf -d "$bld/reqrep_cmake_shared" | grep -F "Shared library: [libpnng.so.$MAJOR]" || { echo "pnng::pnng target did not link libpnng.so.$MAJOR"; return 1; }
    if ldd "$bld/reqrep_cmake_static" | grep -i pnng; then echo "pnng::pnng_static needs libpnng.so"; return 1; fi
    "$bld/reqrep_cmake_static" cmake-pnng::pnng_static
}

t_cmake_version() {
    need cmake || return 1
    # The version file (SameMajorVersion, the README's ABI policy): same major version and not
    # newer than installed.
    local req want
    for req in "$MAJOR.$MINOR:ok" "$VERSION:ok" "$MAJOR:ok" "$MAJOR.0:ok" "$MAJOR.$((MINOR + 1)):reject" \
        "$((MAJOR + 1)).0:reject" "$MAJOR.$MINOR.$((PATCH + 1)):reject"; do
        want=${req##*:}; req=${req%:*}
        local src=$BUILD/cmake-version-$req
        mkdir -p "$src"
        printf 'cmake_minimum_required(VERSION 3.13)\nproject(v NONE)\nfind_package(pnng %s REQUIRED)\n' "$req" >"$src/CMakeLists.txt"
        if cmake -S "$src" -B "$src/build" -DCMAKE_PREFIX_PATH="$PREFIX" >"$src/out.log" 2>&1; then got=ok; else got=reject; fi
        echo "find_package(pnng $req): $got (want $want)"
        [ "$got" = "$want" ] || { cat "$src/out.log"; return 1; }
    done
}

t_version_macros() {
    cat >"$BUILD/version.c" <<'EOF'
#include <pnng.h>
#include <stdio.h>
int main(void) {
    printf("%d.%d.%d %d\n", PNNG_VERSION_MAJOR, PNNG_VERSION_MINOR, PNNG_VERSION_PATCH, PNNG_VERSION_NUMBER);
    return 0;
}
EOF
    # shellcheck disable=SC2046
    gcc "${CFLAGS_W[@]}" $(pkg-config --cflags pnng) "$BUILD/version.c" -o "$BUILD/version" || return 1
    local got want
    got=$("$BUILD/version") || return 1
    want="$VERSION $((MAJOR * 10000 + MINOR * 100 + PATCH))"
    echo "header: $got, Cargo.toml: $want"
    [ "$got" = "$want" ]
}

t_soname() {
    local so=$PREFIX/lib/libpnng.so.$VERSION soname
    soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    echo "SONAME: $soname"
    [ "$soname" = "libpnng.so.$MAJOR" ] || return 1
    [ "$soname" = "libpnng.so.0" ] || { echo "the API contract names soname libpnng.so.0"; return 1; }
}

t_exported_symbols() {
    local so=$PREFIX/lib/libpnng.so.$VERSION all bad
    all=$(nm -D --defined-only "$so" | awk '{print $3}') || return 1
    bad=$(grep -v '^pnng_' <<<"$all" || true)
    echo "$(wc -l <<<"$all") defined dynamic symbols"
    if [ -n "$bad" ]; then echo "exported symbols without the pnng_ prefix:"; echo "$bad"; return 1; fi
    grep -qx pnng_version <<<"$all" && grep -qx pnng_socket_send <<<"$all"
}

t_coexist_system_nng() {
    # Debian's libnng-dev (NNG 1.5.x) in the same process as libpnng.so.
    if [ ! -f /usr/include/nng/nng.h ] || [ -z "$(system_lib libnng.so)" ]; then
        echo "libnng-dev is not installed: run 'make setup-install' (apt-get install libnng-dev)"
        return 1
    fi
    # shellcheck disable=SC2046
    gcc -std=c99 "${CFLAGS_W[@]}" $(pkg-config --cflags pnng) "$TESTS/coexist.c" -o "$BUILD/coexist" \
        $(pkg-config --libs pnng) -lnng -Wl,-rpath,"$(pkg-config --variable=libdir pnng)" || return 1
    ldd "$BUILD/coexist" | grep -E 'lib(p?)nng' || return 1
    rm -f "$BUILD/coexist.sock"
    "$BUILD/coexist" "$BUILD/coexist.sock"
}

t_static_clash_documented() {
    # What the README says about libpnng.a: it carries NNG's symbols with
    # global visibility, so a static link next to another NNG clashes. If this starts
    # failing because the archive got hygienic, update the README.
    local n
    n=$(nm -g --defined-only "$PREFIX/lib/libpnng.a" 2>/dev/null | grep -c ' T nng_') || true
    echo "libpnng.a defines $n global nng_* functions"
    [ "$n" -gt 0 ] || { echo "libpnng.a no longer exports nng_*: update the README's symbol hygiene text"; return 1; }
    local sys_a; sys_a=$(system_lib libnng.a)
    if [ -n "$sys_a" ]; then
        local libs; libs=$(pkg-config --static --libs pnng); libs=${libs/-lpnng/-l:libpnng.a}
        # shellcheck disable=SC2086
        if gcc $(pkg-config --cflags pnng) "$TESTS/coexist.c" -o "$BUILD/clash" "$sys_a" $libs >"$BUILD/clash.log" 2>&1; then
            echo "linking $sys_a and libpnng.a together unexpectedly succeeded"; return 1
        fi
        # Which duplicate the linker names first depends on the archive order: NNG's public
        # nng_* or its internal nni_* functions, both are NNG's own symbols.
        grep -m3 "multiple definition of \`nn[gi]_" "$BUILD/clash.log" || { cat "$BUILD/clash.log"; return 1; }
        echo "as documented: system libnng.a + libpnng.a = duplicate NNG symbols"
    else
        echo "libnng-dev (libnng.a) is not installed: run 'make setup-install'"; return 1
    fi
}

t_uninstall() {
    $MAKE --no-print-directory -C "$ROOT" uninstall PREFIX="$PREFIX" DESTDIR= || return 1
    local left
    left=$(find "$PREFIX" -mindepth 1 2>/dev/null)
    if [ -n "$left" ]; then echo "left behind in $PREFIX:"; echo "$left"; return 1; fi
    # Nothing pnng-related anywhere under the prefix, and a second uninstall fails loudly.
    if $MAKE --no-print-directory -C "$ROOT" uninstall PREFIX="$PREFIX" DESTDIR= >/dev/null 2>&1; then
        echo "a second uninstall (no manifest) should fail"; return 1
    fi
}

t_destdir_and_foreign_files() {
    # DESTDIR staging: files land under DESTDIR, the .pc names the real prefix; uninstall with
    # the same DESTDIR removes them but keeps files that were there before.
    local dest=$WORK/destdir pre=/opt/pnng-test
    mkdir -p "$dest$pre/lib/pkgconfig" "$dest$pre/include"
    echo keep >"$dest$pre/lib/pkgconfig/other.pc"
    echo keep >"$dest$pre/include/other.h"
    $MAKE --no-print-directory -C "$ROOT" install PREFIX="$pre" DESTDIR="$dest" || return 1
    [ -e "$pre" ] && { echo "$pre was written outside DESTDIR"; return 1; }
    grep -x "prefix=$pre" "$dest$pre/lib/pkgconfig/pnng.pc" || { echo "pnng.pc prefix is not $pre"; return 1; }
    [ -L "$dest$pre/lib/libpnng.so" ] || return 1
    $MAKE --no-print-directory -C "$ROOT" uninstall PREFIX="$pre" DESTDIR="$dest" || return 1
    local left
    left=$(cd "$dest$pre" && find . -mindepth 1 | sort | tr '\n' ' ')
    echo "left: $left"
    [ "$left" = "./include ./include/other.h ./lib ./lib/pkgconfig ./lib/pkgconfig/other.pc " ] || return 1
}

t_multiarch_without_cargo() {
    # Debian's layout (LIBDIR=$PREFIX/lib/<multiarch>), by a `make install` that finds no cargo
    # (as under sudo): the release build is current, so nothing is rebuilt. Man pages from
    # PNNG_MAN3_DIR go to share/man/man3.
    local pre=$WORK/multiarch ma mandir=$WORK/man3
    ma=$(gcc -print-multiarch); [ -n "$ma" ] || ma=x86_64-linux-gnu
    mkdir -p "$mandir"
    printf '.TH PNNG_TEST 3\n.SH NAME\npnng_test \\- test page\n' >"$mandir/pnng_test.3"
    env PATH=/usr/sbin:/usr/bin:/sbin:/bin $MAKE --no-print-directory -C "$ROOT" install CARGO=/nonexistent/cargo \
        PREFIX="$pre" LIBDIR="$pre/lib/$ma" INCLUDEDIR="$pre/include" PNNG_MAN3_DIR="$mandir" DESTDIR= || return 1
    local f
    for f in "lib/$ma/libpnng.so.$VERSION" "lib/$ma/libpnng.so" "lib/$ma/libpnng.a" "lib/$ma/pkgconfig/pnng.pc" \
        "lib/$ma/cmake/pnng/pnngConfig.cmake" include/pnng.h share/man/man3/pnng_test.3; do
        [ -e "$pre/$f" ] || { echo "missing $pre/$f"; return 1; }
    done
    [ ! -e "$pre/lib/libpnng.so" ] || { echo "libraries also in $pre/lib"; return 1; }
    PKG_CONFIG_PATH=$pre/lib/$ma/pkgconfig pkg-config --variable=libdir pnng | grep -qx "$pre/lib/$ma" || return 1
    # shellcheck disable=SC2046
    gcc -std=c99 "${CFLAGS_W[@]}" "$TESTS/reqrep.c" -o "$BUILD/reqrep_multiarch" \
        $(PKG_CONFIG_PATH=$pre/lib/$ma/pkgconfig pkg-config --cflags --libs pnng) -Wl,-rpath,"$pre/lib/$ma" || return 1
    "$BUILD/reqrep_multiarch" multiarch-pkg-config || return 1
    local src=$BUILD/cmake-multiarch
    mkdir -p "$src"
    cp "$TESTS/reqrep.c" "$src/"
    printf 'cmake_minimum_required(VERSION 3.13)\nproject(m C)\nfind_package(pnng %s REQUIRED)\nadd_executable(reqrep reqrep.c)\ntarget_link_libraries(reqrep PRIVATE pnng::pnng)\n' "$MAJOR.$MINOR" >"$src/CMakeLists.txt"
    cmake -S "$src" -B "$src/build" -DCMAKE_PREFIX_PATH="$pre" >/dev/null || return 1
    cmake --build "$src/build" >/dev/null || return 1
    "$src/build/reqrep" multiarch-cmake || return 1
    $MAKE --no-print-directory -C "$ROOT" uninstall PREFIX="$pre" LIBDIR="$pre/lib/$ma" || return 1
    [ -z "$(find "$pre" -mindepth 1 2>/dev/null)" ] || { echo "left behind:"; find "$pre"; return 1; }
}

echo "install tests: prefix $PREFIX (pnng $VERSION, soname libpnng.so.$MAJOR)"
run install                  t_install
run pkg-config-shared        t_pkgconfig_shared
run pkg-config-static        t_pkgconfig_static
run c++                      t_cxx
run cmake-targets            t_cmake
run cmake-version-check      t_cmake_version
run header-version-macros    t_version_macros
run soname                   t_soname
run exported-symbols         t_exported_symbols
run coexist-system-libnng    t_coexist_system_nng
run static-clash-documented  t_static_clash_documented
run uninstall                t_uninstall
run destdir                  t_destdir_and_foreign_files
run multiarch-without-cargo  t_multiarch_without_cargo

summary install
status=$?
[ $status -ne 0 ] || rm -rf "$WORK"
exit $status
