package rule

import (
	"context"

	"supportdesk/ent"
	"supportdesk/ent/notificationpreference"
	"supportdesk/ent/privacy"
	"supportdesk/ent/webhookdelivery"
	"supportdesk/ent/webhookendpoint"
	"supportdesk/internal/viewer"
)

// FilterNotificationPreferences narrows preferences to the viewer's own.
func FilterNotificationPreferences() privacy.QueryRule {
	return privacy.NotificationPreferenceQueryRuleFunc(func(ctx context.Context, q *ent.NotificationPreferenceQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) { q.Where(notificationpreference.UserID(v.UserID)) })
	})
}

// webhookAdmin reports whether v administers webhooks: admins of partners and vendors. Customers
// have no administrators of their own (their provider administers them), so they have none.
func webhookAdmin(v *viewer.Viewer) bool { return v.IsStaff() && v.IsAdmin() }

// FilterWebhookEndpoints: administrators of a partner or vendor see their organisation's
// endpoints; everyone else sees none.
func FilterWebhookEndpoints() privacy.QueryRule {
	return privacy.WebhookEndpointQueryRuleFunc(func(ctx context.Context, q *ent.WebhookEndpointQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			if !webhookAdmin(v) {
				q.Where(webhookendpoint.IDIn())
				return
			}
			q.Where(webhookendpoint.OrganizationID(v.OrgID))
		})
	})
}

// FilterWebhookDeliveries: the same administrators see their organisation's deliveries.
func FilterWebhookDeliveries() privacy.QueryRule {
	return privacy.WebhookDeliveryQueryRuleFunc(func(ctx context.Context, q *ent.WebhookDeliveryQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			if !webhookAdmin(v) {
				q.Where(webhookdelivery.IDIn())
				return
			}
			q.Where(webhookdelivery.OrganizationID(v.OrgID))
		})
	})
}
