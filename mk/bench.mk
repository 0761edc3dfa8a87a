# Benchmarks (benches/): pnng against raw NNG, pynng, the C library and the socket floors.
# Not part of `make test`. Timings are reported, never asserted.
#   make bench         full matrix, about 10 minutes  -> benches/results/bench-full-*.{md,json}
#   make bench-quick   a subset, about 1 minute       -> benches/results/bench-quick-*.{md,json}
#   make bench-smoke   one tiny row, < 20 s: proves the harness and every build work
#   make bench-build   only the builds (cached in benches/build/, the venv in benches/.venv-pynng)
# Options: BENCH_ARGS="--only c,python" (groups: c, floor, python, go, node) and the like.

BENCH_DIR := benches
BENCH_BUILD := $(BENCH_DIR)/build
BENCH_CC ?= cc
BENCH_CFLAGS := -O2 -Wall -Wextra -Werror -std=c11 -pthread
# Raw NNG as a user gets it: pristine upstream NNG 1.12.0 (the tarball the patch series starts
# from), without pnng's patches, so the comparison is against what one would use instead.
BENCH_NNG_TARBALL := vendor/upstream/nng-1.12.0.tar.gz
BENCH_NNG_SRC := $(BENCH_BUILD)/nng-upstream
BENCH_NNG_PREFIX := $(BENCH_BUILD)/nng-install
BENCH_NNG_LIB := $(BENCH_NNG_PREFIX)/lib/libnng.a
BENCH_C_COMMON := $(BENCH_DIR)/c/bench_driver.c $(BENCH_DIR)/c/bench_impl.h
BENCH_BINS := $(BENCH_BUILD)/bench_nng $(BENCH_BUILD)/bench_pnng $(BENCH_BUILD)/bench_stream
BENCH_GO_BIN := $(BENCH_BUILD)/bench_go
BENCH_VENV := $(BENCH_DIR)/.venv-pynng
BENCH_PY_STAMP := $(BENCH_VENV)/.installed-pynng-0.9.0
BENCH_RUN = $(BENCH_VENV)/bin/python $(BENCH_DIR)/run.py --root $(CURDIR)

.PHONY: bench bench-quick bench-smoke bench-build bench-clean bench-recv-ahead bench-profile

bench: bench-build
	$(BENCH_RUN) --mode full $(BENCH_ARGS)

bench-quick: bench-build
	$(BENCH_RUN) --mode quick $(BENCH_ARGS)

bench-smoke: bench-build
	$(BENCH_RUN) --mode smoke $(BENCH_ARGS)

bench-build: $(LIB) $(BENCH_BINS) $(BENCH_GO_BIN) $(BENCH_PY_STAMP) bench-node-deps bench-python-pnng

$(LIB):
	$(CARGO) build --release

$(BENCH_NNG_LIB): $(BENCH_NNG_TARBALL)
	rm -rf $(BENCH_NNG_SRC) $(BENCH_BUILD)/nng && mkdir -p $(BENCH_NNG_SRC)
	tar -xzf $(BENCH_NNG_TARBALL) -C $(BENCH_NNG_SRC) --strip-components=1
	cmake -S $(BENCH_NNG_SRC) -B $(BENCH_BUILD)/nng -DCMAKE_BUILD_TYPE=Release -DNNG_TESTS=OFF -DNNG_TOOLS=OFF \
	    -DNNG_ENABLE_NNGCAT=OFF -DNNG_ENABLE_TLS=OFF -DBUILD_SHARED_LIBS=OFF \
	    -DCMAKE_INSTALL_PREFIX=$(CURDIR)/$(BENCH_NNG_PREFIX) -DCMAKE_INSTALL_LIBDIR=lib >/dev/null
	cmake --build $(BENCH_BUILD)/nng -j2 --target install >/dev/null
	@echo "bench: built upstream NNG 1.12.0 (Release, static) into $(BENCH_NNG_PREFIX)"

$(BENCH_BUILD)/bench_nng: $(BENCH_C_COMMON) $(BENCH_DIR)/c/impl_nng.c $(BENCH_NNG_LIB)
	$(BENCH_CC) $(BENCH_CFLAGS) -I$(BENCH_NNG_PREFIX)/include -o $@ $(BENCH_DIR)/c/bench_driver.c \
	  $(BENCH_DIR)/c/impl_nng.c $(BENCH_NNG_LIB)

$(BENCH_BUILD)/bench_pnng: $(BENCH_C_COMMON) $(BENCH_DIR)/c/impl_pnng.c include/pnng.h $(LIB)
	@mkdir -p $(BENCH_BUILD)
	$(BENCH_CC) $(BENCH_CFLAGS) -Iinclude -o $@ $(BENCH_DIR)/c/bench_driver.c $(BENCH_DIR)/c/impl_pnng.c \
	  -L$(dir $(LIB)) -lpnng -Wl,-rpath,$(dir $(LIB))

# Pull throughput with several receives in flight (benches/README.md, "receive-ahead").
BENCH_RA := $(BENCH_BUILD)/recv_ahead
$(BENCH_RA): $(BENCH_DIR)/c/recv_ahead.c include/pnng.h $(LIB)
	@mkdir -p $(BENCH_BUILD)
	$(BENCH_CC) $(BENCH_CFLAGS) -Iinclude -o $@ $< -L$(dir $(LIB)) -lpnng -Wl,-rpath,$(dir $(LIB)) -lpthread

bench-recv-ahead: $(BENCH_RA)
	@for pin in "taskset -c 0" ""; do for url in inproc://ra ipc:///tmp/pnng-ra-$$$$.ipc tcp://127.0.0.1:0; do \
		echo "== $${pin:-unpinned} $$url"; $$pin $(BENCH_RA) $$url 64 1 0 1 4 16; done; done

$(BENCH_BUILD)/bench_stream: $(BENCH_C_COMMON) $(BENCH_DIR)/c/impl_stream.c
	@mkdir -p $(BENCH_BUILD)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $(BENCH_DIR)/c/bench_driver.c $(BENCH_DIR)/c/impl_stream.c

# The Go benchmark module uses the in-tree binding through a replace directive (no module proxy).
$(BENCH_GO_BIN): $(wildcard $(BENCH_DIR)/go/*.go $(BENCH_DIR)/go/go.mod bindings/go/*.go bindings/go/*.h) $(LIB)
	cd $(BENCH_DIR)/go && GOFLAGS=-mod=mod GOPROXY=off go build -tags pnng_intree -o $(CURDIR)/$@ .

$(BENCH_PY_STAMP):
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet pynng==0.9.0 trio==0.35.0
	touch $@

# The pnng Python package (bindings/python), installed editable into the same venv once it exists.
bench-python-pnng: $(BENCH_PY_STAMP)
	@if [ -f bindings/python/pyproject.toml ] || [ -f bindings/python/setup.py ]; then \
	  $(BENCH_VENV)/bin/python -c 'import pnng' 2>/dev/null || \
	    $(BENCH_VENV)/bin/pip install --quiet -e bindings/python || \
	    echo "bench: could not install bindings/python; its rows will read n/a"; \
	else echo "bench: bindings/python missing; the pnng Python rows will read n/a"; fi

# zeromq.js for the Node section's comparison column: a bench-only install (benches/node/zmq),
# not a dependency of the pnng package. Without it that column reads n/a.
bench-node-deps:
	@if [ ! -d bindings/node/node_modules/koffi ]; then $(MAKE) --no-print-directory setup-node; fi
	@if [ ! -d $(BENCH_DIR)/node/zmq/node_modules/zeromq ]; then \
	  (cd $(BENCH_DIR)/node/zmq && npm ci --no-audit --no-fund) || \
	    echo "bench: could not install zeromq.js; its column will read n/a"; fi

# Per-message counts and who wakes whom for one row, pinned (benches/README.md, "The message path").
#   make bench-profile PROFILE="pnng lat 64 tcp"      (IMPL PATTERN SIZE TRANSPORT)
bench-profile: $(BENCH_BINS)
	bash $(BENCH_DIR)/profile/profile.sh $(or $(PROFILE),pnng lat 64 tcp)

bench-clean:
	rm -rf $(BENCH_BUILD)

.PHONY: bench-python-pnng bench-node-deps

# --- bench-scale: pnng against raw NNG at thousands of subscribers, contexts, sockets and
# connections (benches/scale.py; benches/README.md, "Scale"). One program, benches/c/scale.c,
# written against pnng's API, built against libpnng and against pnng_over_nng.h (the same calls
# straight over NNG). The NNG it is built against is upstream's, without pnng's patches: the
# pristine NNG 1.12.0 source that vendor/nng-sys/nng is made from (vendor/upstream).
#   make bench-scale         every part, pinned and unpinned, medians of 5 (15-25 minutes)
#   make bench-scale-smoke   every part at small sizes, one round (seconds once built)
#   make bench-scale-patched as bench-scale, plus a column for NNG with pnng's patches
# Options: BENCH_SCALE_ARGS="--only fanout,ctx --rounds 3" and the like.
BENCH_SCALE_NNG_TARBALL := vendor/upstream/nng-1.12.0.tar.gz
BENCH_SCALE_UP := $(BENCH_BUILD)/nng-upstream
BENCH_SCALE_UP_LIB := $(BENCH_SCALE_UP)/install/lib/libnng.a
BENCH_SCALE_BINS := $(BENCH_BUILD)/scale_nng $(BENCH_BUILD)/scale_pnng
BENCH_SCALE_SRC := $(BENCH_DIR)/c/scale.c $(BENCH_DIR)/c/pnng_over_nng.h
BENCH_SCALE_RUN = python3 $(BENCH_DIR)/scale.py --root $(CURDIR)

.PHONY: bench-scale bench-scale-smoke bench-scale-build bench-scale-patched

bench-scale: bench-scale-build
	$(BENCH_SCALE_RUN) --mode full $(BENCH_SCALE_ARGS)

bench-scale-smoke: bench-scale-build
	$(BENCH_SCALE_RUN) --mode smoke $(BENCH_SCALE_ARGS)

bench-scale-build: $(BENCH_SCALE_BINS)

$(BENCH_SCALE_UP_LIB): $(BENCH_SCALE_NNG_TARBALL)
	rm -rf $(BENCH_SCALE_UP) && mkdir -p $(BENCH_SCALE_UP)/src
	tar -xzf $(BENCH_SCALE_NNG_TARBALL) -C $(BENCH_SCALE_UP)/src --strip-components=1
	cmake -S $(BENCH_SCALE_UP)/src -B $(BENCH_SCALE_UP)/build -DCMAKE_BUILD_TYPE=Release -DNNG_TESTS=OFF \
	    -DNNG_TOOLS=OFF -DNNG_ENABLE_NNGCAT=OFF -DNNG_ENABLE_TLS=OFF -DBUILD_SHARED_LIBS=OFF \
	    -DCMAKE_INSTALL_PREFIX=$(CURDIR)/$(BENCH_SCALE_UP)/install -DCMAKE_INSTALL_LIBDIR=lib >/dev/null
	cmake --build $(BENCH_SCALE_UP)/build -j2 --target install >/dev/null
	@echo "bench: built upstream NNG ($(notdir $(BENCH_SCALE_NNG_TARBALL)), Release, static) into $(BENCH_SCALE_UP)/install"

$(BENCH_BUILD)/scale_nng: $(BENCH_SCALE_SRC) $(BENCH_SCALE_UP_LIB)
	$(BENCH_CC) $(BENCH_CFLAGS) -DSCALE_OVER_NNG -I$(BENCH_SCALE_UP)/install/include -o $@ \
	  $(BENCH_DIR)/c/scale.c $(BENCH_SCALE_UP_LIB)

$(BENCH_BUILD)/scale_pnng: $(BENCH_SCALE_SRC) include/pnng.h $(LIB)
	@mkdir -p $(BENCH_BUILD)
	$(BENCH_CC) $(BENCH_CFLAGS) -Iinclude -o $@ $(BENCH_DIR)/c/scale.c \
	  -L$(dir $(LIB)) -lpnng -Wl,-rpath,$(dir $(LIB))

# The same over the NNG pnng builds (vendor/nng-sys, with pnng's changes): which costs are NNG's.
bench-scale-patched: $(BENCH_SCALE_BINS) $(BENCH_BUILD)/scale_nngp
	$(BENCH_SCALE_RUN) --mode full --with-patched $(BENCH_SCALE_ARGS)

# Built from vendor/nng-sys/nng (the 1.12.0 tree with pnng's patch series applied), not from
# the upstream tarball: rebuilt when the patch series changes.
BENCH_SCALE_PATCHED := $(BENCH_BUILD)/nng-patched
BENCH_SCALE_PATCHED_LIB := $(BENCH_SCALE_PATCHED)/install/lib/libnng.a

$(BENCH_SCALE_PATCHED_LIB): $(wildcard vendor/nng-patches/*.patch)
	rm -rf $(BENCH_SCALE_PATCHED)
	cmake -S vendor/nng-sys/nng -B $(BENCH_SCALE_PATCHED)/build -DCMAKE_BUILD_TYPE=Release -DNNG_TESTS=OFF \
	    -DNNG_TOOLS=OFF -DNNG_ENABLE_NNGCAT=OFF -DNNG_ENABLE_TLS=OFF -DBUILD_SHARED_LIBS=OFF \
	    -DCMAKE_INSTALL_PREFIX=$(CURDIR)/$(BENCH_SCALE_PATCHED)/install -DCMAKE_INSTALL_LIBDIR=lib >/dev/null
	cmake --build $(BENCH_SCALE_PATCHED)/build -j2 --target install >/dev/null
	@echo "bench: built NNG 1.12.0 with pnng's patches (Release, static) into $(BENCH_SCALE_PATCHED)/install"

$(BENCH_BUILD)/scale_nngp: $(BENCH_SCALE_SRC) $(BENCH_SCALE_PATCHED_LIB)
	$(BENCH_CC) $(BENCH_CFLAGS) -DSCALE_OVER_NNG -DIMPL_NAME='"nngp"' -I$(BENCH_SCALE_PATCHED)/install/include \
	  -o $@ $(BENCH_DIR)/c/scale.c $(BENCH_SCALE_PATCHED_LIB)
