package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// queueCtx hides the connection's totalCount and pageInfo from Ent's Paginate, which would
// count the tickets for either; count reports whether totalCount is selected, and then the
// queue service counts (from the open-ticket counters where it can). pageInfo comes from the
// page itself. A totalCount inside a fragment stays visible to Paginate, which counts as before.
func queueCtx(ctx context.Context) (_ context.Context, count bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return ctx, false
	}
	var sel ast.SelectionSet
	for _, s := range fc.Field.Selections {
		if f, ok := s.(*ast.Field); ok && (f.Name == "totalCount" || f.Name == "pageInfo") {
			count = count || f.Name == "totalCount"
			continue
		}
		sel = append(sel, s)
	}
	cp := *fc
	cp.Field.Selections = sel
	return graphql.WithFieldContext(ctx, &cp), count
}
