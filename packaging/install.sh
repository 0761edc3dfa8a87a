#!/usr/bin/env bash
# Installs or uninstalls pnng under a prefix. Called by mk/install.mk (`make install` /
# `make uninstall`), which passes everything in the environment:
#   ROOT          repository root (the release build is in $ROOT/target/release)
#   PREFIX        install prefix (default /usr/local); DESTDIR is prepended to every path written
#   LIBDIR        where the libraries, pkgconfig/ and cmake/pnng/ go (default $PREFIX/lib; Debian
#                 multiarch: $PREFIX/lib/x86_64-linux-gnu); INCLUDEDIR (default $PREFIX/include),
#                 DOCDIR (default $PREFIX/share/doc/pnng), MANDIR (default $PREFIX/share/man):
#                 absolute paths inside PREFIX
#   STRIP         "yes" (default): the installed libraries carry no debug information
#                 (--strip-unneeded for the .so, --strip-debug for the .a); "no": as built
#   MAN3_SRC      directory of man pages (*.3); installed into MANDIR/man3 when it has any
#   VERSION MAJOR MINOR PATCH   the crate version, from Cargo.toml
#   NNG_VERSION   the bundled NNG version, from Cargo.lock (for the .pc description)
#   NATIVE_LIBS   file holding rustc's native-static-libs for libpnng.a ("-lmbedtls ... -lc")
#   CMAKE_VERSION_FILE  pnngConfigVersion.cmake, made by CMake's write_basic_package_version_file
#                 (packaging/cmake/version-file.cmake, run by mk/install.mk)
#   LDCONFIG      "auto" (default): run ldconfig after a root install into a directory ld.so
#                 already searches; "no": never
#
# Installed (LIBDIR, INCLUDEDIR, DOCDIR, MANDIR as above):
#   LIBDIR/libpnng.so.X.Y.Z, LIBDIR/libpnng.so.X -> libpnng.so.X.Y.Z, LIBDIR/libpnng.so -> libpnng.so.X
#   LIBDIR/libpnng.a, INCLUDEDIR/pnng.h, LIBDIR/pkgconfig/pnng.pc,
#   LIBDIR/cmake/pnng/pnngConfig.cmake, LIBDIR/cmake/pnng/pnngConfigVersion.cmake,
#   DOCDIR/{LICENSE,LICENSE.NNG,CHANGELOG.md}, MANDIR/man3/*.3 (when MAN3_SRC has pages: `make man`, a prerequisite of
#   `make install`, builds them into target/doc/man/man3)
#   share/pnng/install_manifest.txt: one prefix-relative path per line; directories this
#   install created end in "/". `uninstall` removes exactly those files and (if empty) those
#   directories. Re-installing keeps the old manifest's entries, so a later uninstall also
#   removes files of an older version installed there.
set -euo pipefail

die() { echo "pnng install: error: $*" >&2; exit 1; }

action=${1:-}
: "${ROOT:?}" "${PREFIX:=/usr/local}"
DESTDIR=${DESTDIR:-}
case $PREFIX in /*) ;; *) die "PREFIX must be an absolute path (got '$PREFIX')" ;; esac
PREFIX=${PREFIX%/}
[ -n "$PREFIX" ] || die "PREFIX must not be /"
base="$DESTDIR$PREFIX"
# rel NAME DEFAULT: the directory in variable NAME (default DEFAULT) relative to PREFIX.
rel() {
    local v=${!1:-$2}
    v=${v%/}
    case $v in
        "$PREFIX"/*) ;;
        *) die "$1 must be an absolute path inside PREFIX=$PREFIX (got '$v')" ;;
    esac
    case $v in *..*) die "$1 must not contain '..' (got '$v')" ;; esac
    echo "${v#"$PREFIX"/}"
}
libdir=$(rel LIBDIR "$PREFIX/lib")
includedir=$(rel INCLUDEDIR "$PREFIX/include")
docdir=$(rel DOCDIR "$PREFIX/share/doc/pnng")
mandir=$(rel MANDIR "$PREFIX/share/man")
manifest_rel=share/pnng/install_manifest.txt
manifest="$base/$manifest_rel"

uninstall() {
    [ -f "$manifest" ] || die "no manifest at $manifest: nothing installed there by 'make install'"
    local line n=0
    local -a dirs=()
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        case $line in
            /* | *..*) die "refusing suspicious manifest entry '$line' in $manifest" ;;
            */) dirs+=("${line%/}") ;;
            *)  if [ -e "$base/$line" ] || [ -L "$base/$line" ]; then
                    rm -f -- "$base/$line"; n=$((n + 1))
                fi ;;
        esac
    done <"$manifest"
    rm -f -- "$manifest"
    # Deepest first; only directories this install created, and only if now empty.
    local d
    for d in $(printf '%s\n' "${dirs[@]+"${dirs[@]}"}" share/pnng | sort -ru); do
        [ -d "$base/$d" ] && rmdir -- "$base/$d" 2>/dev/null || true
    done
    echo "pnng: uninstalled $n files from $base"
}

install_all() {
    : "${VERSION:?}" "${MAJOR:?}" "${MINOR:?}" "${NNG_VERSION:?}" "${NATIVE_LIBS:?}" "${CMAKE_VERSION_FILE:?}"
    local rel=$ROOT/target/release
    local f
    for f in "$rel/libpnng.so" "$rel/libpnng.a" "$ROOT/include/pnng.h" "$NATIVE_LIBS" "$CMAKE_VERSION_FILE"; do
        [ -f "$f" ] || die "$f is missing (run 'make' first)"
    done
    local soname
    soname=$(readelf -d "$rel/libpnng.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ "$soname" = "libpnng.so.$MAJOR" ] || die "$rel/libpnng.so has soname '$soname', expected libpnng.so.$MAJOR"

    local libs_private cmake_libs cmake_up
    libs_private=$(tr -s ' \n' '  ' <"$NATIVE_LIBS" | sed 's/^ *//; s/ *$//')
    [ -n "$libs_private" ] || die "$NATIVE_LIBS is empty"
    # The same list for CMake: -lfoo -> foo, ';'-separated.
    cmake_libs=$(for w in $libs_private; do case $w in -l*) echo "${w#-l}" ;; *) echo "$w" ;; esac; done | paste -sd';')
    # From LIBDIR/cmake/pnng back up to the prefix: one ".." per component.
    cmake_up=$(echo "$libdir/cmake/pnng" | sed 's|[^/][^/]*|..|g')

    # Entries of an earlier install here are kept (see the header).
    local -a entries=()
    if [ -f "$manifest" ]; then
        while IFS= read -r f; do [ -n "$f" ] && entries+=("$f"); done <"$manifest"
    fi
    mkdir_rec() { # prefix-relative dir; records each component this call creates
        local part path=""
        IFS=/ read -ra parts <<<"$1"
        for part in "${parts[@]}"; do
            path=${path:+$path/}$part
            if [ ! -d "$base/$path" ]; then
                mkdir -p -- "$base/$path"
                entries+=("$path/")
            fi
        done
    }
    # put MODE SRC DEST: install one file (DEST prefix-relative) and record it.
    put() {
        install -m "$1" "$2" "$base/$3"
        entries+=("$3")
    }
    mkdir -p -- "$base"
    mkdir_rec "$libdir/pkgconfig"
    mkdir_rec "$libdir/cmake/pnng"
    mkdir_rec "$includedir"
    mkdir_rec "$docdir"
    mkdir_rec share/pnng

    local real=libpnng.so.$VERSION
    put 0644 "$rel/libpnng.so" "$libdir/$real"
    put 0644 "$rel/libpnng.a" "$libdir/libpnng.a"
    if [ "${STRIP:-yes}" = yes ]; then
        strip --strip-unneeded --remove-section=.comment --remove-section=.note "$base/$libdir/$real"
        strip --strip-debug --enable-deterministic-archives "$base/$libdir/libpnng.a"
    fi
    ln -sfn "$real" "$base/$libdir/libpnng.so.$MAJOR"
    ln -sfn "libpnng.so.$MAJOR" "$base/$libdir/libpnng.so"
    entries+=("$libdir/libpnng.so.$MAJOR" "$libdir/libpnng.so")
    put 0644 "$ROOT/include/pnng.h" "$includedir/pnng.h"

    subst() { # template -> prefix-relative destination
        sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@VERSION@|$VERSION|g" -e "s|@MAJOR@|$MAJOR|g" \
            -e "s|@MINOR@|$MINOR|g" -e "s|@NNG_VERSION@|$NNG_VERSION|g" \
            -e "s|@LIBDIR@|$libdir|g" -e "s|@INCLUDEDIR@|$includedir|g" -e "s|@CMAKE_UP@|$cmake_up|g" \
            -e "s|@LIBS_PRIVATE@|$libs_private|g" -e "s|@CMAKE_LIBS@|$cmake_libs|g" "$1" >"$base/$2.tmp"
        if grep -n '@[A-Z_]*@' "$base/$2.tmp" >&2; then rm -f "$base/$2.tmp"; die "unsubstituted variable in $1"; fi
        chmod 0644 "$base/$2.tmp" && mv -f "$base/$2.tmp" "$base/$2"
        entries+=("$2")
    }
    subst "$ROOT/packaging/pnng.pc.in" "$libdir/pkgconfig/pnng.pc"
    subst "$ROOT/packaging/cmake/pnngConfig.cmake.in" "$libdir/cmake/pnng/pnngConfig.cmake"
    put 0644 "$CMAKE_VERSION_FILE" "$libdir/cmake/pnng/pnngConfigVersion.cmake"

    put 0644 "$ROOT/LICENSE" "$docdir/LICENSE"
    put 0644 "$ROOT/vendor/nng-sys/nng/LICENSE.txt" "$docdir/LICENSE.NNG"
    put 0644 "$ROOT/CHANGELOG.md" "$docdir/CHANGELOG.md"

    # Man pages, when the sources have them.
    local -a pages=()
    if [ -n "${MAN3_SRC:-}" ] && [ -d "$MAN3_SRC" ]; then
        shopt -s nullglob
        pages=("$MAN3_SRC"/*.3)
        shopt -u nullglob
    fi
    if [ ${#pages[@]} -gt 0 ]; then
        mkdir_rec "$mandir/man3"
        for f in "${pages[@]}"; do put 0644 "$f" "$mandir/man3/$(basename "$f")"; done
    fi

    entries+=("$manifest_rel")
    # Unique, in first-seen order (directories before their files).
    printf '%s\n' "${entries[@]}" | awk '!seen[$0]++' >"$manifest.tmp"
    mv -f "$manifest.tmp" "$manifest"
    chmod 0644 "$manifest"

    if [ -z "$DESTDIR" ] && [ "${LDCONFIG:-auto}" = auto ] && [ "$(id -u)" = 0 ] &&
        command -v ldconfig >/dev/null &&
        ldconfig -v -N 2>/dev/null | grep "^$PREFIX/$libdir:" >/dev/null; then
        ldconfig
    fi
    echo "pnng: installed $VERSION into $base (libraries in $PREFIX/$libdir; manifest: $manifest)"
}

case $action in
    install) install_all ;;
    uninstall) uninstall ;;
    *) die "usage: $0 install|uninstall" ;;
esac
