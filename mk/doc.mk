# Documentation and examples (mk/doc.mk, included by the top-level Makefile). Output: target/doc/.
#   doc            every reference: C (Doxygen HTML), man pages, Python (Sphinx), Node (TypeDoc),
#                  Go (go doc); prints where to open them
#   doc-c, man, doc-python, doc-node, doc-go   one of them
#   check-doc      fails when an exported C function or type lacks a description, a parameter,
#                  its return value or its group (Doxygen warnings are errors too)
#   check-readme   the README's quick starts are exactly the example files the tests run
#   test-doc       check-doc, the man pages (one per function and type), check-readme, the
#                  Python and Node references with warnings as errors
#   test-examples  examples/{python,node,go} (pynng's documentation examples) over ipc, and the
#                  four quick starts (C, Python, Node, Go) as the README shows them
#   setup-doc      Sphinx into .venv, TypeDoc into docs/node/node_modules (pinned)
# `make install` also installs the man pages (share/man/man3), built here.

DOC_OUT := $(ROOT)/target/doc
DOC_VERSION := $(shell awk -F'"' '/^\[/{p=($$0=="[package]")} p&&/^version *=/{print $$2; exit}' $(ROOT)/Cargo.toml)
DOC_PY := $(ROOT)/.venv/bin/python
DOC_PY_DEPS := sphinx==8.1.3 myst-parser==4.0.1
DOC_PY_STAMP := $(ROOT)/.venv/.pnng-doc-setup
DOC_NODE_DIR := docs/node
DOC_NODE_STAMP := $(DOC_NODE_DIR)/node_modules/.package-lock.json
DOC_GO_ENV := GOFLAGS='-mod=mod -tags=pnng_intree' GOPROXY=off
EX_BUILD := $(ROOT)/target/examples
EX_TIMEOUT := timeout 120

.PHONY: doc doc-c man doc-python doc-node doc-go check-doc check-readme test-doc test-examples \
	setup-doc test-examples-python test-examples-node test-examples-go test-examples-c

setup-doc: $(DOC_PY_STAMP) $(DOC_NODE_STAMP)

$(DOC_PY_STAMP): mk/doc.mk | setup-python
	$(DOC_PY) -m pip install --quiet --disable-pip-version-check $(DOC_PY_DEPS)
	touch $@

$(DOC_NODE_STAMP): $(DOC_NODE_DIR)/package.json $(DOC_NODE_DIR)/package-lock.json
	cd $(DOC_NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error

# Doxygen reads include/pnng.h itself: HTML for people, XML for the checks and the man pages.
doc-c:
	@rm -rf $(DOC_OUT)/c && mkdir -p $(DOC_OUT)/c
	PNNG_VERSION=$(DOC_VERSION) PNNG_DOC_C_OUT=$(DOC_OUT)/c doxygen docs/c/Doxyfile \
		|| { cat $(DOC_OUT)/c/doxygen-warnings.log; exit 1; }

check-doc: doc-c
	python3 docs/c/refdoc.py check $(DOC_OUT)/c/xml include/pnng.h

man: doc-c
	python3 docs/c/refdoc.py man $(DOC_OUT)/c/xml $(DOC_OUT)/man $(DOC_VERSION) include/pnng.h

doc-python: $(DOC_PY_STAMP) release
	@rm -rf $(DOC_OUT)/python
	PNNG_LIBRARY=$(LIB) $(DOC_PY) -m sphinx -W --keep-going -q -b html \
		-d $(ROOT)/target/doc-cache/python docs/python $(DOC_OUT)/python

doc-node: $(DOC_NODE_STAMP)
	@rm -rf $(DOC_OUT)/node
	cd $(DOC_NODE_DIR) && npx --no-install typedoc --options typedoc.json --logLevel Warn

doc-go:
	@mkdir -p $(DOC_OUT)/go
	cd bindings/go && $(DOC_GO_ENV) go doc -all . > $(DOC_OUT)/go/pnng.txt

doc: man doc-python doc-node doc-go
	@cp docs/index.html $(DOC_OUT)/index.html
	@echo "doc: open $(DOC_OUT)/index.html; it links:"
	@echo "  C:      $(DOC_OUT)/c/html/index.html (man pages: man -M $(DOC_OUT)/man 3 pnng_socket_send)"
	@echo "  Python: $(DOC_OUT)/python/index.html"
	@echo "  Node:   $(DOC_OUT)/node/index.html"
	@echo "  Go:     $(DOC_OUT)/go/pnng.txt (or: cd bindings/go && go doc -all)"

check-readme:
	python3 docs/check_readme.py README.md

test-doc: check-doc man check-readme doc-python doc-node
	@echo "test-doc: C reference complete (a man page each), README examples match their files, Python and Node references built without warnings"

# Examples take the address to use as their argument; the tests give each its own ipc path.
# The quick starts take none: they run exactly as the README shows them.
EX_PY := $(filter-out examples/python/quickstart.py,$(wildcard examples/python/*.py))
EX_NODE := $(filter-out examples/node/quickstart.js,$(wildcard examples/node/*.js))
EX_GO := $(filter-out quickstart,$(notdir $(patsubst %/,%,$(dir $(wildcard examples/go/*/main.go)))))

test-examples-python: release | setup-python
	@dir=$$(mktemp -d); n=0; for ex in $(EX_PY) examples/python/quickstart.py; do \
		name=$$(basename $$ex .py); addr=; [ $$name = quickstart ] || addr=ipc://$$dir/$$name.ipc; \
		PNNG_LIBRARY=$(LIB) $(EX_TIMEOUT) $(DOC_PY) $$ex $$addr >$$dir/out 2>&1 \
			|| { cat $$dir/out; echo "FAILED: $$ex"; rm -rf $$dir; exit 1; }; n=$$((n+1)); done; \
	rm -rf $$dir; echo "Python examples: $$n passed, 0 failed"

test-examples-node: release
	@[ -d bindings/node/node_modules ] || $(MAKE) --no-print-directory setup-node
	@mkdir -p $(EX_BUILD)/node/node_modules && ln -sfn $(ROOT)/bindings/node $(EX_BUILD)/node/node_modules/pnng
	@dir=$$(mktemp -d); n=0; for ex in $(EX_NODE) examples/node/quickstart.js; do \
		name=$$(basename $$ex .js); addr=; [ $$name = quickstart ] || addr=ipc://$$dir/$$name.ipc; \
		NODE_PATH=$(EX_BUILD)/node/node_modules PNNG_LIBRARY=$(LIB) $(EX_TIMEOUT) node $$ex $$addr >$$dir/out 2>&1 \
			|| { cat $$dir/out; echo "FAILED: $$ex"; rm -rf $$dir; exit 1; }; n=$$((n+1)); done; \
	rm -rf $$dir; echo "Node examples: $$n passed, 0 failed"

test-examples-go: release
	cd examples/go && $(DOC_GO_ENV) go vet ./... && $(DOC_GO_ENV) go build -o $(EX_BUILD)/go/ ./...
	@cd examples/go && out=$$(gofmt -l .) && { [ -z "$$out" ] || { echo "gofmt would change: $$out"; exit 1; }; }
	@dir=$$(mktemp -d); n=0; for name in $(EX_GO) quickstart; do \
		addr=; [ $$name = quickstart ] || addr=ipc://$$dir/$$name.ipc; \
		$(EX_TIMEOUT) $(EX_BUILD)/go/$$name $$addr >$$dir/out 2>&1 \
			|| { cat $$dir/out; echo "FAILED: examples/go/$$name"; rm -rf $$dir; exit 1; }; n=$$((n+1)); done; \
	rm -rf $$dir; echo "Go examples: $$n passed, 0 failed"

test-examples-c: release
	@mkdir -p $(EX_BUILD)/c
	$(CC) -std=c99 -Wall -Wextra -Wpedantic -Werror -Iinclude examples/c/quickstart.c \
		-o $(EX_BUILD)/c/quickstart -Ltarget/release -lpnng -Wl,-rpath,$(ROOT)/target/release
	@$(EX_TIMEOUT) $(EX_BUILD)/c/quickstart >/dev/null && echo "C quick start: passed"

test-examples: test-examples-c test-examples-python test-examples-node test-examples-go

# The man pages go with `make install` (and so into the .deb).
install: man
