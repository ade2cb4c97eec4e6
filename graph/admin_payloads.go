package graph

import (
	"supportdesk/ent"
	"supportdesk/graph/model"
	"supportdesk/internal/admin"

	"entgo.io/contrib/entgql"
)

// newestFirst is the audit trail's order.
var newestFirst = &ent.AuditEventOrder{Field: ent.AuditEventOrderFieldCreatedAt, Direction: entgql.OrderDirectionDesc}

func orgPayload(o *ent.Organization, err error) (*model.OrganizationPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.OrganizationPayload{Organization: o}, nil
}

func userPayload(u *ent.User, err error) (*model.UserPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.UserPayload{User: u}, nil
}

func resetPayload(p *admin.PasswordReset, err error) (*model.PasswordResetPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.PasswordResetPayload{User: p.User, Token: p.Token, ExpiresAt: p.ExpiresAt}, nil
}
