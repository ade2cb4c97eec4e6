package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"supportdesk/internal/demo"
)

// demoLogin signs a demo user in with the demo password.
func (e *env) demoLogin(email string) string {
	e.t.Helper()
	var out struct {
		Login struct{ AccessToken string } `json:"login"`
	}
	e.ok("", `mutation($e:String!,$p:String!){login(email:$e,password:$p){accessToken}}`,
		map[string]any{"e": email, "p": demo.Password}, &out)
	return out.Login.AccessToken
}

// The demo data set is made through the services the API uses and holds one contract of each
// agreement type, hyper care running on the demo's date, a KEY_USERS_ONLY customer and a key
// user who reads the contingent balance with an open overrun decision (issue 12 item 6).
func TestIssue12DemoDataSet(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC))
	var out bytes.Buffer
	if err := e.app.LoadDemo(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	printed := out.String()
	for _, want := range []string{"password for all: demo-password", "admin@nordic-erp.example", "desk@nordic-erp.example",
		"key@mueller.example", "key@becker.example", "admin@erpsoft.example"} {
		if !strings.Contains(printed, want) {
			t.Fatalf("printed logins lack %q:\n%s", want, printed)
		}
	}

	admin := e.demoLogin("admin@nordic-erp.example")
	type contractRow struct {
		ID, Name, AgreementType, IntakeModel, HypercareTier string
		Customer                                            struct{ Name string }
		TermsAt                                             struct {
			FirstTrainingDay, HypercareEndsOn *string
			ExtraKeyUsers                     int
			Channels                          []string
			LevelTerms                        []struct {
				Level          string
				RateCents      int
				MonthlyMinutes int
			}
		}
		TermVersions []struct{ Version int }
	}
	var cs struct {
		Contracts struct {
			TotalCount int
			Edges      []struct{ Node contractRow }
		}
	}
	readContracts := func() {
		e.ok(admin, `{contracts(first:20, orderBy:{field:AGREEMENT_TYPE}){totalCount edges{node{id name agreementType intakeModel hypercareTier
			customer{name} termsAt{firstTrainingDay hypercareEndsOn extraKeyUsers channels levelTerms{level rateCents monthlyMinutes}}
			termVersions{version}}}}}`, nil, &cs)
	}
	readContracts()
	if cs.Contracts.TotalCount != 5 {
		t.Fatalf("want 5 contracts, got %+v", cs.Contracts)
	}
	byCustomer := map[string]contractRow{}
	for _, ed := range cs.Contracts.Edges {
		byCustomer[ed.Node.Customer.Name] = ed.Node
	}
	type want struct{ agreement, intake, tier string }
	for name, w := range map[string]want{
		"Müller Maschinenbau GmbH": {"CONTINGENT", "PROVIDER_L1", "NONE"},
		"Havn Logistik A/S":        {"BASIC", "KEY_USER_GATED", "NONE"},
		"Fjord Fødevarer A/S":      {"EXTENDED", "KEY_USER_GATED", "STANDARD"},
		"Becker Handel GmbH":       {"EXTENDED", "KEY_USERS_ONLY", "NONE"},
		"Sønderby Tømrer ApS":      {"INVOICED", "KEY_USER_GATED", "NONE"},
	} {
		k, ok := byCustomer[name]
		if !ok || k.AgreementType != w.agreement || k.IntakeModel != w.intake || k.HypercareTier != w.tier {
			t.Fatalf("%s: want %+v, got %+v", name, w, k)
		}
	}
	// Hyper care began 30 days before the demo's date (10 Nov 2026 in Copenhagen) and runs three months.
	fjord := byCustomer["Fjord Fødevarer A/S"].TermsAt
	if fjord.FirstTrainingDay == nil || *fjord.FirstTrainingDay != "2026-10-11" || fjord.HypercareEndsOn == nil || *fjord.HypercareEndsOn != "2027-01-11" {
		t.Fatalf("hyper care: %+v", fjord)
	}
	if m := byCustomer["Müller Maschinenbau GmbH"].TermsAt.LevelTerms; len(m) != 3 ||
		m[0].Level != "L1" || m[0].MonthlyMinutes != 480 || m[0].RateCents != 7000 ||
		m[1].Level != "L2" || m[1].MonthlyMinutes != 720 || m[1].RateCents != 8000 ||
		m[2].Level != "L3" || m[2].MonthlyMinutes != 720 || m[2].RateCents != 9000 {
		t.Fatalf("seed 003 levels: %+v", m)
	}
	// Havn's terms were changed through changeContractTerms: a second version is in force.
	if h := byCustomer["Havn Logistik A/S"]; len(h.TermVersions) != 2 || h.TermsAt.ExtraKeyUsers != 1 || len(h.TermsAt.Channels) != 3 {
		t.Fatalf("Havn terms: %+v", h)
	}

	// The services left audit rows with the acting demo administrator as actor.
	var audit struct {
		AuditEvents struct {
			Edges []struct {
				Node struct {
					ObjectType, Action string
					Actor              *struct{ Email string }
				}
			}
		}
	}
	e.ok(admin, `{auditEvents(first:100, where:{objectType:CONTRACT}){edges{node{objectType action actor{email}}}}}`, nil, &audit)
	created := 0
	for _, ed := range audit.AuditEvents.Edges {
		if ed.Node.Action == "CREATE" {
			if ed.Node.Actor == nil || ed.Node.Actor.Email != "admin@nordic-erp.example" {
				t.Fatalf("contract audit row without the demo admin as actor: %+v", ed.Node)
			}
			created++
		}
	}
	if created != 5 {
		t.Fatalf("want 5 audited contract creations, got %d of %+v", created, audit)
	}

	// A demo key user signs in and reads the month's contingent: 6.5 of 8 L1 hours used, the
	// 80 % warning crossed and the overrun decision open.
	key := e.demoLogin("key@mueller.example")
	var bal struct {
		ContingentBalance []struct {
			Month, Level, Decision      string
			MonthlyMinutes, UsedMinutes int
			RemainingMinutes            int
			Warned                      bool
			OpenDecision                *struct{ Status string }
		}
	}
	e.ok(key, `query($k:ID!){contingentBalance(contractID:$k){month level decision monthlyMinutes usedMinutes remainingMinutes warned openDecision{status}}}`,
		map[string]any{"k": byCustomer["Müller Maschinenbau GmbH"].ID}, &bal)
	b := bal.ContingentBalance
	if len(b) != 3 || b[0].Month != "2026-11" || b[0].Level != "L1" || b[0].MonthlyMinutes != 480 || b[0].UsedMinutes != 390 ||
		b[0].RemainingMinutes != 90 || !b[0].Warned || b[0].OpenDecision == nil ||
		b[1].Level != "L2" || b[1].UsedMinutes != 0 || b[2].Level != "L3" || b[2].UsedMinutes != 0 {
		t.Fatalf("Müller balance: %+v", b)
	}

	// Bookings went through the billing rules: hyper care is free, INVOICED bills at least 15
	// minutes, CONTINGENT uses the level's budget.
	var tk struct {
		Tickets struct {
			Edges []struct {
				Node struct {
					Title       string
					TimeEntries struct {
						Edges []struct {
							Node struct {
								Minutes, BillableMinutes int
								Billable                 bool
							}
						}
					}
				}
			}
		}
	}
	e.ok(admin, `{tickets(first:50){edges{node{title timeEntries{edges{node{minutes billableMinutes billable}}}}}}}`, nil, &tk)
	booked := map[string][3]int{}
	for _, ed := range tk.Tickets.Edges {
		for _, te := range ed.Node.TimeEntries.Edges {
			b := booked[ed.Node.Title]
			b[0] += te.Node.Minutes
			b[1] += te.Node.BillableMinutes
			if te.Node.Billable {
				b[2]++
			}
			booked[ed.Node.Title] = b
		}
	}
	if len(booked) != 3 || booked["How do I add a new cost centre?"] != [3]int{390, 390, 2} ||
		booked["How do we post a credit note against a paid invoice?"] != [3]int{30, 0, 0} ||
		booked["Where do I change the VAT code of a customer?"] != [3]int{10, 15, 1} {
		t.Fatalf("bookings: %v", booked)
	}

	// Loading again changes nothing and prints the same logins.
	counts := func() map[string]int {
		var n struct {
			Contracts, Tickets, Calendars struct{ TotalCount int }
		}
		e.ok(admin, `{contracts{totalCount} tickets{totalCount} calendars{totalCount}}`, nil, &n)
		return map[string]int{"contracts": n.Contracts.TotalCount, "tickets": n.Tickets.TotalCount, "calendars": n.Calendars.TotalCount}
	}
	// Nine tickets; the partner sees eight: Havn's end-user question waits in the key user's triage.
	before := counts()
	var again bytes.Buffer
	if err := e.app.LoadDemo(context.Background(), &again); err != nil {
		t.Fatal(err)
	}
	if again.String() != printed {
		t.Fatalf("second load printed\n%s\nfirst\n%s", again.String(), printed)
	}
	if after := counts(); after["contracts"] != 5 || after["tickets"] != before["tickets"] || after["calendars"] != 2 || before["tickets"] != 8 {
		t.Fatalf("second load: before %v, after %v", before, after)
	}
}
