package channel

import (
	"sync"

	"github.com/stateset/sandbox/agent/protocol"
)

// chunkCost is what the log counts for each chunk beyond its bytes, so that output written a byte
// at a time, alternating between streams, cannot make the log's memory many times its budget.
const chunkCost = 64

// maxChunk is the most bytes one chunk holds: appends to the same stream join the last chunk up to it.
const maxChunk = 32 * 1024

// outputLog keeps the last bytes a background process wrote, both streams in one log in the order
// they were written, addressed by offset: the number of bytes written before. Past its budget the
// oldest bytes are dropped; readers wait on it for more.
type outputLog struct {
	mu     sync.Mutex
	more   *sync.Cond
	budget int
	used   int
	chunks []chunk
	start  uint64 // offset of the first kept byte
	end    uint64 // bytes written
	closed bool   // nothing more comes
}

type chunk struct {
	stream protocol.Type
	data   []byte
}

func newOutputLog(budget int) *outputLog {
	l := &outputLog{budget: budget}
	l.more = sync.NewCond(&l.mu)
	return l
}

func (l *outputLog) append(stream protocol.Type, p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(p) > 0 {
		if n := len(l.chunks); n > 0 && l.chunks[n-1].stream == stream && len(l.chunks[n-1].data) < maxChunk {
			take := min(len(p), maxChunk-len(l.chunks[n-1].data))
			l.chunks[n-1].data = append(l.chunks[n-1].data, p[:take]...)
			l.used += take
			l.end += uint64(take)
			p = p[take:]
		} else {
			take := min(len(p), maxChunk)
			l.chunks = append(l.chunks, chunk{stream: stream, data: append(make([]byte, 0, take), p[:take]...)})
			l.used += take + chunkCost
			l.end += uint64(take)
			p = p[take:]
		}
		l.trim()
	}
	l.more.Broadcast()
}

// trim drops the oldest bytes until the log is within its budget.
func (l *outputLog) trim() {
	for l.used > l.budget && len(l.chunks) > 0 {
		first := &l.chunks[0]
		over := l.used - l.budget
		if over < len(first.data) {
			first.data = first.data[over:]
			l.used -= over
			l.start += uint64(over)
			return
		}
		l.used -= len(first.data) + chunkCost
		l.start += uint64(len(first.data))
		l.chunks[0] = chunk{}
		l.chunks = l.chunks[1:]
	}
}

// close says nothing more comes, waking every reader.
func (l *outputLog) close() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.more.Broadcast()
}

// wake wakes every reader, for one that has been told to stop.
func (l *outputLog) wake() {
	l.mu.Lock()
	l.mu.Unlock()
	l.more.Broadcast()
}

func (l *outputLog) bounds() (start, end uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.start, l.end
}

// read waits until there are bytes at offset, the log is closed, or stop says so; it returns the
// offset it read from (the oldest kept, if offset's bytes were dropped), a copy of up to max bytes
// of one stream from there, and whether the log is over (closed, and offset at its end).
func (l *outputLog) read(offset uint64, max int, stop func() bool) (from uint64, stream protocol.Type, data []byte, over bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for offset >= l.end && !l.closed && !stop() {
		l.more.Wait()
	}
	if offset < l.start {
		offset = l.start
	}
	if offset >= l.end {
		return offset, 0, nil, l.closed
	}
	at := l.start
	for _, c := range l.chunks {
		if offset < at+uint64(len(c.data)) {
			skip := offset - at
			n := min(uint64(len(c.data))-skip, uint64(max))
			return offset, c.stream, append([]byte(nil), c.data[skip:skip+n]...), false
		}
		at += uint64(len(c.data))
	}
	return offset, 0, nil, l.closed // unreachable: offset is within the kept bytes
}
