package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"supportdesk/internal/db/dbtest"

	"entgo.io/ent/dialect"
)

// syncBuffer is a log sink tests can read while the server writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newEnvTuned is newEnv with the configuration adjusted by tune, served by the App's own
// http.Server (timeouts included), logging into the returned buffer.
func newEnvTuned(t *testing.T, tune func(*Config)) (*env, *syncBuffer) {
	t.Helper()
	var n atomic.Int64
	d := dbtest.OpenTest(t, func(drv dialect.Driver) dialect.Driver { return &countingDriver{Driver: drv, n: &n} })
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.BcryptCost = 4
	cfg.JWTSecret = "test-secret-test-secret-test-secret-0123"
	if tune != nil {
		tune(&cfg)
	}
	clock := &fakeClock{}
	cfg.Now = clock.Now
	logs := &syncBuffer{}
	app, err := newApp(cfg, slog.New(slog.NewTextHandler(logs, nil)), d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.StopLive)
	srv := httptest.NewUnstartedServer(nil)
	hs := app.HTTPServer()
	hs.Addr = ""
	srv.Config = hs
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{t: t, app: app, srv: srv, queries: &n, clock: clock}, logs
}

// rawResponse is an HTTP answer read whole.
type rawResponse struct {
	status int
	header http.Header
	body   string
}

// raw sends one HTTP request to the env's server.
func (e *env) raw(method, path string, body io.Reader, header map[string]string) rawResponse {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResponse{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// noErrorLogs fails the test when the server logged at ERROR level.
func noErrorLogs(t *testing.T, logs *syncBuffer) {
	t.Helper()
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "level=ERROR") {
			t.Errorf("logged at ERROR: %s", line)
		}
	}
}
