package ticketflow

import (
	"strconv"
	"strings"
	"time"

	"supportdesk/ent/ticket"
	"supportdesk/internal/apperr"
)

// IncidentFields is the information an incident must carry (SPEC section 4).
type IncidentFields struct {
	Module          string
	Impact          string
	Steps           string
	FirstOccurredAt *time.Time
	Reproduction    string
}

// MissingIncidentFields lists, in a fixed order, the mandatory incident fields that are empty.
func MissingIncidentFields(f IncidentFields) []string {
	var missing []string
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	if blank(f.Module) {
		missing = append(missing, "module")
	}
	if blank(f.Impact) {
		missing = append(missing, "impact")
	}
	if blank(f.Steps) {
		missing = append(missing, "steps")
	}
	if f.FirstOccurredAt == nil {
		missing = append(missing, "firstOccurredAt")
	}
	if blank(f.Reproduction) {
		missing = append(missing, "reproduction")
	}
	return missing
}

// ValidateIncident returns a VALIDATION error naming every missing incident field.
func ValidateIncident(f IncidentFields) error {
	if m := MissingIncidentFields(f); len(m) > 0 {
		return apperr.Invalid("an incident needs all of its mandatory fields; missing", m...)
	}
	return nil
}

// Actor says who moves a ticket, for the transition table.
type Actor int

// Actors.
const (
	Customer Actor = iota
	Staff
)

// move is one allowed transition and who may make it.
type move struct {
	to       ticket.Status
	customer bool
	staff    bool
}

// transitions is the state machine of ticket status. Change-request states are reached only by
// change requests; approval and decline have their own mutation and are not listed as moves.
var transitions = map[ticket.Status][]move{
	ticket.StatusNEW: {
		{ticket.StatusOPEN, false, true}, {ticket.StatusIN_PROGRESS, false, true},
		{ticket.StatusWAITING_FOR_CUSTOMER, false, true}, {ticket.StatusRESOLVED, false, true},
		{ticket.StatusCLOSED, true, false}, {ticket.StatusREJECTED, false, true},
	},
	ticket.StatusOPEN: {
		{ticket.StatusIN_PROGRESS, false, true}, {ticket.StatusWAITING_FOR_CUSTOMER, false, true},
		{ticket.StatusRESOLVED, false, true}, {ticket.StatusREJECTED, false, true}, {ticket.StatusCLOSED, true, false},
	},
	ticket.StatusIN_PROGRESS: {
		{ticket.StatusOPEN, false, true}, {ticket.StatusWAITING_FOR_CUSTOMER, false, true},
		{ticket.StatusRESOLVED, false, true}, {ticket.StatusREJECTED, false, true},
		{ticket.StatusESTIMATED, false, true},
	},
	ticket.StatusWAITING_FOR_CUSTOMER: {
		{ticket.StatusOPEN, true, true}, {ticket.StatusIN_PROGRESS, false, true},
		{ticket.StatusRESOLVED, false, true}, {ticket.StatusCLOSED, true, true},
	},
	ticket.StatusRESOLVED: {
		{ticket.StatusCLOSED, true, true}, {ticket.StatusOPEN, true, true},
	},
	ticket.StatusESTIMATED: {
		{ticket.StatusAWAITING_APPROVAL, false, true}, {ticket.StatusIN_PROGRESS, false, true},
	},
	ticket.StatusAPPROVED: {
		{ticket.StatusIN_PROGRESS, false, true}, {ticket.StatusRESOLVED, false, true},
	},
	ticket.StatusDECLINED: {
		{ticket.StatusCLOSED, true, true},
	},
}

// CheckTransition returns nil when actor may move a ticket of type typ from one status to
// another, else an ILLEGAL_TRANSITION or FORBIDDEN error that says why.
func CheckTransition(typ ticket.Type, from, to ticket.Status, actor Actor) error {
	if from == to {
		return apperr.E(apperr.IllegalTransition, "ticket is already %s", to)
	}
	crOnly := to == ticket.StatusESTIMATED || to == ticket.StatusAWAITING_APPROVAL
	if crOnly && typ != ticket.TypeCHANGE_REQUEST {
		return apperr.E(apperr.IllegalTransition, "only change requests can move to %s", to)
	}
	for _, m := range transitions[from] {
		if m.to != to {
			continue
		}
		if (actor == Customer && !m.customer) || (actor == Staff && !m.staff) {
			who := "provider staff"
			if actor == Customer {
				who = "customer users"
			}
			return apperr.Forbiddenf("%s cannot move a ticket from %s to %s", who, from, to)
		}
		return nil
	}
	return apperr.E(apperr.IllegalTransition, "a ticket cannot move from %s to %s", from, to)
}

// IsOpen reports whether a status belongs to the working queue.
func IsOpen(s ticket.Status) bool {
	for _, c := range ClosedStatuses {
		if c == s {
			return false
		}
	}
	return true
}

// ClosedStatuses are the statuses that leave the queue.
var ClosedStatuses = []ticket.Status{
	ticket.StatusRESOLVED, ticket.StatusCLOSED, ticket.StatusDUPLICATE, ticket.StatusREJECTED, ticket.StatusDECLINED,
}

func itoa(i int) string { return strconv.Itoa(i) }
