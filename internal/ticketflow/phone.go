package ticketflow

import (
	"context"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/calendar"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/ent/ticket"
	"supportdesk/internal/apperr"
	"supportdesk/internal/billing"
	bizcal "supportdesk/internal/calendar"
	"supportdesk/internal/sla"
	"supportdesk/internal/terms"
	"supportdesk/internal/viewer"
)

// Phone intake (issue 17). Provider staff register a call for a customer's contact with the
// mandatory fields of any ticket; the channel is PHONE. A provider may keep phone hours, a
// calendar of its own: a call outside them, or on a contract without the PHONE channel, is
// taken in all the same and, unless it is an incident or a product idea, billed as work the
// agreement does not cover (SPEC 12.1, billing.ReasonUncoveredChannel and ReasonOutsideHours).
// Refusal stays the explicit contract setting refuseUncovered, never for incidents.

// CallInput is a call registered by provider staff: a ticket's fields without the channel.
type CallInput struct {
	CreateInput
}

// Uncovered reasons of a call, as the API names them.
const (
	UncoveredChannel     = "CHANNEL_NOT_COVERED"
	UncoveredPhoneHours  = "OUTSIDE_PHONE_HOURS"
	phoneHoursNotAnAdmin = "only administrators of a provider set its phone hours"
)

// Call is a registered call: its ticket and how its time is billed.
type Call struct {
	Ticket *ent.Ticket
	// Covered is false when the call is uncovered work; UncoveredReason then says why.
	Covered          bool
	UncoveredReason  string
	WithinPhoneHours bool
}

// RegisterCall registers a call as a ticket with channel PHONE and tells whether the
// agreement covers it.
func (s *Service) RegisterCall(ctx context.Context, in CallInput) (*Call, error) {
	v, err := mustViewer(ctx)
	if err != nil {
		return nil, err
	}
	if !v.IsStaff() {
		return nil, apperr.Forbiddenf("only provider staff register calls")
	}
	if in.CustomerID == nil {
		return nil, apperr.Invalid("name the customer who called", "customerID")
	}
	in.Channel = ticket.ChannelPHONE
	t, err := s.Create(ctx, in.CreateInput)
	if err != nil {
		return nil, err
	}
	call := &Call{Ticket: t, Covered: true, WithinPhoneHours: !t.OutsidePhoneHours}
	if t.ContractID == nil {
		return call, nil
	}
	tctx := privacy.DecisionContext(ctx, privacy.Allow)
	k, err := s.Client.Contract.Get(tctx, *t.ContractID)
	if err != nil {
		return nil, err
	}
	if k, err = terms.At(tctx, s.Client, k, t.ReceivedAt); err != nil {
		return nil, err
	}
	d := billing.Decide(BillingTerms(k), billing.Booking{TicketType: billing.TicketType(t.Type), Channel: billing.Phone,
		OutsideHours: t.OutsidePhoneHours, WorkDate: t.ReceivedAt})
	switch d.Reason {
	case billing.ReasonUncoveredChannel:
		call.Covered, call.UncoveredReason = false, UncoveredChannel
	case billing.ReasonOutsideHours:
		call.Covered, call.UncoveredReason = false, UncoveredPhoneHours
	}
	return call, nil
}

// outsidePhoneHours reports whether a call to provider providerID at t came in outside its
// phone hours; a provider without phone hours answers at any time.
func (s *Service) outsidePhoneHours(ctx context.Context, c *ent.Client, providerID int, t time.Time) (bool, error) {
	tctx := privacy.DecisionContext(ctx, privacy.Allow)
	cal, err := c.Organization.Query().Where(organization.ID(providerID)).QueryPhoneHoursCalendar().Only(tctx)
	if ent.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var hours *bizcal.Calendar
	if s.SLA != nil {
		hours, err = s.SLA.Calendar(cal)
	} else {
		hours, err = bizcal.New(sla.Spec(cal))
	}
	if err != nil {
		return false, err
	}
	return !hours.IsOpen(t), nil
}

// SetPhoneHours sets (calendarID) or removes (nil) the phone hours of the administrator's own
// provider organisation. The calendar must be one of that organisation's.
func (s *Service) SetPhoneHours(ctx context.Context, calendarID *int) (*ent.Organization, error) {
	v, err := mustViewer(ctx)
	if err != nil {
		return nil, err
	}
	if !v.IsStaff() || !v.IsAdmin() {
		return nil, apperr.Forbiddenf(phoneHoursNotAnAdmin)
	}
	u := s.Client.Organization.UpdateOneID(v.OrgID)
	if calendarID == nil {
		u.ClearPhoneHoursCalendarID()
	} else {
		ok, err := s.Client.Calendar.Query().Where(calendar.ID(*calendarID), calendar.OrganizationID(v.OrgID)).Exist(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.Invalid("the phone hours must be a calendar of your own organisation", "calendarID")
		}
		u.SetPhoneHoursCalendarID(*calendarID)
	}
	return u.Save(ctx)
}

// phoneProvider is the provider whose phone hours apply to a call registered by v: the staff
// member's own organisation, which serves the customer directly.
func phoneProvider(v *viewer.Viewer, ch ticket.Channel) (int, bool) {
	return v.OrgID, ch == ticket.ChannelPHONE && v.IsStaff()
}
