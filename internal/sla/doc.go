// Package sla owns SLA clocks: targets per contract and priority, due times, elapsed and
// remaining business minutes, states (ON_TRACK, AT_RISK, BREACHED, MET), the evaluator that
// records at-risk and breach moments once, and the SLA reports.
//
// The clock runs in business minutes of the contract's calendar from the time the inquiry was
// received, and pauses while the ticket waits for the customer: the due time moves by exactly
// the business minutes spent waiting.
//
// # Frozen results
//
// A ticket has two measures, first response and resolution. When a measure's clock stops, Freeze
// stores all of it on the ticket in the same transaction: the target it was measured against,
// its due time, the elapsed business minutes, MET or BREACHED and the stop time. From then on
// the ticket's sla field, the reports and the scorecard read only these stored values; an edit of
// the contract's SLA targets, of its calendar or of the ticket's priority never changes them.
// A measure still running follows the contract's current targets and calendar, and an edit of
// either stores the new due times of the open tickets it affects.
//
//   - The first-response measure stops at the first public comment by provider staff (SPEC 12.6;
//     a status change alone is not a response).
//   - The resolution measure stops when the ticket is resolved.
//
// # Resolved without a reply
//
// A ticket resolved before any public staff comment finalises its first-response measure at the
// resolution: the resolution text is the first answer the customer receives (seed 004: a response
// confirms the inquiry was received and says what happens next; a resolution does at least that).
// The measure stops at the resolution time, elapsed is the business minutes up to it, and it is
// MET when that is within the first-response target and BREACHED otherwise — an inquiry left
// unanswered past its first-response target is not rescued by resolving it late. A staff comment
// written after the resolution changes nothing.
//
// # Reopened tickets
//
// A resolved ticket may be reopened (RESOLVED → OPEN). Then:
//   - the first-response measure stays frozen (the customer was answered, by a reply or by the
//     resolution);
//   - the resolution measure runs again under the current terms, and the time the ticket spent
//     resolved, from its resolution to its reopening, is a pause of the clock like waiting for
//     the customer: the provider is measured on the time the inquiry was with them, not on how
//     long the customer took to come back;
//   - until it is resolved again the ticket counts as open in reports (not resolved, possibly
//     overdue); the next resolution freezes the measure anew.
//
// # Report counts
//
// A report counts the inquiries received in its period (tickets). Of those with an SLA:
//   - resolved: the resolution result is frozen (the ticket is RESOLVED, or CLOSED after it);
//   - met: resolved and both targets met; breached: resolved and at least one target missed;
//     so resolved = met + breached, and met % = met / resolved;
//   - overdue: not resolved, not closed, rejected, duplicate or declined, and already past a
//     target at the time of the report (late first response, no first response after its due
//     time, resolution past its due time). Overdue tickets are not part of resolved, met or
//     breached; the breach list holds the breached and the overdue tickets.
//
// Resolved, met, breached and the percentiles of a period come only from frozen results, so a
// past month reads the same before and after any change of targets or calendars. The partner
// scorecard uses the same figures.
package sla
