// Pub0 / Sub0 (pynng's pub/sub example): topics are matched on the first bytes.
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
	pub, err := pnng.NewPub0()
	check(err)
	defer pub.Close()
	_, err = pub.Listen(address)
	check(err)
	var subs []*pnng.Socket
	for i := 0; i < 4; i++ {
		sub, err := pnng.NewSub0()
		check(err)
		defer sub.Close()
		check(sub.SetRecvTimeout(5 * time.Second))
		_, err = sub.Dial(address)
		check(err)
		subs = append(subs, sub)
	}
	sub0, sub1, sub2, sub3 := subs[0], subs[1], subs[2], subs[3]
	check(sub0.Subscribe([]byte("wolf")))
	check(sub1.Subscribe([]byte("puppy")))
	// The empty topic matches everything!
	check(sub2.Subscribe([]byte("")))
	// two messages are sent before anything is received, and sub2 must keep both
	check(sub2.SetRecvBufferSize(2))
	// sub3 is not subscribed to anything
	// make sure everyone is connected
	for {
		pipes, err := pub.Pipes()
		check(err)
		if len(pipes) == 4 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)

	check(pub.Send([]byte("puppy: that is a cute dog")))
	check(pub.Send([]byte("wolf: that is a big dog")))
	for _, sub := range []*pnng.Socket{sub0, sub1, sub2, sub2} {
		data, err := sub.Recv()
		check(err)
		fmt.Printf("%s\n", data) // wolf..., puppy..., then puppy... and wolf... for sub2
	}
	check(sub3.SetRecvTimeout(100 * time.Millisecond))
	if _, err := sub3.Recv(); !errors.Is(err, pnng.ErrTimeout) {
		panic("sub3 is not subscribed and must time out")
	}
	fmt.Println("got a Timeout since sub3 had no subscriptions")
}
