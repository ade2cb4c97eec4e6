package admin

import (
	"context"
	"time"

	"supportdesk/ent"
	"supportdesk/internal/apperr"
	"supportdesk/internal/auth"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/viewer"
)

// Service administers organisations and users.
type Service struct {
	Client     *ent.Client
	Auth       *auth.Service
	BcryptCost int
}

func (s *Service) now() time.Time { return s.Auth.Now().UTC() }

func mustAdmin(ctx context.Context, what string) (*viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	if !v.IsStaff() || !v.IsAdmin() {
		return nil, apperr.Forbiddenf("only a provider's administrators %s", what)
	}
	return v, nil
}

// inTx runs fn in one transaction; nothing is half-written when it fails.
func (s *Service) inTx(ctx context.Context, fn func(c *ent.Client) error) error {
	return ticketflow.WithTx(ctx, s.Client, func(tx *ent.Tx) error { return fn(tx.Client()) })
}
