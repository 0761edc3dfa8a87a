//go:build !pnng_intree

package pnng

// The default build finds pnng.h and libpnng through pkg-config (pnng.pc, installed by
// `make install` or the libpnng-dev package). When pkg-config cannot find pnng.pc, put the
// directory holding it on PKG_CONFIG_PATH.

// #cgo pkg-config: pnng
import "C"
