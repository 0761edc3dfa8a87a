# Stress suites (tests/stress_*.rs, tests/stress/): API fuzzing, wire fuzzing, faults, load and loss.
#   make stress        bounded run, part of CI (a few minutes on 2 cores); same as make test-stress
#   make stress-long   opt-in long run (hours): PNNG_STRESS_LONG=1 sizes;
#                      PNNG_STRESS_SCALE=<x> multiplies every count (also for make stress)
#   PNNG_STRESS_SEED=<n> another seed
# Summary lines ("stress: ...") go to target/stress-report.txt and are printed at the end.
# Each stress test runs in its own process with a time limit (STRESS_TIMEOUT seconds, bounded
# run only). The regression tests of the bugs they found are tests/stress_regressions.rs.

.PHONY: test-stress stress stress-long

test-stress: stress

stress:
	CARGO="$(CARGO)" bash tests/stress/run.sh bounded

stress-long:
	CARGO="$(CARGO)" bash tests/stress/run.sh long

# Sanitizers over the Rust tests; the C examples have theirs in mk/c.mk.
# Need the nightly toolchain (rustc -Zsanitizer). pnng's Rust code and the test binaries are
# built with the sanitizer, and NNG's C sources are compiled by gcc with it
# too (the cmake build takes CFLAGS), so bad accesses inside NNG are seen as well; gcc's
# instrumentation reports to the runtime rustc links in. Under AddressSanitizer the C code
# also gets UBSan with -fsanitize-undefined-trap-on-error (undefined behaviour traps: SIGILL),
# which needs no runtime of its own. The standard library is rebuilt with the sanitizer
# (-Zbuild-std) only when the nightly toolchain has rust-src; without it std stays
# uninstrumented, which AddressSanitizer tolerates (its allocator and interceptors still see
# every heap access). Separate target directories: nothing is shared with release.
#   make test-rust-asan   AddressSanitizer + UBSan (C), part of make test when nightly exists;
#                         leaks are valgrind's job (mk/c.mk)
#   make test-rust-tsan   ThreadSanitizer (opt-in); reports do not stop the run (exitcode=0):
#                         read target/tsan.log. Without rust-src std is uninstrumented, so
#                         expect false reports from std's own synchronisation.
SAN_TESTS := --no-fail-fast --test socket --test aio --test objects --test options --test errors --test tls \
	--test stress_regressions --test completion_threads --test fini --test interruptible
HAVE_NIGHTLY := $(shell rustc +nightly --version >/dev/null 2>&1 && echo yes)
NIGHTLY_RUST_SRC := $(shell test -d "$$(rustc +nightly --print sysroot 2>/dev/null)/lib/rustlib/src/rust/library" && echo yes)
SAN_CFLAGS_address := -fsanitize=address,undefined -fsanitize-undefined-trap-on-error
SAN_CFLAGS_thread := -fsanitize=thread
# ThreadSanitizer changes the ABI: without rust-src (no rebuilt std) rustc must be told to
# accept the uninstrumented std.
SAN_RUSTFLAGS_thread := $(if $(NIGHTLY_RUST_SRC),,-Cunsafe-allow-abi-mismatch=sanitizer)
SAN_CARGO = env RUSTFLAGS="-Zsanitizer=$(1) -Cforce-frame-pointers=yes $(SAN_RUSTFLAGS_$(1))" \
	CFLAGS="$(SAN_CFLAGS_$(1)) -fno-omit-frame-pointer -g" \
	$(CARGO) +nightly test $(if $(NIGHTLY_RUST_SRC),-Zbuild-std) --target x86_64-unknown-linux-gnu --release \
	--target-dir target/san-$(1) $(SAN_TESTS) -- --test-threads=2

.PHONY: test-rust-asan test-rust-tsan

test-rust-asan:
ifeq ($(HAVE_NIGHTLY),yes)
	@mkdir -p target; rc=0; \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 $(call SAN_CARGO,address) 2>&1 | tee target/asan.log || rc=$$?; \
	reports=$$(grep -c 'ERROR: AddressSanitizer\|SIGILL' target/asan.log || true); \
	echo "rust tests under AddressSanitizer + UBSan: $$(grep -c '^test .* ok$$' target/asan.log || true) ok, $$(grep -c '^test .* FAILED$$' target/asan.log || true) failed, $$reports sanitizer reports (target/asan.log)"; \
	[ $$rc -eq 0 ] && [ $$reports -eq 0 ]
else
	@echo "test-rust-asan: NOT RUN: no nightly Rust toolchain (rustc +nightly), which -Zsanitizer needs"
endif

test-rust-tsan:
	TSAN_OPTIONS="halt_on_error=0 report_signal_unsafe=0 exitcode=0" $(call SAN_CARGO,thread) \
		2>&1 | tee target/tsan.log; \
	echo "tsan: $$(grep -c '^SUMMARY: ThreadSanitizer' target/tsan.log) reports (target/tsan.log)"
