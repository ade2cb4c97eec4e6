// Package ticketflow owns the life of a ticket: intake rules (who may raise what, on which
// channel, with which mandatory information), the status state machine, priority and assignee
// changes, comments, and the append-only history written in the same transaction as each change.
//
// Rules decided here (issue 11):
//
//   - Escalation targets and hand-back paths are the providing organisation's (routes.go): the
//     provider of the ticket's contract, or the customer's parent when there is no contract.
//     An organisation that never set its own uses the default table of SPEC 12.7. Its ADMIN
//     replaces the table with setEscalationRules; its own staff read it.
//   - Who may move a ticket away from its level: an agent only from a level they work; a service
//     delivery manager or admin always; the service desk from L1 (seed 002 section 1: the
//     service desk takes calls and mails, qualifies them and forwards them for further work)
//     and from any level it is configured to work, like an agent.
//   - documentHandover stores where the error was reproduced as reproducedInEnvironment; the
//     ticket's environment stays the customer's ERP environment. The vendor gate asks for a
//     reproduction in STANDARD_DEMO (seed 002), read from reproducedInEnvironment.
//   - updateTicket refuses finished tickets with CONFLICT: CLOSED, DUPLICATE (edit the
//     original), REJECTED and DECLINED are final; a RESOLVED ticket is reopened first.
//   - Staff registering a call or mail name the customer's user who called or wrote as the
//     reporter (required, an active user of that customer), so the customer follows and is
//     notified; the CREATED history row keeps the staff member as its actor. Only staff date an
//     inquiry with receivedAt; from a customer-side user it is a VALIDATION error.
//   - Phone (issue 17, phone.go): a call staff register is checked against their provider's
//     phone hours at receivedAt and the ticket keeps outsidePhoneHours; billing treats such a
//     non-incident like one on a channel the contract lacks (uncovered work, SPEC 12.1).
package ticketflow
