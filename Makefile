# pnng: top-level build and test entry points.
#   make setup     install system packages, build the release library, set up the bindings
#   make test      every test suite (what .ci/run runs)
#   make header    regenerate include/pnng.h from src/ (commit the result)
#   make doc       every API reference under target/doc/ (mk/doc.mk)
# Each area adds its targets in mk/<area>.mk: test-<area>, optionally setup-<area>.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
ROOT := $(CURDIR)
LIB := $(ROOT)/target/release/libpnng.so
export PNNG_LIBRARY := $(LIB)

.PHONY: all release setup header check-header test test-rust demo lint lint-rust
all: release

release:
	$(CARGO) build --release

header:
	PNNG_REGEN_HEADER=1 $(CARGO) build

# The committed header must be exactly what cbindgen makes of src/ now.
check-header:
	PNNG_REGEN_HEADER=1 PNNG_HEADER_OUT=$(ROOT)/target/pnng.h.generated $(CARGO) build --release
	diff -u include/pnng.h target/pnng.h.generated && echo "header: include/pnng.h matches src/"

test-rust:
	$(CARGO) test --release -- --test-threads=2

# Every linter and formatter check; each binding adds lint-<area> in its mk/<area>.mk.
lint-rust:
	$(CARGO) fmt --check
	$(CARGO) clippy --release --all-targets -- -D warnings
	@# One-way layers: src/core never uses src/ffi, and src/ffi reaches NNG only through src/core.
	@! grep -rn "crate::ffi" src/core || { echo "lint-rust: src/core uses src/ffi"; exit 1; }
	@! grep -rnE "nng_sys|core::sys" src/ffi || { echo "lint-rust: src/ffi uses nng-sys"; exit 1; }

include $(sort $(wildcard mk/*.mk))

# Suites contributed by mk/*.mk, in the order they run.
TEST_AREAS := $(if $(wildcard mk/c.mk),test-c test-c-asan test-c-valgrind) \
	$(if $(wildcard mk/python.mk),test-python) $(if $(wildcard mk/go.mk),test-go test-go-module) \
	$(if $(wildcard mk/node.mk),test-node test-node-package) $(if $(wildcard mk/doc.mk),test-doc test-examples) \
	$(if $(wildcard mk/install.mk),test-abi test-versions test-install test-deb $(if $(wildcard bindings/python/pyproject.toml),test-wheel)) \
	$(if $(wildcard mk/stress.mk),test-rust-asan stress)

LINT_AREAS := lint-rust $(if $(wildcard mk/python.mk),lint-python) $(if $(wildcard mk/go.mk),lint-go) \
	$(if $(wildcard mk/node.mk),lint-node)

lint: $(LINT_AREAS)
	@echo "make lint: clean ($(LINT_AREAS))"

setup:
	bash scripts/setup.sh --no-demo

test: setup lint release check-header $(if $(wildcard mk/nng.mk),check-nng-patches) test-rust $(TEST_AREAS)
	@echo "make test: all suites passed ($(TEST_AREAS))"
