// Command stateset-agent is the resident agent of a StateSet sandbox: it runs the server's commands
// inside the sandbox over one channel, its standard input and output (see package protocol).
//
//	stateset-agent serve     serve the channel on stdin and stdout
//	stateset-agent version   print the agent's version
package main

import (
	"fmt"
	"os"

	"github.com/stateset/sandbox/agent/channel"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: stateset-agent serve|version")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "serve":
		if err := channel.Serve(os.Stdin, os.Stdout, version); err != nil {
			fmt.Fprintln(os.Stderr, "stateset-agent:", err)
			os.Exit(1)
		}
	case "version":
		fmt.Println(version)
	default:
		fmt.Fprintln(os.Stderr, "usage: stateset-agent serve|version")
		os.Exit(2)
	}
}
