package live

import (
	"context"

	"supportdesk/ent"
)

// KindResync tells a subscriber that events were dropped (it fell behind, or the instance lost
// track of the outbox) and that it must refetch what it shows.
const KindResync = "RESYNC"

// Event is one delivery to one subscriber: the outbox row's kind and the changed object,
// reloaded under the subscriber's own viewer. A RESYNC event carries no object.
type Event struct {
	// Sequence is the outbox id of the change, as a decimal string.
	Sequence        string
	Kind            string
	Ticket          *ent.Ticket
	TicketEvent     *ent.TicketEvent
	Comment         *ent.Comment
	Attachment      *ent.Attachment
	TimeEntry       *ent.TimeEntry
	Notification    *ent.Notification
	Contingent      *ent.Contingent
	OverrunDecision *ent.OverrunDecision

	// slot is the outbox event's shared reloads (nil for RESYNC); class the subscription's
	// viewer class (its source and viewer.ScopeKey).
	slot  *slot
	class string
}

// Shared returns what build returns for ev, made once for all the deliveries of one outbox
// event to subscriptions of the same viewer class (source and viewer.ScopeKey) and the same
// key: the transport serialises an event once per audience (key names the operation and its
// variables) instead of once per subscriber. build must depend on nothing but ev's object, the
// viewer's scope and key; it runs to its end even if ctx ends (others may wait for it), ctx
// only bounds the wait. A RESYNC event is made on its own.
func (ev *Event) Shared(ctx context.Context, key string, build func() (any, error)) (any, error) {
	if ev.slot == nil {
		return build()
	}
	return ev.slot.get(ctx, "shared|"+ev.class+"|"+key, func() (any, error) {
		if h := ev.slot.hub; h != nil {
			h.Shares.Add(1)
		}
		return build()
	})
}
