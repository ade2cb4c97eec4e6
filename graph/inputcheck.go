package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"supportdesk/graph/gid"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// InputCheck checks every argument of an operation before anything runs, so bad input is a
// VALIDATION error naming the input field and never reaches a resolver or the database:
//   - lists hold at most MaxListItems items (idIn with 40,000 ids is refused);
//   - Int values fit 32 bits (GraphQL's Int);
//   - text (String, ID, Cursor, Time, Date) holds no NUL character (PostgreSQL refuses them);
//   - ID, Cursor, Time and Date values are well-formed;
//   - a connection's first/last lie in 0..MaxPageSize and are not given together.
type InputCheck struct {
	MaxListItems int
	MaxPageSize  int
	schema       *ast.Schema
}

var _ interface {
	graphql.OperationContextMutator
	graphql.HandlerExtension
} = &InputCheck{}

// ExtensionName implements graphql.HandlerExtension.
func (*InputCheck) ExtensionName() string { return "InputCheck" }

// Validate implements graphql.HandlerExtension.
func (c *InputCheck) Validate(s graphql.ExecutableSchema) error {
	c.schema = s.Schema()
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (c *InputCheck) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	return c.selections(rc.Operation.SelectionSet, rc.Variables, map[string]bool{})
}

func (c *InputCheck) selections(set ast.SelectionSet, vars map[string]any, seen map[string]bool) *gqlerror.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if err := c.field(s, vars); err != nil {
				return err
			}
			if err := c.selections(s.SelectionSet, vars, seen); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := c.selections(s.SelectionSet, vars, seen); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				if err := c.selections(s.Definition.SelectionSet, vars, seen); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (c *InputCheck) field(f *ast.Field, vars map[string]any) *gqlerror.Error {
	if f.Definition == nil || len(f.Definition.Arguments) == 0 {
		return nil
	}
	args := f.ArgumentMap(vars)
	for _, def := range f.Definition.Arguments {
		if v, ok := args[def.Name]; ok {
			if err := c.value(def.Type, v, def.Name, 0); err != nil {
				return err
			}
		}
	}
	first, hasFirst := args["first"]
	last, hasLast := args["last"]
	hasFirst = hasFirst && first != nil
	hasLast = hasLast && last != nil
	if hasFirst && hasLast && f.Definition.Arguments.ForName("last") != nil {
		return invalidInput("first and last cannot be used together; page forward with first/after or backward with last/before", "last")
	}
	for name, v := range map[string]any{"first": first, "last": last} {
		if v == nil || f.Definition.Arguments.ForName(name) == nil {
			continue
		}
		if n, ok := toInt64(v); ok && (n < 0 || n > int64(c.MaxPageSize)) {
			return invalidInput(fmt.Sprintf("%s must be between 0 and %d", name, c.MaxPageSize), name)
		}
	}
	return nil
}

// value checks one input value against its type; field is the name of the innermost argument
// or input field, as the client wrote it.
func (c *InputCheck) value(t *ast.Type, v any, field string, depth int) *gqlerror.Error {
	if v == nil || t == nil || depth > 32 {
		return nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok { // a single value stands for a list of one
			return c.value(t.Elem, v, field, depth+1)
		}
		if len(list) > c.MaxListItems {
			return invalidInput(fmt.Sprintf("%s lists %d items, more than the limit of %d", field, len(list), c.MaxListItems), field)
		}
		for _, item := range list {
			if err := c.value(t.Elem, item, field, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	var def *ast.Definition
	if c.schema != nil {
		def = c.schema.Types[t.NamedType]
	}
	if def != nil && def.Kind == ast.InputObject {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for _, fd := range def.Fields {
			if fv, ok := m[fd.Name]; ok {
				if err := c.value(fd.Type, fv, fd.Name, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return CheckScalar(t.NamedType, v, field)
}

// CheckScalar checks one scalar input value: nil when it is acceptable, else a VALIDATION error
// naming field. Unknown scalars pass (their own unmarshaler decides).
func CheckScalar(typ string, v any, field string) *gqlerror.Error {
	if s, ok := v.(string); ok && strings.ContainsRune(s, 0) {
		return invalidInput(field+" must not contain NUL characters", field)
	}
	switch typ {
	case "Int":
		n, ok := toInt64(v)
		if !ok || n < math.MinInt32 || n > math.MaxInt32 {
			return invalidInput(field+" must be a whole number between -2147483648 and 2147483647", field)
		}
	case "ID":
		s, ok := v.(string)
		if !ok {
			return invalidInput(field+" must be an id string", field)
		}
		if _, err := gid.Decode(s); err != nil {
			return invalidInput(field+" is not a valid id", field)
		}
	case "Cursor":
		if err := CheckCursor(v); err != nil {
			return invalidInput(field+" is not a cursor returned by this API", field)
		}
	case "Time":
		_, isString := v.(string)
		if _, err := graphql.UnmarshalTime(v); !isString || err != nil {
			return invalidInput(field+" must be a time like 2026-11-10T09:30:00Z", field)
		}
	case "Date":
		s, ok := v.(string)
		if _, err := time.Parse(time.DateOnly, s); !ok || err != nil {
			return invalidInput(field+" must be a date like 2026-12-01, without time of day", field)
		}
	}
	return nil
}

// CheckCursor reports whether v decodes as a pagination cursor of this API (an Ent id with an
// optional order value).
func CheckCursor(v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed cursor")
		}
	}()
	s, ok := v.(string)
	if !ok || len(s) > 1024 {
		return fmt.Errorf("malformed cursor")
	}
	var c entgql.Cursor[int]
	if err := c.UnmarshalGQL(s); err != nil {
		return fmt.Errorf("malformed cursor")
	}
	if c.ID <= 0 {
		return fmt.Errorf("malformed cursor")
	}
	if !cursorScalar(c.Value) {
		// A list ordered by several fields (the queue, orderBy with more than one term) keeps
		// one value per field: a flat list of scalars.
		vs, ok := c.Value.([]any)
		if !ok || len(vs) == 0 || len(vs) > 8 {
			return fmt.Errorf("malformed cursor")
		}
		for _, e := range vs {
			if !cursorScalar(e) {
				return fmt.Errorf("malformed cursor")
			}
		}
	}
	return nil
}

// cursorScalar tells whether v is a value a cursor may carry for one order field.
func cursorScalar(v any) bool {
	switch v.(type) {
	case nil, string, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, bool, time.Time:
		return true
	}
	return false
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case json.Number:
		i, err := strconv.ParseInt(string(n), 10, 64)
		return i, err == nil
	case float64:
		if n != math.Trunc(n) || n < math.MinInt64 || n > math.MaxInt64 {
			return 0, false
		}
		return int64(n), true
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err == nil
	}
	return 0, false
}

func invalidInput(msg, field string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{
		"code": "VALIDATION", "field": field, "fields": []string{field},
	}}
}

// PageDefaults gives every connection asked for without first or last a page of Default
// items, so no list is served whole. It writes the default into the operation itself (an
// argument first: Default), because Ent's eager loading of nested connections reads the
// document's arguments, not the resolver's; the interceptor covers first/last given as null
// variables. The operation is shared by the query cache, so the rewrite happens under a lock
// and only once: every request passes here before anything else reads its arguments.
type PageDefaults struct{ Default int }

var _ interface {
	graphql.OperationContextMutator
	graphql.FieldInterceptor
	graphql.HandlerExtension
} = PageDefaults{}

var pageDefaultsMu sync.Mutex

// ExtensionName implements graphql.HandlerExtension.
func (PageDefaults) ExtensionName() string { return "PageDefaults" }

// Validate implements graphql.HandlerExtension.
func (PageDefaults) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (p PageDefaults) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	pageDefaultsMu.Lock()
	defer pageDefaultsMu.Unlock()
	p.inject(rc.Operation.SelectionSet, map[string]bool{})
	return nil
}

func (p PageDefaults) inject(set ast.SelectionSet, seen map[string]bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if d := s.Definition; d != nil && strings.HasSuffix(d.Type.Name(), "Connection") &&
				d.Arguments.ForName("first") != nil && s.Arguments.ForName("first") == nil && s.Arguments.ForName("last") == nil {
				s.Arguments = append(s.Arguments, &ast.Argument{Name: "first", Position: s.Position,
					Value: &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(p.Default), Position: s.Position,
						ExpectedType: d.Arguments.ForName("first").Type}})
			}
			p.inject(s.SelectionSet, seen)
		case *ast.InlineFragment:
			p.inject(s.SelectionSet, seen)
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				p.inject(s.Definition.SelectionSet, seen)
			}
		}
	}
}

// InterceptField implements graphql.FieldInterceptor.
func (p PageDefaults) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc != nil && fc.Args != nil && fc.Field.Definition != nil &&
		strings.HasSuffix(fc.Field.Definition.Type.Name(), "Connection") {
		first, okF := fc.Args["first"].(*int)
		last, okL := fc.Args["last"].(*int)
		if okF && first == nil && (!okL || last == nil) {
			n := p.Default
			fc.Args["first"] = &n
		}
	}
	return next(ctx)
}
