package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// liveBenchClientsEnv names the spec file of the benchmark's client process.
const liveBenchClientsEnv = "LIVE_BENCH_CLIENTS"

// benchSpec is one subscriber socket of the benchmark.
type benchSpec struct {
	Group, URL, Token, Query string
	Vars                     map[string]any
}

// benchGot is what one socket received: per marker ("bench-<i>" in a ticket title or comment
// body) the number of deliveries and the arrival of the first (Unix nanoseconds, stamped when
// read off the socket), RESYNC events, and protocol errors.
type benchGot struct {
	Got     map[int]int
	First   map[int]int64
	Resyncs int
	Errors  []string
}

type benchReport struct {
	Subs []*benchGot
}

// benchClients is the benchmark's client process: this test binary re-executed to run
// TestLiveBenchClients, spoken to by lines on its standard input and output.
type benchClients struct {
	t     *testing.T
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string
	mu    sync.Mutex
	done  bool
}

// startBenchClients starts a client process that opens every socket of subs, and returns when
// all of them are subscribed.
func startBenchClients(t *testing.T, subs []benchSpec) *benchClients {
	t.Helper()
	b, err := json.Marshal(subs)
	if err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(t.TempDir(), "clients.json")
	if err := os.WriteFile(spec, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLiveBenchClients$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), liveBenchClientsEnv+"="+spec)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group: nice applies to all its threads
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &benchClients{t: t, cmd: cmd, in: in, lines: make(chan string, 16)}
	t.Cleanup(func() {
		if !c.done {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	go func() {
		defer close(c.lines)
		r := bufio.NewReaderSize(out, 1<<20)
		for {
			l, err := r.ReadString('\n')
			if rest, ok := strings.CutPrefix(l, "LBC "); ok {
				c.lines <- strings.TrimSpace(rest)
			} else if strings.TrimSpace(l) != "" {
				fmt.Fprint(os.Stderr, "client process: ", l) // its test output, failures included
			}
			if err != nil {
				return
			}
		}
	}()
	if l := c.next(120 * time.Second); l != "ready" {
		t.Fatalf("client process: %s", l)
	}
	return c
}

func (c *benchClients) next(d time.Duration) string {
	c.t.Helper()
	select {
	case l, ok := <-c.lines:
		if !ok {
			c.t.Fatal("client process ended")
		}
		return l
	case <-time.After(d):
		c.t.Fatalf("client process silent for %v", d)
		return ""
	}
}

func (c *benchClients) ask(cmd string) string {
	c.t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := fmt.Fprintln(c.in, cmd); err != nil {
		c.t.Fatal(err)
	}
	l := c.next(60 * time.Second)
	rest, ok := strings.CutPrefix(l, cmd+" ")
	if !ok {
		c.t.Fatalf("client process answered %q to %s", l, cmd)
	}
	return rest
}

// nice sets the scheduling priority of every thread of the client process (0 normal, 19
// lowest): clients stand in for remote machines, so while write throughput is measured they may
// yield the shared cores to the servers and the database.
func (c *benchClients) nice(n int) {
	if err := syscall.Setpriority(syscall.PRIO_PGRP, c.cmd.Process.Pid, n); err != nil {
		c.t.Logf("client process nice %d: %v", n, err)
	}
}

// count is the number of first deliveries received so far.
func (c *benchClients) count() int {
	n, _ := strconv.Atoi(c.ask("count"))
	return n
}

// cpu is the client process's CPU time so far.
func (c *benchClients) cpu() time.Duration {
	n, _ := strconv.ParseInt(c.ask("cpu"), 10, 64)
	return time.Duration(n)
}

// report ends the client process (its sockets close) and returns what every socket received.
func (c *benchClients) report() benchReport {
	c.t.Helper()
	var r benchReport
	if err := json.Unmarshal([]byte(c.ask("report")), &r); err != nil {
		c.t.Fatal(err)
	}
	_ = c.in.Close()
	if err := c.cmd.Wait(); err != nil {
		c.t.Errorf("client process: %v", err)
	}
	c.done = true
	return r
}

// TestLiveBenchClients is the client process of TestLiveBenchmark (it runs only when that test
// starts it): it opens the sockets of the spec, subscribes, prints "LBC ready", and then answers
// count, cpu and report on its standard input; report ends it.
func TestLiveBenchClients(t *testing.T) {
	spec := os.Getenv(liveBenchClientsEnv)
	if spec == "" {
		t.Skip("the client process of TestLiveBenchmark")
	}
	b, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	var subs []benchSpec
	if err := json.Unmarshal(b, &subs); err != nil {
		t.Fatal(err)
	}
	got := make([]*benchGot, len(subs))
	conns := make([]*benchConn, len(subs))
	var mu sync.Mutex // guards got
	var firsts int
	var wg sync.WaitGroup
	work := make(chan int)
	dialErr := make(chan error, len(subs))
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				g := &benchGot{Got: map[int]int{}, First: map[int]int64{}}
				got[k] = g
				conn, err := benchDial(subs[k])
				for try := 1; err != nil && try < 3; try++ {
					// A refused init under load is retried (and reported), as a client would.
					fmt.Fprintf(os.Stderr, "subscriber %d: %v; retrying\n", k, err)
					time.Sleep(time.Second)
					conn, err = benchDial(subs[k])
				}
				if err != nil {
					dialErr <- fmt.Errorf("subscriber %d: %w", k, err)
					continue
				}
				conns[k] = conn
				go benchRead(conn, func(marker int, at int64) {
					mu.Lock()
					g.Got[marker]++
					if g.Got[marker] == 1 {
						g.First[marker] = at
						firsts++
					}
					mu.Unlock()
				}, func(resync bool, msg string) {
					mu.Lock()
					if resync {
						g.Resyncs++
					} else {
						g.Errors = append(g.Errors, msg)
					}
					mu.Unlock()
				})
			}
		}()
	}
	for k := range subs {
		work <- k
	}
	close(work)
	wg.Wait()
	close(dialErr)
	for err := range dialErr {
		t.Fatal(err)
	}
	if prof := os.Getenv("LIVE_CPUPROFILE"); prof != "" {
		// The client process's own CPU profile (path.client.<pid>), for what it costs the machine.
		if f, err := os.Create(fmt.Sprintf("%s.client.%d", prof, os.Getpid())); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	fmt.Println("LBC ready")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch cmd := in.Text(); cmd {
		case "count":
			mu.Lock()
			fmt.Println("LBC count", firsts)
			mu.Unlock()
		case "cpu":
			fmt.Println("LBC cpu", cpuOf(syscall.RUSAGE_SELF).Nanoseconds())
		case "report":
			mu.Lock()
			b, err := json.Marshal(benchReport{Subs: got})
			mu.Unlock()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("LBC report %s\n", b)
			for _, c := range conns {
				c.Close()
			}
			return
		}
	}
}

// benchConn is a client socket read frame by frame off the TCP connection. The clients stand in
// for remote machines but share this one's cores with the servers, so they read as cheaply as a
// client can: after the handshake, frames are parsed in place from one buffered reader (a
// WebSocket library's per-message reader cost the client process 0.9 µs per frame). Frames the
// client sends are masked, as RFC 6455 requires of clients.
type benchConn struct {
	c   net.Conn
	br  *bufio.Reader
	wmu sync.Mutex
	buf []byte
}

// benchDial opens one socket, completes connection_init and sends the subscription.
func benchDial(s benchSpec) (*benchConn, error) {
	u, err := url.Parse(s.URL)
	if err != nil {
		return nil, err
	}
	c, err := net.DialTimeout("tcp", u.Host, 30*time.Second)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	var k [16]byte
	_, _ = rand.Read(k[:])
	key := base64.StdEncoding.EncodeToString(k[:])
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n", u.Path, u.Host, key)
	bc := &benchConn{c: c, br: bufio.NewReaderSize(c, 64<<10)}
	resp, err := http.ReadResponse(bc.br, nil)
	if err != nil {
		c.Close()
		return nil, err
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		c.Close()
		return nil, fmt.Errorf("handshake: %s", resp.Status)
	}
	if err := bc.write(0x1, mustJSON(wsMsg{Type: "connection_init", Payload: mustJSON(map[string]any{"authorization": "Bearer " + s.Token})})); err != nil {
		return nil, err
	}
	if op, b, err := bc.read(); err != nil || op != 0x1 || !strings.Contains(string(b), "connection_ack") {
		c.Close()
		return nil, fmt.Errorf("no ack: %s %v", b, err)
	}
	if err := bc.write(0x1, mustJSON(wsMsg{ID: "1", Type: "subscribe", Payload: mustJSON(map[string]any{"query": s.Query, "variables": s.Vars})})); err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Time{})
	return bc, nil
}

// write sends one masked frame with opcode op.
func (bc *benchConn) write(op byte, p []byte) error {
	bc.wmu.Lock()
	defer bc.wmu.Unlock()
	b := []byte{0x80 | op}
	switch n := len(p); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = binary.BigEndian.AppendUint16(append(b, 0x80|126), uint16(n))
	default:
		b = binary.BigEndian.AppendUint64(append(b, 0x80|127), uint64(n))
	}
	var mask [4]byte
	_, _ = rand.Read(mask[:])
	b = append(b, mask[:]...)
	for i, c := range p {
		b = append(b, c^mask[i%4])
	}
	_, err := bc.c.Write(b)
	return err
}

// read returns the next frame's opcode and payload (valid until the next read). The server
// sends unfragmented, unmasked frames.
func (bc *benchConn) read() (byte, []byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(bc.br, h[:]); err != nil {
		return 0, nil, err
	}
	n := int(h[1] & 0x7f)
	switch n {
	case 126:
		var l [2]byte
		if _, err := io.ReadFull(bc.br, l[:]); err != nil {
			return 0, nil, err
		}
		n = int(binary.BigEndian.Uint16(l[:]))
	case 127:
		var l [8]byte
		if _, err := io.ReadFull(bc.br, l[:]); err != nil {
			return 0, nil, err
		}
		n = int(binary.BigEndian.Uint64(l[:]))
	}
	if h[0]&0x80 == 0 || h[1]&0x80 != 0 {
		return 0, nil, fmt.Errorf("unexpected frame %x", h)
	}
	if cap(bc.buf) < n {
		bc.buf = make([]byte, n)
	}
	bc.buf = bc.buf[:n]
	if _, err := io.ReadFull(bc.br, bc.buf); err != nil {
		return 0, nil, err
	}
	return h[0] & 0x0f, bc.buf, nil
}

// Close sends a close frame and closes the connection.
func (bc *benchConn) Close() {
	_ = bc.write(0x8, []byte{0x03, 0xe8}) // 1000, normal closure
	_ = bc.c.Close()
}

// benchRead reads a socket until it closes, answering pings and reporting markers: a "next"
// frame as the server writes it (type last) is scanned for its marker without decoding;
// anything else is decoded.
func benchRead(conn *benchConn, arrived func(marker int, at int64), other func(resync bool, msg string)) {
	nextTail := []byte(`"type":"next"}`)
	for {
		op, b, err := conn.read()
		if err != nil {
			return
		}
		switch op {
		case 0x8:
			return
		case 0x9:
			_ = conn.write(0xA, b)
			continue
		case 0x1:
		default:
			continue
		}
		at := time.Now().UnixNano()
		if bytes.HasSuffix(b, nextTail) {
			benchNext(b, arrived, other, at)
			continue
		}
		var m wsMsg
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		switch m.Type {
		case "error", "complete":
			other(false, m.Type+" "+string(m.Payload))
		case "ping":
			_ = conn.write(0x1, mustJSON(wsMsg{Type: "pong"}))
		case "next":
			benchNext(m.Payload, arrived, other, at)
		}
	}
}

// benchNext reports what a "next" payload (or whole frame) p carries. It looks at each frame
// about once: a response with errors starts with them (graphql.Response's field order), so one
// that starts with data has none, and every bench subscription selects kind first, so a RESYNC
// shows within the first bytes; only the marker is sought through the whole frame.
func benchNext(p []byte, arrived func(marker int, at int64), other func(resync bool, msg string), at int64) {
	q := bytes.TrimPrefix(p, []byte(`{"payload":`))
	if !bytes.HasPrefix(q, []byte(`{"data":{`)) {
		other(false, string(p))
		return
	}
	if k := bytes.Index(q, []byte(`"kind":"`)); k >= 0 && bytes.HasPrefix(q[k+len(`"kind":"`):], []byte(`RESYNC"`)) {
		other(true, "")
		return
	}
	k := bytes.Index(q, []byte(`"bench-`))
	if k < 0 {
		return
	}
	rest := q[k+len(`"bench-`):]
	end := bytes.IndexByte(rest, '"')
	marker, err := strconv.Atoi(string(rest[:max(end, 0)]))
	if err == nil {
		arrived(marker, at)
	}
}
