package contract

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func parseSchema(t *testing.T, name, sdl string) *ast.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: name, Input: sdl})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// TestNoBreakingChangeSinceRelease is the guard: the current schema must not break a client built
// against released.graphql. Releasing = copying schema.graphql over released.graphql.
func TestNoBreakingChangeSinceRelease(t *testing.T) {
	read := func(name string) *ast.Schema {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return parseSchema(t, name, string(b))
	}
	diff := BreakingChanges(read("released.graphql"), read("schema.graphql"))
	if len(diff) > 0 {
		t.Fatalf("schema.graphql breaks clients of released.graphql (%d changes); deprecate first, "+
			"remove in a later release:\n  - %s", len(diff), strings.Join(diff, "\n  - "))
	}
}

func TestBreakingChanges(t *testing.T) {
	const base = `
type Query {
  ticket(id: ID!, withComments: Boolean): Ticket
  tickets(first: Int! = 20, status: Status): [Ticket!]!
  search(q: String!): SearchResult
}
type Ticket implements Node { id: ID! title: String! note: String old: String @deprecated(reason: "use note") status: Status! }
interface Node { id: ID! }
type Article { id: ID! }
type Stats { open: Int }
union SearchResult = Ticket | Article
enum Status { OPEN CLOSED LEGACY @deprecated }
input TicketInput { title: String! note: String priority: Int = 3 }
type Mutation { createTicket(input: TicketInput!): Ticket! }
`
	cases := []struct {
		name string
		from string
		to   string
		want []string
	}{
		{name: "unchanged", from: "", to: "", want: nil},
		{name: "field removed", from: "note: String old", to: "old", want: []string{
			"field Ticket.note: removed without a prior deprecation"}},
		{name: "deprecated field removed", from: `old: String @deprecated(reason: "use note")`, to: "", want: nil},
		{name: "field and type added", from: "status: Status! }", to: "status: Status! due: String }\ntype Extra { x: Int }", want: nil},
		{name: "new required argument", from: "search(q: String!)", to: "search(q: String!, lang: String!)", want: []string{
			"argument Query.search(lang): new required String! without a default"}},
		{name: "new optional arguments", from: "search(q: String!)", to: "search(q: String!, lang: String, limit: Int! = 10)", want: nil},
		{name: "argument made non-null", from: "withComments: Boolean)", to: "withComments: Boolean!)", want: []string{
			"argument Query.ticket(withComments): type changed from Boolean to Boolean! (what clients send may be rejected)"}},
		{name: "argument made nullable", from: "ticket(id: ID!", to: "ticket(id: ID", want: nil},
		{name: "argument removed", from: ", withComments: Boolean", to: "", want: []string{
			"argument Query.ticket(withComments): removed without a prior deprecation"}},
		{name: "argument deprecated", from: "withComments: Boolean)", to: "withComments: Boolean @deprecated)", want: nil /* checked below as a two-step release */},
		{name: "default dropped", from: "first: Int! = 20", to: "first: Int!", want: []string{
			"argument Query.tickets(first): made required (Int! without a default)"}},
		{name: "default added", from: "search(q: String!)", to: "search(q: String! = \"\")", want: nil},
		{name: "enum value removed", from: "OPEN CLOSED", to: "OPEN", want: []string{
			"enum value Status.CLOSED: removed without a prior deprecation"}},
		{name: "deprecated enum value removed", from: " LEGACY @deprecated", to: "", want: nil},
		{name: "enum value added", from: "OPEN CLOSED", to: "OPEN CLOSED WAITING", want: nil},
		{name: "output made nullable", from: "title: String!", to: "title: String", want: []string{
			"field Ticket.title: type changed from String! to String (clients may get what they do not expect)"}},
		{name: "output made non-null", from: "note: String old", to: "note: String! old", want: nil},
		{name: "output list items made nullable", from: "[Ticket!]!", to: "[Ticket]!", want: []string{
			"field Query.tickets: type changed from [Ticket!]! to [Ticket]! (clients may get what they do not expect)"}},
		{name: "output named type changed", from: "search(q: String!): SearchResult", to: "search(q: String!): Article", want: []string{
			"field Query.search: type changed from SearchResult to Article (clients may get what they do not expect)"}},
		{name: "input field made required", from: "note: String priority", to: "note: String! priority", want: []string{
			"input field TicketInput.note: type changed from String to String! (what clients send may be rejected)"}},
		{name: "new required input field", from: "priority: Int = 3 }", to: "priority: Int = 3 due: String! }", want: []string{
			"input field TicketInput.due: new required String! without a default"}},
		{name: "new optional input field", from: "priority: Int = 3 }", to: "priority: Int = 3 due: String tag: String! = \"x\" }", want: nil},
		{name: "input field removed", from: "note: String priority", to: "priority", want: []string{
			"input field TicketInput.note: removed without a prior deprecation"}},
		{name: "union member removed", from: "= Ticket | Article", to: "= Ticket", want: []string{
			"union SearchResult: member Article removed"}},
		{name: "interface dropped", from: "type Ticket implements Node {", to: "type Ticket {", want: []string{
			"type Ticket: no longer implements Node"}},
		{name: "type removed", from: "input TicketInput { title: String! note: String priority: Int = 3 }\ntype Mutation { createTicket(input: TicketInput!): Ticket! }", to: "", want: []string{
			"type Mutation: removed without a prior deprecation",
			"type TicketInput: removed without a prior deprecation"}},
		{name: "kind changed", from: "type Stats { open: Int }", to: "interface Stats { open: Int }", want: []string{
			"type Stats: kind changed from OBJECT to INTERFACE"}},
	}
	released := parseSchema(t, "released", base)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(base, c.from) {
				t.Fatalf("base has no %q", c.from)
			}
			current := parseSchema(t, "current", strings.Replace(base, c.from, c.to, 1))
			if got := BreakingChanges(released, current); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}

	// Deprecate in one release, remove in the next: each step passes.
	deprecated := strings.Replace(base, "withComments: Boolean)", "withComments: Boolean @deprecated)", 1)
	removed := strings.Replace(base, ", withComments: Boolean)", ")", 1)
	if got := BreakingChanges(parseSchema(t, "released", deprecated), parseSchema(t, "current", removed)); got != nil {
		t.Errorf("removing a deprecated argument: %q", got)
	}
	// A type whose every field was deprecated may go, with the fields that returned it.
	allDeprecated := strings.Replace(strings.Replace(base, "type Article { id: ID! }", "type Article { id: ID! @deprecated }", 1),
		"union SearchResult = Ticket | Article", "union SearchResult = Ticket", 1)
	noArticle := strings.Replace(allDeprecated, "type Article { id: ID! @deprecated }", "", 1)
	if got := BreakingChanges(parseSchema(t, "released", allDeprecated), parseSchema(t, "current", noArticle)); got != nil {
		t.Errorf("removing a wholly deprecated type: %q", got)
	}
}
