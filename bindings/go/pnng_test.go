package pnng_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	pnng "github.com/pnng/pnng/bindings/go"
)

// helpers ------------------------------------------------------------------------------

// must returns v, or panics on an error (which fails the test with a stack trace; Go cannot
// pass a (value, error) pair together with t).
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func wantErr(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got error %v, want %v", err, target)
	}
}

func open(t testing.TB, f func() (*pnng.Socket, error)) *pnng.Socket {
	t.Helper()
	s := must(f())
	t.Cleanup(func() { _ = s.Close() })
	return s
}

var inprocN int
var inprocMu sync.Mutex

func inprocURL() string {
	inprocMu.Lock()
	defer inprocMu.Unlock()
	inprocN++
	return fmt.Sprintf("inproc://go-test-%d-%d", os.Getpid(), inprocN)
}

// pairUp connects b (dialing) to a (listening) over inproc and waits for both ends.
func pairUp(t testing.TB, a, b *pnng.Socket) {
	t.Helper()
	url := inprocURL()
	must(a.Listen(url))
	must(b.Dial(url, pnng.DialBlocking))
	waitPipes(a, 1)
	waitPipes(b, 1)
}

func tcpListen(t testing.TB, s *pnng.Socket) string {
	t.Helper()
	l := must(s.Listen("tcp://127.0.0.1:0"))
	return must(l.LocalAddress()).String()
}

// errors -------------------------------------------------------------------------------

func TestErrorsEveryCode(t *testing.T) {
	sentinels := map[int]error{
		1: pnng.ErrInterrupted, 2: pnng.ErrNoMemory, 3: pnng.ErrInvalid, 4: pnng.ErrBusy,
		5: pnng.ErrTimeout, 6: pnng.ErrConnRefused, 7: pnng.ErrClosed, 8: pnng.ErrAgain,
		9: pnng.ErrNotSupported, 10: pnng.ErrAddrInUse, 11: pnng.ErrState, 12: pnng.ErrNoEntry,
		13: pnng.ErrProto, 14: pnng.ErrUnreachable, 15: pnng.ErrAddrInvalid, 16: pnng.ErrPerm,
		17: pnng.ErrMsgSize, 18: pnng.ErrConnAborted, 19: pnng.ErrConnReset, 20: pnng.ErrCanceled,
		21: pnng.ErrNoFiles, 22: pnng.ErrNoSpace, 23: pnng.ErrExist, 24: pnng.ErrReadOnly,
		25: pnng.ErrWriteOnly, 26: pnng.ErrCrypto, 27: pnng.ErrPeerAuth, 28: pnng.ErrNoArg,
		29: pnng.ErrAmbiguous, 30: pnng.ErrBadType, 31: pnng.ErrConnShut, 1000: pnng.ErrInternal,
	}
	texts := map[string]int{}
	for code, sentinel := range sentinels {
		var err error = pnng.Error{Code: code}
		if !errors.Is(err, sentinel) {
			t.Errorf("code %d does not match its sentinel", code)
		}
		if errors.Is(err, pnng.ErrSystem) || errors.Is(err, pnng.ErrTransport) {
			t.Errorf("code %d matches a range sentinel", code)
		}
		for other, s := range sentinels {
			if other != code && errors.Is(err, s) {
				t.Errorf("code %d matches sentinel of %d", code, other)
			}
		}
		msg := err.Error()
		if msg == "" {
			t.Errorf("code %d has no text", code)
		}
		if prev, dup := texts[msg]; dup {
			t.Errorf("codes %d and %d share the text %q", code, prev, msg)
		}
		texts[msg] = code
		var e pnng.Error
		if !errors.As(fmt.Errorf("wrapped: %w", err), &e) || e.Code != code {
			t.Errorf("errors.As failed for %d", code)
		}
		if !errors.Is(fmt.Errorf("wrapped: %w", err), sentinel) {
			t.Errorf("wrapped code %d does not match", code)
		}
		if !errors.Is(err, &pnng.Error{Code: code}) {
			t.Errorf("code %d does not match a *Error", code)
		}
	}
}

func TestErrorsSystemAndTransportRanges(t *testing.T) {
	sys := pnng.Error{Code: 0x10000000 | int(syscall.ECONNREFUSED)}
	if !errors.Is(sys, pnng.ErrSystem) || !errors.Is(sys, syscall.ECONNREFUSED) {
		t.Fatalf("%v: ESYSERR range not matched", sys)
	}
	if errors.Is(sys, pnng.ErrConnRefused) || errors.Is(sys, pnng.ErrTransport) {
		t.Fatalf("%v: matched a wrong sentinel", sys)
	}
	if errno, ok := sys.Errno(); !ok || errno != syscall.ECONNREFUSED {
		t.Fatalf("Errno() = %v, %v", errno, ok)
	}
	if sys.Error() == "" || sys.Error() == pnng.ErrConnRefused.Error() && false {
		t.Fatal("no text for a system error")
	}
	tran := pnng.Error{Code: 0x20000000 | 5}
	if !errors.Is(tran, pnng.ErrTransport) || errors.Is(tran, pnng.ErrSystem) || errors.Is(tran, pnng.ErrTimeout) {
		t.Fatalf("%v: ETRANERR range not matched correctly", tran)
	}
	if _, ok := tran.Errno(); ok {
		t.Fatal("a transport error has no errno")
	}
	if tran.Error() == "" || (pnng.Error{Code: 123456}).Error() == "" {
		t.Fatal("no text for transport or unknown errors")
	}
	if errors.Is(pnng.ErrTimeout, errors.New("timeout")) {
		t.Fatal("matched a foreign error")
	}
}

func TestVersion(t *testing.T) {
	if v := pnng.Version(); !strings.HasPrefix(v, "pnng ") || !strings.Contains(v, "NNG 1.12.0") {
		t.Fatalf("Version() = %q", v)
	}
}

// sockets ------------------------------------------------------------------------------

type protoCase struct {
	name          string
	open, openRaw func() (*pnng.Socket, error)
	proto         int
	protoName     string
	peerName      string
}

var protoCases = []protoCase{
	{"pair0", pnng.NewPair0, pnng.NewPair0Raw, 16, "pair", "pair"},
	{"pair1", func() (*pnng.Socket, error) { return pnng.NewPair1(false) }, pnng.NewPair1Raw, 17, "pair1", "pair1"},
	{"req0", pnng.NewReq0, pnng.NewReq0Raw, 48, "req", "rep"},
	{"rep0", pnng.NewRep0, pnng.NewRep0Raw, 49, "rep", "req"},
	{"pub0", pnng.NewPub0, pnng.NewPub0Raw, 32, "pub", "sub"},
	{"sub0", pnng.NewSub0, pnng.NewSub0Raw, 33, "sub", "pub"},
	{"push0", pnng.NewPush0, pnng.NewPush0Raw, 80, "push", "pull"},
	{"pull0", pnng.NewPull0, pnng.NewPull0Raw, 81, "pull", "push"},
	{"surveyor0", pnng.NewSurveyor0, pnng.NewSurveyor0Raw, 98, "surveyor", "respondent"},
	{"respondent0", pnng.NewRespondent0, pnng.NewRespondent0Raw, 99, "respondent", "surveyor"},
	{"bus0", pnng.NewBus0, pnng.NewBus0Raw, 112, "bus", "bus"},
}

func TestOpenEveryProtocol(t *testing.T) {
	for _, pc := range protoCases {
		for _, raw := range []bool{false, true} {
			opener := pc.open
			if raw {
				opener = pc.openRaw
			}
			s := must(opener())
			if s.ID() == 0 {
				t.Errorf("%s: id 0", pc.name)
			}
			if got := must(s.Protocol()); got != pc.proto {
				t.Errorf("%s: protocol %d, want %d", pc.name, got, pc.proto)
			}
			if got := must(s.ProtocolName()); got != pc.protoName {
				t.Errorf("%s: protocol name %q, want %q", pc.name, got, pc.protoName)
			}
			if got := must(s.PeerName()); got != pc.peerName {
				t.Errorf("%s: peer name %q, want %q", pc.name, got, pc.peerName)
			}
			must(s.Peer())
			if got := must(s.Raw()); got != raw {
				t.Errorf("%s: raw %v, want %v", pc.name, got, raw)
			}
			// every socket starts with NNG's recv-size-max, 0 (no limit)
			if got := must(s.RecvMaxSize()); got != 0 {
				t.Errorf("%s: recv max size %d", pc.name, got)
			}
			ok(t, s.Close())
			ok(t, s.Close()) // idempotent
		}
	}
	poly := open(t, func() (*pnng.Socket, error) { return pnng.NewPair1(true) })
	if !must(poly.Polyamorous()) {
		t.Error("NewPair1(true) is not polyamorous")
	}
	s := must(pnng.Open(pnng.ProtoBus0, false))
	ok(t, s.Close())
	if _, err := pnng.Open(pnng.Protocol(99), false); !errors.Is(err, pnng.ErrInvalid) {
		t.Errorf("Open(99): %v", err)
	}
	if pnng.ProtoReq0.String() != "req0" || pnng.Protocol(-1).String() != "unknown" {
		t.Error("Protocol.String")
	}
}

func TestClosedSocket(t *testing.T) {
	s := must(pnng.NewPair0())
	ok(t, s.Close())
	wantErr(t, s.Send([]byte("x")), pnng.ErrClosed)
	wantErr(t, s.TrySend([]byte("x")), pnng.ErrClosed)
	_, err := s.Recv()
	wantErr(t, err, pnng.ErrClosed)
	_, err = s.TryRecv()
	wantErr(t, err, pnng.ErrClosed)
	_, err = s.RecvMsg()
	wantErr(t, err, pnng.ErrClosed)
	_, err = s.Listen(inprocURL())
	wantErr(t, err, pnng.ErrClosed)
	_, err = s.Dial(inprocURL(), pnng.DialNonBlocking)
	wantErr(t, err, pnng.ErrClosed)
	_, err = s.NewDialer(inprocURL())
	wantErr(t, err, pnng.ErrClosed)
	_, err = s.NewListener(inprocURL())
	wantErr(t, err, pnng.ErrClosed)
	_, err = s.RecvTimeout()
	wantErr(t, err, pnng.ErrClosed)
	wantErr(t, s.SetRecvTimeout(time.Second), pnng.ErrClosed)
	_, err = s.NewContext()
	wantErr(t, err, pnng.ErrClosed)
	_, err = s.Pipes()
	wantErr(t, err, pnng.ErrClosed)
	_, err = s.Dialers()
	wantErr(t, err, pnng.ErrClosed)
	_, err = s.Listeners()
	wantErr(t, err, pnng.ErrClosed)
	_, err = s.RecvContext(context.Background())
	wantErr(t, err, pnng.ErrClosed)
	wantErr(t, s.SendContext(context.Background(), []byte("x")), pnng.ErrClosed)
	_, err = s.AddPostPipeConnectCB(func(*pnng.Pipe) {})
	wantErr(t, err, pnng.ErrClosed)
	msg := must(pnng.NewMessage([]byte("kept")))
	wantErr(t, s.SendMsg(msg), pnng.ErrClosed)
	if string(msg.Body()) != "kept" {
		t.Fatal("a failed send lost the message")
	}
	wantErr(t, s.SendMsgContext(context.Background(), msg), pnng.ErrClosed)
	if string(msg.Body()) != "kept" {
		t.Fatal("a failed async send lost the message")
	}
	msg.Free()
	ok(t, s.Close())
}

func TestCloseWakesBlockedCalls(t *testing.T) {
	s := must(pnng.NewPull0())
	const n = 8
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		go func() { _, err := s.Recv(); errs <- err }()
		go func() { _, err := s.RecvContext(context.Background()); errs <- err }()
	}
	time.Sleep(50 * time.Millisecond) // let them block (not required for correctness)
	ok(t, s.Close())
	for i := 0; i < 2*n; i++ {
		wantErr(t, <-errs, pnng.ErrClosed)
	}
}

func TestBadURLs(t *testing.T) {
	s := open(t, pnng.NewPair0)
	_, err := s.Listen("bogus://nowhere")
	wantErr(t, err, pnng.ErrNotSupported)
	_, err = s.Dial("bogus://nowhere", pnng.DialBlocking)
	wantErr(t, err, pnng.ErrNotSupported)
	for _, url := range []string{"tcp://", "not a url", "", "tcp://127.0.0.1:99999", "inproc://x\x00y"} {
		if _, err := s.Listen(url); err == nil {
			t.Errorf("Listen(%q) succeeded", url)
		} else if !errors.As(err, new(pnng.Error)) {
			t.Errorf("Listen(%q): %v is not a pnng.Error", url, err)
		}
		if _, err := s.Dial(url, pnng.DialBlocking); err == nil {
			t.Errorf("Dial(%q) succeeded", url)
		}
	}
	// address in use
	s2 := open(t, pnng.NewPair0)
	addr := tcpListen(t, s)
	_, err = s2.Listen(addr)
	wantErr(t, err, pnng.ErrAddrInUse)
}

func TestDialModes(t *testing.T) {
	// a port that nobody listens on: bind one and close it
	tmp := open(t, pnng.NewPair0)
	l := must(tmp.Listen("tcp://127.0.0.1:0"))
	addr := must(l.LocalAddress()).String()
	ok(t, l.Close())
	ok(t, l.Close())

	s := open(t, pnng.NewPair0)
	ok(t, s.SetReconnectTimeMin(10*time.Millisecond))
	ok(t, s.SetReconnectTimeMax(20*time.Millisecond))
	_, err := s.Dial(addr, pnng.DialBlocking)
	wantErr(t, err, pnng.ErrConnRefused)
	// non-blocking and the default (fallback) both succeed and keep trying
	d1 := must(s.Dial(addr, pnng.DialNonBlocking))
	d2 := must(s.Dial(addr))
	if d1.Socket() != s || d2.ID() == d1.ID() {
		t.Fatal("dialer identity")
	}
	ds := must(s.Dialers())
	if len(ds) != 2 {
		t.Fatalf("%d dialers, want 2", len(ds))
	}
	if u := must(d2.URL()); u != addr {
		t.Fatalf("dialer URL %q, want %q", u, addr)
	}
	ok(t, d1.Close())
	ok(t, d1.Close())
	// the fallback dialer connects once a listener shows up
	peer := open(t, pnng.NewPair0)
	for i := 0; ; i++ {
		if _, err := peer.Listen(addr); err == nil {
			break
		} else if i > 100 {
			t.Skipf("port %s was taken again: %v", addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	waitPipes(s, 1)
	ok(t, peer.SetSendTimeout(5*time.Second))
	ok(t, peer.Send([]byte("late")))
	if got := must(s.Recv()); string(got) != "late" {
		t.Fatalf("got %q", got)
	}
}

func TestDialerListenerCreateStart(t *testing.T) {
	a := open(t, pnng.NewPair0)
	b := open(t, pnng.NewPair0)
	url := inprocURL()
	l := must(a.NewListener(url))
	ok(t, l.Start())
	wantErr(t, l.Start(), pnng.ErrState)
	d := must(b.NewDialer(url))
	ok(t, d.SetReconnectTimeMin(50*time.Millisecond))
	if got := must(d.ReconnectTimeMin()); got != 50*time.Millisecond {
		t.Fatalf("dialer reconnect min %v", got)
	}
	ok(t, d.SetReconnectTimeMax(time.Second))
	if got := must(d.ReconnectTimeMax()); got != time.Second {
		t.Fatalf("dialer reconnect max %v", got)
	}
	ok(t, d.Start())
	wantErr(t, d.Start(), pnng.ErrState)
	waitPipes(a, 1)
	ls := must(a.Listeners())
	if len(ls) != 1 || ls[0].ID() != l.ID() || ls[0].Socket() != a {
		t.Fatalf("listeners %v", ls)
	}
	if u := must(l.URL()); u != url {
		t.Fatalf("listener URL %q", u)
	}
	la := must(l.LocalAddress())
	if la.Family != pnng.AFInproc || la.String() != url {
		t.Fatalf("listener address %+v %q", la, la.String())
	}
	must(d.LocalAddress())
	// options on endpoints: unknown, wrong type
	_, err := d.GetInt("no-such-option")
	wantErr(t, err, pnng.ErrNotSupported)
	_, err = l.GetString(pnng.OptReconnectTimeMin)
	wantErr(t, err, pnng.ErrBadType)
	wantErr(t, l.SetBool("no-such-option", true), pnng.ErrNotSupported)
	wantErr(t, d.SetTLSConfig(nil), pnng.ErrInvalid)
	cfg := must(pnng.NewTLSConfig(pnng.TLSModeClient))
	defer cfg.Close()
	wantErr(t, d.SetTLSConfig(cfg), pnng.ErrNotSupported)
	ok(t, l.Close())
	ok(t, l.Close())
	ok(t, d.Close())
	ok(t, d.Close())
	if n := len(must(a.Listeners())); n != 0 {
		t.Fatalf("%d listeners after close", n)
	}
}

// send / receive -----------------------------------------------------------------------

func TestSendRecvBytes(t *testing.T) {
	a := open(t, pnng.NewPair0)
	b := open(t, pnng.NewPair0)
	pairUp(t, a, b)
	ok(t, b.SetRecvTimeout(5*time.Second))
	for _, payload := range [][]byte{{}, nil, []byte("\x00\xffbinary\x00"), bytes.Repeat([]byte("x"), 100000)} {
		ok(t, a.Send(payload))
		got := must(b.Recv())
		if !bytes.Equal(got, payload) {
			t.Fatalf("got %d bytes, want %d", len(got), len(payload))
		}
	}
	// oversize message against recv-size-max is dropped (pynng semantics: Timeout)
	ok(t, b.SetRecvMaxSize(10))
	ok(t, b.SetRecvTimeout(50*time.Millisecond))
	ok(t, a.Send(bytes.Repeat([]byte("y"), 100)))
	// over inproc NNG does not enforce recv-size-max; over a transport it drops the message
	if got, err := b.Recv(); err == nil && len(got) != 100 {
		t.Fatalf("got %d bytes", len(got))
	}
}

func TestNonBlocking(t *testing.T) {
	a := open(t, pnng.NewPair0)
	_, err := a.TryRecv()
	wantErr(t, err, pnng.ErrAgain)
	_, err = a.TryRecvMsg()
	wantErr(t, err, pnng.ErrAgain)
	wantErr(t, a.TrySend([]byte("nobody")), pnng.ErrAgain)
	msg := must(pnng.NewMessage([]byte("nobody")))
	wantErr(t, a.TrySendMsg(msg), pnng.ErrAgain)
	if string(msg.Body()) != "nobody" {
		t.Fatal("failed TrySendMsg lost the message")
	}
	b := open(t, pnng.NewPair0)
	pairUp(t, a, b)
	ok(t, b.Send([]byte("now")))
	for {
		got, err := a.TryRecv()
		if errors.Is(err, pnng.ErrAgain) {
			time.Sleep(time.Millisecond)
			continue
		}
		ok(t, err)
		if string(got) != "now" {
			t.Fatalf("got %q", got)
		}
		break
	}
}

func TestTimeouts(t *testing.T) {
	a := open(t, pnng.NewPair0)
	ok(t, a.SetRecvTimeout(20*time.Millisecond))
	_, err := a.Recv()
	wantErr(t, err, pnng.ErrTimeout)
	_, err = a.RecvMsg()
	wantErr(t, err, pnng.ErrTimeout)
	ok(t, a.SetSendTimeout(20*time.Millisecond))
	wantErr(t, a.Send([]byte("x")), pnng.ErrTimeout)
	// the socket timeout also applies to RecvContext
	_, err = a.RecvContext(context.Background())
	wantErr(t, err, pnng.ErrTimeout)
}

func TestProtocolStateErrors(t *testing.T) {
	pub := open(t, pnng.NewPub0)
	_, err := pub.Recv()
	wantErr(t, err, pnng.ErrNotSupported)
	sub := open(t, pnng.NewSub0)
	wantErr(t, sub.Send([]byte("x")), pnng.ErrNotSupported)
	req := open(t, pnng.NewReq0)
	_, err = req.Recv()
	wantErr(t, err, pnng.ErrState)
	rep := open(t, pnng.NewRep0)
	wantErr(t, rep.Send([]byte("x")), pnng.ErrState)
	push := open(t, pnng.NewPush0)
	_, err = push.Recv()
	wantErr(t, err, pnng.ErrNotSupported)
	pull := open(t, pnng.NewPull0)
	wantErr(t, pull.Send([]byte("x")), pnng.ErrNotSupported)
	pair := open(t, pnng.NewPair0)
	_, err = pair.NewContext()
	wantErr(t, err, pnng.ErrNotSupported)
	wantErr(t, pair.Subscribe([]byte("x")), pnng.ErrNotSupported)
	wantErr(t, pair.Unsubscribe([]byte("x")), pnng.ErrNotSupported)
}

func TestSubscribe(t *testing.T) {
	pub := open(t, pnng.NewPub0)
	sub := open(t, pnng.NewSub0)
	pairUp(t, pub, sub)
	ok(t, sub.SetRecvTimeout(50*time.Millisecond))
	topic := []byte("\x00t\xc3\xa9")
	ok(t, sub.Subscribe(topic))
	ok(t, pub.Send([]byte("other")))
	ok(t, pub.Send(append(append([]byte{}, topic...), "-yes"...)))
	got := must(sub.Recv())
	if !bytes.HasPrefix(got, topic) {
		t.Fatalf("got %q", got)
	}
	ok(t, sub.Unsubscribe(topic))
	wantErr(t, sub.Unsubscribe(topic), pnng.ErrNoEntry)
	ok(t, pub.Send(append(append([]byte{}, topic...), "-no"...)))
	_, err := sub.Recv()
	wantErr(t, err, pnng.ErrTimeout)
}

// messages -----------------------------------------------------------------------------

func TestMessage(t *testing.T) {
	m := must(pnng.NewMessage([]byte("body")))
	if string(m.Body()) != "body" || string(m.Bytes()) != "body" || m.Len() != 4 {
		t.Fatalf("body %q", m.Body())
	}
	ok(t, m.Append([]byte("+tail")))
	ok(t, m.Insert([]byte("head+")))
	if string(m.Body()) != "head+body+tail" {
		t.Fatalf("body %q", m.Body())
	}
	if len(m.Header()) != 0 {
		t.Fatal("header not empty")
	}
	ok(t, m.AppendHeader([]byte{1, 2, 3}))
	if !bytes.Equal(m.Header(), []byte{1, 2, 3}) {
		t.Fatalf("header %v", m.Header())
	}
	if m.Pipe() != nil {
		t.Fatal("new message has a pipe")
	}
	wantErr(t, m.SetPipe(nil), pnng.ErrInvalid)
	d := must(m.Dup())
	ok(t, m.Clear())
	if m.Len() != 0 || string(d.Body()) != "head+body+tail" {
		t.Fatal("Dup shares the body")
	}
	d.Free()
	d.Free()
	if d.Body() != nil || d.Header() != nil || d.Len() != 0 || d.Pipe() != nil {
		t.Fatal("freed message still has content")
	}
	wantErr(t, d.Append([]byte("x")), pnng.ErrMessageState)
	_, err := d.Dup()
	wantErr(t, err, pnng.ErrMessageState)
	empty := must(pnng.NewMessage(nil))
	if empty.Len() != 0 || len(empty.Body()) != 0 {
		t.Fatal("empty message")
	}
	s := open(t, pnng.NewPair0)
	wantErr(t, s.SendMsg(nil), pnng.ErrInvalid)
	wantErr(t, s.SendMsg(d), pnng.ErrMessageState)
}

func TestMessageSendConsumesAndPipe(t *testing.T) {
	a := open(t, pnng.NewPair0)
	b := open(t, pnng.NewPair0)
	pairUp(t, a, b)
	m := must(pnng.NewMessage([]byte("via msg")))
	ok(t, a.SendMsg(m))
	if m.Body() != nil {
		t.Fatal("sent message still usable")
	}
	wantErr(t, a.SendMsg(m), pnng.ErrMessageState)
	got := must(b.RecvMsg())
	defer got.Free()
	if string(got.Body()) != "via msg" {
		t.Fatalf("got %q", got.Body())
	}
	p := got.Pipe()
	if p == nil || p.ID() == 0 {
		t.Fatal("received message has no pipe")
	}
	bp := must(b.Pipes())
	if len(bp) != 1 || bp[0].ID() != p.ID() {
		t.Fatal("message pipe is not the socket's pipe")
	}
	reply := must(pnng.NewMessage([]byte("back")))
	ok(t, reply.SetPipe(p))
	if reply.Pipe().ID() != p.ID() {
		t.Fatal("SetPipe")
	}
	ok(t, b.SendMsg(reply))
	if string(must(a.Recv())) != "back" {
		t.Fatal("reply")
	}
	ok(t, p.SendMsg(must(pnng.NewMessage([]byte("pipe msg")))))
	if string(must(a.Recv())) != "pipe msg" {
		t.Fatal("pipe SendMsg")
	}
}

// pipes and callbacks ------------------------------------------------------------------

func TestPipes(t *testing.T) {
	a := open(t, newPoly)
	b := open(t, newPoly) // pair1 only talks to pair1
	addr := tcpListen(t, a)
	d := must(b.Dial(addr))
	waitPipes(a, 1)
	waitPipes(b, 1)
	ap := must(a.Pipes())[0]
	bp := must(b.Pipes())[0]
	if ap.Dialer() != nil || ap.Listener() == nil || ap.Listener().Socket().ID() != a.ID() {
		t.Fatal("accepted pipe endpoints")
	}
	if bp.Listener() != nil || bp.Dialer() == nil || bp.Dialer().ID() != d.ID() {
		t.Fatal("dialed pipe endpoints")
	}
	if must(ap.Socket()).ID() != a.ID() {
		t.Fatal("pipe socket")
	}
	la := must(ap.LocalAddress())
	ra := must(bp.RemoteAddress())
	if la.String() != addr || ra.String() != addr || la.Family != pnng.AFInet || !la.IP.IsLoopback() || la.Port == 0 {
		t.Fatalf("addresses %v %v (want %s)", la, ra, addr)
	}
	if must(bp.LocalAddress()).Port != must(ap.RemoteAddress()).Port {
		t.Fatal("ports of the two ends differ")
	}
	if must(ap.GetBool(pnng.OptTCPNoDelay)) != true {
		t.Fatal("tcp-nodelay")
	}
	_, err := ap.GetInt("no-such-option")
	wantErr(t, err, pnng.ErrNotSupported)
	_, err = ap.GetMs(pnng.OptURL)
	wantErr(t, err, pnng.ErrBadType)
	must(ap.GetString(pnng.OptURL))
	ok(t, ap.Send([]byte("to b")))
	ok(t, b.SetRecvTimeout(5*time.Second))
	if string(must(b.Recv())) != "to b" {
		t.Fatal("pipe send")
	}
	ok(t, ap.Close())
	ok(t, ap.Close())
	wantErr(t, ap.Send([]byte("gone")), pnng.ErrNoEntry)
	// NNG keeps a closed pipe's properties readable until it is reaped (post-remove callbacks
	// read them), so Socket may still answer for a moment; it must not be a different socket.
	if s, err := ap.Socket(); err == nil && s.ID() != a.ID() {
		t.Fatalf("closed pipe reports socket %d, want %d", s.ID(), a.ID())
	}
}

func TestPipeCallbacks(t *testing.T) {
	a := open(t, pnng.NewPair0)
	b := open(t, pnng.NewPair0)
	type event struct {
		kind string
		id   uint32
	}
	events := make(chan event, 100)
	must(a.AddPrePipeConnectCB(func(p *pnng.Pipe) { events <- event{"pre", p.ID()} }))
	must(a.AddPostPipeConnectCB(func(p *pnng.Pipe) {
		// callbacks may call any method
		s, err := p.Socket()
		if err == nil && s.ID() == a.ID() {
			events <- event{"post", p.ID()}
		} else {
			events <- event{"post-bad-socket", p.ID()}
		}
	}))
	must(a.AddPostPipeRemoveCB(func(p *pnng.Pipe) { events <- event{"remove", p.ID()} }))
	removed := must(a.AddPostPipeConnectCB(func(p *pnng.Pipe) { events <- event{"removed-cb", p.ID()} }))
	ok(t, a.RemovePipeCallback(removed))
	wantErr(t, a.RemovePipeCallback(removed), pnng.ErrNoEntry)
	_, err := a.OnPipeEvent(pnng.PipeEvent(7), func(*pnng.Pipe) {})
	wantErr(t, err, pnng.ErrInvalid)
	_, err = a.OnPipeEvent(pnng.PipeEvAddPost, nil)
	wantErr(t, err, pnng.ErrInvalid)

	addr := tcpListen(t, a)
	d := must(b.Dial(addr))
	want := []string{"pre", "post"}
	var id uint32
	for i, w := range want {
		ev := <-events
		if ev.kind != w {
			t.Fatalf("event %d: %q, want %q", i, ev.kind, w)
		}
		if i == 0 {
			id = ev.id
		} else if ev.id != id {
			t.Fatal("events for different pipes")
		}
	}
	ok(t, d.Close())
	if ev := <-events; ev.kind != "remove" || ev.id != id {
		t.Fatalf("got %+v, want remove of %d", ev, id)
	}
	// closing the pipe in the pre-connect callback disconnects the peer
	must(a.AddPrePipeConnectCB(func(p *pnng.Pipe) { _ = p.Close() }))
	must(b.Dial(addr))
	for seen := map[string]bool{}; !seen["remove"]; {
		seen[(<-events).kind] = true
	}
	select {
	case ev := <-events:
		if ev.kind == "removed-cb" {
			t.Fatal("a removed callback ran")
		}
	default:
	}
}

func TestPipeCallbackCloseSocket(t *testing.T) {
	a := must(pnng.NewPair0())
	b := open(t, pnng.NewPair0)
	done := make(chan error, 1)
	must(a.AddPostPipeConnectCB(func(p *pnng.Pipe) { done <- a.Close() }))
	url := inprocURL()
	must(a.Listen(url))
	must(b.Dial(url))
	ok(t, <-done)
	wantErr(t, a.Send([]byte("x")), pnng.ErrClosed)
}

// contexts -----------------------------------------------------------------------------

func TestContexts(t *testing.T) {
	rep := open(t, pnng.NewRep0)
	req := open(t, pnng.NewReq0)
	pairUp(t, rep, req)
	const workers, requests = 4, 25
	for i := 0; i < workers; i++ {
		c := must(rep.NewContext())
		if c.Socket() != rep || c.ID() == 0 {
			t.Fatal("context identity")
		}
		go func() {
			for {
				m, err := c.RecvMsg()
				if err != nil {
					return
				}
				ok(t, m.Append([]byte("!")))
				if c.SendMsg(m) != nil {
					return
				}
			}
		}()
	}
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		c := must(req.NewContext())
		ok(t, c.SetRecvTimeout(10*time.Second))
		if got := must(c.RecvTimeout()); got != 10*time.Second {
			t.Fatalf("ctx recv timeout %v", got)
		}
		ok(t, c.SetSendTimeout(10*time.Second))
		must(c.SendTimeout())
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer c.Close()
			for j := 0; j < requests; j++ {
				q := fmt.Sprintf("%d/%d", i, j)
				var got []byte
				var err error
				if j%2 == 0 {
					err = c.Send([]byte(q))
					if err == nil {
						got, err = c.Recv()
					}
				} else {
					ctx := context.Background()
					err = c.SendContext(ctx, []byte(q))
					if err == nil {
						got, err = c.RecvContext(ctx)
					}
				}
				if err != nil || string(got) != q+"!" {
					t.Errorf("request %s: %q, %v", q, got, err)
					return
				}
			}
		}(i)
	}
	wg.Wait()

	c := must(req.NewContext())
	_, err := c.GetInt("no-such-option")
	wantErr(t, err, pnng.ErrNotSupported)
	wantErr(t, c.SetInt(pnng.OptRecvTimeout, 1), pnng.ErrBadType)
	ok(t, c.Close())
	ok(t, c.Close())
	wantErr(t, c.Send([]byte("x")), pnng.ErrClosed)
	_, err = c.Recv()
	wantErr(t, err, pnng.ErrClosed)
	_, err = c.RecvContext(context.Background())
	wantErr(t, err, pnng.ErrClosed)
}

func TestContextMessagesAndSubscriptions(t *testing.T) {
	pub := open(t, pnng.NewPub0)
	sub := open(t, pnng.NewSub0)
	pairUp(t, pub, sub)
	c1 := must(sub.NewContext())
	c2 := must(sub.NewContext())
	ok(t, c1.Subscribe([]byte("one")))
	ok(t, c2.Subscribe([]byte("two")))
	wantErr(t, c2.Unsubscribe([]byte("one")), pnng.ErrNoEntry)
	ok(t, c1.SetRecvTimeout(5*time.Second))
	ok(t, c2.SetRecvTimeout(5*time.Second))
	ok(t, pub.Send([]byte("one: 1")))
	ok(t, pub.Send([]byte("two: 2")))
	if got := must(c2.Recv()); string(got) != "two: 2" {
		t.Fatalf("c2 got %q", got)
	}
	m := must(c1.RecvMsgContext(context.Background()))
	if string(m.Body()) != "one: 1" || m.Pipe() == nil {
		t.Fatalf("c1 got %q", m.Body())
	}
	m.Free()
	wantErr(t, c1.SendContext(context.Background(), []byte("x")), pnng.ErrNotSupported)
	msg := must(pnng.NewMessage([]byte("x")))
	wantErr(t, c1.SendMsgContext(context.Background(), msg), pnng.ErrNotSupported)
	wantErr(t, c1.SendMsg(msg), pnng.ErrNotSupported)
	if string(msg.Body()) != "x" {
		t.Fatal("failed context send lost the message")
	}
}

// context.Context cancellation ---------------------------------------------------------

func TestRecvContextCancel(t *testing.T) {
	s := open(t, pnng.NewPair0)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := s.RecvContext(ctx); errc <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-errc; err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	// already cancelled: nothing starts
	_, err := s.RecvContext(ctx)
	if err != context.Canceled {
		t.Fatalf("got %v", err)
	}
	_, err = s.RecvMsgContext(ctx)
	if err != context.Canceled {
		t.Fatalf("got %v", err)
	}
	if err := s.SendContext(ctx, []byte("x")); err != context.Canceled {
		t.Fatalf("got %v", err)
	}
	// deadline
	dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer dcancel()
	if _, err := s.RecvContext(dctx); err != context.DeadlineExceeded {
		t.Fatalf("got %v, want DeadlineExceeded", err)
	}
	// the socket still works afterwards
	b := open(t, pnng.NewPair0)
	pairUp(t, s, b)
	ok(t, b.Send([]byte("after")))
	got, err := s.RecvContext(context.Background())
	if err != nil || string(got) != "after" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestSendContextCancelKeepsMessage(t *testing.T) {
	s := open(t, pnng.NewPair0) // no peer: a send blocks
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	msg := must(pnng.NewMessage([]byte("stay")))
	if err := s.SendMsgContext(ctx, msg); err != context.DeadlineExceeded {
		t.Fatalf("got %v", err)
	}
	if string(msg.Body()) != "stay" {
		t.Fatal("cancelled send lost the message")
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel2()
	if err := s.SendContext(ctx2, []byte("bytes")); err != context.DeadlineExceeded {
		t.Fatalf("got %v", err)
	}
}

func TestContextCancelOnNNGContext(t *testing.T) {
	rep := open(t, pnng.NewRep0)
	c := must(rep.NewContext())
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := c.RecvContext(ctx); errc <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-errc; err != context.Canceled {
		t.Fatalf("got %v", err)
	}
	// a waiting second receive honours its ctx while the first holds the context
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := c.RecvContext(ctx2); err != context.DeadlineExceeded {
		t.Fatalf("got %v", err)
	}
}

func TestPipeSendContext(t *testing.T) {
	a := open(t, newPoly)
	b := open(t, newPoly)
	pairUp(t, a, b)
	p := must(a.Pipes())[0]
	ok(t, p.SendContext(context.Background(), []byte("async pipe")))
	got := must(b.RecvContext(context.Background()))
	if string(got) != "async pipe" {
		t.Fatalf("got %q", got)
	}
	ok(t, p.Close())
	if err := p.SendContext(context.Background(), []byte("x")); err == nil {
		t.Fatal("send on a closed pipe succeeded")
	}
}

// options ------------------------------------------------------------------------------

func TestSocketOptions(t *testing.T) {
	s := open(t, pnng.NewReq0)
	ok(t, s.SetRecvTimeout(123*time.Millisecond))
	if d := must(s.RecvTimeout()); d != 123*time.Millisecond {
		t.Fatalf("recv timeout %v", d)
	}
	ok(t, s.SetRecvTimeout(-5))
	if d := must(s.RecvTimeout()); d != pnng.Infinite {
		t.Fatalf("recv timeout %v, want Infinite", d)
	}
	ok(t, s.SetSendTimeout(time.Microsecond)) // rounds up, never to "no wait"
	if d := must(s.SendTimeout()); d != time.Millisecond {
		t.Fatalf("send timeout %v", d)
	}
	ok(t, s.SetRecvMaxSize(4096))
	if n := must(s.RecvMaxSize()); n != 4096 {
		t.Fatalf("recv max %d", n)
	}
	wantErr(t, s.SetRecvMaxSize(-1), pnng.ErrInvalid)
	ok(t, s.SetRecvBufferSize(7))
	if n := must(s.RecvBufferSize()); n != 7 {
		t.Fatalf("recv buffer %d", n)
	}
	ok(t, s.SetSendBufferSize(9))
	if n := must(s.SendBufferSize()); n != 9 {
		t.Fatalf("send buffer %d", n)
	}
	wantErr(t, s.SetRecvBufferSize(-1), pnng.ErrInvalid)
	ok(t, s.SetName("my socket"))
	if n := must(s.Name()); n != "my socket" {
		t.Fatalf("name %q", n)
	}
	wantErr(t, s.SetName("nul\x00inside"), pnng.ErrInvalid)
	ok(t, s.SetReconnectTimeMin(200*time.Millisecond))
	ok(t, s.SetReconnectTimeMax(2*time.Second))
	if d := must(s.ReconnectTimeMin()); d != 200*time.Millisecond {
		t.Fatal(d)
	}
	if d := must(s.ReconnectTimeMax()); d != 2*time.Second {
		t.Fatal(d)
	}
	ok(t, s.SetResendTime(5*time.Second))
	if d := must(s.ResendTime()); d != 5*time.Second {
		t.Fatal(d)
	}
	ok(t, s.SetTTLMax(4))
	if n := must(s.TTLMax()); n != 4 {
		t.Fatal(n)
	}
	ok(t, s.SetTCPNoDelay(false))
	if must(s.TCPNoDelay()) {
		t.Fatal("tcp-nodelay")
	}
	ok(t, s.SetTCPKeepAlive(true))
	if !must(s.TCPKeepAlive()) {
		t.Fatal("tcp-keepalive")
	}
	if fd := must(s.RecvFD()); fd < 0 {
		t.Fatal(fd)
	}
	if fd := must(s.SendFD()); fd < 0 {
		t.Fatal(fd)
	}
	_, err := s.SurveyTime()
	wantErr(t, err, pnng.ErrNotSupported)
	_, err = s.Polyamorous()
	wantErr(t, err, pnng.ErrNotSupported)

	sv := open(t, pnng.NewSurveyor0)
	ok(t, sv.SetSurveyTime(250*time.Millisecond))
	if d := must(sv.SurveyTime()); d != 250*time.Millisecond {
		t.Fatal(d)
	}
	pub := open(t, pnng.NewPub0)
	_, err = pub.RecvFD()
	wantErr(t, err, pnng.ErrNotSupported)
}

func TestGenericOptionErrors(t *testing.T) {
	s := open(t, pnng.NewPair0)
	_, err := s.GetInt("no-such-option")
	wantErr(t, err, pnng.ErrNotSupported)
	wantErr(t, s.SetInt("no-such-option", 1), pnng.ErrNotSupported)
	wantErr(t, s.SetMs("no-such-option", 1), pnng.ErrNotSupported)
	wantErr(t, s.SetSize("no-such-option", 1), pnng.ErrNotSupported)
	wantErr(t, s.SetBool("no-such-option", true), pnng.ErrNotSupported)
	wantErr(t, s.SetString("no-such-option", "x"), pnng.ErrNotSupported)
	_, err = s.GetAddr("no-such-option")
	wantErr(t, err, pnng.ErrNotSupported)
	// wrong types
	_, err = s.GetString(pnng.OptRecvTimeout)
	wantErr(t, err, pnng.ErrBadType)
	_, err = s.GetBool(pnng.OptSocketName)
	wantErr(t, err, pnng.ErrBadType)
	_, err = s.GetMs(pnng.OptRecvBuffer)
	wantErr(t, err, pnng.ErrBadType)
	_, err = s.GetSize(pnng.OptRaw)
	wantErr(t, err, pnng.ErrBadType)
	_, err = s.GetInt(pnng.OptRecvMaxSize)
	wantErr(t, err, pnng.ErrBadType)
	wantErr(t, s.SetString(pnng.OptRecvTimeout, "1"), pnng.ErrBadType)
	wantErr(t, s.SetInt(pnng.OptSocketName, 1), pnng.ErrBadType)
	wantErr(t, s.SetBool(pnng.OptRecvBuffer, true), pnng.ErrBadType)
	wantErr(t, s.SetMs(pnng.OptRecvMaxSize, time.Second), pnng.ErrBadType)
	wantErr(t, s.SetSize(pnng.OptTCPNoDelay, 1), pnng.ErrBadType)
	// read-only
	wantErr(t, s.SetInt(pnng.OptProtocol, 1), pnng.ErrReadOnly)
	wantErr(t, s.SetBool(pnng.OptRaw, true), pnng.ErrReadOnly)
	wantErr(t, s.SetString(pnng.OptProtocolName, "x"), pnng.ErrReadOnly)
	// out of range for the C type
	wantErr(t, s.SetInt(pnng.OptRecvBuffer, 1<<40), pnng.ErrInvalid)
	// generic and typed agree
	ok(t, s.SetMs(pnng.OptRecvTimeout, 42*time.Millisecond))
	if d := must(s.RecvTimeout()); d != 42*time.Millisecond {
		t.Fatal(d)
	}
	ok(t, s.SetString(pnng.OptSocketName, "generic"))
	if n := must(s.GetString(pnng.OptSocketName)); n != "generic" {
		t.Fatal(n)
	}
}

func TestSockAddrs(t *testing.T) {
	a := open(t, pnng.NewPair0)
	url := inprocURL()
	l := must(a.Listen(url))
	ad := must(l.LocalAddress())
	// NNG 1.11 reports the whole URL as the inproc address name.
	if ad.Family != pnng.AFInproc || ad.Path != url || ad.String() != url {
		t.Fatalf("inproc %#v path=%q str=%q", ad.Family, ad.Path, ad.String())
	}
	ipc := "ipc://" + filepath.Join(t.TempDir(), "sock")
	l = must(a.Listen(ipc))
	ad = must(l.LocalAddress())
	if ad.Family != pnng.AFIPC || ad.String() != ipc {
		t.Fatalf("ipc %+v", ad)
	}
	if l6, err := a.Listen("tcp://[::1]:0"); err == nil {
		ad = must(l6.LocalAddress())
		if ad.Family != pnng.AFInet6 || !ad.IP.IsLoopback() || !strings.HasPrefix(ad.String(), "tcp://[::1]:") {
			t.Fatalf("inet6 %+v %s", ad, ad)
		}
	} else {
		t.Logf("no IPv6 loopback: %v", err)
	}
	abs := fmt.Sprintf("abstract://pnng-go-%d", os.Getpid())
	l = must(a.Listen(abs))
	ad = must(l.LocalAddress())
	if ad.Family != pnng.AFAbstract || ad.String() != abs {
		t.Fatalf("abstract %+v %s", ad, ad)
	}
	if (pnng.SockAddr{}).String() == "" {
		t.Fatal("zero SockAddr String")
	}
}

// device -------------------------------------------------------------------------------

func TestDevice(t *testing.T) {
	cooked := open(t, pnng.NewPair0)
	wantErr(t, pnng.Device(context.Background(), cooked, cooked), pnng.ErrInvalid)

	front := must(pnng.NewRep0Raw())
	back := must(pnng.NewReq0Raw())
	fu, bu := inprocURL(), inprocURL()
	must(front.Listen(fu))
	must(back.Listen(bu))
	devErr := make(chan error, 1)
	go func() { devErr <- pnng.Device(context.Background(), front, back) }()

	server := open(t, pnng.NewRep0)
	must(server.Dial(bu, pnng.DialBlocking))
	client := open(t, pnng.NewReq0)
	must(client.Dial(fu, pnng.DialBlocking))
	ok(t, client.SetRecvTimeout(10*time.Second))
	ok(t, server.SetRecvTimeout(10*time.Second))
	ok(t, client.Send([]byte("through the device")))
	q := must(server.Recv())
	ok(t, server.Send(append(q, " and back"...)))
	if got := must(client.Recv()); string(got) != "through the device and back" {
		t.Fatalf("got %q", got)
	}
	ok(t, front.Close())
	wantErr(t, <-devErr, pnng.ErrClosed)
	ok(t, back.Close())

	// StartDevice: a raw bus looped back
	bus := must(pnng.NewBus0Raw())
	defer bus.Close()
	ok(t, pnng.StartDevice(bus, nil))
}

// concurrency --------------------------------------------------------------------------

func TestConcurrentUse(t *testing.T) {
	push := open(t, pnng.NewPush0)
	pull := open(t, pnng.NewPull0)
	pairUp(t, pull, push)
	ok(t, pull.SetRecvTimeout(10*time.Second))
	ok(t, push.SetSendTimeout(10*time.Second))
	const senders, each = 8, 200
	var wg sync.WaitGroup
	for i := 0; i < senders; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < each; j++ {
				var err error
				switch j % 3 {
				case 0:
					err = push.Send([]byte(fmt.Sprintf("%d:%d", i, j)))
				case 1:
					err = push.SendContext(context.Background(), []byte(fmt.Sprintf("%d:%d", i, j)))
				default:
					m, _ := pnng.NewMessage([]byte(fmt.Sprintf("%d:%d", i, j)))
					err = push.SendMsg(m)
				}
				if err != nil {
					t.Errorf("send: %v", err)
					return
				}
				// options and lists concurrently with traffic
				if _, err := push.SendTimeout(); err != nil {
					t.Errorf("option: %v", err)
				}
			}
		}(i)
	}
	seen := make(map[string]bool)
	var mu sync.Mutex
	var rwg sync.WaitGroup
	for r := 0; r < 4; r++ {
		rwg.Add(1)
		go func(r int) {
			defer rwg.Done()
			for {
				var data []byte
				var err error
				if r%2 == 0 {
					data, err = pull.Recv()
				} else {
					data, err = pull.RecvContext(context.Background())
				}
				if err != nil {
					return // closed at the end
				}
				mu.Lock()
				seen[string(data)] = true
				n := len(seen)
				mu.Unlock()
				if n == senders*each {
					_ = pull.Close()
				}
			}
		}(r)
	}
	wg.Wait()
	rwg.Wait()
	if len(seen) != senders*each {
		t.Fatalf("received %d distinct messages, want %d", len(seen), senders*each)
	}
}

func TestConcurrentClose(t *testing.T) {
	for round := 0; round < 20; round++ {
		s := must(pnng.NewPair0())
		c := must(pnng.NewPair0())
		pairUp(t, s, c)
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				switch i % 4 {
				case 0:
					_ = s.Close()
				case 1:
					_, _ = s.Recv()
				case 2:
					_ = s.SendContext(context.Background(), []byte("x"))
				default:
					_, _ = s.Pipes()
					_, _ = s.Name()
				}
			}(i)
		}
		_ = s.Close()
		wg.Wait()
		ok(t, c.Close())
	}
}

// misc ---------------------------------------------------------------------------------

func TestMain(m *testing.M) {
	// The library's warnings (addresses in use, dials retrying) go to the standard log
	// package by default; the tests provoke many of them on purpose.
	log.SetOutput(io.Discard)
	code := m.Run()
	os.Exit(code)
}

func newPoly() (*pnng.Socket, error) { return pnng.NewPair1(true) }
