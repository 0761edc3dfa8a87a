package pnng

// #include "pnng_go.h"
import "C"

import (
	"math"
	"net"
	"runtime"
	"time"
	"unsafe"
)

// Option names, NNG's strings (the PNNG_OPT_* macros), for the generic option methods
// (GetInt, SetMs, ...). Any other NNG option name works too.
const (
	OptSocketName        = "socket-name"
	OptRaw               = "raw"
	OptProtocol          = "protocol"
	OptProtocolName      = "protocol-name"
	OptPeer              = "peer"
	OptPeerName          = "peer-name"
	OptRecvBuffer        = "recv-buffer"
	OptSendBuffer        = "send-buffer"
	OptRecvFD            = "recv-fd"
	OptSendFD            = "send-fd"
	OptRecvTimeout       = "recv-timeout"
	OptSendTimeout       = "send-timeout"
	OptLocalAddress      = "local-address"
	OptRemoteAddress     = "remote-address"
	OptURL               = "url"
	OptTTLMax            = "ttl-max"
	OptRecvMaxSize       = "recv-size-max"
	OptReconnectTimeMin  = "reconnect-time-min"
	OptReconnectTimeMax  = "reconnect-time-max"
	OptTLSAuthMode       = "tls-authmode"
	OptTLSCertKeyFile    = "tls-cert-key-file"
	OptTLSCAFile         = "tls-ca-file"
	OptTLSServerName     = "tls-server-name"
	OptTLSVerified       = "tls-verified"
	OptTLSPeerCN         = "tls-peer-cn"
	OptTLSPeerAltNames   = "tls-peer-alt-names"
	OptTCPNoDelay        = "tcp-nodelay"
	OptTCPKeepAlive      = "tcp-keepalive"
	OptTCPBoundPort      = "tcp-bound-port"
	OptTCPListenBacklog  = "tcp-listen-backlog" // int: a tcp listener's accept queue (default: the system's limit)
	OptIPCPermissions    = "ipc:permissions"
	OptIPCPeerUID        = "ipc:peer-uid"
	OptIPCPeerGID        = "ipc:peer-gid"
	OptIPCPeerPID        = "ipc:peer-pid"
	OptWSRequestHeaders  = "ws:request-headers"
	OptWSResponseHeaders = "ws:response-headers"
	OptWSRequestURI      = "ws:request-uri"
	OptWSSendMaxFrame    = "ws:txframe-max"
	OptWSRecvMaxFrame    = "ws:rxframe-max"
	OptWSProtocol        = "ws:protocol"
	OptPair1Poly         = "pair1:polyamorous"
	OptSubPrefNew        = "sub:prefnew"
	OptReqResendTime     = "req:resend-time"
	OptReqResendTick     = "req:resend-tick"
	OptSurveyorTime      = "surveyor:survey-time"
)

// Infinite is the duration that never expires (NNG's -1 ms), as returned by the duration
// getters; any negative duration given to a setter means infinite too.
const Infinite time.Duration = -1

// Object kinds for the C dispatch helpers in pnng_go.h.
const (
	kindSocket   = C.PG_SOCKET
	kindDialer   = C.PG_DIALER
	kindListener = C.PG_LISTENER
	kindCtx      = C.PG_CTX
	kindPipe     = C.PG_PIPE
)

// optGetters are the generic option getters shared by Socket, Dialer, Listener, Context and
// Pipe. The handle is an id, so a getter on a closed object gives ErrClosed (or ErrNoEntry),
// never undefined behaviour.
type optGetters struct {
	kind C.int
	id   C.uint32_t
}

// options adds the setters (Socket, Dialer, Listener, Context; not Pipe).
type options struct {
	optGetters
}

func durToMs(d time.Duration) C.int32_t {
	if d < 0 {
		return -1
	}
	ms := d / time.Millisecond
	if ms == 0 && d > 0 {
		ms = 1 // never turn a short positive timeout into "no wait"
	}
	if ms > math.MaxInt32 {
		ms = math.MaxInt32
	}
	return C.int32_t(ms)
}

func msToDur(ms C.int32_t) time.Duration {
	if ms < 0 {
		return Infinite
	}
	return time.Duration(ms) * time.Millisecond
}

// GetInt reads an integer option. Unknown option: ErrNotSupported; wrong type: ErrBadType.
func (o *optGetters) GetInt(opt string) (int, error) {
	c := C.CString(opt)
	defer C.free(unsafe.Pointer(c))
	var v C.int
	rv := C.pg_get_int(o.kind, o.id, c, &v)
	runtime.KeepAlive(o)
	if err := errFor(rv); err != nil {
		return 0, err
	}
	return int(v), nil
}

// GetMs reads a duration option (Infinite for NNG's -1).
func (o *optGetters) GetMs(opt string) (time.Duration, error) {
	c := C.CString(opt)
	defer C.free(unsafe.Pointer(c))
	var v C.int32_t
	rv := C.pg_get_ms(o.kind, o.id, c, &v)
	runtime.KeepAlive(o)
	if err := errFor(rv); err != nil {
		return 0, err
	}
	return msToDur(v), nil
}

// GetSize reads a size option (bytes or a count).
func (o *optGetters) GetSize(opt string) (int, error) {
	c := C.CString(opt)
	defer C.free(unsafe.Pointer(c))
	var v C.size_t
	rv := C.pg_get_size(o.kind, o.id, c, &v)
	runtime.KeepAlive(o)
	if err := errFor(rv); err != nil {
		return 0, err
	}
	if uint64(v) > math.MaxInt {
		return math.MaxInt, nil
	}
	return int(v), nil
}

// GetBool reads a boolean option.
func (o *optGetters) GetBool(opt string) (bool, error) {
	c := C.CString(opt)
	defer C.free(unsafe.Pointer(c))
	var v C.bool
	rv := C.pg_get_bool(o.kind, o.id, c, &v)
	runtime.KeepAlive(o)
	if err := errFor(rv); err != nil {
		return false, err
	}
	return bool(v), nil
}

// GetString reads a string option.
func (o *optGetters) GetString(opt string) (string, error) {
	c := C.CString(opt)
	defer C.free(unsafe.Pointer(c))
	var v *C.char
	rv := C.pg_get_string(o.kind, o.id, c, &v)
	runtime.KeepAlive(o)
	if err := errFor(rv); err != nil {
		return "", err
	}
	defer C.pnng_strfree(v)
	return C.GoString(v), nil
}

// GetAddr reads an address option (OptLocalAddress, OptRemoteAddress).
func (o *optGetters) GetAddr(opt string) (SockAddr, error) {
	c := C.CString(opt)
	defer C.free(unsafe.Pointer(c))
	var v C.pnng_sockaddr
	rv := C.pg_get_addr(o.kind, o.id, c, &v)
	runtime.KeepAlive(o)
	if err := errFor(rv); err != nil {
		return SockAddr{}, err
	}
	return sockAddrFromC(&v), nil
}

// SetInt sets an integer option. Unknown option: ErrNotSupported; wrong type: ErrBadType;
// read-only: ErrReadOnly.
func (o *options) SetInt(opt string, v int) error {
	if v > math.MaxInt32 || v < math.MinInt32 {
		return ErrInvalid
	}
	c := C.CString(opt)
	defer C.free(unsafe.Pointer(c))
	rv := C.pg_set_int(o.kind, o.id, c, C.int(v))
	runtime.KeepAlive(o)
	return errFor(rv)
}

// SetMs sets a duration option, with millisecond resolution (negative: infinite).
func (o *options) SetMs(opt string, d time.Duration) error {
	c := C.CString(opt)
	defer C.free(unsafe.Pointer(c))
	rv := C.pg_set_ms(o.kind, o.id, c, durToMs(d))
	runtime.KeepAlive(o)
	return errFor(rv)
}

// SetSize sets a size option (bytes or a count; negative values are ErrInvalid).
func (o *options) SetSize(opt string, v int) error {
	if v < 0 {
		return ErrInvalid
	}
	c := C.CString(opt)
	defer C.free(unsafe.Pointer(c))
	rv := C.pg_set_size(o.kind, o.id, c, C.size_t(v))
	runtime.KeepAlive(o)
	return errFor(rv)
}

// SetBool sets a boolean option.
func (o *options) SetBool(opt string, v bool) error {
	c := C.CString(opt)
	defer C.free(unsafe.Pointer(c))
	rv := C.pg_set_bool(o.kind, o.id, c, C.bool(v))
	runtime.KeepAlive(o)
	return errFor(rv)
}

// SetString sets a string option. A string containing a NUL byte is ErrInvalid.
func (o *options) SetString(opt string, v string) error {
	if hasNUL(v) {
		return ErrInvalid
	}
	c := C.CString(opt)
	defer C.free(unsafe.Pointer(c))
	cv := C.CString(v)
	defer C.free(unsafe.Pointer(cv))
	rv := C.pg_set_string(o.kind, o.id, c, cv)
	runtime.KeepAlive(o)
	return errFor(rv)
}

func hasNUL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return true
		}
	}
	return false
}

// AddrFamily is the family of a SockAddr (NNG's NNG_AF_* values).
type AddrFamily int

// Address families.
const (
	AFUnspec   AddrFamily = C.PNNG_AF_UNSPEC
	AFInproc   AddrFamily = C.PNNG_AF_INPROC
	AFIPC      AddrFamily = C.PNNG_AF_IPC
	AFInet     AddrFamily = C.PNNG_AF_INET
	AFInet6    AddrFamily = C.PNNG_AF_INET6
	AFZT       AddrFamily = C.PNNG_AF_ZT
	AFAbstract AddrFamily = C.PNNG_AF_ABSTRACT
)

// SockAddr is a socket address (pynng's SockAddr classes): a plain value.
//
// Fields by Family: AFInproc, AFIPC, AFAbstract use Path (an abstract name may hold NUL
// bytes); AFInet and AFInet6 use IP and Port (and ScopeID for IPv6); AFZT uses ZTNetworkID,
// ZTNodeID and Port.
type SockAddr struct {
	Family      AddrFamily // which of the fields below apply
	IP          net.IP     // AFInet, AFInet6: the IP address
	Port        int        // AFInet, AFInet6: the port
	ScopeID     uint32     // AFInet6: the scope (interface) id
	Path        string     // AFIPC: the socket path; AFInproc, AFAbstract: the name
	ZTNetworkID uint64     // AFZT: the ZeroTier network id
	ZTNodeID    uint64     // AFZT: the ZeroTier node id
	text        string
}

// String formats the address as a URL: "tcp://127.0.0.1:5555", "tcp://[::1]:5555",
// "ipc:///tmp/x", "inproc://name", "abstract://name".
func (a SockAddr) String() string {
	if a.text != "" {
		return a.text
	}
	return "<unspecified>"
}

func sockAddrFromC(c *C.pnng_sockaddr) SockAddr {
	a := SockAddr{Family: AddrFamily(c.family), Port: int(c.port), ScopeID: uint32(c.scope_id),
		ZTNetworkID: uint64(c.zt_nwid), ZTNodeID: uint64(c.zt_nodeid)}
	switch a.Family {
	case AFInet:
		a.IP = net.IPv4(byte(c.addr[0]), byte(c.addr[1]), byte(c.addr[2]), byte(c.addr[3]))
	case AFInet6:
		ip := make(net.IP, 16)
		for i := range ip {
			ip[i] = byte(c.addr[i])
		}
		a.IP = ip
	case AFInproc, AFIPC, AFAbstract:
		n := int(c.path_len)
		if n > len(c.path) {
			n = len(c.path)
		}
		b := make([]byte, n)
		for i := 0; i < n; i++ {
			b[i] = byte(c.path[i])
		}
		a.Path = string(b)
	}
	var buf [512]C.char
	if C.pnng_sockaddr_format(c, &buf[0], C.size_t(len(buf))) == 0 {
		a.text = C.GoString(&buf[0])
	}
	return a
}
