// Pair1 polyamorous (pynng's Pair1 example): one listener, two peers, each answered through
// the pipe its message came from.
package main

import (
	"fmt"
	"os"
	"time"

	pnng "github.com/pnng/pnng/bindings/go"
)

func check(err error) {
	if err != nil {
		panic(err)
	}
}

func main() {
	address := "tcp://127.0.0.1:12343"
	if len(os.Args) > 1 {
		address = os.Args[1]
	}
	s0, err := pnng.NewPair1(true)
	check(err)
	defer s0.Close()
	_, err = s0.Listen(address)
	check(err)
	var peers []*pnng.Socket
	for i := 0; i < 2; i++ {
		s, err := pnng.NewPair1(true)
		check(err)
		defer s.Close()
		_, err = s.Dial(address)
		check(err)
		peers = append(peers, s)
	}
	s1, s2 := peers[0], peers[1]
	for _, s := range []*pnng.Socket{s0, s1, s2} {
		check(s.SetRecvTimeout(5 * time.Second))
	}

	check(s1.Send([]byte("hello from s1")))
	check(s2.Send([]byte("hello from s2")))
	msg1, err := s0.RecvMsg()
	check(err)
	msg2, err := s0.RecvMsg()
	check(err)
	fmt.Printf("%s\n", msg1.Body()) // prints hello from s1 (or s2: the two race)
	fmt.Printf("%s\n", msg2.Body())
	b1, b2 := msg1.Body(), msg2.Body()
	check(msg1.Pipe().Send([]byte("hey " + string(b1[len(b1)-2:]))))
	check(msg2.Pipe().Send([]byte("hey " + string(b2[len(b2)-2:]))))
	data, err := s2.Recv()
	check(err)
	fmt.Printf("%s\n", data) // prints hey s2
	data, err = s1.Recv()
	check(err)
	fmt.Printf("%s\n", data) // prints hey s1
	if string(data) != "hey s1" {
		panic("s1 got another peer's answer")
	}
}
