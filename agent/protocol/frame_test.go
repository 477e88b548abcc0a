package protocol

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestFramesRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	frames := []Frame{
		{Type: Exec, Stream: 1, Payload: []byte(`{"argv":["echo","hi"]}`)},
		{Type: Stdout, Stream: 4294967295, Payload: bytes.Repeat([]byte{0, 255}, MaxPayload/2)},
		{Type: StdinEOF, Stream: 7},
	}
	for _, f := range frames {
		if err := Write(&buf, f); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range frames {
		got, err := Read(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if got.Type != want.Type || got.Stream != want.Stream || !bytes.Equal(got.Payload, want.Payload) {
			t.Fatalf("got %v/%d/%d bytes, want %v/%d/%d bytes", got.Type, got.Stream, len(got.Payload), want.Type, want.Stream, len(want.Payload))
		}
	}
	if _, err := Read(&buf); err != io.EOF {
		t.Fatalf("a clean end is io.EOF, got %v", err)
	}
}

func TestMalformedFramesAreRefusedWithoutAllocatingTheirLength(t *testing.T) {
	header := make([]byte, headerSize)
	binary.BigEndian.PutUint32(header[5:], 1<<31)
	if _, err := Read(bytes.NewReader(header)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized: got %v", err)
	}
	if _, err := Read(strings.NewReader("\x01\x00")); err == nil || errors.Is(err, io.EOF) {
		t.Fatalf("a truncated header is an error, not a clean end: %v", err)
	}
	binary.BigEndian.PutUint32(header[5:], 10)
	if _, err := Read(bytes.NewReader(append(header, 'x'))); err == nil {
		t.Fatal("a truncated payload is an error")
	}
	if err := Write(io.Discard, Frame{Type: Stdout, Payload: make([]byte, MaxPayload+1)}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("writing oversized: got %v", err)
	}
}
