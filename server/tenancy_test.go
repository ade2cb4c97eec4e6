package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/knowledgearticle"
	"supportdesk/ent/ticket"
	"supportdesk/ent/user"
)

// tenancyData seeds one object of every kind per tenant and returns their ids by label.
func tenancyData(t *testing.T, e *env, w *world) map[string]int {
	c, ctx := e.app.DB.Client, trusted()
	ids := map[string]int{}
	n := 0
	mkTicket := func(label, org, reporter string, level ticket.Level, vendor bool) *ent.Ticket {
		n++
		tk := c.Ticket.Create().SetNumber(fmt.Sprintf("T-%03d", n)).SetTitle(label).SetType(ticket.TypeQUESTION).
			SetPriority(ticket.PriorityP3).SetChannel(ticket.ChannelPORTAL).SetLevel(level).SetVendorInvolved(vendor).
			SetReceivedAt(time.Now()).SetCustomerID(w.orgs[org].ID).SetReporterID(w.users[reporter].ID).
			SetContractID(w.contracts[org].ID).SaveX(ctx)
		ids[label] = tk.ID
		ids["ev-"+label] = c.TicketEvent.Create().SetTicketID(tk.ID).SetKind("CREATED").SaveX(ctx).ID
		return tk
	}
	tC1 := mkTicket("tC1", "C1", "C1.KEY_USER", ticket.LevelL1, false)
	mkTicket("tC1e", "C1", "C1.END_USER", ticket.LevelCUSTOMER, false)
	tC2 := mkTicket("tC2", "C2", "C2.KEY_USER", ticket.LevelL1, false)
	mkTicket("tC3", "C3", "C3.KEY_USER", ticket.LevelL2, false)
	mkTicket("tC3v", "C3", "C3.KEY_USER", ticket.LevelVENDOR, true)
	mkTicket("tD", "D", "D.KEY_USER", ticket.LevelL1, false)
	ids["cPublic"] = c.Comment.Create().SetTicketID(tC1.ID).SetAuthorID(w.users["P1.AGENT"].ID).SetBody("cPublic").SaveX(ctx).ID
	ids["cInternal"] = c.Comment.Create().SetTicketID(tC1.ID).SetAuthorID(w.users["P1.AGENT"].ID).SetBody("cInternal").SetInternal(true).SaveX(ctx).ID
	ids["cC2"] = c.Comment.Create().SetTicketID(tC2.ID).SetAuthorID(w.users["P1.AGENT"].ID).SetBody("cC2").SaveX(ctx).ID
	for _, org := range []string{"C1", "C2", "C3", "D"} {
		ids["k"+org] = w.contracts[org].ID
	}
	ids["taskP1"] = c.Task.Create().SetTitle("taskP1").SetOrganizationID(w.orgs["P1"].ID).AddTicketIDs(tC1.ID).SaveX(ctx).ID
	ids["taskV"] = c.Task.Create().SetTitle("taskV").SetOrganizationID(w.orgs["V"].ID).SaveX(ctx).ID
	for _, a := range []struct {
		org string
		vis knowledgearticle.Visibility
	}{{"P1", "PUBLIC"}, {"P1", "INTERNAL"}, {"V", "PUBLIC"}, {"V", "INTERNAL"}} {
		label := "a" + a.org + strings.ToLower(string(a.vis))
		ids[label] = c.KnowledgeArticle.Create().SetTitle(label).SetVisibility(a.vis).SetOrganizationID(w.orgs[a.org].ID).
			SetAuthorID(w.users[a.org+".AGENT"].ID).SaveX(ctx).ID
	}
	for _, u := range []string{"C1.KEY_USER", "P1.AGENT"} {
		c.Notification.Create().SetRecipientID(w.users[u].ID).SetKind("TEST").SetTitle("n" + u).ExecX(ctx)
	}
	c.TaskNote.Create().SetTaskID(ids["taskP1"]).SetAuthorID(w.users["P1.AGENT"].ID).SetBody("noteP1").ExecX(ctx)
	c.TimeEntry.Create().SetTicketID(tC1.ID).SetTicketNumber(tC1.Number).SetUserID(w.users["P1.AGENT"].ID).SetLevel("L1").SetWorkDate(time.Now()).
		SetRawMinutes(10).SetMinutes(10).SetDescription("teC1").SetCustomerID(w.orgs["C1"].ID).ExecX(ctx)
	return ids
}

// expectation lists what an actor sees, by label.
type expectation struct {
	tickets, comments, orgs, contracts, tasks, articles []string
	timeEntries                                         int
}

func sorted(xs ...string) []string {
	out := append([]string{}, xs...)
	sort.Strings(out)
	return out
}

func TestTenancyMatrix(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	ids := tenancyData(t, e, w)
	staffRoles := []user.Role{user.RoleSERVICE_DESK, user.RoleAGENT, user.RoleSERVICE_DELIVERY_MANAGER, user.RoleADMIN}
	want := map[string]expectation{
		"C1.END_USER": {tickets: sorted("tC1e"), orgs: sorted("C1", "P1"), articles: sorted("aP1public")},
		"C1.KEY_USER": {tickets: sorted("tC1", "tC1e"), comments: sorted("cPublic"), orgs: sorted("C1", "P1"),
			contracts: sorted("kC1"), articles: sorted("aP1public"), timeEntries: 1},
		"C2.END_USER": {orgs: sorted("C2", "P1"), articles: sorted("aP1public")},
		"C2.KEY_USER": {tickets: sorted("tC2"), comments: sorted("cC2"), orgs: sorted("C2", "P1"), contracts: sorted("kC2"), articles: sorted("aP1public")},
		"C3.END_USER": {orgs: sorted("C3", "P2")},
		"C3.KEY_USER": {tickets: sorted("tC3", "tC3v"), orgs: sorted("C3", "P2"), contracts: sorted("kC3")},
		"D.END_USER":  {orgs: sorted("D", "Q")},
		"D.KEY_USER":  {tickets: sorted("tD"), orgs: sorted("D", "Q"), contracts: sorted("kD")},
		"P1": {tickets: sorted("tC1", "tC2"), comments: sorted("cPublic", "cInternal", "cC2"), orgs: sorted("P1", "V", "C1", "C2"),
			contracts: sorted("kC1", "kC2"), tasks: sorted("taskP1"), articles: sorted("aP1public", "aP1internal", "aVpublic"), timeEntries: 1},
		"P2": {tickets: sorted("tC3", "tC3v"), orgs: sorted("P2", "V", "C3"), contracts: sorted("kC3"), articles: sorted("aVpublic")},
		// A vendor sees its partners, and a partner's customer only once a ticket of it was
		// escalated to the vendor (issue 12): C3 through tC3v, never C1, C2 or D.
		"V": {tickets: sorted("tC3v"), orgs: sorted("V", "P1", "P2", "C3"), tasks: sorted("taskV"),
			articles: sorted("aVpublic", "aVinternal")},
		"W": {orgs: sorted("W", "Q")},
		"Q": {tickets: sorted("tD"), orgs: sorted("Q", "W", "D"), contracts: sorted("kD")},
	}
	// Approvers see what key users see.
	for _, cu := range []string{"C1", "C2", "C3", "D"} {
		want[cu+".APPROVER"] = want[cu+".KEY_USER"]
	}
	for _, org := range []string{"P1", "P2", "V", "W", "Q"} {
		for _, r := range staffRoles {
			want[org+"."+string(r)] = want[org]
		}
		delete(want, org)
	}
	labelOf := map[int]string{}
	for l, id := range ids {
		labelOf[id] = l
	}
	for actor, exp := range want {
		tok := e.token(w, actor)
		got := e.listAll(tok)
		check := func(what string, got, want []string) {
			if len(want) == 0 {
				want = nil
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s sees %s %v, want %v", actor, what, got, want)
			}
		}
		check("tickets", got.tickets, exp.tickets)
		check("comments", got.comments, exp.comments)
		check("organizations", got.orgs, exp.orgs)
		check("contracts", got.contracts, exp.contracts)
		check("tasks", got.tasks, exp.tasks)
		check("articles", got.articles, exp.articles)
		// Users are visible exactly for the visible organisations (4 staff per provider,
		// 3 users per customer in the seeded world).
		wantUsers := 0
		for _, o := range exp.orgs {
			if w.orgs[o].Kind == "CUSTOMER" {
				wantUsers += 3
			} else {
				wantUsers += 4
			}
		}
		if got.users != wantUsers {
			t.Errorf("%s sees %d users, want %d", actor, got.users, wantUsers)
		}
		if got.timeEntries != exp.timeEntries {
			t.Errorf("%s sees %d time entries, want %d", actor, got.timeEntries, exp.timeEntries)
		}
		// Guessing ids: every object outside the expectation is NOT_FOUND by node(id).
		visible := map[string]bool{}
		for _, l := range [][]string{exp.tickets, exp.comments, exp.contracts, exp.tasks, exp.articles} {
			for _, x := range l {
				visible[x] = true
			}
		}
		for _, l := range exp.tickets {
			visible["ev-"+l] = true
		}
		for label, id := range ids {
			r := e.do(tok, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": gidOf(id)})
			seen := len(r.Errors) == 0 && !strings.Contains(string(r.Data), "null")
			if seen != visible[label] {
				t.Errorf("%s: node(%s) visible=%v want %v (%s %v)", actor, label, seen, visible[label], r.Data, r.Errors)
			}
			if !seen && r.code() != "NOT_FOUND" {
				t.Errorf("%s: node(%s) code %q, want NOT_FOUND", actor, label, r.code())
			}
		}
		// Notifications: only one's own.
		var nt struct {
			MyNotifications struct {
				Edges []struct{ Node struct{ Title string } }
			}
		}
		e.ok(tok, `{ myNotifications { edges { node { title } } } }`, nil, &nt)
		wantN := 0
		if actor == "C1.KEY_USER" || actor == "P1.AGENT" {
			wantN = 1
		}
		if len(nt.MyNotifications.Edges) != wantN || (wantN == 1 && nt.MyNotifications.Edges[0].Node.Title != "n"+actor) {
			t.Errorf("%s sees notifications %+v", actor, nt.MyNotifications.Edges)
		}
		// The similarity search ranks only what the viewer may read.
		var sim struct {
			SimilarItems []struct{ Kind, Title string }
		}
		e.ok(tok, `{ similarItems(text: "tC1 tC1e tC2 tC3 tC3v taskP1 taskV aP1public aP1internal aVpublic aVinternal", first: 50) { kind title } }`, nil, &sim)
		var simTitles []string
		for _, it := range sim.SimilarItems {
			simTitles = append(simTitles, it.Title)
		}
		sort.Strings(simTitles)
		var wantSim []string
		for _, l := range [][]string{exp.tickets, exp.tasks, exp.articles} {
			for _, x := range l {
				if x != "tD" {
					wantSim = append(wantSim, x)
				}
			}
		}
		sort.Strings(wantSim)
		if !reflect.DeepEqual(simTitles, wantSim) {
			t.Errorf("%s: similarity search finds %v, want %v", actor, simTitles, wantSim)
		}
		// Task notes travel only with visible tasks.
		var tn struct {
			Tasks struct {
				Edges []struct {
					Node struct{ Notes []struct{ Body string } }
				}
			}
		}
		e.ok(tok, `{ tasks { edges { node { notes { body } } } } }`, nil, &tn)
		notes := 0
		for _, ed := range tn.Tasks.Edges {
			notes += len(ed.Node.Notes)
		}
		if wantNotes := map[bool]int{true: 1, false: 0}[contains(exp.tasks, "taskP1")]; notes != wantNotes {
			t.Errorf("%s sees %d task notes, want %d", actor, notes, wantNotes)
		}
		// Filtering on another tenant's customer id finds nothing beyond what is visible.
		var f struct {
			Tickets struct{ TotalCount int }
		}
		e.ok(tok, `query($c:ID!){tickets(where:{customerID:$c}){totalCount}}`, map[string]any{"c": gidOf(w.orgs["C3"].ID)}, &f)
		wantC3 := 0
		for _, l := range exp.tickets {
			if strings.HasPrefix(l, "tC3") {
				wantC3++
			}
		}
		if f.Tickets.TotalCount != wantC3 {
			t.Errorf("%s: filter on C3 counts %d, want %d", actor, f.Tickets.TotalCount, wantC3)
		}
	}
	// Without a viewer nothing is readable.
	e.fails("", `{tickets{totalCount}}`, nil, "UNAUTHENTICATED")
	e.fails("", `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": gidOf(ids["tC1"])}, "UNAUTHENTICATED")
}

type seen struct {
	tickets, comments, orgs, contracts, tasks, articles []string
	timeEntries, users                                  int
}

const listAllQuery = `{
  tickets(first: 100) { totalCount edges { node { title timeEntries { totalCount } comments { edges { node { body } } } } } }
  organizations(first: 100) { totalCount edges { node { name } } }
  contracts(first: 100) { totalCount edges { node { name } } }
  tasks(first: 100) { totalCount edges { node { title } } }
  knowledgeArticles(first: 100) { totalCount edges { node { title } } }
  users(first: 100) { totalCount edges { node { name } } }
}`

func (e *env) listAll(tok string) seen {
	e.t.Helper()
	type named struct{ Name, Title, Body string }
	type conn struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				named
				TimeEntries struct{ TotalCount int }
				Comments    struct{ Edges []struct{ Node named } }
			}
		}
	}
	var out map[string]conn
	r := e.do(tok, listAllQuery, nil)
	if len(r.Errors) > 0 {
		e.t.Fatalf("listAll: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		e.t.Fatal(err)
	}
	var s seen
	labels := func(c conn) []string {
		var xs []string
		for _, ed := range c.Edges {
			xs = append(xs, ed.Node.Name+ed.Node.Title)
		}
		if len(xs) != c.TotalCount {
			e.t.Errorf("totalCount %d but %d edges", c.TotalCount, len(xs))
		}
		sort.Strings(xs)
		return xs
	}
	s.tickets = labels(out["tickets"])
	for _, ed := range out["tickets"].Edges {
		s.timeEntries += ed.Node.TimeEntries.TotalCount
		for _, c := range ed.Node.Comments.Edges {
			s.comments = append(s.comments, c.Node.Body)
		}
	}
	sort.Strings(s.comments)
	s.orgs = labels(out["organizations"])
	s.contracts = labels(out["contracts"])
	s.tasks = labels(out["tasks"])
	s.articles = labels(out["knowledgeArticles"])
	s.users = len(labels(out["users"]))
	return s
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
