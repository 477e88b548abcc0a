package channel

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/stateset/sandbox/agent/protocol"
)

// MaxWatchedDirectories bounds the directories one recursive watch follows (each costs the kernel
// an inotify watch, which the sandbox user has a limited number of).
const MaxWatchedDirectories = 8192

// modifiedQuiet coalesces a file's modifications: one event per file within it, not one per write,
// and one more when it is closed if writes came since the last event.
const modifiedQuiet = 100 * time.Millisecond

const watchMask = syscall.IN_CREATE | syscall.IN_MOVED_TO | syscall.IN_MODIFY | syscall.IN_CLOSE_WRITE | syscall.IN_ATTRIB |
	syscall.IN_DELETE | syscall.IN_MOVED_FROM | syscall.IN_DELETE_SELF | syscall.IN_MOVE_SELF | syscall.IN_ONLYDIR |
	syscall.IN_DONT_FOLLOW

// watch is one directory watched (and, if recursive, the directories below it) through inotify.
// Links are never followed: a link in the tree is reported as the link, not watched through.
type watch struct {
	file      *os.File // the inotify instance, non-blocking, so that closing it ends a read
	recursive bool
	emit      func(protocol.FileEvent) error
	mu        sync.Mutex
	dirs      map[int32]string // watch descriptor to directory
	root      string
	modified  map[string]time.Time // when a file's last modification was reported
	pending   map[string]bool      // files modified since, unreported (within modifiedQuiet)
}

func startWatch(req protocol.WatchRequest, emit func(protocol.FileEvent) error) (*watch, error) {
	info, err := os.Lstat(req.Path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", req.Path)
	}
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("inotify: %w", err)
	}
	w := &watch{file: os.NewFile(uintptr(fd), "inotify"), recursive: req.Recursive, emit: emit, dirs: map[int32]string{},
		root: filepath.Clean(req.Path), modified: map[string]time.Time{}, pending: map[string]bool{}}
	if err := w.add(w.root); err != nil {
		w.file.Close()
		return nil, err
	}
	return w, nil
}

// add watches dir and, for a recursive watch, every directory below it (not through links).
func (w *watch) add(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil // gone, or not readable: nothing to watch there
		}
		if !d.IsDir() {
			return nil
		}
		w.mu.Lock()
		full := len(w.dirs) >= MaxWatchedDirectories
		w.mu.Unlock()
		if full {
			return fmt.Errorf("more than %d directories to watch", MaxWatchedDirectories)
		}
		wd, err := syscall.InotifyAddWatch(int(w.file.Fd()), path, watchMask)
		if err != nil {
			if path == dir {
				return fmt.Errorf("watching %s: %w", path, err)
			}
			return nil
		}
		w.mu.Lock()
		w.dirs[int32(wd)] = path
		w.mu.Unlock()
		if !w.recursive {
			return fs.SkipDir
		}
		return nil
	})
}

// run reads the kernel's events and emits them until the watch is closed, the watched directory
// goes, or the events cannot be sent; it says why it ended (nil when closed).
func (w *watch) run() error {
	buf := make([]byte, 64*1024)
	for {
		n, err := w.file.Read(buf)
		if err != nil {
			if errors.Is(err, os.ErrClosed) {
				return nil
			}
			return err
		}
		for offset := 0; offset+syscall.SizeofInotifyEvent <= n; {
			raw := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[offset]))
			nameBytes := buf[offset+syscall.SizeofInotifyEvent : offset+syscall.SizeofInotifyEvent+int(raw.Len)]
			offset += syscall.SizeofInotifyEvent + int(raw.Len)
			if done, err := w.handle(raw.Wd, raw.Mask, strings.TrimRight(string(nameBytes), "\x00")); done || err != nil {
				return err
			}
		}
	}
}

func (w *watch) handle(wd int32, mask uint32, name string) (bool, error) {
	if mask&syscall.IN_Q_OVERFLOW != 0 {
		return false, w.emit(protocol.FileEvent{Kind: protocol.Overflow, Path: w.root})
	}
	w.mu.Lock()
	dir, known := w.dirs[wd]
	if mask&syscall.IN_IGNORED != 0 {
		delete(w.dirs, wd)
	}
	w.mu.Unlock()
	if !known {
		return false, nil
	}
	if name == "" {
		// The directory itself: the root gone or moved ends the watch; a subdirectory's own
		// deletion is reported by its parent.
		if dir == w.root && mask&(syscall.IN_DELETE_SELF|syscall.IN_MOVE_SELF) != 0 {
			return true, errors.New(w.root + " was deleted or moved")
		}
		return false, nil
	}
	path := filepath.Join(dir, name)
	isDir := mask&syscall.IN_ISDIR != 0
	var kind protocol.FileEventKind
	switch {
	case mask&(syscall.IN_CREATE|syscall.IN_MOVED_TO) != 0:
		kind = protocol.Created
		if isDir && w.recursive {
			if err := w.add(path); err != nil {
				return true, err
			}
		}
	case mask&(syscall.IN_DELETE|syscall.IN_MOVED_FROM) != 0:
		kind = protocol.Deleted
		delete(w.modified, path)
		delete(w.pending, path)
	case mask&(syscall.IN_MODIFY|syscall.IN_ATTRIB) != 0:
		if isDir {
			return false, nil
		}
		now := time.Now()
		if last, ok := w.modified[path]; ok && now.Sub(last) < modifiedQuiet {
			w.pending[path] = true // reported when the file is closed, so that the last write is not missed
			return false, nil
		}
		w.modified[path] = now
		kind = protocol.Modified
	case mask&syscall.IN_CLOSE_WRITE != 0:
		if !w.pending[path] {
			return false, nil // every write to it was reported already
		}
		delete(w.pending, path)
		w.modified[path] = time.Now()
		kind = protocol.Modified
	default:
		return false, nil
	}
	return false, w.emit(protocol.FileEvent{Kind: kind, Path: path, Directory: isDir})
}

func (w *watch) close() {
	w.file.Close()
}
