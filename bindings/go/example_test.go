package pnng_test

// These examples mirror the examples of pynng's documentation, one per protocol, and run as
// tests (go test checks their output). Addresses use port 0 so that parallel test runs never
// collide: the listener reports the port it bound.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	pnng "github.com/pnng/pnng/bindings/go"
)

// check stops an example on an unexpected error.
func check(err error) {
	if err != nil {
		panic(err)
	}
}

// listen starts a listener on a free local TCP port and returns the address to dial.
func listen(s *pnng.Socket) string {
	l, err := s.Listen("tcp://127.0.0.1:0")
	check(err)
	addr, err := l.LocalAddress()
	check(err)
	return addr.String()
}

// waitPipes waits until s has n connections (pynng's examples sleep instead).
func waitPipes(s *pnng.Socket, n int) {
	for i := 0; i < 1000; i++ {
		pipes, err := s.Pipes()
		check(err)
		if len(pipes) >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	panic("connections did not come up")
}

// A request/reply round trip: the quick start.
func Example() {
	rep, _ := pnng.NewRep0()
	defer rep.Close()
	l, _ := rep.Listen("tcp://127.0.0.1:0") // port 0: any free port
	addr, _ := l.LocalAddress()

	req, _ := pnng.NewReq0()
	defer req.Close()
	if _, err := req.Dial(addr.String()); err != nil {
		fmt.Println(err) // e.g. pnng: dial tcp://127.0.0.1:5555: connection refused
		return
	}
	_ = req.Send([]byte("hello"))
	q, _ := rep.Recv()
	_ = rep.Send(append(q, ", world"...))
	a, _ := req.Recv()
	fmt.Printf("%s\n", a)
	// Output: hello, world
}

// DialContext bounds a blocking dial by a context; errors name the operation and the URL.
func ExampleSocket_DialContext() {
	req, err := pnng.NewReq0()
	check(err)
	defer req.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = req.DialContext(ctx, "inproc://nobody-listens-here")
	var oe *pnng.OpError
	if errors.As(err, &oe) {
		fmt.Println(oe.Op, oe.URL, errors.Is(err, pnng.ErrConnRefused))
	}
	fmt.Println(err)
	// Output:
	// dial inproc://nobody-listens-here true
	// pnng: dial inproc://nobody-listens-here: connection refused
}

// SetLogger routes the library's log lines, and the report of a dialer that keeps failing in
// the background, to a function of your own (the default is the standard log package).
func ExampleSetLogger() {
	lines := make(chan string, 16)
	pnng.SetLogger(func(level pnng.LogLevel, msg string) {
		if strings.Contains(msg, "inproc://no-peer-yet") {
			lines <- level.String() + ": " + msg
		}
	})
	defer pnng.SetLogger(pnng.StdLogger(nil))

	push, err := pnng.NewPush0()
	check(err)
	defer push.Close()
	_, err = push.Dial("inproc://no-peer-yet", pnng.DialNonBlocking)
	check(err)
	fmt.Println(<-lines)
	// Output: warning: dial inproc://no-peer-yet: connection refused; dialing again in the background
}

// Pair0: bidirectional one-to-one (pynng's Pair0 example, synchronous API).
func Example_pair0() {
	s0, err := pnng.NewPair0()
	check(err)
	defer s0.Close()
	address := listen(s0)
	s1, err := pnng.NewPair0()
	check(err)
	defer s1.Close()
	_, err = s1.Dial(address)
	check(err)

	check(s0.Send([]byte("hello s1")))
	data, err := s1.Recv()
	check(err)
	fmt.Printf("%s\n", data)
	check(s1.Send([]byte("hi old buddy s0, great to see ya")))
	data, err = s0.Recv()
	check(err)
	fmt.Printf("%s\n", data)
	// Output:
	// hello s1
	// hi old buddy s0, great to see ya
}

// Pair0 with the asynchronous API (pynng's Trio example): SendContext and RecvContext take
// a context.Context for cancellation and deadlines.
func Example_pair0Async() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s0, err := pnng.NewPair0()
	check(err)
	defer s0.Close()
	address := listen(s0)
	s1, err := pnng.NewPair0()
	check(err)
	defer s1.Close()
	_, err = s1.Dial(address)
	check(err)

	check(s0.SendContext(ctx, []byte("hello s1")))
	data, err := s1.RecvContext(ctx)
	check(err)
	fmt.Printf("%s\n", data)
	check(s1.SendContext(ctx, []byte("hi old buddy s0, great to see ya")))
	data, err = s0.RecvContext(ctx)
	check(err)
	fmt.Printf("%s\n", data)
	// Output:
	// hello s1
	// hi old buddy s0, great to see ya
}

// Pair1 polyamorous: one listener, many peers; reply to a peer through the pipe its message
// came from.
func Example_pair1Polyamorous() {
	s0, err := pnng.NewPair1(true)
	check(err)
	defer s0.Close()
	address := listen(s0)
	s1, err := pnng.NewPair1(true)
	check(err)
	defer s1.Close()
	_, err = s1.Dial(address)
	check(err)
	s2, err := pnng.NewPair1(true)
	check(err)
	defer s2.Close()
	_, err = s2.Dial(address)
	check(err)
	waitPipes(s0, 2)

	check(s1.Send([]byte("hello from s1")))
	msg1, err := s0.RecvMsg()
	check(err)
	check(s2.Send([]byte("hello from s2")))
	msg2, err := s0.RecvMsg()
	check(err)
	fmt.Printf("%s\n", msg1.Body())
	fmt.Printf("%s\n", msg2.Body())
	check(msg1.Pipe().Send([]byte("hey s1")))
	check(msg2.Pipe().Send([]byte("hey s2")))
	data, err := s2.Recv()
	check(err)
	fmt.Printf("%s\n", data)
	data, err = s1.Recv()
	check(err)
	fmt.Printf("%s\n", data)
	// Output:
	// hello from s1
	// hello from s2
	// hey s2
	// hey s1
}

// Pair1 polyamorous with the asynchronous API: Pipe.SendContext is pynng's Pipe.asend.
func Example_pair1PolyamorousAsync() {
	ctx := context.Background()
	s0, err := pnng.NewPair1(true)
	check(err)
	defer s0.Close()
	address := listen(s0)
	s1, err := pnng.NewPair1(true)
	check(err)
	defer s1.Close()
	_, err = s1.Dial(address)
	check(err)
	s2, err := pnng.NewPair1(true)
	check(err)
	defer s2.Close()
	_, err = s2.Dial(address)
	check(err)
	waitPipes(s0, 2)

	check(s1.SendContext(ctx, []byte("hello from s1")))
	msg1, err := s0.RecvMsgContext(ctx)
	check(err)
	check(s2.SendContext(ctx, []byte("hello from s2")))
	msg2, err := s0.RecvMsgContext(ctx)
	check(err)
	fmt.Printf("%s\n", msg1.Body())
	fmt.Printf("%s\n", msg2.Body())
	check(msg1.Pipe().SendContext(ctx, []byte("hey s1")))
	check(msg2.Pipe().SendContext(ctx, []byte("hey s2")))
	data, err := s2.RecvContext(ctx)
	check(err)
	fmt.Printf("%s\n", data)
	data, err = s1.RecvContext(ctx)
	check(err)
	fmt.Printf("%s\n", data)
	// Output:
	// hello from s1
	// hello from s2
	// hey s2
	// hey s1
}

// Request/reply.
func Example_reqRep() {
	rep, err := pnng.NewRep0()
	check(err)
	defer rep.Close()
	address := listen(rep)
	req, err := pnng.NewReq0()
	check(err)
	defer req.Close()
	_, err = req.Dial(address)
	check(err)

	check(req.Send([]byte("random.random()")))
	question, err := rep.Recv()
	check(err)
	fmt.Printf("question: %s\n", question)
	check(rep.Send([]byte("4"))) // guaranteed to be random
	answer, err := req.Recv()
	check(err)
	fmt.Printf("%s\n", answer)
	// Output:
	// question: random.random()
	// 4
}

// Publish/subscribe: subscribers receive the messages that start with one of their topics.
func Example_pubSub() {
	pub, err := pnng.NewPub0()
	check(err)
	defer pub.Close()
	address := listen(pub)
	var subs []*pnng.Socket
	for i := 0; i < 4; i++ {
		sub, err := pnng.NewSub0()
		check(err)
		defer sub.Close()
		check(sub.SetRecvTimeout(100 * time.Millisecond))
		_, err = sub.Dial(address)
		check(err)
		subs = append(subs, sub)
	}
	sub0, sub1, sub2, sub3 := subs[0], subs[1], subs[2], subs[3]
	check(sub0.Subscribe([]byte("wolf")))
	check(sub1.Subscribe([]byte("puppy")))
	// The empty topic matches everything!
	check(sub2.Subscribe([]byte("")))
	// sub2 must hold both messages before it receives anything.
	check(sub2.SetRecvBufferSize(2))
	// sub3 is not subscribed to anything.
	waitPipes(pub, 4)

	check(pub.Send([]byte("puppy: that is a cute dog")))
	check(pub.Send([]byte("wolf: that is a big dog")))
	for _, sub := range []*pnng.Socket{sub0, sub1, sub2, sub2} {
		data, err := sub.Recv()
		check(err)
		fmt.Printf("%s\n", data)
	}
	if _, err := sub3.Recv(); errors.Is(err, pnng.ErrTimeout) {
		fmt.Println("got a Timeout since sub3 had no subscriptions")
	}
	// Output:
	// wolf: that is a big dog
	// puppy: that is a cute dog
	// puppy: that is a cute dog
	// wolf: that is a big dog
	// got a Timeout since sub3 had no subscriptions
}

// Pipeline: each message goes to one of the pullers, round robin.
func Example_pushPull() {
	push, err := pnng.NewPush0()
	check(err)
	defer push.Close()
	address := listen(push)
	pull0, err := pnng.NewPull0()
	check(err)
	defer pull0.Close()
	pull1, err := pnng.NewPull0()
	check(err)
	defer pull1.Close()
	for _, pull := range []*pnng.Socket{pull0, pull1} {
		check(pull.SetRecvTimeout(100 * time.Millisecond))
		_, err = pull.Dial(address)
		check(err)
	}
	waitPipes(push, 2)

	check(push.Send([]byte("hi some node")))
	check(push.Send([]byte("hi some other node")))
	var got []string
	for _, pull := range []*pnng.Socket{pull0, pull1} {
		data, err := pull.Recv()
		check(err)
		got = append(got, string(data))
	}
	sort.Strings(got) // which puller gets which message depends on the connection order
	fmt.Println(got[0])
	fmt.Println(got[1])
	if _, err := pull0.Recv(); errors.Is(err, pnng.ErrTimeout) {
		fmt.Println("each message went to one node only")
	}
	// Output:
	// hi some node
	// hi some other node
	// each message went to one node only
}

// Survey: the surveyor asks, every respondent may answer until the survey time ends.
func Example_survey() {
	surveyor, err := pnng.NewSurveyor0()
	check(err)
	defer surveyor.Close()
	address := listen(surveyor)
	responder1, err := pnng.NewRespondent0()
	check(err)
	defer responder1.Close()
	_, err = responder1.Dial(address)
	check(err)
	responder2, err := pnng.NewRespondent0()
	check(err)
	defer responder2.Close()
	_, err = responder2.Dial(address)
	check(err)
	waitPipes(surveyor, 2)

	check(surveyor.SetSurveyTime(500 * time.Millisecond))
	check(surveyor.Send([]byte("who wants to party?")))
	// usually these would be in another goroutine or process
	_, err = responder1.Recv()
	check(err)
	_, err = responder2.Recv()
	check(err)
	check(responder1.Send([]byte("me me me!!!")))
	check(responder2.Send([]byte("I need to sit this one out.")))
	// accept responses until the survey is finished
	var lines []string
	for {
		response, err := surveyor.Recv()
		if errors.Is(err, pnng.ErrTimeout) {
			break
		}
		check(err)
		switch string(response) {
		case "me me me!!!":
			lines = append(lines, "all right, someone is ready to party!")
		case "I need to sit this one out.":
			lines = append(lines, "Too bad, someone is not ready to party.")
		}
	}
	sort.Strings(lines) // responses arrive in any order
	for _, l := range lines {
		fmt.Println(l)
	}
	fmt.Println("survey is OVER! Time for bed.")
	// Output:
	// Too bad, someone is not ready to party.
	// all right, someone is ready to party!
	// survey is OVER! Time for bed.
}

// Bus: a message goes to every directly connected peer.
func Example_bus() {
	s0, err := pnng.NewBus0()
	check(err)
	defer s0.Close()
	address := listen(s0)
	s1, err := pnng.NewBus0()
	check(err)
	defer s1.Close()
	s2, err := pnng.NewBus0()
	check(err)
	defer s2.Close()
	for _, s := range []*pnng.Socket{s0, s1, s2} {
		check(s.SetRecvTimeout(100 * time.Millisecond))
	}
	_, err = s1.Dial(address)
	check(err)
	_, err = s2.Dial(address)
	check(err)
	waitPipes(s0, 2)

	check(s0.Send([]byte("hello buddies")))
	data, err := s1.Recv()
	check(err)
	fmt.Printf("%s\n", data)
	data, err = s2.Recv()
	check(err)
	fmt.Printf("%s\n", data)
	check(s1.Send([]byte("hi s0")))
	data, err = s0.Recv()
	check(err)
	fmt.Printf("%s\n", data)
	// s2 is not directly connected to s1.
	if _, err := s2.Recv(); errors.Is(err, pnng.ErrTimeout) {
		fmt.Println("s2 is not connected directly to s1!")
	}
	// Output:
	// hello buddies
	// hello buddies
	// hi s0
	// s2 is not connected directly to s1!
}

// Contexts let one Rep0 socket serve several requests at once (pynng's Context).
func ExampleSocket_NewContext() {
	rep, err := pnng.NewRep0()
	check(err)
	defer rep.Close()
	check(func() error { _, err := rep.Listen("inproc://example-contexts"); return err }())
	req, err := pnng.NewReq0()
	check(err)
	defer req.Close()
	_, err = req.Dial("inproc://example-contexts")
	check(err)

	// three servers on one socket
	for i := 0; i < 3; i++ {
		ctx, err := rep.NewContext()
		check(err)
		go func() {
			for {
				q, err := ctx.Recv()
				if err != nil {
					return // the socket closed
				}
				if ctx.Send(append([]byte("answer to "), q...)) != nil {
					return
				}
			}
		}()
	}
	// three concurrent requests on one socket
	answers := make(chan string, 3)
	for i := 0; i < 3; i++ {
		ctx, err := req.NewContext()
		check(err)
		go func(i int) {
			defer ctx.Close()
			check(ctx.Send([]byte(fmt.Sprintf("question %d", i))))
			a, err := ctx.Recv()
			check(err)
			answers <- string(a)
		}(i)
	}
	var got []string
	for i := 0; i < 3; i++ {
		got = append(got, <-answers)
	}
	sort.Strings(got)
	for _, a := range got {
		fmt.Println(a)
	}
	// Output:
	// answer to question 0
	// answer to question 1
	// answer to question 2
}

// RecvContext gives up when its context.Context is cancelled or times out.
func ExampleSocket_RecvContext() {
	s, err := pnng.NewPair0()
	check(err)
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = s.RecvContext(ctx)
	fmt.Println(err == context.DeadlineExceeded)
	// Output:
	// true
}
