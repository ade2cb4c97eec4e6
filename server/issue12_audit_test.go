package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"supportdesk/ent/auditevent"
)

type auditRow struct {
	ObjectType, ObjectID, Action string
	Before, After                map[string]any
	Actor                        *struct{ Email string }
}

const opAudit = `query($w: AuditEventWhereInput, $first: Int){ auditEvents(where:$w, first:$first){ totalCount edges{ node{ objectType objectID action before after actor{ email } } } } }`

func (e *env) audit(tok string, where map[string]any) (int, []auditRow) {
	e.t.Helper()
	var out struct {
		AuditEvents struct {
			TotalCount int
			Edges      []struct{ Node auditRow }
		}
	}
	e.ok(tok, opAudit, map[string]any{"w": where, "first": 100}, &out)
	rows := make([]auditRow, 0, len(out.AuditEvents.Edges))
	for _, ed := range out.AuditEvents.Edges {
		rows = append(rows, ed.Node)
	}
	return out.AuditEvents.TotalCount, rows
}

func TestIssue12AuditTrail(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c, ctx := e.app.DB.Client, trusted()
	p1Admin := e.token(w, "P1.ADMIN")
	endUser := gidOf(w.users["C1.END_USER"].ID)
	e.ok(p1Admin, opUpdateUsr, map[string]any{"id": endUser, "in": map[string]any{"role": "APPROVER"}}, nil)
	e.ok(p1Admin, opUpdateUsr, map[string]any{"id": endUser, "in": map[string]any{"name": "Anna"}}, nil)
	e.ok(e.token(w, "C1.KEY_USER"), opChangePw, map[string]any{"c": testPassword, "n": "new-password-1"}, nil)
	e.ok(p1Admin, opUpdateOrg, map[string]any{"id": gidOf(w.orgs["C1"].ID), "in": map[string]any{"timeZone": "Europe/Copenhagen"}}, nil)
	e.ok(p1Admin, `mutation($id:ID!){ updateCalendar(id:$id, input:{name:"C1 service hours"}){ calendar{ name } } }`,
		map[string]any{"id": gidOf(*w.contracts["C1"].CalendarID)}, nil)
	// Issuing a statement is recorded too.
	e.clock.Set(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	e.ok(p1Admin, `mutation($k:ID!){ issueStatement(contractID:$k, month:"2026-11"){ totalCents } }`, map[string]any{"k": gidOf(w.contracts["C1"].ID)}, nil)

	// Filter by object: newest first, before and after of the changed fields only.
	n, rows := e.audit(p1Admin, map[string]any{"objectType": "USER", "objectID": endUser})
	if n != 3 || len(rows) != 3 || rows[0].Action != "UPDATE" || rows[2].Action != "CREATE" || rows[2].Actor != nil {
		t.Fatalf("user trail %d %+v", n, rows)
	}
	if b, _ := json.Marshal(rows[0].Before); string(b) != `{"name":"C1.END_USER"}` || rows[0].After["name"] != "Anna" ||
		rows[0].Actor.Email != w.users["P1.ADMIN"].Email {
		t.Fatalf("name change %+v", rows[0])
	}
	if b, _ := json.Marshal(rows[1]); string(b) != `{"ObjectType":"USER","ObjectID":"`+endUser+`","Action":"UPDATE","Before":{"can_approve":false,"role":"END_USER"},"After":{"can_approve":true,"role":"APPROVER"},"Actor":{"Email":"P1.ADMIN@test.example"}}` {
		t.Fatalf("role change %s", b)
	}
	// A password change says that the password changed, never the hash.
	_, rows = e.audit(p1Admin, map[string]any{"objectID": gidOf(w.users["C1.KEY_USER"].ID), "action": "UPDATE"})
	if len(rows) != 1 || rows[0].After["password_hash"] != "[redacted]" || rows[0].Before["password_hash"] != "[redacted]" ||
		rows[0].Actor.Email != w.users["C1.KEY_USER"].Email {
		t.Fatalf("password change %+v", rows)
	}
	_, rows = e.audit(p1Admin, map[string]any{"objectType": "ORGANIZATION", "action": "UPDATE"})
	if len(rows) != 1 || rows[0].Before["time_zone"] != "UTC" || rows[0].After["time_zone"] != "Europe/Copenhagen" {
		t.Fatalf("organisation change %+v", rows)
	}
	_, rows = e.audit(p1Admin, map[string]any{"objectType": "CALENDAR", "action": "UPDATE"})
	if len(rows) != 1 || rows[0].After["name"] != "C1 service hours" {
		t.Fatalf("calendar change %+v", rows)
	}
	_, rows = e.audit(p1Admin, map[string]any{"objectType": "STATEMENT"})
	if len(rows) != 1 || rows[0].Action != "ISSUE" || rows[0].After["month"] != "2026-11" {
		t.Fatalf("statement issue %+v", rows)
	}
	// Filters by actor and time range.
	n, _ = e.audit(p1Admin, map[string]any{"actorID": gidOf(w.users["P1.ADMIN"].ID)})
	if n != 5 {
		t.Fatalf("rows by P1.ADMIN: %d", n)
	}
	n, _ = e.audit(p1Admin, map[string]any{"createdAtGT": time.Now().Add(time.Hour).Format(time.RFC3339)})
	if n != 0 {
		t.Fatalf("rows in the future: %d", n)
	}
	// SDMs read it too; agents and customers read nothing; another partner none of P1's.
	if n, _ := e.audit(e.token(w, "P1.SERVICE_DELIVERY_MANAGER"), map[string]any{"actorID": gidOf(w.users["P1.ADMIN"].ID)}); n != 5 {
		t.Fatalf("SDM reads %d", n)
	}
	for _, who := range []string{"P1.AGENT", "C1.KEY_USER", "C1.APPROVER", "P2.ADMIN", "V.ADMIN"} {
		if n, _ := e.audit(e.token(w, who), map[string]any{"actorID": gidOf(w.users["P1.ADMIN"].ID)}); n != 0 {
			t.Errorf("%s reads %d of P1's rows", who, n)
		}
	}
	// Append-only: not even the trusted bypass changes or deletes a row; no mutation exposes it.
	row := c.AuditEvent.Query().FirstX(ctx)
	if err := c.AuditEvent.UpdateOne(row).Exec(ctx); err == nil {
		t.Fatal("audit row updated")
	}
	if err := c.AuditEvent.DeleteOne(row).Exec(ctx); err == nil {
		t.Fatal("audit row deleted")
	}
	if _, err := c.AuditEvent.Delete().Where(auditevent.ID(row.ID)).Exec(ctx); err == nil {
		t.Fatal("audit rows deleted")
	}
	var schema struct {
		Schema struct {
			MutationType struct{ Fields []struct{ Name string } }
		} `json:"__schema"`
	}
	if r := e.do(p1Admin, `{ __schema { mutationType { fields { name } } } }`, nil); len(r.Errors) == 0 {
		_ = json.Unmarshal(r.Data, &schema)
		for _, f := range schema.Schema.MutationType.Fields {
			if strings.Contains(strings.ToLower(f.Name), "audit") {
				t.Fatalf("mutation %s touches the audit trail", f.Name)
			}
		}
	}
}
