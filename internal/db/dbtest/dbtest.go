// Package dbtest opens a fresh, migrated database per test: a SQLite file in the test's temp
// folder, or, when TEST_DATABASE_URL is set, a scratch PostgreSQL database created on that
// server and dropped when the test ends. Every test gets its own database, so tests may run
// in parallel, in one package or in many.
package dbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportdesk/internal/db"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"
)

// ServerURL is the PostgreSQL server the tests run against (TEST_DATABASE_URL), or "" for
// SQLite.
func ServerURL() string { return os.Getenv("TEST_DATABASE_URL") }

// OpenTest opens a fresh, migrated database for t and closes it when t ends; wrap, when not
// nil, wraps the Ent driver (to count queries, for example).
func OpenTest(t testing.TB, wrap func(dialect.Driver) dialect.Driver) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), db.Config{URL: FreshURL(t), WrapDriver: wrap})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// FreshURL returns the URL of a new, empty database that lives as long as t: a SQLite file in
// t.TempDir(), or a scratch database on the TEST_DATABASE_URL server, dropped in t.Cleanup.
// Use it to open one database more than once; OpenTest is the usual way in.
func FreshURL(t testing.TB) string {
	t.Helper()
	base := ServerURL()
	if base == "" {
		return "file:" + filepath.Join(t.TempDir(), "test.db")
	}
	admin, err := adminDB(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	name := fmt.Sprintf("sdtest_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, counter.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + pq.QuoteIdentifier(name)); err != nil {
		t.Fatalf("create scratch database: %v", err)
	}
	// Registered before the caller's Close, so it runs after it; FORCE ends connections that
	// a failed test may have left open.
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)"); err != nil {
			t.Logf("drop scratch database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

var (
	counter atomic.Int64
	admins  sync.Map // server URL → *sql.DB used for CREATE and DROP DATABASE
)

// adminDB returns the process-wide pool that creates and drops scratch databases on the server
// of base. It connects to base's own database, or to "postgres" when that one does not exist.
func adminDB(base string) (*sql.DB, error) {
	if v, ok := admins.Load(base); ok {
		return v.(*sql.DB), nil
	}
	conn, err := sql.Open("postgres", base)
	if err != nil {
		return nil, err
	}
	if err = conn.Ping(); err != nil {
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || pqErr.Code != "3D000" { // invalid_catalog_name
			conn.Close()
			return nil, err
		}
		conn.Close()
		u, perr := url.Parse(base)
		if perr != nil {
			return nil, perr
		}
		u.Path = "/postgres"
		if conn, err = sql.Open("postgres", u.String()); err != nil {
			return nil, err
		}
		if err = conn.Ping(); err != nil {
			conn.Close()
			return nil, err
		}
	}
	conn.SetMaxOpenConns(4)
	if v, loaded := admins.LoadOrStore(base, conn); loaded {
		conn.Close()
		return v.(*sql.DB), nil
	}
	return conn, nil
}
