// Package channel is the agent's side of its channel to the server: frames in on one stream, frames
// out on another (see package protocol), and the commands they start.
package channel

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/stateset/sandbox/agent/protocol"
)

// Serve announces the agent, then runs the server's frames until its stream ends or breaks. Every
// command still running then is killed: commands live as long as the channel that started them.
// Background processes are the agent's (processes), not the channel's: they run on.
func Serve(in io.Reader, out io.Writer, version string, processes *Processes) error {
	s := &session{out: out, commands: map[uint32]*command{}, followers: map[uint32]*follower{}, processes: processes}
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
	writeMu   sync.Mutex
	out       io.Writer
	mu        sync.Mutex
	commands  map[uint32]*command
	followers map[uint32]*follower // the session's attaches and waits, by stream
	closed    bool
	processes *Processes
}

// follower is an Attach, a Wait or a Watch in progress: stopped by a Detach or the channel's end.
type follower struct {
	stopped atomic.Bool
	stop    chan struct{}
	wake    func() // wakes what the follower waits on, once stopped
}

func (f *follower) end() {
	if f.stopped.CompareAndSwap(false, true) {
		close(f.stop)
		f.wake()
	}
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
	case protocol.Watch:
		if f.Stream == 0 {
			return errors.New("watch on stream 0")
		}
		req, err := protocol.DecodeWatchRequest(f.Payload)
		if err != nil {
			return fmt.Errorf("watch on stream %d: %w", f.Stream, err)
		}
		s.watch(f.Stream, req)
		return nil
	case protocol.Spawn, protocol.List, protocol.Attach, protocol.Detach, protocol.ProcInput, protocol.ProcInputEOF,
		protocol.ProcSignal, protocol.ProcResize, protocol.Wait, protocol.Remove:
		if f.Stream == 0 {
			return fmt.Errorf("frame type 0x%02x on stream 0", byte(f.Type))
		}
		return s.handleProcess(f)
	default:
		return fmt.Errorf("unknown frame type 0x%02x", byte(f.Type))
	}
}

// handleProcess acts on a background process's frame: a malformed one ends the channel, a request
// that cannot be met is answered with an Error on its stream.
func (s *session) handleProcess(f protocol.Frame) error {
	switch f.Type {
	case protocol.Spawn:
		req, err := protocol.DecodeSpawnRequest(f.Payload)
		if err != nil {
			return fmt.Errorf("spawn on stream %d: %w", f.Stream, err)
		}
		p, err := s.processes.spawn(req)
		if err != nil {
			return s.sendError(f.Stream, err.Error())
		}
		return s.send(protocol.Frame{Type: protocol.Process, Stream: f.Stream, Payload: p.info().Encode()})
	case protocol.List:
		if len(f.Payload) != 0 {
			return fmt.Errorf("list on stream %d: %d bytes of payload", f.Stream, len(f.Payload))
		}
		return s.send(protocol.Frame{Type: protocol.Processes, Stream: f.Stream, Payload: protocol.EncodeProcesses(s.processes.list())})
	case protocol.Attach:
		req, err := protocol.DecodeAttachRequest(f.Payload)
		if err != nil {
			return fmt.Errorf("attach on stream %d: %w", f.Stream, err)
		}
		p, err := s.processes.get(req.ID)
		if err != nil {
			return s.sendError(f.Stream, err.Error())
		}
		if fl := s.follow(f.Stream, p.log.wake); fl != nil {
			go s.attach(f.Stream, p, req.Offset, fl)
		}
		return nil
	case protocol.Wait:
		id, err := protocol.DecodeProcessID(f.Payload)
		if err != nil {
			return fmt.Errorf("wait on stream %d: %w", f.Stream, err)
		}
		p, err := s.processes.get(id)
		if err != nil {
			return s.sendError(f.Stream, err.Error())
		}
		if fl := s.follow(f.Stream, func() {}); fl != nil {
			go s.wait(f.Stream, p, fl)
		}
		return nil
	case protocol.Detach:
		s.mu.Lock()
		fl := s.followers[f.Stream]
		delete(s.followers, f.Stream)
		s.mu.Unlock()
		if fl != nil {
			fl.end()
		}
		return nil
	case protocol.Remove:
		id, err := protocol.DecodeProcessID(f.Payload)
		if err != nil {
			return fmt.Errorf("remove on stream %d: %w", f.Stream, err)
		}
		return s.answer(f.Stream, s.processes.remove(id))
	}
	// What is left acts on one process: input, its end, a signal, a resize.
	var id string
	var act func(*process) error
	var err error
	switch f.Type {
	case protocol.ProcInput:
		var data []byte
		id, data, err = protocol.DecodeProcessInput(f.Payload)
		act = func(p *process) error { return p.input(data, false) }
	case protocol.ProcInputEOF:
		id, err = protocol.DecodeProcessID(f.Payload)
		act = func(p *process) error { return p.input(nil, true) }
	case protocol.ProcSignal:
		var n uint32
		id, n, err = protocol.DecodeProcessSignal(f.Payload)
		act = func(p *process) error { return p.signal(syscall.Signal(n)) }
	default:
		var size protocol.WindowSize
		id, size, err = protocol.DecodeProcessResize(f.Payload)
		act = func(p *process) error { return p.resize(size) }
	}
	if err != nil {
		return fmt.Errorf("frame type 0x%02x on stream %d: %w", byte(f.Type), f.Stream, err)
	}
	p, err := s.processes.get(id)
	if err == nil {
		err = act(p)
	}
	return s.answer(f.Stream, err)
}

func (s *session) answer(stream uint32, err error) error {
	if err != nil {
		return s.sendError(stream, err.Error())
	}
	return s.send(protocol.Frame{Type: protocol.Done, Stream: stream})
}

// follow registers an attach, a wait or a watch as the stream's; nil (and an Error sent) if the stream is taken.
func (s *session) follow(stream uint32, wake func()) *follower {
	s.mu.Lock()
	_, command := s.commands[stream]
	_, following := s.followers[stream]
	if command || following || s.closed {
		s.mu.Unlock()
		s.sendError(stream, fmt.Sprintf("stream %d is in use", stream))
		return nil
	}
	fl := &follower{stop: make(chan struct{}), wake: wake}
	s.followers[stream] = fl
	s.mu.Unlock()
	return fl
}

func (s *session) unfollow(stream uint32, fl *follower) {
	s.mu.Lock()
	if s.followers[stream] == fl {
		delete(s.followers, stream)
	}
	s.mu.Unlock()
}

// attach sends the process's output from offset as it comes: an Attached frame with the offset
// it starts at (again whenever the output it was at has been dropped), the output, and Exit once
// the process has exited and all it wrote has been sent.
func (s *session) attach(stream uint32, p *process, offset uint64, fl *follower) {
	defer s.unfollow(stream, fl)
	start, end := p.log.bounds()
	offset = min(max(offset, start), end)
	if s.send(protocol.Frame{Type: protocol.Attached, Stream: stream, Payload: protocol.EncodeOffset(offset)}) != nil {
		return
	}
	for {
		from, t, data, over := p.log.read(offset, maxChunk, fl.stopped.Load)
		if fl.stopped.Load() {
			return
		}
		if from != offset {
			if s.send(protocol.Frame{Type: protocol.Attached, Stream: stream, Payload: protocol.EncodeOffset(from)}) != nil {
				return
			}
		}
		if over {
			<-p.exited
			s.send(protocol.Frame{Type: protocol.Exit, Stream: stream, Payload: p.exit.Encode()})
			return
		}
		if s.send(protocol.Frame{Type: t, Stream: stream, Payload: data}) != nil {
			return
		}
		offset = from + uint64(len(data))
	}
}

// watch sends Watching once the directory is watched, then its changes, until a Detach; an Error
// if it cannot be watched or the watch ends by itself (the directory deleted, say).
func (s *session) watch(stream uint32, req protocol.WatchRequest) {
	w, err := startWatch(req, func(e protocol.FileEvent) error {
		return s.send(protocol.Frame{Type: protocol.Changed, Stream: stream, Payload: e.Encode()})
	})
	if err != nil {
		s.sendError(stream, err.Error())
		return
	}
	fl := s.follow(stream, w.close)
	if fl == nil {
		w.close()
		return
	}
	if s.send(protocol.Frame{Type: protocol.Watching, Stream: stream}) != nil {
		fl.end()
	}
	go func() {
		err := w.run()
		s.unfollow(stream, fl)
		w.close()
		if !fl.stopped.Load() {
			if err == nil {
				err = errors.New("the watch ended")
			}
			s.sendError(stream, err.Error())
		}
	}()
}

// wait sends Exit once the process has exited, unless stopped first.
func (s *session) wait(stream uint32, p *process, fl *follower) {
	defer s.unfollow(stream, fl)
	select {
	case <-p.exited:
		s.send(protocol.Frame{Type: protocol.Exit, Stream: stream, Payload: p.exit.Encode()})
	case <-fl.stop:
	}
}

func (s *session) start(stream uint32, starter func(emit func(protocol.Type, []byte) error) (*command, error)) {
	s.mu.Lock()
	_, following := s.followers[stream]
	if _, taken := s.commands[stream]; taken || following || s.closed {
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
	for _, fl := range s.followers {
		fl.end()
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
