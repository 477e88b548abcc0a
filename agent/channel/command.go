package channel

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/creack/pty"
	"github.com/stateset/sandbox/agent/protocol"
)

// Once a command has exited, its output is read until its pipes stay empty for drainIdle (what it
// wrote is in them already; what it left running may hold them open for ever), and for drainMax at
// most (what it left running may write for ever).
const (
	drainIdle = 100 * time.Millisecond
	drainMax  = 2 * time.Second
)

// stdinFrames bounds the input queued for a command that does not read it (64 KiB each); past it
// the command's standard input is closed.
const stdinFrames = 64

// command is one running process, the leader of its own process group (of its own session, on a
// terminal).
type command struct {
	cmd      *exec.Cmd
	stdin    *stdinQueue
	outputs  sync.WaitGroup
	readers  []*os.File
	terminal *os.File     // the terminal's master side, for a command on one
	exited   atomic.Int64 // when it exited (Unix nanoseconds), 0 while it runs
}

func startCommand(req protocol.ExecRequest, emit func(protocol.Type, []byte) error) (*command, error) {
	cmd, err := prepare(req)
	if err != nil {
		return nil, err
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	c := &command{cmd: cmd}
	var writers []*os.File
	for range 2 {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll(c.readers, writers)
			return nil, err
		}
		c.readers = append(c.readers, r)
		writers = append(writers, w)
	}
	cmd.Stdout, cmd.Stderr = writers[0], writers[1]
	err = cmd.Start()
	closeAll(writers) // the child has its own copies; EOF comes when it and its children close them
	if err != nil {
		closeAll(c.readers)
		return nil, err
	}
	c.stdin = newStdinQueue(stdin)
	c.outputs.Add(2)
	go c.copy(c.readers[0], protocol.Stdout, emit)
	go c.copy(c.readers[1], protocol.Stderr, emit)
	return c, nil
}

// startTerminal starts a command on a terminal of its own: the leader of a new session whose
// controlling terminal it is, its output (standard output and error alike) sent as Stdout.
func startTerminal(req protocol.PtyRequest, emit func(protocol.Type, []byte) error) (*command, error) {
	cmd, err := prepare(req.Exec)
	if err != nil {
		return nil, err
	}
	if valueOf(cmd.Env, "TERM") == "" {
		cmd.Env = append(cmd.Env, "TERM=xterm-256color")
	}
	terminal, err := pty.StartWithSize(cmd, winsize(req.Size))
	if err != nil {
		return nil, err
	}
	c := &command{cmd: cmd, terminal: terminal, readers: []*os.File{terminal}}
	c.stdin = newStdinQueue(terminalInput{terminal})
	c.outputs.Add(1)
	go c.copy(terminal, protocol.Stdout, emit)
	return c, nil
}

// prepare finds the command's program on its own PATH, with the agent's environment and the request's.
func prepare(req protocol.ExecRequest) (*exec.Cmd, error) {
	if len(req.Argv) == 0 || req.Argv[0] == "" {
		return nil, errors.New("argv is empty")
	}
	env := mergeEnv(os.Environ(), req.Env)
	path, err := lookPath(req.Argv[0], valueOf(env, "PATH"))
	if err != nil {
		return nil, err
	}
	return &exec.Cmd{Path: path, Args: req.Argv, Env: env, Dir: req.Dir}, nil
}

// resize gives the command's terminal a new size; a command without one has nothing to resize.
func (c *command) resize(size protocol.WindowSize) {
	if c.terminal != nil {
		pty.Setsize(c.terminal, winsize(size))
	}
}

func winsize(size protocol.WindowSize) *pty.Winsize {
	return &pty.Winsize{Rows: uint16(size.Rows), Cols: uint16(size.Cols)}
}

// terminalInput is a terminal's input: its end is the terminal's end-of-file character (^D), as
// typed, for the terminal stays the command's until it exits.
type terminalInput struct {
	terminal *os.File
}

func (t terminalInput) Write(p []byte) (int, error) {
	return t.terminal.Write(p)
}

func (t terminalInput) Close() error {
	_, err := t.terminal.Write([]byte{4})
	return err
}

func (c *command) pid() int {
	return c.cmd.Process.Pid
}

// wait waits for the command to exit and its output to be sent, and says how it ended.
func (c *command) wait() protocol.ExitStatus {
	c.cmd.Wait()
	now := time.Now()
	c.exited.Store(now.UnixNano())
	for _, r := range c.readers {
		r.SetReadDeadline(now.Add(drainIdle)) // wakes a read waiting on an empty pipe
	}
	if c.terminal != nil {
		// What the command left running keeps its terminal open; once the drain is over the
		// terminal is closed, as a terminal window is when its shell exits.
		timer := time.AfterFunc(drainMax+drainIdle, func() { c.terminal.Close() })
		defer timer.Stop()
	}
	c.outputs.Wait()
	closeAll(c.readers)
	c.stdin.close()
	status, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ok && status.Signaled() {
		return protocol.ExitStatus{Code: 128 + int32(status.Signal()), Signal: uint32(status.Signal())}
	}
	return protocol.ExitStatus{Code: int32(c.cmd.ProcessState.ExitCode())}
}

// signal signals the command's whole process group.
func (c *command) signal(sig syscall.Signal) {
	syscall.Kill(-c.cmd.Process.Pid, sig)
}

func (c *command) copy(r *os.File, t protocol.Type, emit func(protocol.Type, []byte) error) {
	defer c.outputs.Done()
	buf := make([]byte, 32*1024)
	for {
		if exited := c.exited.Load(); exited != 0 {
			// Each read may wait drainIdle for more, so a slow send never cuts output short.
			r.SetReadDeadline(minTime(time.Now().Add(drainIdle), time.Unix(0, exited).Add(drainMax)))
		}
		n, err := r.Read(buf)
		if n > 0 {
			if emit(t, append([]byte(nil), buf[:n]...)) != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// stdinQueue writes a command's input in order without holding up the channel.
type stdinQueue struct {
	mu     sync.Mutex
	closed bool
	frames chan []byte
}

func newStdinQueue(w io.WriteCloser) *stdinQueue {
	q := &stdinQueue{frames: make(chan []byte, stdinFrames)}
	go func() {
		defer w.Close()
		failed := false
		for p := range q.frames {
			if !failed {
				_, err := w.Write(p)
				failed = err != nil
			}
		}
	}()
	return q
}

func (q *stdinQueue) write(p []byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	select {
	case q.frames <- p:
	default:
		q.closeLocked() // the command does not read its input: it gets an end instead of a stalled channel
	}
}

func (q *stdinQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closeLocked()
}

func (q *stdinQueue) closeLocked() {
	if !q.closed {
		q.closed = true
		close(q.frames)
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func mergeEnv(base []string, extra map[string]string) []string {
	merged := make([]string, 0, len(base)+len(extra))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if _, overridden := extra[name]; !overridden {
			merged = append(merged, kv)
		}
	}
	for name, value := range extra {
		merged = append(merged, name+"="+value)
	}
	return merged
}

func valueOf(env []string, name string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

// lookPath finds a command as a shell would, on the command's own PATH rather than the agent's.
func lookPath(file, path string) (string, error) {
	if strings.Contains(file, "/") {
		return file, nil
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		candidate := filepath.Join(dir, file)
		if info, err := os.Stat(candidate); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return candidate, nil
		}
	}
	return "", &exec.Error{Name: file, Err: exec.ErrNotFound}
}

func closeAll(files ...[]*os.File) {
	for _, list := range files {
		for _, f := range list {
			f.Close()
		}
	}
}
