//go:build pnng_pkgconfig

package pnng

// Installed library: `go build -tags pnng_pkgconfig` finds pnng.h and libpnng through
// pkg-config (pnng.pc, installed by `make install`).

// #cgo pkg-config: pnng
import "C"
