// Command server runs the Supportdesk GraphQL API. With no configuration it starts on an
// embedded SQLite database in ./data; DATABASE_URL=postgres://… runs it on PostgreSQL.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"supportdesk/internal/sla"
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, log); err != nil {
		log.Error("server stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg Config, log *slog.Logger) error {
	app, err := NewApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	if cfg.Demo {
		if err := app.LoadDemo(ctx, os.Stdout); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	// The SLA evaluator runs on every instance; its alerts are once-only by their unique key.
	go (&sla.Evaluator{SLA: app.SLA, Log: log, Interval: time.Minute}).Run(ctx)
	// Webhook deliveries: every instance sends; a guarded claim keeps a row to one sender.
	go app.Deliveries.Run(ctx)
	// Carry-over of last month's unused minutes: once per contingent, whatever the instances.
	go app.handler.Budgets.CarryOverRun(ctx, func(msg string, args ...any) { log.Info(msg, args...) })
	srv := app.HTTPServer()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", cfg.Addr, "database", app.DB.Dialect, "graphql", "http://"+displayAddr(cfg.Addr)+"/graphql")
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

func displayAddr(addr string) string {
	if len(addr) > 0 && addr[0] == ':' {
		return "localhost" + addr
	}
	return addr
}
