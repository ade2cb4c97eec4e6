package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"supportdesk/ent"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/lib/pq" // PostgreSQL driver "postgres"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // pure-Go SQLite driver "sqlite"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Config says which database to open.
type Config struct {
	// URL is a postgres:// URL, a file: or sqlite:// SQLite location, or empty for
	// <DataDir>/supportdesk.db.
	URL     string
	DataDir string
	// WrapDriver, when set, wraps the Ent driver (tests count queries with it).
	WrapDriver func(dialect.Driver) dialect.Driver
	Logger     *slog.Logger
	// ConnectTimeout is how long Open keeps retrying (with backoff) a PostgreSQL server that
	// cannot be reached; 0 means one attempt.
	ConnectTimeout time.Duration
	// PreparedStatements is how many distinct statements Ent sends as named prepared statements
	// on PostgreSQL (prepared.go); 0 means DefaultPreparedStatements, negative none.
	PreparedStatements int
}

// DB is an open, migrated database.
type DB struct {
	Client  *ent.Client
	SQL     *sql.DB
	Dialect string
	// URL is the PostgreSQL URL the database was opened with (the outbox listener opens its
	// own connection with it); empty on SQLite.
	URL string
	// Counts are the statements sent through Client (and through drivers wrapped with
	// Counts.Count).
	Counts *Counts
}

// Close closes the client and the pool. The pool is closed too when a WrapDriver does not pass
// Close on.
func (d *DB) Close() error { return errors.Join(d.Client.Close(), d.SQL.Close()) }

// maxConns is the size of an instance's PostgreSQL pool.
const maxConns = 20

// Open opens and migrates the database described by cfg.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	var (
		sqldb *sql.DB
		dia   string
		gd    goose.Dialect
		dir   string
		err   error
	)
	switch {
	case strings.HasPrefix(cfg.URL, "postgres://"), strings.HasPrefix(cfg.URL, "postgresql://"):
		dia, gd, dir = dialect.Postgres, goose.DialectPostgres, "migrations/postgres"
		sqldb, err = sql.Open("postgres", cfg.URL)
		if err == nil {
			// As many idle as open: a connection returned to a pool with fewer idle slots than
			// the moment's concurrency is closed and reopened on the next burst, a PostgreSQL
			// process started and its statements prepared again each time. With 10 idle slots,
			// creates at c=8 beside the live reloads opened 160-170 sessions per 5 s and ran at
			// 54 % of the rate without subscribers (issue 13's bench); with 20, 1 and 82 %.
			// Quiet connections still close after ConnMaxIdleTime.
			sqldb.SetMaxOpenConns(maxConns)
			sqldb.SetMaxIdleConns(maxConns)
			sqldb.SetConnMaxIdleTime(5 * time.Minute)
		}
	default:
		dia, gd, dir = dialect.SQLite, goose.DialectSQLite3, "migrations/sqlite"
		var dsn string
		if dsn, err = sqliteDSN(cfg, false); err == nil {
			err = migrateSQLite(ctx, dsn, cfg.Logger, 0)
		}
		if err == nil {
			dsn, _ = sqliteDSN(cfg, true)
			sqldb, err = sql.Open("sqlite", dsn)
		}
	}
	if err != nil {
		return nil, err
	}
	if dia == dialect.Postgres {
		err = connect(ctx, sqldb, cfg)
	} else {
		err = sqldb.PingContext(ctx)
	}
	if err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	if dia == dialect.Postgres {
		if err := migrate(ctx, sqldb, gd, dir, cfg.Logger, 0); err != nil {
			sqldb.Close()
			return nil, err
		}
	}
	if dia == dialect.SQLite {
		// Planner statistics: without them SQLite prefers the customer index for reports and
		// scans far more rows (87 ms instead of 1.3 s for a month report over 100k tickets).
		if _, err := sqldb.ExecContext(ctx, "PRAGMA optimize=0x10002"); err != nil {
			sqldb.Close()
			return nil, fmt.Errorf("optimize: %w", err)
		}
	}
	counts := &Counts{}
	var base dialect.Driver = entsql.OpenDB(dia, sqldb)
	if dia == dialect.Postgres && cfg.PreparedStatements >= 0 {
		n := cfg.PreparedStatements
		if n == 0 {
			n = DefaultPreparedStatements
		}
		base = newPreparedDriver(dia, sqldb, n)
	}
	drv := counts.Count(base)
	if cfg.WrapDriver != nil {
		drv = cfg.WrapDriver(drv)
	}
	d := &DB{Client: ent.NewClient(ent.Driver(drv)), SQL: sqldb, Dialect: dia, Counts: counts}
	if dia == dialect.Postgres {
		d.URL = cfg.URL
	}
	return d, nil
}

// sqliteDSN builds the DSN of the embedded database: foreign keys on, WAL, a busy timeout, and
// immediate write transactions so that concurrent writers queue instead of failing to upgrade
// a read lock.
func sqliteDSN(cfg Config, foreignKeys bool) (string, error) {
	path := cfg.URL
	switch {
	case path == "":
		dir := cfg.DataDir
		if dir == "" {
			dir = "data"
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", err
		}
		path = "file:" + filepath.Join(dir, "supportdesk.db")
	case strings.HasPrefix(path, "sqlite://"):
		path = "file:" + strings.TrimPrefix(path, "sqlite://")
	case strings.HasPrefix(path, "file:"):
	default:
		return "", errors.New("DATABASE_URL must be postgres://…, sqlite://path or file:path")
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	fk := "0"
	if foreignKeys {
		fk = "1"
	}
	return path + sep + "_pragma=foreign_keys(" + fk + ")&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite", nil
}

var sqliteMigrations sync.Mutex

// migrateSQLite migrates on one dedicated connection with foreign keys off: SQLite changes a
// table by copying it, and PRAGMA foreign_keys is a no-op inside the migration's transaction.
// The foreign keys are checked once afterwards. version 0 means all migrations.
func migrateSQLite(ctx context.Context, dsn string, log *slog.Logger, version int64) error {
	// goose has no lock for SQLite: two Opens of one file at once would both apply the first
	// migration. Serialise them within the process; one file is served by one process.
	sqliteMigrations.Lock()
	defer sqliteMigrations.Unlock()
	mdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	defer mdb.Close()
	mdb.SetMaxOpenConns(1)
	if err := migrate(ctx, mdb, goose.DialectSQLite3, "migrations/sqlite", log, version); err != nil {
		return err
	}
	rows, err := mdb.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("migrate: foreign key violations after migration")
	}
	return rows.Err()
}

// migrate applies the embedded migrations of one dialect that the database has not seen yet,
// recording them in goose's version table. version 0 means all of them.
func migrate(ctx context.Context, sqldb *sql.DB, gd goose.Dialect, dir string, log *slog.Logger, version int64) error {
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if gd == goose.DialectPostgres {
		// Several server instances may start at once against one database: an advisory lock
		// lets one of them migrate while the others wait and then find nothing to do.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300)) // poll each second, 5 min
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, sqldb, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	var results []*goose.MigrationResult
	if version > 0 {
		results, err = p.UpTo(ctx, version)
	} else {
		results, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if log != nil {
		for _, r := range results {
			log.Info("migration applied", "version", r.Source.Version, "path", r.Source.Path, "duration", r.Duration)
		}
	}
	return nil
}
