// Push0 / Pull0 (pynng's pipeline example): each message goes to one puller, round robin.
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
	address := "tcp://127.0.0.1:31313"
	if len(os.Args) > 1 {
		address = os.Args[1]
	}
	push, err := pnng.NewPush0()
	check(err)
	defer push.Close()
	_, err = push.Listen(address)
	check(err)
	var pulls []*pnng.Socket
	for i := 0; i < 2; i++ {
		pull, err := pnng.NewPull0()
		check(err)
		defer pull.Close()
		check(pull.SetRecvTimeout(5 * time.Second))
		_, err = pull.Dial(address)
		check(err)
		pulls = append(pulls, pull)
	}
	// give some time to connect
	for {
		pipes, err := push.Pipes()
		check(err)
		if len(pipes) == 2 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	check(push.Send([]byte("hi some node")))
	check(push.Send([]byte("hi some other node")))
	for _, pull := range pulls {
		data, err := pull.Recv()
		check(err)
		fmt.Printf("%s\n", data) // one message each
	}
	check(pulls[0].SetRecvTimeout(100 * time.Millisecond))
	if _, err := pulls[0].Recv(); !errors.Is(err, pnng.ErrTimeout) {
		panic("messages are sent round robin: nothing more for this node")
	}
}
