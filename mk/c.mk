# C examples (examples/c): built against include/pnng.h and the release library, run as tests.
#   demo             builds the examples and shows messages flowing (pair0, pair1, req/rep, pub/sub,
#                    push/pull, survey, bus, an async server, mutual TLS)
#   test-c           every example over tcp, ipc and inproc, the TLS one over tls+tcp and wss
#   test-c-asan      the same, built with AddressSanitizer + UBSan
#   test-c-valgrind  the same under valgrind: no errors, no definite leaks (pnng_fini frees NNG)
# Included by the top-level Makefile.

C_EXAMPLES := pair0 pair1_poly reqrep pubsub pushpull survey bus async_rep_cq broker pipe_events
C_TRANSPORTS := tcp ipc inproc
C_BUILD := target/c-examples
CC ?= cc
C_WARN := -std=c99 -Wall -Wextra -Wpedantic -Werror
C_FLAGS := $(C_WARN) -O1 -g -D_POSIX_C_SOURCE=200809L -Iinclude
C_LINK := -Ltarget/release -lpnng -Wl,-rpath,$(ROOT)/target/release -lpthread
C_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# LeakSanitizer cannot see through NNG's detached worker threads at exit; leaks are valgrind's job.
C_ASAN_ENV := ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
C_VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite
C_CERTS := $(C_BUILD)/certs
C_SOURCES := $(wildcard examples/c/*.c) examples/c/common.h include/pnng.h

.PHONY: demo c-examples test-c test-c-asan test-c-valgrind

# $(1) = variant directory suffix, $(2) = extra compiler flags
define c_variant
$(C_BUILD)$(1)/%: examples/c/%.c $(C_SOURCES) | release
	@mkdir -p $$(@D)
	$$(CC) $(C_FLAGS) $(2) $$< -o $$@ $(C_LINK)
endef
$(eval $(call c_variant,,))
$(eval $(call c_variant,-asan,$(C_SAN)))

C_ALL := $(C_EXAMPLES) tls_reqrep

$(C_CERTS)/client.crt: examples/c/gen_certs.sh
	bash examples/c/gen_certs.sh $(C_CERTS)

c-examples: $(addprefix $(C_BUILD)/,$(C_ALL))

# Runs every example of build variant $(1) (dir suffix) with command prefix $(2), the TLS one
# over transports $(3); prints a tally labelled $(4).
define c_run_all
	@n=0; for ex in $(C_EXAMPLES); do for t in $(C_TRANSPORTS); do \
		echo "== $$ex $$t"; $(2) $(C_BUILD)$(1)/$$ex $$t >/dev/null || { echo "FAILED: $$ex $$t"; exit 1; }; \
		n=$$((n+1)); done; done; \
	for t in $(3); do \
		echo "== tls_reqrep $$t"; $(2) $(C_BUILD)$(1)/tls_reqrep $(C_CERTS) $$t >/dev/null || { echo "FAILED: tls_reqrep $$t"; exit 1; }; \
		n=$$((n+1)); done; \
	echo "C examples ($(4)): $$n passed, 0 failed"
endef

demo: c-examples $(C_CERTS)/client.crt
	@for ex in pair0 pair1_poly reqrep pubsub pushpull survey bus; do \
		echo; echo "### $$ex (tcp)"; $(C_BUILD)/$$ex tcp; done
	@echo; echo "### async_rep_cq (inproc)"; $(C_BUILD)/async_rep_cq inproc | tail -n 3
	@echo; echo "### tls_reqrep (mutual TLS over tls+tcp)"; $(C_BUILD)/tls_reqrep $(C_CERTS) tls+tcp
	@echo; echo "demo: done. Run the tests with: make test"

test-c: c-examples $(C_CERTS)/client.crt
	$(call c_run_all,,,tls+tcp wss,plain)

test-c-asan: $(addprefix $(C_BUILD)-asan/,$(C_ALL)) $(C_CERTS)/client.crt
	$(call c_run_all,-asan,env $(C_ASAN_ENV),tls+tcp wss,ASan+UBSan)

test-c-valgrind: c-examples $(C_CERTS)/client.crt
	$(call c_run_all,,$(C_VALGRIND),tls+tcp wss,valgrind)
