# Installation and packaging (mk/install.mk, included by the top-level Makefile).
#   install         PREFIX=/usr/local (DESTDIR honoured): libpnng.so.X.Y.Z (+ .so.X, .so links),
#                   libpnng.a, pnng.h, pkg-config pnng.pc, CMake package lib/cmake/pnng/,
#                   and share/pnng/install_manifest.txt
#   uninstall       removes exactly what the manifest under PREFIX lists
#   test-install    installs into target/install-test/, builds and runs consumers of the
#                   installed files only (pkg-config shared/static, C++, CMake shared/static),
#                   checks version macros, soname, exported symbols, coexistence with the
#                   system libnng, then uninstalls and checks nothing is left
#   setup-install   apt-installs what test-install needs beyond scripts/setup.sh (libnng-dev)
#   deb             target/deb/libpnng-dev_<version>_<arch>.deb (packaging/build_deb.sh)
#   test-deb        builds it, checks metadata and contents, dpkg --dry-run install, and builds
#                   and runs a C program against the unpacked package (pkg-config and CMake)
#   wheel           target/wheels/pnng-*.whl with libpnng.so inside (packaging/build_wheel.sh)
#   test-wheel      installs that wheel into a fresh venv and does a pair0 round-trip

PREFIX ?= /usr/local
DESTDIR ?=

# Version from Cargo.toml's [package] table, and the bundled NNG from Cargo.lock's nng-sys
# ("0.3.0+1.11.0").
PNNG_VERSION := $(shell awk -F'"' '/^\[/{p=($$0=="[package]")} p&&/^version *=/{print $$2; exit}' $(ROOT)/Cargo.toml)
PNNG_VERSION_PARTS := $(subst ., ,$(firstword $(subst -, ,$(subst +, ,$(PNNG_VERSION)))))
PNNG_MAJOR := $(word 1,$(PNNG_VERSION_PARTS))
PNNG_MINOR := $(word 2,$(PNNG_VERSION_PARTS))
PNNG_PATCH := $(word 3,$(PNNG_VERSION_PARTS))
PNNG_NNG_VERSION := $(shell awk -F'"' '/^name = "nng-sys"/{f=1; next} f&&/^version/{sub(/.*\+/,"",$$2); print $$2; exit}' $(ROOT)/Cargo.lock)

# What a static link of libpnng.a needs besides it: rustc's native-static-libs. It is printed
# only when rustc builds the staticlib, so it is computed in a separate target directory
# (never disturbing target/release) with pnng's fingerprint removed to force that one step;
# cached until the manifest, lock file or build script change. mbedTLS is put in link order
# (mbedtls needs x509 needs crypto) so the list also works against static mbedTLS archives.
PNNG_PROBE_DIR := $(ROOT)/target/packaging/static-probe
PNNG_NATIVE_LIBS := $(ROOT)/target/packaging/native-static-libs.txt

$(PNNG_NATIVE_LIBS): $(ROOT)/Cargo.toml $(ROOT)/Cargo.lock $(ROOT)/build.rs
	@mkdir -p $(dir $@)
	rm -rf $(PNNG_PROBE_DIR)/release/.fingerprint/pnng-*
	CARGO_TARGET_DIR=$(PNNG_PROBE_DIR) $(CARGO) rustc --release --lib --crate-type staticlib \
		-- --print native-static-libs 2>&1 | tee $@.log | sed -n 's/.*native-static-libs: //p' | tail -n1 >$@.raw
	@test -s $@.raw || { echo "install: rustc printed no native-static-libs (see $@.log)" >&2; exit 1; }
	words=" $$(cat $@.raw) "; out=""; \
	for m in -lmbedtls -lmbedx509 -lmbedcrypto; do case $$words in *" $$m "*) out="$$out $$m" ;; esac; done; \
	for w in $$words; do case $$w in -lmbedtls|-lmbedx509|-lmbedcrypto) ;; *) out="$$out $$w" ;; esac; done; \
	echo "$${out# }" >$@.tmp && mv -f $@.tmp $@ && rm -f $@.raw
	@echo "install: libpnng.a needs: $$(cat $@)"

PNNG_INSTALL_ENV = ROOT=$(ROOT) PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) VERSION=$(PNNG_VERSION) \
	MAJOR=$(PNNG_MAJOR) MINOR=$(PNNG_MINOR) PATCH=$(PNNG_PATCH) NNG_VERSION=$(PNNG_NNG_VERSION) \
	NATIVE_LIBS=$(PNNG_NATIVE_LIBS)

.PHONY: install uninstall test-install setup-install deb test-deb wheel test-wheel

install: release $(PNNG_NATIVE_LIBS)
	@test -n "$(PNNG_VERSION)" -a -n "$(PNNG_PATCH)" || { echo "install: cannot read the version from Cargo.toml" >&2; exit 1; }
	$(PNNG_INSTALL_ENV) bash $(ROOT)/packaging/install.sh install

uninstall:
	$(PNNG_INSTALL_ENV) bash $(ROOT)/packaging/install.sh uninstall

setup-install:
	@dpkg -s libnng-dev >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq libnng-dev >/dev/null; }
	@echo "setup-install: libnng-dev $$(dpkg-query -W -f='$${Version}' libnng-dev) present"

test-install: release $(PNNG_NATIVE_LIBS)
	ROOT=$(ROOT) MAKE="$(MAKE)" VERSION=$(PNNG_VERSION) MAJOR=$(PNNG_MAJOR) MINOR=$(PNNG_MINOR) \
		PATCH=$(PNNG_PATCH) bash $(ROOT)/packaging/tests/test_install.sh

PNNG_DEB_ENV = ROOT=$(ROOT) MAKE="$(MAKE)" VERSION=$(PNNG_VERSION) MAJOR=$(PNNG_MAJOR)

deb: release $(PNNG_NATIVE_LIBS)
	$(PNNG_DEB_ENV) bash $(ROOT)/packaging/build_deb.sh

test-deb: release $(PNNG_NATIVE_LIBS)
	$(PNNG_DEB_ENV) bash $(ROOT)/packaging/tests/test_deb.sh

wheel: release
	ROOT=$(ROOT) bash $(ROOT)/packaging/build_wheel.sh

test-wheel: wheel
	ROOT=$(ROOT) bash $(ROOT)/packaging/tests/test_wheel.sh
