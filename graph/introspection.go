package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Introspection (__schema and __type) is answered from the schema in memory, never from the
// database, so it is measured by its own rule instead of the depth and cost limits of data:
// the standard query of every client (graphql-js getIntrospectionQuery(), 15 levels deep
// through its ofType chain) must pass, while repeating or nesting it to make the server work
// is refused.
const (
	// IntrospectionMaxDepth bounds the nesting from __schema/__type down (graphql-js needs 15).
	IntrospectionMaxDepth = 24
	// IntrospectionMaxListNesting bounds lists inside lists (types > fields > args is 3).
	IntrospectionMaxListNesting = 3
	// IntrospectionMaxCost bounds the estimated size of the answer: every field costs 1 plus
	// its children, lists ten times. getIntrospectionQuery() costs 50,890 (see the test).
	IntrospectionMaxCost = 100_000
)

// IntrospectionLimit applies the introspection rule above; when introspection is disabled
// (Enabled false) it refuses __schema and __type before execution.
type IntrospectionLimit struct{ Enabled bool }

var _ interface {
	graphql.OperationContextMutator
	graphql.HandlerExtension
} = IntrospectionLimit{}

// ExtensionName implements graphql.HandlerExtension.
func (IntrospectionLimit) ExtensionName() string { return "IntrospectionLimit" }

// Validate implements graphql.HandlerExtension.
func (IntrospectionLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (l IntrospectionLimit) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	m := &introspectionMeasure{seen: map[string]bool{}}
	m.roots(rc.Operation.SelectionSet)
	var msg string
	switch {
	case !l.Enabled && m.depth > 0:
		err := gqlerror.Errorf("introspection is disabled on this server")
		err.Extensions = map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}
		return err
	case m.depth > IntrospectionMaxDepth:
		msg = fmt.Sprintf("introspection is nested %d levels deep, more than the limit of %d", m.depth, IntrospectionMaxDepth)
	case m.lists > IntrospectionMaxListNesting:
		msg = fmt.Sprintf("introspection nests %d lists, more than the limit of %d", m.lists, IntrospectionMaxListNesting)
	case m.cost > IntrospectionMaxCost:
		msg = fmt.Sprintf("introspection has complexity %d, which exceeds the limit of %d", m.cost, IntrospectionMaxCost)
	default:
		return nil
	}
	err := gqlerror.Errorf("%s", msg)
	err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}
	return err
}

// IntrospectionCost measures an operation's introspection: depth, list nesting and cost.
func IntrospectionCost(op *ast.OperationDefinition) (depth, lists, cost int) {
	m := &introspectionMeasure{seen: map[string]bool{}}
	m.roots(op.SelectionSet)
	return m.depth, m.lists, m.cost
}

type introspectionMeasure struct {
	seen               map[string]bool
	depth, lists, cost int
	visits             int // fields visited, fragments expanded: bounds the measuring itself
}

// roots finds the introspection fields among the operation's root selections.
func (m *introspectionMeasure) roots(set ast.SelectionSet) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if isIntrospectionRoot(s) {
				m.cost += m.measure(s, 1, 0)
			}
		case *ast.InlineFragment:
			m.roots(s.SelectionSet)
		case *ast.FragmentSpread:
			if s.Definition != nil && !m.seen["root:"+s.Name] {
				m.seen["root:"+s.Name] = true
				m.roots(s.Definition.SelectionSet)
			}
		}
	}
}

// measure returns the cost of field f at depth d below d lists, recording the deepest depth and
// list nesting seen; it stops early once a bound is passed.
func (m *introspectionMeasure) measure(f *ast.Field, d, lists int) int {
	if f.Definition != nil && f.Definition.Type.Elem != nil && len(f.SelectionSet) > 0 {
		lists++
	}
	m.depth = max(m.depth, d)
	m.lists = max(m.lists, lists)
	if m.visits++; m.visits > 10*IntrospectionMaxCost {
		m.cost = IntrospectionMaxCost + 1
	}
	if m.depth > IntrospectionMaxDepth || m.lists > IntrospectionMaxListNesting || m.cost > IntrospectionMaxCost {
		return 0
	}
	children := m.children(f.SelectionSet, d, lists, map[string]bool{})
	cost := 1 + children
	if f.Definition != nil && f.Definition.Type.Elem != nil && len(f.SelectionSet) > 0 {
		cost *= 10
	}
	return min(cost, 1<<30)
}

func (m *introspectionMeasure) children(set ast.SelectionSet, d, lists int, active map[string]bool) int {
	total := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			total += m.measure(s, d+1, lists)
		case *ast.InlineFragment:
			total += m.children(s.SelectionSet, d, lists, active)
		case *ast.FragmentSpread:
			if s.Definition != nil && !active[s.Name] {
				active[s.Name] = true
				total += m.children(s.Definition.SelectionSet, d, lists, active)
				delete(active, s.Name)
			}
		}
		if total > 1<<30 {
			return total
		}
	}
	return total
}
