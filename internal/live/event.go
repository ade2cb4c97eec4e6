package live

import "supportdesk/ent"

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
}
