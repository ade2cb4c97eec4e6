// Package live fans outbox events out to GraphQL subscriptions. The Hub receives every batch
// the instance's outbox.Stream reads; each subscription pre-filters events by their ids and
// scope (cheap, in memory), then reloads the object under the subscriber's own viewer, so
// privacy rules decide what a socket receives exactly as they decide what a query returns: an
// internal comment never reaches a customer, another tenant's ticket nobody outside it.
//
// The work is shared by audience, not repeated per subscriber: subscriptions whose viewers see
// the same rows (viewer.ScopeKey; for tickets rule.TicketScopeKey) reload an event once between
// them (Publish starts a batch's reloads at once), and Event.Shared lets the transport execute
// and serialise an event once per viewer class and operation (it replays the event through the
// GraphQL executor with WithReplay). The server's WebSocket transport sets Capture.Render and
// Capture.Offer: Publish itself then renders an event once per audience and hands the bytes to
// each member's socket queue without waiting, in order, with no goroutine switch per
// subscriber. A subscription without them, with older events still in hand, or whose socket
// queue is full, goes through its buffer and its own goroutine, which calls Capture.Deliver
// (waiting for the socket) or fills the channel.
//
// Publishing never waits for a subscriber: every subscription has a bounded buffer, and a
// subscription whose buffer (or socket queue) is full loses the events it cannot take and
// receives one RESYNC event when it catches up, telling the client to refetch.
// Subscription goroutines end, and their channels close, when the subscription's context ends.
// A connection may hold at most the number of subscriptions given by WithLimit.
package live
