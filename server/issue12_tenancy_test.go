package main

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"supportdesk/ent"
	"supportdesk/ent/auditevent"
	"supportdesk/ent/schema/schematype"
)

// TestIssue12TenancyMatrix extends the tenancy matrix (tenancy_test.go) to calendars, audit
// rows, organisations and users, and to every administration mutation: for every seeded actor,
// what it lists and what node(id) answers, and that a foreign id is answered exactly like a
// non-existent one.
func TestIssue12TenancyMatrix(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	tenancyData(t, e, w) // tC3v is escalated to the vendor V
	c, ctx := e.app.DB.Client, trusted()
	c.Calendar.Create().SetName("V hours").SetTimeZone("Europe/Berlin").
		SetWeeklyHours([]schematype.DayHours{{Weekday: 1, Intervals: []schematype.Interval{{Start: "08:00", End: "16:00"}}}}).
		SetOrganizationID(w.orgs["V"].ID).ExecX(ctx)
	// Audit rows made through the API by several tenants' administrators.
	for _, ch := range []struct{ actor, org string }{{"P1.ADMIN", "C1"}, {"V.ADMIN", "P1"}, {"P2.ADMIN", "C3"}, {"Q.ADMIN", "D"}, {"W.ADMIN", "Q"}} {
		e.ok(e.token(w, ch.actor), opUpdateOrg, map[string]any{"id": gidOf(w.orgs[ch.org].ID), "in": map[string]any{"language": "de"}}, nil)
	}
	for _, ch := range []struct{ actor, user string }{{"P1.ADMIN", "P1.AGENT"}, {"V.ADMIN", "V.AGENT"}, {"P1.ADMIN", "C2.KEY_USER"}} {
		e.ok(e.token(w, ch.actor), opUpdateUsr, map[string]any{"id": gidOf(w.users[ch.user].ID), "in": map[string]any{"name": "renamed"}}, nil)
	}
	calendars := map[string]int{}
	for _, k := range c.Calendar.Query().AllX(ctx) {
		calendars[k.Name] = k.ID
	}
	orgOf := map[int]string{}
	for name, o := range w.orgs {
		orgOf[o.ID] = name
	}
	rows := c.AuditEvent.Query().AllX(ctx)

	visibleOrgs := map[string][]string{
		"C1": {"C1", "P1"}, "C2": {"C2", "P1"}, "C3": {"C3", "P2"}, "D": {"D", "Q"},
		"P1": {"C1", "C2", "P1", "V"}, "P2": {"C3", "P2", "V"}, "V": {"C3", "P1", "P2", "V"}, "W": {"Q", "W"}, "Q": {"D", "Q", "W"},
	}
	visibleCals := map[string][]string{
		"C1": {"C1 hours"}, "C2": {"C2 hours"}, "C3": {"C3 hours"}, "D": {"D hours"},
		"P1": {"C1 hours", "C2 hours", "V hours"}, "P2": {"C3 hours", "V hours"}, "V": {"V hours"}, "W": nil, "Q": {"D hours"},
	}
	// Audit rows: administrators and SDMs read rows owned by their organisation and the
	// customers they serve, and a vendor's the organisation rows of its partners.
	auditOwn := map[string][]string{"P1": {"P1", "C1", "C2"}, "P2": {"P2", "C3"}, "V": {"V"}, "Q": {"Q", "D"}, "W": {"W"}}
	auditOrgRows := map[string][]string{"V": {"P1", "P2"}, "W": {"Q"}}
	auditVisible := func(actor string, r *ent.AuditEvent) bool {
		org, role, _ := strings.Cut(actor, ".")
		if role != "ADMIN" && role != "SERVICE_DELIVERY_MANAGER" {
			return false
		}
		owner := orgOf[r.OrganizationID]
		return contains(auditOwn[org], owner) || (contains(auditOrgRows[org], owner) && r.ObjectType == auditevent.ObjectTypeORGANIZATION)
	}
	// One sample audit row per owner organisation and object type.
	samples := map[string]*ent.AuditEvent{}
	for _, r := range rows {
		samples[orgOf[r.OrganizationID]+"/"+string(r.ObjectType)] = r
	}

	cases := 0
	actors := make([]string, 0, len(w.users))
	for k := range w.users {
		actors = append(actors, k)
	}
	sort.Strings(actors)
	for _, actor := range actors {
		org, _, _ := strings.Cut(actor, ".")
		tok := e.token(w, actor)
		nodeVisible := func(what string, id int, want bool) {
			t.Helper()
			cases++
			r := e.do(tok, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": gidOf(id)})
			seen := len(r.Errors) == 0 && !strings.Contains(string(r.Data), "null")
			if seen != want || (!seen && (r.code() != "NOT_FOUND" || !strings.HasPrefix(r.Errors[0].Message, "Could not resolve to a node with the global id of"))) {
				t.Errorf("%s: node(%s) seen=%v want %v (%+v)", actor, what, seen, want, r.Errors)
			}
		}
		// Calendars: the list and every node.
		var cl struct {
			Calendars struct {
				Edges []struct{ Node struct{ Name string } }
			}
		}
		e.ok(tok, `{ calendars(first: 50) { edges { node { name } } } }`, nil, &cl)
		var names []string
		for _, ed := range cl.Calendars.Edges {
			names = append(names, ed.Node.Name)
		}
		sort.Strings(names)
		cases++
		if !reflect.DeepEqual(names, visibleCals[org]) {
			t.Errorf("%s lists calendars %v, want %v", actor, names, visibleCals[org])
		}
		for name, id := range calendars {
			nodeVisible(name, id, contains(visibleCals[org], name))
		}
		// Organisations and one user of each organisation.
		for name, o := range w.orgs {
			nodeVisible(name, o.ID, contains(visibleOrgs[org], name))
			user := name + ".ADMIN"
			if o.Kind == "CUSTOMER" {
				user = name + ".END_USER"
			}
			nodeVisible(user, w.users[user].ID, contains(visibleOrgs[org], name))
		}
		// Audit rows: the count of the connection and sample nodes.
		want := 0
		for _, r := range rows {
			if auditVisible(actor, r) {
				want++
			}
		}
		var ac struct{ AuditEvents struct{ TotalCount int } }
		e.ok(tok, `{ auditEvents { totalCount } }`, nil, &ac)
		cases++
		if ac.AuditEvents.TotalCount != want {
			t.Errorf("%s reads %d audit rows, want %d", actor, ac.AuditEvents.TotalCount, want)
		}
		for label, r := range samples {
			nodeVisible("audit "+label, r.ID, auditVisible(actor, r))
		}
		// Every administration mutation: a foreign id is answered exactly like a missing one.
		first := func(vis []string, cands ...string) string {
			for _, x := range cands {
				if !contains(vis, x) {
					return x
				}
			}
			t.Fatalf("%s sees every candidate", actor)
			return ""
		}
		fOrg := w.orgs[first(visibleOrgs[org], "D", "C1")].ID
		fUser := w.users[first(visibleOrgs[org], "D", "C1")+".END_USER"].ID
		fCal := calendars[first(visibleCals[org], "D hours", "C1 hours")]
		const missing = 1_000_000
		for _, m := range []struct {
			name, op string
			vars     func(id int) map[string]any
			foreign  int
			notFound bool
		}{
			{"updateOrganization", opUpdateOrg, func(id int) map[string]any {
				return map[string]any{"id": gidOf(id), "in": map[string]any{"name": "x"}}
			}, fOrg, true},
			{"updateUser", opUpdateUsr, func(id int) map[string]any {
				return map[string]any{"id": gidOf(id), "in": map[string]any{"name": "x"}}
			}, fUser, true},
			{"deactivateUser", opDeactUsr, func(id int) map[string]any { return map[string]any{"id": gidOf(id)} }, fUser, true},
			{"reactivateUser", opReactUsr, func(id int) map[string]any { return map[string]any{"id": gidOf(id)} }, fUser, true},
			{"startPasswordReset", opStartRst, func(id int) map[string]any { return map[string]any{"id": gidOf(id)} }, fUser, true},
			{"createUser", opCreateUsr, func(id int) map[string]any {
				return map[string]any{"in": map[string]any{"organizationID": gidOf(id), "email": "new@x.example", "name": "n", "role": "END_USER", "password": testPassword}}
			}, fOrg, false},
			{"createOrganization.defaultCalendarID", opCreateOrg, func(id int) map[string]any {
				return map[string]any{"in": map[string]any{"kind": "CUSTOMER", "name": "New", "defaultCalendarID": gidOf(id)}}
			}, fCal, false},
			{"updateOrganization.defaultCalendarID", opUpdateOrg, func(id int) map[string]any {
				return map[string]any{"id": gidOf(w.orgs[org].ID), "in": map[string]any{"defaultCalendarID": gidOf(id)}}
			}, fCal, false},
		} {
			cases++
			a, b := e.do(tok, m.op, m.vars(m.foreign)), e.do(tok, m.op, m.vars(m.foreign+missing))
			if len(a.Errors) == 0 || len(b.Errors) == 0 || a.code() != b.code() || a.Errors[0].Message != b.Errors[0].Message {
				t.Errorf("%s %s: foreign %+v, missing %+v", actor, m.name, a.Errors, b.Errors)
				continue
			}
			if m.notFound && a.code() != "NOT_FOUND" {
				t.Errorf("%s %s: foreign id answered %s", actor, m.name, a.code())
			}
		}
	}
	t.Logf("issue 12 tenancy matrix: %d actors, %d cases", len(actors), cases)
	if len(actors) != 32 || cases != 32*(1+5+18+1+len(samples)+8) {
		t.Errorf("matrix ran %d cases for %d actors", cases, len(actors))
	}
}
