package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
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
	conns := make([]*websocket.Conn, len(subs))
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
				c.Close(websocket.StatusNormalClosure, "")
			}
			return
		}
	}
}

// benchDial opens one socket, completes connection_init and sends the subscription.
func benchDial(s benchSpec) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, s.URL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	write := func(m wsMsg) error { return conn.Write(ctx, websocket.MessageText, mustJSON(m)) }
	if err := write(wsMsg{Type: "connection_init", Payload: mustJSON(map[string]any{"authorization": "Bearer " + s.Token})}); err != nil {
		return nil, err
	}
	if _, b, err := conn.Read(ctx); err != nil || !strings.Contains(string(b), "connection_ack") {
		return nil, fmt.Errorf("no ack: %s %v", b, err)
	}
	if err := write(wsMsg{ID: "1", Type: "subscribe", Payload: mustJSON(map[string]any{"query": s.Query, "variables": s.Vars})}); err != nil {
		return nil, err
	}
	return conn, nil
}

// benchRead reads a socket until it closes, answering pings and reporting markers. The clients
// stand in for remote machines but share this one's cores with the servers, so the common case
// is read cheaply: a "next" frame as the server writes it (type last) into one reused buffer and
// scanned for its marker without decoding; anything else is decoded.
func benchRead(conn *websocket.Conn, arrived func(marker int, at int64), other func(resync bool, msg string)) {
	var buf bytes.Buffer
	nextTail := []byte(`"type":"next"}`)
	for {
		_, r, err := conn.Reader(context.Background())
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return
		}
		b := buf.Bytes()
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
			_ = conn.Write(context.Background(), websocket.MessageText, mustJSON(wsMsg{Type: "pong"}))
		case "next":
			benchNext(m.Payload, arrived, other, at)
		}
	}
}

// benchNext reports what a "next" payload (or whole frame) p carries.
func benchNext(p []byte, arrived func(marker int, at int64), other func(resync bool, msg string), at int64) {
	if bytes.Contains(p, []byte(`"errors"`)) {
		other(false, string(p))
	}
	if bytes.Contains(p, []byte(`"RESYNC"`)) {
		other(true, "")
		return
	}
	k := bytes.Index(p, []byte(`"bench-`))
	if k < 0 {
		return
	}
	rest := p[k+len(`"bench-`):]
	end := bytes.IndexByte(rest, '"')
	marker, err := strconv.Atoi(string(rest[:max(end, 0)]))
	if err == nil {
		arrived(marker, at)
	}
}
