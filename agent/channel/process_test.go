package channel

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stateset/sandbox/agent/protocol"
)

func spawnRequest(buffer uint32, words ...string) protocol.SpawnRequest {
	return protocol.SpawnRequest{Exec: argv(words...), Buffer: buffer}
}

// spawn starts a background process and returns what the agent said of it.
func (c *client) spawn(stream uint32, req protocol.SpawnRequest) protocol.ProcessInfo {
	c.t.Helper()
	c.send(protocol.Spawn, stream, req)
	f := c.read()
	if f.Type != protocol.Process || f.Stream != stream {
		c.t.Fatalf("spawn: %+v (%s)", f, f.Payload)
	}
	return decodeInfo(c.t, f.Payload)
}

func decodeInfo(t *testing.T, p []byte) protocol.ProcessInfo {
	t.Helper()
	infos := decodeInfos(t, append(protocol.EncodeNumber(1), p...))
	return infos[0]
}

// decodeInfos decodes a Processes payload as the server does, field by field.
func decodeInfos(t *testing.T, p []byte) []protocol.ProcessInfo {
	t.Helper()
	next := func(n int) []byte {
		if len(p) < n {
			t.Fatalf("short payload")
		}
		b := p[:n]
		p = p[n:]
		return b
	}
	number := func() uint32 { return binary.BigEndian.Uint32(next(4)) }
	text := func() string { return string(next(int(number()))) }
	var infos []protocol.ProcessInfo
	for n := number(); n > 0; n-- {
		var i protocol.ProcessInfo
		i.ID = text()
		i.Pid = number()
		for a := number(); a > 0; a-- {
			i.Argv = append(i.Argv, text())
		}
		i.Terminal = number() == 1
		i.Started = binary.BigEndian.Uint64(next(8))
		i.Running = number() == 1
		i.Exit = protocol.ExitStatus{Code: int32(number()), Signal: number()}
		i.Start = binary.BigEndian.Uint64(next(8))
		i.End = binary.BigEndian.Uint64(next(8))
		infos = append(infos, i)
	}
	if len(p) != 0 {
		t.Fatalf("%d bytes after the processes", len(p))
	}
	return infos
}

// attached is what an attach said until it ended.
type attached struct {
	offsets []uint64 // each Attached's offset
	output  string
	exit    *protocol.ExitStatus
	err     string
}

// attach reads an attach's frames until it ends (Exit or Error), or until it has seen want bytes of output.
func (c *client) attach(stream uint32, id string, offset uint64, want int) attached {
	c.t.Helper()
	c.send(protocol.Attach, stream, protocol.AttachRequest{ID: id, Offset: offset})
	var a attached
	for want < 0 || len(a.output) < want {
		f := c.read()
		if f.Stream != stream {
			c.t.Fatalf("frame for stream %d: %+v", f.Stream, f)
		}
		switch f.Type {
		case protocol.Attached:
			a.offsets = append(a.offsets, binary.BigEndian.Uint64(f.Payload))
		case protocol.Stdout, protocol.Stderr:
			a.output += string(f.Payload)
		case protocol.Exit:
			exit, _ := protocol.DecodeExitStatus(f.Payload)
			a.exit = &exit
			return a
		case protocol.Error:
			a.err = string(f.Payload)
			return a
		default:
			c.t.Fatalf("unexpected %+v", f)
		}
	}
	return a
}

func (c *client) expect(stream uint32, t protocol.Type) protocol.Frame {
	c.t.Helper()
	f := c.read()
	if f.Type != t || f.Stream != stream {
		c.t.Fatalf("wanted type 0x%02x on stream %d, got %+v (%s)", byte(t), stream, f, f.Payload)
	}
	return f
}

func TestABackgroundProcessKeepsItsOutputForAttachesFromAnyOffset(t *testing.T) {
	c := serve(t)
	p := c.spawn(1, spawnRequest(4096, "sh", "-c", "echo one; sleep 0.1; echo two >&2; exit 4"))
	if len(p.ID) != protocol.ProcessIDLength || p.Pid == 0 || !p.Running || p.Argv[0] != "sh" || p.Terminal {
		t.Fatalf("spawned %+v", p)
	}
	all := c.attach(2, p.ID, 0, -1)
	if all.output != "one\ntwo\n" || all.exit.Code != 4 || len(all.offsets) != 1 || all.offsets[0] != 0 {
		t.Fatalf("from 0: %+v", all)
	}
	rest := c.attach(3, p.ID, 4, -1)
	if rest.output != "two\n" || rest.offsets[0] != 4 || rest.exit.Code != 4 {
		t.Fatalf("from 4: %+v", rest)
	}
	c.send(protocol.List, 4, nil)
	infos := decodeInfos(t, c.expect(4, protocol.Processes).Payload)
	if len(infos) != 1 || infos[0].ID != p.ID || infos[0].Running || infos[0].Exit.Code != 4 || infos[0].End != 8 || infos[0].Start != 0 {
		t.Fatalf("listed %+v", infos)
	}
}

func TestProcessesOutliveTheChannelThatStartedThem(t *testing.T) {
	processes := NewProcesses()
	first := serveProcesses(t, 0, processes)
	p := first.spawn(1, spawnRequest(4096, "sh", "-c", "read line; echo got $line"))
	first.in.Close() // the server went away
	if err := <-first.done; err != nil {
		t.Fatal(err)
	}
	second := serveProcesses(t, 0, processes)
	second.send(protocol.ProcInput, 1, append(protocol.EncodeProcessID(p.ID), "hello\n"...))
	second.expect(1, protocol.Done)
	a := second.attach(2, p.ID, 0, -1)
	if a.output != "got hello\n" || a.exit.Code != 0 {
		t.Fatalf("got %+v", a)
	}
}

func TestAnAttachFollowsLiveOutputAndIsToldOfBytesDroppedPastTheBuffer(t *testing.T) {
	c := serve(t)
	// 3000 bytes in a 1024-byte buffer: the first 1976 are gone before anyone attaches.
	p := c.spawn(1, spawnRequest(1024, "sh", "-c", "head -c 3000 /dev/zero | tr '\\0' x; read go; echo live"))
	for deadline := time.Now().Add(5 * time.Second); ; {
		c.send(protocol.List, 9, nil)
		infos := decodeInfos(t, c.expect(9, protocol.Processes).Payload)
		if infos[0].End == 3000 {
			if infos[0].Start < 3000-1024 {
				t.Fatalf("kept from %d", infos[0].Start)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("wrote %d", infos[0].End)
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.send(protocol.Attach, 2, protocol.AttachRequest{ID: p.ID, Offset: 0})
	from := binary.BigEndian.Uint64(c.expect(2, protocol.Attached).Payload)
	if from == 0 || from > 3000-1024+chunkCost {
		t.Fatalf("attached from %d", from)
	}
	got := 0
	for uint64(got) < 3000-from {
		got += len(c.expect(2, protocol.Stdout).Payload)
	}
	c.send(protocol.ProcInput, 3, append(protocol.EncodeProcessID(p.ID), "go\n"...))
	c.expect(3, protocol.Done)
	if f := c.expect(2, protocol.Stdout); string(f.Payload) != "live\n" {
		t.Fatalf("live: %q", f.Payload)
	}
	c.expect(2, protocol.Exit)
}

func TestSignalWaitDetachAndRemove(t *testing.T) {
	c := serve(t)
	p := c.spawn(1, spawnRequest(4096, "sh", "-c", "sleep 100 & echo up; wait"))
	c.send(protocol.Wait, 2, protocol.EncodeProcessID(p.ID))
	c.send(protocol.Attach, 3, protocol.AttachRequest{ID: p.ID, Offset: 0})
	c.expect(3, protocol.Attached)
	if f := c.expect(3, protocol.Stdout); string(f.Payload) != "up\n" {
		t.Fatalf("got %q", f.Payload)
	}
	c.send(protocol.Detach, 3, nil)
	c.send(protocol.ProcSignal, 4, append(protocol.EncodeProcessID(p.ID), protocol.EncodeNumber(15)...))
	c.expect(4, protocol.Done)
	exit, _ := protocol.DecodeExitStatus(c.expect(2, protocol.Exit).Payload)
	if exit.Code != 143 || exit.Signal != 15 {
		t.Fatalf("exit %+v", exit)
	}
	// Once it has exited a signal is refused: its group id may be another's by now.
	c.send(protocol.ProcSignal, 5, append(protocol.EncodeProcessID(p.ID), protocol.EncodeNumber(9)...))
	if f := c.expect(5, protocol.Error); !strings.Contains(string(f.Payload), "exited") {
		t.Fatalf("got %s", f.Payload)
	}
	c.send(protocol.Remove, 6, protocol.EncodeProcessID(p.ID))
	c.expect(6, protocol.Done)
	c.send(protocol.Wait, 7, protocol.EncodeProcessID(p.ID))
	if f := c.expect(7, protocol.Error); string(f.Payload) != "no process "+p.ID {
		t.Fatalf("got %s", f.Payload)
	}
}

func TestABackgroundProcessOnATerminal(t *testing.T) {
	c := serve(t)
	p := c.spawn(1, protocol.SpawnRequest{Exec: argv("sh", "-c", "stty size; read x; echo got $x"), Terminal: true,
		Size: protocol.WindowSize{Rows: 30, Cols: 90}, Buffer: 4096})
	c.send(protocol.ProcInput, 2, append(protocol.EncodeProcessID(p.ID), "typed\r"...))
	c.expect(2, protocol.Done)
	a := c.attach(3, p.ID, 0, -1)
	if !strings.Contains(a.output, "30 90") || !strings.Contains(a.output, "got typed") || a.exit.Code != 0 {
		t.Fatalf("got %+v", a)
	}
}

func TestProcessesAreBoundedAndTheOldestExitedMakesRoom(t *testing.T) {
	c := serve(t)
	first := c.spawn(1, spawnRequest(1024, "true"))
	c.send(protocol.Wait, 2, protocol.EncodeProcessID(first.ID))
	c.expect(2, protocol.Exit)
	var running []string
	for i := 1; i < MaxProcesses; i++ {
		running = append(running, c.spawn(uint32(10+i), spawnRequest(1024, "sleep", "100")).ID)
	}
	c.spawn(200, spawnRequest(1024, "sleep", "100")) // takes the exited one's place
	c.send(protocol.Spawn, 201, spawnRequest(1024, "sleep", "100"))
	if f := c.expect(201, protocol.Error); !strings.Contains(string(f.Payload), "remove one first") {
		t.Fatalf("got %s", f.Payload)
	}
	c.send(protocol.List, 202, nil)
	infos := decodeInfos(t, c.expect(202, protocol.Processes).Payload)
	if len(infos) != MaxProcesses {
		t.Fatalf("%d kept", len(infos))
	}
	for _, info := range infos {
		c.send(protocol.Remove, 203, protocol.EncodeProcessID(info.ID))
		c.expect(203, protocol.Done)
	}
}

func TestMalformedProcessFramesEndTheChannel(t *testing.T) {
	for name, frame := range map[string]protocol.Frame{
		"bad id":         {Type: protocol.Wait, Stream: 1, Payload: protocol.EncodeProcessID("../../etc/xx")},
		"short attach":   {Type: protocol.Attach, Stream: 1, Payload: protocol.EncodeProcessID("0123456789ab")},
		"signal 0":       {Type: protocol.ProcSignal, Stream: 1, Payload: append(protocol.EncodeProcessID("0123456789ab"), 0, 0, 0, 0)},
		"huge buffer":    {Type: protocol.Spawn, Stream: 1, Payload: spawnRequest(protocol.MaxBuffer+1, "true").Encode()},
		"list with body": {Type: protocol.List, Stream: 1, Payload: []byte{1}},
		"on stream 0":    {Type: protocol.List, Stream: 0},
	} {
		t.Run(name, func(t *testing.T) {
			c := serve(t)
			c.send(frame.Type, frame.Stream, frame.Payload)
			if f := c.expect(0, protocol.Error); len(f.Payload) == 0 {
				t.Fatal("no reason")
			}
			if err := <-c.done; err == nil {
				t.Fatal("the channel went on")
			}
		})
	}
}

func TestAWatchReportsChangesBelowADirectoryUntilDetached(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(dir+"/sub", 0o755)
	c := serve(t)
	c.send(protocol.Watch, 1, protocol.WatchRequest{Path: dir, Recursive: true})
	c.expect(1, protocol.Watching)
	os.WriteFile(dir+"/a.txt", []byte("x"), 0o644)
	os.WriteFile(dir+"/sub/b.txt", []byte("y"), 0o644)
	os.Mkdir(dir+"/new", 0o755)
	time.Sleep(200 * time.Millisecond) // the new directory is watched once its creation is read
	os.WriteFile(dir+"/new/c.txt", []byte("z"), 0o644)
	os.Remove(dir + "/a.txt")
	os.Symlink("/etc", dir+"/link")
	want := []string{"1 " + dir + "/a.txt", "2 " + dir + "/a.txt", "1 " + dir + "/sub/b.txt", "2 " + dir + "/sub/b.txt",
		"1 " + dir + "/new dir", "1 " + dir + "/new/c.txt", "2 " + dir + "/new/c.txt", "3 " + dir + "/a.txt", "1 " + dir + "/link"}
	var got []string
	for len(got) < len(want) {
		f := c.expect(1, protocol.Changed)
		kind := binary.BigEndian.Uint32(f.Payload)
		n := binary.BigEndian.Uint32(f.Payload[4:])
		path := string(f.Payload[8 : 8+n])
		event := strings.TrimSpace(strings.Join([]string{string(rune('0' + kind)), path,
			map[bool]string{true: "dir", false: ""}[f.Payload[len(f.Payload)-1] == 1]}, " "))
		got = append(got, event)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Many writes in a burst: one or two events (the kernel merges what is not read yet; a close
	// reports writes that came after the last event), never fifty.
	f, _ := os.Create(dir + "/burst.txt")
	for range 50 {
		f.Write([]byte("x"))
	}
	f.Close()
	os.WriteFile(dir+"/marker", nil, 0o644)
	var burst []string
	for {
		p := c.expect(1, protocol.Changed).Payload
		n := binary.BigEndian.Uint32(p[4:])
		event := string(rune('0'+binary.BigEndian.Uint32(p))) + " " + string(p[8:8+n])
		if event == "1 "+dir+"/marker" {
			break
		}
		burst = append(burst, event)
	}
	if len(burst) < 2 || len(burst) > 3 || burst[0] != "1 "+dir+"/burst.txt" || burst[len(burst)-1] != "2 "+dir+"/burst.txt" {
		t.Fatalf("burst: %v", burst)
	}
	c.send(protocol.Detach, 1, nil)
	os.WriteFile(dir+"/after.txt", []byte("x"), 0o644)
	c.send(protocol.List, 2, nil)
	c.expect(2, protocol.Processes) // nothing of the detached watch came before it
}

func TestAWatchOfAMissingDirectoryOrAFileIsRefusedAndADeletedOneEnds(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/file", nil, 0o644)
	c := serve(t)
	c.send(protocol.Watch, 1, protocol.WatchRequest{Path: dir + "/missing"})
	c.expect(1, protocol.Error)
	c.send(protocol.Watch, 2, protocol.WatchRequest{Path: dir + "/file"})
	if f := c.expect(2, protocol.Error); !strings.Contains(string(f.Payload), "not a directory") {
		t.Fatalf("got %s", f.Payload)
	}
	os.Mkdir(dir+"/gone", 0o755)
	c.send(protocol.Watch, 3, protocol.WatchRequest{Path: dir + "/gone"})
	c.expect(3, protocol.Watching)
	os.Remove(dir + "/gone")
	if f := c.expect(3, protocol.Error); !strings.Contains(string(f.Payload), "deleted") {
		t.Fatalf("got %s", f.Payload)
	}
}
