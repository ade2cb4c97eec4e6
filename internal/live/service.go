package live

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"supportdesk/ent"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/internal/apperr"
	"supportdesk/internal/outbox"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/viewer"
)

// Service opens subscriptions on a Hub; every object is loaded with the subscriber's context,
// so under its viewer and privacy rules.
type Service struct {
	Client *ent.Client
	Hub    *Hub
}

// inScope is the cheap pre-filter of a ticket's change by its customer (the outbox row's
// organisation): a customer's user only ever sees its own organisation's tickets, staff only
// those of the customers they serve (rule.TicketCustomerVisible), so nothing is reloaded for a
// subscriber who could not see it. The rest (reporter, level, escalation) is left to the reload,
// which is the real gate. A row without an organisation is reloaded for staff.
func inScope(v *viewer.Viewer, e outbox.Event) bool {
	if e.OrganizationID == 0 {
		return !v.IsCustomerSide()
	}
	return rule.TicketCustomerVisible(v, e.OrganizationID)
}

var (
	ticketObject = []outboxevent.ObjectType{outboxevent.ObjectTypeTICKET}
	// ticketEventsObjects are what TicketEvents streams of one ticket.
	ticketEventsObjects = []outboxevent.ObjectType{outboxevent.ObjectTypeTICKET, outboxevent.ObjectTypeTICKET_EVENT,
		outboxevent.ObjectTypeCOMMENT, outboxevent.ObjectTypeATTACHMENT, outboxevent.ObjectTypeTIME_ENTRY}
)

// QueueUpdated streams tickets created or changed that the viewer may see and that match f. A
// ticket that left the open statuses still comes once, so that clients can drop it; a status
// filter, when given, is applied as given.
func (s *Service) QueueUpdated(ctx context.Context, f *ticketflow.QueueFilter) (<-chan *Event, error) {
	if ch, ok := replayed(ctx); ok {
		return ch, nil
	}
	v := viewer.FromContext(ctx)
	match := func(e outbox.Event) bool {
		return v != nil && e.Object == outboxevent.ObjectTypeTICKET && inScope(v, e) &&
			(f == nil || f.CustomerID == nil || *f.CustomerID == e.OrganizationID)
	}
	return s.Hub.subscribe(ctx, watch{objects: ticketObject}, match, s.objects(), func(ev *Event) bool { return ev.Ticket != nil && queueMatch(ev.Ticket, f, v) })
}

func queueMatch(t *ent.Ticket, f *ticketflow.QueueFilter, v *viewer.Viewer) bool {
	if f == nil {
		return true
	}
	switch {
	case len(f.Priorities) > 0 && !slices.Contains(f.Priorities, t.Priority),
		len(f.Levels) > 0 && !slices.Contains(f.Levels, t.Level),
		len(f.Statuses) > 0 && !slices.Contains(f.Statuses, t.Status),
		len(f.Types) > 0 && !slices.Contains(f.Types, t.Type),
		f.CustomerID != nil && t.CustomerID != *f.CustomerID,
		f.AssigneeID != nil && (t.AssigneeID == nil || *t.AssigneeID != *f.AssigneeID),
		f.AssignedToMe != nil && *f.AssignedToMe && (t.AssigneeID == nil || *t.AssigneeID != v.UserID),
		f.Unassigned != nil && *f.Unassigned && t.AssigneeID != nil:
		return false
	}
	return true
}

// TicketUpdated streams the changes of one visible ticket's own fields.
func (s *Service) TicketUpdated(ctx context.Context, id int) (<-chan *Event, error) {
	if ch, ok := replayed(ctx); ok {
		return ch, nil
	}
	if _, err := s.Client.Ticket.Get(ctx, id); err != nil {
		return nil, notFound(err)
	}
	match := func(e outbox.Event) bool { return e.Object == outboxevent.ObjectTypeTICKET && e.ObjectID == id }
	return s.Hub.subscribe(ctx, watch{objects: ticketObject, by: byTicket, id: id}, match, s.objects(), nil)
}

// TicketEvents streams everything on one visible ticket: its changes, history rows, comments,
// attachments and time entries, each only when the viewer may read it.
func (s *Service) TicketEvents(ctx context.Context, id int) (<-chan *Event, error) {
	if ch, ok := replayed(ctx); ok {
		return ch, nil
	}
	if _, err := s.Client.Ticket.Get(ctx, id); err != nil {
		return nil, notFound(err)
	}
	match := func(e outbox.Event) bool { return e.TicketID == id && slices.Contains(ticketEventsObjects, e.Object) }
	return s.Hub.subscribe(ctx, watch{objects: ticketEventsObjects, by: byTicket, id: id}, match, s.objects(), nil)
}

// objects reloads the event's own object: one source for every subscription that shows the
// changed object itself, so that a queue, a ticket and a ticket's events subscriber of the same
// scope share the reload.
func (s *Service) objects() source {
	return source{name: "object", load: s.loadObject, tickets: true, loadTickets: s.loadTickets}
}

// loadTickets reloads several tickets at once, as loadObject does one.
func (s *Service) loadTickets(ctx context.Context, ids []int) (map[int]*Event, error) {
	ts, err := s.Client.Ticket.Query().Where(ticket.IDIn(ids...)).All(ctx)
	if errors.Is(err, privacy.Deny) {
		return nil, nil // none visible: NOT_FOUND each
	}
	if err != nil {
		return nil, err
	}
	out := make(map[int]*Event, len(ts))
	for _, t := range ts {
		out[t.ID] = &Event{Ticket: t}
	}
	return out, nil
}

func (s *Service) loadObject(ctx context.Context, e outbox.Event) (*Event, error) {
	var ev Event
	var err error
	switch e.Object {
	case outboxevent.ObjectTypeTICKET:
		ev.Ticket, err = s.Client.Ticket.Get(ctx, e.ObjectID)
	case outboxevent.ObjectTypeTICKET_EVENT:
		ev.TicketEvent, err = s.Client.TicketEvent.Get(ctx, e.ObjectID)
	case outboxevent.ObjectTypeCOMMENT:
		ev.Comment, err = s.Client.Comment.Get(ctx, e.ObjectID)
	case outboxevent.ObjectTypeATTACHMENT:
		ev.Attachment, err = s.Client.Attachment.Get(ctx, e.ObjectID)
	case outboxevent.ObjectTypeTIME_ENTRY:
		ev.TimeEntry, err = s.Client.TimeEntry.Get(ctx, e.ObjectID)
	case outboxevent.ObjectTypeNOTIFICATION:
		ev.Notification, err = s.Client.Notification.Get(ctx, e.ObjectID)
	case outboxevent.ObjectTypeCONTINGENT:
		ev.Contingent, err = s.Client.Contingent.Get(ctx, e.ObjectID)
	case outboxevent.ObjectTypeOVERRUN_DECISION:
		ev.OverrunDecision, err = s.Client.OverrunDecision.Get(ctx, e.ObjectID)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, notFound(err)
	}
	return &ev, nil
}

// MyNotifications streams the viewer's own notifications as they are created or changed.
func (s *Service) MyNotifications(ctx context.Context) (<-chan *Event, error) {
	if ch, ok := replayed(ctx); ok {
		return ch, nil
	}
	v := viewer.FromContext(ctx)
	match := func(e outbox.Event) bool {
		return v != nil && e.Object == outboxevent.ObjectTypeNOTIFICATION && e.RecipientID == v.UserID
	}
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	// Notifications are the recipient's own whatever the role: the source is per user.
	return s.Hub.subscribe(ctx, watch{objects: []outboxevent.ObjectType{outboxevent.ObjectTypeNOTIFICATION}, by: byRecipient, id: v.UserID},
		match, source{name: "notification/" + strconv.Itoa(v.UserID), load: s.loadObject}, nil)
}

// SLAAlerts streams the at-risk and breach history rows of the tickets the viewer may see,
// with their ticket.
func (s *Service) SLAAlerts(ctx context.Context) (<-chan *Event, error) {
	if ch, ok := replayed(ctx); ok {
		return ch, nil
	}
	v := viewer.FromContext(ctx)
	match := func(e outbox.Event) bool {
		return v != nil && e.Object == outboxevent.ObjectTypeTICKET_EVENT && e.Action == outboxevent.ActionCREATED && inScope(v, e)
	}
	return s.Hub.subscribe(ctx, watch{objects: []outboxevent.ObjectType{outboxevent.ObjectTypeTICKET_EVENT}}, match, source{name: "sla", load: s.loadSLAAlert}, nil)
}

// loadSLAAlert reloads an at-risk or breach history row with its ticket; other rows are nil.
func (s *Service) loadSLAAlert(ctx context.Context, e outbox.Event) (*Event, error) {
	te, err := s.Client.TicketEvent.Get(ctx, e.ObjectID)
	if err != nil {
		return nil, notFound(err)
	}
	if te.Kind != ticketevent.KindSLA_AT_RISK && te.Kind != ticketevent.KindSLA_BREACHED {
		return nil, nil
	}
	t, err := s.Client.Ticket.Get(ctx, te.TicketID)
	if err != nil {
		return nil, notFound(err)
	}
	return &Event{TicketEvent: te, Ticket: t}, nil
}

// ContingentUpdated streams the changes of a visible contract's contingents and overrun
// decisions that the viewer may read.
func (s *Service) ContingentUpdated(ctx context.Context, contractID int) (<-chan *Event, error) {
	if ch, ok := replayed(ctx); ok {
		return ch, nil
	}
	if _, err := s.Client.Contract.Get(ctx, contractID); err != nil {
		return nil, notFound(err)
	}
	match := func(e outbox.Event) bool {
		return (e.Object == outboxevent.ObjectTypeCONTINGENT || e.Object == outboxevent.ObjectTypeOVERRUN_DECISION) &&
			e.ContractID == contractID
	}
	return s.Hub.subscribe(ctx, watch{objects: []outboxevent.ObjectType{outboxevent.ObjectTypeCONTINGENT, outboxevent.ObjectTypeOVERRUN_DECISION}, by: byContract, id: contractID},
		match, s.objects(), nil)
}

// notFound maps Ent's not-found and privacy denials to NOT_FOUND; nil stays nil (filtered).
func notFound(err error) error {
	if err == nil {
		return apperr.NotFoundf("not found")
	}
	if ent.IsNotFound(err) || errors.Is(err, privacy.Deny) || apperr.CodeOf(err) == apperr.Forbidden {
		return apperr.NotFoundf("not found")
	}
	return err
}

type renewKey struct{}

// WithRenew attaches the re-authentication of the WebSocket connection ctx belongs to.
func WithRenew(ctx context.Context, renew func(ctx context.Context, token string) error) context.Context {
	return context.WithValue(ctx, renewKey{}, renew)
}

// Reauthenticate renews the connection's authentication with a fresh token of the same user.
func Reauthenticate(ctx context.Context, token string) error {
	renew, _ := ctx.Value(renewKey{}).(func(context.Context, string) error)
	if renew == nil {
		return apperr.Invalid("reauthenticate is sent on the WebSocket connection it renews", "token")
	}
	return renew(ctx, token)
}
