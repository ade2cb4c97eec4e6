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
	// Websocket, when set, serves subscriptions (graphql-transport-ws) on the same path; the
	// server configures its authentication, origin check and limits.
	Websocket *transport.Websocket
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
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: r}))
	if o.Websocket != nil {
		srv.AddTransport(*o.Websocket)
	}
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: o.MaxUploadSize, MaxMemory: 8 << 20})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if o.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(DepthLimit(o.MaxDepth))
	srv.Use(CostLimit(o.MaxComplexity))
	// A query's ticket lists get their SLA terms in one batch (package sla).
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Query {
			ctx = sla.WithBatch(ctx)
		}
		return next(ctx)
	})
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

// CostLimit refuses operations whose estimated cost exceeds max. Every field costs 1 plus its
// children; the edges (or nodes) of a connection count first/last times (50 without a page
// size), other lists ten times, so nested pages multiply as they do in the database.
type CostLimit int

var _ interface {
	graphql.OperationContextMutator
	graphql.HandlerExtension
} = CostLimit(0)

// ExtensionName implements graphql.HandlerExtension.
func (CostLimit) ExtensionName() string { return "CostLimit" }

// Validate implements graphql.HandlerExtension.
func (CostLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (c CostLimit) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	if cost := selectionCost(rc.Operation.SelectionSet, rc.Variables, map[string]bool{}, 1); cost > int(c) {
		err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d", cost, int(c))
		err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

func selectionCost(set ast.SelectionSet, vars map[string]any, seen map[string]bool, page int) int {
	total := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			cost := 1 + selectionCost(s.SelectionSet, vars, seen, pageSize(s, vars))
			switch {
			case s.Name == "edges" || s.Name == "nodes":
				cost *= page
			case s.Definition != nil && s.Definition.Type.Elem != nil && len(s.SelectionSet) > 0:
				cost *= 10
			}
			total += cost
		case *ast.InlineFragment:
			total += selectionCost(s.SelectionSet, vars, seen, page)
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				total += selectionCost(s.Definition.SelectionSet, vars, seen, page)
				delete(seen, s.Name)
			}
		}
		if total > 1<<30 {
			return total
		}
	}
	return total
}

// pageSize is the page of a connection field: its first/last argument, or 50 when a
// connection is asked for without one.
func pageSize(f *ast.Field, vars map[string]any) int {
	args := f.ArgumentMap(vars)
	for _, name := range []string{"first", "last"} {
		if v, ok := args[name]; ok && v != nil {
			switch n := v.(type) {
			case int64:
				return max(int(n), 1)
			case int:
				return max(n, 1)
			case float64:
				return max(int(n), 1)
			}
		}
	}
	return 50
}
