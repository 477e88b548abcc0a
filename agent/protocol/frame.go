// Package protocol is the agent's wire format: binary frames over one byte stream (the agent's
// stdin and stdout), multiplexing many commands. A frame is a type byte, a stream id and a payload
// length (both unsigned 32-bit, big-endian), then the payload (see messages.go). Either side treats
// a malformed or oversized frame as the end of the channel.
package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Version is the protocol's version, announced in the agent's Hello.
const Version = 2

// MaxPayload bounds one frame's payload (a command and its environment must fit in one).
const MaxPayload = 1024 * 1024

// Type says what a frame carries.
type Type byte

// From the server to the agent.
const (
	Exec     Type = 0x01 // start a command as the frame's stream: an ExecRequest
	Stdin    Type = 0x02 // bytes for the command's standard input
	StdinEOF Type = 0x03 // close the command's standard input
	Signal   Type = 0x04 // a signal number, for the command's process group
	Ping     Type = 0x05 // answered by a Pong with the same payload
	ExecPty  Type = 0x06 // start a command on a terminal of its own as the frame's stream: a PtyRequest
	Resize   Type = 0x07 // a terminal's new size: a WindowSize

	// Background processes outlive the channel that started them (see package channel): each
	// request is a stream of its own, answered by one frame (or, for Attach, a stream of them).
	Spawn        Type = 0x08 // start a background process: a SpawnRequest; answered by a Process
	List         Type = 0x09 // no payload; answered by Processes
	Attach       Type = 0x0A // a process id and an offset (AttachRequest): Attached, its output, then Exit
	Detach       Type = 0x0B // no payload: ends the Attach or Wait of the frame's stream, which says no more
	ProcInput    Type = 0x0C // a process id, then bytes for its standard input; answered by Done
	ProcInputEOF Type = 0x0D // a process id: closes its standard input (^D on a terminal); answered by Done
	ProcSignal   Type = 0x0E // a process id and a signal number, for its process group; answered by Done
	ProcResize   Type = 0x0F // a process id, rows and columns, for its terminal; answered by Done
	Wait         Type = 0x10 // a process id: answered by Exit once it has exited and its output is kept
	Remove       Type = 0x11 // a process id: kills its process group if it runs, and forgets it; answered by Done
	Watch        Type = 0x12 // a WatchRequest: Watching, then Changed frames until a Detach (or an Error ends it)
)

// From the agent to the server.
const (
	Hello   Type = 0x80 // stream 0, the first frame: a HelloMessage
	Started Type = 0x81 // the command's pid (the leader of its own process group)
	Stdout  Type = 0x82 // bytes the command wrote to its standard output
	Stderr  Type = 0x83 // bytes the command wrote to its standard error
	Exit    Type = 0x84 // an ExitStatus; the stream's last frame
	Error   Type = 0x85 // a UTF-8 message; the stream's last frame (stream 0: the channel's)
	Pong    Type = 0x86

	Process   Type = 0x87 // a ProcessInfo: the process started
	Processes Type = 0x88 // a count, then ProcessInfos: every process the agent keeps
	Attached  Type = 0x89 // the offset the attach's output starts at (an Offset): the one asked for, or the oldest kept if that is gone
	Done      Type = 0x8A // no payload: the request is done
	Watching  Type = 0x8B // no payload: the watch is in place; changes from now on are reported
	Changed   Type = 0x8C // a FileEvent of a Watch
)

// Frame is one unit of the channel.
type Frame struct {
	Type    Type
	Stream  uint32
	Payload []byte
}

const headerSize = 9

// ErrTooLarge is returned for a frame whose payload is over MaxPayload.
var ErrTooLarge = errors.New("frame payload over the maximum")

// Read reads one frame; io.EOF at a clean end between frames.
func Read(r io.Reader) (Frame, error) {
	var header [headerSize]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return Frame{}, fmt.Errorf("truncated frame header: %w", err)
		}
		return Frame{}, err
	}
	length := binary.BigEndian.Uint32(header[5:])
	if length > MaxPayload {
		return Frame{}, fmt.Errorf("%w: %d bytes", ErrTooLarge, length)
	}
	payload := make([]byte, length)
	if _, err := io.ReadFull(r, payload); err != nil {
		return Frame{}, fmt.Errorf("truncated frame payload: %w", err)
	}
	return Frame{Type: Type(header[0]), Stream: binary.BigEndian.Uint32(header[1:5]), Payload: payload}, nil
}

// Write writes one frame; the caller serialises concurrent writers.
func Write(w io.Writer, f Frame) error {
	if len(f.Payload) > MaxPayload {
		return fmt.Errorf("%w: %d bytes", ErrTooLarge, len(f.Payload))
	}
	buf := make([]byte, headerSize+len(f.Payload))
	buf[0] = byte(f.Type)
	binary.BigEndian.PutUint32(buf[1:5], f.Stream)
	binary.BigEndian.PutUint32(buf[5:9], uint32(len(f.Payload)))
	copy(buf[headerSize:], f.Payload)
	_, err := w.Write(buf)
	return err
}
