#!/usr/bin/env bash
# Prints how vendor/nng-sys differs from nng-sys 0.3.0+1.11.0 as published on crates.io, outside
# its NNG source: the crate's build script, bindings and metadata (vendor/README.md). The NNG
# source, vendor/nng-sys/nng, is pristine NNG 1.12.0 plus vendor/nng-patches, which
# scripts/check-nng-patches.sh verifies (offline). The download is checked against the crate's
# published sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.3.0+1.11.0
sha256=a704f444070c59b169a15d18d8503f474a873b1d49b50ddb183ac576f302a657
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL -o "$work/crate.tar.gz" "https://static.crates.io/crates/nng-sys/nng-sys-${version/+/%2B}.crate"
echo "$sha256  $work/crate.tar.gz" | sha256sum -c --quiet -
tar -xzf "$work/crate.tar.gz" -C "$work"
# the parts vendor/ leaves out on purpose, and the NNG source (checked by check-nng-patches.sh)
rm -rf "$work/nng-sys-$version"/{nng,Cargo.lock,.cargo-ok}
diff -ruN -x nng "$work/nng-sys-$version" vendor/nng-sys || true
