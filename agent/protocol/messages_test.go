package protocol

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
)

func TestMessagesRoundTrip(t *testing.T) {
	req := ExecRequest{Argv: []string{"sh", "-c", "echo 'ünïcode'"}, Env: map[string]string{"A": "1", "EMPTY": ""}, Dir: "/workspace"}
	got, err := DecodeExecRequest(req.Encode())
	if err != nil || !reflect.DeepEqual(got, req) {
		t.Fatalf("exec: %+v %v", got, err)
	}
	hello, err := DecodeHello(HelloMessage{Protocol: Version, Version: "0.1.0"}.Encode())
	if err != nil || hello.Protocol != Version || hello.Version != "0.1.0" {
		t.Fatalf("hello: %+v %v", hello, err)
	}
	exit, err := DecodeExitStatus(ExitStatus{Code: 137, Signal: 9}.Encode())
	if err != nil || exit.Code != 137 || exit.Signal != 9 {
		t.Fatalf("exit: %+v %v", exit, err)
	}
	if n, err := DecodeNumber(EncodeNumber(42)); err != nil || n != 42 {
		t.Fatalf("number: %d %v", n, err)
	}
	pty := PtyRequest{Exec: req, Size: WindowSize{Rows: 24, Cols: 80}}
	if got, err := DecodePtyRequest(pty.Encode()); err != nil || !reflect.DeepEqual(got, pty) {
		t.Fatalf("pty: %+v %v", got, err)
	}
	if size, err := DecodeWindowSize(WindowSize{Rows: 50, Cols: 132}.Encode()); err != nil || size != (WindowSize{50, 132}) {
		t.Fatalf("size: %+v %v", size, err)
	}
}

func TestTerminalSizesOutsideBoundsAreRefused(t *testing.T) {
	for _, size := range []WindowSize{{0, 80}, {24, 0}, {MaxWindowSide + 1, 80}, {24, 1 << 31}} {
		if _, err := DecodeWindowSize(size.Encode()); err == nil {
			t.Errorf("%+v: accepted", size)
		}
		if _, err := DecodePtyRequest(PtyRequest{Exec: ExecRequest{Argv: []string{"sh"}}, Size: size}.Encode()); err == nil {
			t.Errorf("a terminal of %+v: accepted", size)
		}
	}
}

func TestMalformedPayloadsAreRefused(t *testing.T) {
	valid := ExecRequest{Argv: []string{"true"}}.Encode()
	hugeCount := binary.BigEndian.AppendUint32(nil, 1<<31)
	badUTF8 := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 1), 1)
	badUTF8 = append(badUTF8, 0xff)
	for name, payload := range map[string][]byte{
		"empty":                {},
		"truncated":            valid[:len(valid)-1],
		"trailing bytes":       append(bytes.Clone(valid), 0),
		"a count past the end": hugeCount,
		"not UTF-8":            badUTF8,
	} {
		if _, err := DecodeExecRequest(payload); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := DecodeNumber([]byte{1, 2, 3}); err == nil {
		t.Error("a short number was accepted")
	}
}
