// Surveyor0 / Respondent0 (pynng's survey example).
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
	surveyor, err := pnng.NewSurveyor0()
	check(err)
	defer surveyor.Close()
	_, err = surveyor.Listen(address)
	check(err)
	var responders []*pnng.Socket
	for i := 0; i < 2; i++ {
		r, err := pnng.NewRespondent0()
		check(err)
		defer r.Close()
		check(r.SetRecvTimeout(5 * time.Second))
		_, err = r.Dial(address)
		check(err)
		responders = append(responders, r)
	}
	responder1, responder2 := responders[0], responders[1]
	// give time for connections to happen
	for {
		pipes, err := surveyor.Pipes()
		check(err)
		if len(pipes) == 2 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

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
	answers := 0
	for {
		response, err := surveyor.Recv()
		if errors.Is(err, pnng.ErrTimeout) {
			fmt.Println("survey is OVER! Time for bed.")
			break
		}
		check(err)
		answers++
		switch string(response) {
		case "me me me!!!":
			fmt.Println("all right, someone is ready to party!")
		case "I need to sit this one out.":
			fmt.Println("Too bad, someone is not ready to party.")
		}
	}
	if answers != 2 {
		panic(fmt.Sprintf("expected 2 answers, got %d", answers))
	}
}
