package pnng_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	pnng "github.com/pnng/pnng/bindings/go"
)

// closedTCPURL returns a tcp:// URL on which nothing listens.
func closedTCPURL(t *testing.T) string {
	t.Helper()
	return closedTCPURLs(t, 1)[0]
}

// closedTCPURLs returns n different tcp:// URLs on which nothing listens.
func closedTCPURLs(t *testing.T, n int) []string {
	t.Helper()
	var urls []string
	var ls []net.Listener
	for i := 0; i < n; i++ { // all bound at once, so the ports differ
		l, err := net.Listen("tcp", "127.0.0.1:0")
		ok(t, err)
		ls = append(ls, l)
		urls = append(urls, "tcp://"+l.Addr().String())
	}
	for _, l := range ls {
		ok(t, l.Close())
	}
	return urls
}

// errors with context -------------------------------------------------------------------

func TestOpErrorDialListen(t *testing.T) {
	url := closedTCPURL(t)
	s := open(t, pnng.NewReq0)
	_, err := s.Dial(url, pnng.DialBlocking)
	wantErr(t, err, pnng.ErrConnRefused)
	var oe *pnng.OpError
	if !errors.As(err, &oe) || oe.Op != "dial" || oe.URL != url {
		t.Fatalf("dial error %#v is not an *OpError naming the dial and %s", err, url)
	}
	if want := "pnng: dial " + url + ": connection refused"; err.Error() != want {
		t.Fatalf("dial error text %q, want %q", err.Error(), want)
	}
	var temp interface{ Temporary() bool }
	if !errors.As(err, &temp) || !temp.Temporary() {
		t.Fatal("a refused dial is not Temporary")
	}

	a := open(t, pnng.NewRep0)
	l := must(a.Listen("tcp://127.0.0.1:0"))
	bound := must(l.LocalAddress()).String()
	b := open(t, pnng.NewRep0)
	_, err = b.Listen(bound)
	wantErr(t, err, pnng.ErrAddrInUse)
	if !errors.As(err, &oe) || oe.Op != "listen" || oe.URL != bound ||
		!strings.HasPrefix(err.Error(), "pnng: listen "+bound+": ") {
		t.Fatalf("listen error %q does not name the listen and %s", err, bound)
	}

	for _, bad := range []string{"bogus://x", "tcp://", "inproc://a\x00b"} {
		_, err := s.Dial(bad)
		if !errors.As(err, &oe) || oe.Op != "dial" || oe.URL != bad {
			t.Errorf("Dial(%q): %v is not an *OpError naming the URL", bad, err)
		}
		_, err = s.NewListener(bad)
		if !errors.As(err, &oe) || oe.Op != "listen" || oe.URL != bad {
			t.Errorf("NewListener(%q): %v is not an *OpError naming the URL", bad, err)
		}
	}

	d := must(s.NewDialer(url))
	err = d.Start()
	wantErr(t, err, pnng.ErrConnRefused)
	if !strings.HasPrefix(err.Error(), "pnng: dial "+url+": ") {
		t.Fatalf("Dialer.Start error %q does not name %s", err, url)
	}
}

func TestErrorTextsAreLowercase(t *testing.T) {
	for code := 1; code <= 31; code++ {
		msg := pnng.Error{Code: code}.Error()
		r, n := utf8.DecodeRuneInString(msg)
		r2, _ := utf8.DecodeRuneInString(msg[n:])
		if unicode.IsUpper(r) && !unicode.IsUpper(r2) {
			t.Errorf("code %d: %q starts with a capital", code, msg)
		}
	}
}

func TestTimeoutAndTemporary(t *testing.T) {
	type timeout interface{ Timeout() bool }
	var te timeout
	if !errors.As(pnng.ErrTimeout, &te) || !te.Timeout() {
		t.Fatal("ErrTimeout.Timeout() is not true")
	}
	if pnng.ErrClosed.(timeout).Timeout() {
		t.Fatal("ErrClosed is a timeout")
	}
	type temporary interface{ Temporary() bool }
	if !pnng.ErrAgain.(temporary).Temporary() || pnng.ErrClosed.(temporary).Temporary() {
		t.Fatal("Temporary(): ErrAgain should be, ErrClosed should not")
	}

	s := open(t, pnng.NewPull0)
	ok(t, s.SetRecvTimeout(10*time.Millisecond))
	_, err := s.Recv()
	if !errors.As(err, &te) || !te.Timeout() {
		t.Fatalf("a receive timeout %v does not report Timeout()", err)
	}
}

// context-aware dialing and devices -----------------------------------------------------

func TestDialContext(t *testing.T) {
	rep := open(t, pnng.NewRep0)
	url := tcpListen(t, rep)
	req := open(t, pnng.NewReq0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := req.DialContext(ctx, url)
	ok(t, err)
	if got := must(d.URL()); got != url {
		t.Fatalf("dialer URL %q, want %q", got, url)
	}
	waitPipes(req, 1)

	// Refused: the blocking dial's error, with the URL.
	closed := closedTCPURL(t)
	_, err = req.DialContext(ctx, closed)
	wantErr(t, err, pnng.ErrConnRefused)
	if !strings.Contains(err.Error(), closed) {
		t.Fatalf("%v does not name %s", err, closed)
	}

	// Already done: nothing is dialed.
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	_, err = req.DialContext(done, url)
	wantErr(t, err, context.Canceled)

	// A peer that accepts TCP but never answers the SP handshake: the dial blocks until the
	// deadline, then the dialer is closed and the error is the deadline's.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	ok(t, err)
	defer silent.Close()
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	silentURL := "tcp://" + silent.Addr().String()
	short, cancelShort := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancelShort()
	before, _ := req.Dialers()
	start := time.Now()
	_, err = req.DialContext(short, silentURL)
	wantErr(t, err, context.DeadlineExceeded)
	var te interface{ Timeout() bool }
	if !errors.As(err, &te) || !te.Timeout() || !strings.Contains(err.Error(), silentURL) {
		t.Fatalf("%v: not a timeout naming %s", err, silentURL)
	}
	if waited := time.Since(start); waited > 8*time.Second {
		t.Fatalf("DialContext returned after %v, long after its deadline", waited)
	}
	if after, _ := req.Dialers(); len(after) != len(before) {
		t.Fatalf("the cancelled dialer is still open (%d dialers, were %d)", len(after), len(before))
	}

	// ListenContext
	_, err = rep.ListenContext(done, inprocURL())
	wantErr(t, err, context.Canceled)
	ok(t, errOf(rep.ListenContext(ctx, inprocURL())))
}

func errOf[T any](_ T, err error) error { return err }

func TestDeviceContext(t *testing.T) {
	front := must(pnng.NewRep0Raw())
	back := must(pnng.NewReq0Raw())
	fu, bu := inprocURL(), inprocURL()
	must(front.Listen(fu))
	must(back.Listen(bu))
	ctx, cancel := context.WithCancel(context.Background())
	devErr := make(chan error, 1)
	go func() { devErr <- pnng.Device(ctx, front, back) }()

	server := open(t, pnng.NewRep0)
	must(server.Dial(bu, pnng.DialBlocking))
	client := open(t, pnng.NewReq0)
	must(client.Dial(fu, pnng.DialBlocking))
	ok(t, client.SetRecvTimeout(10*time.Second))
	ok(t, server.SetRecvTimeout(10*time.Second))
	ok(t, client.Send([]byte("ping")))
	ok(t, server.Send(must(server.Recv())))
	must(client.Recv())

	cancel()
	select {
	case err := <-devErr:
		wantErr(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("Device did not return after its context was cancelled")
	}
	wantErr(t, front.Send([]byte("x")), pnng.ErrClosed)
	wantErr(t, back.Send([]byte("x")), pnng.ErrClosed)

	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	raw := open(t, pnng.NewPair0Raw)
	wantErr(t, pnng.Device(done, raw, nil), context.Canceled)
}

// logging -------------------------------------------------------------------------------

type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (s *logSink) log(level pnng.LogLevel, msg string) {
	s.mu.Lock()
	s.lines = append(s.lines, level.String()+": "+msg)
	s.mu.Unlock()
}

// matching returns the lines that contain every one of subs.
func (s *logSink) matching(subs ...string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
next:
	for _, l := range s.lines {
		for _, sub := range subs {
			if !strings.Contains(l, sub) {
				continue next
			}
		}
		out = append(out, l)
	}
	return out
}

func (s *logSink) waitFor(t *testing.T, subs ...string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if len(s.matching(subs...)) > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no log line with %q; got %q", subs, s.matching())
}

func TestLoggerBackgroundDialFailures(t *testing.T) {
	sink := &logSink{}
	pnng.SetLogger(sink.log)
	defer pnng.SetLogger(pnng.StdLogger(nil))

	// Non-blocking: one report per dialer, with the URL, however often it retries.
	// ipc paths nobody listens on: refused at once, and no other program can take them.
	dir := t.TempDir()
	var urls []string
	for i := 0; i < 4; i++ {
		urls = append(urls, fmt.Sprintf("ipc://%s/nobody-%d.ipc", dir, i))
	}
	url := urls[0]
	s := open(t, pnng.NewPush0)
	ok(t, s.SetReconnectTimeMin(10*time.Millisecond))
	ok(t, s.SetReconnectTimeMax(10*time.Millisecond))
	must(s.Dial(url, pnng.DialNonBlocking))
	report := "warning: dial " + url + ": connection refused; dialing again in the background"
	sink.waitFor(t, report)
	time.Sleep(300 * time.Millisecond) // about 30 more failed attempts
	if n := len(sink.matching(url)); n != 1 {
		t.Fatalf("%d log lines for %s, want 1: %q", n, url, sink.matching(url))
	}

	// A second dialer to the same URL has its own report.
	must(s.Dial(url, pnng.DialNonBlocking))
	for deadline := time.Now().Add(10 * time.Second); len(sink.matching(report)) < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("the second dialer was not reported: %q", sink.matching(url))
		}
		time.Sleep(5 * time.Millisecond)
	}

	// Fallback (the default): pnng's warning says it goes on in the background, and it is
	// that dialer's only line.
	url2 := urls[1]
	s2 := open(t, pnng.NewPush0)
	ok(t, s2.SetReconnectTimeMin(10*time.Millisecond))
	ok(t, s2.SetReconnectTimeMax(10*time.Millisecond))
	d := must(s2.Dial(url2))
	sink.waitFor(t, "warning: ", url2, "dialing in the background")
	time.Sleep(300 * time.Millisecond)
	if n := len(sink.matching(url2)); n != 1 {
		t.Fatalf("%d log lines for the fallback dial to %s, want 1: %q", n, url2, sink.matching(url2))
	}
	ok(t, d.Close())

	// A blocking dial that fails reports through its error only.
	url3 := urls[2]
	_, err := s2.Dial(url3, pnng.DialBlocking)
	wantErr(t, err, pnng.ErrConnRefused)
	time.Sleep(50 * time.Millisecond)
	if lines := sink.matching(url3); len(lines) != 0 {
		t.Fatalf("a failed blocking dial was logged: %q", lines)
	}

	// nil discards.
	pnng.SetLogger(nil)
	url4 := urls[3]
	must(s2.Dial(url4, pnng.DialNonBlocking))
	time.Sleep(100 * time.Millisecond)
	if lines := sink.matching(url4); len(lines) != 0 {
		t.Fatalf("logged after SetLogger(nil): %q", lines)
	}
}

func TestLogLevel(t *testing.T) {
	sink := &logSink{}
	pnng.SetLogger(sink.log)
	defer pnng.SetLogger(pnng.StdLogger(nil))
	pnng.SetLogLevel(pnng.LogInfo)
	defer pnng.SetLogLevel(pnng.LogWarn)
	s := open(t, pnng.NewPair0)
	url := inprocURL()
	must(s.Listen(url))
	sink.waitFor(t, "info: ", url) // NNG's "Starting listener ..." line
	if pnng.LogWarn.String() != "warning" || pnng.LogLevel(42).String() != "level 42" {
		t.Fatal("LogLevel.String")
	}
}

// zero-copy --------------------------------------------------------------------------------

func TestWithBodyZeroCopy(t *testing.T) {
	a := open(t, pnng.NewPair0)
	b := open(t, pnng.NewPair0)
	pairUp(t, a, b)
	ok(t, b.SetRecvTimeout(10*time.Second))
	ok(t, a.Send([]byte("hello")))
	m := must(b.RecvMsg())
	var seen string
	ok(t, m.WithBody(func(body []byte) {
		seen = string(body)
		body[0] = 'j' // writable in place
	}))
	if seen != "hello" || string(m.Body()) != "jello" {
		t.Fatalf("WithBody saw %q, body now %q", seen, m.Body())
	}
	// A received message whose body changes is read afresh (longer, then empty, then
	// shorter: the body may move).
	for _, step := range []struct {
		change func() error
		want   string
	}{
		{func() error { return m.Append(bytes.Repeat([]byte("!"), 4096)) }, "jello" + strings.Repeat("!", 4096)},
		{m.Clear, ""},
		{func() error { return m.Insert([]byte("ok")) }, "ok"},
	} {
		ok(t, step.change())
		ok(t, m.WithBody(func(body []byte) { seen = string(body) }))
		if seen != step.want {
			t.Fatalf("WithBody after a change saw %d bytes, want %d", len(seen), len(step.want))
		}
	}
	ok(t, m.Clear())
	ok(t, m.Append([]byte("jello")))
	// SendMsg takes the message over (no copy); the message is then unusable.
	ok(t, b.SendMsg(m))
	wantErr(t, m.WithBody(func([]byte) { t.Fatal("called after send") }), pnng.ErrMessageState)
	if got := must(a.Recv()); string(got) != "jello" {
		t.Fatalf("got %q", got)
	}
	empty := must(pnng.NewMessage(nil))
	called := false
	ok(t, empty.WithBody(func(body []byte) { called = len(body) == 0 }))
	if !called {
		t.Fatal("WithBody on an empty message")
	}
	empty.Free()
	wantErr(t, empty.WithBody(func([]byte) {}), pnng.ErrMessageState)
}

// Blocking receives and sends park in the Go scheduler; timeouts and Close still end them.
func TestBlockingCallsTimeoutAndClose(t *testing.T) {
	pull := must(pnng.NewPull0())
	ok(t, pull.SetRecvTimeout(30*time.Millisecond))
	start := time.Now()
	_, err := pull.Recv()
	wantErr(t, err, pnng.ErrTimeout)
	if time.Since(start) < 25*time.Millisecond {
		t.Fatalf("the receive timed out after %v", time.Since(start))
	}
	ok(t, pull.SetRecvTimeout(pnng.Infinite))
	const waiters = 4
	errs := make(chan error, waiters)
	for i := 0; i < waiters; i++ {
		go func() {
			_, err := pull.Recv()
			errs <- err
		}()
	}
	time.Sleep(50 * time.Millisecond)
	ok(t, pull.Close())
	for i := 0; i < waiters; i++ {
		select {
		case err := <-errs:
			wantErr(t, err, pnng.ErrClosed)
		case <-time.After(10 * time.Second):
			t.Fatal("Close did not wake a blocked Recv")
		}
	}

	push := must(pnng.NewPush0()) // no peer: a send waits
	ok(t, push.SetSendTimeout(30*time.Millisecond))
	wantErr(t, push.Send([]byte("x")), pnng.ErrTimeout)
	ok(t, push.SetSendTimeout(pnng.Infinite))
	go func() { errs <- push.Send([]byte("x")) }()
	time.Sleep(50 * time.Millisecond)
	ok(t, push.Close())
	select {
	case err := <-errs:
		wantErr(t, err, pnng.ErrClosed)
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not wake a blocked Send")
	}
}

// Many goroutines receiving and sending on one pair of sockets: every message arrives once.
func TestBlockingCallsManyGoroutines(t *testing.T) {
	push := open(t, pnng.NewPush0)
	pull := open(t, pnng.NewPull0)
	pairUp(t, pull, push)
	const senders, each = 4, 500
	var wg sync.WaitGroup
	for i := 0; i < senders; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				if err := push.Send([]byte("m")); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var received atomic.Int64
	done := make(chan error, senders)
	for i := 0; i < senders; i++ {
		go func() {
			for {
				if _, err := pull.Recv(); err != nil {
					done <- err
					return
				}
				received.Add(1)
			}
		}()
	}
	wg.Wait()
	for deadline := time.Now().Add(20 * time.Second); received.Load() < senders*each; {
		if time.Now().After(deadline) {
			t.Fatalf("received %d messages, sent %d", received.Load(), senders*each)
		}
		time.Sleep(time.Millisecond)
	}
	ok(t, pull.Close()) // wakes the receivers
	for i := 0; i < senders; i++ {
		wantErr(t, <-done, pnng.ErrClosed)
	}
	if n := received.Load(); n != senders*each {
		t.Fatalf("received %d messages, sent %d", n, senders*each)
	}
}

// A large Send is copied into a message once and retried with it while it waits.
func TestLargeSendWaits(t *testing.T) {
	push := open(t, pnng.NewPush0)
	ok(t, push.SetSendTimeout(30*time.Millisecond))
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<14) // 256 KiB
	wantErr(t, push.Send(big), pnng.ErrTimeout)
	ok(t, push.SetSendTimeout(10*time.Second))
	pull := open(t, pnng.NewPull0)
	ok(t, pull.SetRecvMaxSize(0))
	ok(t, pull.SetRecvTimeout(10*time.Second))
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 20; i++ {
			if err := push.Send(big); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	time.Sleep(20 * time.Millisecond) // the sender waits for a peer
	url := inprocURL()
	must(pull.Listen(url))
	must(push.Dial(url, pnng.DialBlocking))
	for i := 0; i < 20; i++ {
		if got := must(pull.Recv()); !bytes.Equal(got, big) {
			t.Fatalf("message %d: %d bytes, not the %d sent", i, len(got), len(big))
		}
	}
	ok(t, <-done)
}

// Received messages that are dropped without Free are released by the garbage collector
// (small ones share a finalizer per block); one that is kept stays valid meanwhile.
func TestForgottenReceivedMessages(t *testing.T) {
	a := open(t, pnng.NewPair0)
	b := open(t, pnng.NewPair0)
	pairUp(t, a, b)
	ok(t, b.SetRecvTimeout(10*time.Second))
	ok(t, b.SetRecvMaxSize(0))
	var kept *pnng.Message
	for i := 0; i < 50; i++ {
		body := []byte(fmt.Sprintf("message %d", i))
		if i%20 == 0 {
			body = bytes.Repeat(body, 20000) // large: a finalizer of its own
		}
		ok(t, a.Send(body))
		m := must(b.RecvMsg())
		switch {
		case i == 21:
			kept = m
		case i%3 == 0:
			m.Free()
		}
	}
	for i := 0; i < 3; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := string(kept.Body()); got != "message 21" {
		t.Fatalf("kept message reads %q", got)
	}
	kept.Free()
	wantErr(t, kept.WithBody(func([]byte) {}), pnng.ErrMessageState)
}

// A Context's blocking receive parks too: a reply that comes later arrives, the context's
// receive timeout ends it, and closing the context wakes it.
func TestContextRecvParks(t *testing.T) {
	req := open(t, pnng.NewReq0)
	rep := open(t, pnng.NewRep0)
	pairUp(t, rep, req)
	ok(t, rep.SetRecvTimeout(10*time.Second))
	go func() {
		for {
			m, err := rep.RecvMsg()
			if err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond) // the requester is parked by now
			if rep.SendMsg(m) != nil {
				m.Free()
			}
		}
	}()
	c := must(req.NewContext())
	ok(t, c.SetRecvTimeout(10*time.Second))
	for i := 0; i < 3; i++ {
		body := []byte(fmt.Sprintf("request %d", i))
		ok(t, c.Send(body))
		if i%2 == 0 {
			if got := must(c.Recv()); !bytes.Equal(got, body) {
				t.Fatalf("reply %q", got)
			}
			continue
		}
		m := must(c.RecvMsg())
		if got := m.Body(); !bytes.Equal(got, body) {
			t.Fatalf("reply %q", got)
		}
		m.Free()
	}

	lone := open(t, pnng.NewRep0) // no peer: a receive waits
	pc := must(lone.NewContext())
	ok(t, pc.SetRecvTimeout(30*time.Millisecond))
	_, err := pc.Recv()
	wantErr(t, err, pnng.ErrTimeout)
	ok(t, pc.SetRecvTimeout(pnng.Infinite))
	errs := make(chan error, 1)
	go func() {
		_, err := pc.RecvMsg()
		errs <- err
	}()
	time.Sleep(30 * time.Millisecond)
	ok(t, pc.Close())
	select {
	case err := <-errs:
		wantErr(t, err, pnng.ErrClosed)
	case <-time.After(10 * time.Second):
		t.Fatal("closing the context did not wake its blocked RecvMsg")
	}
}

// A blocking SendMsg that fails while parked gives the message back intact; the next send of
// the same Message goes through.
func TestParkedSendMsgKeepsMessage(t *testing.T) {
	push := open(t, pnng.NewPush0)
	ok(t, push.SetSendTimeout(30*time.Millisecond))
	msg := must(pnng.NewMessage([]byte("kept")))
	for i := 0; i < 3; i++ { // the waiters are reused
		wantErr(t, push.SendMsg(msg), pnng.ErrTimeout)
		if got := string(msg.Body()); got != "kept" {
			t.Fatalf("body after a failed send: %q", got)
		}
	}
	ok(t, push.SetSendTimeout(10*time.Second))
	pull := open(t, pnng.NewPull0)
	ok(t, pull.SetRecvTimeout(10*time.Second))
	done := make(chan error, 1)
	go func() { done <- push.SendMsg(msg) }()
	time.Sleep(20 * time.Millisecond) // parked: no peer yet
	url := inprocURL()
	must(pull.Listen(url))
	must(push.Dial(url, pnng.DialBlocking))
	ok(t, <-done)
	if got := string(must(pull.Recv())); got != "kept" {
		t.Fatalf("received %q", got)
	}
	if msg.Body() != nil {
		t.Fatal("a sent message still has a body")
	}
}

// A surveyor's blocking Recv waits in the Go scheduler too: it returns the responses, then
// ErrTimeout when the survey expires.
func TestSurveyorRecvEndsWithSurvey(t *testing.T) {
	sv := open(t, pnng.NewSurveyor0)
	rs := open(t, pnng.NewRespondent0)
	ok(t, sv.SetSurveyTime(100*time.Millisecond))
	ok(t, sv.SetRecvTimeout(10*time.Second))
	ok(t, rs.SetRecvTimeout(10*time.Second))
	pairUp(t, sv, rs)
	go func() {
		if q, err := rs.Recv(); err == nil {
			time.Sleep(20 * time.Millisecond) // the surveyor is parked by now
			_ = rs.Send(append([]byte("re: "), q...))
		}
	}()
	ok(t, sv.Send([]byte("q")))
	if got := string(must(sv.Recv())); got != "re: q" {
		t.Fatalf("response %q", got)
	}
	start := time.Now()
	_, err := sv.Recv()
	wantErr(t, err, pnng.ErrTimeout)
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the survey ended the receive only after %v", took)
	}

	// The same on a context.
	c := must(sv.NewContext())
	ok(t, c.SetRecvTimeout(10*time.Second))
	go func() {
		if q, err := rs.Recv(); err == nil {
			time.Sleep(20 * time.Millisecond)
			_ = rs.Send(append([]byte("re: "), q...))
		}
	}()
	ok(t, c.Send([]byte("q2")))
	if got := string(must(c.Recv())); got != "re: q2" {
		t.Fatalf("response %q", got)
	}
	start = time.Now()
	_, err = c.Recv()
	wantErr(t, err, pnng.ErrTimeout)
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the survey ended the context's receive only after %v", took)
	}
}

func TestDefaultLoggerIsTheLogPackage(t *testing.T) {
	var buf syncBuffer
	log.SetOutput(&buf)
	defer log.SetOutput(io.Discard)
	url := "ipc://" + t.TempDir() + "/nobody.ipc"
	s := open(t, pnng.NewPush0)
	must(s.Dial(url, pnng.DialNonBlocking))
	want := "pnng: warning: dial " + url + ": connection refused; dialing again in the background"
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(buf.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("the log package got %q, not %q", buf.String(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
