// Package demo loads the demo data set modelled on the seeds: a vendor, a partner, two customers
// (a CONTINGENT contract in Berlin and a BASIC contract in Copenhagen), users for every role, and
// a few tickets in various states. Loading is idempotent.
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
	"supportdesk/internal/auth"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/viewer"
)

// Password is the password of every demo user.
const Password = "demo-password"

// VendorName names the demo vendor; its presence marks the data set as loaded.
const VendorName = "ERPsoft AG"

// Login is one printed demo login.
type Login struct{ Email, Role, Org string }

type person struct {
	email, name string
	role        user.Role
	levels      []string
	canApprove  bool
}

// Load creates the demo data unless it exists, and writes the logins to w.
func Load(ctx context.Context, c *ent.Client, flow *ticketflow.Service, bcryptCost int, w io.Writer) error {
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	exists, err := c.Organization.Query().Where(organization.Name(VendorName)).Exist(trusted)
	if err != nil {
		return err
	}
	if !exists {
		if err := create(ctx, c, flow, bcryptCost); err != nil {
			return err
		}
	}
	users, err := c.User.Query().WithOrganization().Order(ent.Asc(user.FieldID)).All(trusted)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Demo logins (password for all: %s):\n", Password)
	for _, u := range users {
		fmt.Fprintf(w, "  %-34s %-26s %s\n", u.Email, u.Role, u.Edges.Organization.Name)
	}
	return nil
}

func create(ctx context.Context, c *ent.Client, flow *ticketflow.Service, cost int) error {
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	hash, err := auth.HashPassword(Password, cost)
	if err != nil {
		return err
	}
	org := func(name string, kind organization.Kind, parent *ent.Organization) (*ent.Organization, error) {
		q := c.Organization.Create().SetName(name).SetKind(kind)
		if parent != nil {
			q.SetParentID(parent.ID)
		}
		return q.Save(trusted)
	}
	users := map[string]*ent.User{}
	people := func(o *ent.Organization, ps ...person) error {
		for _, p := range ps {
			u, err := c.User.Create().SetEmail(p.email).SetName(p.name).SetRole(p.role).SetLevels(p.levels).
				SetCanApprove(p.canApprove).SetPasswordHash(hash).SetOrganizationID(o.ID).Save(trusted)
			if err != nil {
				return err
			}
			users[p.email] = u
		}
		return nil
	}
	vendor, err := org(VendorName, organization.KindVENDOR, nil)
	if err != nil {
		return err
	}
	partner, err := org("Nordic ERP Partner ApS", organization.KindPARTNER, vendor)
	if err != nil {
		return err
	}
	mueller, err := org("Müller Maschinenbau GmbH", organization.KindCUSTOMER, partner)
	if err != nil {
		return err
	}
	havn, err := org("Havn Logistik A/S", organization.KindCUSTOMER, partner)
	if err != nil {
		return err
	}
	if err := people(vendor,
		person{"admin@erpsoft.example", "Vera Vendor", user.RoleADMIN, nil, false},
		person{"dev@erpsoft.example", "Dirk Developer", user.RoleAGENT, []string{"L3", "VENDOR"}, false},
	); err != nil {
		return err
	}
	if err := people(partner,
		person{"desk@nordic-erp.example", "Sofie Servicedesk", user.RoleSERVICE_DESK, []string{"L1"}, false},
		person{"l1@nordic-erp.example", "Lars First", user.RoleAGENT, []string{"L1"}, false},
		person{"l2@nordic-erp.example", "Karin Consultant", user.RoleAGENT, []string{"L2"}, false},
		person{"l3@nordic-erp.example", "Mads Developer", user.RoleAGENT, []string{"L3"}, false},
		person{"l4@nordic-erp.example", "Ida Infrastructure", user.RoleAGENT, []string{"L4"}, false},
		person{"sdm@nordic-erp.example", "Henrik Delivery", user.RoleSERVICE_DELIVERY_MANAGER, nil, false},
		person{"admin@nordic-erp.example", "Anne Admin", user.RoleADMIN, nil, false},
	); err != nil {
		return err
	}
	if err := people(mueller,
		person{"key@mueller.example", "Klaus Keyuser", user.RoleKEY_USER, nil, false},
		person{"approver@mueller.example", "Petra Approver", user.RoleAPPROVER, nil, true},
		person{"user@mueller.example", "Emil Enduser", user.RoleEND_USER, nil, false},
	); err != nil {
		return err
	}
	if err := people(havn,
		person{"key@havn.example", "Mette Nøglebruger", user.RoleKEY_USER, nil, true},
		person{"user@havn.example", "Jens Slutbruger", user.RoleEND_USER, nil, false},
	); err != nil {
		return err
	}

	weekdays := func(days []int, start, end string) []schematype.DayHours {
		var out []schematype.DayHours
		for _, d := range days {
			out = append(out, schematype.DayHours{Weekday: d, Intervals: []schematype.Interval{{Start: start, End: end}}})
		}
		return out
	}
	berlin, err := c.Calendar.Create().SetName("Berlin Mon–Fri 10–16").SetTimeZone("Europe/Berlin").
		SetWeeklyHours(weekdays([]int{1, 2, 3, 4, 5}, "10:00", "16:00")).
		SetHolidayCountry("DE").SetHolidayRegion("BE").SetOrganizationID(partner.ID).Save(trusted)
	if err != nil {
		return err
	}
	copenhagen, err := c.Calendar.Create().SetName("København hverdage").SetTimeZone("Europe/Copenhagen").
		SetWeeklyHours(append(weekdays([]int{1, 2, 3, 4}, "08:30", "16:00"), weekdays([]int{5}, "08:30", "15:30")...)).
		SetHolidayCountry("DK").SetRecurringClosedDays([]string{"12-24", "12-31", "06-05"}).
		SetOrganizationID(partner.ID).Save(trusted)
	if err != nil {
		return err
	}
	sla := func(p1, p2, p3, p4 int) []schematype.SLATarget {
		return []schematype.SLATarget{
			{Priority: "P1", FirstResponseMinutes: 60, ResolutionMinutes: p1},
			{Priority: "P2", FirstResponseMinutes: 120, ResolutionMinutes: p2},
			{Priority: "P3", FirstResponseMinutes: 480, ResolutionMinutes: p3},
			{Priority: "P4", FirstResponseMinutes: 480, ResolutionMinutes: p4},
		}
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sdm := users["sdm@nordic-erp.example"]
	if _, err := c.Contract.Create().SetName("Müller Contingent 2026").SetAgreementType(contract.AgreementTypeCONTINGENT).
		SetIntakeModel(contract.IntakeModelPROVIDER_L1).SetChannels([]string{"PORTAL", "EMAIL", "PHONE"}).
		SetValidFrom(from).SetKeyUserLimit(2).SetCurrency("EUR").SetWarningThresholdPercent(80).
		SetCarryOver(true).SetCarryOverCapMinutes(240).
		SetLevelTerms([]schematype.LevelTerms{
			{Level: "L1", MonthlyMinutes: 8 * 60, RateCents: 7000},
			{Level: "L2", MonthlyMinutes: 12 * 60, RateCents: 8000},
			{Level: "L3", MonthlyMinutes: 12 * 60, RateCents: 9000},
		}).SetSLATargets(sla(360, 720, 1440, 2880)).
		SetCustomerID(mueller.ID).SetProviderID(partner.ID).SetCalendarID(berlin.ID).SetServiceManagerID(sdm.ID).
		Save(trusted); err != nil {
		return err
	}
	if _, err := c.Contract.Create().SetName("Havn Basic").SetAgreementType(contract.AgreementTypeBASIC).
		SetIntakeModel(contract.IntakeModelKEY_USER_GATED).SetChannels([]string{"PORTAL", "EMAIL"}).
		SetValidFrom(from).SetKeyUserLimit(2).SetCurrency("DKK").
		SetLevelTerms([]schematype.LevelTerms{{Level: "L1", RateCents: 95000}, {Level: "L2", RateCents: 115000}, {Level: "L3", RateCents: 125000}}).
		SetSLATargets(sla(480, 960, 2400, 4800)).
		SetCustomerID(havn.ID).SetProviderID(partner.ID).SetCalendarID(copenhagen.ID).SetServiceManagerID(sdm.ID).
		Save(trusted); err != nil {
		return err
	}
	return tickets(ctx, c, flow, users, havn)
}

func as(ctx context.Context, c *ent.Client, u *ent.User) (context.Context, error) {
	v, err := auth.LoadViewer(ctx, c, u.ID)
	if err != nil {
		return nil, err
	}
	return viewer.NewContext(ctx, v), nil
}

func tickets(ctx context.Context, c *ent.Client, flow *ticketflow.Service, users map[string]*ent.User, havn *ent.Organization) error {
	key, err := as(ctx, c, users["key@mueller.example"])
	if err != nil {
		return err
	}
	desk, err := as(ctx, c, users["desk@nordic-erp.example"])
	if err != nil {
		return err
	}
	enduser, err := as(ctx, c, users["user@havn.example"])
	if err != nil {
		return err
	}
	occurred := time.Now().UTC().Add(-26 * time.Hour)
	live := ticket.EnvironmentLIVE
	inc, err := flow.Create(key, ticketflow.CreateInput{
		Title: "Invoice posting fails with error FI-204", Type: ticket.TypeINCIDENT, Priority: ticket.PriorityP2,
		Channel: ticket.ChannelPORTAL, Module: "Finance / Invoicing", SoftwareVersion: "7.2.1", Environment: &live,
		Impact: "Outgoing invoices cannot be posted; month-end closing is blocked.",
		Steps:  "Open invoice journal, select batch 2026-11, press Post.", FirstOccurredAt: &occurred,
		Reproduction: "Reproducible in the test system with batch TEST-11.",
		Description:  "Since yesterday every posting of outgoing invoices ends with FI-204.",
	})
	if err != nil {
		return err
	}
	if _, err := flow.Transition(desk, inc.ID, ticket.StatusIN_PROGRESS, "analysis started", ""); err != nil {
		return err
	}
	if _, err := flow.AddComment(desk, inc.ID, "Thank you, we have received your report and started the analysis.", false); err != nil {
		return err
	}
	if _, err := flow.Create(key, ticketflow.CreateInput{
		Title: "How do I add a new cost centre?", Type: ticket.TypeQUESTION, Priority: ticket.PriorityP4,
		Channel: ticket.ChannelPORTAL, Module: "Controlling",
	}); err != nil {
		return err
	}
	cr, err := flow.Create(key, ticketflow.CreateInput{
		Title: "New field 'customs tariff number' on item card", Type: ticket.TypeCHANGE_REQUEST, Priority: ticket.PriorityP3,
		Channel: ticket.ChannelEMAIL, Module: "Inventory",
	})
	if err != nil {
		return err
	}
	if _, err := flow.Transition(desk, cr.ID, ticket.StatusWAITING_FOR_CUSTOMER, "need the list of affected item groups", ""); err != nil {
		return err
	}
	hid, caller := havn.ID, users["key@havn.example"].ID
	phone, err := flow.Create(desk, ticketflow.CreateInput{
		CustomerID: &hid, ReporterID: &caller, Title: "Warehouse scanner shows blank screen", Type: ticket.TypeINCIDENT, Priority: ticket.PriorityP1,
		Channel: ticket.ChannelPHONE, Module: "Warehouse", Impact: "Picking stopped in hall 2.",
		Steps: "Scanner login after update", FirstOccurredAt: &occurred, Reproduction: "Any scanner in hall 2 after restart.",
	})
	if err != nil {
		return err
	}
	if _, err := flow.Transition(desk, phone.ID, ticket.StatusRESOLVED, "", "Scanner profile reset; picking works again."); err != nil {
		return err
	}
	_, err = flow.Create(enduser, ticketflow.CreateInput{
		Title: "Report 'stock by bin' is missing a column", Type: ticket.TypeQUESTION, Priority: ticket.PriorityP4,
		Channel: ticket.ChannelPORTAL, Module: "Warehouse",
	})
	return err
}
