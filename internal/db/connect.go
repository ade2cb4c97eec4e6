package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/lib/pq"
)

// connect pings a PostgreSQL server until it answers or cfg.ConnectTimeout has passed, waiting
// longer between attempts (0.25 s doubling up to 5 s). A database that does not exist yet is
// created once (CREATE DATABASE through the server's "postgres" database); refused
// credentials and other answers of a reachable server end the wait at once.
func connect(ctx context.Context, sqldb *sql.DB, cfg Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	deadline := time.Now().Add(cfg.ConnectTimeout)
	wait := 250 * time.Millisecond
	created := false
	for attempt := 1; ; attempt++ {
		err := ping(ctx, sqldb)
		if err == nil {
			if attempt > 1 {
				log.Info("database reachable", "attempts", attempt)
			}
			return nil
		}
		var pqErr *pq.Error
		if errors.As(err, &pqErr) {
			if pqErr.Code == "3D000" && !created { // invalid_catalog_name: no such database
				created = true
				if cerr := createDatabase(ctx, cfg.URL, log); cerr != nil {
					return fmt.Errorf("%w (creating it failed: %v)", err, cerr)
				}
				continue
			}
			return err // the server answered: wrong password, no such role, …
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		left := time.Until(deadline)
		if left <= 0 {
			if attempt > 1 {
				return fmt.Errorf("database unreachable after %d attempts in %s: %w", attempt, cfg.ConnectTimeout, err)
			}
			return err
		}
		w := min(wait, left)
		log.Warn("database unreachable, retrying", "attempt", attempt, "retry_in", w.String(), "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(w):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

func ping(ctx context.Context, sqldb *sql.DB) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return sqldb.PingContext(ctx)
}

// createDatabase creates the database named in raw on its server, connecting to the server's
// "postgres" database with the same credentials.
func createDatabase(ctx context.Context, raw string, log *slog.Logger) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || name == "postgres" {
		return errors.New("no database name in DATABASE_URL")
	}
	u.Path = "/postgres"
	admin, err := sql.Open("postgres", u.String())
	if err != nil {
		return err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "42P04" { // created meanwhile by another instance
			return nil
		}
		return err
	}
	log.Info("database did not exist: created it", "database", name)
	return nil
}
