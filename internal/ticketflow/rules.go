package ticketflow

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"supportdesk/ent/schema"
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
		{ticket.StatusCLOSED, true, false}, {ticket.StatusREJECTED, false, true}, {ticket.StatusDUPLICATE, false, true},
		{ticket.StatusESTIMATED, false, true},
	},
	ticket.StatusOPEN: {
		{ticket.StatusIN_PROGRESS, false, true}, {ticket.StatusWAITING_FOR_CUSTOMER, false, true},
		{ticket.StatusRESOLVED, false, true}, {ticket.StatusREJECTED, false, true}, {ticket.StatusCLOSED, true, false},
		{ticket.StatusDUPLICATE, false, true}, {ticket.StatusESTIMATED, false, true},
	},
	ticket.StatusIN_PROGRESS: {
		{ticket.StatusOPEN, false, true}, {ticket.StatusWAITING_FOR_CUSTOMER, false, true},
		{ticket.StatusRESOLVED, false, true}, {ticket.StatusREJECTED, false, true},
		{ticket.StatusESTIMATED, false, true}, {ticket.StatusDUPLICATE, false, true},
	},
	ticket.StatusWAITING_FOR_CUSTOMER: {
		{ticket.StatusOPEN, true, true}, {ticket.StatusIN_PROGRESS, false, true},
		{ticket.StatusRESOLVED, false, true}, {ticket.StatusCLOSED, true, true}, {ticket.StatusDUPLICATE, false, true},
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
	crOnly := to == ticket.StatusESTIMATED || to == ticket.StatusAWAITING_APPROVAL || to == ticket.StatusAPPROVED || to == ticket.StatusDECLINED
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
var ClosedStatuses = schema.ClosedTicketStatuses

func itoa(i int) string { return strconv.Itoa(i) }

func itoa64(i int64) string { return strconv.FormatInt(i, 10) }

// escalations are the default levels a ticket may move up to from each level (SPEC 12.7: L2
// may go to L3, L4 or the vendor directly); a provider may set its own (routes.go).
var escalations = Routes{
	ticket.LevelL1: {ticket.LevelL2},
	ticket.LevelL2: {ticket.LevelL3, ticket.LevelL4, ticket.LevelVENDOR},
	ticket.LevelL3: {ticket.LevelL4, ticket.LevelVENDOR},
	ticket.LevelL4: {ticket.LevelVENDOR},
}

// handBacks are the default levels a ticket may be handed back to, with a reason.
var handBacks = Routes{
	ticket.LevelL2:     {ticket.LevelL1},
	ticket.LevelL3:     {ticket.LevelL2},
	ticket.LevelL4:     {ticket.LevelL2, ticket.LevelL3},
	ticket.LevelVENDOR: {ticket.LevelL2, ticket.LevelL3},
}

// HandoverFacts are what a ticket documents before it is escalated.
type HandoverFacts struct {
	Type         ticket.Type
	Reproducible bool
	// ReproducedIn is where staff reproduced the error (documentHandover), not the customer's
	// own ERP environment.
	ReproducedIn *ticket.ReproducedInEnvironment
	Findings     string
	Situation    string
	Context      string
	ActionsTaken string
	VendorCase   string
	// VendorCaseByWebhook: the vendor's system answers the escalation with its case reference.
	VendorCaseByWebhook bool
}

// CheckEscalation returns nil when a ticket may move from one level up to another: the target
// must be in the provider's escalation routes, and incidents reach L3 or the vendor only when reproduced with documented
// findings; the vendor also needs a reproduction in a current standard demo system, situation,
// context, actions taken and the vendor's case reference (seed 002).
func CheckEscalation(routes Routes, from, to ticket.Level, f HandoverFacts) error {
	if !contains(routes[from], to) {
		return apperr.E(apperr.IllegalTransition, "a ticket at %s cannot be escalated to %s", from, to)
	}
	var missing []string
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	if to == ticket.LevelVENDOR && blank(f.VendorCase) && !f.VendorCaseByWebhook {
		missing = append(missing, "vendorCaseRef")
	}
	if f.Type == ticket.TypeINCIDENT && (to == ticket.LevelL3 || to == ticket.LevelVENDOR) {
		if !f.Reproducible {
			missing = append(missing, "reproducible")
		}
		if blank(f.Findings) {
			missing = append(missing, "findings")
		}
		if to == ticket.LevelVENDOR {
			if f.ReproducedIn == nil || *f.ReproducedIn != ticket.ReproducedInEnvironmentSTANDARD_DEMO {
				missing = append(missing, "environment")
			}
			if blank(f.Situation) {
				missing = append(missing, "situation")
			}
			if blank(f.Context) {
				missing = append(missing, "context")
			}
			if blank(f.ActionsTaken) {
				missing = append(missing, "actionsTaken")
			}
		}
	}
	if len(missing) > 0 {
		return apperr.Invalid(fmt.Sprintf("handover to %s needs", to), missing...)
	}
	return nil
}

// CheckHandBack returns nil when a ticket may be handed back from one level to another along
// the provider's hand-back routes.
func CheckHandBack(routes Routes, from, to ticket.Level) error {
	if !contains(routes[from], to) {
		return apperr.E(apperr.IllegalTransition, "a ticket at %s cannot be handed back to %s", from, to)
	}
	return nil
}
