package main

import (
	"reflect"
	"testing"
)

func TestSplitLinkDuplicateAndVendorHandover(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	q := e.create(key, map[string]any{"title": "Two topics", "type": "QUESTION", "priority": "P3", "channel": "EMAIL", "module": "Finance"})

	var split struct {
		SplitTicket struct {
			Original struct {
				SplitTickets []struct{ Number string }
			}
			Tickets []struct {
				Number, Title, Type, Channel string
				SplitFrom                    struct{ Number string }
				Reporter                     struct{ Email string }
			}
		}
	}
	op := `mutation($id:ID!,$p:[SplitPartInput!]!){ splitTicket(ticketID:$id, parts:$p){ original{ splitTickets{ number } }
	  tickets{ number title type channel splitFrom{ number } reporter{ email } } } }`
	e.fails(key, op, map[string]any{"id": q.ID, "p": []map[string]any{{"title": "A"}}}, "FORBIDDEN")
	e.fails(agent, op, map[string]any{"id": q.ID, "p": []map[string]any{}}, "VALIDATION")
	e.ok(agent, op, map[string]any{"id": q.ID, "p": []map[string]any{{"title": "Topic A"}, {"title": "Topic B", "type": "SERVICE_REQUEST"}}}, &split)
	got := split.SplitTicket.Tickets
	if len(got) != 2 || got[0].Number != "SD-000002" || got[1].Type != "SERVICE_REQUEST" || got[0].Channel != "EMAIL" ||
		got[0].SplitFrom.Number != q.Number || got[1].Reporter.Email != w.users["C1.KEY_USER"].Email ||
		len(split.SplitTicket.Original.SplitTickets) != 2 {
		t.Fatalf("split %+v", split.SplitTicket)
	}
	_, lines := e.history(agent, q.ID)
	if lines[len(lines)-1] != "SPLIT >SD-000002,SD-000003 by P1.AGENT" {
		t.Fatalf("split history %q", lines)
	}

	a := e.create(key, incidentInput())
	b := e.create(key, incidentInput())
	link := `mutation($a:ID!,$b:ID!){ linkTickets(ticketID:$a, otherID:$b){ ticket{ related{ number } } } }`
	e.fails(agent, link, map[string]any{"a": a.ID, "b": a.ID}, "VALIDATION")
	e.mut(agent, link, map[string]any{"a": a.ID, "b": q.ID})
	dup := `mutation($a:ID!,$b:ID!){ markDuplicate(ticketID:$a, originalID:$b){ ticket{ status duplicateOf{ number } } } }`
	e.fails(agent, dup, map[string]any{"a": b.ID, "b": gidOf(w.contracts["C1"].ID)}, "NOT_FOUND")
	e.mut(agent, dup, map[string]any{"a": b.ID, "b": a.ID})
	e.fails(agent, dup, map[string]any{"a": b.ID, "b": a.ID}, "ILLEGAL_TRANSITION")
	var orig struct {
		Node struct {
			Status     string
			Duplicates []struct{ Number, Status string }
			Related    []struct{ Number string }
		}
	}
	e.ok(key, `query($id:ID!){ node(id:$id){ ... on Ticket { status duplicates{ number status } related{ number } } } }`, map[string]any{"id": a.ID}, &orig)
	if !reflect.DeepEqual(orig.Node.Duplicates, []struct{ Number, Status string }{{b.Number, "DUPLICATE"}}) ||
		len(orig.Node.Related) != 1 || orig.Node.Related[0].Number != q.Number {
		t.Fatalf("original %+v", orig.Node)
	}

	// To the vendor: reproduction in a current standard demo system plus situation, context,
	// actions taken, findings, and the vendor's case reference (seed 002).
	esc := `mutation($in: EscalateTicketInput!){ escalateTicket(input:$in){ ticket{ level vendorInvolved vendorCaseRef } } }`
	e.mut(agent, esc, map[string]any{"in": map[string]any{"ticketID": a.ID, "level": "L2", "reason": "analysis"}})
	r := e.fails(agent, esc, map[string]any{"in": map[string]any{"ticketID": a.ID, "level": "VENDOR", "reason": "product bug"}}, "VALIDATION")
	want := []any{"vendorCaseRef", "reproducible", "findings", "environment", "situation", "context", "actionsTaken"}
	if f := r.Errors[0].Extensions["fields"]; !reflect.DeepEqual(f, want) {
		t.Fatalf("vendor gate %v", f)
	}
	e.mut(agent, opHandover, map[string]any{"in": map[string]any{"ticketID": a.ID, "reproducible": true, "environment": "STANDARD_DEMO",
		"findings": "Reproduced in demo 7.2.1", "situation": "Month-end", "context": "Invoice journal", "actionsTaken": "Cleared cache, re-posted"}})
	e.mut(agent, esc, map[string]any{"in": map[string]any{"ticketID": a.ID, "level": "VENDOR", "reason": "product bug", "vendorCaseRef": "ERP-4711"}})
	// The vendor now sees the ticket; before the escalation it did not.
	vendor := e.token(w, "V.AGENT")
	var vt struct {
		Node struct{ VendorCaseRef, Level string }
	}
	e.ok(vendor, `query($id:ID!){ node(id:$id){ ... on Ticket { vendorCaseRef level } } }`, map[string]any{"id": a.ID}, &vt)
	if vt.Node.VendorCaseRef != "ERP-4711" || vt.Node.Level != "VENDOR" {
		t.Fatalf("vendor view %+v", vt.Node)
	}
	e.fails(vendor, `query($id:ID!){ node(id:$id){ id } }`, map[string]any{"id": q.ID}, "NOT_FOUND")
	hb := `mutation($in: HandBackTicketInput!){ handBackTicket(input:$in){ ticket{ level } } }`
	e.fails(agent, hb, map[string]any{"in": map[string]any{"ticketID": a.ID, "level": "L1", "reason": "x"}}, "ILLEGAL_TRANSITION")
	e.mut(agent, hb, map[string]any{"in": map[string]any{"ticketID": a.ID, "level": "L2", "reason": "fix delivered by vendor"}})
	var fixed struct {
		ResolveAsFixedInVersion struct {
			Ticket struct{ Status, Resolution, FixedInVersion string }
		}
	}
	e.ok(agent, `mutation($id:ID!){ resolveAsFixedInVersion(ticketID:$id, version:"7.3"){ ticket{ status resolution fixedInVersion } } }`, map[string]any{"id": a.ID}, &fixed)
	if f := fixed.ResolveAsFixedInVersion.Ticket; f.Status != "RESOLVED" || f.Resolution != "Fixed in version 7.3; upgrade recommended." || f.FixedInVersion != "7.3" {
		t.Fatalf("fixed in version %+v", f)
	}
}

func TestKnowledgeBase(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	create := `mutation($in: ArticleInput!){ createArticle(input:$in){ article{ id title visibility language } } }`
	var pub, internal struct {
		CreateArticle struct {
			Article struct{ ID, Title, Visibility, Language string }
		}
	}
	e.fails(key, create, map[string]any{"in": map[string]any{"title": "x"}}, "FORBIDDEN")
	e.fails(agent, create, map[string]any{"in": map[string]any{"body": "no title"}}, "VALIDATION")
	e.ok(agent, create, map[string]any{"in": map[string]any{"title": "Create a cost centre", "body": "Open Controlling, choose cost centres, press New.",
		"module": "Controlling", "language": "en", "visibility": "PUBLIC"}}, &pub)
	e.ok(agent, create, map[string]any{"in": map[string]any{"title": "Cost centre import internals", "body": "Table CC_IMPORT, batch job.",
		"module": "Controlling", "language": "en", "visibility": "INTERNAL"}}, &internal)
	e.ok(agent, create, map[string]any{"in": map[string]any{"title": "Omkostningssted oprettes", "body": "Åbn Controlling.", "language": "da", "visibility": "PUBLIC"}}, nil)

	search := `query($t:String!,$l:String){ searchArticles(text:$t, language:$l){ title } }`
	titles := func(tok, text string, lang any) []string {
		var out struct{ SearchArticles []struct{ Title string } }
		e.ok(tok, search, map[string]any{"t": text, "l": lang}, &out)
		var ts []string
		for _, a := range out.SearchArticles {
			ts = append(ts, a.Title)
		}
		return ts
	}
	if got := titles(agent, "cost centre", "en"); !reflect.DeepEqual(got, []string{"Create a cost centre", "Cost centre import internals"}) &&
		!reflect.DeepEqual(got, []string{"Cost centre import internals", "Create a cost centre"}) {
		t.Fatalf("staff search %v", got)
	}
	if got := titles(key, "cost centre", nil); !reflect.DeepEqual(got, []string{"Create a cost centre"}) {
		t.Fatalf("customer search %v", got)
	}
	if got := titles(key, "omkostningssted", "da"); !reflect.DeepEqual(got, []string{"Omkostningssted oprettes"}) {
		t.Fatalf("danish search %v", got)
	}
	e.fails(key, search, map[string]any{"t": "a b"}, "VALIDATION")

	q := e.create(key, map[string]any{"title": "How do I add a cost centre?", "type": "QUESTION", "priority": "P4", "channel": "PORTAL"})
	send := `mutation($a:ID!,$t:ID!,$x:String!){ sendArticleToTicket(articleID:$a, ticketID:$t, explanation:$x){ comment{ body internal article{ title } } } }`
	e.fails(agent, send, map[string]any{"a": internal.CreateArticle.Article.ID, "t": q.ID, "x": "see"}, "VALIDATION")
	e.fails(agent, send, map[string]any{"a": pub.CreateArticle.Article.ID, "t": q.ID, "x": " "}, "VALIDATION")
	var sent struct {
		SendArticleToTicket struct {
			Comment struct {
				Body     string
				Internal bool
				Article  struct{ Title string }
			}
		}
	}
	e.ok(agent, send, map[string]any{"a": pub.CreateArticle.Article.ID, "t": q.ID, "x": "Hi Klaus, this article shows the three steps."}, &sent)
	c := sent.SendArticleToTicket.Comment
	if c.Internal || c.Article.Title != "Create a cost centre" || c.Body != "Hi Klaus, this article shows the three steps.\n\nKnowledge base: Create a cost centre" {
		t.Fatalf("sent article %+v", c)
	}
}

func TestCreateUserKeyUserLimit(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	admin := e.token(w, "P1.ADMIN")
	op := `mutation($in: CreateUserInput!){ createUser(input:$in){ user{ email role organization{ name } } } }`
	in := func(org, email, role string) map[string]any {
		return map[string]any{"in": map[string]any{"organizationID": gidOf(w.orgs[org].ID), "email": email, "name": "N", "role": role, "password": "long-enough-1"}}
	}
	// C1 has one key user; its contract allows two.
	e.mut(admin, op, in("C1", "second.key@test.example", "KEY_USER"))
	r := e.fails(admin, op, in("C1", "third.key@test.example", "KEY_USER"), "CONFLICT")
	if r.Errors[0].Message != "the contract allows 2 key users and the customer has 2; buy extra support contacts first" {
		t.Fatalf("limit message %q", r.Errors[0].Message)
	}
	// Approvers do not count; purchased extras raise the limit.
	e.mut(admin, op, in("C1", "second.approver@test.example", "APPROVER"))
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetExtraKeyUsers(1).ExecX(trusted())
	e.mut(admin, op, in("C1", "third.key@test.example", "KEY_USER"))
	e.fails(admin, op, in("C1", "third.key@test.example", "APPROVER"), "CONFLICT")
	e.fails(admin, op, in("C1", "staff@test.example", "AGENT"), "VALIDATION")
	e.fails(admin, op, in("C3", "x@test.example", "KEY_USER"), "NOT_FOUND")
	e.fails(e.token(w, "P1.AGENT"), op, in("C1", "y@test.example", "END_USER"), "FORBIDDEN")
	e.fails(e.token(w, "C1.KEY_USER"), op, in("C1", "z@test.example", "END_USER"), "FORBIDDEN")
	// The new key user can sign in.
	var l struct {
		Login struct{ User struct{ Email string } }
	}
	e.ok("", `mutation{ login(email:"second.key@test.example", password:"long-enough-1"){ user{ email } } }`, nil, &l)
	if l.Login.User.Email != "second.key@test.example" {
		t.Fatalf("login %+v", l)
	}
}
