package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"supportdesk/internal/live"

	"github.com/coder/websocket"
)

// Frames of a busy socket are coalesced: a socket written to less than its linger ago waits
// until then and sends everything queued meanwhile in one write, so the system calls on both
// ends follow the sockets (at most 1/linger each), not the events. A socket that was quiet for
// the linger sends at once: at a few events per second nothing waits. The linger is frameLinger
// and grows with the socket's rate (lingerFor) up to frameLingerMax: a queue view receiving a
// hundred changes a second gets them twice a second, in two writes instead of twenty (issue 13's
// bench, 600 tickets created a second with 1,000 subscribers: 250 -> 500 ms halved the socket
// writes, about 70 µs of server CPU per ticket created; at 20 events a second the sockets stay
// at frameLinger and p99 at 16 ms).
const (
	frameLinger    = 50 * time.Millisecond
	frameLingerMax = 500 * time.Millisecond
	// frameBusy is the batch size from which a socket counts as busy: each frame above it
	// lengthens the next linger by frameLinger/frameBusy.
	frameBusy = 2
	// frameQueue is how many frames a socket holds before a subscription writing to it waits
	// (and the hub resyncs it once its own buffer is full, as for any slow consumer).
	frameQueue = 512
)

// frameWrites counts the "next" frames written and the writes that carried them (all sockets of
// the process), for the live benchmark.
var frameWrites struct{ frames, writes atomic.Int64 }

// frameConn is the hijacked connection under the WebSocket. Data messages are framed here
// (writeText, writeNexts: RFC 6455 text frames, unmasked as a server's are) and written with one
// call per batch; the WebSocket library writes only control frames (pong, close), each a whole
// frame in one Write, as its bufio writer holds nothing else and flushes at every frame's end.
// Every write holds mu, so whole frames never interleave. After the library's close frame no
// data frame follows (net.ErrClosed, as the library's own Write answers).
type frameConn struct {
	net.Conn
	mu        sync.Mutex
	closeSent bool
	buf       []byte
}

func (c *frameConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(p) > 0 && p[0]&0x0f == opClose {
		c.closeSent = true
	}
	return c.Conn.Write(p)
}

// writeText writes p as one text message.
func (c *frameConn) writeText(p []byte) error {
	return c.send(func(b []byte) []byte { return append(appendTextHeader(b, len(p)), p...) })
}

// writeNexts writes the batch's "next" messages in one write.
func (c *frameConn) writeNexts(batch []next) error {
	return c.send(func(b []byte) []byte {
		for _, m := range batch {
			b = m.appendFrame(b)
		}
		return b
	})
}

// send writes what fill appends to an empty buffer, in one call.
func (c *frameConn) send(fill func([]byte) []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeSent {
		return net.ErrClosed
	}
	c.buf = fill(c.buf[:0])
	_, err := c.Conn.Write(c.buf)
	if cap(c.buf) > 64<<10 {
		c.buf = nil // a burst's buffer is not kept for the life of the connection
	}
	return err
}

// WebSocket framing (RFC 6455 section 5.2) of what a server sends: FIN set, text opcode, no mask.
const (
	opText  = 0x1
	opClose = 0x8
)

// appendTextHeader appends the header of an unfragmented text frame of n payload bytes.
func appendTextHeader(b []byte, n int) []byte {
	b = append(b, 0x80|opText)
	switch {
	case n < 126:
		return append(b, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, 126), uint16(n))
	default:
		return binary.BigEndian.AppendUint64(append(b, 127), uint64(n))
	}
}

// next is a queued "next" message: the subscription's id (JSON-quoted) and the payload its
// audience shares; the message's bytes are put together only in the socket's write buffer.
type next struct{ quotedID, payload []byte }

const (
	nextHead = `{"payload":`
	nextMid  = `,"id":`
	nextTail = `,"type":"next"}`
)

// appendFrame appends m as a text frame: byte for byte what the transport would write.
func (m next) appendFrame(b []byte) []byte {
	n := len(nextHead) + len(m.payload) + len(nextMid) + len(m.quotedID) + len(nextTail)
	return m.appendMessage(appendTextHeader(b, n))
}

// appendMessage appends m's message (the frame's payload).
func (m next) appendMessage(b []byte) []byte {
	b = append(b, nextHead...)
	b = append(b, m.payload...)
	b = append(b, nextMid...)
	b = append(b, m.quotedID...)
	return append(b, nextTail...)
}

// frameWriter hands the WebSocket library a frameConn when it hijacks the connection.
type frameWriter struct {
	http.ResponseWriter
	s *socket
}

func (w frameWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	conn, brw, err := h.Hijack()
	if err != nil {
		return nil, nil, err
	}
	fc := &frameConn{Conn: conn}
	w.s.mu.Lock()
	w.s.fc = fc
	w.s.mu.Unlock()
	return fc, bufio.NewReadWriter(brw.Reader, bufio.NewWriterSize(fc, brw.Writer.Size())), nil
}

// frames is a socket's queue of "next" frames and its writer goroutine. The queue is a slice
// under a lock, not a channel: the hub offers each event to hundreds of sockets, and a channel
// operation per frame (with its runtime lock) cost twice an append under an uncontended mutex;
// the writer is woken once per batch, when the first frame lands in an empty queue.
type frames struct {
	mu      sync.Mutex
	started bool
	q       []next        // queued, not yet taken by the writer
	wake    chan struct{} // one token: the queue became non-empty
	done    chan struct{} // closed when the connection's handler returns
	queued  int64         // frames ever queued
	written int64         // frames ever written (or given up with the connection)
	flushed chan struct{} // closed and replaced after each write
}

// enqueueFullHook, when set (by a test), runs when enqueue has found the queue full and before
// it looks again.
var enqueueFullHook func(*socket)

// enqueue queues a frame for the socket's writer, starting it on first use; while the queue is
// full it waits, or with wait false fails with live.ErrFull; it fails once the connection is
// gone.
func (s *socket) enqueue(frame next, wait bool) error {
	f := &s.frames
	for {
		n, err := s.enqueueAll(1, func(int) next { return frame })
		if n == 1 || !wait || !errors.Is(err, live.ErrFull) {
			return err
		}
		// The queue was full. Whether it still is and the write to wait for are read under
		// one lock: had the writer taken the queue and written it in between, the write waited
		// for would be one that nothing wakes (an empty queue sends no token).
		if enqueueFullHook != nil {
			enqueueFullHook(s)
		}
		f.mu.Lock()
		full, ch := len(f.q) >= frameQueue, f.flushed
		f.mu.Unlock()
		if !full {
			continue
		}
		select {
		case <-ch:
		case <-f.done:
			return net.ErrClosed
		}
	}
}

// enqueueAll queues frame(0) to frame(n-1) as far as the queue has room, without waiting, and
// returns how many it took (the first ones): fewer than n with live.ErrFull; none once the
// connection is gone (net.ErrClosed). It starts the writer on first use.
func (s *socket) enqueueAll(n int, frame func(int) next) (int, error) {
	f := &s.frames
	select {
	case <-f.done:
		return 0, net.ErrClosed
	default:
	}
	f.mu.Lock()
	if !f.started {
		f.started = true
		f.wake = make(chan struct{}, 1)
		f.flushed = make(chan struct{})
		go s.writeFrames()
	}
	wasEmpty := len(f.q) == 0
	take := min(n, frameQueue-len(f.q))
	for i := range take {
		f.q = append(f.q, frame(i))
	}
	f.queued += int64(take)
	f.mu.Unlock()
	if wasEmpty && take > 0 {
		select {
		case f.wake <- struct{}{}:
		default: // a token is already there
		}
	}
	if take < n {
		return take, live.ErrFull
	}
	return take, nil
}

// drain waits until every frame queued so far is written (or the connection is gone), so that
// a subscription's "complete" never overtakes its last events.
func (s *socket) drain() {
	f := &s.frames
	for {
		f.mu.Lock()
		if !f.started || f.written >= f.queued {
			f.mu.Unlock()
			return
		}
		ch := f.flushed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-f.done:
			return
		}
	}
}

// writeFrames is the socket's writer: it sends the queued frames, coalescing those of a busy
// socket (frameLinger), until the connection is gone.
func (s *socket) writeFrames() {
	f := &s.frames
	var last time.Time
	linger := frameLinger
	batch := make([]next, 0, 16)
	for {
		select {
		case <-f.wake:
		case <-f.done:
			return
		}
		if wait := linger - time.Since(last); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-f.done:
				t.Stop()
				return
			}
		}
		f.mu.Lock()
		batch, f.q = f.q, batch
		f.mu.Unlock()
		if len(batch) == 0 {
			continue // a token left from frames an earlier write took
		}
		err := s.writeBatch(batch)
		last = time.Now()
		linger = lingerFor(len(batch))
		f.mu.Lock()
		f.written += int64(len(batch))
		close(f.flushed)
		f.flushed = make(chan struct{})
		f.mu.Unlock()
		clear(batch)
		batch = batch[:0]
		if err != nil {
			_ = s.ws.CloseNow() // a connection that fails a write is gone; its handler ends
			return
		}
	}
}

// lingerFor is the linger after a write of n frames: frameLinger up to frameBusy frames, then
// longer in proportion to n, at most frameLingerMax. At the rate that filled the last batch the
// next one holds about as many frames per write again, so a socket's writes fall from
// 1/frameLinger to 1/frameLingerMax per second while the events' wait stays below
// frameLingerMax.
func lingerFor(n int) time.Duration {
	if n <= frameBusy {
		return frameLinger
	}
	return min(frameLinger*time.Duration(n)/frameBusy, frameLingerMax)
}

// writeBatch writes the batch's frames in one system call.
func (s *socket) writeBatch(batch []next) error {
	s.mu.Lock()
	fc := s.fc
	s.mu.Unlock()
	// Counted before the bytes leave, so a reader that has the frames sees them counted.
	frameWrites.frames.Add(int64(len(batch)))
	if fc == nil { // not a hijacked connection: the library writes each message
		frameWrites.writes.Add(int64(len(batch)))
		for _, m := range batch {
			// Not a request's context: a write cut short would close the whole connection.
			if err := s.ws.Write(context.Background(), websocket.MessageText, m.appendMessage(nil)); err != nil {
				return err
			}
		}
		return nil
	}
	frameWrites.writes.Add(1)
	return fc.writeNexts(batch)
}
