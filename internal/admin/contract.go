package admin

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/calendar"
	"supportdesk/ent/contract"
	"supportdesk/ent/contractversion"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/statement"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/billing"
	"supportdesk/internal/terms"
	"supportdesk/internal/viewer"
)

// LevelRate is a support level's hourly rate in cents.
type LevelRate struct {
	Level     string `json:"level"`
	RateCents int64  `json:"rateCents"`
}

// LevelContingent is a support level's monthly hour budget in minutes.
type LevelContingent struct {
	Level          string `json:"level"`
	MonthlyMinutes int    `json:"monthlyMinutes"`
}

// TermsInput changes a contract's terms; a nil field keeps the value in force at the moment the
// change takes effect (for a new contract: the default). Channels left out follow the agreement
// type when it changes (SPEC 3: derived, overridable).
type TermsInput struct {
	AgreementType           *contract.AgreementType `json:"agreementType"`
	Channels                []string                `json:"channels"`
	IntakeModel             *contract.IntakeModel   `json:"intakeModel"`
	HypercareTier           *contract.HypercareTier `json:"hypercareTier"`
	FirstTrainingDay        *time.Time              `json:"firstTrainingDay"`
	KeyUserLimit            *int                    `json:"keyUserLimit"`
	ExtraKeyUsers           *int                    `json:"extraKeyUsers"`
	CalendarID              *int                    `json:"calendarID"`
	SLATargets              []*schematype.SLATarget `json:"slaTargets"`
	TimeIncrementMinutes    *int                    `json:"timeIncrementMinutes"`
	MinBillableMinutes      *int                    `json:"minBillableMinutes"`
	IncidentsBillable       *bool                   `json:"incidentsBillable"`
	RefuseUncovered         *bool                   `json:"refuseUncovered"`
	Currency                *string                 `json:"currency"`
	Rates                   []*LevelRate            `json:"rates"`
	Contingents             []*LevelContingent      `json:"contingents"`
	WarningThresholdPercent *int                    `json:"warningThresholdPercent"`
	CarryOver               *bool                   `json:"carryOver"`
	CarryOverCapMinutes     *int                    `json:"carryOverCapMinutes"`
	OverrunPolicy           *contract.OverrunPolicy `json:"overrunPolicy"`
}

// NewContract is a contract between a served customer and the viewer's organisation.
type NewContract struct {
	CustomerID       int        `json:"customerID"`
	Name             string     `json:"name"`
	ValidFrom        time.Time  `json:"validFrom"`
	ValidUntil       *time.Time `json:"validUntil"`
	ServiceManagerID *int       `json:"serviceManagerID"`
	Terms            TermsInput `json:"terms"`
}

// ContractChange changes what is not a versioned term: name, validity, service manager.
type ContractChange struct {
	Name                *string    `json:"name"`
	ValidUntil          *time.Time `json:"validUntil"`
	ClearValidUntil     *bool      `json:"clearValidUntil"`
	ServiceManagerID    *int       `json:"serviceManagerID"`
	ClearServiceManager *bool      `json:"clearServiceManager"`
}

// TermsChange is a new version of a contract's terms, in force from EffectiveFrom.
type TermsChange struct {
	ContractID    int        `json:"contractID"`
	EffectiveFrom time.Time  `json:"effectiveFrom"`
	Note          *string    `json:"note"`
	Terms         TermsInput `json:"terms"`
}

// defaults are the terms of a new contract where the input says nothing (SPEC 3).
func defaults() schematype.ContractTerms {
	return schematype.ContractTerms{AgreementType: string(contract.AgreementTypeBASIC), IntakeModel: string(contract.DefaultIntakeModel),
		HypercareTier: string(contract.DefaultHypercareTier), KeyUserLimit: contract.DefaultKeyUserLimit,
		TimeIncrementMinutes: contract.DefaultTimeIncrementMinutes, Currency: contract.DefaultCurrency,
		WarningThresholdPercent: contract.DefaultWarningThresholdPercent, OverrunPolicy: string(contract.DefaultOverrunPolicy)}
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// merge applies in onto base and validates the result field by field; every bad field is
// reported at once. providerID owns the calendars a contract may name.
func merge(ctx context.Context, c *ent.Client, providerID int, base schematype.ContractTerms, in TermsInput) (schematype.ContractTerms, error) {
	t := base
	var bad []string
	if in.AgreementType != nil {
		if contract.AgreementTypeValidator(*in.AgreementType) != nil {
			bad = append(bad, "terms.agreementType")
		} else if string(*in.AgreementType) != t.AgreementType {
			t.AgreementType = string(*in.AgreementType)
			if in.Channels == nil {
				t.Channels = channelStrings(billing.DefaultChannels(billing.Agreement(t.AgreementType)))
			}
		}
	}
	if len(t.Channels) == 0 && in.Channels == nil {
		t.Channels = channelStrings(billing.DefaultChannels(billing.Agreement(t.AgreementType)))
	}
	if in.Channels != nil {
		seen := map[string]bool{}
		for _, ch := range in.Channels {
			if !slices.Contains(billing.Channels, billing.Channel(ch)) || seen[ch] {
				bad = append(bad, "terms.channels")
				break
			}
			seen[ch] = true
		}
		if len(in.Channels) == 0 {
			bad = append(bad, "terms.channels")
		}
		t.Channels = in.Channels
	}
	if in.IntakeModel != nil {
		t.IntakeModel = string(*in.IntakeModel)
		if contract.IntakeModelValidator(*in.IntakeModel) != nil {
			bad = append(bad, "terms.intakeModel")
		}
	}
	if in.HypercareTier != nil {
		t.HypercareTier = string(*in.HypercareTier)
		if contract.HypercareTierValidator(*in.HypercareTier) != nil {
			bad = append(bad, "terms.hypercareTier")
		}
	}
	if in.FirstTrainingDay != nil {
		d := time.Date(in.FirstTrainingDay.Year(), in.FirstTrainingDay.Month(), in.FirstTrainingDay.Day(), 0, 0, 0, 0, time.UTC)
		t.FirstTrainingDay = &d
	}
	setInt(&t.KeyUserLimit, in.KeyUserLimit)
	setInt(&t.ExtraKeyUsers, in.ExtraKeyUsers)
	if t.KeyUserLimit < 1 {
		bad = append(bad, "terms.keyUserLimit") // at least one key user (SPEC 12.5)
	}
	if t.ExtraKeyUsers < 0 {
		bad = append(bad, "terms.extraKeyUsers")
	}
	if in.CalendarID != nil {
		t.CalendarID = in.CalendarID
		ok, err := c.Calendar.Query().Where(calendar.ID(*in.CalendarID), calendar.OrganizationID(providerID)).
			Exist(privacy.DecisionContext(ctx, privacy.Allow))
		if err != nil {
			return t, err
		}
		if !ok {
			bad = append(bad, "terms.calendarID")
		}
	}
	if in.SLATargets != nil {
		t.SLATargets = nil
		seen := map[string]bool{}
		for _, st := range in.SLATargets {
			if st == nil || seen[st.Priority] || !slices.Contains([]string{"P1", "P2", "P3", "P4"}, st.Priority) ||
				st.FirstResponseMinutes <= 0 || st.ResolutionMinutes < st.FirstResponseMinutes {
				bad = append(bad, "terms.slaTargets")
				break
			}
			seen[st.Priority] = true
			t.SLATargets = append(t.SLATargets, *st)
		}
	}
	setInt(&t.TimeIncrementMinutes, in.TimeIncrementMinutes)
	if t.TimeIncrementMinutes < 1 || t.TimeIncrementMinutes > 60 {
		bad = append(bad, "terms.timeIncrementMinutes")
	}
	setInt(&t.MinBillableMinutes, in.MinBillableMinutes)
	if t.MinBillableMinutes < 0 || t.MinBillableMinutes > 480 {
		bad = append(bad, "terms.minBillableMinutes")
	}
	setBool(&t.IncidentsBillable, in.IncidentsBillable)
	setBool(&t.RefuseUncovered, in.RefuseUncovered)
	if in.Currency != nil {
		t.Currency = strings.TrimSpace(*in.Currency)
	}
	bad = append(bad, mergeLevels(&t, in)...)
	hasRate := false
	for _, lt := range t.LevelTerms {
		hasRate = hasRate || lt.RateCents > 0
	}
	if !currencyCode.MatchString(t.Currency) && (hasRate || t.Currency != "") {
		bad = append(bad, "terms.currency") // a rate needs a currency (ISO 4217, e.g. EUR, DKK)
	}
	setInt(&t.WarningThresholdPercent, in.WarningThresholdPercent)
	if t.WarningThresholdPercent < 1 || t.WarningThresholdPercent > 100 {
		bad = append(bad, "terms.warningThresholdPercent")
	}
	setBool(&t.CarryOver, in.CarryOver)
	setInt(&t.CarryOverCapMinutes, in.CarryOverCapMinutes)
	if t.CarryOverCapMinutes < 0 || (t.CarryOver && t.CarryOverCapMinutes == 0) {
		bad = append(bad, "terms.carryOverCapMinutes") // carry-over is "on with a cap" (SPEC 3)
	}
	if in.OverrunPolicy != nil {
		t.OverrunPolicy = string(*in.OverrunPolicy)
		if contract.OverrunPolicyValidator(*in.OverrunPolicy) != nil {
			bad = append(bad, "terms.overrunPolicy")
		}
	}
	if len(bad) > 0 {
		return t, apperr.Invalid("invalid contract terms: "+strings.Join(bad, ", "), bad...)
	}
	return t, nil
}

// mergeLevels applies rates and contingents: every contingent level needs a rate, and only a
// CONTINGENT agreement has contingents.
func mergeLevels(t *schematype.ContractTerms, in TermsInput) []string {
	var bad []string
	rates := map[string]int64{}
	monthly := map[string]int{}
	var order []string
	for _, lt := range t.LevelTerms {
		rates[lt.Level], monthly[lt.Level] = lt.RateCents, lt.MonthlyMinutes
		order = append(order, lt.Level)
	}
	if in.Rates != nil {
		rates, order = map[string]int64{}, nil
		for i, r := range in.Rates {
			if r == nil || !slices.Contains([]string{"L1", "L2", "L3", "L4", "VENDOR"}, r.Level) || slices.Contains(order, r.Level) {
				bad = append(bad, fmt.Sprintf("terms.rates[%d].level", i))
				continue
			}
			if r.RateCents < 0 {
				bad = append(bad, fmt.Sprintf("terms.rates[%d].rateCents", i))
			}
			rates[r.Level] = r.RateCents
			order = append(order, r.Level)
		}
	}
	if in.Contingents != nil {
		monthly = map[string]int{}
		for i, k := range in.Contingents {
			if k == nil {
				continue
			}
			if _, ok := rates[k.Level]; !ok {
				bad = append(bad, fmt.Sprintf("terms.contingents[%d].level", i)) // a level the contract lacks
				continue
			}
			if k.MonthlyMinutes <= 0 {
				bad = append(bad, fmt.Sprintf("terms.contingents[%d].monthlyMinutes", i))
			}
			monthly[k.Level] = k.MonthlyMinutes
		}
	}
	t.LevelTerms = nil
	anyContingent := false
	for _, l := range order {
		if m := monthly[l]; m > 0 {
			anyContingent = true
		}
		t.LevelTerms = append(t.LevelTerms, schematype.LevelTerms{Level: l, RateCents: rates[l], MonthlyMinutes: monthly[l]})
	}
	if anyContingent && t.AgreementType != string(contract.AgreementTypeCONTINGENT) {
		bad = append(bad, "terms.contingents") // only CONTINGENT agreements have hour budgets
	}
	return bad
}

func channelStrings(cs []billing.Channel) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, string(c))
	}
	return out
}

func setInt(dst *int, v *int) {
	if v != nil {
		*dst = *v
	}
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// mustContractAdmin is mustAdmin for contracts: the providing organisation's administrators.
func mustContractAdmin(ctx context.Context) (*viewer.Viewer, error) {
	return mustAdmin(ctx, "manage contracts")
}

// serviceManager checks that id is an active SERVICE_DELIVERY_MANAGER or ADMIN of the provider.
func serviceManager(ctx context.Context, c *ent.Client, providerID, id int) error {
	ok, err := c.User.Query().Where(user.ID(id), user.OrganizationID(providerID), user.Active(true),
		user.RoleIn(user.RoleSERVICE_DELIVERY_MANAGER, user.RoleADMIN)).Exist(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Invalid("the service delivery manager must be an active service delivery manager or administrator of the provider", "serviceManagerID")
	}
	return nil
}

// CreateContract creates a contract for a customer the viewer's organisation serves, with its
// first version of terms in force from the start of its validity.
func (s *Service) CreateContract(ctx context.Context, in NewContract) (*ent.Contract, error) {
	v, err := mustContractAdmin(ctx)
	if err != nil {
		return nil, err
	}
	cust, err := s.Client.Organization.Get(ctx, in.CustomerID)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("organization not found")
	}
	if err != nil {
		return nil, err
	}
	if cust.Kind != organization.KindCUSTOMER || cust.ParentID == nil || *cust.ParentID != v.OrgID {
		return nil, apperr.Forbiddenf("contracts are made with the customers the organisation serves")
	}
	name := strings.TrimSpace(in.Name)
	var bad []string
	if name == "" || len(name) > 200 {
		bad = append(bad, "name")
	}
	if in.ValidFrom.IsZero() {
		bad = append(bad, "validFrom")
	}
	if in.ValidUntil != nil && !in.ValidUntil.After(in.ValidFrom) {
		bad = append(bad, "validUntil")
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid("invalid contract: "+strings.Join(bad, ", "), bad...)
	}
	t, err := merge(ctx, s.Client, v.OrgID, defaults(), in.Terms)
	if err != nil {
		return nil, err
	}
	if in.ServiceManagerID != nil {
		if err := serviceManager(ctx, s.Client, v.OrgID, *in.ServiceManagerID); err != nil {
			return nil, err
		}
	}
	var id int
	err = s.inTx(ctx, func(c *ent.Client) error {
		q := c.Contract.Create().SetName(name).SetCustomerID(cust.ID).SetProviderID(v.OrgID).SetValidFrom(in.ValidFrom.UTC()).
			SetNillableValidUntil(utcPtr(in.ValidUntil)).SetNillableServiceManagerID(in.ServiceManagerID)
		setTerms(q.Mutation(), t)
		k, err := q.Save(ctx)
		if err != nil {
			return err
		}
		id = k.ID
		return c.ContractVersion.Create().SetContractID(k.ID).SetVersion(1).SetEffectiveFrom(k.ValidFrom).SetTerms(t).
			SetNote("initial terms").SetCreatedByID(v.UserID).Exec(privacy.DecisionContext(ctx, privacy.Allow))
	})
	if err != nil {
		return nil, err
	}
	return s.Client.Contract.Get(ctx, id)
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// setTerms writes t onto a contract's term columns.
func setTerms(m *ent.ContractMutation, t schematype.ContractTerms) {
	m.SetAgreementType(contract.AgreementType(t.AgreementType))
	m.SetChannels(t.Channels)
	m.SetIntakeModel(contract.IntakeModel(t.IntakeModel))
	m.SetHypercareTier(contract.HypercareTier(t.HypercareTier))
	if t.FirstTrainingDay != nil {
		m.SetFirstTrainingDay(*t.FirstTrainingDay)
	} else {
		m.ClearFirstTrainingDay()
	}
	m.SetKeyUserLimit(t.KeyUserLimit)
	m.SetExtraKeyUsers(t.ExtraKeyUsers)
	if t.CalendarID != nil {
		m.SetCalendarID(*t.CalendarID)
	} else {
		m.ClearCalendar()
	}
	m.SetSLATargets(t.SLATargets)
	m.SetTimeIncrementMinutes(t.TimeIncrementMinutes)
	m.SetMinBillableMinutes(t.MinBillableMinutes)
	m.SetIncidentsBillable(t.IncidentsBillable)
	m.SetRefuseUncovered(t.RefuseUncovered)
	m.SetCurrency(t.Currency)
	m.SetLevelTerms(t.LevelTerms)
	m.SetWarningThresholdPercent(t.WarningThresholdPercent)
	m.SetCarryOver(t.CarryOver)
	m.SetCarryOverCapMinutes(t.CarryOverCapMinutes)
	m.SetOverrunPolicy(contract.OverrunPolicy(t.OverrunPolicy))
}

// providedContract loads a contract the viewer's organisation provides.
func (s *Service) providedContract(ctx context.Context, v *viewer.Viewer, id int) (*ent.Contract, error) {
	k, err := s.Client.Contract.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("contract not found")
	}
	if err != nil {
		return nil, err
	}
	if k.ProviderID != v.OrgID {
		return nil, apperr.Forbiddenf("contracts are changed by their provider")
	}
	return k, nil
}

// UpdateContract changes a contract's name, validity end and service delivery manager.
func (s *Service) UpdateContract(ctx context.Context, id int, in ContractChange) (*ent.Contract, error) {
	v, err := mustContractAdmin(ctx)
	if err != nil {
		return nil, err
	}
	k, err := s.providedContract(ctx, v, id)
	if err != nil {
		return nil, err
	}
	u := s.Client.Contract.UpdateOne(k)
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" || len(name) > 200 {
			return nil, apperr.Invalid("a contract needs a name of at most 200 characters", "name")
		}
		u.SetName(name)
	}
	switch {
	case in.ClearValidUntil != nil && *in.ClearValidUntil:
		u.ClearValidUntil()
	case in.ValidUntil != nil:
		if !in.ValidUntil.After(k.ValidFrom) {
			return nil, apperr.Invalid("a contract ends after it starts", "validUntil")
		}
		u.SetValidUntil(in.ValidUntil.UTC())
	}
	switch {
	case in.ClearServiceManager != nil && *in.ClearServiceManager:
		u.ClearServiceManagerID()
	case in.ServiceManagerID != nil:
		if err := serviceManager(ctx, s.Client, v.OrgID, *in.ServiceManagerID); err != nil {
			return nil, err
		}
		u.SetServiceManagerID(*in.ServiceManagerID)
	}
	return u.Save(ctx)
}

// ChangeTerms records a new version of a contract's terms, in force from in.EffectiveFrom.
// Fields left out keep the value in force at that moment. The change never reaches back into a
// month whose statement was issued, nor before the contract starts; tickets received before it
// keep their terms (package terms), resolved tickets their frozen SLA results.
func (s *Service) ChangeTerms(ctx context.Context, in TermsChange) (*ent.ContractVersion, error) {
	v, err := mustContractAdmin(ctx)
	if err != nil {
		return nil, err
	}
	k, err := s.providedContract(ctx, v, in.ContractID)
	if err != nil {
		return nil, err
	}
	if in.EffectiveFrom.IsZero() || in.EffectiveFrom.Before(k.ValidFrom) {
		return nil, apperr.Invalid("terms take effect within the contract's validity", "effectiveFrom")
	}
	tctx := privacy.DecisionContext(ctx, privacy.Allow)
	loc := time.UTC
	if k.CalendarID != nil {
		if cal, err := s.Client.Calendar.Get(tctx, *k.CalendarID); err == nil {
			if l, err := time.LoadLocation(cal.TimeZone); err == nil {
				loc = l
			}
		}
	}
	month := in.EffectiveFrom.In(loc).Format("2006-01")
	issued, err := s.Client.Statement.Query().Where(statement.ContractID(k.ID), statement.MonthGTE(month)).
		Order(ent.Desc(statement.FieldMonth)).Select(statement.FieldMonth).Strings(tctx)
	if err != nil {
		return nil, err
	}
	if len(issued) > 0 {
		return nil, apperr.Invalid(fmt.Sprintf("the statement of %s is issued; a change of terms takes effect after it", issued[0]), "effectiveFrom")
	}
	base, err := terms.At(ctx, s.Client, k, in.EffectiveFrom)
	if err != nil {
		return nil, err
	}
	t, err := merge(ctx, s.Client, v.OrgID, terms.Of(base), in.Terms)
	if err != nil {
		return nil, err
	}
	note := ""
	if in.Note != nil {
		note = strings.TrimSpace(*in.Note)
	}
	var out *ent.ContractVersion
	err = s.inTx(ctx, func(c *ent.Client) error {
		n, err := c.ContractVersion.Query().Where(contractversion.ContractID(k.ID)).Count(tctx)
		if err != nil {
			return err
		}
		if n == 0 {
			// A contract from before versioning: its columns become version 1, from its start.
			if err := c.ContractVersion.Create().SetContractID(k.ID).SetVersion(1).SetEffectiveFrom(k.ValidFrom).
				SetTerms(terms.Of(k)).SetNote("terms before versioning").Exec(tctx); err != nil {
				return err
			}
			n = 1
		}
		out, err = c.ContractVersion.Create().SetContractID(k.ID).SetVersion(n + 1).SetEffectiveFrom(in.EffectiveFrom.UTC()).
			SetTerms(t).SetNote(note).SetCreatedByID(v.UserID).Save(tctx)
		if err != nil {
			return err
		}
		// The contract's own columns show the terms in force now (and are audited).
		now, err := terms.At(tctx, c, k, s.now())
		if err != nil {
			return err
		}
		u := c.Contract.UpdateOne(k)
		setTerms(u.Mutation(), terms.Of(now))
		return u.Exec(ctx)
	})
	if ent.IsConstraintError(err) {
		return nil, apperr.E(apperr.Conflict, "the contract's terms were changed at the same moment; try again")
	}
	return out, err
}

// TermsAt returns the terms of a contract the viewer sees in force at moment at (now if nil).
func (s *Service) TermsAt(ctx context.Context, k *ent.Contract, at *time.Time) (*schematype.ContractTerms, error) {
	moment := s.now()
	if at != nil {
		moment = *at
	}
	in, err := terms.At(ctx, s.Client, k, moment)
	if err != nil {
		return nil, err
	}
	t := terms.Of(in)
	return &t, nil
}

// TermVersions returns every version of a contract's terms the viewer sees, oldest first.
func (s *Service) TermVersions(ctx context.Context, k *ent.Contract) ([]*ent.ContractVersion, error) {
	vs, err := terms.Versions(ctx, s.Client, []int{k.ID})
	return vs[k.ID], err
}

// HypercareEndsOn is the first day after a terms' hyper-care period, nil when there is none.
func HypercareEndsOn(t *schematype.ContractTerms) *time.Time {
	if t.FirstTrainingDay == nil {
		return nil
	}
	end, ok := billing.HypercareEnd(*t.FirstTrainingDay, billing.HypercareTier(t.HypercareTier))
	if !ok {
		return nil
	}
	return &end
}
