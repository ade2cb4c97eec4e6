// Package sla owns SLA clocks: targets per contract and priority, due times, elapsed and
// remaining business minutes, states (ON_TRACK, AT_RISK, BREACHED, MET), the evaluator that
// records at-risk and breach moments once, and the SLA reports.
//
// The clock runs in business minutes of the contract's calendar from the time the inquiry was
// received, and pauses while the ticket waits for the customer: the due time moves by exactly
// the business minutes spent waiting. Results are frozen on the ticket when the first response
// is given and when it is resolved, so later edits of calendars or targets never rewrite them.
package sla
