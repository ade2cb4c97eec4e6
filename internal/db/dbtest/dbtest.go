// Package dbtest opens a fresh, migrated database per test: a SQLite file in the test's temp
// folder, or, when TEST_DATABASE_URL is set, a scratch PostgreSQL database created on that
// server and dropped when the test ends.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"supportdesk/internal/db"

	"entgo.io/ent/dialect"
)

var counter atomic.Int64

// URL is the PostgreSQL server the tests run against, or "" for SQLite.
func URL() string { return os.Getenv("TEST_DATABASE_URL") }

// OpenTest opens a fresh database for t; wrap may wrap the Ent driver.
func OpenTest(t testing.TB, wrap func(dialect.Driver) dialect.Driver) *db.DB {
	t.Helper()
	ctx := context.Background()
	cfg := db.Config{WrapDriver: wrap}
	if base := URL(); base != "" {
		u, drop := scratch(t, base)
		cfg.URL = u
		t.Cleanup(drop)
	} else {
		cfg.URL = "file:" + filepath.Join(t.TempDir(), "test.db")
	}
	d, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func scratch(t testing.TB, base string) (string, func()) {
	t.Helper()
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("sdtest_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, counter.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create scratch database: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String(), func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	}
}
