#!/usr/bin/env bash
# Runs the stress suites (tests/stress_*.rs): every #[ignore]d stress test in its own process
# (a crash or hang in one does not hide the others), then the regression tests of the bugs the
# suites found, then prints the summary lines collected in the report file.
#   tests/stress/run.sh            bounded run (CI)
#   tests/stress/run.sh long       long run (PNNG_STRESS_LONG=1; hours)
# Environment: CARGO, PNNG_STRESS_SCALE, PNNG_STRESS_SEED, STRESS_TIMEOUT (seconds per test,
# default 600 bounded / none long), PNNG_STRESS_REPORT (default target/stress-report.txt).
set -uo pipefail
cd "$(dirname "$0")/../.."
CARGO=${CARGO:-cargo}
MODE=${1:-bounded}
SUITES=(stress_api_fuzz stress_wire stress_faults stress_load)
export PNNG_STRESS_REPORT=${PNNG_STRESS_REPORT:-$PWD/target/stress-report.txt}
if [ "$MODE" = long ]; then
    export PNNG_STRESS_LONG=1
    TIMEOUT=${STRESS_TIMEOUT:-0}
else
    export PNNG_STRESS_LONG=0
    TIMEOUT=${STRESS_TIMEOUT:-600}
fi
mkdir -p "$(dirname "$PNNG_STRESS_REPORT")"
: >"$PNNG_STRESS_REPORT"
start=$(date +%s)

args=()
for s in "${SUITES[@]}" stress_regressions; do args+=(--test "$s"); done
$CARGO test --release "${args[@]}" --no-run >/dev/null 2>&1 || $CARGO test --release "${args[@]}" --no-run || exit 1

failed=()
ran=0
for s in "${SUITES[@]}"; do
    tests=$($CARGO test --release --test "$s" -- --ignored --list 2>/dev/null | sed -n 's/: test$//p' | grep -v '_worker$')
    for t in $tests; do
        echo "== stress: $s::$t"
        ran=$((ran + 1))
        t0=$(date +%s)
        log=$(mktemp)
        timeout --kill-after=10 "$TIMEOUT" $CARGO test --release --test "$s" -- --ignored --exact "$t" --nocapture --test-threads=1 2>&1 | tee "$log"
        rc=${PIPESTATUS[0]}
        how="exit $rc"
        [ $rc -eq 124 ] && how="timed out after $TIMEOUT s"
        sig=$(grep -o '(signal: [0-9]*, SIG[A-Z]*' "$log" | tail -1 | sed 's/(signal: [0-9]*, //')
        [ -n "$sig" ] && how="CRASHED: $sig"
        rm -f "$log"
        echo "stress: $s::$t $( [ $rc -eq 0 ] && echo passed || echo "FAILED ($how)" ) in $(( $(date +%s) - t0 )) s" | tee -a "$PNNG_STRESS_REPORT"
        [ $rc -eq 0 ] || failed+=("$s::$t")
    done
done

echo "== stress: regression tests of bugs found by the stress suites"
reg_out=$($CARGO test --release --test stress_regressions 2>&1)
reg_rc=$?
echo "$reg_out" | grep -E '^test |test result'
echo "stress: regressions (tests/stress_regressions.rs): $(echo "$reg_out" | grep -c '^test .* ok$') pass, $(echo "$reg_out" | grep -c '^test .* FAILED$') fail, $(echo "$reg_out" | grep -c '^test .* \.\.\. ignored') ignored (slow repros: run with --ignored)" | tee -a "$PNNG_STRESS_REPORT"
[ $reg_rc -eq 0 ] || failed+=("stress_regressions")

echo
echo "==================== stress summary ($MODE, $(( $(date +%s) - start )) s wall) ===================="
cat "$PNNG_STRESS_REPORT"
echo "stress: $ran stress tests run, ${#failed[@]} failed (regression tests included)" | tee -a "$PNNG_STRESS_REPORT"
echo "stress: total wall time $(( $(date +%s) - start )) s" | tee -a "$PNNG_STRESS_REPORT"
if [ ${#failed[@]} -gt 0 ]; then
    echo "stress: FAILED: ${failed[*]}"
    exit 1
fi
echo "stress: all suites passed"
