package main

import (
	"reflect"
	"testing"
	"time"
)

const (
	opNewOrg         = `mutation($in: CreateOrganizationInput!){ createOrganization(input:$in){ organization{ id } } }`
	opNewUser        = `mutation($in: CreateUserInput!){ createUser(input:$in){ user{ id } } }`
	opCreateCalendar = `mutation($in: CalendarInput!){ createCalendar(input:$in){ calendar{ id } } }`
	opCreateContract = `mutation($in: CreateContractInput!){ createContract(input:$in){ contract{ id agreementType channels
  termsAt{ agreementType channels hypercareTier firstTrainingDay hypercareEndsOn currency levelTerms{ level monthlyMinutes rateCents } overrunPolicy } } } }`
	opChangeTerms = `mutation($in: ChangeContractTermsInput!){ changeContractTerms(input:$in){ version{ version effectiveFrom }
  contract{ termVersions{ version note terms{ levelTerms{ level rateCents monthlyMinutes } } } } } }`
	termsAtQuery = `query($id: ID!, $at: Time){ node(id:$id){ ... on Contract { termsAt(at:$at){ levelTerms{ level rateCents monthlyMinutes }
  slaTargets{ priority firstResponseMinutes resolutionMinutes } } } } }`
	ticketSLAQuery = `query($id: ID!){ node(id:$id){ ... on Ticket { sla{ firstResponse{ state elapsedMinutes } resolution{ state elapsedMinutes targetMinutes } } } } }`
)

type termsOut struct {
	AgreementType    string
	Channels         []string
	HypercareTier    string
	FirstTrainingDay *string
	HypercareEndsOn  *string
	Currency         string
	LevelTerms       []struct {
		Level          string
		MonthlyMinutes int
		RateCents      int
	}
	OverrunPolicy string
}

func (e *env) idOf(tok, op string, in map[string]any, path ...string) string {
	e.t.Helper()
	var out map[string]any
	e.ok(tok, op, map[string]any{"in": in}, &out)
	var cur any = out
	for _, p := range path {
		cur = cur.(map[string]any)[p]
	}
	return cur.(string)
}

// TestIssue12OnboardingAndVersionedTerms onboards a partner, a customer, a contract of each
// agreement type and their users through GraphQL alone, books time and reads a statement; then a
// mid-month change of terms leaves an earlier resolved ticket's SLA result and an issued statement
// unchanged, while tickets keep the terms in force when they were received.
func TestIssue12OnboardingAndVersionedTerms(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.clock.Set(time.Date(2026, 10, 5, 7, 0, 0, 0, time.UTC))
	vendor := e.token(w, "V.ADMIN")

	// The vendor onboards a partner and its first administrator.
	partner := e.idOf(vendor, opNewOrg, map[string]any{"kind": "PARTNER", "name": "Nordic ERP", "country": "DK", "timeZone": "Europe/Copenhagen"},
		"createOrganization", "organization", "id")
	e.idOf(vendor, opNewUser, map[string]any{"organizationID": partner, "email": "admin@nordic.example", "name": "Nordic Admin",
		"role": "ADMIN", "levels": []string{"L1", "L2"}, "password": testPassword}, "createUser", "user", "id")
	admin := e.login("admin@nordic.example")
	e.idOf(admin, opNewUser, map[string]any{"organizationID": partner, "email": "agent@nordic.example", "name": "Nordic Agent",
		"role": "AGENT", "levels": []string{"L1", "L2"}, "password": testPassword}, "createUser", "user", "id")
	sdm := e.idOf(admin, opNewUser, map[string]any{"organizationID": partner, "email": "sdm@nordic.example", "name": "Nordic SDM",
		"role": "SERVICE_DELIVERY_MANAGER", "password": testPassword}, "createUser", "user", "id")
	agent := e.login("agent@nordic.example")
	cal := e.idOf(admin, opCreateCalendar, map[string]any{"name": "Copenhagen", "timeZone": "Europe/Copenhagen",
		"weeklyHours": []map[string]any{
			{"weekday": 1, "intervals": []map[string]any{{"start": "08:00", "end": "16:00"}}},
			{"weekday": 2, "intervals": []map[string]any{{"start": "08:00", "end": "16:00"}}},
			{"weekday": 3, "intervals": []map[string]any{{"start": "08:00", "end": "16:00"}}},
			{"weekday": 4, "intervals": []map[string]any{{"start": "08:00", "end": "16:00"}}},
			{"weekday": 5, "intervals": []map[string]any{{"start": "08:00", "end": "16:00"}}}}}, "createCalendar", "calendar", "id")
	customer := e.idOf(admin, opNewOrg, map[string]any{"kind": "CUSTOMER", "name": "Müller Maschinenbau", "country": "DE"},
		"createOrganization", "organization", "id")
	other := e.idOf(admin, opNewOrg, map[string]any{"kind": "CUSTOMER", "name": "Havn Logistik", "country": "DK"},
		"createOrganization", "organization", "id")

	// Field-level validation: every bad field at once.
	r := e.fails(admin, opCreateContract, map[string]any{"in": map[string]any{"customerID": customer, "name": "bad", "validFrom": "2026-01-01T00:00:00Z",
		"terms": map[string]any{"agreementType": "BASIC", "currency": "", "rates": []map[string]any{{"level": "L1", "rateCents": 7000}},
			"contingents": []map[string]any{{"level": "L3", "monthlyMinutes": 60}}, "keyUserLimit": 0, "calendarID": gidOf(w.orgs["P2"].ID)}}}, "VALIDATION")
	fields, _ := r.Errors[0].Extensions["fields"].([]any)
	want := []any{"terms.keyUserLimit", "terms.calendarID", "terms.contingents[0].level", "terms.currency"}
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("fields %v, want %v (%s)", fields, want, r.Errors[0].Message)
	}
	e.fails(admin, opCreateContract, map[string]any{"in": map[string]any{"customerID": customer, "name": "basic with budgets", "validFrom": "2026-01-01T00:00:00Z",
		"terms": map[string]any{"agreementType": "BASIC", "currency": "EUR", "rates": []map[string]any{{"level": "L1", "rateCents": 7000}},
			"contingents": []map[string]any{{"level": "L1", "monthlyMinutes": 60}}}}}, "VALIDATION")
	// Another partner's customer is not one to make contracts with.
	e.fails(admin, opCreateContract, map[string]any{"in": map[string]any{"customerID": gidOf(w.orgs["C3"].ID), "name": "x", "validFrom": "2026-01-01T00:00:00Z",
		"terms": map[string]any{}}}, "NOT_FOUND")

	// One contract of each agreement type (hyper care is a period on a contract).
	seed003 := map[string]any{"agreementType": "CONTINGENT", "calendarID": cal, "currency": "EUR", "keyUserLimit": 2,
		"rates":       []map[string]any{{"level": "L1", "rateCents": 7000}, {"level": "L2", "rateCents": 8000}, {"level": "L3", "rateCents": 9000}},
		"contingents": []map[string]any{{"level": "L1", "monthlyMinutes": 480}, {"level": "L2", "monthlyMinutes": 720}, {"level": "L3", "monthlyMinutes": 720}},
		"slaTargets":  []map[string]any{{"priority": "P3", "firstResponseMinutes": 480, "resolutionMinutes": 2400}}}
	var made struct {
		CreateContract struct {
			Contract struct {
				ID, AgreementType string
				Channels          []string
				TermsAt           termsOut
			}
		}
	}
	e.ok(admin, opCreateContract, map[string]any{"in": map[string]any{"customerID": customer, "name": "Müller Contingent", "validFrom": "2026-01-01T00:00:00Z",
		"serviceManagerID": sdm, "terms": seed003}}, &made)
	contingentK := made.CreateContract.Contract
	if contingentK.AgreementType != "CONTINGENT" || len(contingentK.TermsAt.LevelTerms) != 3 || contingentK.TermsAt.LevelTerms[1].MonthlyMinutes != 720 ||
		!reflect.DeepEqual(contingentK.Channels, []string{"PORTAL", "EMAIL", "PHONE"}) || contingentK.TermsAt.OverrunPolicy != "ASK" {
		t.Fatalf("contingent contract %+v", contingentK)
	}
	for _, c := range []struct {
		terms    map[string]any
		channels []string
		endsOn   *string
	}{
		{map[string]any{"agreementType": "EXTENDED"}, []string{"PORTAL", "EMAIL", "PHONE"}, nil},
		{map[string]any{"agreementType": "BASIC"}, []string{"PORTAL", "EMAIL"}, nil},
		{map[string]any{"agreementType": "INVOICED", "currency": "DKK", "rates": []map[string]any{{"level": "L1", "rateCents": 95000}}}, []string{"PORTAL", "EMAIL", "PHONE"}, nil},
		{map[string]any{"agreementType": "BASIC", "channels": []string{"PORTAL"}, "hypercareTier": "STANDARD", "firstTrainingDay": "2026-01-31"},
			[]string{"PORTAL"}, sp("2026-04-30")},
	} {
		e.ok(admin, opCreateContract, map[string]any{"in": map[string]any{"customerID": other, "name": "Havn " + c.terms["agreementType"].(string),
			"validFrom": "2026-01-01T00:00:00Z", "terms": c.terms}}, &made)
		got := made.CreateContract.Contract.TermsAt
		if !reflect.DeepEqual(got.Channels, c.channels) || !reflect.DeepEqual(got.HypercareEndsOn, c.endsOn) {
			t.Fatalf("%v: terms %+v", c.terms, got)
		}
	}

	// The customer's key user, then work under the contingent contract.
	e.idOf(admin, opNewUser, map[string]any{"organizationID": customer, "email": "key@mueller.example", "name": "Key User",
		"role": "KEY_USER", "password": testPassword}, "createUser", "user", "id")
	key := e.login("key@mueller.example")
	e.clock.Set(time.Date(2026, 10, 15, 8, 0, 0, 0, time.UTC))
	october := e.create(key, map[string]any{"title": "October question", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	if r, en := e.book(agent, october.ID, "L1", 58, map[string]any{"workDate": "2026-10-15"}); len(r.Errors) > 0 || en.BillableMinutes != 60 || en.RateCents != 7000 {
		t.Fatalf("october booking %+v %+v", r.Errors, en)
	}
	// Monday 2 November, 08:00 Copenhagen: a question answered and resolved the same day.
	e.clock.Set(time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC))
	e.mut(admin, `mutation($k:ID!){ issueStatement(contractID:$k, month:"2026-10"){ totalCents } }`, map[string]any{"k": contingentK.ID})
	octoberTotal := e.statementTotal(key, contingentK.ID, "2026-10")
	if octoberTotal != 7000 {
		t.Fatalf("october statement %d", octoberTotal)
	}
	resolved := e.create(key, map[string]any{"title": "Posting rule", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.clock.Set(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	e.mut(agent, opComment, map[string]any{"in": map[string]any{"ticketID": resolved.ID, "body": "Received; we check the posting rule."}})
	e.clock.Set(time.Date(2026, 11, 2, 13, 0, 0, 0, time.UTC))
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": resolved.ID, "status": "RESOLVED", "resolution": "Explained"}})
	slaOf := func(id string) map[string]any {
		var out struct{ Node map[string]any }
		e.ok(agent, ticketSLAQuery, map[string]any{"id": id}, &out)
		return out.Node
	}
	resolvedSLA := slaOf(resolved.ID)
	// Tuesday 10 November: a ticket received under the old terms.
	e.clock.Set(time.Date(2026, 11, 10, 8, 0, 0, 0, time.UTC))
	before := e.create(key, map[string]any{"title": "Old terms", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})

	// Mid-month change from 16 November: L1 at 90.00 EUR with 600 minutes a month, P3 resolution
	// in 60 minutes. Not inside the issued October.
	change := map[string]any{"rates": []map[string]any{{"level": "L1", "rateCents": 9000}, {"level": "L2", "rateCents": 8000}, {"level": "L3", "rateCents": 9000}},
		"contingents": []map[string]any{{"level": "L1", "monthlyMinutes": 600}, {"level": "L2", "monthlyMinutes": 720}, {"level": "L3", "monthlyMinutes": 720}},
		"slaTargets":  []map[string]any{{"priority": "P3", "firstResponseMinutes": 30, "resolutionMinutes": 60}}}
	r = e.fails(admin, opChangeTerms, map[string]any{"in": map[string]any{"contractID": contingentK.ID, "effectiveFrom": "2026-10-20T00:00:00Z", "terms": change}}, "VALIDATION")
	if r.Errors[0].Extensions["field"] != "effectiveFrom" {
		t.Fatalf("issued month: %+v", r.Errors)
	}
	e.fails(agent, opChangeTerms, map[string]any{"in": map[string]any{"contractID": contingentK.ID, "effectiveFrom": "2026-11-16T00:00:00Z", "terms": change}}, "FORBIDDEN")
	var ch struct {
		ChangeContractTerms struct {
			Version  struct{ Version int }
			Contract struct {
				TermVersions []struct {
					Version int
					Note    string
				}
			}
		}
	}
	e.ok(admin, opChangeTerms, map[string]any{"in": map[string]any{"contractID": contingentK.ID, "effectiveFrom": "2026-11-15T23:00:00Z",
		"note": "new price list", "terms": change}}, &ch)
	if v := ch.ChangeContractTerms; v.Version.Version != 2 || len(v.Contract.TermVersions) != 2 || v.Contract.TermVersions[1].Note != "new price list" {
		t.Fatalf("versions %+v", v)
	}
	rateAt := func(at string) int {
		var out struct {
			Node struct {
				TermsAt struct {
					LevelTerms []struct {
						Level                     string
						RateCents, MonthlyMinutes int
					}
				}
			}
		}
		e.ok(admin, termsAtQuery, map[string]any{"id": contingentK.ID, "at": at}, &out)
		return out.Node.TermsAt.LevelTerms[0].RateCents
	}
	if a, b := rateAt("2026-11-15T22:59:59Z"), rateAt("2026-11-15T23:00:00Z"); a != 7000 || b != 9000 {
		t.Fatalf("terms in force: %d then %d", a, b)
	}

	// 20 November: the resolved ticket's SLA result and the issued statement are unchanged; the
	// ticket received before the change keeps the old rate, a new one gets the new rate.
	e.clock.Set(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
	if got := slaOf(resolved.ID); !reflect.DeepEqual(got, resolvedSLA) {
		t.Fatalf("resolved SLA changed: %v → %v", resolvedSLA, got)
	}
	if got := e.statementTotal(key, contingentK.ID, "2026-10"); got != octoberTotal {
		t.Fatalf("issued statement changed: %d", got)
	}
	after := e.create(key, map[string]any{"title": "New terms", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	if _, en := e.book(agent, before.ID, "L1", 60, map[string]any{"workDate": "2026-11-20"}); en.RateCents != 7000 {
		t.Fatalf("ticket received under the old terms booked at %d", en.RateCents)
	}
	if _, en := e.book(agent, after.ID, "L1", 60, map[string]any{"workDate": "2026-11-20"}); en.RateCents != 9000 {
		t.Fatalf("ticket received under the new terms booked at %d", en.RateCents)
	}
	if s := slaOf(before.ID)["sla"].(map[string]any)["resolution"].(map[string]any); s["targetMinutes"].(float64) != 2400 {
		t.Fatalf("old ticket's target %v", s)
	}
	if s := slaOf(after.ID)["sla"].(map[string]any)["resolution"].(map[string]any); s["targetMinutes"].(float64) != 60 {
		t.Fatalf("new ticket's target %v", s)
	}
	if got := e.statementTotal(key, contingentK.ID, "2026-11"); got != 7000+9000 {
		t.Fatalf("november statement %d", got)
	}
	// November's budget was fixed when November started; December's follows the new terms.
	var bal struct {
		ContingentBalance []struct {
			Level         string
			BudgetMinutes int
		}
	}
	e.ok(key, `query($k:ID!,$m:String){ contingentBalance(contractID:$k, month:$m){ level budgetMinutes } }`, map[string]any{"k": contingentK.ID, "m": "2026-11"}, &bal)
	if bal.ContingentBalance[0].BudgetMinutes != 480 {
		t.Fatalf("november budget %+v", bal)
	}
	e.ok(key, `query($k:ID!,$m:String){ contingentBalance(contractID:$k, month:$m){ level budgetMinutes } }`, map[string]any{"k": contingentK.ID, "m": "2026-12"}, &bal)
	if bal.ContingentBalance[0].BudgetMinutes != 600 {
		t.Fatalf("december budget %+v", bal)
	}
}

func (e *env) statementTotal(tok, contractID, month string) int {
	e.t.Helper()
	var out struct{ MonthlyStatement struct{ TotalCents int } }
	e.ok(tok, `query($k:ID!,$m:String!){ monthlyStatement(contractID:$k, month:$m){ totalCents } }`, map[string]any{"k": contractID, "m": month}, &out)
	return out.MonthlyStatement.TotalCents
}
