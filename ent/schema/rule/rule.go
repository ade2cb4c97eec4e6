// Package rule holds the privacy rules of the Ent schema: the one place where tenancy is
// decided. Every read path (connections, counts, node lookups, eager-loaded edges) runs through
// the query policies below, which narrow the SQL to what the viewer may see.
package rule

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent/dialect/sql"

	"supportdesk/ent"
	"supportdesk/ent/attachment"
	"supportdesk/ent/auditevent"
	"supportdesk/ent/calendar"
	"supportdesk/ent/comment"
	"supportdesk/ent/contingent"
	"supportdesk/ent/contract"
	"supportdesk/ent/knowledgearticle"
	"supportdesk/ent/notification"
	"supportdesk/ent/organization"
	"supportdesk/ent/overrundecision"
	"supportdesk/ent/predicate"
	"supportdesk/ent/privacy"
	"supportdesk/ent/task"
	"supportdesk/ent/tasknote"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/ent/timeentry"
	"supportdesk/ent/user"
	"supportdesk/internal/viewer"
)

// DenyIfNoViewer denies every operation of a context without a viewer. Trusted code (login,
// schedulers, seeding) passes privacy.DecisionContext(ctx, privacy.Allow) instead.
func DenyIfNoViewer() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.FromContext(ctx) == nil {
			return privacy.Denyf("viewer missing")
		}
		return privacy.Skip
	})
}

// DenyAll denies an operation to every viewer; only the trusted bypass gets through.
func DenyAll() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(context.Context) error {
		return privacy.Denyf("not accessible")
	})
}

// AllowIfAdmin allows mutations by provider administrators and denies everyone else.
func AllowIfAdmin() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
		v := viewer.FromContext(ctx)
		if v != nil && v.IsStaff() && v.IsAdmin() {
			return privacy.Allow
		}
		return privacy.Denyf("administrators only")
	})
}

// AllowOwnPassword lets any signed-in user change their own password (and nothing else of their
// account); the service checks the current password first.
func AllowOwnPassword() privacy.MutationRule {
	return privacy.UserMutationRuleFunc(func(ctx context.Context, m *ent.UserMutation) error {
		v := viewer.FromContext(ctx)
		id, ok := m.ID()
		if v == nil || !ok || id != v.UserID || !m.Op().Is(ent.OpUpdateOne) {
			return privacy.Skip
		}
		for _, f := range append(m.Fields(), m.ClearedFields()...) {
			switch f {
			case user.FieldPasswordHash, user.FieldUpdatedAt, user.FieldPasswordResetHash, user.FieldPasswordResetExpiresAt:
			default:
				return privacy.Skip
			}
		}
		return privacy.Allow
	})
}

// TicketScope is the predicate of the tickets v may see (SPEC section 2).
func TicketScope(v *viewer.Viewer) predicate.Ticket {
	switch {
	case v.OrgKind == viewer.Customer && v.Role == viewer.RoleEndUser:
		return ticket.ReporterID(v.UserID)
	case v.OrgKind == viewer.Customer:
		return ticket.CustomerID(v.OrgID)
	case v.OrgKind == viewer.Vendor:
		return ticket.Or(
			ticket.And(ticket.CustomerIDIn(v.ServedCustomerIDs...), ticket.LevelNEQ(ticket.LevelCUSTOMER)),
			ticket.And(ticket.VendorInvolved(true), ticket.CustomerIDIn(v.PartnerCustomerIDs...)),
		)
	default:
		return ticket.And(ticket.CustomerIDIn(v.ServedCustomerIDs...), ticket.LevelNEQ(ticket.LevelCUSTOMER))
	}
}

// TicketCustomerVisible reports whether v may see tickets of the customer organisation
// customerID at all: what TicketScope asks of a ticket's customer, without the rest (reporter,
// level, vendor involvement), which only the query decides. The live fan-out uses it to skip
// the reload of a change no viewer of v's scope could see (keep it with TicketScope).
func TicketCustomerVisible(v *viewer.Viewer, customerID int) bool {
	switch {
	case v.OrgKind == viewer.Customer:
		return customerID == v.OrgID
	case v.OrgKind == viewer.Vendor:
		return slices.Contains(v.ServedCustomerIDs, customerID) || slices.Contains(v.PartnerCustomerIDs, customerID)
	default:
		return slices.Contains(v.ServedCustomerIDs, customerID)
	}
}

// TicketScopeKey identifies which tickets v may see: viewers with the same key see the same
// tickets (it covers exactly what TicketScope reads; keep them together), so the live fan-out
// loads a changed ticket once for all of them. Other objects use viewer.ScopeKey.
func TicketScopeKey(v *viewer.Viewer) string {
	switch {
	case v.OrgKind == viewer.Customer && v.Role == viewer.RoleEndUser:
		return fmt.Sprintf("reporter/%d", v.UserID)
	case v.OrgKind == viewer.Customer:
		return fmt.Sprintf("customer/%d", v.OrgID)
	case v.OrgKind == viewer.Vendor:
		return fmt.Sprintf("vendor/%v/%v", sortedInts(v.ServedCustomerIDs), sortedInts(v.PartnerCustomerIDs))
	default:
		return fmt.Sprintf("provider/%v", sortedInts(v.ServedCustomerIDs))
	}
}

func sortedInts(s []int) []int { return slices.Sorted(slices.Values(s)) }

// TaskScope is the predicate of the development tasks v may see: staff of the owning
// organisation only.
func TaskScope(v *viewer.Viewer) predicate.Task {
	if !v.IsStaff() {
		return task.IDIn()
	}
	return task.OrganizationID(v.OrgID)
}

func withViewer(ctx context.Context, apply func(v *viewer.Viewer)) error {
	v := viewer.FromContext(ctx)
	if v == nil {
		return privacy.Denyf("viewer missing")
	}
	apply(v)
	return privacy.Skip
}

// FilterOrganizations narrows organisations to the viewer's own, its provider, and the
// organisations it serves. A vendor sees its partners but a partner's customer only once one of
// that customer's tickets was escalated to it (SPEC 2).
func FilterOrganizations() privacy.QueryRule {
	return privacy.OrganizationQueryRuleFunc(func(ctx context.Context, q *ent.OrganizationQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			q.Where(organization.Or(organization.IDIn(directOrgIDs(v)...),
				predicate.Organization(escalatedCustomers(v, organization.FieldID))))
		})
	})
}

// FilterUsers narrows users to those of the organisations visible by FilterOrganizations.
func FilterUsers() privacy.QueryRule {
	return privacy.UserQueryRuleFunc(func(ctx context.Context, q *ent.UserQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			q.Where(user.Or(user.OrganizationIDIn(directOrgIDs(v)...),
				predicate.User(escalatedCustomers(v, user.FieldOrganizationID))))
		})
	})
}

// directOrgIDs are the organisations a viewer sees by the tree alone: its own, its provider,
// the customers it serves and a vendor's partners (not the partners' customers).
func directOrgIDs(v *viewer.Viewer) []int {
	ids := []int{v.OrgID}
	if v.ParentOrgID != 0 {
		ids = append(ids, v.ParentOrgID)
	}
	ids = append(ids, v.ServedCustomerIDs...)
	return append(ids, v.PartnerIDs...)
}

// escalatedCustomers restricts column col to the vendor's partner customers that have a ticket
// escalated to the vendor; it matches nothing for other viewers.
func escalatedCustomers(v *viewer.Viewer, col string) func(*sql.Selector) {
	return func(s *sql.Selector) {
		if len(v.PartnerCustomerIDs) == 0 {
			s.Where(sql.False())
			return
		}
		t := sql.Table(ticket.Table)
		ids := make([]any, len(v.PartnerCustomerIDs))
		for i, id := range v.PartnerCustomerIDs {
			ids[i] = id
		}
		s.Where(sql.In(s.C(col), sql.Select(t.C(ticket.FieldCustomerID)).From(t).
			Where(sql.And(sql.EQ(t.C(ticket.FieldVendorInvolved), true), sql.In(t.C(ticket.FieldCustomerID), ids...)))))
	}
}

// FilterCalendars: staff see their organisation's calendars and their provider's; a customer
// sees only the calendars of its own contracts and its default calendar, never another
// customer's calendar of the same provider.
func FilterCalendars() privacy.QueryRule {
	return privacy.CalendarQueryRuleFunc(func(ctx context.Context, q *ent.CalendarQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			if !v.IsCustomerSide() {
				q.Where(calendar.OrganizationIDIn(v.OrgID, v.ParentOrgID))
				return
			}
			q.Where(calendar.Or(
				calendar.HasContractsWith(contract.CustomerID(v.OrgID)),
				predicate.Calendar(func(s *sql.Selector) {
					o := sql.Table(organization.Table)
					s.Where(sql.In(s.C(calendar.FieldID), sql.Select(o.C(organization.FieldDefaultCalendarID)).From(o).
						Where(sql.EQ(o.C(organization.FieldID), v.OrgID))))
				}),
			))
		})
	})
}

// FilterContracts: customers' key users and approvers see their own contracts, end users none;
// providers see the contracts they provide.
func FilterContracts() privacy.QueryRule {
	return privacy.ContractQueryRuleFunc(func(ctx context.Context, q *ent.ContractQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			switch {
			case v.IsCustomerSide() && v.Role == viewer.RoleEndUser:
				q.Where(contract.IDIn())
			case v.IsCustomerSide():
				q.Where(contract.CustomerID(v.OrgID))
			default:
				q.Where(contract.ProviderID(v.OrgID))
			}
		})
	})
}

// FilterTickets narrows tickets to TicketScope.
func FilterTickets() privacy.QueryRule {
	return privacy.TicketQueryRuleFunc(func(ctx context.Context, q *ent.TicketQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) { q.Where(TicketScope(v)) })
	})
}

// FilterTicketEvents narrows history rows to visible tickets.
func FilterTicketEvents() privacy.QueryRule {
	return privacy.TicketEventQueryRuleFunc(func(ctx context.Context, q *ent.TicketEventQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) { q.Where(ticketevent.HasTicketWith(TicketScope(v))) })
	})
}

// FilterComments narrows comments to visible tickets; customers never see internal ones.
func FilterComments() privacy.QueryRule {
	return privacy.CommentQueryRuleFunc(func(ctx context.Context, q *ent.CommentQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			q.Where(comment.HasTicketWith(TicketScope(v)))
			if !v.IsStaff() {
				q.Where(comment.Internal(false))
			}
		})
	})
}

// FilterAttachments narrows attachments like comments.
func FilterAttachments() privacy.QueryRule {
	return privacy.AttachmentQueryRuleFunc(func(ctx context.Context, q *ent.AttachmentQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			q.Where(attachment.HasTicketWith(TicketScope(v)))
			if !v.IsStaff() {
				q.Where(attachment.Internal(false))
			}
		})
	})
}

// FilterTimeEntries: staff see entries of visible tickets; key users and approvers see their
// own organisation's entries (they see their own money); end users see none.
func FilterTimeEntries() privacy.QueryRule {
	return privacy.TimeEntryQueryRuleFunc(func(ctx context.Context, q *ent.TimeEntryQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			switch {
			case v.IsCustomerSide() && v.Role == viewer.RoleEndUser:
				q.Where(timeentry.IDIn())
			case v.IsCustomerSide():
				q.Where(timeentry.CustomerID(v.OrgID))
			default:
				q.Where(timeentry.HasTicketWith(TicketScope(v)))
			}
		})
	})
}

// FilterTasks narrows tasks to TaskScope.
func FilterTasks() privacy.QueryRule {
	return privacy.TaskQueryRuleFunc(func(ctx context.Context, q *ent.TaskQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) { q.Where(TaskScope(v)) })
	})
}

// FilterTaskNotes narrows notes to visible tasks.
func FilterTaskNotes() privacy.QueryRule {
	return privacy.TaskNoteQueryRuleFunc(func(ctx context.Context, q *ent.TaskNoteQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) { q.Where(tasknote.HasTaskWith(TaskScope(v))) })
	})
}

// FilterArticles: staff see their organisation's articles and the public ones of their
// provider; customers see the public articles of their provider.
func FilterArticles() privacy.QueryRule {
	return privacy.KnowledgeArticleQueryRuleFunc(func(ctx context.Context, q *ent.KnowledgeArticleQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			public := knowledgearticle.And(knowledgearticle.VisibilityEQ(knowledgearticle.VisibilityPUBLIC),
				knowledgearticle.OrganizationID(v.ParentOrgID))
			if v.IsStaff() {
				q.Where(knowledgearticle.Or(knowledgearticle.OrganizationID(v.OrgID), public))
				return
			}
			q.Where(public)
		})
	})
}

// FilterNotifications narrows notifications to the viewer's own.
func FilterNotifications() privacy.QueryRule {
	return privacy.NotificationQueryRuleFunc(func(ctx context.Context, q *ent.NotificationQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) { q.Where(notification.RecipientID(v.UserID)) })
	})
}

// FilterContingents: key users and approvers see their organisation's budgets (their own
// money), end users none, providers the budgets of the contracts they provide.
func FilterContingents() privacy.QueryRule {
	return privacy.ContingentQueryRuleFunc(func(ctx context.Context, q *ent.ContingentQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			switch {
			case v.IsCustomerSide() && v.Role == viewer.RoleEndUser:
				q.Where(contingent.IDIn())
			case v.IsCustomerSide():
				q.Where(contingent.CustomerID(v.OrgID))
			default:
				q.Where(contingent.HasContractWith(contract.ProviderID(v.OrgID)))
			}
		})
	})
}

// FilterOverrunDecisions narrows overrun decisions exactly like their contingents.
func FilterOverrunDecisions() privacy.QueryRule {
	return privacy.OverrunDecisionQueryRuleFunc(func(ctx context.Context, q *ent.OverrunDecisionQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			switch {
			case v.IsCustomerSide() && v.Role == viewer.RoleEndUser:
				q.Where(overrundecision.IDIn())
			case v.IsCustomerSide():
				q.Where(overrundecision.CustomerID(v.OrgID))
			default:
				q.Where(overrundecision.HasContractWith(contract.ProviderID(v.OrgID)))
			}
		})
	})
}

// FilterAuditEvents: administrators and service delivery managers of a provider read the audit
// rows of their own organisation and of the customers they serve, and a vendor's the rows about
// its partners' organisation records (not their users or calendars); everyone else reads none.
func FilterAuditEvents() privacy.QueryRule {
	return privacy.AuditEventQueryRuleFunc(func(ctx context.Context, q *ent.AuditEventQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			if !v.IsStaff() || (v.Role != viewer.RoleAdmin && v.Role != viewer.RoleSDM) {
				q.Where(auditevent.IDIn())
				return
			}
			own := append([]int{v.OrgID}, v.ServedCustomerIDs...)
			q.Where(auditevent.Or(auditevent.OrganizationIDIn(own...),
				auditevent.And(auditevent.OrganizationIDIn(v.PartnerIDs...), auditevent.ObjectTypeEQ(auditevent.ObjectTypeORGANIZATION))))
		})
	})
}
