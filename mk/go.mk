# Go binding (bindings/go: package pnng over cgo, standard library only). Included by the
# top-level Makefile. The package finds libpnng through pkg-config by default; these targets
# build it with -tags pnng_intree (the in-tree header and release library, cgo paths relative
# to the source directory, with an rpath), so they need `make release` and nothing else.
#   test-go          go vet, the tests and examples, then the tests again under the race
#                    detector with cgocheck on
#   test-go-module   a copy of bindings/go alone, used by a module in a temp dir outside the
#                    checkout, built with plain `go build` through pkg-config (and the error
#                    without pnng.pc): bindings/go/scripts/test_module.sh
#   lint-go          go vet and gofmt

GO_DIR := bindings/go
GO_ENV := GOFLAGS='-mod=mod -tags=pnng_intree' GOPROXY=off GODEBUG=cgocheck=1

.PHONY: test-go test-go-module lint-go

test-go: release
	cd $(GO_DIR) && $(GO_ENV) go vet ./...
	cd $(GO_DIR) && $(GO_ENV) go test -count=1 -v -timeout 300s ./... > $(ROOT)/target/go-test.log 2>&1 \
		|| { cat $(ROOT)/target/go-test.log; exit 1; }
	@echo "go test: $$(grep -c '^--- PASS' target/go-test.log) passed, $$(grep -c '^--- FAIL' target/go-test.log) failed" \
		"($$(grep -c '^=== RUN' target/go-test.log) run, including Example functions)"; tail -n 1 target/go-test.log
	cd $(GO_DIR) && $(GO_ENV) go test -count=1 -race -timeout 600s ./...

lint-go: release
	cd $(GO_DIR) && $(GO_ENV) go vet ./...
	@cd $(GO_DIR) && out=$$(gofmt -l .) && { [ -z "$$out" ] || { echo "gofmt would change: $$out"; exit 1; }; }

test-go-module: release
	ROOT=$(ROOT) bash $(GO_DIR)/scripts/test_module.sh
