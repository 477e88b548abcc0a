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
const Version = 1

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
