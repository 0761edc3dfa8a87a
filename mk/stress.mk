# Stress suites (tests/stress_*.rs, tests/stress/): API fuzzing, wire fuzzing, faults, load and loss.
#   make stress        bounded run, part of CI (a few minutes on 2 cores); same as make test-stress
#   make stress-long   opt-in long run (hours): PNNG_STRESS_LONG=1 sizes;
#                      PNNG_STRESS_SCALE=<x> multiplies every count (also for make stress)
#   PNNG_STRESS_SEED=<n> another seed; PNNG_STRESS_WS=1 and PNNG_STRESS_TCP_DIAL_CLOSE=1 add
#   the triggers of open NNG 1.11 crashes (NOT RUN otherwise)
# Summary lines ("stress: ...") go to target/stress-report.txt and are printed at the end.
# Each stress test runs in its own process with a time limit (STRESS_TIMEOUT seconds, bounded
# run only). The regression tests of the bugs they found are tests/stress_regressions.rs.

.PHONY: test-stress stress stress-long

test-stress: stress

stress:
	CARGO="$(CARGO)" bash tests/stress/run.sh bounded

stress-long:
	CARGO="$(CARGO)" bash tests/stress/run.sh long

# Sanitizers over the Rust tests (issue 12, item 6); the C examples have theirs in mk/c.mk.
# Need the nightly toolchain with rust-src (rustup component add rust-src --toolchain nightly)
# and clang: the standard library is rebuilt with the sanitizer (-Zbuild-std), and NNG is
# compiled by clang with it too (the cmake build takes CC/CFLAGS), so races and bad accesses
# inside NNG are seen as well. Separate target directories: nothing is shared with release.
#   make test-rust-asan   AddressSanitizer (leaks are valgrind's job, see mk/c.mk)
#   make test-rust-tsan   ThreadSanitizer; reports do not stop the run (exitcode=0): read the
#                         log. Known: NNG 1.11's unlocked fast path in nni_plat_init.
SAN_TESTS := --no-fail-fast --test socket --test aio --test objects --test options --test errors --test tls \
	--test stress_regressions
SAN_CARGO = env RUSTFLAGS="-Zsanitizer=$(1) -Cforce-frame-pointers=yes" CC=clang \
	CFLAGS="-fsanitize=$(1) -fno-omit-frame-pointer -g" \
	$(CARGO) +nightly test -Zbuild-std --target x86_64-unknown-linux-gnu --release \
	--target-dir target/san-$(1) $(SAN_TESTS) -- --test-threads=2

.PHONY: test-rust-asan test-rust-tsan

test-rust-asan:
	ASAN_OPTIONS=detect_leaks=0 $(call SAN_CARGO,address)

test-rust-tsan:
	TSAN_OPTIONS="halt_on_error=0 report_signal_unsafe=0 exitcode=0" $(call SAN_CARGO,thread) \
		2>&1 | tee target/tsan.log; \
	echo "tsan: $$(grep -c '^SUMMARY: ThreadSanitizer' target/tsan.log) reports (target/tsan.log)"
