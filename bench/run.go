package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"time"

	"supportdesk/graph/gid"

	"github.com/lib/pq"
)

// runConfig is what the command line asks for.
type runConfig struct {
	Size             Size
	AdminURL, Name   string
	Reuse            bool
	Duration, Warmup time.Duration
	Rounds           int
	Peer, Smoke      bool
	Drop             bool // drop the bench database at the end
	Only             []string
	IdleWindow       time.Duration // how long each idle RSS is watched (idleWindow by default)
}

// bench is one run: the database, the started processes and the results.
type bench struct {
	cfg    runConfig
	dbURL  string
	sql    *sql.DB // bookkeeping connection (fixtures, counters)
	floor  *sql.DB // the floor's pool
	server *proc
	peer   *proc
	fix    fixture
	// cells keyed by workload, mode and side, merged over rounds.
	cells   map[string]*cell
	order   []string
	idleRSS map[string]int64
	// idleSplit is the server's idle RSS as anonymous and file-backed parts.
	idleSplit map[string]string
	peakRSS   map[string]int64
}

type cell struct {
	workload, mode, side string
	res                  result
	d                    delta
	reqs                 int
	peakRSS              map[string]int64
}

func key(w, mode, s string) string { return w + "|" + mode + "|" + s }

// exists reports whether the bench database holds a generated data set of the size.
func exists(ctx context.Context, dbURL string, sz Size) bool {
	q, err := sql.Open("postgres", dbURL)
	if err != nil {
		return false
	}
	defer q.Close()
	var n int
	err = q.QueryRowContext(ctx, "SELECT count(*) FROM tickets WHERE number LIKE 'SD-%' AND title LIKE '%generated inquiry%'").Scan(&n)
	return err == nil && n == sz.Tickets
}

func run(ctx context.Context, cfg runConfig, genOnly bool) error {
	logf := func(f string, a ...any) { fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+f+"\n", a...) }
	dbURL, err := withDB(cfg.AdminURL, cfg.Name)
	if err != nil {
		return err
	}
	if cfg.Reuse && exists(ctx, dbURL, cfg.Size) {
		logf("reusing %s", cfg.Name)
	} else if _, dbURL, err = Generate(ctx, cfg.AdminURL, cfg.Name, cfg.Size, logf); err != nil {
		return err
	}
	if genOnly {
		return nil
	}
	b := &bench{cfg: cfg, dbURL: dbURL, cells: map[string]*cell{}, idleRSS: map[string]int64{}, idleSplit: map[string]string{}, peakRSS: map[string]int64{}}
	if b.sql, err = sql.Open("postgres", dbURL); err != nil {
		return err
	}
	defer b.sql.Close()
	if b.floor, err = sql.Open("postgres", dbURL); err != nil {
		return err
	}
	b.floor.SetMaxOpenConns(20)
	b.floor.SetMaxIdleConns(20)
	defer b.floor.Close()
	dir, err := os.MkdirTemp("", "supportdesk-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	logf("building and starting the server")
	if b.server, err = startServer(ctx, dir, dbURL); err != nil {
		return err
	}
	defer b.server.stop()
	if cfg.Peer {
		if b.peer, err = startPeer(ctx, dbURL); err != nil {
			return fmt.Errorf("peer: %w", err)
		}
		defer b.peer.stop()
	}
	if err := b.prepare(ctx); err != nil {
		return err
	}
	if err := b.validate(ctx); err != nil {
		return err
	}
	if b.peer != nil {
		if err := b.comparePeer(ctx); err != nil {
			return err
		}
	}
	ws := b.workloads()
	if len(cfg.Only) > 0 {
		var keep []workload
		for _, w := range ws {
			for _, o := range cfg.Only {
				if strings.TrimSpace(o) == w.name {
					keep = append(keep, w)
				}
			}
		}
		ws = keep
	}
	if cfg.Smoke {
		for i := range ws {
			ws[i].conc, ws[i].open = []int{1, 8}, false
		}
	}
	// Idle means quiet for a while: the validation requests just ran (the server gives a quiet
	// spell's garbage back within two 2 s checks).
	time.Sleep(idleAfter)
	b.idle("idle at start")
	openRate := map[string]float64{}
	for round := 1; round <= cfg.Rounds; round++ {
		logf("round %d of %d", round, cfg.Rounds)
		for _, w := range ws {
			for _, c := range w.conc {
				for _, s := range w.sides {
					r := b.measure(ctx, w, s, fmt.Sprintf("c=%d", c), func() *result {
						return closedLoop(ctx, s.fn, c, cfg.Warmup, cfg.Duration)
					})
					if s.name == "ours" && round == 1 {
						openRate[w.name] = max(openRate[w.name], summarize(r).rps/2)
					}
				}
			}
			if w.open && openRate[w.name] > 0 {
				rate := openRate[w.name]
				for _, s := range w.sides {
					b.measure(ctx, w, s, fmt.Sprintf("open %.0f/s", rate), func() *result {
						return openLoop(ctx, s.fn, rate, cfg.Warmup, cfg.Duration)
					})
				}
			}
		}
	}
	// Idle after a pause: the collector and the evaluator have run once more.
	time.Sleep(idleAfter)
	b.idle("idle at end")
	b.report(os.Stdout, ws)
	if cfg.Drop {
		b.server.stop()
		b.peer.stop()
		b.sql.Close()
		b.floor.Close()
		if err := dropDB(ctx, cfg.AdminURL, cfg.Name); err != nil {
			return err
		}
	}
	if cfg.Smoke {
		// The smoke test fails on any failed request.
		for _, k := range b.order {
			if c := b.cells[k]; c.res.errs > 0 {
				return fmt.Errorf("smoke: %s %s %s: %d failed requests, first: %v", c.workload, c.mode, c.side, c.res.errs, c.res.firstEr)
			}
		}
	}
	return nil
}

// measure runs one cell and merges it into the results.
func (b *bench) measure(ctx context.Context, w workload, s side, mode string, fn func() *result) *result {
	pids := []int{b.server.pid}
	if b.peer != nil {
		pids = append(pids, b.peer.pid)
	}
	a := b.snapshot(ctx)
	rs := sampleRSS(pids...)
	r := fn()
	peak := rs.end()
	z := b.snapshot(ctx)
	k := key(w.name, mode, s.name)
	c := b.cells[k]
	if c == nil {
		c = &cell{workload: w.name, mode: mode, side: s.name, peakRSS: map[string]int64{}}
		b.cells[k] = c
		b.order = append(b.order, k)
	}
	// Per-request figures: the rounds' deltas are summed through the request counts.
	d := perRequest(a, z, len(r.lat))
	n := len(r.lat)
	merged := delta{cpuMS: map[string]float64{}}
	tot := c.reqs + n
	if tot > 0 {
		for k2 := range d.cpuMS {
			merged.cpuMS[k2] = (c.d.cpuMS[k2]*float64(c.reqs) + d.cpuMS[k2]*float64(n)) / float64(tot)
		}
		merged.stmts = (c.d.stmts*float64(c.reqs) + d.stmts*float64(n)) / float64(tot)
		merged.xacts = (c.d.xacts*float64(c.reqs) + d.xacts*float64(n)) / float64(tot)
	}
	c.d, c.reqs = merged, tot
	c.res.merge(r)
	for pid, v := range peak {
		role := "server"
		if b.peer != nil && pid == b.peer.pid {
			role = "peer"
		}
		c.peakRSS[role] = max(c.peakRSS[role], v)
		if s.name == role || s.name == "ours" && role == "server" {
			b.peakRSS[role] = max(b.peakRSS[role], v)
		}
	}
	if r.errs > 0 {
		fmt.Fprintf(os.Stderr, "  %s %s %s: %d errors, first: %v\n", w.name, mode, s.name, r.errs, r.firstEr)
	}
	sm := summarize(r)
	fmt.Fprintf(os.Stderr, "  %-16s %-12s %-5s %7.1f rps  p50 %s ms  p99 %s ms\n", w.name, mode, s.name, sm.rps, ms(sm.p50), ms(sm.p99))
	return r
}

// idleAfter is the quiet time before an idle RSS is read; idleWindow how long it is then
// watched: the idle figure is the peak of that window, read every half second, so that what a
// quiet server runs (the SLA evaluator each minute, the counters' fold every 5 s) and what it
// maps again after giving memory back are in it, not only the moment after a release.
const (
	idleAfter  = 7 * time.Second
	idleWindow = 65 * time.Second
)

func (b *bench) idle(label string) {
	window := b.cfg.IdleWindow
	var peak, peer int64
	var split string
	for end := time.Now().Add(window); ; time.Sleep(500 * time.Millisecond) {
		if v := rssOf(b.server.pid); v > peak {
			peak, split = v, rssSplit(b.server.pid)
		}
		if b.peer != nil {
			peer = max(peer, rssOf(b.peer.pid))
		}
		if time.Now().After(end) {
			break
		}
	}
	b.idleRSS[label+" server"] = peak
	b.idleSplit[label+" server"] = split
	if b.peer != nil {
		b.idleRSS[label+" peer"] = peer
	}
}

// validate checks the data through the API: a queue page and a ticket's detail answer.
func (b *bench) validate(ctx context.Context) error {
	api := b.server.base + "/graphql"
	var q struct {
		Queue struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID, Number string } }
		}
	}
	if err := gql(ctx, api, b.fix.agentTok[0], queueCount, nil, &q); err != nil {
		return fmt.Errorf("validate queue: %w", err)
	}
	var want int
	if err := b.sql.QueryRowContext(ctx, floorCount, pq.Array(b.fix.partnerCustomers)).Scan(&want); err != nil {
		return err
	}
	if q.Queue.TotalCount != want || len(q.Queue.Edges) != min(50, want) {
		return fmt.Errorf("validate queue: totalCount %d and %d edges, the database holds %d open tickets of partner 1", q.Queue.TotalCount, len(q.Queue.Edges), want)
	}
	var d struct {
		Node *struct {
			Number string
			SLA    *struct{ Resolution struct{ State string } }
			Events struct {
				Edges []struct{ Node struct{ Kind string } }
			}
		}
	}
	if err := gql(ctx, api, b.fix.agentTok[0], detailQuery, map[string]any{"id": gid.Encode(b.fix.detailIDs[0])}, &d); err != nil {
		return fmt.Errorf("validate detail: %w", err)
	}
	if d.Node == nil || d.Node.SLA == nil || len(d.Node.Events.Edges) != 2 {
		return fmt.Errorf("validate detail: ticket %d answered %+v", b.fix.detailIDs[0], d.Node)
	}
	fmt.Fprintf(os.Stderr, "validated: queue of partner 1 has %d open tickets; ticket %s has SLA %s and 2 history rows\n",
		want, d.Node.Number, d.Node.SLA.Resolution.State)
	return nil
}

// machine describes where the run happened.
func machine() string {
	var sb strings.Builder
	host, _ := os.Hostname()
	fmt.Fprintf(&sb, "host %s, %d CPUs (%s), Go %s", host, runtime.NumCPU(), cpuModel(), runtime.Version())
	if out, err := exec.Command("uptime").Output(); err == nil {
		fmt.Fprintf(&sb, "\nuptime: %s", strings.TrimSpace(string(out)))
	}
	if out, err := exec.Command("psql", "--version").Output(); err == nil {
		fmt.Fprintf(&sb, "\n%s", strings.TrimSpace(string(out)))
	}
	return sb.String()
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "?"
}

func mb(v int64) string { return fmt.Sprintf("%.0f MB", float64(v)/(1<<20)) }

// report prints the table of cells and the targets.
func (b *bench) report(w *os.File, ws []workload) {
	fmt.Fprintf(w, "# supportdesk bench, size %s (%d tickets), %s\n", b.cfg.Size.Name, b.cfg.Size.Tickets, time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(w, "%s\n", machine())
	fmt.Fprintf(w, "cells: %v measured after %v warm-up, %d rounds interleaved; statement month %s of customer 1 (%d time entries)\n\n",
		b.cfg.Duration, b.cfg.Warmup, b.cfg.Rounds, b.fix.month, b.fix.monthEntries)
	fmt.Fprintf(w, "%-16s %-12s %-5s %7s %8s %8s %8s %8s %6s %6s %8s %8s %8s %8s %7s\n", "workload", "mode", "side", "n", "rps",
		"p50 ms", "p99 ms", "max ms", "stmt/r", "xact/r", "cpu srv", "cpu pg", "cpu peer", "cpu cli", "rss")
	for _, k := range b.order {
		c := b.cells[k]
		s := summarize(&c.res)
		stmts := "–"
		if c.side == "ours" {
			stmts = fmt.Sprintf("%.1f", c.d.stmts)
		}
		cpuPeer := "–"
		if b.peer != nil {
			cpuPeer = fmt.Sprintf("%.2f", c.d.cpuMS["peer"])
		}
		rss := c.peakRSS["server"]
		if c.side == "peer" {
			rss = c.peakRSS["peer"]
		}
		fmt.Fprintf(w, "%-16s %-12s %-5s %7d %8.1f %8s %8s %8s %6s %6.1f %8.2f %8.2f %8s %8.2f %7s\n", c.workload, c.mode, c.side, s.n, s.rps,
			ms(s.p50), ms(s.p99), ms(s.max), stmts, c.d.xacts, c.d.cpuMS["server"], c.d.cpuMS["postgres"], cpuPeer, c.d.cpuMS["client"], mb(rss))
		if c.res.errs > 0 {
			fmt.Fprintf(w, "    %d errors, first: %v\n", c.res.errs, c.res.firstEr)
		}
	}
	fmt.Fprintln(w, "\n(cpu: CPU ms per request of the server, the PostgreSQL backends of the bench database, the peer and this client;")
	fmt.Fprintln(w, " stmt/r: statements sent through Ent per request (/metrics, background jobs included); xact/r: transactions of the bench database per request; rss: peak of the serving process)")
	var labels []string
	for l := range b.idleRSS {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	fmt.Fprintf(w, "\nRSS:")
	for _, l := range labels {
		if split := b.idleSplit[l]; split != "" {
			fmt.Fprintf(w, " %s %s (%s);", l, mb(b.idleRSS[l]), split)
		} else {
			fmt.Fprintf(w, " %s %s;", l, mb(b.idleRSS[l]))
		}
	}
	fmt.Fprintf(w, " under load: server peak %s", mb(b.peakRSS["server"]))
	if b.peer != nil {
		fmt.Fprintf(w, ", peer peak %s", mb(b.peakRSS["peer"]))
	}
	fmt.Fprintln(w)
	b.targets(w)
}
