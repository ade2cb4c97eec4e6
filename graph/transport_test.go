package graph

import (
	"encoding/json"
	"net/http/httptest"
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
	}
}
