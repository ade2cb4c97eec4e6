package notify

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"

	"supportdesk/ent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/ticket"
	"supportdesk/ent/user"
	"supportdesk/internal/viewer"
)

// MaxLevelFanout bounds how many agents one escalation notifies: the first agents (by id) of
// the organisation working the level. A provider with more agents on one level works a queue,
// not a notification list.
const MaxLevelFanout = 50

// LevelAgents returns the active agents of an organisation who work a level, at most
// MaxLevelFanout of them, leaving out the acting viewer (who is never notified anyway).
func LevelAgents(ctx context.Context, c *ent.Client, orgID int, level string) ([]int, error) {
	actor := 0
	if v := viewer.FromContext(ctx); v != nil {
		actor = v.UserID
	}
	return c.User.Query().Where(user.OrganizationID(orgID), user.RoleEQ(user.RoleAGENT), user.Active(true), user.IDNEQ(actor),
		func(s *sql.Selector) { s.Where(sqljson.ValueContains(user.FieldLevels, level)) }).
		Order(ent.Asc(user.FieldID)).Limit(MaxLevelFanout).IDs(privacy.DecisionContext(ctx, privacy.Allow))
}

// OnAssigned tells a ticket's new assignee.
func OnAssigned(ctx context.Context, c *ent.Client, t *ent.Ticket, assigneeID int) error {
	return Send(ctx, c, Message{RecipientID: assigneeID, Kind: TicketAssigned, TicketID: &t.ID,
		Title: fmt.Sprintf("%s: assigned to you", t.Number), Body: t.Title})
}

// OnCustomerReply tells the assignee that the customer answered on their ticket.
func OnCustomerReply(ctx context.Context, c *ent.Client, t *ent.Ticket) error {
	if t.AssigneeID == nil {
		return nil
	}
	return Send(ctx, c, Message{RecipientID: *t.AssigneeID, Kind: CustomerReplied, TicketID: &t.ID,
		Title: fmt.Sprintf("%s: the customer replied", t.Number), Body: t.Title})
}

// OnEscalated tells the agents of orgID who work the new level.
func OnEscalated(ctx context.Context, c *ent.Client, t *ent.Ticket, orgID int, level ticket.Level) error {
	ids, err := LevelAgents(ctx, c, orgID, string(level))
	if err != nil {
		return err
	}
	msgs := make([]Message, 0, len(ids))
	for _, id := range ids {
		msgs = append(msgs, Message{RecipientID: id, Kind: TicketEscalated, TicketID: &t.ID,
			Title: fmt.Sprintf("%s: escalated to %s", t.Number, level), Body: t.Title})
	}
	return Send(ctx, c, msgs...)
}

// OnStatus tells the reporter that their ticket was resolved or waits for them.
func OnStatus(ctx context.Context, c *ent.Client, t *ent.Ticket, to ticket.Status) error {
	switch to {
	case ticket.StatusRESOLVED:
		return Send(ctx, c, Message{RecipientID: t.ReporterID, Kind: TicketResolved, TicketID: &t.ID,
			Title: fmt.Sprintf("%s: resolved", t.Number), Body: t.Title})
	case ticket.StatusWAITING_FOR_CUSTOMER:
		return Send(ctx, c, Message{RecipientID: t.ReporterID, Kind: TicketWaiting, TicketID: &t.ID,
			Title: fmt.Sprintf("%s: waiting for your answer", t.Number), Body: t.Title})
	}
	return nil
}
