// Command stateset-agent is the resident agent of a StateSet sandbox: it runs the server's commands
// inside the sandbox over one channel, its standard input and output (see package protocol).
//
//	stateset-agent serve [ADDRESS]    serve the channel on stdin and stdout, through the keeper
//	stateset-agent keeper [ADDRESS]   keep the background processes and serve every channel (serve starts it)
//	stateset-agent version            print the agent's version
//
// ADDRESS is the keeper's abstract Unix socket, @stateset-agent unless given (a test's own keeper, say).
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/stateset/sandbox/agent/keeper"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		usage()
	}
	address := keeper.Address
	if len(os.Args) == 3 {
		address = os.Args[2]
		if !strings.HasPrefix(address, "@") || os.Args[1] == "version" {
			usage()
		}
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = keeper.Bridge(address, os.Stdin, os.Stdout)
	case "keeper":
		err = keeper.Run(address, version)
	case "version":
		fmt.Println(version)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "stateset-agent:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: stateset-agent serve|keeper [@ADDRESS] | version")
	os.Exit(2)
}
