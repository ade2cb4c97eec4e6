package ticketflow

import (
	"context"
	"strings"

	"supportdesk/ent"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/internal/apperr"
	"supportdesk/internal/viewer"
)

// SplitPart is one topic split out of an inquiry.
type SplitPart struct {
	Title       string       `json:"title"`
	Description *string      `json:"description"`
	Type        *ticket.Type `json:"type"`
}

// Split turns an inquiry with several topics into one ticket per topic (SPEC 4: one ticket per
// topic). Each new ticket links back to the original and inherits customer, contract, reporter,
// channel, priority, level and the ERP context.
func (s *Service) Split(ctx context.Context, id int, parts []*SplitPart) ([]*ent.Ticket, error) {
	var created []int
	_, err := s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsStaff() {
			return apperr.Forbiddenf("only provider staff split tickets")
		}
		if len(parts) == 0 || len(parts) > 20 {
			return apperr.Invalid("a split needs between 1 and 20 parts", "parts")
		}
		for _, p := range parts {
			if p == nil || strings.TrimSpace(p.Title) == "" || len(p.Title) > 300 {
				return apperr.Invalid("every part needs a title", "parts")
			}
		}
		var numbers []string
		for _, p := range parts {
			typ := t.Type
			if p.Type != nil {
				typ = *p.Type
			}
			desc := ""
			if p.Description != nil {
				desc = *p.Description
			}
			if typ == ticket.TypeINCIDENT {
				if err := ValidateIncident(IncidentFields{t.Module, t.Impact, t.Steps, t.FirstOccurredAt, t.Reproduction}); err != nil {
					return err
				}
			}
			number, err := nextNumber(ctx, c, "SD")
			if err != nil {
				return err
			}
			n, err := c.Ticket.Create().SetNumber(number).SetTitle(strings.TrimSpace(p.Title)).SetDescription(desc).
				SetType(typ).SetPriority(t.Priority).SetChannel(t.Channel).SetLevel(t.Level).SetStatus(ticket.StatusNEW).
				SetModule(t.Module).SetSoftwareVersion(t.SoftwareVersion).SetNillableEnvironment(t.Environment).
				SetImpact(t.Impact).SetSteps(t.Steps).SetNillableFirstOccurredAt(t.FirstOccurredAt).
				SetReproduction(t.Reproduction).SetReceivedAt(t.ReceivedAt).SetCustomerID(t.CustomerID).
				SetNillableContractID(t.ContractID).SetReporterID(t.ReporterID).SetSplitFromID(t.ID).Save(ctx)
			if err != nil {
				return err
			}
			if err := Record(ctx, c, n.ID, v.UserID, ticketevent.KindCREATED, "", string(n.Level), "split from "+t.Number); err != nil {
				return err
			}
			created = append(created, n.ID)
			numbers = append(numbers, number)
		}
		return Record(ctx, c, t.ID, v.UserID, ticketevent.KindSPLIT, "", strings.Join(numbers, ","), "")
	})
	if err != nil {
		return nil, err
	}
	return s.Client.Ticket.Query().Where(ticket.IDIn(created...)).Order(ent.Asc(ticket.FieldID)).All(ctx)
}

// Link relates two tickets in both directions.
func (s *Service) Link(ctx context.Context, id, otherID int) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsStaff() {
			return apperr.Forbiddenf("only provider staff link tickets")
		}
		if id == otherID {
			return apperr.Invalid("a ticket cannot be linked to itself", "otherID")
		}
		o, err := load(ctx, c, otherID)
		if err != nil {
			return err
		}
		linked, err := t.QueryRelated().Where(ticket.ID(o.ID)).Exist(ctx)
		if err != nil || linked {
			return err
		}
		if err := c.Ticket.UpdateOne(t).AddRelatedIDs(o.ID).Exec(ctx); err != nil {
			return err
		}
		if err := c.Ticket.UpdateOne(o).AddRelatedIDs(t.ID).Exec(ctx); err != nil {
			return err
		}
		if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindLINKED, "", o.Number, ""); err != nil {
			return err
		}
		return Record(ctx, c, o.ID, v.UserID, ticketevent.KindLINKED, "", t.Number, "")
	})
}

// MarkDuplicate closes a ticket as a duplicate of an original, which then lists it.
func (s *Service) MarkDuplicate(ctx context.Context, id, originalID int) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsStaff() {
			return apperr.Forbiddenf("only provider staff mark duplicates")
		}
		if id == originalID {
			return apperr.Invalid("a ticket cannot duplicate itself", "originalID")
		}
		o, err := load(ctx, c, originalID)
		if err != nil {
			return err
		}
		if o.Status == ticket.StatusDUPLICATE {
			return apperr.Invalid("the original is itself a duplicate; link to its original", "originalID")
		}
		if err := CheckTransition(t.Type, t.Status, ticket.StatusDUPLICATE, Staff); err != nil {
			return err
		}
		if err := c.Ticket.UpdateOne(t).SetStatus(ticket.StatusDUPLICATE).SetDuplicateOfID(o.ID).SetClosedAt(s.now()).Exec(ctx); err != nil {
			return err
		}
		if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindDUPLICATE_MARKED, "", o.Number, ""); err != nil {
			return err
		}
		return Record(ctx, c, t.ID, v.UserID, ticketevent.KindSTATUS_CHANGED, string(t.Status), string(ticket.StatusDUPLICATE), "duplicate of "+o.Number)
	})
}

// ChangeType lets staff change a ticket's type with a reason kept in the history. An incident
// caused by the customer's own changes becomes a billable service request (seed 004).
func (s *Service) ChangeType(ctx context.Context, id int, typ ticket.Type, reason string, billable bool) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsStaff() {
			return apperr.Forbiddenf("only provider staff change a ticket's type")
		}
		if strings.TrimSpace(reason) == "" {
			return apperr.Invalid("a type change needs a reason", "reason")
		}
		if ticket.TypeValidator(typ) != nil || typ == t.Type {
			return apperr.Invalid("choose a different, valid type", "type")
		}
		if typ == ticket.TypePRODUCT_IDEA && billable {
			return apperr.Invalid("product ideas are never billed", "billable")
		}
		if err := c.Ticket.UpdateOne(t).SetType(typ).SetBillableReclassified(billable).Exec(ctx); err != nil {
			return err
		}
		if billable {
			reason += " (billable)"
		}
		if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindTYPE_CHANGED, string(t.Type), string(typ), reason); err != nil {
			return err
		}
		if s.OnTypeChange != nil {
			return s.OnTypeChange(ctx, c, t, v.UserID)
		}
		return nil
	})
}
