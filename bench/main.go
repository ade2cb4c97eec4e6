// Command bench generates a data set on PostgreSQL, starts the real server against it and
// measures the API's workloads against the same SQL through lib/pq (the floor) and, when asked,
// PostGraphile (the peer). See README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"
)

func main() {
	size := flag.String("size", "S", "data set: S (20k tickets), M (200k) or L (1M+)")
	pgURL := flag.String("db", envOr("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		"PostgreSQL server URL (its database is only used to create the bench database)")
	name := flag.String("name", "", "bench database name (default supportdesk_bench_<size>)")
	reuse := flag.Bool("reuse", false, "reuse the bench database if it was generated before")
	genOnly := flag.Bool("generate-only", false, "generate the data set and stop")
	dur := flag.Duration("duration", 5*time.Second, "measured time of each cell (after its warm-up)")
	warm := flag.Duration("warmup", time.Second, "warm-up of each cell, discarded")
	rounds := flag.Int("rounds", 3, "rounds; the cells of each round are interleaved")
	peer := flag.Bool("peer", false, "start PostGraphile from bench/peer as the peer (needs node and npm ci there)")
	only := flag.String("only", "", "comma-separated workload names to run (default all)")
	drop := flag.Bool("drop", false, "drop the bench database at the end")
	smoke := flag.Bool("smoke", false, "CI smoke: short cells, one round, c=1 and 8 only")
	idleWin := flag.Duration("idle-window", idleWindow, "how long the idle RSS is watched at start and end (shorter for quick comparisons; the idle targets need the default)")
	flag.Parse()
	log.SetFlags(log.Ltime)
	sz, ok := Sizes[strings.ToUpper(*size)]
	if !ok {
		log.Fatalf("unknown size %q: S, M or L", *size)
	}
	if *name == "" {
		*name = "supportdesk_bench_" + strings.ToLower(sz.Name)
	}
	cfg := runConfig{Size: sz, AdminURL: *pgURL, Name: *name, Reuse: *reuse, Duration: *dur, Warmup: *warm,
		Rounds: *rounds, Peer: *peer, Smoke: *smoke, Drop: *drop, IdleWindow: *idleWin}
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	if *smoke {
		cfg.Rounds, cfg.Duration, cfg.Warmup, cfg.IdleWindow = 1, 400*time.Millisecond, 200*time.Millisecond, 2*time.Second
	}
	if err := run(context.Background(), cfg, *genOnly); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
