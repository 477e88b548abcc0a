// Package channel is the agent's side of its channel to the server: frames in on one stream, frames
// out on another (see package protocol), and the commands they start.
package channel

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"

	"github.com/stateset/sandbox/agent/protocol"
)

// Serve announces the agent, then runs the server's frames until its stream ends or breaks. Every
// command still running then is killed: commands live as long as the channel that started them.
func Serve(in io.Reader, out io.Writer, version string) error {
	s := &session{out: out, commands: map[uint32]*command{}}
	defer s.killAll()
	if err := s.send(protocol.Frame{Type: protocol.Hello, Payload: protocol.HelloMessage{Protocol: protocol.Version, Version: version}.Encode()}); err != nil {
		return err
	}
	for {
		f, err := protocol.Read(in)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			s.fail(err)
			return err
		}
		if err := s.handle(f); err != nil {
			s.fail(err)
			return err
		}
	}
}

type session struct {
	writeMu  sync.Mutex
	out      io.Writer
	mu       sync.Mutex
	commands map[uint32]*command
	closed   bool
}

// handle acts on one frame; an error ends the channel (a frame no server of this protocol sends).
func (s *session) handle(f protocol.Frame) error {
	switch f.Type {
	case protocol.Ping:
		return s.send(protocol.Frame{Type: protocol.Pong, Stream: f.Stream, Payload: f.Payload})
	case protocol.Exec:
		if f.Stream == 0 {
			return errors.New("exec on stream 0")
		}
		req, err := protocol.DecodeExecRequest(f.Payload)
		if err != nil {
			return fmt.Errorf("exec on stream %d: %w", f.Stream, err)
		}
		s.start(f.Stream, func(emit func(protocol.Type, []byte) error) (*command, error) { return startCommand(req, emit) })
		return nil
	case protocol.ExecPty:
		if f.Stream == 0 {
			return errors.New("exec on stream 0")
		}
		req, err := protocol.DecodePtyRequest(f.Payload)
		if err != nil {
			return fmt.Errorf("terminal exec on stream %d: %w", f.Stream, err)
		}
		s.start(f.Stream, func(emit func(protocol.Type, []byte) error) (*command, error) { return startTerminal(req, emit) })
		return nil
	case protocol.Resize:
		size, err := protocol.DecodeWindowSize(f.Payload)
		if err != nil {
			return fmt.Errorf("resize on stream %d: %w", f.Stream, err)
		}
		if c := s.command(f.Stream); c != nil {
			c.resize(size)
		}
		return nil
	case protocol.Stdin, protocol.StdinEOF, protocol.Signal:
		c := s.command(f.Stream)
		if c == nil {
			return nil // it ended while the frame was on its way
		}
		switch f.Type {
		case protocol.Stdin:
			c.stdin.write(f.Payload)
		case protocol.StdinEOF:
			c.stdin.close()
		default:
			n, err := protocol.DecodeNumber(f.Payload)
			if err != nil || n == 0 || n > 64 {
				return fmt.Errorf("signal on stream %d: not a signal number", f.Stream)
			}
			c.signal(syscall.Signal(n))
		}
		return nil
	default:
		return fmt.Errorf("unknown frame type 0x%02x", byte(f.Type))
	}
}

func (s *session) start(stream uint32, starter func(emit func(protocol.Type, []byte) error) (*command, error)) {
	s.mu.Lock()
	if _, taken := s.commands[stream]; taken || s.closed {
		s.mu.Unlock()
		s.sendError(stream, fmt.Sprintf("stream %d is in use", stream))
		return
	}
	c, err := starter(func(t protocol.Type, payload []byte) error {
		return s.send(protocol.Frame{Type: t, Stream: stream, Payload: payload})
	})
	if err != nil {
		s.mu.Unlock()
		s.sendError(stream, err.Error())
		return
	}
	s.commands[stream] = c
	s.mu.Unlock()
	s.send(protocol.Frame{Type: protocol.Started, Stream: stream, Payload: protocol.EncodeNumber(uint32(c.pid()))})
	go func() {
		exit := c.wait()
		s.mu.Lock()
		delete(s.commands, stream)
		s.mu.Unlock()
		s.send(protocol.Frame{Type: protocol.Exit, Stream: stream, Payload: exit.Encode()})
	}()
}

func (s *session) command(stream uint32) *command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands[stream]
}

func (s *session) killAll() {
	s.mu.Lock()
	s.closed = true
	running := make([]*command, 0, len(s.commands))
	for _, c := range s.commands {
		running = append(running, c)
	}
	s.mu.Unlock()
	for _, c := range running {
		c.signal(syscall.SIGKILL)
	}
}

func (s *session) fail(err error) {
	s.sendError(0, err.Error())
}

func (s *session) send(f protocol.Frame) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return protocol.Write(s.out, f)
}

func (s *session) sendError(stream uint32, message string) error {
	return s.send(protocol.Frame{Type: protocol.Error, Stream: stream, Payload: []byte(message)})
}
