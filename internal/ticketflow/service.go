package ticketflow

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/pending"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/sequence"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/billing"
	"supportdesk/internal/sla"
	"supportdesk/internal/storage"
	"supportdesk/internal/viewer"
	"supportdesk/internal/webhook"
)

// Service performs ticket operations for the viewer in the context. Every read goes through
// the Ent privacy rules, so an object the viewer cannot see is NOT_FOUND here too.
type Service struct {
	Client  *ent.Client
	Storage storage.Storage
	// SLA freezes SLA results when a clock stops; nil leaves them to be computed live.
	SLA *sla.Service
	// BookEstimate books the time spent on a detailed change-request estimate as billable work
	// in the caller's transaction (package contingent; set by the server's wiring, because
	// contingent builds on this package).
	BookEstimate func(ctx context.Context, c *ent.Client, t *ent.Ticket, minutes int) (*ent.TimeEntry, error)
	// OnTypeChange runs in the type change's transaction (client c) after the ticket changed
	// from before: package contingent bills the ticket's time entries of open months again
	// (SPEC 12.9). nil does nothing.
	OnTypeChange func(ctx context.Context, c *ent.Client, before *ent.Ticket, actorID int) error
	Now          func() time.Time
	// Postgres: a new ticket takes its number in the last statement of its transaction
	// (numberLast), so creates hold the ticket-number lock only for that statement and the commit.
	Postgres bool
	// CountTickets makes the queue's totalCount a count(*) of the tickets instead of a sum of
	// the open-ticket counters (queue.go); the tests compare the two.
	CountTickets atomic.Bool
}

// freeze stores stopped SLA measures of a ticket in the current transaction.
func (s *Service) freeze(ctx context.Context, c *ent.Client, id int) error {
	if s.SLA == nil {
		return nil
	}
	return s.SLA.Freeze(ctx, c, id)
}

// Waiting returns the ticket's waiting periods after a status change: entering
// WAITING_FOR_CUSTOMER opens a period, leaving it closes the open one. The SLA clock pauses
// for exactly these periods.
func Waiting(periods []schematype.Period, from, to ticket.Status, now time.Time) ([]schematype.Period, bool) {
	switch {
	case to == ticket.StatusWAITING_FOR_CUSTOMER && from != to:
		return append(append([]schematype.Period{}, periods...), schematype.Period{Start: now}), true
	case from == ticket.StatusWAITING_FOR_CUSTOMER && from != to:
		out := append([]schematype.Period{}, periods...)
		if n := len(out); n > 0 && out[n-1].End == nil {
			end := now
			out[n-1].End = &end
			return out, true
		}
	}
	return periods, false
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// WithTx runs fn in one transaction; nothing is written when fn fails.
func WithTx(ctx context.Context, c *ent.Client, fn func(tx *ent.Tx) error) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if v := recover(); v != nil {
			_ = tx.Rollback()
			panic(v)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func mustViewer(ctx context.Context) (*viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	return v, nil
}

// CreateInput is what a ticket is raised with.
type CreateInput struct {
	CustomerID      *int `json:"customerID"`
	ContractID      *int `json:"contractID"`
	ReporterID      *int `json:"reporterID"`
	Title           string
	Description     string
	Type            ticket.Type
	Priority        ticket.Priority
	Channel         ticket.Channel
	Module          string
	SoftwareVersion string
	Environment     *ticket.Environment
	Impact          string
	Steps           string
	FirstOccurredAt *time.Time
	Reproduction    string
	ReceivedAt      *time.Time
}

// Create raises a ticket. Customer users raise tickets for their own organisation; staff
// register phone calls and mails for customers they serve. Incidents are never refused for
// reasons of contract, channel or key-user count (SPEC 12.1).
func (s *Service) Create(ctx context.Context, in CreateInput) (*ent.Ticket, error) {
	return s.CreateThen(ctx, in, nil)
}

// CreateThen raises a ticket like Create and runs then, when given, in the same transaction
// with the new ticket: what then writes commits with the ticket or not at all.
func (s *Service) CreateThen(ctx context.Context, in CreateInput, then func(tx *ent.Tx, t *ent.Ticket) error) (*ent.Ticket, error) {
	v, err := mustViewer(ctx)
	if err != nil {
		return nil, err
	}
	if err := validateCreate(in); err != nil {
		return nil, err
	}
	var out *ent.Ticket
	// The outbox rows of the ticket and its history row go in one INSERT before commit.
	bctx := pending.With(ctx)
	err = WithTx(bctx, s.Client, func(tx *ent.Tx) error {
		t, err := s.create(bctx, tx.Client(), v, in)
		if err != nil {
			return err
		}
		if then != nil {
			// then sees the ticket as it commits, its number included.
			if err := numberLast(bctx, tx.Client(), t); err != nil {
				return err
			}
			if err := then(tx, t); err != nil {
				return err
			}
		}
		out = t
		if err := pending.Flush(bctx, tx.Client()); err != nil {
			return err
		}
		return numberLast(bctx, tx.Client(), t)
	})
	if err != nil {
		return nil, err
	}
	// The ticket as inserted (hooks included) is what a read would return: its times are
	// stored at microseconds (create), and its creator may see it. Unwrap binds it to the
	// base client, so edges the response selects load after the commit.
	return out.Unwrap(), nil
}

func validateCreate(in CreateInput) error {
	var bad []string
	title := strings.TrimSpace(in.Title)
	if title == "" || len(title) > 300 {
		bad = append(bad, "title")
	}
	if in.Type == "" || ticket.TypeValidator(in.Type) != nil {
		bad = append(bad, "type")
	}
	if ticket.PriorityValidator(in.Priority) != nil {
		bad = append(bad, "priority")
	}
	if ticket.ChannelValidator(in.Channel) != nil {
		bad = append(bad, "channel")
	}
	if len(bad) > 0 {
		return apperr.Invalid("invalid ticket", bad...)
	}
	if in.Type == ticket.TypeINCIDENT {
		return ValidateIncident(IncidentFields{in.Module, in.Impact, in.Steps, in.FirstOccurredAt, in.Reproduction})
	}
	return nil
}

func (s *Service) create(ctx context.Context, c *ent.Client, v *viewer.Viewer, in CreateInput) (*ent.Ticket, error) {
	// Microseconds, as PostgreSQL stores them: the returned ticket equals a read of it.
	now := s.now().Truncate(time.Microsecond)
	received := now
	level := ticket.LevelL1
	reporterID := v.UserID
	var customerID int
	switch {
	case v.IsCustomerSide():
		if in.CustomerID != nil && *in.CustomerID != v.OrgID {
			return nil, apperr.NotFoundf("customer not found")
		}
		if in.ReporterID != nil && *in.ReporterID != v.UserID {
			return nil, apperr.Invalid("customer users raise tickets in their own name", "reporterID")
		}
		if in.ReceivedAt != nil {
			// Only staff registering a call or mail date an inquiry; a portal ticket is received
			// when it is raised, and a silently dropped value would mislead the sender.
			return nil, apperr.Invalid("the time an inquiry was received is set by provider staff registering a call or mail", "receivedAt")
		}
		customerID = v.OrgID
	case v.IsStaff():
		if in.CustomerID == nil {
			return nil, apperr.Invalid("staff registering a ticket must name the customer", "customerID")
		}
		customerID = *in.CustomerID
		if !contains(v.ServedCustomerIDs, customerID) {
			return nil, apperr.NotFoundf("customer not found")
		}
		// A deactivated customer keeps its records but takes no new tickets (its own users
		// cannot sign in at all).
		inactive, err := c.Organization.Query().Where(organization.ID(customerID), organization.Active(false)).Exist(ctx)
		if err != nil {
			return nil, err
		}
		if inactive {
			return nil, apperr.Invalid("the customer is deactivated and takes no new tickets", "customerID")
		}
		if in.ReceivedAt != nil {
			if in.ReceivedAt.After(now) {
				return nil, apperr.Invalid("the time an inquiry was received cannot lie in the future", "receivedAt")
			}
			received = in.ReceivedAt.UTC().Truncate(time.Microsecond)
		}
		// The customer contact who called or wrote is the reporter, so the customer follows the
		// ticket and is notified; the staff member who registered it is the actor of the
		// CREATED history row.
		if in.ReporterID == nil {
			return nil, apperr.Invalid("name the customer's user who called or wrote as the reporter", "reporterID")
		}
		ok, err := c.User.Query().Where(user.ID(*in.ReporterID), user.OrganizationID(customerID), user.Active(true)).Exist(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.Invalid("the reporter must be an active user of the customer", "reporterID")
		}
		reporterID = *in.ReporterID
	default:
		return nil, apperr.Forbiddenf("not allowed to raise tickets")
	}

	k, err := s.contractFor(ctx, c, customerID, in.ContractID, received)
	if err != nil {
		return nil, err
	}
	if v.IsCustomerSide() {
		level, err = customerIntakeLevel(v, k)
		if err != nil {
			return nil, err
		}
	}
	if k == nil && in.Type != ticket.TypeINCIDENT && level != ticket.LevelCUSTOMER {
		return nil, apperr.Invalid("the customer has no valid support contract for this inquiry", "contractID")
	}
	outside := false
	if provider, ok := phoneProvider(v, in.Channel); ok {
		if outside, err = s.outsidePhoneHours(ctx, c, provider, received); err != nil {
			return nil, err
		}
	}
	if k != nil && in.Type != ticket.TypeINCIDENT && k.RefuseUncovered && !ChannelCovered(k, in.Channel, received) {
		return nil, apperr.Invalid(fmt.Sprintf("the %s agreement does not cover the %s channel", k.AgreementType, in.Channel), "channel")
	}
	if k != nil && in.Type != ticket.TypeINCIDENT && k.RefuseUncovered && outside && !billing.InHypercare(BillingTerms(k), received) {
		return nil, apperr.Invalid("the agreement does not cover calls outside the provider's phone hours", "receivedAt")
	}

	// The SLA due times and the evaluator's first look are inserted with the ticket, as Freeze
	// would store them right after.
	var start sla.Start
	if s.SLA != nil {
		start, err = s.SLA.StartOf(ctx, c, &ent.Ticket{ReceivedAt: received, Priority: in.Priority, Type: in.Type,
			Level: level, Status: ticket.StatusNEW}, k)
		if err != nil {
			return nil, err
		}
	}
	// The serving provider: a customer user's parent, or the staff member's own organisation
	// (staff register tickets only for the customers they serve). Its endpoints listening for
	// new tickets are read before the ticket number is drawn.
	provider := v.OrgID
	if v.IsCustomerSide() {
		provider = v.ParentOrgID
	}
	eps, err := webhook.CreatedEndpoints(ctx, c, level, provider)
	if err != nil {
		return nil, err
	}
	// Ticket numbers are gap-free: the counter row stays locked from the draw to the end of the
	// transaction, so creates queue behind each other for that time. On PostgreSQL the ticket is
	// inserted under a provisional number and draws its own as the transaction's last statement
	// (numberLast); on SQLite the first write takes the database's write lock anyway, and the
	// number is drawn right before the insert.
	number := provisionalNumber()
	if !s.Postgres {
		if number, err = nextNumber(ctx, c, "SD"); err != nil {
			return nil, err
		}
	}
	stamp := time.Now().UTC().Truncate(time.Microsecond)
	create := c.Ticket.Create().SetCreatedAt(stamp).SetUpdatedAt(stamp).
		SetNillableSLAFirstResponseDue(start.FirstResponseDue).SetNillableSLAResolutionDue(start.ResolutionDue).
		SetNillableSLANextCheckAt(start.NextCheck).
		SetNumber(number).SetTitle(strings.TrimSpace(in.Title)).SetDescription(in.Description).
		SetType(in.Type).SetPriority(in.Priority).SetChannel(in.Channel).SetLevel(level).
		SetStatus(ticket.StatusNEW).SetModule(in.Module).SetSoftwareVersion(in.SoftwareVersion).
		SetNillableEnvironment(in.Environment).SetImpact(in.Impact).SetSteps(in.Steps).
		SetNillableFirstOccurredAt(in.FirstOccurredAt).SetReproduction(in.Reproduction).
		SetReceivedAt(received).SetCustomerID(customerID).SetReporterID(reporterID).SetOutsidePhoneHours(outside)
	if k != nil {
		create.SetContractID(k.ID)
	}
	t, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	reason := ""
	if reporterID != v.UserID {
		reason = "registered by provider staff for the customer's reporter"
	}
	if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindCREATED, "", string(level), reason); err != nil {
		return nil, err
	}
	if len(eps) == 0 {
		return t, nil
	}
	// The deliveries carry the number: drawn now, for the few providers with a listener.
	if err := numberLast(ctx, c, t); err != nil {
		return nil, err
	}
	return t, webhook.QueueCreated(ctx, c, t, eps, now)
}

// customerIntakeLevel applies the contract's intake model (SPEC 12.5) to a customer user.
func customerIntakeLevel(v *viewer.Viewer, k *ent.Contract) (ticket.Level, error) {
	model := contract.IntakeModelKEY_USER_GATED
	if k != nil {
		model = k.IntakeModel
	}
	switch v.Role {
	case viewer.RoleKeyUser:
		return ticket.LevelL1, nil
	case viewer.RoleEndUser, viewer.RoleApprover:
		switch model {
		case contract.IntakeModelPROVIDER_L1:
			return ticket.LevelL1, nil
		case contract.IntakeModelKEY_USERS_ONLY:
			return "", apperr.Forbiddenf("under this contract only key users raise tickets")
		default:
			return ticket.LevelCUSTOMER, nil
		}
	}
	return "", apperr.Forbiddenf("not allowed to raise tickets")
}

// contractFor returns the named contract, or the customer's contract valid at the given time
// (the one that started last), under the terms in force at that time. The customer's contracts,
// terms and calendars come from the SLA terms cache (sla.CustomerTerms; read with the bypass:
// end users may not read contract terms, yet their tickets still belong to one), and the
// contract carries its calendar for the SLA due times.
func (s *Service) contractFor(ctx context.Context, c *ent.Client, customerID int, id *int, at time.Time) (*ent.Contract, error) {
	if s.SLA == nil {
		return nil, fmt.Errorf("ticketflow: no SLA service to read the customer's terms")
	}
	ct, err := s.SLA.CustomerTerms(ctx, c, customerID)
	if err != nil {
		return nil, err
	}
	var found *ent.Contract
	for _, k := range ct.Contracts {
		switch {
		case id != nil:
			if k.ID == *id {
				if !ValidAt(k, at) {
					return nil, apperr.Invalid("the contract is not valid at the time the inquiry was received", "contractID")
				}
				found = k
			}
		case ValidAt(k, at) && (found == nil || k.ValidFrom.After(found.ValidFrom)):
			found = k
		}
	}
	if found == nil {
		if id != nil {
			return nil, apperr.NotFoundf("contract not found")
		}
		return nil, nil
	}
	// The ticket is taken in under the terms in force when the inquiry was received.
	return ct.At(found, at), nil
}

// ValidAt reports whether a contract is valid at t.
func ValidAt(k *ent.Contract, t time.Time) bool {
	return !t.Before(k.ValidFrom) && (k.ValidUntil == nil || t.Before(*k.ValidUntil))
}

// BillingTerms are a contract's terms in the billing package's form.
func BillingTerms(k *ent.Contract) billing.Terms {
	t := billing.Terms{Agreement: billing.Agreement(k.AgreementType), IncidentsBillable: k.IncidentsBillable,
		MinBillableMinutes: k.MinBillableMinutes, Increment: k.TimeIncrementMinutes, HypercareTier: billing.HypercareTier(k.HypercareTier)}
	for _, ch := range k.Channels {
		t.Channels = append(t.Channels, billing.Channel(ch))
	}
	if k.FirstTrainingDay != nil {
		t.FirstTrainingDay = *k.FirstTrainingDay
	}
	return t
}

// ChannelCovered reports whether the contract covers a channel at t; during hyper care every
// channel is open.
func ChannelCovered(k *ent.Contract, ch ticket.Channel, t time.Time) bool {
	terms := BillingTerms(k)
	return billing.InHypercare(terms, t) || billing.Covered(terms, billing.Channel(ch))
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// nextNumber draws the next human ticket number. The guarded increment runs in the caller's
// transaction (a row lock on PostgreSQL, the write lock on SQLite), so numbers never repeat.
func nextNumber(ctx context.Context, c *ent.Client, prefix string) (string, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	// One statement: the upsert returns the new value ($1 placeholders work on SQLite too).
	rows, err := c.QueryContext(ctx, `INSERT INTO sequences (name, value) VALUES ($1, 1)
ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value`, prefix)
	if err == nil {
		defer rows.Close()
		var n int64
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return "", err
			}
			return "", fmt.Errorf("sequence %s: no value returned", prefix)
		}
		if err := rows.Scan(&n); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s-%06d", prefix, n), rows.Close()
	}
	if !strings.Contains(err.Error(), "is not supported") {
		return "", err
	}
	// A driver wrapper without QueryContext: the upsert through Ent, then the value.
	err = c.Sequence.Create().SetName(prefix).SetValue(1).OnConflictColumns(sequence.FieldName).AddValue(1).Exec(ctx)
	if err != nil {
		return "", err
	}
	seq, err := c.Sequence.Query().Where(sequence.Name(prefix)).Only(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%06d", prefix, seq.Value), nil
}

// provisionalPrefix starts the number a ticket is inserted under before numberLast gives it its
// own; it sorts after every real number and cannot be mistaken for one.
const provisionalPrefix = "~"

// provisionalNumber returns a number that no other transaction's ticket has (the column is
// unique: two inserts of the same value would wait for each other).
func provisionalNumber() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return provisionalPrefix + hex.EncodeToString(b)
}

// numberLast gives a ticket inserted under a provisional number its own (PostgreSQL): one
// statement draws the next value of the counter, as nextNumber does, and sets it on the
// ticket, so the counter row is locked from here to the commit only. Numbers past 999,999 keep
// all their digits (fmt's %06d). A ticket that has its number is left alone.
func numberLast(ctx context.Context, c *ent.Client, t *ent.Ticket) error {
	if !strings.HasPrefix(t.Number, provisionalPrefix) {
		return nil
	}
	const prefix = "SD"
	rows, err := c.QueryContext(privacy.DecisionContext(ctx, privacy.Allow), `WITH n AS (
INSERT INTO sequences (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value)
UPDATE tickets SET number = $2 || CASE WHEN n.value < 1000000 THEN lpad(n.value::text, 6, '0') ELSE n.value::text END
FROM n WHERE tickets.id = $3 RETURNING tickets.number`, prefix, prefix+"-", t.ID)
	if err != nil {
		return fmt.Errorf("ticket number: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return fmt.Errorf("ticket number: ticket %d not found", t.ID)
	}
	var number string
	if err := rows.Scan(&number); err != nil {
		return err
	}
	if err := rows.Close(); err != nil {
		return err
	}
	t.Number = number
	return nil
}

// Record appends one history row.
func Record(ctx context.Context, c *ent.Client, ticketID, actorID int, kind ticketevent.Kind, from, to, reason string) error {
	create := c.TicketEvent.Create().SetTicketID(ticketID).SetKind(kind).SetFromValue(from).SetToValue(to).SetReason(reason)
	if actorID != 0 {
		create.SetActorID(actorID)
	}
	return create.Exec(ctx)
}
