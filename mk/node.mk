# Node.js binding (bindings/node: npm package "pnng" over koffi). Included by the top-level Makefile.
#   setup-node      install the pinned dependencies (npm ci from package-lock.json)
#   test-node       node --test against the release build (prints the runner's summary)
#   typecheck-node  tsc --noEmit over index.d.ts (also part of test-node)
#   test-node-package  npm pack (prebuilt libpnng.so + bundled mbedTLS + licenses), installed into
#                   a fresh project outside the checkout: CommonJS, ES module and TypeScript round trips

NODE_DIR := bindings/node
NODE_STAMP := $(NODE_DIR)/node_modules/.package-lock.json
NODE_SETUP = cd $(NODE_DIR) && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

.PHONY: setup-node test-node test-node-package typecheck-node lint-node

setup-node:
	$(NODE_SETUP)

# Installs the dependencies when node_modules is missing or older than the manifests.
$(NODE_STAMP): $(NODE_DIR)/package.json $(wildcard $(NODE_DIR)/package-lock.json)
	$(NODE_SETUP)

test-node: $(NODE_STAMP)
	cd $(NODE_DIR) && PNNG_LIBRARY=$(CURDIR)/target/release/libpnng.so npm test

test-node-package: $(NODE_STAMP)
	bash $(NODE_DIR)/scripts/test-package.sh

typecheck-node: $(NODE_STAMP)
	cd $(NODE_DIR) && npx --no-install tsc --noEmit -p tsconfig.json

lint-node: typecheck-node
