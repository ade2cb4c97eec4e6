package graph

import (
	"context"
	"log/slog"

	"supportdesk/graph/generated"
	"supportdesk/internal/sla"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Options configure the GraphQL handler.
type Options struct {
	Logger        *slog.Logger
	Introspection bool
	MaxComplexity int
	MaxDepth      int
	MaxUploadSize int64
	// MaxBodyBytes bounds a JSON request body and the operations part of a multipart request.
	MaxBodyBytes int64
	// DefaultPageSize is the page of a connection asked for without first/last; MaxPageSize
	// the largest first/last accepted.
	DefaultPageSize int
	MaxPageSize     int
	// MaxListItems is the largest list accepted in any input.
	MaxListItems int
	// Websocket, when set, serves subscriptions (graphql-transport-ws) on the same path; the
	// server configures its authentication, origin check and limits.
	Websocket graphql.Transport
	// Extensions are added after the built-in ones (the server's metrics).
	Extensions []graphql.HandlerExtension
	// GeneratedStatement answers monthlyStatement through the generated marshalling instead of
	// the hand-written one (statement.go); tests compare the two.
	GeneratedStatement bool
}

// NewHandler builds the GraphQL handler with explicit transports and limits.
func NewHandler(r *Resolver, o Options) *handler.Server {
	if o.MaxComplexity == 0 {
		o.MaxComplexity = 20000
	}
	if o.MaxDepth == 0 {
		o.MaxDepth = 12
	}
	if o.MaxUploadSize == 0 {
		o.MaxUploadSize = 20 << 20
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.DefaultPageSize == 0 {
		o.DefaultPageSize = 50
	}
	if o.MaxPageSize == 0 {
		o.MaxPageSize = 100
	}
	if o.MaxListItems == 0 {
		o.MaxListItems = 1000
	}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: r}))
	if o.Websocket != nil {
		srv.AddTransport(o.Websocket)
	}
	srv.AddTransport(transport.Options{})
	srv.AddTransport(HTTPTransport{MaxBodyBytes: o.MaxBodyBytes})
	srv.AddTransport(Multipart{MaxBodyBytes: o.MaxBodyBytes,
		MultipartForm: transport.MultipartForm{MaxUploadSize: o.MaxUploadSize, MaxMemory: 8 << 20}})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if o.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	// PageDefaults first: it completes the operation's page sizes before any check reads them.
	srv.Use(PageDefaults{Default: o.DefaultPageSize})
	srv.Use(IntrospectionLimit{Enabled: o.Introspection})
	srv.Use(DepthLimit(o.MaxDepth))
	srv.Use(CostLimit{Max: o.MaxComplexity, DefaultPage: o.DefaultPageSize})
	srv.Use(&InputCheck{MaxListItems: o.MaxListItems, MaxPageSize: o.MaxPageSize})
	for _, x := range o.Extensions {
		srv.Use(x)
	}
	// A query's ticket lists get their SLA terms in one batch (package sla).
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Query {
			ctx = sla.WithBatch(ctx)
		}
		return next(ctx)
	})
	if !o.GeneratedStatement {
		srv.AroundRootFields(r.statementField)
	}
	srv.SetErrorPresenter(ErrorPresenter(o.Logger))
	srv.SetRecoverFunc(Recover(o.Logger))
	return srv
}

// DepthLimit refuses operations nested deeper than max selection levels.
type DepthLimit int

var _ interface {
	graphql.OperationContextMutator
	graphql.HandlerExtension
} = DepthLimit(0)

// ExtensionName implements graphql.HandlerExtension.
func (DepthLimit) ExtensionName() string { return "DepthLimit" }

// Validate implements graphql.HandlerExtension.
func (DepthLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (d DepthLimit) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(rc.Operation.SelectionSet, map[string]bool{}); depth > int(d) {
		err := gqlerror.Errorf("operation is nested %d levels deep, more than the limit of %d", depth, int(d))
		err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, seen map[string]bool) int {
	deepest := 0
	for _, sel := range set {
		d := 0
		switch s := sel.(type) {
		case *ast.Field:
			if isIntrospectionRoot(s) {
				continue // bounded by IntrospectionLimit
			}
			if len(s.SelectionSet) > 0 {
				d = 1 + selectionDepth(s.SelectionSet, seen)
			} else {
				d = 1
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, seen)
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				d = selectionDepth(s.Definition.SelectionSet, seen)
				delete(seen, s.Name)
			}
		}
		if d > deepest {
			deepest = d
		}
	}
	return deepest
}

// CostLimit refuses operations whose estimated cost exceeds Max. Every field costs 1 plus its
// children; the edges (or nodes) of a connection count first/last times (DefaultPage without
// a page size), a list with a first argument first times, other lists ten times, so nested
// pages multiply as they do in the database. Search and similarity fields cost
// ExpensiveFieldCost each on top. Introspection is measured by IntrospectionLimit instead.
type CostLimit struct {
	Max         int
	DefaultPage int
}

// ExpensiveFieldCost is the extra cost of one search or similarity field: each runs a
// full-text or similarity query over many rows.
const ExpensiveFieldCost = 500

// expensiveFields are the search and similarity fields (Type.field).
var expensiveFields = map[string]bool{
	"Query.similarItems":   true,
	"Query.searchArticles": true,
}

var _ interface {
	graphql.OperationContextMutator
	graphql.HandlerExtension
} = CostLimit{}

// ExtensionName implements graphql.HandlerExtension.
func (CostLimit) ExtensionName() string { return "CostLimit" }

// Validate implements graphql.HandlerExtension.
func (CostLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (c CostLimit) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	if cost := c.selectionCost(rc.Operation.SelectionSet, rc.Variables, map[string]bool{}, c.DefaultPage); cost > c.Max {
		err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d", cost, c.Max)
		err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

func (c CostLimit) selectionCost(set ast.SelectionSet, vars map[string]any, seen map[string]bool, page int) int {
	total := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if isIntrospectionRoot(s) {
				continue
			}
			size, sized := c.pageSize(s, vars)
			cost := 1 + c.selectionCost(s.SelectionSet, vars, seen, size)
			switch {
			case s.Name == "edges" || s.Name == "nodes":
				cost *= page
			case s.Definition != nil && s.Definition.Type.Elem != nil && sized:
				cost *= size
			case s.Definition != nil && s.Definition.Type.Elem != nil && len(s.SelectionSet) > 0:
				cost *= 10
			}
			if s.ObjectDefinition != nil && expensiveFields[s.ObjectDefinition.Name+"."+s.Name] {
				cost += ExpensiveFieldCost
			}
			total += cost
		case *ast.InlineFragment:
			total += c.selectionCost(s.SelectionSet, vars, seen, page)
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				total += c.selectionCost(s.Definition.SelectionSet, vars, seen, page)
				delete(seen, s.Name)
			}
		}
		if total > 1<<30 {
			return total
		}
	}
	return total
}

// pageSize is the page of a field: its first/last argument (with its schema default), or the
// default page when it has none; sized tells whether the field takes a page size at all.
func (c CostLimit) pageSize(f *ast.Field, vars map[string]any) (size int, sized bool) {
	if f.Definition == nil || (f.Definition.Arguments.ForName("first") == nil && f.Definition.Arguments.ForName("last") == nil) {
		return c.DefaultPage, false
	}
	args := f.ArgumentMap(vars)
	for _, name := range []string{"first", "last"} {
		if n, ok := toInt64(args[name]); ok {
			return int(min(max(n, 1), 1<<20)), true
		}
	}
	return c.DefaultPage, true
}

// isIntrospectionRoot tells the schema and type introspection fields apart.
func isIntrospectionRoot(f *ast.Field) bool {
	return f.Name == "__schema" || f.Name == "__type"
}
