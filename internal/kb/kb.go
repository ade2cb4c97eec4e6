// Package kb owns the knowledge base: articles of a provider, public to its customers or
// internal, searched by text, and sent into a ticket as a public comment with a personal
// explanation.
package kb

import (
	"context"
	"fmt"
	"strings"

	"supportdesk/ent"
	"supportdesk/ent/knowledgearticle"
	"supportdesk/internal/apperr"
	"supportdesk/internal/similar"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/viewer"
)

// Service performs knowledge-base operations for the viewer in the context.
type Service struct {
	Client *ent.Client
	Flow   *ticketflow.Service
}

// Input holds an article's fields; nil leaves a field unchanged on update.
type Input struct {
	Title      *string                      `json:"title"`
	Body       *string                      `json:"body"`
	Module     *string                      `json:"module"`
	Language   *string                      `json:"language"`
	Visibility *knowledgearticle.Visibility `json:"visibility"`
}

func staff(ctx context.Context) (*viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	if !v.IsStaff() {
		return nil, apperr.Forbiddenf("articles are written by provider staff")
	}
	return v, nil
}

func validate(in Input, creating bool) error {
	if (creating || in.Title != nil) && (in.Title == nil || strings.TrimSpace(*in.Title) == "" || len(*in.Title) > 300) {
		return apperr.Invalid("an article needs a title", "title")
	}
	if in.Language != nil {
		l := strings.TrimSpace(*in.Language)
		if len(l) < 2 || len(l) > 8 {
			return apperr.Invalid("language is a code such as de, en, da", "language")
		}
	}
	return nil
}

// Create writes an article of the viewer's organisation.
func (s *Service) Create(ctx context.Context, in Input) (*ent.KnowledgeArticle, error) {
	v, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate(in, true); err != nil {
		return nil, err
	}
	return s.Client.KnowledgeArticle.Create().SetTitle(strings.TrimSpace(*in.Title)).SetNillableBody(in.Body).
		SetNillableModule(in.Module).SetNillableLanguage(in.Language).SetNillableVisibility(in.Visibility).
		SetOrganizationID(v.OrgID).SetAuthorID(v.UserID).Save(ctx)
}

// Update changes an article of the viewer's own organisation.
func (s *Service) Update(ctx context.Context, id int, in Input) (*ent.KnowledgeArticle, error) {
	v, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate(in, false); err != nil {
		return nil, err
	}
	a, err := s.Client.KnowledgeArticle.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("article not found")
	}
	if err != nil {
		return nil, err
	}
	if a.OrganizationID != v.OrgID {
		return nil, apperr.Forbiddenf("articles are edited by their own organisation")
	}
	u := a.Update().SetNillableBody(in.Body).SetNillableModule(in.Module).SetNillableLanguage(in.Language).
		SetNillableVisibility(in.Visibility)
	if in.Title != nil {
		u.SetTitle(strings.TrimSpace(*in.Title))
	}
	return u.Save(ctx)
}

// Search ranks the visible articles for a text, optionally of one language and module.
func (s *Service) Search(ctx context.Context, text string, language, module *string, limit int) ([]*ent.KnowledgeArticle, error) {
	if viewer.FromContext(ctx) == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	words := similar.Words(text)
	if len(words) == 0 {
		return nil, apperr.Invalid("search for at least one word of three letters", "text")
	}
	q := s.Client.KnowledgeArticle.Query()
	if language != nil {
		q = q.Where(knowledgearticle.Language(*language))
	}
	if module != nil {
		q = q.Where(knowledgearticle.ModuleEqualFold(*module))
	}
	matches, err := similar.Find(ctx, s.Client, text, 0, 0)
	if err != nil {
		return nil, err
	}
	var ids []int
	for _, m := range matches {
		if m.Kind == similar.Article {
			ids = append(ids, m.ID)
		}
	}
	arts, err := q.Where(knowledgearticle.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int]*ent.KnowledgeArticle{}
	for _, a := range arts {
		byID[a.ID] = a
	}
	var out []*ent.KnowledgeArticle
	for _, id := range ids {
		if a, ok := byID[id]; ok && (limit <= 0 || len(out) < limit) {
			out = append(out, a)
		}
	}
	return out, nil
}

// SendToTicket answers a ticket with a public article: a public comment that carries the
// staff member's personal explanation and links the article.
func (s *Service) SendToTicket(ctx context.Context, articleID, ticketID int, explanation string) (*ent.Comment, error) {
	if _, err := staff(ctx); err != nil {
		return nil, err
	}
	if strings.TrimSpace(explanation) == "" {
		return nil, apperr.Invalid("add a personal explanation for the customer", "explanation")
	}
	a, err := s.Client.KnowledgeArticle.Get(ctx, articleID)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("article not found")
	}
	if err != nil {
		return nil, err
	}
	if a.Visibility != knowledgearticle.VisibilityPUBLIC {
		return nil, apperr.Invalid("only public articles are sent to customers", "articleID")
	}
	body := fmt.Sprintf("%s\n\nKnowledge base: %s", strings.TrimSpace(explanation), a.Title)
	cm, err := s.Flow.AddCommentWith(ctx, ticketID, body, false, &a.ID)
	if err != nil {
		return nil, err
	}
	return cm, nil
}
