// Package keeper keeps the agent's background processes beyond its channels. A channel is one
// engine exec (stateset-agent serve) and ends when the server's stream does, for instance when the
// server restarts; the processes must not. So serve is only a bridge: it passes its standard input
// and output to the keeper, one long-lived agent process per sandbox (stateset-agent keeper),
// started by the first bridge that finds none, which serves each bridge's bytes as a channel.
//
// The two meet on an abstract Unix socket: it lives in the sandbox's own network namespace, and no
// file of it exists for anyone to plant a link at. Code in the sandbox can reach it, as it can
// reach the agent itself: the agent is no more trusted than that code (see agent/README.md).
package keeper

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/stateset/sandbox/agent/channel"
)

// Address is the keeper's socket, in the abstract namespace.
const Address = "@stateset-agent"

// startWithin bounds how long a bridge waits for a keeper it started to listen.
const startWithin = 5 * time.Second

// Run listens, says "ready" on its standard output, and serves every connection as a channel until
// the process is killed. A keeper that finds another listening already exits at once: that one
// keeps the processes.
func Run(address, version string) error {
	listener, err := net.Listen("unix", address)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil
		}
		return err
	}
	fmt.Println("ready") // for whoever started it and waits (its bridge does not: it dials)
	processes := channel.NewProcesses()
	for {
		conn, err := listener.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer conn.Close()
			channel.Serve(conn, conn, version, processes)
		}()
	}
}

// Bridge connects to the keeper at address, starting one if none listens, and passes in to it and
// its answers to out until either side ends.
func Bridge(address string, in io.Reader, out io.Writer) error {
	conn, err := connect(address)
	if err != nil {
		return err
	}
	defer conn.Close()
	done := make(chan struct{}, 2)
	go func() {
		io.Copy(conn, in)
		conn.(*net.UnixConn).CloseWrite() // the keeper sees the channel's end
		done <- struct{}{}
	}()
	go func() {
		io.Copy(out, conn)
		done <- struct{}{}
	}()
	<-done // either way the channel is over: the keeper ends its commands when the connection closes
	return nil
}

func connect(address string) (net.Conn, error) {
	if conn, err := net.Dial("unix", address); err == nil {
		return conn, nil
	}
	if err := startKeeper(address); err != nil {
		return nil, fmt.Errorf("starting the keeper: %w", err)
	}
	deadline := time.Now().Add(startWithin)
	for {
		conn, err := net.Dial("unix", address)
		if err == nil {
			return conn, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no keeper listens: %w", err)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// startKeeper starts a keeper in a session of its own, so that it outlives this bridge and its exec.
func startKeeper(address string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer null.Close()
	cmd := exec.Command(self, "keeper")
	if address != Address {
		cmd.Args = append(cmd.Args, address)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, null
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
