#!/usr/bin/env bash
# Installs or uninstalls pnng under a prefix. Called by mk/install.mk (`make install` /
# `make uninstall`), which passes everything in the environment:
#   ROOT          repository root (the release build is in $ROOT/target/release)
#   PREFIX        install prefix (default /usr/local); DESTDIR is prepended to every path written
#   VERSION MAJOR MINOR PATCH   the crate version, from Cargo.toml
#   NNG_VERSION   the bundled NNG version, from Cargo.lock (for the .pc description)
#   NATIVE_LIBS   file holding rustc's native-static-libs for libpnng.a ("-lmbedtls ... -lc")
#   LDCONFIG      "auto" (default): run ldconfig after a root install into a directory ld.so
#                 already searches; "no": never
#
# Installed (relative to the prefix):
#   lib/libpnng.so.X.Y.Z, lib/libpnng.so.X -> libpnng.so.X.Y.Z, lib/libpnng.so -> libpnng.so.X
#   lib/libpnng.a, include/pnng.h, lib/pkgconfig/pnng.pc,
#   lib/cmake/pnng/pnngConfig.cmake, lib/cmake/pnng/pnngConfigVersion.cmake,
#   share/man/man3/*.3 (when built: `make install` builds them)
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
    : "${VERSION:?}" "${MAJOR:?}" "${MINOR:?}" "${NNG_VERSION:?}" "${NATIVE_LIBS:?}"
    local rel=$ROOT/target/release
    local f
    for f in "$rel/libpnng.so" "$rel/libpnng.a" "$ROOT/include/pnng.h" "$NATIVE_LIBS"; do
        [ -f "$f" ] || die "$f is missing (run 'make release')"
    done
    local soname
    soname=$(readelf -d "$rel/libpnng.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ "$soname" = "libpnng.so.$MAJOR" ] || die "$rel/libpnng.so has soname '$soname', expected libpnng.so.$MAJOR"

    local libs_private cmake_libs sizeof_void_p
    libs_private=$(tr -s ' \n' '  ' <"$NATIVE_LIBS" | sed 's/^ *//; s/ *$//')
    [ -n "$libs_private" ] || die "$NATIVE_LIBS is empty"
    # The same list for CMake: -lfoo -> foo, ';'-separated.
    cmake_libs=$(for w in $libs_private; do case $w in -l*) echo "${w#-l}" ;; *) echo "$w" ;; esac; done | paste -sd';')
    case $(od -An -tu1 -j4 -N1 "$rel/libpnng.so" | tr -d ' ') in
        1) sizeof_void_p=4 ;; 2) sizeof_void_p=8 ;; *) die "cannot read the ELF class of libpnng.so" ;;
    esac

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
    mkdir -p -- "$base"
    mkdir_rec lib
    mkdir_rec lib/pkgconfig
    mkdir_rec lib/cmake/pnng
    mkdir_rec include
    mkdir_rec share/pnng

    local real=libpnng.so.$VERSION
    install -m 0755 "$rel/libpnng.so" "$base/lib/$real"
    ln -sfn "$real" "$base/lib/libpnng.so.$MAJOR"
    ln -sfn "libpnng.so.$MAJOR" "$base/lib/libpnng.so"
    install -m 0644 "$rel/libpnng.a" "$base/lib/libpnng.a"
    install -m 0644 "$ROOT/include/pnng.h" "$base/include/pnng.h"

    subst() { # template -> destination
        sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@VERSION@|$VERSION|g" -e "s|@MAJOR@|$MAJOR|g" \
            -e "s|@MINOR@|$MINOR|g" -e "s|@NNG_VERSION@|$NNG_VERSION|g" \
            -e "s|@LIBS_PRIVATE@|$libs_private|g" -e "s|@CMAKE_LIBS@|$cmake_libs|g" \
            -e "s|@SIZEOF_VOID_P@|$sizeof_void_p|g" "$1" >"$2.tmp"
        if grep -n '@[A-Z_]*@' "$2.tmp" >&2; then rm -f "$2.tmp"; die "unsubstituted variable in $1"; fi
        chmod 0644 "$2.tmp" && mv -f "$2.tmp" "$2"
    }
    subst "$ROOT/packaging/pnng.pc.in" "$base/lib/pkgconfig/pnng.pc"
    subst "$ROOT/packaging/cmake/pnngConfig.cmake.in" "$base/lib/cmake/pnng/pnngConfig.cmake"
    subst "$ROOT/packaging/cmake/pnngConfigVersion.cmake.in" "$base/lib/cmake/pnng/pnngConfigVersion.cmake"

    # Man pages, one per function and type (built by `make man`, a prerequisite of `make install`).
    if compgen -G "$ROOT/target/doc/man/man3/*.3" >/dev/null; then
        mkdir_rec share/man/man3
        for f in "$ROOT"/target/doc/man/man3/*.3; do
            install -m 0644 "$f" "$base/share/man/man3/${f##*/}"
            entries+=("share/man/man3/${f##*/}")
        done
    fi

    entries+=("lib/$real" "lib/libpnng.so.$MAJOR" "lib/libpnng.so" "lib/libpnng.a" "include/pnng.h"
        "lib/pkgconfig/pnng.pc" "lib/cmake/pnng/pnngConfig.cmake"
        "lib/cmake/pnng/pnngConfigVersion.cmake" "$manifest_rel")
    # Unique, in first-seen order (directories before their files).
    printf '%s\n' "${entries[@]}" | awk '!seen[$0]++' >"$manifest.tmp"
    mv -f "$manifest.tmp" "$manifest"
    chmod 0644 "$manifest"

    if [ -z "$DESTDIR" ] && [ "${LDCONFIG:-auto}" = auto ] && [ "$(id -u)" = 0 ] &&
        command -v ldconfig >/dev/null &&
        ldconfig -v -N 2>/dev/null | grep -q "^$PREFIX/lib:"; then
        ldconfig
    fi
    echo "pnng: installed $VERSION into $base (manifest: $manifest)"
}

case $action in
    install) install_all ;;
    uninstall) uninstall ;;
    *) die "usage: $0 install|uninstall" ;;
esac
