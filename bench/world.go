package main

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/user"
	"supportdesk/internal/admin"
	"supportdesk/internal/auth"
	"supportdesk/internal/calendar"
	"supportdesk/internal/sla"
	"supportdesk/internal/viewer"

	_ "supportdesk/ent/runtime" // registers privacy policies and hooks
)

// Password is the password of every generated user (its bcrypt hash is computed once).
const Password = "bench-password"

// partnerW is a generated partner with its staff.
type partnerW struct {
	ID, Admin, Desk, SDM int
	// Agents work L1–L3; Agents[0] is the agent whose JWT the queue workloads use.
	Agents    []int
	calendars []calW
}

// calW is a stored calendar with its business-time form and zone.
type calW struct {
	ent  *ent.Calendar
	cal  *calendar.Calendar
	zone *time.Location
}

// customerW is a generated customer with its contract and the terms the generator needs.
type customerW struct {
	ID, Partner, Contract, KeyUser, EndUser int
	Agreement                               contract.AgreementType
	Currency                                string
	Rates                                   map[string]int64
	Targets                                 map[string]schematype.SLATarget
	Cal                                     *calendar.Calendar
	Zone                                    *time.Location
}

// world is the reference data: organisations, users, calendars, contracts and their terms
// versions, made through the domain services the API uses (so they are valid for them).
type world struct {
	Vendor, VendorAdmin int
	Partners            []*partnerW
	Customers           []*customerW
}

func ptr[T any](v T) *T { return &v }

type worldMaker struct {
	ctx    context.Context
	client *ent.Client
	admin  *admin.Service
	sla    *sla.Service
	hash   string
}

func (m *worldMaker) as(userID int) context.Context {
	v, err := auth.LoadViewer(m.ctx, m.client, userID)
	if err != nil {
		panic(fmt.Errorf("viewer %d: %w", userID, err))
	}
	return viewer.NewContext(m.ctx, v)
}

// user writes a user directly with the shared hash: auth.CreateUser would hash each password.
func (m *worldMaker) user(org int, email, name string, role user.Role, levels []string, approve bool) int {
	u, err := m.client.User.Create().SetOrganizationID(org).SetEmail(email).SetName(name).SetRole(role).
		SetLevels(levels).SetCanApprove(approve).SetPasswordHash(m.hash).
		Save(privacy.DecisionContext(m.ctx, privacy.Allow))
	if err != nil {
		panic(fmt.Errorf("user %s: %w", email, err))
	}
	return u.ID
}

func weekdays(days []int, start, end string) []schematype.DayHours {
	var out []schematype.DayHours
	for _, d := range days {
		out = append(out, schematype.DayHours{Weekday: d, Intervals: []schematype.Interval{{Start: start, End: end}}})
	}
	return out
}

// dataFrom is the first day of the contracts; tickets start on dataStart.
var (
	dataFrom  = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	dataStart = time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)
	dataEnd   = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
)

// makeWorld creates the organisations, users, calendars and contracts of a size.
func makeWorld(ctx context.Context, client *ent.Client, sqldb *sql.DB, sz Size) (w *world, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if _, isRuntime := r.(runtime.Error); !ok || isRuntime {
				panic(r)
			}
			err = e
		}
	}()
	hash, err := auth.HashPassword(Password, 0)
	if err != nil {
		return nil, err
	}
	m := &worldMaker{ctx: ctx, client: client, hash: hash,
		sla: &sla.Service{Client: client, Postgres: true, SQL: sqldb, Now: func() time.Time { return dataEnd }}}
	m.admin = &admin.Service{Client: client, Auth: &auth.Service{Client: client, Clock: time.Now}, BcryptCost: 4}
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	v, err := client.Organization.Create().SetName("Bench Vendor AG").SetKind(organization.KindVENDOR).
		SetCountry("DE").SetLanguage("de").SetTimeZone("Europe/Berlin").Save(trusted)
	if err != nil {
		return nil, err
	}
	w = &world{Vendor: v.ID}
	w.VendorAdmin = m.user(v.ID, "admin@vendor.bench", "Vendor Admin", user.RoleADMIN, nil, false)
	m.user(v.ID, "agent@vendor.bench", "Vendor Agent", user.RoleAGENT, []string{"L3", "VENDOR"}, false)

	for p := 0; p < sz.Partners; p++ {
		org, err := m.admin.CreateOrganization(m.as(w.VendorAdmin), admin.NewOrganization{Kind: organization.KindPARTNER,
			Name: fmt.Sprintf("Partner %d", p+1), Country: ptr("DK"), Language: ptr("da"), TimeZone: ptr("Europe/Copenhagen")})
		if err != nil {
			return nil, fmt.Errorf("partner: %w", err)
		}
		pw := &partnerW{ID: org.ID}
		dom := fmt.Sprintf("p%d.bench", p+1)
		pw.Admin = m.user(org.ID, "admin@"+dom, "Admin", user.RoleADMIN, nil, false)
		pw.Desk = m.user(org.ID, "desk@"+dom, "Service Desk", user.RoleSERVICE_DESK, []string{"L1"}, false)
		pw.SDM = m.user(org.ID, "sdm@"+dom, "Delivery Manager", user.RoleSERVICE_DELIVERY_MANAGER, nil, false)
		for a := 0; a < 8; a++ {
			pw.Agents = append(pw.Agents, m.user(org.ID, fmt.Sprintf("agent%d@%s", a+1, dom), fmt.Sprintf("Agent %d", a+1),
				user.RoleAGENT, []string{"L1", "L2", "L3"}, false))
		}
		w.Partners = append(w.Partners, pw)
		pa := m.as(pw.Admin)
		// Two calendars per partner: Berlin (German and Berlin holidays) and Copenhagen (Danish
		// holidays and closed days); both zones change to and from daylight saving time.
		var cals []calW
		for _, in := range []sla.CalendarInput{
			{Name: ptr("Berlin Mon–Fri 08–17"), TimeZone: ptr("Europe/Berlin"), WeeklyHours: weekdays([]int{1, 2, 3, 4, 5}, "08:00", "17:00"),
				HolidayCountry: ptr("DE"), HolidayRegion: ptr("BE")},
			{Name: ptr("København hverdage"), TimeZone: ptr("Europe/Copenhagen"),
				WeeklyHours:    append(weekdays([]int{1, 2, 3, 4}, "08:30", "16:00"), weekdays([]int{5}, "08:30", "15:30")...),
				HolidayCountry: ptr("DK"), RecurringClosedDays: []string{"12-24", "12-31", "06-05"}},
		} {
			c, err := m.sla.CreateCalendar(pa, in)
			if err != nil {
				return nil, fmt.Errorf("calendar: %w", err)
			}
			bc, err := m.sla.Calendar(c)
			if err != nil {
				return nil, err
			}
			zone, err := time.LoadLocation(c.TimeZone)
			if err != nil {
				return nil, err
			}
			cals = append(cals, calW{c, bc, zone})
		}
		if _, err := m.admin.UpdateOrganization(pa, org.ID, admin.OrganizationChange{DefaultCalendarID: &cals[1].ent.ID}); err != nil {
			return nil, fmt.Errorf("partner calendar: %w", err)
		}
		pw.calendars = cals
	}
	agreements := []contract.AgreementType{contract.AgreementTypeEXTENDED, contract.AgreementTypeINVOICED,
		contract.AgreementTypeBASIC, contract.AgreementTypeCONTINGENT}
	for i := 0; i < sz.Customers; i++ {
		// Customer i belongs to partner i mod P, so the largest (Zipf rank 0) is partner 1's.
		pw := w.Partners[i%sz.Partners]
		c := pw.calendars[i%2]
		pa := m.as(pw.Admin)
		country, lang := "DE", "de"
		if i%2 == 1 {
			country, lang = "DK", "da"
		}
		org, err := m.admin.CreateOrganization(pa, admin.NewOrganization{Kind: organization.KindCUSTOMER,
			Name: fmt.Sprintf("Customer %d", i+1), Country: &country, Language: &lang, TimeZone: &c.ent.TimeZone,
			DefaultCalendarID: &c.ent.ID})
		if err != nil {
			return nil, fmt.Errorf("customer: %w", err)
		}
		cw := &customerW{ID: org.ID, Partner: i % sz.Partners, Cal: c.cal, Zone: c.zone,
			Agreement: agreements[i%len(agreements)], Currency: "EUR",
			Rates: map[string]int64{"L1": 7000, "L2": 8000, "L3": 9000}}
		if i == 0 {
			// The largest customer books against monthly contingents large enough never to run
			// out, so "book time with every client on one contract" measures the guarded write.
			cw.Agreement = contract.AgreementTypeCONTINGENT
		}
		if country == "DK" {
			cw.Currency, cw.Rates = "DKK", map[string]int64{"L1": 95000, "L2": 115000, "L3": 125000}
		}
		targets := []*schematype.SLATarget{
			{Priority: "P1", FirstResponseMinutes: 60, ResolutionMinutes: 480},
			{Priority: "P2", FirstResponseMinutes: 120, ResolutionMinutes: 960},
			{Priority: "P3", FirstResponseMinutes: 480, ResolutionMinutes: 2400},
			{Priority: "P4", FirstResponseMinutes: 480, ResolutionMinutes: 4800},
		}
		cw.Targets = map[string]schematype.SLATarget{}
		for _, t := range targets {
			cw.Targets[t.Priority] = *t
		}
		terms := admin.TermsInput{AgreementType: &cw.Agreement, IntakeModel: ptr(contract.IntakeModelPROVIDER_L1),
			Channels: []string{"PORTAL", "EMAIL", "PHONE"}, KeyUserLimit: ptr(2), CalendarID: &c.ent.ID,
			SLATargets: targets, Currency: &cw.Currency,
			Rates: []*admin.LevelRate{{Level: "L1", RateCents: cw.Rates["L1"]}, {Level: "L2", RateCents: cw.Rates["L2"]}, {Level: "L3", RateCents: cw.Rates["L3"]}}}
		if cw.Agreement == contract.AgreementTypeCONTINGENT {
			monthly := 60 * 60
			if i == 0 {
				monthly = 10_000_000
			}
			terms.Contingents = []*admin.LevelContingent{{Level: "L1", MonthlyMinutes: monthly}, {Level: "L2", MonthlyMinutes: monthly}, {Level: "L3", MonthlyMinutes: monthly}}
			terms.OverrunPolicy = ptr(contract.OverrunPolicyEXTEND)
		}
		if cw.Agreement == contract.AgreementTypeINVOICED {
			terms.MinBillableMinutes = ptr(15)
		}
		// A fresh viewer: the administrator's scopes grew with the customer.
		pa = m.as(pw.Admin)
		k, err := m.admin.CreateContract(pa, admin.NewContract{CustomerID: org.ID, Name: fmt.Sprintf("Customer %d %s", i+1, cw.Agreement),
			ValidFrom: dataFrom, ServiceManagerID: &pw.SDM, Terms: terms})
		if err != nil {
			return nil, fmt.Errorf("contract: %w", err)
		}
		cw.Contract = k.ID
		// A second version of the terms in the middle of the data (one more key user): tickets
		// on either side resolve their terms through the versions.
		if i%3 == 0 {
			if _, err := m.admin.ChangeTerms(pa, admin.TermsChange{ContractID: k.ID, EffectiveFrom: time.Date(2025, 6, 1, 0, 0, 0, 0, c.zone),
				Note: ptr("one more key user"), Terms: admin.TermsInput{ExtraKeyUsers: ptr(1)}}); err != nil {
				return nil, fmt.Errorf("terms change: %w", err)
			}
		}
		dom := fmt.Sprintf("c%d.bench", i+1)
		cw.KeyUser = m.user(org.ID, "key@"+dom, "Key User", user.RoleKEY_USER, nil, true)
		cw.EndUser = m.user(org.ID, "user@"+dom, "End User", user.RoleEND_USER, nil, false)
		w.Customers = append(w.Customers, cw)
	}
	return w, nil
}
