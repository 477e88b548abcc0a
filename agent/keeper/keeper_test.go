package keeper

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stateset/sandbox/agent/protocol"
)

// bridged is one channel through a bridge: what the server writes, and the frames it reads.
type bridged struct {
	toAgent *io.PipeWriter
	frames  chan protocol.Frame
	done    chan error
}

func bridge(t *testing.T, address string) *bridged {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	b := &bridged{toAgent: inW, frames: make(chan protocol.Frame, 64), done: make(chan error, 1)}
	go func() {
		b.done <- Bridge(address, inR, outW)
		outW.Close()
	}()
	go func() {
		defer close(b.frames)
		for {
			f, err := protocol.Read(outR)
			if err != nil {
				return
			}
			b.frames <- f
		}
	}()
	t.Cleanup(func() { inW.Close() })
	return b
}

func (b *bridged) next(t *testing.T) protocol.Frame {
	t.Helper()
	select {
	case f, ok := <-b.frames:
		if !ok {
			t.Fatal("the channel ended")
		}
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("no frame within 10 s")
	}
	return protocol.Frame{}
}

func TestABackgroundProcessOutlivesItsBridgeAndASecondKeeperStandsDown(t *testing.T) {
	address := fmt.Sprintf("@stateset-agent-test-%d", os.Getpid())
	go Run(address, "test")
	time.Sleep(50 * time.Millisecond)
	if err := Run(address, "second"); err != nil {
		t.Fatalf("a second keeper: %v", err)
	}

	first := bridge(t, address)
	if f := first.next(t); f.Type != protocol.Hello {
		t.Fatalf("got %+v", f)
	}
	spawn := protocol.SpawnRequest{Exec: protocol.ExecRequest{Argv: []string{"sh", "-c", "sleep 0.3; echo still here"}}, Buffer: 1024}
	protocol.Write(first.toAgent, protocol.Frame{Type: protocol.Spawn, Stream: 1, Payload: spawn.Encode()})
	started := first.next(t)
	if started.Type != protocol.Process {
		t.Fatalf("got %+v", started)
	}
	id := string(started.Payload[4 : 4+protocol.ProcessIDLength])
	first.toAgent.Close()
	if err := <-first.done; err != nil {
		t.Fatal(err)
	}

	second := bridge(t, address)
	second.next(t) // hello
	protocol.Write(second.toAgent, protocol.Frame{Type: protocol.Attach, Stream: 1, Payload: protocol.AttachRequest{ID: id}.Encode()})
	var output strings.Builder
	for f := second.next(t); f.Type != protocol.Exit; f = second.next(t) {
		if f.Type == protocol.Stdout {
			output.Write(f.Payload)
		}
	}
	if output.String() != "still here\n" {
		t.Fatalf("got %q", output.String())
	}
}
