package main

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"supportdesk/graph"
	"supportdesk/graph/generated"

	"github.com/vektah/gqlparser/v2"
)

// introspectionQuery is graphql-js 16.11.0 getIntrospectionQuery(), byte for byte (written by
// node from the package pinned in .ci/audit/package-lock.json).
func introspectionQuery(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/introspection-graphql-js-16.11.0.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Standard clients (GraphiQL, Apollo, urql, graphql-codegen, Postman) load the schema with
// getIntrospectionQuery(): it passes under the default limits, as JSON and as GET.
func TestIssue15IntrospectionStandardQuery(t *testing.T) {
	e, logs := newEnvTuned(t, nil)
	q := introspectionQuery(t)
	var out struct {
		Schema struct {
			QueryType struct{ Name string }
			Types     []struct{ Name string }
		} `json:"__schema"`
	}
	e.ok("", q, nil, &out)
	if out.Schema.QueryType.Name != "Query" || len(out.Schema.Types) < 100 {
		t.Fatalf("schema: query type %q, %d types", out.Schema.QueryType.Name, len(out.Schema.Types))
	}
	// Its measure under the introspection rule, with the bounds it stays under.
	doc, errs := gqlparser.LoadQuery(generated.NewExecutableSchema(generated.Config{}).Schema(), q)
	if errs != nil {
		t.Fatal(errs)
	}
	depth, lists, cost := graph.IntrospectionCost(doc.Operations[0])
	if depth != 15 || lists != 3 || cost != 50890 {
		t.Errorf("getIntrospectionQuery measures depth %d, lists %d, cost %d", depth, lists, cost)
	}
	// The same under a much smaller data limit: introspection is not measured by it.
	e2, _ := newEnvTuned(t, func(c *Config) { c.MaxDepth = 3; c.MaxComplexity = 10 })
	e2.ok("", q, nil, nil)
	noErrorLogs(t, logs)
}

// Introspection built to make the server work is refused before execution by its own rule.
func TestIssue15IntrospectionAbuseRefused(t *testing.T) {
	e, _ := newEnvTuned(t, nil)
	deepLists := `{ __schema { types { fields { type { fields { args { name } } } } } } }`
	r := e.fails("", deepLists, nil, "COMPLEXITY_LIMIT_EXCEEDED")
	if r.Errors[0].Message != "introspection nests 4 lists, more than the limit of 3" {
		t.Errorf("message: %s", r.Errors[0].Message)
	}
	var b strings.Builder
	b.WriteString("{")
	for i := range 50 {
		b.WriteString(" s" + itoa(i) + ": __schema { types { fields { args { name description type { name kind } } } } }")
	}
	b.WriteString(" }")
	r = e.fails("", b.String(), nil, "COMPLEXITY_LIMIT_EXCEEDED")
	if !strings.HasPrefix(r.Errors[0].Message, "introspection has complexity ") {
		t.Errorf("message: %s", r.Errors[0].Message)
	}
	deep := "{ __type(name: \"Ticket\") { " + strings.Repeat("ofType { ", 30) + "name" + strings.Repeat(" }", 30) + " } }"
	r = e.fails("", deep, nil, "COMPLEXITY_LIMIT_EXCEEDED")
	if r.Errors[0].Message != "introspection is nested 25 levels deep, more than the limit of 24" {
		t.Errorf("message: %s", r.Errors[0].Message)
	}
	// __typename is data, not introspection, and stays cheap.
	e.ok("", `{ __typename }`, nil, nil)
}

// With GRAPHQL_INTROSPECTION=false neither introspection nor the explorer is served.
func TestIssue15IntrospectionDisabled(t *testing.T) {
	e, logs := newEnvTuned(t, func(c *Config) { c.Introspection = false })
	r := e.fails("", introspectionQuery(t), nil, "GRAPHQL_VALIDATION_FAILED")
	if r.Errors[0].Message != "introspection is disabled on this server" || r.Data != nil {
		t.Fatalf("introspection answered while disabled: %+v %s", r.Errors, r.Data)
	}
	e.ok("", `{ __typename }`, nil, nil)
	noErrorLogs(t, logs)
	resp := e.raw(http.MethodGet, "/graphql", nil, map[string]string{"Accept": "text/html"})
	if strings.Contains(resp.header.Get("Content-Type"), "text/html") || strings.Contains(resp.body, "graphiql") {
		t.Errorf("explorer served while introspection is disabled: %d %s", resp.status, resp.header.Get("Content-Type"))
	}
}

// A browser opening /graphql gets GraphiQL (gqlgen's playground package, assets pinned with
// subresource integrity); API clients asking for JSON still get GraphQL.
func TestIssue15GraphiQL(t *testing.T) {
	e, _ := newEnvTuned(t, nil)
	resp := e.raw(http.MethodGet, "/graphql", nil, map[string]string{"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GraphiQL: %d %s", resp.status, resp.header.Get("Content-Type"))
	}
	for _, want := range []string{"graphiql.min.js", `integrity="sha256-`, `"/graphql"`} {
		if !strings.Contains(resp.body, want) {
			t.Errorf("GraphiQL page lacks %q", want)
		}
	}
	resp = e.raw(http.MethodGet, "/graphql?query=%7B__typename%7D", nil, map[string]string{"Accept": "application/json"})
	if resp.status != http.StatusOK || resp.body != `{"data":{"__typename":"Query"}}` {
		t.Errorf("GET query: %d %s", resp.status, resp.body)
	}
}

// The limits are configuration: each variable is read, checked and documented.
func TestIssue15LimitConfiguration(t *testing.T) {
	env := map[string]string{
		"GRAPHQL_MAX_DEPTH": "20", "GRAPHQL_MAX_COMPLEXITY": "50000", "GRAPHQL_DEFAULT_PAGE_SIZE": "25",
		"GRAPHQL_MAX_PAGE_SIZE": "200", "GRAPHQL_MAX_LIST_ITEMS": "500", "MAX_UPLOAD_BYTES": "1000000",
		"HTTP_READ_HEADER_TIMEOUT": "5s", "HTTP_READ_TIMEOUT": "30s", "HTTP_WRITE_TIMEOUT": "45s", "HTTP_IDLE_TIMEOUT": "90s",
	}
	c, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxDepth != 20 || c.MaxComplexity != 50000 || c.DefaultPageSize != 25 || c.MaxPageSize != 200 ||
		c.MaxListItems != 500 || c.MaxUploadBytes != 1000000 || c.ReadHeaderTimeout != 5*time.Second ||
		c.ReadTimeout != 30*time.Second || c.WriteTimeout != 45*time.Second || c.IdleTimeout != 90*time.Second {
		t.Errorf("config: %+v", c)
	}
	for k, bad := range map[string]string{"GRAPHQL_MAX_DEPTH": "0", "GRAPHQL_MAX_PAGE_SIZE": "x", "HTTP_WRITE_TIMEOUT": "-1s"} {
		if _, err := ConfigFromEnv(func(key string) string {
			if key == k {
				return bad
			}
			return ""
		}); err == nil {
			t.Errorf("%s=%s accepted", k, bad)
		}
	}
	if _, err := ConfigFromEnv(func(k string) string {
		return map[string]string{"GRAPHQL_DEFAULT_PAGE_SIZE": "300"}[k]
	}); err == nil {
		t.Error("default page size above the maximum accepted")
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for k := range env {
		if !strings.Contains(string(readme), "`"+k+"`") {
			t.Errorf("README does not document %s", k)
		}
	}
}
