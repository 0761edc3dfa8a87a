#!/usr/bin/env bash
# `make deb`: builds target/deb/libpnng-dev_<version>_<arch>.deb with dpkg-deb from a staged
# `make install PREFIX=/usr`: the shared and static library, the header, pkg-config and CMake
# files. Runtime dependencies come from dpkg-shlibdeps (libc, the mbedTLS libraries the .so
# links); libmbedtls-dev is added because a static link (pkg-config --static) needs it.
# Environment (from mk/install.mk): ROOT, MAKE, VERSION, MAJOR. Prints the .deb path last.
set -euo pipefail
: "${ROOT:?}" "${VERSION:?}" "${MAJOR:?}"
MAKE=${MAKE:-make}

arch=$(dpkg --print-architecture)
name=libpnng-dev
out=$ROOT/target/deb
stage=$out/${name}_${VERSION}_$arch
rm -rf "$stage"
mkdir -p "$stage/DEBIAN"

$MAKE --no-print-directory -C "$ROOT" install PREFIX=/usr DESTDIR="$stage" LDCONFIG=no >/dev/null
# dpkg keeps its own list of the files; `make uninstall`'s manifest does not belong here.
rm -rf "$stage/usr/share/pnng"
rmdir "$stage/usr/share" 2>/dev/null || true

# dpkg-shlibdeps wants to run in a source package; give it an empty one.
shlib_dir=$(mktemp -d)
trap 'rm -rf "$shlib_dir"' EXIT
mkdir -p "$shlib_dir/debian"
touch "$shlib_dir/debian/control"
depends=$(cd "$shlib_dir" && dpkg-shlibdeps -O -e"$stage/usr/lib/libpnng.so.$VERSION" 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build_deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

cat >"$stage/DEBIAN/control" <<CONTROL
Package: $name
Version: $VERSION
Architecture: $arch
Maintainer: pnng developers <pnng@invalid>
Section: libdevel
Priority: optional
Depends: $depends, libmbedtls-dev
Provides: libpnng$MAJOR
Installed-Size: $(du -sk "$stage/usr" | cut -f1)
Homepage: https://github.com/codypiersall/pynng
Description: pynng's object model as a C library over NNG 1.12.0
 pnng exposes NNG's Scalability Protocols (pair, req/rep, pub/sub, push/pull,
 survey, bus) with pynng's objects behind a plain C ABI: libpnng.so (soname
 libpnng.so.$MAJOR), libpnng.a, pnng.h, pkg-config and CMake files.
CONTROL
# Runs ldconfig when the library is installed or removed.
printf '#!/bin/sh\nset -e\nif [ "$1" = configure ]; then ldconfig; fi\n' >"$stage/DEBIAN/postinst"
printf '#!/bin/sh\nset -e\nif [ "$1" = remove ]; then ldconfig; fi\n' >"$stage/DEBIAN/postrm"
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/postrm"

dpkg-deb --build --root-owner-group "$stage" "$stage.deb" >/dev/null
echo "$stage.deb"
