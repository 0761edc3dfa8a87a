# Stress suites (tests/stress_*.rs, tests/stress/): API fuzzing, wire fuzzing, faults, load and loss.
#   make stress        bounded run, part of CI (a few minutes on 2 cores); same as make test-stress
#   make stress-long   opt-in long run (hours): PNNG_STRESS_LONG=1 sizes;
#                      PNNG_STRESS_SCALE=<x> multiplies every count (also for make stress)
# Summary lines ("stress: ...") go to target/stress-report.txt and are printed at the end.
# Each stress test runs in its own process with a time limit (STRESS_TIMEOUT seconds, bounded
# run only). The regression tests of the bugs they found are tests/stress_regressions.rs.

.PHONY: test-stress stress stress-long

test-stress: stress

stress:
	CARGO="$(CARGO)" bash tests/stress/run.sh bounded

stress-long:
	CARGO="$(CARGO)" bash tests/stress/run.sh long
