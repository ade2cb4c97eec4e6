package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/organization"
	"supportdesk/ent/ticket"
	"supportdesk/ent/user"
	"supportdesk/internal/auth"
	"supportdesk/internal/demo"
	"supportdesk/internal/sla"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
)

// The frontend contract's operations (frontend-contract/operations/<client>/*.graphql) run
// against the demo data set through the real HTTP handler, each under the demo login of the
// client that uses it: queries and mutations in the order of frontendSteps on this test's
// scratch database, then every subscription over graphql-transport-ws until it delivers an
// event. An operation that no longer validates, answers with an error, or answers empty where
// the demo has data fails the test.

const opsDir = "../frontend-contract/operations"

// frontendOp is one operation of the contract, printed as a standalone document (the operation
// and the fragments it uses), as a client sends it.
type frontendOp struct {
	name, client, kind, doc string
}

// loadFrontendOps validates every document against the contract's schema and returns the
// operations by name.
func loadFrontendOps(t *testing.T) map[string]frontendOp {
	t.Helper()
	sb, err := os.ReadFile("../frontend-contract/schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(sb)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	clientOf := map[string]string{}
	var all strings.Builder
	err = filepath.WalkDir(opsDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".graphql") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		doc, perr := parser.ParseQuery(&ast.Source{Name: path, Input: string(b)})
		if perr != nil {
			return perr
		}
		client := filepath.Base(filepath.Dir(path))
		for _, op := range doc.Operations {
			if prev, dup := clientOf[op.Name]; dup || op.Name == "" {
				t.Errorf("operation %q in %s: names must be unique and present (also in %s)", op.Name, path, prev)
			}
			clientOf[op.Name] = client
		}
		if client == "fragments" && len(doc.Operations) > 0 {
			t.Errorf("%s: the fragments folder holds fragments only", path)
		}
		all.Write(b)
		all.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// One document, so fragments are shared across files and each is checked once.
	doc, errs := gqlparser.LoadQuery(schema, all.String())
	if len(errs) > 0 {
		t.Fatalf("operations do not validate against the schema: %v", errs)
	}
	frags := map[string]*ast.FragmentDefinition{}
	for _, f := range doc.Fragments {
		frags[f.Name] = f
	}
	ops := map[string]frontendOp{}
	for _, op := range doc.Operations {
		used := map[string]bool{}
		collectSpreads(op.SelectionSet, frags, used)
		var list ast.FragmentDefinitionList
		for _, f := range doc.Fragments {
			if used[f.Name] {
				list = append(list, f)
			}
		}
		var buf bytes.Buffer
		formatter.NewFormatter(&buf).FormatQueryDocument(&ast.QueryDocument{Operations: ast.OperationList{op}, Fragments: list})
		ops[op.Name] = frontendOp{name: op.Name, client: clientOf[op.Name], kind: string(op.Operation), doc: buf.String()}
	}
	return ops
}

func collectSpreads(set ast.SelectionSet, frags map[string]*ast.FragmentDefinition, used map[string]bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			collectSpreads(s.SelectionSet, frags, used)
		case *ast.InlineFragment:
			collectSpreads(s.SelectionSet, frags, used)
		case *ast.FragmentSpread:
			if !used[s.Name] {
				used[s.Name] = true
				collectSpreads(frags[s.Name].SelectionSet, frags, used)
			}
		}
	}
}

// Demo logins of the clients.
const (
	opDesk     = "desk@nordic-erp.example"
	opLars     = "l1@nordic-erp.example"
	opKarin    = "l2@nordic-erp.example"
	opMads     = "l3@nordic-erp.example"
	opSDM      = "sdm@nordic-erp.example"
	opAdmin    = "admin@nordic-erp.example"
	opVendor   = "admin@erpsoft.example"
	opKey      = "key@mueller.example"
	opApprover = "approver@mueller.example"
	opHavnKey  = "key@havn.example"
)

// opState holds the demo's ids and what earlier steps returned.
type opState struct {
	t    *testing.T
	vals map[string]any
	now  time.Time
}

func (s *opState) v(key string) any {
	s.t.Helper()
	v, ok := s.vals[key]
	if !ok || v == nil {
		s.t.Fatalf("no value %q (an earlier step did not save it)", key)
	}
	return v
}

// month is the current month in the Müller contract's zone (Europe/Berlin).
func (s *opState) month(offset int) string {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	n := s.now.In(berlin)
	return time.Date(n.Year(), n.Month()+time.Month(offset), 1, 0, 0, 0, 0, berlin).Format("2006-01")
}

func (s *opState) at(d time.Duration) string { return s.now.Add(d).UTC().Format(time.RFC3339) }

// opStep runs one operation as a demo user ("" sends no token) with variables built from the
// state; save stores values of the answer (dotted paths, list indexes as numbers) for later
// steps. An answer must carry data: mayBeEmpty allows an empty list or false.
type opStep struct {
	op         string
	as         string
	vars       func(s *opState) map[string]any
	save       map[string]string
	mayBeEmpty bool
	// nonEmpty lists further paths that must hold data on the demo (lists, connections).
	nonEmpty []string
}

type vars = map[string]any

// frontendSteps is the order in which the clients' queries and mutations run on the demo.
func frontendSteps() []opStep {
	idem := func(m vars) func(*opState) vars { return func(*opState) vars { return m } }
	return []opStep{
		// Common: sign in, rotate, sign out.
		{op: "Login", vars: idem(vars{"email": opKey, "password": demo.Password}), save: map[string]string{"refresh": "login.refreshToken"}},
		{op: "Refresh", vars: func(s *opState) vars { return vars{"token": s.v("refresh")} }, save: map[string]string{"refresh2": "refreshToken.refreshToken"}},
		{op: "Me", as: opKey},
		{op: "Logout", vars: func(s *opState) vars { return vars{"refreshToken": s.v("refresh2")} }},
		{op: "ChangePassword", as: "key@becker.example", vars: idem(vars{"currentPassword": demo.Password, "newPassword": "becker-password-2"})},

		// Administrator: a webhook first, so that the tickets below leave deliveries.
		{op: "RegisterWebhook", as: opAdmin, vars: idem(vars{"input": vars{"url": "https://hooks.example/supportdesk",
			"events": []string{"TICKET_CREATED", "TICKET_ESCALATED"}, "description": "ERP sync"}}), save: map[string]string{"endpoint": "registerWebhook.endpoint.id"}},
		{op: "SetEscalationRules", as: opAdmin, vars: idem(vars{"input": vars{
			"escalations": []vars{{"from": "L1", "to": []string{"L2"}}, {"from": "L2", "to": []string{"L3", "L4", "VENDOR"}}, {"from": "L3", "to": []string{"L4", "VENDOR"}}, {"from": "L4", "to": []string{"VENDOR"}}},
			"handBacks":   []vars{{"from": "L2", "to": []string{"L1"}}, {"from": "L3", "to": []string{"L2"}}, {"from": "L4", "to": []string{"L2", "L3"}}, {"from": "VENDOR", "to": []string{"L2", "L3"}}}}})},

		// Agent SPA: the queue, a ticket, and its way through the levels.
		{op: "Queue", as: opDesk, vars: idem(vars{"first": 20, "filter": vars{"statuses": []string{"NEW", "OPEN", "IN_PROGRESS", "WAITING_FOR_CUSTOMER"}}})},
		{op: "Queue", as: opDesk, vars: func(s *opState) vars {
			return vars{"first": 20, "filter": vars{"priorities": []string{"P2"}, "customerID": s.v("org.mueller")}}
		}},
		{op: "SearchTickets", as: opDesk, vars: idem(vars{"first": 20, "where": vars{"titleContainsFold": "invoice"}, "orderBy": []vars{{"field": "NUMBER"}}})},
		{op: "TicketDetail", as: opDesk, vars: func(s *opState) vars { return vars{"id": s.v("t.incident")} }, nonEmpty: []string{"node.comments", "node.events", "node.sla"}},
		{op: "TicketByNumber", as: opDesk, vars: func(s *opState) vars { return vars{"number": s.v("n.incident")} }},
		{op: "SimilarItems", as: opDesk, vars: func(s *opState) vars {
			return vars{"text": "credit note invoice", "excludeTicketID": s.v("t.incident"), "first": 5}
		}},
		{op: "AssignableUsers", as: opDesk, vars: idem(vars{"where": vars{"roleIn": []string{"AGENT", "SERVICE_DESK"}}})},
		{op: "EscalationTargets", as: opKarin},
		{op: "CreateTicket", as: opDesk, vars: func(s *opState) vars {
			return vars{"input": vars{"customerID": s.v("org.mueller"), "reporterID": s.v("u." + opKey), "title": "Phone: label printer and report layout",
				"type": "QUESTION", "priority": "P3", "channel": "PHONE", "module": "Printing", "receivedAt": s.at(-30 * time.Minute)}}
		}, save: map[string]string{"phone": "createTicket.ticket.id"}},
		{op: "UpdateTicket", as: opDesk, vars: func(s *opState) vars {
			return vars{"id": s.v("phone"), "input": vars{"description": "Two topics: the label printer queue and the delivery note layout.", "softwareVersion": "7.2.1"}}
		}},
		{op: "AssignTicket", as: opDesk, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("t.incident"), "assigneeID": s.v("u." + opLars)}}
		}},
		{op: "ChangePriority", as: opDesk, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("phone"), "priority": "P2", "reason": "Shipping is blocked"}}
		}},
		{op: "AddComment", as: opLars, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("t.incident"), "body": "Posting log checked: FI-204 from the tax determination.", "internal": true}}
		}},
		{op: "UploadAttachment", as: opLars, vars: func(s *opState) vars { return vars{"ticketID": s.v("t.incident"), "internal": false} }},
		{op: "EscalateTicket", as: opLars, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("t.incident"), "level": "L2", "reason": "Needs a consultant's analysis"}}
		}},
		{op: "DocumentHandover", as: opKarin, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("t.incident"), "reproducible": true, "environment": "QA",
				"findings": "Tax code EU-3 lacks an account", "situation": "Month-end posting", "context": "Release 7.2.1", "actionsTaken": "Reproduced in QA"}}
		}},
		{op: "EscalateTicket", as: opKarin, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("t.incident"), "level": "L3", "reason": "Code fix needed"}}
		}},
		{op: "HandBackTicket", as: opMads, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("t.incident"), "level": "L2", "reason": "Fix planned; L2 delivers it"}}
		}},
		{op: "SplitTicket", as: opDesk, vars: func(s *opState) vars {
			return vars{"ticketID": s.v("phone"), "parts": []vars{{"title": "Label printer queue stuck"}, {"title": "Delivery note layout", "type": "QUESTION"}}}
		}, save: map[string]string{"split1": "splitTicket.tickets.0.id", "split2": "splitTicket.tickets.1.id"}},
		{op: "LinkTickets", as: opDesk, vars: func(s *opState) vars { return vars{"ticketID": s.v("phone"), "otherID": s.v("t.question")} }},
		{op: "MarkDuplicate", as: opDesk, vars: func(s *opState) vars { return vars{"ticketID": s.v("split2"), "originalID": s.v("t.question")} }},
		{op: "ChangeTicketType", as: opDesk, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("phone"), "type": "SERVICE_REQUEST", "reason": "Layout work is a service request", "billable": true}}
		}},
		{op: "ResolveAsFixedInVersion", as: opLars, vars: func(s *opState) vars { return vars{"ticketID": s.v("split1"), "version": "7.3.0"} }},
		{op: "TransitionTicket", as: opDesk, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("t.cr"), "status": "IN_PROGRESS", "reason": "Item groups received"}}
		}},
		{op: "EstimateChangeRequest", as: opKarin, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("t.cr"), "minutes": []vars{{"level": "L2", "minutes": 240}}, "priceCents": 32000}}
		}},
		{op: "BookTime", as: opLars, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("t.question"), "workDate": s.v("today"), "minutes": 20, "description": "Cost centre hierarchy check"}}
		}, save: map[string]string{"entry": "bookTime.timeEntry.id"}},
		{op: "EditTimeEntry", as: opLars, vars: func(s *opState) vars {
			return vars{"id": s.v("entry"), "input": vars{"minutes": 25, "description": "Cost centre hierarchy check and notes"}}
		}},
		{op: "DeleteTimeEntry", as: opLars, vars: func(s *opState) vars { return vars{"id": s.v("entry")} }},

		// Agent SPA: a development task from handover to release and delivery.
		{op: "CreateTask", as: opMads, vars: func(s *opState) vars {
			return vars{"input": vars{"title": "FI-204 on posting with tax code EU-3", "description": "Posting aborts in the tax determination.",
				"pageURL": "https://erp.example/finance/journal", "findings": []string{"Tax code EU-3 has no account", "Only batches with EU customers"},
				"recommendations": []string{"Default account for EU-3"}, "testResult": "FAILED", "reproducedIn": []string{"QA"},
				"assigneeID": s.v("u." + opMads), "ticketIDs": []any{s.v("t.incident")}, "watcherIDs": []any{s.v("u." + opKarin)}}}
		}, save: map[string]string{"task": "createTask.task.id"}},
		{op: "UpdateTask", as: opMads, vars: func(s *opState) vars { return vars{"id": s.v("task"), "input": vars{"testResult": "PASSED"}} }},
		{op: "AddTaskNote", as: opMads, vars: func(s *opState) vars { return vars{"taskID": s.v("task"), "body": "Fix merged into 7.2.2."} }},
		{op: "Tasks", as: opMads, vars: idem(vars{"first": 20})},
		{op: "TaskDetail", as: opMads, vars: func(s *opState) vars { return vars{"id": s.v("task")} }},
		{op: "AdvanceTask", as: opMads, vars: func(s *opState) vars { return vars{"taskID": s.v("task"), "stage": "QA"} }},
		{op: "AdvanceTask", as: opMads, vars: func(s *opState) vars { return vars{"taskID": s.v("task"), "stage": "BETA"} }},
		{op: "AdvanceTask", as: opMads, vars: func(s *opState) vars { return vars{"taskID": s.v("task"), "stage": "RELEASE", "fixVersion": "7.2.2"} }},
		{op: "DeliverFix", as: opKarin, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("t.incident"), "version": "7.2.2", "installationNotes": "Installed 7.2.2 on LIVE.", "minutes": 15}}
		}},

		// Agent SPA: the knowledge base.
		{op: "CreateArticle", as: opLars, vars: idem(vars{"input": vars{"title": "Posting error FI-204", "body": "Check the account of tax code EU-3 before posting.",
			"module": "Finance / Invoicing", "language": "en", "visibility": "PUBLIC"}}), save: map[string]string{"article": "createArticle.article.id"}},
		{op: "UpdateArticle", as: opLars, vars: func(s *opState) vars {
			return vars{"id": s.v("article"), "input": vars{"body": "Check the account of tax code EU-3 before posting; fixed in 7.2.2."}}
		}},
		{op: "KnowledgeArticles", as: opLars, vars: idem(vars{"first": 20})},
		{op: "SearchArticles", as: opLars, vars: idem(vars{"text": "posting error", "first": 5})},
		{op: "SendArticleToTicket", as: opLars, vars: func(s *opState) vars {
			return vars{"articleID": s.v("article"), "ticketID": s.v("t.incident"), "explanation": "This describes the cause and the fix."}
		}},

		// Customer portal.
		{op: "MyTickets", as: opKey, vars: idem(vars{"first": 20}), nonEmpty: []string{"tickets.edges.0.node.sla"}},
		{op: "PortalTicket", as: opKey, vars: func(s *opState) vars { return vars{"id": s.v("t.incident")} }, nonEmpty: []string{"node.comments", "node.attachments"}},
		{op: "ReportIncident", as: opKey, vars: func(s *opState) vars {
			return vars{"title": "Goods receipt cannot be booked", "priority": "P2", "module": "Warehouse", "impact": "Deliveries wait at the ramp.",
				"steps": "Goods receipt, scan delivery note, confirm.", "firstOccurredAt": s.at(-2 * time.Hour), "reproduction": "Any delivery note in the test system.",
				"softwareVersion": "7.2.1", "environment": "LIVE"}
		}},
		{op: "RaiseRequest", as: opKey, vars: idem(vars{"input": vars{"title": "How do we archive old item cards?", "type": "QUESTION", "priority": "P4", "channel": "PORTAL", "module": "Inventory"}})},
		{op: "ReplyToTicket", as: opKey, vars: func(s *opState) vars {
			return vars{"ticketID": s.v("t.cr"), "body": "Item groups 10, 20 and 35 are affected."}
		}},
		{op: "ForwardTicket", as: opHavnKey, vars: func(s *opState) vars { return vars{"ticketID": s.v("t.havnQuestion")} }},
		{op: "DecideEstimate", as: opApprover, vars: func(s *opState) vars {
			return vars{"input": vars{"ticketID": s.v("t.cr"), "approve": true, "reason": "Within budget"}}
		}},
		{op: "ConfirmResolution", as: opKey, vars: func(s *opState) vars { return vars{"ticketID": s.v("split1")} }},
		{op: "PortalArticles", as: opKey, vars: idem(vars{"text": "posting error"})},
		{op: "MyContracts", as: opKey},
		{op: "ContingentBalance", as: opKey, vars: func(s *opState) vars { return vars{"contractID": s.v("k.mueller")} },
			save: map[string]string{"contingentL1": "contingentBalance.0.id"}},
		{op: "MonthlyStatement", as: opKey, vars: func(s *opState) vars { return vars{"contractID": s.v("k.mueller"), "month": s.month(0)} },
			nonEmpty: []string{"monthlyStatement.levels", "monthlyStatement.lines"}},
		{op: "DecideOverrun", as: opApprover, vars: func(s *opState) vars {
			return vars{"contingentID": s.v("contingentL1"), "extend": true, "extraMinutes": 120}
		}},

		// Partner dashboard.
		{op: "SLAReport", as: opSDM, vars: func(s *opState) vars {
			return vars{"filter": vars{"from": s.at(-60 * 24 * time.Hour), "to": s.at(time.Hour)}, "breachesFirst": 20}
		}, nonEmpty: []string{"slaReport.groups", "slaReport.total.tickets"}},
		{op: "PartnerScorecard", as: opVendor, vars: func(s *opState) vars { return vars{"from": s.at(-60 * 24 * time.Hour), "to": s.at(time.Hour)} }},
		{op: "Contingents", as: opSDM, vars: func(s *opState) vars { return vars{"first": 20, "where": vars{"month": s.month(0)}} }},
		{op: "AuditTrail", as: opSDM, vars: idem(vars{"first": 20})},
		{op: "IssueStatement", as: opAdmin, vars: func(s *opState) vars { return vars{"contractID": s.v("k.mueller"), "month": s.month(-1)} }},

		// Administrator.
		{op: "Organizations", as: opAdmin, vars: idem(vars{"first": 20})},
		{op: "CreateOrganization", as: opAdmin, vars: func(s *opState) vars {
			return vars{"input": vars{"kind": "CUSTOMER", "name": "Nordlys Retail A/S", "country": "DK", "language": "da", "timeZone": "Europe/Copenhagen"}}
		}, save: map[string]string{"newOrg": "createOrganization.organization.id"}},
		{op: "UpdateOrganization", as: opAdmin, vars: func(s *opState) vars { return vars{"id": s.v("newOrg"), "input": vars{"name": "Nordlys Retail ApS"}} }},
		{op: "Users", as: opAdmin, vars: func(s *opState) vars { return vars{"first": 50, "where": vars{"organizationID": s.v("org.partner")}} }},
		{op: "StartPasswordReset", as: opAdmin, vars: func(s *opState) vars { return vars{"userID": s.v("u.user@mueller.example")} },
			save: map[string]string{"resetToken": "startPasswordReset.token"}},
		{op: "ResetPassword", vars: func(s *opState) vars { return vars{"token": s.v("resetToken"), "newPassword": "emil-password-2"} }},
		{op: "Contracts", as: opAdmin, vars: idem(vars{"first": 20})},
		{op: "ContractDetail", as: opAdmin, vars: func(s *opState) vars { return vars{"id": s.v("k.mueller")} }, nonEmpty: []string{"node.termVersions", "node.termsAt.levelTerms"}},
		{op: "CreateCalendar", as: opAdmin, vars: idem(vars{"input": vars{"name": "Nordlys hverdage", "timeZone": "Europe/Copenhagen", "holidayCountry": "DK",
			"weeklyHours": []vars{{"weekday": 1, "intervals": []vars{{"start": "08:00", "end": "16:00"}}}, {"weekday": 5, "intervals": []vars{{"start": "08:00", "end": "14:00"}}}}}}),
			save: map[string]string{"calendar": "createCalendar.calendar.id"}},
		{op: "UpdateCalendar", as: opAdmin, vars: func(s *opState) vars {
			return vars{"id": s.v("calendar"), "input": vars{"recurringClosedDays": []string{"12-24", "12-31"}}}
		}},
		{op: "Calendars", as: opAdmin, vars: idem(vars{"first": 20})},
		{op: "CreateContract", as: opAdmin, vars: func(s *opState) vars {
			return vars{"input": vars{"customerID": s.v("newOrg"), "name": "Nordlys Basic", "validFrom": s.at(-24 * time.Hour), "serviceManagerID": s.v("u." + opSDM),
				"terms": vars{"agreementType": "BASIC", "keyUserLimit": 2, "calendarID": s.v("calendar"), "currency": "DKK",
					"rates": []vars{{"level": "L1", "rateCents": 95000}, {"level": "L2", "rateCents": 115000}}}}}
		}, save: map[string]string{"contract": "createContract.contract.id"}},
		{op: "UpdateContract", as: opAdmin, vars: func(s *opState) vars {
			return vars{"id": s.v("contract"), "input": vars{"name": "Nordlys Basic (2 key users)"}}
		}},
		{op: "ChangeContractTerms", as: opAdmin, vars: func(s *opState) vars {
			return vars{"input": vars{"contractID": s.v("contract"), "effectiveFrom": s.at(30 * 24 * time.Hour), "note": "third key user bought", "terms": vars{"extraKeyUsers": 1}}}
		}},
		{op: "SetContractSLA", as: opAdmin, vars: func(s *opState) vars {
			return vars{"contractID": s.v("contract"), "calendarID": s.v("calendar"), "targets": []vars{
				{"priority": "P1", "firstResponseMinutes": 60, "resolutionMinutes": 480}, {"priority": "P2", "firstResponseMinutes": 120, "resolutionMinutes": 960}}}
		}},
		{op: "CreateUser", as: opAdmin, vars: func(s *opState) vars {
			return vars{"input": vars{"organizationID": s.v("newOrg"), "email": "key@nordlys.example", "name": "Nora Nøglebruger",
				"role": "KEY_USER", "canApprove": true, "password": "nordlys-password-1"}}
		}, save: map[string]string{"newUser": "createUser.user.id"}},
		{op: "UpdateUser", as: opAdmin, vars: func(s *opState) vars {
			return vars{"id": s.v("newUser"), "input": vars{"name": "Nora Nordlys", "language": "da"}}
		}},
		{op: "DeactivateUser", as: opAdmin, vars: func(s *opState) vars { return vars{"id": s.v("newUser")} }, mayBeEmpty: true},
		{op: "ReactivateUser", as: opAdmin, vars: func(s *opState) vars { return vars{"id": s.v("newUser")} }},
		{op: "WebhookEndpoints", as: opAdmin},
		{op: "WebhookDeliveries", as: opAdmin, vars: func(s *opState) vars { return vars{"endpointID": s.v("endpoint"), "first": 20} },
			save: map[string]string{"delivery": "webhookDeliveries.edges.0.node.id"}},
		{op: "RedeliverWebhook", as: opAdmin, vars: func(s *opState) vars { return vars{"deliveryID": s.v("delivery")} }},
		{op: "UpdateWebhook", as: opAdmin, vars: func(s *opState) vars { return vars{"input": vars{"id": s.v("endpoint"), "active": false}} }, mayBeEmpty: true},
		{op: "DeleteWebhook", as: opAdmin, vars: func(s *opState) vars { return vars{"id": s.v("endpoint")} }},

		// Mobile: notifications (Lars was assigned the incident above).
		{op: "MyNotifications", as: opLars, vars: idem(vars{"first": 20}), save: map[string]string{"notification": "myNotifications.edges.0.node.id"}},
		{op: "UnreadNotificationCount", as: opLars},
		{op: "MarkNotificationRead", as: opLars, vars: func(s *opState) vars { return vars{"id": s.v("notification")} }},
		{op: "MarkAllNotificationsRead", as: opLars},
		{op: "NotificationPreferences", as: opLars},
		{op: "SetNotificationPreference", as: opLars, vars: idem(vars{"input": vars{"kind": "SLA_AT_RISK", "inApp": true, "mail": true}})},

		// Intake and identity (issue 17): a call registered by the service desk, the provider's
		// phone hours, and an OpenID Connect subject linked to a partner agent.
		{op: "RegisterCall", as: opDesk, vars: func(s *opState) vars {
			return vars{"input": vars{"customerID": s.v("org.mueller"), "reporterID": s.v("u." + opKey), "title": "Phone: how to reprint a delivery note",
				"type": "QUESTION", "priority": "P3", "module": "Shipping", "receivedAt": s.at(-10 * time.Minute)}}
		}},
		{op: "SetPhoneHours", as: opAdmin, vars: func(s *opState) vars { return vars{"input": vars{"calendarID": s.v("calendar")}} }},
		{op: "LinkIdentity", as: opAdmin, vars: func(s *opState) vars {
			return vars{"input": vars{"userID": s.v("u." + opLars), "issuer": opIssuer, "subject": "lars-1"}}
		}},
		{op: "UserIdentities", as: opAdmin, vars: func(s *opState) vars { return vars{"userID": s.v("u." + opLars)} }},
		{op: "UnlinkIdentity", as: opAdmin, vars: idem(vars{"input": vars{"issuer": opIssuer, "subject": "lars-1"}})},
		{op: "SetSupportAddress", as: opAdmin, vars: func(s *opState) vars {
			return vars{"organizationID": s.v("org.partner"), "address": "Support@Nordic-ERP.example"}
		}},
		// Two mails of unknown senders wait in the review queue (delivered by the test's setup).
		{op: "MailReviewQueue", as: opDesk, vars: idem(vars{"status": "REVIEW", "first": 10}),
			save: map[string]string{"mail0": "inboundMails.edges.0.node.id", "mail1": "inboundMails.edges.1.node.id"}},
		{op: "CreateTicketFromMail", as: opDesk, vars: func(s *opState) vars {
			return vars{"mailID": s.v("mail0"), "input": vars{"customerID": s.v("org.mueller"), "reporterID": s.v("u." + opKey),
				"title": "", "type": "QUESTION", "priority": "P3", "channel": "EMAIL"}}
		}},
		{op: "DiscardInboundMail", as: opDesk, vars: func(s *opState) vars { return vars{"id": s.v("mail1"), "reason": "advertising"} }},
	}
}

// opIssuer is the OpenID Connect issuer the operations' server is configured with (for the
// partner organisation); linking needs only the configuration, no token of it is sent.
const opIssuer = "https://login.nordic-erp.example"

// subscriptionStep starts one subscription as a demo user and makes the server produce an event
// for it with trigger, repeated until an event arrives (the server registers a subscription
// shortly after the subscribe message, so the first trigger may come too early).
type subscriptionStep struct {
	op      string
	as      string
	vars    func(s *opState) map[string]any
	trigger func(r *opRunner, round int)
	// kinds are the event kinds the trigger may cause.
	kinds []string
}

func frontendSubscriptions() []subscriptionStep {
	return []subscriptionStep{
		{op: "OnQueueUpdated", as: opDesk, kinds: []string{"TICKET_CREATED"}, vars: func(*opState) vars { return vars{"filter": vars{"types": []string{"QUESTION"}}} },
			trigger: func(r *opRunner, i int) {
				r.run(opStep{op: "RaiseRequest", as: opKey, vars: func(*opState) vars {
					return vars{"input": vars{"title": fmt.Sprintf("Live question %d", i), "type": "QUESTION", "priority": "P4", "channel": "PORTAL"}}
				}})
			}},
		{op: "OnTicketUpdated", as: opKey, kinds: []string{"TICKET_UPDATED"}, vars: func(s *opState) vars { return vars{"id": s.v("t.question")} },
			trigger: func(r *opRunner, i int) {
				r.run(opStep{op: "ChangePriority", as: opDesk, vars: func(s *opState) vars {
					return vars{"input": vars{"ticketID": s.v("t.question"), "priority": []string{"P3", "P4"}[i%2], "reason": "Live update"}}
				}})
			}},
		{op: "OnTicketEvents", as: opKey, kinds: []string{"COMMENT_CREATED", "TICKET_EVENT_CREATED", "TICKET_UPDATED"}, vars: func(s *opState) vars { return vars{"id": s.v("t.incident")} },
			trigger: func(r *opRunner, i int) {
				r.run(opStep{op: "AddComment", as: opKarin, vars: func(s *opState) vars {
					return vars{"input": vars{"ticketID": s.v("t.incident"), "body": fmt.Sprintf("Status update %d", i)}}
				}})
			}},
		{op: "OnMyNotification", as: opLars, kinds: []string{"NOTIFICATION_CREATED"},
			trigger: func(r *opRunner, i int) {
				r.run(opStep{op: "CreateTicket", as: opDesk, vars: func(s *opState) vars {
					return vars{"input": vars{"customerID": s.v("org.mueller"), "reporterID": s.v("u." + opKey), "title": fmt.Sprintf("Phone call %d", i),
						"type": "QUESTION", "priority": "P4", "channel": "PHONE"}}
				}, save: map[string]string{"live": "createTicket.ticket.id"}})
				r.run(opStep{op: "AssignTicket", as: opDesk, vars: func(s *opState) vars {
					return vars{"input": vars{"ticketID": s.v("live"), "assigneeID": s.v("u." + opLars)}}
				}})
			}},
		{op: "OnSLAAlert", as: opDesk, kinds: []string{"TICKET_EVENT_CREATED"},
			trigger: func(r *opRunner, i int) {
				// An inquiry received ten days ago with a one-hour first-response target is
				// breached; the evaluator (a background job of the server) records it.
				r.run(opStep{op: "CreateTicket", as: opDesk, vars: func(s *opState) vars {
					return vars{"input": vars{"customerID": s.v("org.mueller"), "reporterID": s.v("u." + opKey), "title": fmt.Sprintf("Mail from last week %d", i),
						"type": "QUESTION", "priority": "P1", "channel": "EMAIL", "receivedAt": s.at(-10 * 24 * time.Hour)}}
				}})
				if _, err := (&sla.Evaluator{SLA: r.e.app.SLA, Log: r.e.app.Log}).EvaluateOnce(context.Background()); err != nil {
					r.t.Fatal(err)
				}
			}},
		{op: "OnContingentUpdated", as: opKey, kinds: []string{"CONTINGENT_UPDATED"}, vars: func(s *opState) vars { return vars{"contractID": s.v("k.mueller")} },
			trigger: func(r *opRunner, i int) {
				r.run(opStep{op: "BookTime", as: opLars, vars: func(s *opState) vars {
					return vars{"input": vars{"ticketID": s.v("t.question"), "workDate": s.v("today"), "minutes": 5, "description": fmt.Sprintf("Follow-up %d", i)}}
				}})
			}},
	}
}

// opRunner runs the contract's operations against one demo server.
type opRunner struct {
	t      *testing.T
	e      *env
	ops    map[string]frontendOp
	state  *opState
	ran    map[string]int
	tokens map[string]string
}

func (r *opRunner) token(email string) string {
	if tok, ok := r.tokens[email]; ok {
		return tok
	}
	tok := r.e.demoLogin(email)
	r.tokens[email] = tok
	r.state.vals["token."+email] = tok
	return tok
}

// run sends one step's operation over HTTP and checks its answer.
func (r *opRunner) run(st opStep) map[string]any {
	r.t.Helper()
	op, ok := r.ops[st.op]
	if !ok {
		r.t.Fatalf("step %s: no such operation in %s", st.op, opsDir)
	}
	var v map[string]any
	if st.vars != nil {
		v = st.vars(r.state)
	}
	tok := ""
	if st.as != "" {
		tok = r.token(st.as)
	}
	var resp *gqlResponse
	if st.op == "UploadAttachment" {
		resp = r.upload(tok, op.doc, v)
	} else {
		resp = r.e.do(tok, op.doc, v)
	}
	r.ran[st.op]++
	if len(resp.Errors) > 0 || resp.status != http.StatusOK {
		r.t.Fatalf("%s (%s, as %q): HTTP %d, errors %+v", st.op, op.client, st.as, resp.status, resp.Errors)
	}
	var data map[string]any
	if err := json.Unmarshal(resp.Data, &data); err != nil || len(data) == 0 {
		r.t.Fatalf("%s: no data: %s", st.op, resp.Data)
	}
	if !st.mayBeEmpty {
		for field, val := range data {
			if empty(val) {
				r.t.Fatalf("%s (as %q): %s answered empty on the demo data: %s", st.op, st.as, field, resp.Data)
			}
		}
	}
	for _, path := range st.nonEmpty {
		if val := lookup(data, path); empty(val) {
			r.t.Fatalf("%s (as %q): %s is empty on the demo data: %s", st.op, st.as, path, resp.Data)
		}
	}
	if r.ops[st.op].client == "customer" {
		if strings.Contains(string(resp.Data), `"internal":true`) {
			r.t.Fatalf("%s: a customer sees something internal: %s", st.op, resp.Data)
		}
	}
	for key, path := range st.save {
		val := lookup(data, path)
		if val == nil {
			r.t.Fatalf("%s: nothing at %s in %s", st.op, path, resp.Data)
		}
		r.state.vals[key] = val
	}
	return data
}

// empty reports an answer a client would show as nothing: null, false, an empty list or a
// connection without edges.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case []any:
		return len(x) == 0
	case map[string]any:
		if edges, ok := x["edges"].([]any); ok {
			return len(edges) == 0
		}
		return len(x) == 0
	}
	return false
}

func lookup(v any, path string) any {
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// upload sends UploadAttachment with the GraphQL multipart request spec and a small PNG.
func (r *opRunner) upload(tok, doc string, v map[string]any) *gqlResponse {
	r.t.Helper()
	v["file"] = nil
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": doc, "variables": v})
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0":["variables.file"]}`)
	fw, _ := mw.CreateFormFile("0", "posting-error.png")
	_, _ = fw.Write(append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, r.e.srv.URL+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		r.t.Fatal(err)
	}
	out.status = resp.StatusCode
	return &out
}

// subscribe starts a subscription and triggers events until one arrives.
func (r *opRunner) subscribe(st subscriptionStep) {
	r.t.Helper()
	op, ok := r.ops[st.op]
	if !ok || op.kind != "subscription" {
		r.t.Fatalf("%s: no such subscription in %s", st.op, opsDir)
	}
	ws, err := r.e.dialWS(r.token(st.as), nil)
	if err != nil {
		r.t.Fatalf("%s: connection_init as %s: %v", st.op, st.as, err)
	}
	defer ws.conn.CloseNow()
	var v map[string]any
	if st.vars != nil {
		v = st.vars(r.state)
	}
	next, errs := ws.subscribe("1", op.doc, v)
	r.ran[st.op]++
	deadline := time.After(30 * time.Second)
	var other []byte // the last event of another kind
	for round := 0; ; round++ {
		st.trigger(r, round)
		select {
		case raw := <-next:
			var msg struct {
				Data   map[string]map[string]any
				Errors []any
			}
			if err := json.Unmarshal(raw, &msg); err != nil || len(msg.Errors) > 0 || len(msg.Data) != 1 {
				r.t.Fatalf("%s: bad event %s", st.op, raw)
			}
			expected := true
			for _, ev := range msg.Data {
				if s, _ := ev["sequence"].(string); s == "" {
					r.t.Fatalf("%s: an event without a sequence: %s", st.op, raw)
				}
				// An earlier step's change committed before the subscription started may still
				// be on its way through the outbox (its read window grows with the rate, up to
				// 100 ms) and reach the new subscriber first: wait for the triggered kind.
				if kind, _ := ev["kind"].(string); !slices.Contains(st.kinds, kind) {
					expected = false
				}
			}
			if !expected {
				other = raw
				continue
			}
			if st.op == "OnSLAAlert" && !strings.Contains(string(raw), `"kind":"SLA_`) {
				r.t.Fatalf("%s: not an SLA history row: %s", st.op, raw)
			}
			ws.stop("1")
			return
		case raw := <-errs:
			r.t.Fatalf("%s: subscription refused: %s", st.op, raw)
		case <-ws.done:
			r.t.Fatalf("%s: socket closed with %d %s", st.op, ws.closeCode, ws.closeReason)
		case <-time.After(time.Second):
			// Not registered yet, or the event is still on its way: trigger again.
		case <-deadline:
			r.t.Fatalf("%s: no event of kind %v after %d triggers (last of another kind: %s)", st.op, st.kinds, round+1, other)
		}
	}
}

// reauthenticate sends Reauthenticate on an open socket with a fresh token of the same user,
// as a client does before its access token expires (over HTTP the server refuses it).
func (r *opRunner) reauthenticate() {
	r.t.Helper()
	ws, err := r.e.dialWS(r.token(opLars), nil)
	if err != nil {
		r.t.Fatal(err)
	}
	defer ws.conn.CloseNow()
	fresh := r.e.demoLogin(opLars)
	next, errs := ws.subscribe("r", r.ops["Reauthenticate"].doc, vars{"token": fresh})
	r.ran["Reauthenticate"]++
	select {
	case raw := <-next:
		if !strings.Contains(string(raw), `"reauthenticate":true`) {
			r.t.Fatalf("Reauthenticate: %s", raw)
		}
	case raw := <-errs:
		r.t.Fatalf("Reauthenticate refused: %s", raw)
	case <-time.After(30 * time.Second):
		r.t.Fatal("Reauthenticate: no answer")
	}
}

// demoState looks up the demo's ids by name (tickets by title, users by e-mail) and the day's
// work date in the Müller contract's zone.
func demoState(t *testing.T, e *env) *opState {
	ctx := trusted()
	c := e.app.DB.Client
	s := &opState{t: t, vals: map[string]any{}, now: e.clock.Now()}
	for key, title := range map[string]string{
		"incident": "Invoice posting fails with error FI-204", "question": "How do I add a new cost centre?",
		"cr": "New field 'customs tariff number' on item card", "havnQuestion": "Report 'stock by bin' is missing a column",
	} {
		tk := c.Ticket.Query().Where(ticket.Title(title)).OnlyX(ctx)
		s.vals["t."+key], s.vals["n."+key] = gidOf(tk.ID), tk.Number
	}
	for _, u := range c.User.Query().AllX(ctx) {
		s.vals["u."+u.Email] = gidOf(u.ID)
	}
	s.vals["org.mueller"] = gidOf(c.Organization.Query().Where(organization.Name("Müller Maschinenbau GmbH")).OnlyIDX(ctx))
	s.vals["org.partner"] = gidOf(c.Organization.Query().Where(organization.KindEQ(organization.KindPARTNER)).OnlyIDX(ctx))
	s.vals["k.mueller"] = gidOf(c.Contract.Query().Where(contract.HasCustomerWith(organization.Name("Müller Maschinenbau GmbH"))).OnlyIDX(ctx))
	berlin, _ := time.LoadLocation("Europe/Berlin")
	s.vals["today"] = s.now.In(berlin).Format("2006-01-02")
	if n := c.User.Query().Where(user.EmailIn(opDesk, opKey, opAdmin)).CountX(ctx); n != 3 {
		t.Fatalf("demo users missing: %d", n)
	}
	return s
}

// frontendDay is the demo's fixed "now": 11:00 in Berlin and Copenhagen on the first Tuesday or
// Wednesday at least two days ahead that is no fixed-date holiday of the demo calendars (Tuesdays
// and Wednesdays have no movable ones in DE-BE or DK), so SLA alerts fire inside opening hours.
// It lies in the future: a WebSocket closes when its token expires by the real clock.
func frontendDay(now time.Time) time.Time {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	d := now.In(berlin).AddDate(0, 0, 2)
	for {
		md := d.Format("01-02")
		if (d.Weekday() == time.Tuesday || d.Weekday() == time.Wednesday) &&
			!slices.Contains([]string{"01-01", "03-08", "05-01", "06-05", "10-03", "12-24", "12-25", "12-26", "12-31"}, md) {
			return time.Date(d.Year(), d.Month(), d.Day(), 11, 0, 0, 0, berlin)
		}
		d = d.AddDate(0, 0, 1)
	}
}

// TestFrontendOperations runs every operation of frontend-contract/operations against the demo
// data set under the role of its client; it fails on an operation that does not validate, has
// no step, or is not answered.
func TestFrontendOperations(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(frontendDay(time.Now()))
	if err := e.app.LoadDemo(context.Background(), &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	partner := e.app.DB.Client.Organization.Query().Where(organization.KindEQ(organization.KindPARTNER)).OnlyIDX(trusted())
	e = e.withOIDC(auth.OIDCIssuer{Issuer: opIssuer, Audience: "supportdesk", OrganizationID: partner, Claim: "sub"})
	p := e.app.DB.Client.Organization.GetX(trusted(), partner)
	for i, subject := range []string{"Offer: cheap printer toner", "Question about your ERP product"} {
		raw := fmt.Sprintf("From: Someone <someone%d@unknown.example>\r\nTo: support@nordic-erp.example\r\nSubject: %s\r\n"+
			"Message-Id: <m%d@unknown.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n", i, subject, i)
		if err := e.app.Intake.Deliver(trusted(), fmt.Sprintf("someone%d@unknown.example", i), []*ent.Organization{p}, []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	r := &opRunner{t: t, e: e, ops: loadFrontendOps(t), state: demoState(t, e), ran: map[string]int{}, tokens: map[string]string{}}
	for _, st := range frontendSteps() {
		if r.ops[st.op].kind == "subscription" {
			t.Fatalf("%s: subscriptions run in frontendSubscriptions", st.op)
		}
		r.run(st)
	}
	for _, st := range frontendSubscriptions() {
		r.subscribe(st)
	}
	r.reauthenticate()

	perClient := map[string]int{}
	var missing []string
	for name, op := range r.ops {
		perClient[op.client]++
		if r.ran[name] == 0 {
			missing = append(missing, op.client+"/"+name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("operations without a step (add them to frontendSteps or frontendSubscriptions): %v", missing)
	}
	clients := make([]string, 0, len(perClient))
	for c := range perClient {
		clients = append(clients, c)
	}
	slices.Sort(clients)
	var counts []string
	for _, c := range clients {
		counts = append(counts, fmt.Sprintf("%s %d", c, perClient[c]))
	}
	t.Logf("%d operations ran: %s", len(r.ops), strings.Join(counts, ", "))
	for _, want := range []string{"agent", "customer", "partner", "admin", "mobile", "common"} {
		if perClient[want] == 0 {
			t.Errorf("no operations for client %s", want)
		}
	}
}
