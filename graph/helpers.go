package graph

import (
	"supportdesk/ent"
	"supportdesk/graph/model"
	"supportdesk/internal/auth"
	"supportdesk/internal/viewer"

	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

func sessionPayload(s *auth.Session, err error) (*model.AuthPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.AuthPayload{AccessToken: s.AccessToken, AccessTokenExpiresAt: s.AccessExpiresAt,
		RefreshToken: s.RefreshToken, User: s.User}, nil
}

func ticketPayload(t *ent.Ticket, err error) (*model.TicketPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.TicketPayload{Ticket: t}, nil
}

// viewerID is the signed-in user; 0 (never a valid id) without a viewer, which the privacy
// rules then deny.
func viewerID(ctx context.Context) int {
	if v := viewer.FromContext(ctx); v != nil {
		return v.UserID
	}
	return 0
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ignoreNotFound turns a not-found lookup into a null result.
func ignoreNotFound[T any](v *T, err error) (*T, error) {
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return v, err
}

func taskPayload(t *ent.Task, err error) (*model.TaskPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.TaskPayload{Task: t}, nil
}

func articlePayload(a *ent.KnowledgeArticle, err error) (*model.ArticlePayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.ArticlePayload{Article: a}, nil
}

func derefAll[T any](xs []*T) []T {
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		if x != nil {
			out = append(out, *x)
		}
	}
	return out
}

func calendarPayload(c *ent.Calendar, err error) (*model.CalendarPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.CalendarPayload{Calendar: c}, nil
}

// valueOr returns *p, or the zero value of T when p is nil.
func valueOr[T any](p *T) (v T) {
	if p != nil {
		v = *p
	}
	return v
}

// pageCtx lets a connection skip its COUNT when only pageInfo, not totalCount, is selected:
// Ent's Paginate counts for either, though it derives pageInfo from the page itself (it reads
// one row more than asked).
func pageCtx(ctx context.Context) context.Context {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return ctx
	}
	var sel ast.SelectionSet
	for _, s := range fc.Field.Selections {
		f, ok := s.(*ast.Field)
		if ok && f.Alias == "totalCount" {
			return ctx
		}
		if !ok || f.Alias != "pageInfo" {
			sel = append(sel, s)
		}
	}
	cp := *fc
	cp.Field.Selections = sel
	return graphql.WithFieldContext(ctx, &cp)
}

// selectsLineTitles reports whether the statement field being resolved selects its lines'
// ticketTitle (through fragments too): only then does the statement read the tickets' titles.
func selectsLineTitles(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return true
	}
	oc := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, nil) {
		if f.Name != "lines" {
			continue
		}
		for _, g := range graphql.CollectFields(oc, f.Selections, nil) {
			if g.Name == "ticketTitle" {
				return true
			}
		}
	}
	return false
}
