package rule

import (
	"context"

	"supportdesk/ent"
	"supportdesk/ent/predicate"
	"supportdesk/ent/privacy"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketcount"
	"supportdesk/internal/viewer"
)

// TicketCountScope is TicketScope on the open-ticket counters (ent/schema TicketCount): the
// counter rows of exactly the tickets v may see. ok is false when the scope depends on a
// column the counters do not keep (an end user sees the tickets they reported): such a viewer
// must count the tickets themselves. Keep it beside TicketScope: each branch mirrors one there.
func TicketCountScope(v *viewer.Viewer) (p predicate.TicketCount, ok bool) {
	notCustomerLevel := ticketcount.LevelNEQ(string(ticket.LevelCUSTOMER))
	switch {
	case v.OrgKind == viewer.Customer && v.Role == viewer.RoleEndUser:
		return ticketcount.IDIn(), false
	case v.OrgKind == viewer.Customer:
		return ticketcount.CustomerID(v.OrgID), true
	case v.OrgKind == viewer.Vendor:
		return ticketcount.Or(
			ticketcount.And(ticketcount.CustomerIDIn(v.ServedCustomerIDs...), notCustomerLevel),
			ticketcount.And(ticketcount.VendorInvolved(true), ticketcount.CustomerIDIn(v.PartnerCustomerIDs...)),
		), true
	default:
		return ticketcount.And(ticketcount.CustomerIDIn(v.ServedCustomerIDs...), notCustomerLevel), true
	}
}

// FilterTicketCounts narrows the counters to TicketCountScope (nothing for a viewer it cannot
// express).
func FilterTicketCounts() privacy.QueryRule {
	return privacy.TicketCountQueryRuleFunc(func(ctx context.Context, q *ent.TicketCountQuery) error {
		return withViewer(ctx, func(v *viewer.Viewer) {
			p, _ := TicketCountScope(v)
			q.Where(p)
		})
	})
}
