package contingent

import (
	"context"

	"supportdesk/ent"
	"supportdesk/internal/apperr"
	"supportdesk/internal/viewer"
)

// BookEstimate books the time an L2 consultant spent on a detailed change-request estimate, in
// the caller's transaction (ticketflow's Estimate): billable work at the L2 rate whatever the
// agreement (billing.Booking.Estimate), dated today. On a contingent contract it uses the L2
// contingent like any billable booking, so an exhausted budget refuses the estimate with
// CONTINGENT_EXHAUSTED and the customer decides first.
func (s *Service) BookEstimate(ctx context.Context, c *ent.Client, t *ent.Ticket, minutes int) (*ent.TimeEntry, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	level := "L2"
	e, exhausted, err := s.book(ctx, c, v, BookInput{TicketID: t.ID, Level: &level, Minutes: minutes,
		Description: "Detailed estimate of change request " + t.Number, estimate: true})
	if exhausted != nil && err == nil {
		err = apperr.E(apperr.ContingentExhausted, "the L2 contingent has too few minutes left for this estimate")
	}
	return e, err
}
