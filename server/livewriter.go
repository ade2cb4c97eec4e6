package main

import (
	"bufio"
	"context"
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
// hundred changes a second gets them four times a second, in a quarter of the writes.
const (
	frameLinger    = 50 * time.Millisecond
	frameLingerMax = 250 * time.Millisecond
	// frameBusy is the batch size from which a socket counts as busy: each frame above it
	// lengthens the next linger by frameLinger/frameBusy.
	frameBusy = 2
	// frameQueue is how many frames a socket holds before a subscription writing to it waits
	// (and the hub resyncs it once its own buffer is full, as for any slow consumer).
	frameQueue = 256
)

// frameWrites counts the "next" frames written and the writes that carried them (all sockets of
// the process), for the live benchmark.
var frameWrites struct{ frames, writes atomic.Int64 }

// corkConn is the hijacked connection under the WebSocket: while corked, writes collect in a
// buffer that uncork sends with one write. Every write goes through mu, so bytes keep their order.
type corkConn struct {
	net.Conn
	mu     sync.Mutex
	corked bool
	buf    []byte
}

func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corked {
		c.buf = append(c.buf, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (c *corkConn) cork() {
	c.mu.Lock()
	c.corked = true
	c.mu.Unlock()
}

func (c *corkConn) uncork() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked = false
	if len(c.buf) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.buf)
	if cap(c.buf) > 64<<10 {
		c.buf = nil // a burst's buffer is not kept for the life of the connection
	} else {
		c.buf = c.buf[:0]
	}
	return err
}

// corkWriter hands the WebSocket library a corkConn when it hijacks the connection.
type corkWriter struct {
	http.ResponseWriter
	s *socket
}

func (w corkWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	conn, brw, err := h.Hijack()
	if err != nil {
		return nil, nil, err
	}
	cc := &corkConn{Conn: conn}
	w.s.mu.Lock()
	w.s.cork = cc
	w.s.mu.Unlock()
	return cc, bufio.NewReadWriter(brw.Reader, bufio.NewWriterSize(cc, brw.Writer.Size())), nil
}

// frames is a socket's queue of "next" frames and its writer goroutine.
type frames struct {
	once    sync.Once
	out     chan []byte
	done    chan struct{} // closed when the connection's handler returns
	mu      sync.Mutex
	queued  int64
	written int64
	flushed chan struct{} // closed and replaced after each write
}

// enqueue queues a frame for the socket's writer, starting it on first use; while the queue is
// full it waits, or with wait false fails with live.ErrFull; it fails once the connection is
// gone.
func (s *socket) enqueue(frame []byte, wait bool) error {
	f := &s.frames
	f.once.Do(func() {
		f.mu.Lock()
		f.out = make(chan []byte, frameQueue)
		f.flushed = make(chan struct{})
		f.mu.Unlock()
		go s.writeFrames()
	})
	f.mu.Lock()
	f.queued++
	f.mu.Unlock()
	if !wait {
		select {
		case f.out <- frame:
			return nil
		case <-f.done:
			return net.ErrClosed
		default:
			f.mu.Lock()
			f.queued--
			f.mu.Unlock()
			return live.ErrFull
		}
	}
	select {
	case f.out <- frame:
		return nil
	case <-f.done:
		return net.ErrClosed
	}
}

// drain waits until every frame queued so far is written (or the connection is gone), so that
// a subscription's "complete" never overtakes its last events.
func (s *socket) drain() {
	f := &s.frames
	for {
		f.mu.Lock()
		if f.out == nil || f.written >= f.queued {
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
	batch := make([][]byte, 0, 16)
	for {
		select {
		case fr := <-f.out:
			batch = append(batch, fr)
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
		for more := true; more; {
			select {
			case fr := <-f.out:
				batch = append(batch, fr)
			default:
				more = false
			}
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

// writeBatch writes frames as WebSocket messages, in one system call when the connection can
// be corked.
func (s *socket) writeBatch(batch [][]byte) error {
	s.mu.Lock()
	cc := s.cork
	s.mu.Unlock()
	// Counted before the bytes leave, so a reader that has the frames sees them counted.
	frameWrites.frames.Add(int64(len(batch)))
	if cc != nil && len(batch) > 1 {
		frameWrites.writes.Add(1)
		cc.cork()
	} else {
		frameWrites.writes.Add(int64(len(batch)))
	}
	var err error
	for _, fr := range batch {
		// Not a request's context: a write cut short would close the whole connection.
		if err = s.ws.Write(context.Background(), websocket.MessageText, fr); err != nil {
			break
		}
	}
	if cc != nil && len(batch) > 1 {
		if uerr := cc.uncork(); err == nil {
			err = uerr
		}
	}
	return err
}
