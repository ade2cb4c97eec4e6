package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// chunked hides a body's length so the client sends it with chunked transfer encoding.
type chunked struct{ r io.Reader }

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p) }

// Request limits hold on every path: a multipart operations part and a chunked JSON body over
// MAX_BODY_BYTES answer 413 with nothing executed.
func TestIssue15RequestLimits(t *testing.T) {
	e, logs := newEnvTuned(t, nil)
	w := e.seed()
	key := e.token(w, "C1.KEY_USER")
	tk := e.create(key, map[string]any{"title": "Printer", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	count := func() int {
		var out struct{ Tickets struct{ TotalCount int } }
		e.ok(key, `{ tickets { totalCount } }`, nil, &out)
		return out.Tickets.TotalCount
	}
	create := `mutation($in: CreateTicketInput!){ createTicket(input: $in){ ticket{ id } } }`
	pad := strings.Repeat("a", 5<<20)

	// Multipart: a 5 MiB operations part.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": create, "variables": map[string]any{
		"in": map[string]any{"title": "big", "description": pad, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}, "f": nil}})
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0":["variables.f"]}`)
	fw, _ := mw.CreateFormFile("0", "a.txt")
	_, _ = fw.Write([]byte("hello"))
	_ = mw.Close()
	r := e.raw(http.MethodPost, "/graphql", &body, map[string]string{"Content-Type": mw.FormDataContentType(), "Authorization": "Bearer " + key})
	if r.status != http.StatusRequestEntityTooLarge || r.body != `{"errors":[{"extensions":{"code":"REQUEST_TOO_LARGE"},"message":"the request body is larger than the limit of 1048576 bytes"}]}` {
		t.Errorf("multipart operations of 5 MiB: %d %s", r.status, r.body)
	}
	// ...the same sent chunked.
	body.Reset()
	mw = multipart.NewWriter(&body)
	_ = mw.WriteField("operations", string(ops))
	_ = mw.Close()
	r = e.raw(http.MethodPost, "/graphql", chunked{&body}, map[string]string{"Content-Type": mw.FormDataContentType(), "Authorization": "Bearer " + key})
	if r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked multipart operations of 5 MiB: %d %s", r.status, r.body)
	}

	// JSON: chunked over the limit is 413, declared over the limit too; under it works.
	big, _ := json.Marshal(map[string]any{"query": create, "variables": map[string]any{
		"in": map[string]any{"title": "big", "description": pad[:2<<20], "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}}})
	for name, b := range map[string]io.Reader{"chunked": chunked{bytes.NewReader(big)}, "with length": bytes.NewReader(big)} {
		r = e.raw(http.MethodPost, "/graphql", b, map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + key})
		if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, `"REQUEST_TOO_LARGE"`) {
			t.Errorf("JSON body of 2 MiB %s: %d %s", name, r.status, r.body)
		}
	}
	small, _ := json.Marshal(map[string]any{"query": create, "variables": map[string]any{
		"in": map[string]any{"title": "small", "description": "fits", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}}})
	r = e.raw(http.MethodPost, "/graphql", chunked{bytes.NewReader(small)}, map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + key})
	if r.status != http.StatusOK || !strings.Contains(r.body, `"createTicket"`) {
		t.Errorf("chunked small body: %d %s", r.status, r.body)
	}
	if n := count(); n != 2 {
		t.Errorf("tickets: %d, want the first and the small one", n)
	}
	// A normal upload still works.
	if up := e.upload(key, tk.ID, "a.txt", []byte("hello"), false); len(up.Errors) > 0 {
		t.Errorf("upload: %+v", up.Errors)
	}
	noErrorLogs(t, logs)
}

// The server's timeouts are the configured ones, and a WebSocket subscription outlives the
// write and read timeouts once upgraded.
func TestIssue15ServerTimeouts(t *testing.T) {
	e, _ := newEnvTuned(t, func(c *Config) {
		c.ReadTimeout, c.WriteTimeout, c.IdleTimeout, c.ReadHeaderTimeout = 300*time.Millisecond, 300*time.Millisecond, 5*time.Second, 200*time.Millisecond
	})
	def, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if def.ReadHeaderTimeout != 10*time.Second || def.ReadTimeout != 60*time.Second || def.WriteTimeout != 60*time.Second || def.IdleTimeout != 120*time.Second {
		t.Errorf("default timeouts: %v %v %v %v", def.ReadHeaderTimeout, def.ReadTimeout, def.WriteTimeout, def.IdleTimeout)
	}
	hs := e.app.HTTPServer()
	if hs.ReadHeaderTimeout != 200*time.Millisecond || hs.ReadTimeout != 300*time.Millisecond || hs.WriteTimeout != 300*time.Millisecond || hs.IdleTimeout != 5*time.Second {
		t.Errorf("server timeouts: %v %v %v %v", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout)
	}
	w := e.seed()
	key := e.token(w, "C1.KEY_USER")
	sock, err := e.dialWS(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	next, errs := sock.subscribe("q", `subscription { queueUpdated { kind ticket { title } } }`, nil)
	time.Sleep(time.Second) // past the read and write timeouts
	// The HTTP client's idle keep-alive connection may have been closed meanwhile; dial anew.
	http.DefaultClient.CloseIdleConnections()
	e.create(key, map[string]any{"title": "after the timeouts", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	select {
	case raw := <-next:
		if !strings.Contains(string(raw), "after the timeouts") {
			t.Errorf("event: %s", raw)
		}
	case raw := <-errs:
		t.Fatalf("subscription error: %s", raw)
	case <-time.After(5 * time.Second):
		t.Fatal("no event on a socket older than the write timeout")
	}
}
