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
	// viewer class (its source and viewer.ScopeKey); ticketClass, for a TICKET event reloaded by
	// ticket visibility (rule.TicketScopeKey), that class, which several viewer classes share.
	slot        *slot
	class       string
	ticketClass string
}

// Shared returns what build returns for ev, made once for all the deliveries of one outbox
// event to subscriptions of the same viewer class (source and viewer.ScopeKey) and the same
// key: the transport serialises an event once per audience (key names the operation and its
// variables) instead of once per subscriber. build must depend on nothing but ev's object, the
// viewer's scope and key; it runs to its end even if ctx ends (others may wait for it), ctx
// only bounds the wait. A RESYNC event is made on its own.
//
// build also says whether its value is pure: made from ev's object and key alone, nothing read
// under the viewer (the transport's execution ran no resolver). A pure value of a TICKET event
// reloaded by ticket visibility is the same for every viewer class of that visibility — the
// staff roles of one organisation see the same ticket row — so those classes take it instead of
// making their own.
func (ev *Event) Shared(ctx context.Context, key string, build func() (v any, pure bool, err error)) (any, error) {
	if ev.slot == nil {
		v, _, err := build()
		return v, err
	}
	pureKey := ""
	if ev.ticketClass != "" {
		pureKey = "pure|" + ev.ticketClass + "|" + key
		if v, ok := ev.slot.made(pureKey); ok {
			return v, nil
		}
	}
	return ev.slot.get(ctx, "shared|"+ev.class+"|"+key, func() (any, error) {
		if h := ev.slot.hub; h != nil {
			h.Shares.Add(1)
		}
		v, pure, err := build()
		if err == nil && pure && pureKey != "" {
			ev.slot.put(pureKey, v)
		}
		return v, err
	})
}
