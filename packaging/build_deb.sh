#!/usr/bin/env bash
# `make deb`: builds the Debian packages from the release build with debhelper:
#   target/deb/libpnng0_<version>_<arch>.deb      the shared library (shlibs, ldconfig trigger)
#   target/deb/libpnng-dev_<version>_<arch>.deb   pnng.h, the .so link, libpnng.a, pkg-config, CMake
# (and their -dbgsym packages). packaging/debian is copied into target/deb/build/pnng-<version>/
# and dpkg-buildpackage runs there; its rules call this checkout's `make install` (PNNG_ROOT), so
# nothing is compiled. debian/changelog's version must be Cargo.toml's (make test-versions).
# Environment (from mk/install.mk): ROOT, VERSION. Prints the two .deb paths last.
set -euo pipefail
: "${ROOT:?}" "${VERSION:?}"

die() { echo "build_deb: error: $*" >&2; exit 1; }
for t in dpkg-buildpackage dh dpkg-parsechangelog; do
    command -v "$t" >/dev/null || die "$t is missing (scripts/setup.sh installs debhelper)"
done
changelog_version=$(dpkg-parsechangelog -l "$ROOT/packaging/debian/changelog" -S Version)
[ "$changelog_version" = "$VERSION" ] ||
    die "packaging/debian/changelog is at $changelog_version, Cargo.toml at $VERSION: add a changelog entry"

arch=$(dpkg --print-architecture)
out=$ROOT/target/deb
build=$out/build
src=$build/pnng-$VERSION
rm -rf "$build"
mkdir -p "$src"
rm -f "$out"/*.deb "$out"/*.ddeb
cp -a "$ROOT/packaging/debian" "$src/debian"

# -b: binary packages only (the source is this repository, not a Debian source package).
(cd "$src" && PNNG_ROOT=$ROOT dpkg-buildpackage -b -uc -us >"$build/dpkg-buildpackage.log" 2>&1) || {
    tail -n 40 "$build/dpkg-buildpackage.log" >&2
    die "dpkg-buildpackage failed (log: $build/dpkg-buildpackage.log)"
}
shopt -s nullglob
for f in "$build"/*.deb "$build"/*.ddeb "$build"/*.changes "$build"/*.buildinfo; do mv -f "$f" "$out/"; done
for p in libpnng0 libpnng-dev; do
    [ -f "$out/${p}_${VERSION}_$arch.deb" ] || die "dpkg-buildpackage made no $out/${p}_${VERSION}_$arch.deb"
done
echo "$out/libpnng0_${VERSION}_$arch.deb"
echo "$out/libpnng-dev_${VERSION}_$arch.deb"
