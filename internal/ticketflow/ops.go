package ticketflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/mail/outbound"
	"supportdesk/internal/notify"
	"supportdesk/internal/viewer"
)

// load reads a ticket through the privacy rules of the viewer in ctx.
func load(ctx context.Context, c *ent.Client, id int) (*ent.Ticket, error) {
	t, err := c.Ticket.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("ticket not found")
	}
	return t, err
}

// mutate loads a visible ticket for the viewer, runs fn in one transaction and returns the
// ticket as it is afterwards.
func (s *Service) mutate(ctx context.Context, id int, fn func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error) (*ent.Ticket, error) {
	v, err := mustViewer(ctx)
	if err != nil {
		return nil, err
	}
	err = WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		t, err := load(ctx, tx.Client(), id)
		if err != nil {
			return err
		}
		return fn(tx.Client(), v, t)
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.Client, id)
}

// UpdateInput holds the descriptive fields of a ticket; nil leaves a field as it is.
type UpdateInput struct {
	Title           *string
	Description     *string
	Module          *string
	SoftwareVersion *string
	Environment     *ticket.Environment
	Impact          *string
	Steps           *string
	FirstOccurredAt *time.Time
	Reproduction    *string
	Findings        *string
}

// Update changes descriptive fields. Customers may edit open tickets of their own; findings are
// staff-only. An incident must keep all of its mandatory fields.
func (s *Service) Update(ctx context.Context, id int, in UpdateInput) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if err := CheckEditable(t.Status); err != nil {
			return err
		}
		if v.IsCustomerSide() && in.Findings != nil {
			return apperr.Forbiddenf("findings are documented by provider staff")
		}
		if in.Title != nil && (strings.TrimSpace(*in.Title) == "" || len(*in.Title) > 300) {
			return apperr.Invalid("invalid ticket", "title")
		}
		merged := IncidentFields{t.Module, t.Impact, t.Steps, t.FirstOccurredAt, t.Reproduction}
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = *src
			}
		}
		set(&merged.Module, in.Module)
		set(&merged.Impact, in.Impact)
		set(&merged.Steps, in.Steps)
		set(&merged.Reproduction, in.Reproduction)
		if in.FirstOccurredAt != nil {
			merged.FirstOccurredAt = in.FirstOccurredAt
		}
		if t.Type == ticket.TypeINCIDENT {
			if err := ValidateIncident(merged); err != nil {
				return err
			}
		}
		u := c.Ticket.UpdateOne(t).SetNillableDescription(in.Description).
			SetNillableSoftwareVersion(in.SoftwareVersion).SetNillableEnvironment(in.Environment).
			SetModule(merged.Module).SetImpact(merged.Impact).SetSteps(merged.Steps).SetReproduction(merged.Reproduction).
			SetNillableFirstOccurredAt(merged.FirstOccurredAt).SetNillableFindings(in.Findings)
		if in.Title != nil {
			u.SetTitle(strings.TrimSpace(*in.Title))
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
		return Record(ctx, c, t.ID, v.UserID, ticketevent.KindUPDATED, "", "", "")
	})
}

// CheckEditable refuses edits of a ticket that has left the queue: CLOSED, DUPLICATE,
// REJECTED and DECLINED tickets are final (their text is what was decided on), and a RESOLVED
// ticket is reopened before it changes, so the resolution never describes other facts.
func CheckEditable(s ticket.Status) error {
	switch s {
	case ticket.StatusRESOLVED:
		return apperr.E(apperr.Conflict, "this ticket is resolved; reopen it before editing it")
	case ticket.StatusCLOSED:
		return apperr.E(apperr.Conflict, "this ticket is closed and can no longer be edited; raise a new ticket instead")
	case ticket.StatusDUPLICATE:
		return apperr.E(apperr.Conflict, "this ticket is a duplicate and can no longer be edited; edit the original ticket instead")
	case ticket.StatusREJECTED, ticket.StatusDECLINED:
		return apperr.E(apperr.Conflict, "this ticket was %s and can no longer be edited", strings.ToLower(string(s)))
	}
	return nil
}

// Transition moves a ticket to another status following the state machine.
func (s *Service) Transition(ctx context.Context, id int, to ticket.Status, reason, resolution string) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		actor := Staff
		if v.IsCustomerSide() {
			actor = Customer
			if v.Role == viewer.RoleEndUser && to != ticket.StatusOPEN {
				return apperr.Forbiddenf("end users can only reopen their tickets")
			}
		}
		if t.Level == ticket.LevelCUSTOMER && actor == Staff {
			return apperr.NotFoundf("ticket not found")
		}
		if err := CheckTransition(t.Type, t.Status, to, actor); err != nil {
			return err
		}
		if to == ticket.StatusREJECTED && t.Type == ticket.TypeINCIDENT {
			return apperr.E(apperr.IllegalTransition, "error reports are never rejected")
		}
		now := s.now()
		u := c.Ticket.UpdateOne(t).SetStatus(to)
		switch to {
		case ticket.StatusRESOLVED:
			if strings.TrimSpace(resolution) == "" {
				return apperr.Invalid("resolving a ticket needs a resolution", "resolution")
			}
			u.SetResolution(resolution).SetResolvedAt(now)
		case ticket.StatusCLOSED:
			if t.Status != ticket.StatusRESOLVED && strings.TrimSpace(resolution) == "" {
				return apperr.Invalid("closing an unresolved ticket needs a resolution", "resolution")
			}
			if resolution != "" {
				u.SetResolution(resolution)
			}
			u.SetClosedAt(now)
		case ticket.StatusOPEN:
			u.ClearResolvedAt()
		}
		if periods, changed := Waiting(t.WaitingPeriods, t.Status, to, now); changed {
			u.SetWaitingPeriods(periods)
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
		if to == ticket.StatusRESOLVED || t.Status == ticket.StatusRESOLVED {
			if err := s.freeze(ctx, c, t.ID); err != nil {
				return err
			}
		}
		if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindSTATUS_CHANGED, string(t.Status), string(to), reason); err != nil {
			return err
		}
		return s.announceStatus(ctx, c, t, to)
	})
}

// Assign sets or clears the assignee; only staff assign, and only to staff of their own
// organisation.
func (s *Service) Assign(ctx context.Context, id int, assigneeID *int) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsStaff() {
			return apperr.Forbiddenf("only provider staff assign tickets")
		}
		from, to := idString(t.AssigneeID), idString(assigneeID)
		if from == to {
			return nil
		}
		u := c.Ticket.UpdateOne(t)
		if assigneeID == nil {
			u.ClearAssigneeID()
		} else {
			ok, err := c.User.Query().Where(user.ID(*assigneeID), user.OrganizationID(v.OrgID),
				user.RoleIn(user.RoleSERVICE_DESK, user.RoleAGENT, user.RoleSERVICE_DELIVERY_MANAGER, user.RoleADMIN)).Exist(ctx)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.Invalid("the assignee must be staff of your organisation", "assigneeID")
			}
			u.SetAssigneeID(*assigneeID)
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
		if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindASSIGNEE_CHANGED, from, to, ""); err != nil {
			return err
		}
		if assigneeID == nil {
			return nil
		}
		return notify.OnAssigned(ctx, c, t, *assigneeID)
	})
}

// ChangePriority lets staff change the priority with a reason kept in the history.
func (s *Service) ChangePriority(ctx context.Context, id int, p ticket.Priority, reason string) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsStaff() {
			return apperr.Forbiddenf("only provider staff change the priority")
		}
		if ticket.PriorityValidator(p) != nil {
			return apperr.Invalid("invalid priority", "priority")
		}
		if strings.TrimSpace(reason) == "" {
			return apperr.Invalid("a priority change needs a reason", "reason")
		}
		if t.Priority == p {
			return apperr.E(apperr.Conflict, "the ticket already has priority %s", p)
		}
		if err := c.Ticket.UpdateOne(t).SetPriority(p).Exec(ctx); err != nil {
			return err
		}
		if t.SLAResolutionDue != nil {
			// The history keeps the old due time; the stored one follows the new priority.
			reason = fmt.Sprintf("%s (resolution due was %s)", reason, t.SLAResolutionDue.UTC().Format(time.RFC3339))
		}
		if err := s.freeze(ctx, c, t.ID); err != nil {
			return err
		}
		return Record(ctx, c, t.ID, v.UserID, ticketevent.KindPRIORITY_CHANGED, string(t.Priority), string(p), reason)
	})
}

// AddComment adds a public or internal comment. Only staff write internal comments. A
// customer's answer to a ticket waiting for them reopens it; the first public staff comment is
// the first response.
func (s *Service) AddComment(ctx context.Context, ticketID int, body string, internal bool) (*ent.Comment, error) {
	return s.AddCommentWith(ctx, ticketID, body, internal, nil)
}

// AddCommentWith adds a comment that may link a knowledge-base article.
func (s *Service) AddCommentWith(ctx context.Context, ticketID int, body string, internal bool, articleID *int) (*ent.Comment, error) {
	var out *ent.Comment
	_, err := s.mutate(ctx, ticketID, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if strings.TrimSpace(body) == "" {
			return apperr.Invalid("a comment needs a body", "body")
		}
		if internal && !v.IsStaff() {
			return apperr.Forbiddenf("only provider staff write internal comments")
		}
		cm, err := c.Comment.Create().SetTicketID(t.ID).SetAuthorID(v.UserID).SetBody(body).SetInternal(internal).
			SetNillableArticleID(articleID).Save(ctx)
		if err != nil {
			return err
		}
		out = cm
		if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindCOMMENTED, "", "", ""); err != nil {
			return err
		}
		if v.IsStaff() && !internal {
			// The reporter reads a public staff answer by mail too (issue 17).
			if err := outbound.QueueComment(ctx, c, t, v.UserID, body); err != nil {
				return err
			}
		}
		if v.IsCustomerSide() {
			if err := notify.OnCustomerReply(ctx, c, t); err != nil {
				return err
			}
		}
		switch {
		case v.IsCustomerSide() && t.Status == ticket.StatusWAITING_FOR_CUSTOMER:
			periods, _ := Waiting(t.WaitingPeriods, t.Status, ticket.StatusOPEN, s.now())
			if err := c.Ticket.UpdateOne(t).SetStatus(ticket.StatusOPEN).SetWaitingPeriods(periods).Exec(ctx); err != nil {
				return err
			}
			return Record(ctx, c, t.ID, v.UserID, ticketevent.KindSTATUS_CHANGED, string(t.Status), string(ticket.StatusOPEN), "customer answered")
		case v.IsStaff() && !internal && t.FirstResponseAt == nil && t.Level != ticket.LevelCUSTOMER:
			if err := c.Ticket.UpdateOne(t).SetFirstResponseAt(s.now()).Exec(ctx); err != nil {
				return err
			}
			return s.freeze(ctx, c, t.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Reload outside the committed transaction, so that edges resolve lazily.
	return s.Client.Comment.Get(ctx, out.ID)
}

func idString(id *int) string {
	if id == nil {
		return ""
	}
	return itoa(*id)
}
