#!/usr/bin/env bash
# Checks that vendor/nng-sys/nng is exactly pristine NNG plus the patch series in
# vendor/nng-patches, applied in order (vendor/README.md).
#   scripts/check-nng-patches.sh          check (what make check-nng-patches runs)
#   scripts/check-nng-patches.sh --diff   also print how the tree differs when it does
#   scripts/check-nng-patches.sh --write  rebuild vendor/nng-sys/nng from the tarball and the
#                                         series (after adding or editing a patch)
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.12.0
# `git archive --format=tar.gz --prefix=nng-1.12.0/ v1.12.0` of github.com/nanomsg/nng
# (tag v1.12.0, commit 45f8116f2dd1b0438ab77344a75628d77656c61a).
tarball=vendor/upstream/nng-$version.tar.gz
sha256=cd56b407a4f9f75006cb9361b54e6cd18ca524d2b76d777a3c16536e4d9ac80b
tree=vendor/nng-sys/nng
mode=${1:-check}

echo "$sha256  $tarball" | sha256sum -c --quiet -
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/nng"
tar -xzf "$tarball" -C "$work/nng" --strip-components=1
# What the vendored crate leaves out on purpose (not used by its build: NNG_TESTS and
# NNG_TOOLS are off and no documentation is generated).
rm -rf "$work/nng/demo" "$work/nng/tests"
find "$work/nng/docs/man" -type f ! -name CMakeLists.txt -delete

n=0
for p in vendor/nng-patches/[0-9][0-9][0-9][0-9]-*.patch; do
    # Outside any repository (GIT_CEILING_DIRECTORIES), git apply works like patch -p1,
    # without fuzz: each patch must apply exactly.
    if ! (cd "$work/nng" && GIT_CEILING_DIRECTORIES="$work" git apply -p1 --whitespace=nowarn "$OLDPWD/$p"); then
        echo "check-nng-patches: $p does not apply on NNG $version + the patches before it" >&2
        exit 1
    fi
    n=$((n + 1))
done

if [ "$mode" = --write ]; then
    rm -rf "$tree"
    cp -a "$work/nng" "$tree"
    echo "check-nng-patches: $tree rebuilt from NNG $version + $n patches"
    exit 0
fi
if ! diff -r -q "$work/nng" "$tree" >"$work/differ"; then
    echo "check-nng-patches: $tree is not NNG $version + the $n patches of vendor/nng-patches:" >&2
    cat "$work/differ" >&2
    if [ "$mode" = --diff ]; then
        diff -ruN "$work/nng" "$tree" >&2 || true
    fi
    echo "(edit the series, then scripts/check-nng-patches.sh --write; see vendor/README.md)" >&2
    exit 1
fi
echo "check-nng-patches: $tree = NNG $version + $n patches (vendor/nng-patches)"
