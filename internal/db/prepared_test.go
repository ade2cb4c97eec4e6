package db_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"supportdesk/ent/organization"
	"supportdesk/internal/db"
	"supportdesk/internal/db/dbtest"
)

// TestPreparedStatementsOnPostgres: on PostgreSQL, Ent's statements run as named prepared
// statements (visible in pg_prepared_statements of the connection), inside and outside
// transactions; transactions that fill a small pool while meeting new statements still finish
// (a transaction never waits for a second connection to prepare); PG_PREPARED_STATEMENTS=0
// (PreparedStatements -1) prepares nothing.
func TestPreparedStatementsOnPostgres(t *testing.T) {
	if dbtest.ServerURL() == "" {
		t.Skip("PostgreSQL only: set TEST_DATABASE_URL")
	}
	ctx := context.Background()
	prepared := func(d *db.DB) int {
		t.Helper()
		var n int
		if err := d.SQL.QueryRowContext(ctx, "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%organizations%'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	use := func(d *db.DB) {
		t.Helper()
		d.Client.Organization.Create().SetName("Acme").SetKind(organization.KindCUSTOMER).SaveX(trusted())
		for i := 0; i < 3; i++ {
			d.Client.Organization.Query().Where(organization.Name("Acme")).OnlyX(trusted())
		}
	}

	d, err := db.Open(ctx, db.Config{URL: dbtest.FreshURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.SQL.SetMaxOpenConns(1) // one connection: its prepared statements are the pool's
	use(d)
	if n := prepared(d); n != 2 {
		t.Fatalf("%d prepared statements on organizations, want 2 (insert, select)", n)
	}

	// Eight transactions on two connections, each meeting statements no one prepared yet.
	d.SQL.SetMaxOpenConns(2)
	lctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tx, err := d.Client.Tx(lctx)
			if err != nil {
				errs <- err
				return
			}
			for j := 0; j < 5; j++ {
				// A new statement text for every (i, j): IN lists of different lengths.
				ids := make([]int, 1+i*5+j)
				if _, err := tx.Organization.Query().Where(organization.IDIn(ids...)).Count(trusted()); err != nil {
					_ = tx.Rollback()
					errs <- err
					return
				}
			}
			errs <- tx.Commit()
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("transaction: %v", err)
		}
	}

	off, err := db.Open(ctx, db.Config{URL: dbtest.FreshURL(t), PreparedStatements: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	off.SQL.SetMaxOpenConns(1)
	use(off)
	if n := prepared(off); n != 0 {
		t.Fatalf("%d prepared statements with PreparedStatements -1, want 0", n)
	}
}
