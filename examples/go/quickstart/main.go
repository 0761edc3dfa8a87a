package main

import (
	"fmt"

	pnng "github.com/pnng/pnng/bindings/go"
)

func main() {
	rep, _ := pnng.NewRep0()
	defer rep.Close()
	rep.Listen("tcp://127.0.0.1:5555")
	req, _ := pnng.NewReq0()
	defer req.Close()
	req.Dial("tcp://127.0.0.1:5555")
	req.Send([]byte("2+2"))
	question, _ := rep.Recv()
	rep.Send([]byte("4"))
	answer, _ := req.Recv()
	fmt.Printf("%s = %s\n", question, answer) // prints 2+2 = 4
}
