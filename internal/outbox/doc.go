// Package outbox owns the event outbox after its rows are written: waking a publisher after
// commit, carrying the wake-up to every instance, reading the rows past the last seen id
// without losing any, and pruning old rows.
//
// Rows are written by the OutboxMixin hook of ent/schema in the transaction of the change
// itself (ids and kind, never data), so an event exists exactly when its change committed and
// the write path pays one small INSERT, no NOTIFY.
//
// # Publishing
//
// Stream.Hook is registered on the OutboxEvent client of each instance. It wakes the instance's
// publisher after the surrounding transaction commits (at once without one). The publisher
// coalesces wake-ups: on PostgreSQL it sends one pg_notify per batch on channel
// supportdesk_outbox carrying only the newest id; on SQLite (one process) it wakes the reader
// in process. Every instance, the sender included, LISTENs with lib/pq's Listener and reads the
// rows past its last seen id from the table; the payload is only a hint. A poll every few
// seconds covers a lost notification. After the listener reconnects (lib/pq sends a nil
// notification) the reader simply reads past its last seen id again, so nothing is lost while
// the rows are kept (Retain, 24 h by default).
//
// # The gap
//
// Ids come from a sequence, taken at INSERT and made visible at COMMIT. With concurrent
// transactions id 11 may commit before id 10: a reader that saw 11 and moved its cursor to 11
// would never read 10. We chose gap tracking over "read only below the oldest running
// transaction" (pg_snapshot_xmin) because it needs no dialect-specific column, works the same on
// SQLite and costs nothing while there are no gaps: every id skipped between the cursor and a
// newer row is remembered as a gap and asked for again on each read (WHERE id > last OR id IN
// gaps) until it shows up or GapWindow (10 s by default) passes — then its transaction rolled
// back (sequences never give numbers back) or ran longer than any request may. While gaps are
// open the reader polls quickly (PollGap). A row found in a gap is delivered late, out of id
// order; subscribers reload the current state anyway, so order between objects does not
// matter. TestFeedGap covers it.
//
// # Falling behind
//
// A catch-up that finds more than MaxCatchUp rows, or a run of missing ids longer than MaxGap,
// makes the stream call Resync instead of delivering: the live fan-out then tells every
// subscriber to refetch. An instance that starts reads from the newest row at that time; its
// clients are new connections that fetch their state first.
package outbox
