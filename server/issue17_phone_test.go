package main

import (
	"testing"
	"time"

	"supportdesk/graph/gid"
)

const (
	opRegisterCall = `mutation($in: RegisterCallInput!){ registerCall(input:$in){
		ticket{ id number channel type receivedAt outsidePhoneHours reporter{ email } customer{ name } contract{ name } }
		covered uncoveredReason withinPhoneHours } }`
	opSetPhoneHours = `mutation($in: SetPhoneHoursInput!){ setPhoneHours(input:$in){ organization{ name phoneHoursCalendar{ id name } } } }`
)

type callOut struct {
	Ticket struct {
		ID, Number, Channel, Type, ReceivedAt string
		OutsidePhoneHours                     bool
		Reporter                              struct{ Email string }
		Customer                              struct{ Name string }
		Contract                              *struct{ Name string }
	}
	Covered          bool
	UncoveredReason  *string
	WithinPhoneHours bool
}

// call registers a call for customer cu by P1's service desk; receivedAt may be "".
func (e *env) call(w *world, cu string, in map[string]any, receivedAt string) callOut {
	e.t.Helper()
	in["customerID"] = gid.Encode(w.orgs[cu].ID)
	in["reporterID"] = gid.Encode(w.users[cu+".END_USER"].ID)
	if receivedAt != "" {
		in["receivedAt"] = receivedAt
	}
	var out struct{ RegisterCall callOut }
	e.ok(e.token(w, "P1.SERVICE_DESK"), opRegisterCall, map[string]any{"in": in}, &out)
	return out.RegisterCall
}

func question(title string) map[string]any {
	return map[string]any{"title": title, "type": "QUESTION", "priority": "P3"}
}

func phoneIncident() map[string]any {
	in := incidentInput()
	delete(in, "channel")
	return in
}

// seed003PhoneHours gives P1 the phone hours of seed 003 (Monday to Friday 10–16, Berlin)
// through the API and returns the calendar's id.
func (e *env) seed003PhoneHours(w *world) string {
	e.t.Helper()
	admin := e.token(w, "P1.ADMIN")
	days := []map[string]any{}
	for d := 1; d <= 5; d++ {
		days = append(days, map[string]any{"weekday": d, "intervals": []map[string]any{{"start": "10:00", "end": "16:00"}}})
	}
	cal := e.idOf(admin, opCreateCalendar, map[string]any{"name": "Phone hours", "timeZone": "Europe/Berlin", "weeklyHours": days},
		"createCalendar", "calendar", "id")
	var out struct {
		SetPhoneHours struct {
			Organization struct {
				Name               string
				PhoneHoursCalendar *struct{ ID, Name string }
			}
		}
	}
	e.ok(admin, opSetPhoneHours, map[string]any{"in": map[string]any{"calendarID": cal}}, &out)
	if o := out.SetPhoneHours.Organization; o.Name != "P1" || o.PhoneHoursCalendar == nil || o.PhoneHoursCalendar.ID != cal ||
		o.PhoneHoursCalendar.Name != "Phone hours" {
		e.t.Fatalf("setPhoneHours: %+v", o)
	}
	return cal
}

// TestIssue17PhoneHoursSetting: only a provider's administrator sets its phone hours, only to a
// calendar of its own; null removes them.
func TestIssue17PhoneHoursSetting(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	cal := e.seed003PhoneHours(w)
	set := func(tok string, id any) *gqlResponse {
		return e.do(tok, opSetPhoneHours, map[string]any{"in": map[string]any{"calendarID": id}})
	}
	for _, who := range []string{"P1.SERVICE_DESK", "P1.AGENT", "C1.KEY_USER"} {
		if r := set(e.token(w, who), cal); r.code() != "FORBIDDEN" {
			t.Fatalf("%s: %+v", who, r.Errors)
		}
	}
	if r := set("", cal); r.code() != "UNAUTHENTICATED" {
		t.Fatalf("anonymous: %+v", r.Errors)
	}
	// P2's administrator cannot use P1's calendar (it does not even see it).
	if r := set(e.token(w, "P2.ADMIN"), cal); r.code() != "VALIDATION" || r.Errors[0].Extensions["fields"].([]any)[0] != "calendarID" {
		t.Fatalf("foreign calendar: %+v", r.Errors)
	}
	var out struct {
		SetPhoneHours struct {
			Organization struct{ PhoneHoursCalendar *struct{ ID string } }
		}
	}
	e.ok(e.token(w, "P1.ADMIN"), opSetPhoneHours, map[string]any{"in": map[string]any{"calendarID": nil}}, &out)
	if out.SetPhoneHours.Organization.PhoneHoursCalendar != nil {
		t.Fatalf("cleared phone hours still set: %+v", out)
	}
	// Without phone hours a Saturday-night call is within them.
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetAgreementType("EXTENDED").
		SetChannels([]string{"PORTAL", "EMAIL", "PHONE"}).ExecX(trusted())
	e.clock.Set(time.Date(2026, 11, 14, 23, 0, 0, 0, time.UTC))
	if c := e.call(w, "C1", question("Saturday night"), ""); !c.Covered || c.UncoveredReason != nil || !c.WithinPhoneHours || c.Ticket.OutsidePhoneHours {
		t.Fatalf("call without phone hours: %+v", c)
	}
}

// TestIssue17PhoneIntake registers calls inside and outside P1's phone hours, on a contract
// with and without the PHONE channel, and books time on them: uncovered non-incidents are
// accepted and billed under INVOICED rules (at least 15 minutes), incidents never refused and
// never uncovered work (SPEC 12.1).
func TestIssue17PhoneIntake(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.seed003PhoneHours(w)
	// C1: EXTENDED with phone; C2 keeps the seeded BASIC contract without phone.
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetAgreementType("EXTENDED").
		SetChannels([]string{"PORTAL", "EMAIL", "PHONE"}).ExecX(trusted())
	// Wednesday 11 November 2026, 18:00 UTC = 19:00 in Berlin, after phone hours.
	e.clock.Set(time.Date(2026, 11, 11, 18, 0, 0, 0, time.UTC))
	inside := "2026-11-11T10:30:00Z"  // 11:30 Berlin
	outside := "2026-11-11T15:05:00Z" // 16:05 Berlin, five minutes after the phone closed
	edge := "2026-11-11T09:00:00Z"    // 10:00 Berlin, the phone has just opened

	type want struct {
		covered bool
		reason  string
		within  bool
	}
	check := func(name string, c callOut, wt want) {
		t.Helper()
		reason := ""
		if c.UncoveredReason != nil {
			reason = *c.UncoveredReason
		}
		if c.Covered != wt.covered || reason != wt.reason || c.WithinPhoneHours != wt.within || c.Ticket.OutsidePhoneHours == wt.within ||
			c.Ticket.Channel != "PHONE" || c.Ticket.Reporter.Email == "" || c.Ticket.Contract == nil {
			t.Fatalf("%s: got %+v, want %+v", name, c, wt)
		}
	}
	qIn := e.call(w, "C1", question("How do I post?"), inside)
	check("question inside hours", qIn, want{true, "", true})
	if qIn.Ticket.ReceivedAt != inside || qIn.Ticket.Reporter.Email != "C1.END_USER@test.example" || qIn.Ticket.Customer.Name != "C1" {
		t.Fatalf("registered call: %+v", qIn.Ticket)
	}
	check("question at opening", e.call(w, "C1", question("Right at ten"), edge), want{true, "", true})
	qOut := e.call(w, "C1", question("After hours"), outside)
	check("question outside hours", qOut, want{false, "OUTSIDE_PHONE_HOURS", false})
	qNow := e.call(w, "C1", question("Now, in the evening"), "")
	check("question now (evening)", qNow, want{false, "OUTSIDE_PHONE_HOURS", false})
	iOut := e.call(w, "C1", phoneIncident(), outside)
	check("incident outside hours", iOut, want{true, "", false})
	if iOut.Ticket.Type != "INCIDENT" {
		t.Fatalf("incident: %+v", iOut.Ticket)
	}
	// C2's BASIC contract has no phone: covered never, whatever the hour; incidents still are.
	noPhone := e.call(w, "C2", question("Basic customer calls"), inside)
	check("question without phone", noPhone, want{false, "CHANNEL_NOT_COVERED", true})
	check("question without phone, outside hours", e.call(w, "C2", question("Basic, late"), outside),
		want{false, "CHANNEL_NOT_COVERED", false})
	check("incident without phone", e.call(w, "C2", phoneIncident(), outside), want{true, "", false})
	idea := question("Idea by phone")
	idea["type"] = "PRODUCT_IDEA"
	check("product idea outside hours", e.call(w, "C1", idea, outside), want{true, "", false})

	// Billing: five minutes on each; uncovered work bills 15, covered work and incidents nothing.
	agent := e.token(w, "P1.AGENT")
	for _, c := range []struct {
		name     string
		id       string
		billable bool
		billed   int
	}{{"inside", qIn.Ticket.ID, false, 0}, {"outside", qOut.Ticket.ID, true, 15}, {"no phone", noPhone.Ticket.ID, true, 15},
		{"incident outside", iOut.Ticket.ID, false, 0}} {
		r, en := e.book(agent, c.id, "L1", 5, nil)
		if len(r.Errors) > 0 || en.Minutes != 5 || en.Billable != c.billable || en.BillableMinutes != c.billed {
			t.Fatalf("booking on %s: %+v %+v", c.name, en, r.Errors)
		}
	}
	// A second booking of 20 minutes on the uncovered call raises it to 25 in all: 10 more.
	if r, en := e.book(agent, qOut.Ticket.ID, "L1", 20, nil); len(r.Errors) > 0 || en.BillableMinutes != 10 || !en.Billable {
		t.Fatalf("second booking: %+v %+v", en, r.Errors)
	}

	// The same rules reach a phone ticket raised through createTicket.
	var ct struct {
		CreateTicket struct {
			Ticket struct {
				Channel           string
				OutsidePhoneHours bool
			}
		}
	}
	e.ok(e.token(w, "P1.SERVICE_DESK"), `mutation($in: CreateTicketInput!){ createTicket(input:$in){ ticket{ channel outsidePhoneHours } } }`,
		map[string]any{"in": map[string]any{"customerID": gid.Encode(w.orgs["C1"].ID), "reporterID": gid.Encode(w.users["C1.KEY_USER"].ID),
			"title": "Via createTicket", "type": "QUESTION", "priority": "P3", "channel": "PHONE", "receivedAt": outside}}, &ct)
	if ct.CreateTicket.Ticket.Channel != "PHONE" || !ct.CreateTicket.Ticket.OutsidePhoneHours {
		t.Fatalf("createTicket by phone: %+v", ct)
	}
}

// TestIssue17PhoneRules: the mandatory fields of a ticket apply to a call, only provider staff
// register calls, and refusal exists only as the explicit contract setting, never for incidents.
func TestIssue17PhoneRules(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.seed003PhoneHours(w)
	e.clock.Set(time.Date(2026, 11, 11, 18, 0, 0, 0, time.UTC))
	desk := e.token(w, "P1.SERVICE_DESK")
	base := func(in map[string]any) map[string]any {
		in["customerID"] = gid.Encode(w.orgs["C1"].ID)
		in["reporterID"] = gid.Encode(w.users["C1.END_USER"].ID)
		return in
	}
	// An incident without its mandatory fields.
	r := e.fails(desk, opRegisterCall, map[string]any{"in": base(map[string]any{"title": "Broken", "type": "INCIDENT", "priority": "P2"})}, "VALIDATION")
	if f := r.Errors[0].Extensions["fields"].([]any); len(f) != 5 || f[0] != "module" {
		t.Fatalf("incident fields: %+v", r.Errors)
	}
	// No reporter, a reporter of another customer, a customer P1 does not serve, a customer user.
	in := base(question("No reporter"))
	delete(in, "reporterID")
	e.fails(desk, opRegisterCall, map[string]any{"in": in}, "GRAPHQL_VALIDATION_FAILED")
	in = base(question("Foreign reporter"))
	in["reporterID"] = gid.Encode(w.users["C2.END_USER"].ID)
	e.fails(desk, opRegisterCall, map[string]any{"in": in}, "VALIDATION")
	in = base(question("Foreign customer"))
	in["customerID"] = gid.Encode(w.orgs["C3"].ID)
	in["reporterID"] = gid.Encode(w.users["C3.END_USER"].ID)
	e.fails(desk, opRegisterCall, map[string]any{"in": in}, "NOT_FOUND")
	e.fails(e.token(w, "C1.KEY_USER"), opRegisterCall, map[string]any{"in": base(question("Customer registers"))}, "FORBIDDEN")
	in = base(question("From the future"))
	in["receivedAt"] = "2026-11-12T09:00:00Z"
	e.fails(desk, opRegisterCall, map[string]any{"in": in}, "VALIDATION")

	// refuseUncovered, an explicit contract setting, refuses uncovered questions (no phone at
	// all, or outside phone hours) but never an incident.
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetRefuseUncovered(true).ExecX(trusted())
	r = e.fails(desk, opRegisterCall, map[string]any{"in": base(question("Refused"))}, "VALIDATION")
	if r.Errors[0].Extensions["fields"].([]any)[0] != "channel" {
		t.Fatalf("refusal: %+v", r.Errors)
	}
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetChannels([]string{"PORTAL", "EMAIL", "PHONE"}).ExecX(trusted())
	in = base(question("Late"))
	in["receivedAt"] = "2026-11-11T15:05:00Z"
	r = e.fails(desk, opRegisterCall, map[string]any{"in": in}, "VALIDATION")
	if r.Errors[0].Extensions["fields"].([]any)[0] != "receivedAt" {
		t.Fatalf("refusal outside hours: %+v", r.Errors)
	}
	if c := e.call(w, "C1", question("In hours"), "2026-11-11T10:00:00Z"); !c.Covered {
		t.Fatalf("in hours under refuseUncovered: %+v", c)
	}
	if c := e.call(w, "C1", phoneIncident(), "2026-11-11T15:05:00Z"); !c.Covered || c.WithinPhoneHours {
		t.Fatalf("incident under refuseUncovered: %+v", c)
	}
	n, _ := e.app.DB.Client.Ticket.Query().Count(trusted())
	if n != 2 {
		t.Fatalf("%d tickets written, want 2 (refused calls leave nothing)", n)
	}
}
