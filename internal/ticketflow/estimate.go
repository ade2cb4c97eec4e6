package ticketflow

import (
	"context"
	"fmt"
	"strings"

	"supportdesk/ent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/ent/timeentry"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/billing"
	"supportdesk/internal/notify"
	"supportdesk/internal/viewer"
)

// EstimateInput is an L2 estimate of a change request.
type EstimateInput struct {
	TicketID   int
	Minutes    []schematype.LevelMinutes
	PriceCents int64
	// Kind is ROUGH (free) or DETAILED (the time spent estimating is billable, seed 004).
	Kind ticket.EstimateKind
	// EstimationMinutes is the time spent on a detailed estimate; a rough one books none.
	EstimationMinutes *int
}

// Estimate records an L2 estimate of a change request (minutes per level and price) and puts it
// before the customer's approvers, who are notified. It can be made as soon as the request is
// in (NEW, OPEN or IN_PROGRESS) and revised while it awaits approval. A rough estimate is free
// ("groft estimat"); a detailed one books the time spent estimating as billable work in the same
// transaction, and its cost is credited against the price when the offer is accepted (seed 004).
func (s *Service) Estimate(ctx context.Context, in EstimateInput) (*ent.Ticket, error) {
	if in.Kind == "" {
		in.Kind = ticket.EstimateKindROUGH
	}
	return s.mutate(ctx, in.TicketID, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsStaff() || !(v.HasLevel("L2") || v.IsAdmin()) {
			return apperr.Forbiddenf("change requests are estimated by L2 consultants")
		}
		if t.Type != ticket.TypeCHANGE_REQUEST {
			return apperr.E(apperr.IllegalTransition, "only change requests are estimated")
		}
		if err := validateEstimate(in); err != nil {
			return err
		}
		from := t.Status
		if from != ticket.StatusAWAITING_APPROVAL {
			if err := CheckTransition(t.Type, from, ticket.StatusESTIMATED, Staff); err != nil {
				return apperr.E(apperr.IllegalTransition, "a change request that is %s cannot be estimated", statusWords(from))
			}
		}
		if in.Kind == ticket.EstimateKindDETAILED {
			if s.BookEstimate == nil {
				return fmt.Errorf("ticketflow: no booking of detailed estimates configured")
			}
			if _, err := s.BookEstimate(ctx, c, t, *in.EstimationMinutes); err != nil {
				return err
			}
		}
		if err := c.Ticket.UpdateOne(t).SetEstimate(in.Minutes).SetEstimatePriceCents(in.PriceCents).SetEstimateKind(in.Kind).
			ClearEstimateCreditCents().SetStatus(ticket.StatusAWAITING_APPROVAL).Exec(ctx); err != nil {
			return err
		}
		text := strings.ToLower(string(in.Kind)) + ": " + estimateText(in.Minutes)
		if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindESTIMATED, "", itoa64(in.PriceCents), text); err != nil {
			return err
		}
		if from != ticket.StatusAWAITING_APPROVAL {
			if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindSTATUS_CHANGED, string(from), string(ticket.StatusAWAITING_APPROVAL), ""); err != nil {
				return err
			}
		}
		return s.notifyApprovers(ctx, c, t)
	})
}

func validateEstimate(in EstimateInput) error {
	if len(in.Minutes) == 0 {
		return apperr.Invalid("an estimate names the minutes per level", "minutes")
	}
	for _, m := range in.Minutes {
		if m.Minutes <= 0 || !contains([]string{"L1", "L2", "L3", "L4"}, m.Level) {
			return apperr.Invalid("estimated minutes must be positive, per level L1..L4", "minutes")
		}
	}
	if in.PriceCents < 0 {
		return apperr.Invalid("the price cannot be negative", "priceCents")
	}
	switch in.Kind {
	case ticket.EstimateKindROUGH:
		if in.EstimationMinutes != nil {
			return apperr.Invalid("a rough estimate is free: book no estimation time with it", "estimationMinutes")
		}
	case ticket.EstimateKindDETAILED:
		if in.EstimationMinutes == nil || *in.EstimationMinutes <= 0 {
			return apperr.Invalid("a detailed estimate names the minutes spent on it, which are billed", "estimationMinutes")
		}
	default:
		return apperr.Invalid("an estimate is ROUGH or DETAILED", "kind")
	}
	return nil
}

// notifyApprovers tells the customer's approvers (APPROVER accounts and key users holding the
// approval permission) that an estimate waits for them.
func (s *Service) notifyApprovers(ctx context.Context, c *ent.Client, t *ent.Ticket) error {
	ids, err := c.User.Query().Where(user.OrganizationID(t.CustomerID), user.Active(true),
		user.Or(user.RoleEQ(user.RoleAPPROVER), user.And(user.RoleEQ(user.RoleKEY_USER), user.CanApprove(true)))).
		IDs(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return err
	}
	msgs := make([]notify.Message, 0, len(ids))
	for _, id := range ids {
		tid := t.ID
		msgs = append(msgs, notify.Message{RecipientID: id, Kind: "ESTIMATE_AWAITS_APPROVAL", TicketID: &tid,
			Title: fmt.Sprintf("%s: an estimate waits for your approval", t.Number)})
	}
	return notify.Send(ctx, c, msgs...)
}

// statusWords names a change request's status as its users say it.
func statusWords(st ticket.Status) string {
	switch st {
	case ticket.StatusAPPROVED:
		return "approved already"
	case ticket.StatusDECLINED:
		return "declined already"
	case ticket.StatusESTIMATED, ticket.StatusAWAITING_APPROVAL:
		return "waiting for the customer's approval"
	case ticket.StatusRESOLVED, ticket.StatusCLOSED:
		return "finished"
	case ticket.StatusDUPLICATE:
		return "a duplicate"
	case ticket.StatusREJECTED:
		return "rejected"
	case ticket.StatusWAITING_FOR_CUSTOMER:
		return "waiting for the customer's answer"
	}
	return "in work"
}

func estimateText(ms []schematype.LevelMinutes) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, m.Level+" "+itoa(m.Minutes)+" min")
	}
	return strings.Join(parts, ", ")
}

// Decide approves or declines an estimated change request. Only the customer's approvers (or
// key users holding the approval permission) decide; approval records who approved and credits
// the cost of a detailed estimate against the offer's price (never below zero).
func (s *Service) Decide(ctx context.Context, id int, approve bool, reason string) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsCustomerSide() || !v.CanApprove || v.OrgID != t.CustomerID {
			return apperr.Forbiddenf("only the customer's approvers decide on estimates")
		}
		if t.Type != ticket.TypeCHANGE_REQUEST {
			return apperr.E(apperr.IllegalTransition, "only change requests are approved or declined")
		}
		if t.Status != ticket.StatusAWAITING_APPROVAL {
			if t.EstimatePriceCents == nil {
				return apperr.E(apperr.IllegalTransition, "this change request has no estimate yet")
			}
			return apperr.E(apperr.IllegalTransition, "this change request is %s", statusWords(t.Status))
		}
		to, kind := ticket.StatusDECLINED, ticketevent.KindDECLINED
		u := c.Ticket.UpdateOne(t)
		if approve {
			to, kind = ticket.StatusAPPROVED, ticketevent.KindAPPROVED
			u.SetApprovedByID(v.UserID).SetApprovedAt(s.now())
			credit, err := estimateCost(ctx, c, t.ID)
			if err != nil {
				return err
			}
			if credit > 0 {
				u.SetEstimateCreditCents(min(credit, *t.EstimatePriceCents))
			}
		}
		if err := u.SetStatus(to).Exec(ctx); err != nil {
			return err
		}
		if err := Record(ctx, c, t.ID, v.UserID, kind, "", "", reason); err != nil {
			return err
		}
		return Record(ctx, c, t.ID, v.UserID, ticketevent.KindSTATUS_CHANGED, string(t.Status), string(to), reason)
	})
}

// estimateCost is what the detailed estimates of a ticket were billed, in cents. Customers
// may not read staff time entries one by one; only this sum leaves the bypass.
func estimateCost(ctx context.Context, c *ent.Client, ticketID int) (int64, error) {
	es, err := c.TimeEntry.Query().Where(timeentry.TicketID(ticketID), timeentry.Estimate(true)).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return 0, err
	}
	var sum int64
	for _, e := range es {
		sum += billing.Amount(e.BillableMinutes, e.RateCents)
	}
	return sum, nil
}
