// Package ticketflow owns the life of a ticket: intake rules (who may raise what, on which
// channel, with which mandatory information), the status state machine, priority and assignee
// changes, comments, and the append-only history written in the same transaction as each change.
package ticketflow
