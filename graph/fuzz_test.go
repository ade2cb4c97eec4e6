package graph

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"
)

// FuzzDecodeRequest: any body is a GraphQL request with a query (or a persisted query) or a
// 400/413 of our own words; the message never echoes the body and nothing panics.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ __typename }"}`,
		`{"query":"query($n:Int){ tickets(first:$n){ totalCount } }","variables":{"n":5},"operationName":null}`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
		`{"query": 5}`, `[]`, `null`, `""`, ``, `{"query":"{a}","variables":"x"}`, `{"query":"{a}","extensions":[1]}`,
		`{"query":"{a}","variables":{"n":1e400}}`, "{\"query\":\"\x00\"}", `{"query":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := DecodeRequest(body)
		if err != nil {
			if err.status != 400 || err.code != "BAD_REQUEST" {
				t.Fatalf("status %d code %s", err.status, err.code)
			}
			if trimmed := strings.TrimSpace(string(body)); len(trimmed) > 12 && strings.Contains(err.msg, trimmed) {
				t.Fatalf("message echoes the body: %q", err.msg)
			}
			return
		}
		if p.Query == "" && p.Extensions["persistedQuery"] == nil {
			t.Fatalf("accepted without a query: %q", body)
		}
		// Variables keep exact numbers.
		var b bytes.Buffer
		if err := json.NewEncoder(&b).Encode(p.Variables); err != nil {
			t.Fatalf("variables do not encode: %v", err)
		}
	})
}

// FuzzDecodeQueryParams: the GET form of the same.
func FuzzDecodeQueryParams(f *testing.F) {
	for _, s := range []string{"query=%7B__typename%7D", "query=%7Ba%7D&variables=%7B%22n%22%3A1%7D", "variables=x", "query=&extensions=%5B%5D", "query=a&operationName=b&variables=null"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, rerr := DecodeQueryParams(q)
		if rerr == nil && p.Query == "" && p.Extensions["persistedQuery"] == nil {
			t.Fatalf("accepted without a query: %q", raw)
		}
	})
}

// FuzzNegotiateMedia: any Accept header picks one of the two media types or none.
func FuzzNegotiateMedia(f *testing.F) {
	for _, s := range []string{"", "*/*", "application/json", "application/graphql-response+json, application/json;q=0.9", "text/html", "application/json;q=x", ";;;,", "application/*;q=0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		m, ok := NegotiateMedia(accept)
		if ok != (m == mediaJSON || m == mediaGraphQLResponse) || (!ok && m != "") {
			t.Fatalf("%q: %q %v", accept, m, ok)
		}
	})
}

// FuzzCursor: any text is a cursor of ours or refused, never a panic; cursors the API hands
// out are accepted.
func FuzzCursor(f *testing.F) {
	for _, c := range []entgql.Cursor[int]{{ID: 1}, {ID: 42, Value: "2026-11-10T09:30:00Z"}, {ID: 7, Value: int64(3)}} {
		var s strings.Builder
		c.MarshalGQL(&s)
		f.Add(strings.Trim(s.String(), `"`))
	}
	for _, s := range []string{"", "not a cursor", "gqFp", "gqFpAaF2wA", "\x00", strings.Repeat("A", 2000)} {
		f.Add(s)
	}
	var good strings.Builder
	entgql.Cursor[int]{ID: 5, Value: "x"}.MarshalGQL(&good)
	if err := CheckCursor(strings.Trim(good.String(), `"`)); err != nil {
		f.Fatalf("a cursor of the API refused: %v", err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := CheckCursor(s); err != nil && err.Error() != "malformed cursor" {
			t.Fatalf("error text %q", err)
		}
	})
}

// FuzzCheckScalar: Int, Time and Date inputs are accepted exactly when well-formed; every
// refusal is VALIDATION naming the field.
func FuzzCheckScalar(f *testing.F) {
	for _, s := range []string{"2026-11-10T09:30:00Z", "2026-11-10T09:30:00.123+01:00", "2026-11-10", "yesterday", "2147483647", "2147483648", "-2147483649", "1e3", "\x00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range []string{"Int", "Time", "Date", "String", "ID", "Cursor"} {
			for _, v := range []any{s, json.Number(s)} {
				if err := CheckScalar(typ, v, "f"); err != nil {
					if err.Extensions["code"] != "VALIDATION" || err.Extensions["field"] != "f" {
						t.Fatalf("%s %q: %v", typ, s, err)
					}
				} else if _, isString := v.(string); isString && strings.ContainsRune(s, 0) {
					t.Fatalf("%s %q with NUL accepted", typ, s)
				}
			}
		}
	})
}
