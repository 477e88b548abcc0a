package channel

import (
	"encoding/binary"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stateset/sandbox/agent/protocol"
)

// client is the server's side of a channel to an agent served in the test.
type client struct {
	t      *testing.T
	in     *io.PipeWriter
	frames chan protocol.Frame
	done   chan error
}

func serve(t *testing.T) *client {
	t.Helper()
	return serveReadingAfter(t, 0)
}

// serveReadingAfter is serve with a slow server: it waits delay before reading each frame after the hello.
func serveReadingAfter(t *testing.T, delay time.Duration) *client {
	t.Helper()
	return serveProcesses(t, delay, NewProcesses())
}

// serveProcesses serves a channel whose background processes are those given.
func serveProcesses(t *testing.T, delay time.Duration, processes *Processes) *client {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &client{t: t, in: inW, frames: make(chan protocol.Frame, 1024), done: make(chan error, 1)}
	go func() {
		err := Serve(inR, outW, "test", processes)
		outW.Close()
		c.done <- err
	}()
	// As the server does, the agent's frames are read all the time, whatever is being sent.
	go func() {
		defer close(c.frames)
		for first := true; ; first = false {
			if !first {
				time.Sleep(delay)
			}
			f, err := protocol.Read(outR)
			if err != nil {
				return
			}
			c.frames <- f
		}
	}()
	hello := c.read()
	msg, err := protocol.DecodeHello(hello.Payload)
	if hello.Type != protocol.Hello || err != nil || msg.Protocol != protocol.Version || msg.Version != "test" {
		t.Fatalf("first frame: %+v", hello)
	}
	t.Cleanup(func() { inW.Close() })
	return c
}

func (c *client) send(t protocol.Type, stream uint32, payload any) {
	c.t.Helper()
	var bytes []byte
	switch p := payload.(type) {
	case nil:
	case []byte:
		bytes = p
	case protocol.ExecRequest:
		bytes = p.Encode()
	case protocol.PtyRequest:
		bytes = p.Encode()
	case protocol.WindowSize:
		bytes = p.Encode()
	case int:
		bytes = protocol.EncodeNumber(uint32(p))
	case protocol.SpawnRequest:
		bytes = p.Encode()
	case protocol.AttachRequest:
		bytes = p.Encode()
	case protocol.WatchRequest:
		bytes = p.Encode()
	default:
		c.t.Fatalf("no payload of %T", p)
	}
	if err := protocol.Write(c.in, protocol.Frame{Type: t, Stream: stream, Payload: bytes}); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) read() protocol.Frame {
	c.t.Helper()
	select {
	case f, ok := <-c.frames:
		if !ok {
			c.t.Fatal("the channel ended")
		}
		return f
	case <-time.After(10 * time.Second):
		c.t.Fatal("no frame within 10 s")
	}
	return protocol.Frame{}
}

// result is what a stream said until it ended.
type result struct {
	pid    int
	stdout string
	stderr string
	exit   *protocol.ExitStatus
	err    string
}

// collect reads frames until the given streams have all ended.
func (c *client) collect(streams ...uint32) map[uint32]*result {
	c.t.Helper()
	results := map[uint32]*result{}
	for _, s := range streams {
		results[s] = &result{}
	}
	for open := len(streams); open > 0; {
		f := c.read()
		r := results[f.Stream]
		if r == nil {
			c.t.Fatalf("frame for stream %d: %+v", f.Stream, f)
		}
		switch f.Type {
		case protocol.Started:
			r.pid = int(binary.BigEndian.Uint32(f.Payload))
		case protocol.Stdout:
			r.stdout += string(f.Payload)
		case protocol.Stderr:
			r.stderr += string(f.Payload)
		case protocol.Exit:
			exit, err := protocol.DecodeExitStatus(f.Payload)
			if err != nil {
				c.t.Fatal(err)
			}
			r.exit = &exit
			open--
		case protocol.Error:
			r.err = string(f.Payload)
			open--
		default:
			c.t.Fatalf("unexpected frame %+v", f)
		}
	}
	return results
}

func argv(words ...string) protocol.ExecRequest {
	return protocol.ExecRequest{Argv: words}
}

func TestCommandsRunWithTheirOutputEnvironmentDirectoryAndExitCode(t *testing.T) {
	c := serve(t)
	c.send(protocol.Exec, 1, protocol.ExecRequest{Argv: []string{"sh", "-c", "echo out; echo err >&2; echo $GREETING; pwd; exit 3"},
		Env: map[string]string{"GREETING": "hello"}, Dir: "/tmp"})
	r := c.collect(1)[1]
	if r.pid <= 0 || r.stdout != "out\nhello\n/tmp\n" || r.stderr != "err\n" || r.exit.Code != 3 {
		t.Fatalf("got %+v %+v", r, r.exit)
	}
}

func TestCommandsRunSideBySideAndStdinArrivesInOrder(t *testing.T) {
	c := serve(t)
	c.send(protocol.Exec, 1, argv("cat"))
	c.send(protocol.Exec, 2, argv("sh", "-c", "sleep 0.2; echo second"))
	for i := range stdinFrames {
		c.send(protocol.Stdin, 1, []byte(strings.Repeat(string(rune('a'+i%26)), 1000)))
	}
	c.send(protocol.StdinEOF, 1, nil)
	results := c.collect(1, 2)
	if len(results[1].stdout) != stdinFrames*1000 || results[1].stdout[:1000] != strings.Repeat("a", 1000) || results[1].exit.Code != 0 {
		t.Fatalf("cat: %d bytes, exit %+v", len(results[1].stdout), results[1].exit)
	}
	if results[2].stdout != "second\n" {
		t.Fatalf("second: %+v", results[2])
	}
}

func TestASignalEndsTheWholeProcessGroupAndSaysSo(t *testing.T) {
	c := serve(t)
	c.send(protocol.Exec, 5, argv("sh", "-c", "sleep 100 & echo started; wait"))
	if f := c.read(); f.Type != protocol.Started {
		t.Fatalf("got %+v", f)
	}
	if f := c.read(); f.Type != protocol.Stdout || string(f.Payload) != "started\n" {
		t.Fatalf("got %+v", f)
	}
	c.send(protocol.Signal, 5, 9)
	r := c.collect(5)[5]
	if r.exit.Code != 137 || r.exit.Signal != 9 {
		t.Fatalf("got %+v", r.exit)
	}
}

func TestWhatACommandLeavesRunningDoesNotHoldItsAnswer(t *testing.T) {
	c := serve(t)
	started := time.Now()
	c.send(protocol.Exec, 1, argv("sh", "-c", "sleep 30 & echo done"))
	r := c.collect(1)[1]
	if r.stdout != "done\n" || r.exit.Code != 0 || time.Since(started) > 5*time.Second {
		t.Fatalf("got %+v after %v", r, time.Since(started))
	}
	syscall.Kill(-r.pid, syscall.SIGKILL)
}

func TestAStreamThatCannotRunGetsAnErrorAndTheChannelGoesOn(t *testing.T) {
	c := serve(t)
	c.send(protocol.Exec, 1, argv("no-such-command-anywhere"))
	c.send(protocol.Exec, 2, protocol.ExecRequest{})
	c.send(protocol.Exec, 3, argv("sleep", "1"))
	c.send(protocol.Exec, 3, argv("true"))
	results := c.collect(1, 2)
	if !strings.Contains(results[1].err, "not found") || results[2].err != "argv is empty" {
		t.Fatalf("got %+v %+v", results[1], results[2])
	}
	r := c.collect(3)[3]
	if r.err != "stream 3 is in use" {
		t.Fatalf("a stream in use: %+v", r)
	}
	c.send(protocol.Ping, 9, []byte("still there?"))
	for {
		f := c.read()
		if f.Type == protocol.Pong {
			if f.Stream != 9 || string(f.Payload) != "still there?" {
				t.Fatalf("got %+v", f)
			}
			return
		}
	}
}

func TestAMalformedFrameEndsTheChannelAndKillsItsCommands(t *testing.T) {
	c := serve(t)
	c.send(protocol.Exec, 1, argv("sleep", "100"))
	var pid int
	if f := c.read(); f.Type == protocol.Started {
		pid = int(binary.BigEndian.Uint32(f.Payload))
	}
	c.send(protocol.Type(0x7f), 1, nil)
	for {
		f := c.read()
		if f.Type == protocol.Error && f.Stream == 0 {
			break
		}
	}
	if err := <-c.done; err == nil || !strings.Contains(err.Error(), "unknown frame type 0x7f") {
		t.Fatalf("got %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatal("the command outlived its channel")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestOutputTheServerReadsLateIsNotCutShort(t *testing.T) {
	c := serveReadingAfter(t, 0)
	slow := serveReadingAfter(t, 300*time.Millisecond)
	for _, ch := range []*client{c, slow} {
		// 60 KB fits in the pipe: the command exits while most of it waits to be sent.
		ch.send(protocol.Exec, 1, argv("sh", "-c", "head -c 60000 /dev/zero | tr '\\0' x"))
		r := ch.collect(1)[1]
		if len(r.stdout) != 60000 || r.exit.Code != 0 {
			t.Fatalf("got %d bytes, exit %+v", len(r.stdout), r.exit)
		}
	}
}

func TestACommandOnATerminalSeesATerminalOfItsSizeAndItsResizes(t *testing.T) {
	t.Setenv("TERM", "") // as in a sandbox, where the engine's exec sets none
	c := serve(t)
	script := `test -t 0 && test -t 1 && echo tty; stty size; echo "$TERM"; read line; stty size; echo "got $line"`
	c.send(protocol.ExecPty, 1, protocol.PtyRequest{Exec: argv("sh", "-c", script), Size: protocol.WindowSize{Rows: 24, Cols: 80}})
	seen := ""
	for !strings.Contains(seen, "xterm-256color") {
		f := c.read()
		if f.Type == protocol.Stdout {
			seen += string(f.Payload)
		}
	}
	c.send(protocol.Resize, 1, protocol.WindowSize{Rows: 50, Cols: 132})
	time.Sleep(100 * time.Millisecond)
	c.send(protocol.Stdin, 1, []byte("hello\r"))
	r := c.collect(1)[1]
	out := strings.ReplaceAll(seen+r.stdout, "\r\n", "\n")
	if !strings.Contains(out, "tty\n24 80\nxterm-256color\n") || !strings.Contains(out, "50 132\ngot hello\n") {
		t.Fatalf("terminal output: %q", out)
	}
	if r.stderr != "" || r.exit == nil || r.exit.Code != 0 {
		t.Fatalf("terminal end: %+v", r)
	}
}

func TestATerminalsEndOfInputIsItsEndOfFileCharacter(t *testing.T) {
	c := serve(t)
	c.send(protocol.ExecPty, 1, protocol.PtyRequest{Exec: argv("cat"), Size: protocol.WindowSize{Rows: 24, Cols: 80}})
	c.send(protocol.Stdin, 1, []byte("line\r"))
	c.send(protocol.StdinEOF, 1, nil)
	r := c.collect(1)[1]
	if r.exit == nil || r.exit.Code != 0 || !strings.Contains(r.stdout, "line") {
		t.Fatalf("cat on a terminal: %+v", r)
	}
}

func TestASignalEndsATerminalsWholeSessionAndWhatItLeftDoesNotHoldItsAnswer(t *testing.T) {
	c := serve(t)
	c.send(protocol.ExecPty, 1, protocol.PtyRequest{Exec: argv("sh", "-c", "sleep 60 & echo started; wait"), Size: protocol.WindowSize{Rows: 24, Cols: 80}})
	for f := c.read(); f.Type != protocol.Stdout || !strings.Contains(string(f.Payload), "started"); f = c.read() {
	}
	c.send(protocol.Signal, 1, int(syscall.SIGKILL))
	r := c.collect(1)[1]
	if r.exit == nil || r.exit.Signal != uint32(syscall.SIGKILL) {
		t.Fatalf("killed terminal: %+v", r)
	}
	c.send(protocol.ExecPty, 2, protocol.PtyRequest{Exec: argv("sh", "-c", "sleep 60 & echo left"), Size: protocol.WindowSize{Rows: 24, Cols: 80}})
	start := time.Now()
	if r := c.collect(2)[2]; r.exit == nil || r.exit.Code != 0 || !strings.Contains(r.stdout, "left") {
		t.Fatalf("a terminal whose shell left a process behind: %+v", r)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("the answer waited %v for what the command left running", waited)
	}
}

func TestABadTerminalSizeEndsTheChannel(t *testing.T) {
	c := serve(t)
	bad := protocol.PtyRequest{Exec: argv("sh"), Size: protocol.WindowSize{Rows: 0, Cols: 80}}.Encode()
	c.send(protocol.ExecPty, 1, bad)
	if f := c.read(); f.Type != protocol.Error || f.Stream != 0 {
		t.Fatalf("first frame after a bad size: %+v", f)
	}
}
