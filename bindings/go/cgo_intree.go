//go:build pnng_intree

package pnng

// In-tree build (-tags pnng_intree, used by the repository's make targets): the header and
// the library of the checkout this module lives in (include/pnng.h and
// target/release/libpnng.so, built by `make release`). The rpath lets tests and programs run
// without LD_LIBRARY_PATH.

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -L${SRCDIR}/../../target/release -lpnng -Wl,-rpath,${SRCDIR}/../../target/release
import "C"
