// Package demo loads the demo data set modelled on the seeds: a vendor, a Danish partner with a
// Berlin and a Copenhagen calendar, and customers with one contract of each agreement type
// (EXTENDED in hyper care, EXTENDED with KEY_USERS_ONLY intake, BASIC, INVOICED, CONTINGENT with
// the seed 003 levels), users for every role, tickets of each type with history, time bookings
// and an open overrun decision.
//
// Everything after the vendor itself is made through the domain services the API uses, each
// call under the viewer of the acting demo user, so the demo passes the same validation and
// leaves the same audit rows and outbox events as the API. Only the vendor and its first
// administrator are written directly: no mutation creates a vendor, it is the installation's
// root. Loading is idempotent: a data set that exists is left as it is.
package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/ticket"
	"supportdesk/ent/user"
	"supportdesk/internal/admin"
	"supportdesk/internal/auth"
	"supportdesk/internal/contingent"
	"supportdesk/internal/mail"
	"supportdesk/internal/sla"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/viewer"
)

// Password is the password of every demo user.
const Password = "demo-password"

// VendorName names the demo vendor; its presence marks the data set as loaded.
const VendorName = "ERPsoft AG"

// lastTicket is the title of the demo's last ticket: its presence marks a finished load.
const lastTicket = "Idea: show the remaining contingent on the dashboard"

// Services are the domain services the demo is made through (the ones the API uses).
type Services struct {
	Client  *ent.Client
	Auth    *auth.Service
	Admin   *admin.Service
	SLA     *sla.Service
	Flow    *ticketflow.Service
	Budgets *contingent.Service
	// Mail sets the partner's support address (mail to it becomes tickets); nil skips it.
	Mail       *mail.Desk
	BcryptCost int
	// Now is the clock of the services; the demo's dates (hyper care, bookings) follow it.
	Now func() time.Time
}

// SupportAddress is the demo partner's support mail address (issue 17).
const SupportAddress = "support@nordic-erp.example"

// Load creates the demo data unless it exists, and writes the logins to w.
func Load(ctx context.Context, s Services, w io.Writer) error {
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	exists, err := s.Client.Organization.Query().Where(organization.Name(VendorName), organization.KindEQ(organization.KindVENDOR)).Exist(trusted)
	if err != nil {
		return err
	}
	if !exists {
		if err := (&loader{Services: s, ctx: ctx, users: map[string]int{}}).run(); err != nil {
			return err
		}
	} else if done, err := s.Client.Ticket.Query().Where(ticket.Title(lastTicket)).Exist(trusted); err != nil {
		return err
	} else if !done {
		return fmt.Errorf("the demo data set in this database is incomplete (an earlier load failed); start on a fresh database")
	}
	users, err := s.Client.User.Query().WithOrganization().Order(ent.Asc(user.FieldID)).All(trusted)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Demo logins (password for all: %s):\n", Password)
	for _, u := range users {
		fmt.Fprintf(w, "  %-34s %-26s %s\n", u.Email, u.Role, u.Edges.Organization.Name)
	}
	return nil
}

type person struct {
	email, name string
	role        user.Role
	levels      []string
	canApprove  bool
}

// loader makes the data set; users maps the demo e-mails to user ids.
type loader struct {
	Services
	ctx   context.Context
	users map[string]int
}

func (l *loader) now() time.Time {
	if l.Now != nil {
		return l.Now().UTC()
	}
	return time.Now().UTC()
}

// as returns a context acting as the demo user with this e-mail, its viewer loaded fresh (an
// administrator's scopes grow with each organisation it onboards).
func (l *loader) as(email string) context.Context {
	v, err := auth.LoadViewer(l.ctx, l.Client, l.users[email])
	if err != nil {
		panic(fmt.Errorf("demo viewer %s: %w", email, err))
	}
	return viewer.NewContext(l.ctx, v)
}

// people creates users of an organisation through auth.CreateUser as the administrator.
func (l *loader) people(adminEmail string, orgID int, ps ...person) error {
	ctx := l.as(adminEmail)
	for _, p := range ps {
		approve := p.canApprove
		u, err := l.Auth.CreateUser(ctx, auth.NewUser{OrganizationID: orgID, Email: p.email, Name: p.name, Role: p.role,
			Levels: p.levels, CanApprove: &approve, Password: ptr(Password)}, l.BcryptCost)
		if err != nil {
			return fmt.Errorf("user %s: %w", p.email, err)
		}
		l.users[p.email] = u.ID
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

func (l *loader) run() (err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	if err := l.vendor(); err != nil {
		return err
	}
	ids, err := l.organisations()
	if err != nil {
		return err
	}
	if err := l.tickets(ids); err != nil {
		return err
	}
	return nil
}

// vendor bootstraps the vendor and its first administrator (no mutation creates a vendor), then
// lets that administrator add the vendor's developer.
func (l *loader) vendor() error {
	trusted := privacy.DecisionContext(l.ctx, privacy.Allow)
	hash, err := auth.HashPassword(Password, l.BcryptCost)
	if err != nil {
		return err
	}
	v, err := l.Client.Organization.Create().SetName(VendorName).SetKind(organization.KindVENDOR).
		SetCountry("DE").SetLanguage("de").SetTimeZone("Europe/Berlin").Save(trusted)
	if err != nil {
		return err
	}
	a, err := l.Client.User.Create().SetEmail("admin@erpsoft.example").SetName("Vera Vendor").SetRole(user.RoleADMIN).
		SetPasswordHash(hash).SetOrganizationID(v.ID).Save(trusted)
	if err != nil {
		return err
	}
	l.users[a.Email] = a.ID
	return l.people("admin@erpsoft.example", v.ID,
		person{"dev@erpsoft.example", "Dirk Developer", user.RoleAGENT, []string{"L3", "VENDOR"}, false})
}

// orgIDs are the demo's customers and contracts by short name.
type orgIDs struct {
	customers, contracts map[string]int
}

func weekdays(days []int, start, end string) []schematype.DayHours {
	var out []schematype.DayHours
	for _, d := range days {
		out = append(out, schematype.DayHours{Weekday: d, Intervals: []schematype.Interval{{Start: start, End: end}}})
	}
	return out
}

func slaTargets(p1, p2, p3, p4 int) []*schematype.SLATarget {
	return []*schematype.SLATarget{
		{Priority: "P1", FirstResponseMinutes: 60, ResolutionMinutes: p1},
		{Priority: "P2", FirstResponseMinutes: 120, ResolutionMinutes: p2},
		{Priority: "P3", FirstResponseMinutes: 480, ResolutionMinutes: p3},
		{Priority: "P4", FirstResponseMinutes: 480, ResolutionMinutes: p4},
	}
}

func rates(l1, l2, l3 int64) []*admin.LevelRate {
	return []*admin.LevelRate{{Level: "L1", RateCents: l1}, {Level: "L2", RateCents: l2}, {Level: "L3", RateCents: l3}}
}

// organisations onboards the partner, its staff and calendars, the customers, their contracts
// and users, as the vendor's and then the partner's administrator.
func (l *loader) organisations() (orgIDs, error) {
	ids := orgIDs{customers: map[string]int{}, contracts: map[string]int{}}
	partner, err := l.Admin.CreateOrganization(l.as("admin@erpsoft.example"), admin.NewOrganization{
		Kind: organization.KindPARTNER, Name: "Nordic ERP Partner ApS", Country: ptr("DK"), Language: ptr("da"), TimeZone: ptr("Europe/Copenhagen")})
	if err != nil {
		return ids, fmt.Errorf("partner: %w", err)
	}
	if err := l.people("admin@erpsoft.example", partner.ID,
		person{"admin@nordic-erp.example", "Anne Admin", user.RoleADMIN, nil, false}); err != nil {
		return ids, err
	}
	const pa = "admin@nordic-erp.example"
	if err := l.people(pa, partner.ID,
		person{"desk@nordic-erp.example", "Sofie Servicedesk", user.RoleSERVICE_DESK, []string{"L1"}, false},
		person{"l1@nordic-erp.example", "Lars First", user.RoleAGENT, []string{"L1"}, false},
		person{"l2@nordic-erp.example", "Karin Consultant", user.RoleAGENT, []string{"L2"}, false},
		person{"l3@nordic-erp.example", "Mads Developer", user.RoleAGENT, []string{"L3"}, false},
		person{"l4@nordic-erp.example", "Ida Infrastructure", user.RoleAGENT, []string{"L4"}, false},
		person{"sdm@nordic-erp.example", "Henrik Delivery", user.RoleSERVICE_DELIVERY_MANAGER, nil, false},
	); err != nil {
		return ids, err
	}

	berlin, err := l.SLA.CreateCalendar(l.as(pa), sla.CalendarInput{Name: ptr("Berlin Mon–Fri 10–16"), TimeZone: ptr("Europe/Berlin"),
		WeeklyHours: weekdays([]int{1, 2, 3, 4, 5}, "10:00", "16:00"), HolidayCountry: ptr("DE"), HolidayRegion: ptr("BE")})
	if err != nil {
		return ids, fmt.Errorf("Berlin calendar: %w", err)
	}
	// Seed 004: Danish opening hours and holidays, closed on 24 Dec, 31 Dec and 5 Jun every year.
	copenhagen, err := l.SLA.CreateCalendar(l.as(pa), sla.CalendarInput{Name: ptr("København hverdage"), TimeZone: ptr("Europe/Copenhagen"),
		WeeklyHours:    append(weekdays([]int{1, 2, 3, 4}, "08:30", "16:00"), weekdays([]int{5}, "08:30", "15:30")...),
		HolidayCountry: ptr("DK"), RecurringClosedDays: []string{"12-24", "12-31", "06-05"}})
	if err != nil {
		return ids, fmt.Errorf("Copenhagen calendar: %w", err)
	}
	if _, err := l.Admin.UpdateOrganization(l.as(pa), partner.ID, admin.OrganizationChange{DefaultCalendarID: &copenhagen.ID}); err != nil {
		return ids, fmt.Errorf("partner calendar: %w", err)
	}
	// Seed 003: the phone is answered Monday to Friday 10–16; seed 004 names no hours, so the
	// partner keeps one set for all its customers.
	if _, err := l.Flow.SetPhoneHours(l.as(pa), &berlin.ID); err != nil {
		return ids, fmt.Errorf("phone hours: %w", err)
	}
	if l.Mail != nil {
		if _, err := l.Mail.SetSupportAddress(l.as(pa), partner.ID, SupportAddress); err != nil {
			return ids, fmt.Errorf("support address: %w", err)
		}
	}

	now := l.now()
	cph, _ := time.LoadLocation("Europe/Copenhagen")
	today := now.In(cph)
	// Contracts run from the start of the year 60 days ago, so every demo date lies inside them.
	from := time.Date(now.AddDate(0, 0, -60).Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	sdm := l.users["sdm@nordic-erp.example"]

	type customer struct {
		short, name, country, lang, tz string
		calendar                       int
		contract                       string
		terms                          admin.TermsInput
		users                          []person
	}
	customers := []customer{
		{short: "mueller", name: "Müller Maschinenbau GmbH", country: "DE", lang: "de", tz: "Europe/Berlin", calendar: berlin.ID,
			contract: "Müller Contingent", terms: admin.TermsInput{
				// Seed 003: L1 8 h at 70 EUR/h, L2 12 h at 80, L3 12 h at 90; warning at 80 %.
				AgreementType: ptr(contract.AgreementTypeCONTINGENT), IntakeModel: ptr(contract.IntakeModelPROVIDER_L1),
				Channels: []string{"PORTAL", "EMAIL", "PHONE"}, KeyUserLimit: ptr(2), CalendarID: &berlin.ID,
				SLATargets: slaTargets(360, 720, 1440, 2880), Currency: ptr("EUR"), Rates: rates(7000, 8000, 9000),
				Contingents:             []*admin.LevelContingent{{Level: "L1", MonthlyMinutes: 8 * 60}, {Level: "L2", MonthlyMinutes: 12 * 60}, {Level: "L3", MonthlyMinutes: 12 * 60}},
				WarningThresholdPercent: ptr(80), CarryOver: ptr(true), CarryOverCapMinutes: ptr(240)},
			users: []person{
				{"key@mueller.example", "Klaus Keyuser", user.RoleKEY_USER, nil, false},
				{"approver@mueller.example", "Petra Approver", user.RoleAPPROVER, nil, true},
				{"user@mueller.example", "Emil Enduser", user.RoleEND_USER, nil, false},
			}},
		{short: "havn", name: "Havn Logistik A/S", country: "DK", lang: "da", tz: "Europe/Copenhagen", calendar: copenhagen.ID,
			contract: "Havn Basic", terms: admin.TermsInput{
				AgreementType: ptr(contract.AgreementTypeBASIC), IntakeModel: ptr(contract.IntakeModelKEY_USER_GATED),
				KeyUserLimit: ptr(2), CalendarID: &copenhagen.ID, SLATargets: slaTargets(480, 960, 2400, 4800),
				Currency: ptr("DKK"), Rates: rates(95000, 115000, 125000)},
			users: []person{
				{"key@havn.example", "Mette Nøglebruger", user.RoleKEY_USER, nil, true},
				{"user@havn.example", "Jens Slutbruger", user.RoleEND_USER, nil, false},
			}},
		{short: "fjord", name: "Fjord Fødevarer A/S", country: "DK", lang: "da", tz: "Europe/Copenhagen", calendar: copenhagen.ID,
			contract: "Fjord Extended with hyper care", terms: admin.TermsInput{
				// Went live a month ago: the STANDARD hyper-care period (3 months) is running.
				AgreementType: ptr(contract.AgreementTypeEXTENDED), HypercareTier: ptr(contract.HypercareTierSTANDARD),
				FirstTrainingDay: ptr(time.Date(today.Year(), today.Month(), today.Day()-30, 0, 0, 0, 0, time.UTC)),
				KeyUserLimit:     ptr(2), CalendarID: &copenhagen.ID, SLATargets: slaTargets(480, 960, 2400, 4800),
				Currency: ptr("DKK"), Rates: rates(95000, 115000, 125000)},
			users: []person{
				{"key@fjord.example", "Freja Nøglebruger", user.RoleKEY_USER, nil, true},
				{"user@fjord.example", "Ole Slutbruger", user.RoleEND_USER, nil, false},
			}},
		{short: "becker", name: "Becker Handel GmbH", country: "DE", lang: "de", tz: "Europe/Berlin", calendar: berlin.ID,
			contract: "Becker Extended (key users only)", terms: admin.TermsInput{
				// Seed 004: end users have no login; the key users raise every inquiry.
				AgreementType: ptr(contract.AgreementTypeEXTENDED), IntakeModel: ptr(contract.IntakeModelKEY_USERS_ONLY),
				KeyUserLimit: ptr(1), CalendarID: &berlin.ID, SLATargets: slaTargets(360, 720, 1440, 2880),
				Currency: ptr("EUR"), Rates: rates(7500, 8500, 9500)},
			users: []person{
				{"key@becker.example", "Bernd Keyuser", user.RoleKEY_USER, nil, true},
			}},
		{short: "soenderby", name: "Sønderby Tømrer ApS", country: "DK", lang: "da", tz: "Europe/Copenhagen", calendar: copenhagen.ID,
			contract: "Sønderby Invoiced", terms: admin.TermsInput{
				// Time and material: every inquiry but an incident is billed, at least 15 minutes.
				AgreementType: ptr(contract.AgreementTypeINVOICED), MinBillableMinutes: ptr(15),
				KeyUserLimit: ptr(1), CalendarID: &copenhagen.ID, SLATargets: slaTargets(480, 960, 2400, 4800),
				Currency: ptr("DKK"), Rates: rates(95000, 115000, 125000)},
			users: []person{
				{"key@soenderby.example", "Søren Nøglebruger", user.RoleKEY_USER, nil, true},
			}},
	}
	for _, c := range customers {
		org, err := l.Admin.CreateOrganization(l.as(pa), admin.NewOrganization{Kind: organization.KindCUSTOMER, Name: c.name,
			Country: &c.country, Language: &c.lang, TimeZone: &c.tz, DefaultCalendarID: &c.calendar})
		if err != nil {
			return ids, fmt.Errorf("customer %s: %w", c.name, err)
		}
		k, err := l.Admin.CreateContract(l.as(pa), admin.NewContract{CustomerID: org.ID, Name: fmt.Sprintf("%s %d", c.contract, from.Year()),
			ValidFrom: from, ServiceManagerID: &sdm, Terms: c.terms})
		if err != nil {
			return ids, fmt.Errorf("contract %s: %w", c.contract, err)
		}
		ids.customers[c.short], ids.contracts[c.short] = org.ID, k.ID
		if err := l.people(pa, org.ID, c.users...); err != nil {
			return ids, err
		}
	}
	// A new version of Havn's terms from the start of this month: a third key user bought and
	// phone calls opened to every inquiry. Earlier months keep the first version.
	monthStart := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, cph)
	if _, err := l.Admin.ChangeTerms(l.as(pa), admin.TermsChange{ContractID: ids.contracts["havn"], EffectiveFrom: monthStart,
		Note:  ptr("extra support contact bought; phone included"),
		Terms: admin.TermsInput{ExtraKeyUsers: ptr(1), Channels: []string{"PORTAL", "EMAIL", "PHONE"}}}); err != nil {
		return ids, fmt.Errorf("Havn terms change: %w", err)
	}
	return ids, nil
}

// tickets raises tickets of each type on the customers' contracts, works them and books time.
func (l *loader) tickets(ids orgIDs) error {
	key, desk, lars := l.as("key@mueller.example"), l.as("desk@nordic-erp.example"), l.as("l1@nordic-erp.example")
	occurred := l.now().Add(-26 * time.Hour)
	live := ticket.EnvironmentLIVE
	inc, err := l.Flow.Create(key, ticketflow.CreateInput{
		Title: "Invoice posting fails with error FI-204", Type: ticket.TypeINCIDENT, Priority: ticket.PriorityP2,
		Channel: ticket.ChannelPORTAL, Module: "Finance / Invoicing", SoftwareVersion: "7.2.1", Environment: &live,
		Impact: "Outgoing invoices cannot be posted; month-end closing is blocked.",
		Steps:  "Open invoice journal, select batch 2026-11, press Post.", FirstOccurredAt: &occurred,
		Reproduction: "Reproducible in the test system with batch TEST-11.",
		Description:  "Since yesterday every posting of outgoing invoices ends with FI-204.",
	})
	if err != nil {
		return fmt.Errorf("Müller incident: %w", err)
	}
	if _, err := l.Flow.Transition(desk, inc.ID, ticket.StatusIN_PROGRESS, "analysis started", ""); err != nil {
		return err
	}
	if _, err := l.Flow.AddComment(desk, inc.ID, "Thank you, we have received your report and started the analysis.", false); err != nil {
		return err
	}
	question, err := l.Flow.Create(key, ticketflow.CreateInput{
		Title: "How do I add a new cost centre?", Type: ticket.TypeQUESTION, Priority: ticket.PriorityP4,
		Channel: ticket.ChannelPORTAL, Module: "Controlling",
	})
	if err != nil {
		return fmt.Errorf("Müller question: %w", err)
	}
	if _, err := l.Flow.Transition(lars, question.ID, ticket.StatusIN_PROGRESS, "walkthrough booked", ""); err != nil {
		return err
	}
	if _, err := l.Flow.AddComment(lars, question.ID, "We will walk you through the cost centre setup in a screen session today.", false); err != nil {
		return err
	}
	// 6.5 of the 8 L1 hours this month: the 80 % warning is crossed and the customer's overrun
	// decision is open (Petra Approver or a key user with the approval permission answers it).
	workDate := func(loc string) time.Time {
		z, _ := time.LoadLocation(loc)
		t := l.now().In(z)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	for _, b := range []struct {
		minutes int
		what    string
	}{{240, "Screen session: cost centre setup and hierarchy"}, {150, "Follow-up: cost centre allocation rules"}} {
		if _, err := l.Budgets.Book(lars, contingent.BookInput{TicketID: question.ID, WorkDate: workDate("Europe/Berlin"),
			Minutes: b.minutes, Description: b.what}); err != nil {
			return fmt.Errorf("Müller booking: %w", err)
		}
	}
	cr, err := l.Flow.Create(key, ticketflow.CreateInput{
		Title: "New field 'customs tariff number' on item card", Type: ticket.TypeCHANGE_REQUEST, Priority: ticket.PriorityP3,
		Channel: ticket.ChannelEMAIL, Module: "Inventory",
	})
	if err != nil {
		return fmt.Errorf("Müller change request: %w", err)
	}
	if _, err := l.Flow.Transition(desk, cr.ID, ticket.StatusWAITING_FOR_CUSTOMER, "need the list of affected item groups", ""); err != nil {
		return err
	}

	hid, caller := ids.customers["havn"], l.users["key@havn.example"]
	phone, err := l.Flow.Create(desk, ticketflow.CreateInput{
		CustomerID: &hid, ReporterID: &caller, Title: "Warehouse scanner shows blank screen", Type: ticket.TypeINCIDENT, Priority: ticket.PriorityP1,
		Channel: ticket.ChannelPHONE, Module: "Warehouse", Impact: "Picking stopped in hall 2.",
		Steps: "Scanner login after update", FirstOccurredAt: &occurred, Reproduction: "Any scanner in hall 2 after restart.",
	})
	if err != nil {
		return fmt.Errorf("Havn incident: %w", err)
	}
	if _, err := l.Flow.AddComment(desk, phone.ID, "We are on it: resetting the scanner profiles in hall 2 now.", false); err != nil {
		return err
	}
	if _, err := l.Flow.Transition(desk, phone.ID, ticket.StatusRESOLVED, "", "Scanner profile reset; picking works again."); err != nil {
		return err
	}
	// Havn is KEY_USER_GATED: the end user's question waits in the key user's own triage.
	if _, err := l.Flow.Create(l.as("user@havn.example"), ticketflow.CreateInput{
		Title: "Report 'stock by bin' is missing a column", Type: ticket.TypeQUESTION, Priority: ticket.PriorityP4,
		Channel: ticket.ChannelPORTAL, Module: "Warehouse",
	}); err != nil {
		return fmt.Errorf("Havn question: %w", err)
	}

	// Fjord is in hyper care: questions are free, on every channel.
	fq, err := l.Flow.Create(l.as("key@fjord.example"), ticketflow.CreateInput{
		Title: "How do we post a credit note against a paid invoice?", Type: ticket.TypeQUESTION, Priority: ticket.PriorityP3,
		Channel: ticket.ChannelPORTAL, Module: "Finance / Invoicing",
	})
	if err != nil {
		return fmt.Errorf("Fjord question: %w", err)
	}
	if _, err := l.Flow.AddComment(lars, fq.ID, "Thank you; we will send you a short guide with screenshots this afternoon.", false); err != nil {
		return err
	}
	if _, err := l.Budgets.Book(lars, contingent.BookInput{TicketID: fq.ID, WorkDate: workDate("Europe/Copenhagen"),
		Minutes: 30, Description: "Guide for credit notes against paid invoices"}); err != nil {
		return fmt.Errorf("Fjord booking: %w", err)
	}
	if _, err := l.Flow.Transition(lars, fq.ID, ticket.StatusRESOLVED, "", "Guide sent; credit note posted together with the customer."); err != nil {
		return err
	}

	// Becker's key user raises everything (KEY_USERS_ONLY).
	if _, err := l.Flow.Create(l.as("key@becker.example"), ticketflow.CreateInput{
		Title: "Training for two new warehouse clerks", Type: ticket.TypeSERVICE_REQUEST, Priority: ticket.PriorityP4,
		Channel: ticket.ChannelEMAIL, Module: "Warehouse", Description: "Half a day on goods receipt and stock transfers, on site.",
	}); err != nil {
		return fmt.Errorf("Becker service request: %w", err)
	}

	// Sønderby is time and material: the 10 minutes of a question are billed as 15.
	sq, err := l.Flow.Create(l.as("key@soenderby.example"), ticketflow.CreateInput{
		Title: "Where do I change the VAT code of a customer?", Type: ticket.TypeQUESTION, Priority: ticket.PriorityP4,
		Channel: ticket.ChannelPHONE, Module: "Finance",
	})
	if err != nil {
		return fmt.Errorf("Sønderby question: %w", err)
	}
	if _, err := l.Budgets.Book(lars, contingent.BookInput{TicketID: sq.ID, WorkDate: workDate("Europe/Copenhagen"),
		Minutes: 10, Description: "Explained the VAT code on the customer card by phone"}); err != nil {
		return fmt.Errorf("Sønderby booking: %w", err)
	}
	if _, err := l.Flow.Transition(lars, sq.ID, ticket.StatusRESOLVED, "", "VAT code changed together with the customer."); err != nil {
		return err
	}

	// The marker of a finished load comes last.
	if _, err := l.Flow.Create(l.as("key@mueller.example"), ticketflow.CreateInput{
		Title: lastTicket, Type: ticket.TypePRODUCT_IDEA, Priority: ticket.PriorityP4,
		Channel: ticket.ChannelPORTAL, Module: "Portal", Description: "Key users would like to see the month's remaining hours per level at a glance.",
	}); err != nil {
		return fmt.Errorf("product idea: %w", err)
	}
	return nil
}
