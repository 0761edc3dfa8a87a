// Pair0 (pynng's Pair0 example): one-to-one, both directions.
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
	address := "tcp://127.0.0.1:13131"
	if len(os.Args) > 1 {
		address = os.Args[1]
	}
	s0, err := pnng.NewPair0()
	check(err)
	defer s0.Close()
	_, err = s0.Listen(address)
	check(err)
	s1, err := pnng.NewPair0()
	check(err)
	defer s1.Close()
	_, err = s1.Dial(address)
	check(err)
	// in real code you should also set receive and/or send timeouts
	check(s0.SetRecvTimeout(5 * time.Second))
	check(s1.SetRecvTimeout(5 * time.Second))

	check(s0.Send([]byte("hello s1")))
	data, err := s1.Recv()
	check(err)
	fmt.Printf("%s\n", data) // prints hello s1
	check(s1.Send([]byte("hi old buddy s0, great to see ya")))
	data, err = s0.Recv()
	check(err)
	fmt.Printf("%s\n", data) // prints hi old buddy s0, great to see ya
}
