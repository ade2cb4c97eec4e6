package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
)

// upload sends one file with the GraphQL multipart request spec.
func (e *env) upload(tok, ticketID, filename string, content []byte, internal bool) *gqlResponse {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{
		"query":     `mutation($t:ID!,$f:Upload!,$i:Boolean){ uploadAttachment(ticketID:$t, file:$f, internal:$i){ attachment{ id filename contentType size internal url } } }`,
		"variables": map[string]any{"t": ticketID, "f": nil, "i": internal},
	})
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0":["variables.f"]}`)
	fw, _ := mw.CreateFormFile("0", filename)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatal(err)
	}
	return &out
}

func (e *env) download(tok, url string) (int, string, []byte) {
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

func TestAttachments(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	tk := e.create(key, incidentInput())
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)

	type att struct {
		UploadAttachment struct {
			Attachment struct {
				ID, Filename, ContentType, URL string
				Size                           int
				Internal                       bool
			}
		}
	}
	var shot, log att
	r := e.upload(key, tk.ID, "C:\\Users\\klaus\\screen.png", png, false)
	if len(r.Errors) > 0 {
		t.Fatalf("upload: %+v", r.Errors)
	}
	_ = json.Unmarshal(r.Data, &shot)
	if a := shot.UploadAttachment.Attachment; a.Filename != "screen.png" || a.ContentType != "image/png" || a.Size != len(png) || a.Internal {
		t.Fatalf("screenshot %+v", a)
	}
	r = e.upload(agent, tk.ID, "trace.log", []byte("2026-11-25 10:00 FI-204 posting failed\n"), true)
	_ = json.Unmarshal(r.Data, &log)
	if a := log.UploadAttachment.Attachment; a.ContentType != "text/plain; charset=utf-8" && a.ContentType != "text/plain" {
		t.Fatalf("log %+v %+v", a, r.Errors)
	}
	// Executables are refused whatever their name; customers add no internal files.
	if r := e.upload(key, tk.ID, "invoice.pdf", append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{1, 2, 3}, 50)...), false); r.code() != "VALIDATION" {
		t.Fatalf("executable: %+v", r.Errors)
	}
	if r := e.upload(key, tk.ID, "x.png", png, true); r.code() != "FORBIDDEN" {
		t.Fatalf("customer internal upload: %+v", r.Errors)
	}
	if r := e.upload(e.token(w, "C2.KEY_USER"), tk.ID, "x.png", png, false); r.code() != "NOT_FOUND" {
		t.Fatalf("foreign upload: %+v", r.Errors)
	}
	if r := e.upload(key, tk.ID, "big.png", append(png, make([]byte, 21<<20)...), false); len(r.Errors) == 0 {
		t.Fatal("oversized upload accepted")
	}

	code, ctype, body := e.download(key, shot.UploadAttachment.Attachment.URL)
	if code != 200 || ctype != "image/png" || !bytes.Equal(body, png) {
		t.Fatalf("download: %d %s %d bytes", code, ctype, len(body))
	}
	if code, _, _ := e.download(key, log.UploadAttachment.Attachment.URL); code != 404 {
		t.Fatalf("customer downloads internal log: %d", code)
	}
	if code, _, _ := e.download(agent, log.UploadAttachment.Attachment.URL); code != 200 {
		t.Fatalf("staff download of log: %d", code)
	}
	if code, _, _ := e.download(e.token(w, "C2.KEY_USER"), shot.UploadAttachment.Attachment.URL); code != 404 {
		t.Fatalf("other customer downloads: %d", code)
	}
	if code, _, _ := e.download("", shot.UploadAttachment.Attachment.URL); code != 401 {
		t.Fatalf("anonymous download: %d", code)
	}
	var vis struct {
		Node struct{ Attachments []struct{ Filename string } }
	}
	e.ok(key, `query($id:ID!){ node(id:$id){ ... on Ticket { attachments { filename } } } }`, map[string]any{"id": tk.ID}, &vis)
	if len(vis.Node.Attachments) != 1 || vis.Node.Attachments[0].Filename != "screen.png" {
		t.Fatalf("customer sees attachments %+v", vis.Node.Attachments)
	}
}
