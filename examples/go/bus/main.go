// Bus0 (pynng's bus example): a message reaches the directly connected peers only.
package main

import (
	"errors"
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
	address := "tcp://127.0.0.1:13131"
	if len(os.Args) > 1 {
		address = os.Args[1]
	}
	s0, err := pnng.NewBus0()
	check(err)
	defer s0.Close()
	_, err = s0.Listen(address)
	check(err)
	var peers []*pnng.Socket
	for i := 0; i < 2; i++ {
		s, err := pnng.NewBus0()
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
	// let all connections be established
	for {
		pipes, err := s0.Pipes()
		check(err)
		if len(pipes) == 2 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	check(s0.Send([]byte("hello buddies")))
	data, err := s1.Recv()
	check(err)
	fmt.Printf("%s\n", data) // prints hello buddies
	data, err = s2.Recv()
	check(err)
	fmt.Printf("%s\n", data) // prints hello buddies
	check(s1.Send([]byte("hi s0")))
	data, err = s0.Recv()
	check(err)
	fmt.Printf("%s\n", data) // prints hi s0
	// s2 is not directly connected to s1.
	check(s2.SetRecvTimeout(100 * time.Millisecond))
	if _, err := s2.Recv(); !errors.Is(err, pnng.ErrTimeout) {
		panic("s2 must not receive s1's message")
	}
	fmt.Println("s2 is not connected directly to s1!")
}
