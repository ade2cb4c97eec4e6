package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/user"
	"supportdesk/internal/auth"
	"supportdesk/internal/db/dbtest"

	"entgo.io/ent/dialect"
)

// env is one test's server on its own fresh database.
type env struct {
	t       testing.TB
	clock   *fakeClock
	app     *App
	srv     *httptest.Server
	queries *atomic.Int64
	// dbDown, when set, makes every query through the env's driver fail (newEnv only).
	dbDown *atomic.Bool
}

const testPassword = "test-password-1"

func newEnv(t testing.TB) *env {
	t.Helper()
	var n atomic.Int64
	var down atomic.Bool
	d := dbtest.OpenTest(t, func(drv dialect.Driver) dialect.Driver { return &countingDriver{Driver: drv, n: &n, down: &down} })
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.BcryptCost = 4
	cfg.JWTSecret = "test-secret-test-secret-test-secret-0123"
	clock := &fakeClock{}
	cfg.Now = clock.Now
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := newApp(cfg, log, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.StopLive)
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, app: app, srv: srv, queries: &n, clock: clock, dbDown: &down}
}

// countingDriver counts the statements sent to the database.
type countingDriver struct {
	dialect.Driver
	n    *atomic.Int64
	down *atomic.Bool
}

func (d *countingDriver) Query(ctx context.Context, q string, args, v any) error {
	d.n.Add(1)
	if d.down != nil && d.down.Load() {
		return errors.New("test: the database is down")
	}
	return d.Driver.Query(ctx, q, args, v)
}

func (d *countingDriver) Exec(ctx context.Context, q string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Exec(ctx, q, args, v)
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, n: d.n}, nil
}

type countingTx struct {
	dialect.Tx
	n *atomic.Int64
}

func (t *countingTx) Query(ctx context.Context, q string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Query(ctx, q, args, v)
}

func (t *countingTx) Exec(ctx context.Context, q string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Exec(ctx, q, args, v)
}

// QueryContext and ExecContext count hand-written SQL (Ent's sql/execquery feature).
func (d *countingDriver) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	d.n.Add(1)
	return d.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}).QueryContext(ctx, q, args...)
}

func (d *countingDriver) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	d.n.Add(1)
	return d.Driver.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}).ExecContext(ctx, q, args...)
}

func (t *countingTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	t.n.Add(1)
	return t.Tx.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}).QueryContext(ctx, q, args...)
}

func (t *countingTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	t.n.Add(1)
	return t.Tx.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}).ExecContext(ctx, q, args...)
}

// gqlResponse is a decoded GraphQL response.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	status int
}

func (r *gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// do posts one GraphQL operation with an optional bearer token.
func (e *env) do(token, query string, vars map[string]any) *gqlResponse {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatalf("decode: %v", err)
	}
	out.status = resp.StatusCode
	return &out
}

// ok runs an operation, fails on any error and decodes data into dst.
func (e *env) ok(token, query string, vars map[string]any, dst any) {
	e.t.Helper()
	r := e.do(token, query, vars)
	if len(r.Errors) > 0 {
		e.t.Fatalf("unexpected errors: %+v", r.Errors)
	}
	if dst != nil {
		if err := json.Unmarshal(r.Data, dst); err != nil {
			e.t.Fatal(err)
		}
	}
}

// fails runs an operation and asserts the error code of its first error.
func (e *env) fails(token, query string, vars map[string]any, code string) *gqlResponse {
	e.t.Helper()
	r := e.do(token, query, vars)
	if r.code() != code {
		e.t.Fatalf("want error %s, got %+v (data %s)", code, r.Errors, r.Data)
	}
	return r
}

// login signs a user in through the API and returns the access token.
func (e *env) login(email string) string {
	e.t.Helper()
	var out struct {
		Login struct{ AccessToken string } `json:"login"`
	}
	e.ok("", `mutation($e:String!,$p:String!){login(email:$e,password:$p){accessToken}}`,
		map[string]any{"e": email, "p": testPassword}, &out)
	return out.Login.AccessToken
}

func trusted() context.Context { return privacy.DecisionContext(context.Background(), privacy.Allow) }

// world is a seeded organisation tree: vendor V with partners P1 and P2; P1 serves customers
// C1 and C2, P2 serves C3; a second vendor W with partner Q serving customer D.
type world struct {
	orgs      map[string]*ent.Organization
	users     map[string]*ent.User // key: "<org>.<role>" e.g. "C1.KEY_USER"
	contracts map[string]*ent.Contract
	tokens    map[string]string
}

func (e *env) seed() *world {
	e.t.Helper()
	c := e.app.DB.Client
	ctx := trusted()
	w := &world{orgs: map[string]*ent.Organization{}, users: map[string]*ent.User{}, contracts: map[string]*ent.Contract{}, tokens: map[string]string{}}
	hash, err := auth.HashPassword(testPassword, 4)
	if err != nil {
		e.t.Fatal(err)
	}
	mk := func(name string, kind organization.Kind, parent string) {
		q := c.Organization.Create().SetName(name).SetKind(kind)
		if parent != "" {
			q.SetParentID(w.orgs[parent].ID)
		}
		w.orgs[name] = q.SaveX(ctx)
	}
	mk("V", organization.KindVENDOR, "")
	mk("P1", organization.KindPARTNER, "V")
	mk("P2", organization.KindPARTNER, "V")
	mk("C1", organization.KindCUSTOMER, "P1")
	mk("C2", organization.KindCUSTOMER, "P1")
	mk("C3", organization.KindCUSTOMER, "P2")
	mk("W", organization.KindVENDOR, "")
	mk("Q", organization.KindPARTNER, "W")
	mk("D", organization.KindCUSTOMER, "Q")
	staff := []user.Role{user.RoleSERVICE_DESK, user.RoleAGENT, user.RoleSERVICE_DELIVERY_MANAGER, user.RoleADMIN}
	customer := []user.Role{user.RoleEND_USER, user.RoleKEY_USER, user.RoleAPPROVER}
	for _, name := range []string{"V", "P1", "P2", "C1", "C2", "C3", "W", "Q", "D"} {
		o := w.orgs[name]
		roles := staff
		if o.Kind == organization.KindCUSTOMER {
			roles = customer
		}
		for _, r := range roles {
			key := fmt.Sprintf("%s.%s", name, r)
			w.users[key] = c.User.Create().SetEmail(fmt.Sprintf("%s.%s@test.example", name, r)).SetName(key).
				SetRole(r).SetLevels([]string{"L1", "L2", "L3", "L4", "VENDOR"}).SetPasswordHash(hash).
				SetOrganizationID(o.ID).SaveX(ctx)
		}
	}
	for _, cu := range []string{"C1", "C2", "C3", "D"} {
		cal := c.Calendar.Create().SetName(cu + " hours").SetTimeZone("Europe/Berlin").
			SetWeeklyHours([]schematype.DayHours{{Weekday: 1, Intervals: []schematype.Interval{{Start: "08:00", End: "16:00"}}}}).
			SetOrganizationID(*w.orgs[cu].ParentID).SaveX(ctx)
		w.contracts[cu] = c.Contract.Create().SetName("k" + cu).SetAgreementType("BASIC").
			SetChannels([]string{"PORTAL", "EMAIL"}).SetValidFrom(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)).
			SetCustomerID(w.orgs[cu].ID).SetProviderID(*w.orgs[cu].ParentID).SetCalendarID(cal.ID).SaveX(ctx)
	}
	return w
}

// token logs a seeded user in once and caches the access token.
func (e *env) token(w *world, key string) string {
	if tok, ok := w.tokens[key]; ok {
		return tok
	}
	tok := e.login(w.users[key].Email)
	w.tokens[key] = tok
	return tok
}

// fakeClock is the domain services' clock in tests: real time until a test sets it.
type fakeClock struct {
	mu sync.Mutex
	at *time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at == nil {
		return time.Now()
	}
	return *c.at
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = &t
}
