// Command bench_go is the Go side of the pnng benchmarks: the same patterns as the C driver
// (benches/c/bench_driver.c), over the Go binding. Like the C driver it sends a copy of a
// buffer (Send) and receives without copying: RecvMsg, the body read in place (WithBody),
// Free. With -copy it receives with Recv instead, which copies the body into a new Go slice.
// The echo server forwards the received *Message (RecvMsg / SendMsg) either way.
//
//	bench_go [-copy] lat|pair1|pushpull SIZE URL SECONDS
//
// It prints one JSON line like the C driver: value is microseconds per round trip for lat,
// messages per second otherwise; {"error": ...} and exit status 1 on failure.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	pnng "github.com/pnng/pnng/bindings/go"
)

type result struct {
	Impl    string  `json:"impl"`
	Pattern string  `json:"pattern"`
	Size    int     `json:"size"`
	Count   int64   `json:"count"`
	Seconds float64 `json:"seconds"`
	Value   float64 `json:"value"`
}

func fail(what string, err error) {
	out, _ := json.Marshal(map[string]string{"error": fmt.Sprintf("%s: %v", what, err)})
	fmt.Println(string(out))
	os.Exit(1)
}

func check(what string, err error) {
	if err != nil {
		fail(what, err)
	}
}

// timedLoop runs step for warmup, then counts the steps completed in the measured window.
func timedLoop(step func() error, warmup, window time.Duration) (int64, time.Duration) {
	for end := time.Now().Add(warmup); time.Now().Before(end); {
		check("warm-up", step())
	}
	var count int64
	start := time.Now()
	end := start.Add(window)
	for {
		check("measured step", step())
		count++
		if !time.Now().Before(end) {
			break
		}
	}
	return count, time.Since(start)
}

func open(open func() (*pnng.Socket, error)) *pnng.Socket {
	s, err := open()
	check("open", err)
	check("recv-size-max", s.SetRecvMaxSize(4<<20))
	return s
}

// connect opens both sides; the first listens, the second dials (blocking).
func connect(url string, listenSide, dialSide func() (*pnng.Socket, error)) (*pnng.Socket, *pnng.Socket) {
	l := open(listenSide)
	_, err := l.Listen(url)
	check("listen", err)
	d := open(dialSide)
	_, err = d.Dial(url, pnng.DialBlocking)
	check("dial", err)
	return l, d
}

func expectSize(data []byte, size int) error {
	if len(data) != size {
		return fmt.Errorf("received %d bytes, expected %d", len(data), size)
	}
	return nil
}

// copyRecv selects Recv (a copy into a new slice) over RecvMsg + WithBody + Free.
var copyRecv bool

// receive receives one message and checks its size, copying it only with -copy.
func receive(s *pnng.Socket, size int) error {
	if copyRecv {
		data, err := s.Recv()
		if err != nil {
			return err
		}
		return expectSize(data, size)
	}
	m, err := s.RecvMsg()
	if err != nil {
		return err
	}
	var sizeErr error
	err = m.WithBody(func(body []byte) { sizeErr = expectSize(body, size) })
	m.Free()
	if err != nil {
		return err
	}
	return sizeErr
}

func latency(url string, buf []byte, warmup, window time.Duration) (int64, time.Duration) {
	server, client := connect(url, pnng.NewRep0, pnng.NewReq0)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			m, err := server.RecvMsg()
			if err != nil {
				return
			}
			if server.SendMsg(m) != nil {
				m.Free()
				return
			}
		}
	}()
	count, took := timedLoop(func() error {
		if err := client.Send(buf); err != nil {
			return err
		}
		return receive(client, len(buf))
	}, warmup, window)
	server.Close()
	wg.Wait()
	client.Close()
	return count, took
}

func throughput(url string, pair bool, buf []byte, warmup, window time.Duration) (int64, time.Duration) {
	rxOpen, txOpen := pnng.NewPull0, pnng.NewPush0
	if pair {
		newPair1 := func() (*pnng.Socket, error) { return pnng.NewPair1(false) }
		rxOpen, txOpen = newPair1, newPair1
	}
	rx, tx := connect(url, rxOpen, txOpen)
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			if tx.Send(buf) != nil {
				return
			}
		}
	}()
	count, took := timedLoop(func() error { return receive(rx, len(buf)) }, warmup, window)
	stop.Store(true)
	tx.Close() // wakes a sender blocked on flow control
	wg.Wait()
	rx.Close()
	return count, took
}

func main() {
	args := os.Args[1:]
	impl := "go-pnng"
	if len(args) > 0 && args[0] == "-copy" {
		copyRecv, impl, args = true, "go-pnng-copy", args[1:]
	}
	if len(args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: bench_go [-copy] lat|pair1|pushpull SIZE URL SECONDS")
		os.Exit(2)
	}
	pattern, url := args[0], args[2]
	size, err := strconv.Atoi(args[1])
	check("size", err)
	seconds, err := strconv.ParseFloat(args[3], 64)
	check("seconds", err)
	window := time.Duration(seconds * float64(time.Second))
	warmup := window / 5
	buf := make([]byte, size)
	for i := range buf {
		buf[i] = 0xA5
	}
	var count int64
	var took time.Duration
	switch pattern {
	case "lat":
		count, took = latency(url, buf, warmup, window)
	case "pair1", "pushpull":
		count, took = throughput(url, pattern == "pair1", buf, warmup, window)
	default:
		fmt.Fprintln(os.Stderr, "unknown pattern", pattern)
		os.Exit(2)
	}
	r := result{Impl: impl, Pattern: pattern, Size: size, Count: count, Seconds: took.Seconds()}
	if pattern == "lat" {
		r.Value = took.Seconds() * 1e6 / float64(count)
	} else {
		r.Value = float64(count) / took.Seconds()
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
	os.Exit(0)
}
