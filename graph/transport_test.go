package graph

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponseAsMarshal: writeResponse writes what json.Marshal writes for every shape
// of response, HTML-sensitive characters and separators included.
func TestWriteResponseAsMarshal(t *testing.T) {
	yes := true
	cases := map[string]*graphql.Response{
		"plain":   {Data: json.RawMessage(`{"queue":{"edges":[{"node":{"id":"1","title":"Printer"}}]}}`)},
		"null":    {Data: json.RawMessage(`null`)},
		"html":    {Data: json.RawMessage(`{"t":"<b>a & b</b> \u2028 x\u2029y","u":"` + "\u2028\u2029" + `"}`)},
		"errors":  {Data: json.RawMessage(`{"a":null}`), Errors: gqlerror.List{{Message: "no <access>", Path: ast.Path{ast.PathName("a")}, Extensions: map[string]any{"code": "FORBIDDEN"}}}},
		"all":     {Data: json.RawMessage(`{"x":1}`), Label: "l<", Path: ast.Path{ast.PathName("a"), ast.PathIndex(2)}, HasNext: &yes, Extensions: map[string]any{"cost": 3, "h": "&"}},
		"nodata":  {Errors: gqlerror.List{{Message: "bad"}}},
		"unicode": {Data: json.RawMessage(`{"name":"Müller ApS æøå 漢字"}`)},
		// Near U+2028/U+2029 in UTF-8: U+2027 (E2 80 A7), € (E2 82 AC), a trailing E2 80.
		"near": {Data: json.RawMessage(`{"a":"` + "\u2027 € x" + `","b":"` + "\u2026" + `"}`)},
		"sep":  {Data: json.RawMessage(`{"a":"€ ` + "\u2029" + `"}`)},
		"gt":   {Data: json.RawMessage(`{"a":"x > y"}`)},
		"amp":  {Data: json.RawMessage(`{"a":"R&D"}`)},
		// Larger than inlineData: written in three parts.
		"large": {Data: json.RawMessage(`{"a":"` + strings.Repeat("x", inlineData) + `"}`),
			Errors: gqlerror.List{{Message: "partial"}}, Extensions: map[string]any{"n": 1}},
		"large html": {Data: json.RawMessage(`{"a":"` + strings.Repeat("<", inlineData) + `"}`)},
	}
	for name, resp := range cases {
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		writeResponse(rec, 200, resp)
		if got := rec.Body.String(); got != string(want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
		if sensitive, want := htmlSensitive(resp.Data), strings.ContainsAny(string(resp.Data), "<>&\u2028\u2029"); sensitive != want {
			t.Errorf("%s: htmlSensitive %v, want %v", name, sensitive, want)
		}
	}
}
