// Command server runs the Supportdesk GraphQL API. With no configuration it starts on an
// embedded SQLite database in ./data; DATABASE_URL=postgres://… runs it on PostgreSQL.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"supportdesk/internal/opencount"
	"supportdesk/internal/sla"

	"entgo.io/ent/dialect"
)

func main() {
	demo := flag.Bool("demo", false, "load the demo data set (idempotent) and print its logins")
	flag.Parse()
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "configuration:", err)
		os.Exit(2)
	}
	cfg.Demo = *demo
	applyGC(cfg)
	log.Info("garbage collector", "gc_percent", cfg.GCPercent, "memory_limit_bytes", cfg.MemoryLimit)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, log); err != nil {
		log.Error("server stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg Config, log *slog.Logger) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, log, ln)
}

// serve answers on ln from the start: while the database is not yet reachable and migrated,
// /healthz says the process is up, /readyz and everything else answer 503. Then the App takes
// over; if the database stays unreachable for DB_CONNECT_TIMEOUT, serve stops and says why.
func serve(ctx context.Context, cfg Config, log *slog.Logger, ln net.Listener) error {
	var current atomic.Pointer[http.Handler]
	starting := startingHandler()
	current.Store(&starting)
	srv := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*current.Load()).ServeHTTP(w, r) }),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "graphql", "http://"+displayAddr(cfg.Addr)+"/graphql")
	app, err := NewApp(ctx, cfg, log)
	if err != nil {
		_ = srv.Close()
		return err
	}
	defer app.Close()
	if cfg.Demo {
		if err := app.LoadDemo(ctx, os.Stdout); err != nil {
			_ = srv.Close()
			return fmt.Errorf("demo data: %w", err)
		}
	}
	// The SLA evaluator runs on every instance; its alerts are once-only by their unique key.
	go (&sla.Evaluator{SLA: app.SLA, Log: log, Interval: time.Minute, Observe: app.Metrics.Job("sla_evaluator")}).Run(ctx)
	// Webhook deliveries: every instance sends; a guarded claim keeps a row to one sender.
	go app.Deliveries.Run(ctx)
	// The open-ticket counters of the queue's totalCount: their delta rows folded into totals
	// (any instance may fold; a fold is one statement on PostgreSQL).
	go (&opencount.Folder{SQL: app.DB.SQL, Postgres: app.DB.Dialect == dialect.Postgres, Interval: 5 * time.Second,
		Log: log, Observe: app.Metrics.Job("ticket_counts")}).Run(ctx)
	// Mail intake and outbound mail, when configured.
	if err := app.StartMail(ctx); err != nil {
		_ = srv.Close()
		return err
	}
	// Carry-over of last month's unused minutes: once per contingent, whatever the instances.
	go app.handler.Budgets.CarryOverRun(ctx, func(msg string, args ...any) { log.Info(msg, args...) })
	// A server that has turned quiet gives the garbage of its last requests back (idle.go).
	go reclaimWhenIdle(ctx, reclaimInterval, cfg.ReleaseCodeWhenIdle, app.admission.served.Load, log)
	// The soft memory limit follows the live heap, never below MEMORY_LIMIT (memory.go).
	go keepMemoryLimit(ctx, cfg.MemoryLimit, 500*time.Millisecond)
	h := app.Handler()
	current.Store(&h)
	log.Info("ready", "database", app.DB.Dialect)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests, closing sockets with 1001 going away")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return app.Drain(shutdownCtx, srv)
}

// startingHandler answers while the database is being reached and migrated.
func startingHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		if r.URL.Path == "/healthz" {
			_, _ = w.Write([]byte("ok\n"))
			return
		}
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("starting: waiting for the database\n"))
	})
}

func displayAddr(addr string) string {
	if len(addr) > 0 && addr[0] == ':' {
		return "localhost" + addr
	}
	return addr
}
