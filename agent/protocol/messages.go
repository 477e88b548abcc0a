package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Payloads other than raw bytes are binary too, so that neither side needs a parser for anything
// richer than lengths: a string is its length (uint32, big-endian) then its UTF-8 bytes; a number
// is a big-endian 32-bit integer.

// HelloMessage is the agent's first frame: the protocol version, then the agent's version.
type HelloMessage struct {
	Protocol uint32
	Version  string
}

// ExecRequest starts a command: argv[0] is looked up on the command's PATH, as the engine's exec does.
type ExecRequest struct {
	Argv []string
	Env  map[string]string
	Dir  string
}

// WindowSize is a terminal's size in characters, each from 1 to MaxWindowSide.
type WindowSize struct {
	Rows uint32
	Cols uint32
}

// MaxWindowSide bounds a terminal's rows and columns.
const MaxWindowSide = 1000

// PtyRequest starts a command on a terminal of its own (a new session, the terminal its
// controlling one, its standard input, output and error): its output comes as Stdout only.
type PtyRequest struct {
	Exec ExecRequest
	Size WindowSize
}

// ExitStatus ends a stream: the command's exit code (128 + signal when a signal ended it, as shells
// and the engine's exec report), and that signal, if any.
type ExitStatus struct {
	Code   int32
	Signal uint32
}

func (h HelloMessage) Encode() []byte {
	return appendString(binary.BigEndian.AppendUint32(nil, h.Protocol), h.Version)
}

func DecodeHello(p []byte) (HelloMessage, error) {
	d := decoder{p: p}
	h := HelloMessage{Protocol: d.uint32(), Version: d.string()}
	return h, d.end()
}

func (r ExecRequest) Encode() []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(r.Argv)))
	for _, a := range r.Argv {
		b = appendString(b, a)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.Env)))
	for name, value := range r.Env {
		b = appendString(appendString(b, name), value)
	}
	return appendString(b, r.Dir)
}

func DecodeExecRequest(p []byte) (ExecRequest, error) {
	d := decoder{p: p}
	r := d.execRequest()
	return r, d.end()
}

func (r PtyRequest) Encode() []byte {
	return r.Size.append(r.Exec.Encode())
}

func DecodePtyRequest(p []byte) (PtyRequest, error) {
	d := decoder{p: p}
	r := PtyRequest{Exec: d.execRequest(), Size: d.windowSize()}
	return r, d.end()
}

func (s WindowSize) Encode() []byte {
	return s.append(nil)
}

func (s WindowSize) append(b []byte) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(b, s.Rows), s.Cols)
}

func DecodeWindowSize(p []byte) (WindowSize, error) {
	d := decoder{p: p}
	s := d.windowSize()
	return s, d.end()
}

func EncodeNumber(n uint32) []byte {
	return binary.BigEndian.AppendUint32(nil, n)
}

func DecodeNumber(p []byte) (uint32, error) {
	d := decoder{p: p}
	n := d.uint32()
	return n, d.end()
}

func (s ExitStatus) Encode() []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(s.Code)), s.Signal)
}

func DecodeExitStatus(p []byte) (ExitStatus, error) {
	d := decoder{p: p}
	s := ExitStatus{Code: int32(d.uint32()), Signal: d.uint32()}
	return s, d.end()
}

func appendString(b []byte, s string) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...)
}

// decoder reads a payload strictly: a short, long or non-UTF-8 payload is an error.
type decoder struct {
	p   []byte
	err error
}

var errShort = errors.New("payload too short")

func (d *decoder) uint32() uint32 {
	if d.err != nil || len(d.p) < 4 {
		d.fail(errShort)
		return 0
	}
	n := binary.BigEndian.Uint32(d.p)
	d.p = d.p[4:]
	return n
}

// count reads a number of items, each of which takes at least four bytes.
func (d *decoder) count() uint32 {
	n := d.uint32()
	if uint64(n)*4 > uint64(len(d.p)) {
		d.fail(errShort)
		return 0
	}
	return n
}

func (d *decoder) string() string {
	n := d.uint32()
	if d.err != nil || uint64(n) > uint64(len(d.p)) {
		d.fail(errShort)
		return ""
	}
	s := string(d.p[:n])
	d.p = d.p[n:]
	if !utf8.ValidString(s) {
		d.fail(errors.New("string is not UTF-8"))
	}
	return s
}

func (d *decoder) execRequest() ExecRequest {
	var r ExecRequest
	for n := d.count(); n > 0 && d.err == nil; n-- {
		r.Argv = append(r.Argv, d.string())
	}
	r.Env = map[string]string{}
	for n := d.count(); n > 0 && d.err == nil; n-- {
		name := d.string()
		r.Env[name] = d.string()
	}
	r.Dir = d.string()
	return r
}

func (d *decoder) windowSize() WindowSize {
	s := WindowSize{Rows: d.uint32(), Cols: d.uint32()}
	if d.err == nil && (s.Rows < 1 || s.Rows > MaxWindowSide || s.Cols < 1 || s.Cols > MaxWindowSide) {
		d.fail(fmt.Errorf("a terminal of %d rows and %d columns: each must be 1 to %d", s.Rows, s.Cols, MaxWindowSide))
	}
	return s
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) end() error {
	if d.err == nil && len(d.p) > 0 {
		d.err = fmt.Errorf("%d bytes after the payload", len(d.p))
	}
	return d.err
}

// SpawnRequest starts a background process: a command (on a terminal of its own when Terminal is
// set, of Size), whose output the agent keeps, the last Buffer bytes of it, for clients to attach to.
type SpawnRequest struct {
	Exec     ExecRequest
	Terminal bool
	Size     WindowSize // ignored without a terminal
	Buffer   uint32
}

// Bounds of a process's kept output.
const (
	MinBuffer = 1024
	MaxBuffer = 64 * 1024 * 1024
)

// ProcessIDLength is the length of a process id: lowercase hexadecimal digits.
const ProcessIDLength = 12

// ProcessInfo describes a background process. Its output is one log of both streams in the order
// they were written; Start is the offset of the oldest byte still kept, End the number written.
type ProcessInfo struct {
	ID       string
	Pid      uint32
	Argv     []string
	Terminal bool
	Started  uint64 // Unix milliseconds
	Running  bool
	Exit     ExitStatus // once it has exited
	Start    uint64
	End      uint64
}

// AttachRequest asks for a process's output from an offset of its log, then as it comes.
type AttachRequest struct {
	ID     string
	Offset uint64
}

func (r SpawnRequest) Encode() []byte {
	b := binary.BigEndian.AppendUint32(r.Exec.Encode(), boolNumber(r.Terminal))
	return binary.BigEndian.AppendUint32(r.Size.append(b), r.Buffer) // the size is zero without a terminal
}

func DecodeSpawnRequest(p []byte) (SpawnRequest, error) {
	d := decoder{p: p}
	r := SpawnRequest{Exec: d.execRequest(), Terminal: d.flag()}
	if r.Terminal {
		r.Size = d.windowSize()
	} else {
		d.uint32()
		d.uint32()
	}
	r.Buffer = d.uint32()
	if d.err == nil && (r.Buffer < MinBuffer || r.Buffer > MaxBuffer) {
		d.fail(fmt.Errorf("a buffer of %d bytes: it must be %d to %d", r.Buffer, MinBuffer, MaxBuffer))
	}
	return r, d.end()
}

func (i ProcessInfo) Encode() []byte {
	return i.append(nil)
}

func (i ProcessInfo) append(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(appendString(b, i.ID), i.Pid)
	b = binary.BigEndian.AppendUint32(b, uint32(len(i.Argv)))
	for _, a := range i.Argv {
		b = appendString(b, a)
	}
	b = binary.BigEndian.AppendUint32(b, boolNumber(i.Terminal))
	b = binary.BigEndian.AppendUint64(b, i.Started)
	b = binary.BigEndian.AppendUint32(b, boolNumber(i.Running))
	b = append(b, i.Exit.Encode()...)
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b, i.Start), i.End)
}

// EncodeProcesses is a Processes payload: a count, then each process.
func EncodeProcesses(list []ProcessInfo) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(list)))
	for _, i := range list {
		b = i.append(b)
	}
	return b
}

func (r AttachRequest) Encode() []byte {
	return binary.BigEndian.AppendUint64(appendString(nil, r.ID), r.Offset)
}

func DecodeAttachRequest(p []byte) (AttachRequest, error) {
	d := decoder{p: p}
	r := AttachRequest{ID: d.processID(), Offset: d.uint64()}
	return r, d.end()
}

// EncodeOffset is an Attached payload.
func EncodeOffset(n uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, n)
}

// EncodeProcessID is the payload of a request that names a process and nothing else.
func EncodeProcessID(id string) []byte {
	return appendString(nil, id)
}

func DecodeProcessID(p []byte) (string, error) {
	d := decoder{p: p}
	id := d.processID()
	return id, d.end()
}

// DecodeProcessInput is a ProcInput's payload: the process id, then the bytes (the rest).
func DecodeProcessInput(p []byte) (string, []byte, error) {
	d := decoder{p: p}
	id := d.processID()
	return id, d.p, d.err
}

// DecodeProcessSignal is a ProcSignal's payload: the process id and a signal number (1 to 64).
func DecodeProcessSignal(p []byte) (string, uint32, error) {
	d := decoder{p: p}
	id := d.processID()
	n := d.uint32()
	if d.err == nil && (n == 0 || n > 64) {
		d.fail(fmt.Errorf("signal %d: not a signal number", n))
	}
	return id, n, d.end()
}

// DecodeProcessResize is a ProcResize's payload: the process id and its terminal's new size.
func DecodeProcessResize(p []byte) (string, WindowSize, error) {
	d := decoder{p: p}
	id := d.processID()
	s := d.windowSize()
	return id, s, d.end()
}

func boolNumber(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

func (d *decoder) uint64() uint64 {
	if d.err != nil || len(d.p) < 8 {
		d.fail(errShort)
		return 0
	}
	n := binary.BigEndian.Uint64(d.p)
	d.p = d.p[8:]
	return n
}

func (d *decoder) flag() bool {
	n := d.uint32()
	if d.err == nil && n > 1 {
		d.fail(fmt.Errorf("a flag of %d: it must be 0 or 1", n))
	}
	return n == 1
}

func (d *decoder) processID() string {
	id := d.string()
	if d.err == nil && !ValidProcessID(id) {
		d.fail(fmt.Errorf("%q is not a process id", id))
	}
	return id
}

// ValidProcessID says whether id has a process id's form.
func ValidProcessID(id string) bool {
	if len(id) != ProcessIDLength {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// WatchRequest asks for the changes in a directory (and the directories below it if Recursive).
type WatchRequest struct {
	Path      string
	Recursive bool
}

// FileEventKind says what happened to a path.
type FileEventKind uint32

const (
	Created  FileEventKind = 1
	Modified FileEventKind = 2
	Deleted  FileEventKind = 3
	Overflow FileEventKind = 4 // the kernel dropped events: the watcher should look again
)

// FileEvent is one change: its kind, the path, and whether it is a directory.
type FileEvent struct {
	Kind      FileEventKind
	Path      string
	Directory bool
}

func (r WatchRequest) Encode() []byte {
	return binary.BigEndian.AppendUint32(appendString(nil, r.Path), boolNumber(r.Recursive))
}

func DecodeWatchRequest(p []byte) (WatchRequest, error) {
	d := decoder{p: p}
	r := WatchRequest{Path: d.string(), Recursive: d.flag()}
	if d.err == nil && !strings.HasPrefix(r.Path, "/") {
		d.fail(fmt.Errorf("%q is not an absolute path", r.Path))
	}
	return r, d.end()
}

func (e FileEvent) Encode() []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(e.Kind))
	return binary.BigEndian.AppendUint32(appendString(b, e.Path), boolNumber(e.Directory))
}
