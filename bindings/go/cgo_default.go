//go:build !pnng_pkgconfig

package pnng

// Default build: the header and the library of the repository this module lives in
// (include/pnng.h and target/release/libpnng.so, built by `make release`). The rpath lets
// tests and programs run without LD_LIBRARY_PATH. Build with -tags pnng_pkgconfig to use an
// installed library found through pkg-config instead.

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -L${SRCDIR}/../../target/release -lpnng -Wl,-rpath,${SRCDIR}/../../target/release
import "C"
