package rule

import (
	"context"

	"supportdesk/ent"
	"supportdesk/ent/inboundmail"
	"supportdesk/ent/outboundmail"
	"supportdesk/ent/privacy"
	"supportdesk/internal/viewer"
)

// MailDesk reports whether v handles its provider's mail review queue: the service desk, service
// delivery managers and administrators of a partner or vendor.
func MailDesk(v *viewer.Viewer) bool {
	if v == nil || !v.IsStaff() {
		return false
	}
	switch v.Role {
	case viewer.RoleServiceDesk, viewer.RoleSDM, viewer.RoleAdmin:
		return true
	}
	return false
}

// AllowIfMailDesk allows changes by the mail desk of a provider (package mail checks that the
// row is their organisation's) and denies everyone else.
func AllowIfMailDesk() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
		if MailDesk(viewer.FromContext(ctx)) {
			return privacy.Allow
		}
		return privacy.Denyf("the service desk handles mail")
	})
}

// FilterInboundMails: the mail desk of a provider sees the mail its support address received;
// everyone else sees none.
func FilterInboundMails() privacy.QueryRule {
	return privacy.InboundMailQueryRuleFunc(func(ctx context.Context, q *ent.InboundMailQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			if !MailDesk(v) {
				q.Where(inboundmail.IDIn())
				return
			}
			q.Where(inboundmail.OrganizationID(v.OrgID))
		})
	})
}

// FilterOutboundMails: administrators of a partner or vendor see the mail sent to their
// organisation's users; everyone else sees none.
func FilterOutboundMails() privacy.QueryRule {
	return privacy.OutboundMailQueryRuleFunc(func(ctx context.Context, q *ent.OutboundMailQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			if !v.IsStaff() || !v.IsAdmin() {
				q.Where(outboundmail.IDIn())
				return
			}
			q.Where(outboundmail.OrganizationID(v.OrgID))
		})
	})
}
