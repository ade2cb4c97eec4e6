package auth

import (
	"context"

	"supportdesk/ent"
	"supportdesk/ent/user"
	"supportdesk/ent/useridentity"
	"supportdesk/internal/apperr"
	"supportdesk/internal/viewer"
)

// Linked identities (issue 17): an administrator links a subject of a configured OpenID
// Connect issuer to a user of the organisation that issuer is configured for. The rows are
// only reachable through this file and OIDC.mapUser, through the reviewed bypass.

// identityAdmin returns the user an administrator may manage identities of: visible to the
// viewer (else NOT_FOUND) and of an organisation the viewer administers (else FORBIDDEN).
func (s *Service) identityAdmin(ctx context.Context, userID int) (*ent.User, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	u, err := s.Client.User.Query().Where(user.ID(userID)).WithOrganization().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("user not found")
	}
	if err != nil {
		return nil, err
	}
	if !Administers(v, u.Edges.Organization) {
		return nil, apperr.Forbiddenf("administrators link identities of their own organisation and of the organisations they serve")
	}
	return u, nil
}

// LinkIdentity links issuer and subject to a user. The issuer must be configured and map into
// the user's organisation; a subject links to one user only (CONFLICT otherwise).
func (s *Service) LinkIdentity(ctx context.Context, userID int, issuer, subject string) (*ent.UserIdentity, error) {
	u, err := s.identityAdmin(ctx, userID)
	if err != nil {
		return nil, err
	}
	var is OIDCIssuer
	ok := false
	if s.Tokens.OIDC != nil {
		is, ok = s.Tokens.OIDC.issuer(issuer)
	}
	if !ok {
		return nil, apperr.Invalid("the issuer is not configured", "issuer")
	}
	if is.OrganizationID != u.OrganizationID {
		return nil, apperr.Invalid("the issuer signs in users of another organisation", "issuer")
	}
	if subject == "" || len(subject) > 255 {
		return nil, apperr.Invalid("the subject must be 1 to 255 characters long", "subject")
	}
	id, err := s.Client.UserIdentity.Create().SetIssuer(issuer).SetSubject(subject).SetUserID(u.ID).Save(trusted(ctx))
	if ent.IsConstraintError(err) {
		return nil, apperr.E(apperr.Conflict, "the subject is already linked to a user")
	}
	if err != nil {
		return nil, err
	}
	id.Edges.User = u
	return id, nil
}

// UnlinkIdentity removes the link of issuer and subject; false when there was none the viewer
// administers.
func (s *Service) UnlinkIdentity(ctx context.Context, issuer, subject string) (bool, error) {
	link, err := s.Client.UserIdentity.Query().Where(useridentity.Issuer(issuer), useridentity.Subject(subject)).Only(trusted(ctx))
	if ent.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := s.identityAdmin(ctx, link.UserID); err != nil {
		if ae, ok := apperr.As(err); ok && ae.Code == apperr.NotFound {
			return false, nil
		}
		return false, err
	}
	return true, s.Client.UserIdentity.DeleteOneID(link.ID).Exec(trusted(ctx))
}

// Identities lists the identities linked to a user.
func (s *Service) Identities(ctx context.Context, userID int) ([]*ent.UserIdentity, error) {
	u, err := s.identityAdmin(ctx, userID)
	if err != nil {
		return nil, err
	}
	ids, err := s.Client.UserIdentity.Query().Where(useridentity.UserID(u.ID)).
		Order(ent.Asc(useridentity.FieldIssuer), ent.Asc(useridentity.FieldSubject)).All(trusted(ctx))
	for _, id := range ids {
		id.Edges.User = u // already loaded under the viewer's rules: no query per row
	}
	return ids, err
}
