#!/usr/bin/env bash
# The ABI check (`make test-abi`) and the release-time refresh of the committed description
# (`make abi-dump`). Environment (from mk/install.mk): ROOT, MAJOR.
#
# What the ABI is: every symbol libpnng.so exports, with the C type the header gives it, plus the
# values of the header's PNNG_* constants. libpnng is written in Rust, and libabigail cannot
# read Rust's debug information, so the types come from include/pnng.h (which cbindgen generates
# from the same Rust source, and `make check-header` keeps equal to it): a small C shared object,
# the "ABI surrogate", is compiled with DWARF from the header and holds, for each symbol the
# built library exports, a pointer `pnng_abi_<symbol>` typed by the header's declaration of that
# symbol. abidw describes it (function signatures and, through them, every struct layout), and
# abidiff compares that with abi/libpnng.abi, the description of the released ABI:
#   - a removed symbol, a changed signature or a changed struct layout fails,
#   - a changed or removed PNNG_* constant (abi/constants.txt) fails,
#   - added functions, structs reached only by them and constants pass,
#   - unless the soname changed (a new major version): then everything passes, and the committed
#     description is refreshed with `make abi-dump` for the release.
# Also checked: every exported symbol is declared in the header and starts with pnng_.
#
#   abi.sh check      the check above, then a self-test: a removed function, a changed parameter
#                     type, a changed struct field and a changed constant must each fail, an
#                     added function must pass
#   abi.sh dump       rewrite abi/libpnng.abi and abi/constants.txt from the built library
set -euo pipefail
: "${ROOT:?}" "${MAJOR:?}"

die() { echo "abi: error: $*" >&2; exit 1; }
for t in abidw abidiff gcc nm readelf; do
    command -v "$t" >/dev/null || die "$t is missing (scripts/setup.sh installs abigail-tools)"
done

LIB=$ROOT/target/release/libpnng.so
HEADER=$ROOT/include/pnng.h
ABI_DIR=$ROOT/abi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pnng-abi.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
[ -f "$LIB" ] || die "$LIB is missing (run 'make release')"

soname_of() { readelf -d "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }

# exported_symbols LIB: the symbols LIB defines for other objects, one per line.
exported_symbols() { nm -D --defined-only "$1" | awk '{print $3}' | sort -u; }

# surrogate HEADER SYMBOLS_FILE SONAME OUT: compile the ABI surrogate.
surrogate() {
    local header=$1 symbols=$2 soname=$3 out=$4 src=$4.c sym
    {
        echo '#include <pnng.h>'
        echo '#define PNNG_ABI(s) __attribute__((visibility("default"), used)) __typeof__(&s) const pnng_abi_##s = &s;'
        while IFS= read -r sym; do echo "PNNG_ABI($sym)"; done <"$symbols"
    } >"$src"
    mkdir -p "$out.inc"
    cp "$header" "$out.inc/pnng.h"
    # -fno-eliminate-unused-debug-types keeps structs described even when only a pointer names them.
    gcc -std=c11 -g -O0 -fPIC -shared -fno-eliminate-unused-debug-types -Werror=implicit-function-declaration \
        -I"$out.inc" -Wl,-soname,"$soname" -o "$out" "$src" ||
        die "the ABI surrogate does not compile: is every exported symbol declared in the header?"
}

# constants HEADER: the PNNG_* object-like macros and their values, except the version ones.
constants() {
    gcc -dM -E -x c "$1" | awk '$1 == "#define" && $2 ~ /^PNNG_[A-Z0-9_]*$/ && $2 !~ /^PNNG_VERSION_/ && $2 !~ /_H$/' |
        sed 's/[[:space:]]\+/ /g' | sort
}

# describe HEADER SYMBOLS_FILE SONAME OUTDIR: OUTDIR/libpnng.abi and OUTDIR/constants.txt.
describe() {
    mkdir -p "$4"
    surrogate "$1" "$2" "$3" "$4/surrogate.so"
    abidw --no-show-locs --no-corpus-path --no-comp-dir-path --type-id-style hash \
        --out-file "$4/libpnng.abi" "$4/surrogate.so"
    constants "$1" >"$4/constants.txt"
}

# compare BASELINE_DIR CURRENT_DIR: 0 when CURRENT only adds to BASELINE, else 1 (with a report).
compare() {
    local base=$1 cur=$2 rc=0 out
    # Added functions and variables are compatible; abidiff still reports them (exit bit 4),
    # so they are filtered out and everything else (removals: bit 8, changes: bit 4) fails.
    set +e
    out=$(abidiff --no-added-syms --no-show-locs "$base/libpnng.abi" "$cur/libpnng.abi" 2>&1)
    rc=$?
    set -e
    if [ $rc -ne 0 ]; then
        echo "$out"
        [ $((rc & 1)) -eq 0 ] || die "abidiff failed (exit $rc)"
        echo "abi: the exported functions or the structs they use changed incompatibly (abidiff exit $rc)"
        return 1
    fi
    local removed
    removed=$(comm -23 "$base/constants.txt" "$cur/constants.txt")
    if [ -n "$removed" ]; then
        echo "abi: constants removed or changed (the released value is shown):"
        echo "$removed"
        return 1
    fi
    return 0
}

current_symbols() {
    exported_symbols "$LIB" >"$WORK/symbols.txt"
    [ -s "$WORK/symbols.txt" ] || die "$LIB exports nothing"
    if grep -v '^pnng_' "$WORK/symbols.txt"; then die "exported symbols without the pnng_ prefix (above)"; fi
}

dump() {
    local soname
    soname=$(soname_of "$LIB")
    current_symbols
    describe "$HEADER" "$WORK/symbols.txt" "$soname" "$WORK/cur"
    mkdir -p "$ABI_DIR"
    cp "$WORK/cur/libpnng.abi" "$ABI_DIR/libpnng.abi"
    cp "$WORK/cur/constants.txt" "$ABI_DIR/constants.txt"
    echo "abi: wrote $ABI_DIR/libpnng.abi ($(wc -l <"$WORK/symbols.txt") functions, soname $soname) and $ABI_DIR/constants.txt ($(wc -l <"$ABI_DIR/constants.txt") constants)"
}

# expect WANT NAME: compare the committed description with $WORK/NAME; WANT is pass or fail.
expect() {
    local want=$1 name=$2 got
    if compare "$ABI_DIR" "$WORK/$name" >"$WORK/$name.log" 2>&1; then got=pass; else got=fail; fi
    if [ "$got" != "$want" ]; then
        cat "$WORK/$name.log"
        die "self-test '$name': the check gave $got, want $want"
    fi
    echo "abi: self-test $name: $got (as it must)"
}

check() {
    [ -f "$ABI_DIR/libpnng.abi" ] && [ -f "$ABI_DIR/constants.txt" ] ||
        die "$ABI_DIR/libpnng.abi or constants.txt is missing (make abi-dump writes them at a release)"
    local soname released
    soname=$(soname_of "$LIB")
    [ "$soname" = "libpnng.so.$MAJOR" ] || die "$LIB has soname '$soname', Cargo.toml's major version says libpnng.so.$MAJOR"
    released=$(sed -n "s/.*<abi-corpus .*soname='\([^']*\)'.*/\1/p" "$ABI_DIR/libpnng.abi" | head -n1)
    [ -n "$released" ] || die "no soname in $ABI_DIR/libpnng.abi"
    current_symbols
    describe "$HEADER" "$WORK/symbols.txt" "$soname" "$WORK/cur"
    if [ "$soname" != "$released" ]; then
        echo "abi: soname $soname differs from the released $released: a new major version may change the ABI"
        echo "abi: refresh the committed description at the release with 'make abi-dump'"
    else
        compare "$ABI_DIR" "$WORK/cur" || die "incompatible with the released ABI of $released; keep the ABI or bump the major version in Cargo.toml (new soname)"
        local added
        added=$(comm -13 <(sed -n "s/.*<elf-symbol name='pnng_abi_\([^']*\)'.*/\1/p" "$ABI_DIR/libpnng.abi" | sort -u) "$WORK/symbols.txt" | wc -l)
        echo "abi: $(wc -l <"$WORK/symbols.txt") exported functions compatible with the released $released ABI ($added added since)"
    fi

    # Self-test: the check must notice each kind of break, and accept an addition.
    local victim param_fn
    victim=$(head -n1 "$WORK/symbols.txt")
    grep -vx "$victim" "$WORK/symbols.txt" >"$WORK/removed.txt"
    describe "$HEADER" "$WORK/removed.txt" "$released" "$WORK/removed"
    expect fail removed
    # pnng_socket_send(pnng_socket s, const void *data, size_t size, int flags): flags becomes long.
    param_fn=pnng_socket_send
    grep -qx "$param_fn" "$WORK/symbols.txt" || die "self-test needs $param_fn"
    sed "s/^\(.* $param_fn(.*\)int flags);/\1long flags);/" "$HEADER" >"$WORK/param.h"
    cmp -s "$HEADER" "$WORK/param.h" && die "self-test could not edit $param_fn's declaration"
    describe "$WORK/param.h" "$WORK/symbols.txt" "$released" "$WORK/param"
    expect fail param
    # struct pnng_sockaddr: its port field becomes 32 bits wide.
    sed '/^typedef struct pnng_sockaddr {/,/}/ s/uint16_t port;/uint32_t port;/' "$HEADER" >"$WORK/struct.h"
    cmp -s "$HEADER" "$WORK/struct.h" && die "self-test could not edit struct pnng_sockaddr"
    describe "$WORK/struct.h" "$WORK/symbols.txt" "$released" "$WORK/struct"
    expect fail struct
    sed 's/^#define PNNG_FLAG_NONBLOCK .*/#define PNNG_FLAG_NONBLOCK 4096/' "$HEADER" >"$WORK/const.h"
    cmp -s "$HEADER" "$WORK/const.h" && die "self-test could not edit PNNG_FLAG_NONBLOCK"
    describe "$WORK/const.h" "$WORK/symbols.txt" "$released" "$WORK/const"
    expect fail const
    { cat "$HEADER"; echo 'pnng_result pnng_abi_selftest_added(pnng_socket s, int x);'; echo '#define PNNG_ABI_SELFTEST_ADDED 1'; } >"$WORK/added.h"
    { cat "$WORK/symbols.txt"; echo pnng_abi_selftest_added; } >"$WORK/added.txt"
    describe "$WORK/added.h" "$WORK/added.txt" "$released" "$WORK/added"
    expect pass added
    echo "abi: check passed"
}

case ${1:-} in
    check) check ;;
    dump) dump ;;
    *) die "usage: $0 check|dump" ;;
esac
