// Req0 / Rep0 (pynng's request/response example).
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
	rep, err := pnng.NewRep0()
	check(err)
	defer rep.Close()
	_, err = rep.Listen(address)
	check(err)
	req, err := pnng.NewReq0()
	check(err)
	defer req.Close()
	_, err = req.Dial(address)
	check(err)
	check(rep.SetRecvTimeout(5 * time.Second))
	check(req.SetRecvTimeout(5 * time.Second))

	check(req.Send([]byte("random.random()")))
	question, err := rep.Recv()
	check(err)
	fmt.Printf("%s\n", question) // prints random.random()
	check(rep.Send([]byte("4"))) // guaranteed to be random
	answer, err := req.Recv()
	check(err)
	fmt.Printf("%s\n", answer) // prints 4
}
