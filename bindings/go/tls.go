package pnng

// #include "pnng_go.h"
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// TLSMode says which side a TLSConfig is for.
type TLSMode int

// TLS modes.
const (
	TLSModeClient TLSMode = C.PNNG_TLS_MODE_CLIENT
	TLSModeServer TLSMode = C.PNNG_TLS_MODE_SERVER
)

// TLSAuthMode is the peer verification mode.
type TLSAuthMode int

// TLS authentication modes.
const (
	TLSAuthNone     TLSAuthMode = C.PNNG_TLS_AUTH_MODE_NONE
	TLSAuthOptional TLSAuthMode = C.PNNG_TLS_AUTH_MODE_OPTIONAL
	TLSAuthRequired TLSAuthMode = C.PNNG_TLS_AUTH_MODE_REQUIRED
)

// TLSConfig is a TLS configuration (pynng's TLSConfig) for tls+tcp:// and wss:// endpoints.
// Configure it, then attach it with Socket/Dialer/Listener.SetTLSConfig before dialing or
// listening; they keep their own reference, so Close may follow right away. Safe for
// concurrent use; Close is idempotent and a forgotten config is released by a finalizer.
type TLSConfig struct {
	mu sync.Mutex
	c  *C.pnng_tls_config
}

// NewTLSConfig returns a configuration for mode.
func NewTLSConfig(mode TLSMode) (*TLSConfig, error) {
	var c *C.pnng_tls_config
	if err := errFor(C.pnng_tls_config_new(C.int(mode), &c)); err != nil {
		return nil, err
	}
	cfg := &TLSConfig{c: c}
	runtime.SetFinalizer(cfg, (*TLSConfig).Close)
	return cfg, nil
}

func (cfg *TLSConfig) with(f func(c *C.pnng_tls_config) C.pnng_result) error {
	if cfg == nil {
		return ErrInvalid
	}
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	if cfg.c == nil {
		return ErrClosed
	}
	return errFor(f(cfg.c))
}

func cstrOrNil(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

func freeCstr(c *C.char) {
	if c != nil {
		C.free(unsafe.Pointer(c))
	}
}

func anyNUL(ss ...string) bool {
	for _, s := range ss {
		if hasNUL(s) {
			return true
		}
	}
	return false
}

// SetServerName sets the name the server's certificate must match (client side; "" clears).
func (cfg *TLSConfig) SetServerName(name string) error {
	if anyNUL(name) {
		return ErrInvalid
	}
	cn := cstrOrNil(name)
	defer freeCstr(cn)
	return cfg.with(func(c *C.pnng_tls_config) C.pnng_result { return C.pnng_tls_config_server_name(c, cn) })
}

// SetCAChain sets the trusted CA certificates (PEM), with an optional CRL (PEM, "" for none).
func (cfg *TLSConfig) SetCAChain(pem, crl string) error {
	if anyNUL(pem, crl) {
		return ErrInvalid
	}
	cp := C.CString(pem)
	defer freeCstr(cp)
	cc := cstrOrNil(crl)
	defer freeCstr(cc)
	return cfg.with(func(c *C.pnng_tls_config) C.pnng_result { return C.pnng_tls_config_ca_chain(c, cp, cc) })
}

// SetOwnCert sets this side's certificate chain and private key (PEM); pass decrypts the key
// ("" for none).
func (cfg *TLSConfig) SetOwnCert(certPEM, keyPEM, pass string) error {
	if anyNUL(certPEM, keyPEM, pass) {
		return ErrInvalid
	}
	cc := C.CString(certPEM)
	defer freeCstr(cc)
	ck := C.CString(keyPEM)
	defer freeCstr(ck)
	cp := cstrOrNil(pass)
	defer freeCstr(cp)
	return cfg.with(func(c *C.pnng_tls_config) C.pnng_result { return C.pnng_tls_config_own_cert(c, cc, ck, cp) })
}

// SetAuthMode sets peer verification (TLSAuthNone, TLSAuthOptional, TLSAuthRequired).
func (cfg *TLSConfig) SetAuthMode(mode TLSAuthMode) error {
	return cfg.with(func(c *C.pnng_tls_config) C.pnng_result { return C.pnng_tls_config_auth_mode(c, C.int(mode)) })
}

// AddCAFile adds trusted CAs from a PEM file.
func (cfg *TLSConfig) AddCAFile(path string) error {
	if anyNUL(path) {
		return ErrInvalid
	}
	cp := C.CString(path)
	defer freeCstr(cp)
	return cfg.with(func(c *C.pnng_tls_config) C.pnng_result { return C.pnng_tls_config_ca_file(c, cp) })
}

// SetCertKeyFile sets this side's certificate and key from one PEM file; pass decrypts the
// key ("" for none).
func (cfg *TLSConfig) SetCertKeyFile(path, pass string) error {
	if anyNUL(path, pass) {
		return ErrInvalid
	}
	cp := C.CString(path)
	defer freeCstr(cp)
	cw := cstrOrNil(pass)
	defer freeCstr(cw)
	return cfg.with(func(c *C.pnng_tls_config) C.pnng_result { return C.pnng_tls_config_cert_key_file(c, cp, cw) })
}

// Close drops this reference. Endpoints using the config keep theirs. Idempotent.
func (cfg *TLSConfig) Close() error {
	cfg.mu.Lock()
	c := cfg.c
	cfg.c = nil
	cfg.mu.Unlock()
	if c != nil {
		C.pnng_tls_config_free(c)
	}
	return nil
}
