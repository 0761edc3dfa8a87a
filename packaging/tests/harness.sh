# Shared by the packaging tests (sourced): `run NAME COMMAND...` runs one check with its output
# in $LOGDIR/NAME.log, shown only when it fails; `summary LABEL` prints the tally and returns
# non-zero if anything failed. Every check counts; nothing is skipped silently.
passed=0
failed=0
failures=()

run() {
    local name=$1
    shift
    if ("$@") >"$LOGDIR/$name.log" 2>&1; then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "FAIL $name (log: $LOGDIR/$name.log)"
        sed 's/^/    /' "$LOGDIR/$name.log" | tail -n 40
    fi
}

summary() {
    echo "$1 tests: $passed passed, $failed failed${failures[*]:+ (${failures[*]})}"
    [ "$failed" -eq 0 ]
}
