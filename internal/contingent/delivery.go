package contingent

import (
	"context"
	"strings"

	"supportdesk/ent"
	"supportdesk/internal/apperr"
	"supportdesk/internal/viewer"
)

// DeliveryBooking is time a partner spent delivering a vendor fix to a customer.
type DeliveryBooking struct {
	TicketID    int
	Level       *string
	Minutes     int
	Description string
}

// BookFixDelivery books fix-delivery time in the caller's transaction (c is the transaction's
// client), dated today. Delivering a vendor fix is never billable (SPEC 12.11, billing rule
// FIX_DELIVERY): the entry keeps its minutes, bills 0 and never touches a contingent, so it
// can neither exhaust a budget nor open an overrun decision.
func (s *Service) BookFixDelivery(ctx context.Context, c *ent.Client, in DeliveryBooking) (*ent.TimeEntry, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	if in.Minutes <= 0 || in.Minutes > 24*60 {
		return nil, apperr.Invalid("minutes must be between 1 and 1440", "minutes")
	}
	if strings.TrimSpace(in.Description) == "" {
		return nil, apperr.Invalid("describe the work", "description")
	}
	fix := true
	e, _, err := s.book(ctx, c, v, BookInput{system: true, TicketID: in.TicketID, Level: in.Level,
		Minutes: in.Minutes, Description: in.Description, FixDelivery: &fix})
	return e, err
}
