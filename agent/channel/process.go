package channel

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/stateset/sandbox/agent/protocol"
)

// MaxProcesses bounds the background processes an agent keeps, running or exited: starting one
// more forgets the oldest that has exited, or is refused while every one runs.
const MaxProcesses = 64

// Processes are the background processes of an agent: unlike a channel's commands they outlive the
// channel that started them, and any channel may attach to their output, signal them or wait for
// them. The agent that keeps them (see package keeper) outlives its channels for that.
type Processes struct {
	mu   sync.Mutex
	byID map[string]*process
}

func NewProcesses() *Processes {
	return &Processes{byID: map[string]*process{}}
}

type process struct {
	id       string
	argv     []string
	terminal bool
	started  time.Time
	cmd      *command
	log      *outputLog
	exited   chan struct{} // closed once it has exited and its output is in the log
	exit     protocol.ExitStatus
}

func (ps *Processes) spawn(req protocol.SpawnRequest) (*process, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if len(ps.byID) >= MaxProcesses && !ps.forgetOldestExited() {
		return nil, fmt.Errorf("%d background processes run already; remove one first", MaxProcesses)
	}
	id, err := newProcessID()
	if err != nil {
		return nil, err
	}
	log := newOutputLog(int(req.Buffer))
	emit := func(t protocol.Type, p []byte) error {
		log.append(t, p)
		return nil
	}
	var c *command
	if req.Terminal {
		c, err = startTerminal(protocol.PtyRequest{Exec: req.Exec, Size: req.Size}, emit)
	} else {
		c, err = startCommand(req.Exec, emit)
	}
	if err != nil {
		return nil, err
	}
	p := &process{id: id, argv: req.Exec.Argv, terminal: req.Terminal, started: time.Now(), cmd: c, log: log,
		exited: make(chan struct{})}
	ps.byID[id] = p
	go func() {
		p.exit = c.wait()
		close(p.exited)
		log.close()
	}()
	return p, nil
}

// forgetOldestExited makes room by forgetting the process that exited first; false if all run.
func (ps *Processes) forgetOldestExited() bool {
	var oldest *process
	for _, p := range ps.byID {
		if p.hasExited() && (oldest == nil || p.started.Before(oldest.started)) {
			oldest = p
		}
	}
	if oldest == nil {
		return false
	}
	delete(ps.byID, oldest.id)
	return true
}

func (ps *Processes) get(id string) (*process, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if p, ok := ps.byID[id]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("no process %s", id)
}

// list describes every process, oldest first.
func (ps *Processes) list() []protocol.ProcessInfo {
	ps.mu.Lock()
	all := make([]*process, 0, len(ps.byID))
	for _, p := range ps.byID {
		all = append(all, p)
	}
	ps.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].started.Before(all[j].started) })
	infos := make([]protocol.ProcessInfo, len(all))
	for i, p := range all {
		infos[i] = p.info()
	}
	return infos
}

// remove kills the process's group if it runs and forgets it.
func (ps *Processes) remove(id string) error {
	ps.mu.Lock()
	p, ok := ps.byID[id]
	delete(ps.byID, id)
	ps.mu.Unlock()
	if !ok {
		return fmt.Errorf("no process %s", id)
	}
	p.signal(syscall.SIGKILL)
	return nil
}

func (p *process) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

func (p *process) info() protocol.ProcessInfo {
	start, end := p.log.bounds()
	info := protocol.ProcessInfo{ID: p.id, Pid: uint32(p.cmd.pid()), Argv: p.argv, Terminal: p.terminal,
		Started: uint64(p.started.UnixMilli()), Running: !p.hasExited(), Start: start, End: end}
	if !info.Running {
		info.Exit = p.exit
	}
	return info
}

var errExited = errors.New("the process has exited")

// signal signals the process's group while it runs: once it has exited its group id may be another's.
func (p *process) signal(sig syscall.Signal) error {
	if p.hasExited() {
		return errExited
	}
	p.cmd.signal(sig)
	return nil
}

func (p *process) input(data []byte, eof bool) error {
	if p.hasExited() {
		return errExited
	}
	if eof {
		p.cmd.stdin.close()
	} else {
		p.cmd.stdin.write(data)
	}
	return nil
}

func (p *process) resize(size protocol.WindowSize) error {
	if !p.terminal {
		return errors.New("the process has no terminal")
	}
	if p.hasExited() {
		return errExited
	}
	p.cmd.resize(size)
	return nil
}

func newProcessID() (string, error) {
	b := make([]byte, protocol.ProcessIDLength/2)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
