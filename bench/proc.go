package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat (100 on Linux).
const clockTicks = 100

// cpuOf returns the user+system CPU time of a process, 0 when it is gone.
func cpuOf(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	// The command may hold spaces: fields start after the last ')'.
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / clockTicks
}

// rssOf returns the resident set size of a process in bytes (VmRSS).
func rssOf(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// rssSplit is the anonymous and the file-backed part of a process's RSS ("12 MB anon + 36 MB
// file"): the file-backed part is mostly the binary's own pages.
func rssSplit(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	var anon, file int64
	for _, l := range strings.Split(string(b), "\n") {
		for key, dst := range map[string]*int64{"RssAnon:": &anon, "RssFile:": &file} {
			if v, ok := strings.CutPrefix(l, key); ok {
				*dst, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			}
		}
	}
	return fmt.Sprintf("%d MB anon + %d MB file", anon/1024, file/1024)
}

// rssSampler keeps the peak RSS of some processes while it runs.
type rssSampler struct {
	mu   sync.Mutex
	peak map[int]int64
	stop chan struct{}
	done chan struct{}
}

func sampleRSS(pids ...int) *rssSampler {
	s := &rssSampler{peak: map[int]int64{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			s.mu.Lock()
			for _, p := range pids {
				if p > 0 {
					s.peak[p] = max(s.peak[p], rssOf(p))
				}
			}
			s.mu.Unlock()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) end() map[int]int64 {
	close(s.stop)
	<-s.done
	return s.peak
}

// pgBackends are the PostgreSQL server processes connected to database name.
func pgBackends(ctx context.Context, q *sql.DB, name string) []int {
	rows, err := q.QueryContext(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = $1", name)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var pids []int
	for rows.Next() {
		var p int
		if rows.Scan(&p) == nil {
			pids = append(pids, p)
		}
	}
	return pids
}

// counters is a snapshot of what a cell divides by its requests.
type counters struct {
	cpu        map[string]time.Duration // by process role: server, postgres, peer, client
	pgBackends map[int]time.Duration
	stmts      float64 // statements sent through Ent (the server's /metrics)
	xacts      int64   // transactions committed in the bench database (pg_stat_database)
}

// metricValue sums the samples of a Prometheus counter in the server's /metrics.
func metricValue(base, name string) float64 {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	sum := 0.0
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, name) || len(line) <= len(name) || (line[len(name)] != '{' && line[len(name)] != ' ') {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err == nil {
			sum += v
		}
	}
	return sum
}

// snapshot reads the counters now.
func (b *bench) snapshot(ctx context.Context) counters {
	c := counters{cpu: map[string]time.Duration{}, pgBackends: map[int]time.Duration{}}
	c.cpu["server"] = cpuOf(b.server.pid)
	if b.peer != nil {
		c.cpu["peer"] = cpuOf(b.peer.pid)
	}
	c.cpu["client"] = cpuOf(os.Getpid())
	for _, p := range pgBackends(ctx, b.sql, b.cfg.Name) {
		c.pgBackends[p] = cpuOf(p)
	}
	c.stmts = metricValue(b.server.base, "supportdesk_sql_statements_total")
	_ = b.sql.QueryRowContext(ctx, "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1", b.cfg.Name).Scan(&c.xacts)
	return c
}

// delta is per-request figures between two snapshots.
type delta struct {
	cpuMS        map[string]float64
	stmts, xacts float64
}

func perRequest(a, z counters, n int) delta {
	d := delta{cpuMS: map[string]float64{}}
	if n == 0 {
		return d
	}
	for k, v := range z.cpu {
		d.cpuMS[k] = float64(v-a.cpu[k]) / float64(time.Millisecond) / float64(n)
	}
	var pg time.Duration
	for p, v := range z.pgBackends {
		pg += v - a.pgBackends[p]
	}
	d.cpuMS["postgres"] = float64(pg) / float64(time.Millisecond) / float64(n)
	d.stmts = (z.stmts - a.stmts) / float64(n)
	d.xacts = float64(z.xacts-a.xacts) / float64(n)
	return d
}
