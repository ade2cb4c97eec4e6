package main

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"supportdesk/ent/auditevent"
	"supportdesk/ent/schema/schematype"
)

const (
	opCreateOrg = `mutation($in: CreateOrganizationInput!){ createOrganization(input:$in){ organization{ id name kind country language timeZone active defaultCalendarID parent{ name } } } }`
	opUpdateOrg = `mutation($id:ID!,$in: UpdateOrganizationInput!){ updateOrganization(id:$id, input:$in){ organization{ id name country language timeZone active defaultCalendarID } } }`
	opCreateUsr = `mutation($in: CreateUserInput!){ createUser(input:$in){ user{ id email role canApprove active } } }`
	opUpdateUsr = `mutation($id:ID!,$in: UpdateUserInput!){ updateUser(id:$id, input:$in){ user{ id name role levels canApprove active } } }`
	opDeactUsr  = `mutation($id:ID!){ deactivateUser(id:$id){ user{ id active } } }`
	opReactUsr  = `mutation($id:ID!){ reactivateUser(id:$id){ user{ id active } } }`
	opChangePw  = `mutation($c:String!,$n:String!){ changePassword(currentPassword:$c, newPassword:$n){ accessToken refreshToken } }`
	opStartRst  = `mutation($id:ID!){ startPasswordReset(userID:$id){ token expiresAt user{ email } } }`
	opResetPw   = `mutation($t:String!,$n:String!){ resetPassword(token:$t, newPassword:$n) }`
	opRefresh   = `mutation($t:String!){ refreshToken(token:$t){ accessToken refreshToken } }`
	opLoginFull = `mutation($e:String!,$p:String!){ login(email:$e,password:$p){ accessToken refreshToken } }`
)

type orgOut struct {
	ID, Name, Kind, Language, TimeZone string
	Country, DefaultCalendarID         *string
	Active                             bool
	Parent                             *struct{ Name string }
}

// fields asserts a VALIDATION error naming exactly the given input fields.
func (e *env) invalid(tok, op string, vars map[string]any, fields ...string) {
	e.t.Helper()
	r := e.fails(tok, op, vars, "VALIDATION")
	got, _ := r.Errors[0].Extensions["fields"].([]any)
	var names []string
	for _, f := range got {
		names = append(names, f.(string))
	}
	if strings.Join(names, ",") != strings.Join(fields, ",") {
		e.t.Fatalf("VALIDATION fields %v, want %v (%s)", names, fields, r.Errors[0].Message)
	}
}

func (e *env) session(email, password string) (access, refresh string) {
	e.t.Helper()
	var out struct {
		Login struct{ AccessToken, RefreshToken string }
	}
	e.ok("", opLoginFull, map[string]any{"e": email, "p": password}, &out)
	return out.Login.AccessToken, out.Login.RefreshToken
}

func TestIssue12Organizations(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c, ctx := e.app.DB.Client, trusted()
	vAdmin, p1Admin := e.token(w, "V.ADMIN"), e.token(w, "P1.ADMIN")
	p1Cal := c.Calendar.Create().SetName("P1 default").SetTimeZone("Europe/Copenhagen").
		SetWeeklyHours([]schematype.DayHours{{Weekday: 1, Intervals: []schematype.Interval{{Start: "08:00", End: "16:00"}}}}).
		SetOrganizationID(w.orgs["P1"].ID).SaveX(ctx)
	vCal := c.Calendar.Create().SetName("V default").SetTimeZone("Europe/Berlin").
		SetWeeklyHours([]schematype.DayHours{{Weekday: 1, Intervals: []schematype.Interval{{Start: "08:00", End: "16:00"}}}}).
		SetOrganizationID(w.orgs["V"].ID).SaveX(ctx)
	p2Cal := c.Calendar.Create().SetName("P2 default").SetTimeZone("Europe/Berlin").
		SetWeeklyHours([]schematype.DayHours{{Weekday: 1, Intervals: []schematype.Interval{{Start: "08:00", End: "16:00"}}}}).
		SetOrganizationID(w.orgs["P2"].ID).SaveX(ctx)

	// A vendor onboards a partner.
	var cp struct{ CreateOrganization struct{ Organization orgOut } }
	e.ok(vAdmin, opCreateOrg, map[string]any{"in": map[string]any{"kind": "PARTNER", "name": " Nordic ERP ", "country": "dk",
		"language": "da", "timeZone": "Europe/Copenhagen"}}, &cp)
	p := cp.CreateOrganization.Organization
	if p.Name != "Nordic ERP" || p.Kind != "PARTNER" || *p.Country != "DK" || p.Language != "da" || p.TimeZone != "Europe/Copenhagen" ||
		!p.Active || p.Parent.Name != "V" || p.DefaultCalendarID != nil {
		t.Fatalf("partner %+v", p)
	}
	// Field by field validation, all offending fields at once.
	e.invalid(vAdmin, opCreateOrg, map[string]any{"in": map[string]any{"kind": "PARTNER", "name": " ", "country": "Denmark",
		"language": "??", "timeZone": "Europe/Atlantis"}}, "name", "country", "language", "timeZone")
	e.invalid(vAdmin, opCreateOrg, map[string]any{"in": map[string]any{"kind": "VENDOR", "name": "X"}}, "kind")
	e.invalid(p1Admin, opCreateOrg, map[string]any{"in": map[string]any{"kind": "PARTNER", "name": "X"}}, "kind")
	r := e.fails(vAdmin, opCreateOrg, map[string]any{"in": map[string]any{"kind": "PARTNER", "name": "nordic erp"}}, "CONFLICT")
	if r.Errors[0].Message != `an organisation named "nordic erp" exists already` {
		t.Fatalf("conflict message %q", r.Errors[0].Message)
	}
	e.fails(e.token(w, "V.AGENT"), opCreateOrg, map[string]any{"in": map[string]any{"kind": "PARTNER", "name": "Y"}}, "FORBIDDEN")
	e.fails(e.token(w, "C1.KEY_USER"), opCreateOrg, map[string]any{"in": map[string]any{"kind": "CUSTOMER", "name": "Y"}}, "FORBIDDEN")

	// A partner onboards a customer with one of its own calendars as default; another
	// provider's calendar is refused (visible: VALIDATION; out of sight: NOT_FOUND).
	var cc struct{ CreateOrganization struct{ Organization orgOut } }
	e.ok(p1Admin, opCreateOrg, map[string]any{"in": map[string]any{"kind": "CUSTOMER", "name": "Hansen A/S",
		"defaultCalendarID": gidOf(p1Cal.ID)}}, &cc)
	cu := cc.CreateOrganization.Organization
	if cu.Kind != "CUSTOMER" || cu.Parent.Name != "P1" || *cu.DefaultCalendarID != gidOf(p1Cal.ID) || cu.TimeZone != "UTC" || cu.Language != "en" {
		t.Fatalf("customer %+v", cu)
	}
	e.invalid(p1Admin, opCreateOrg, map[string]any{"in": map[string]any{"kind": "CUSTOMER", "name": "Z", "defaultCalendarID": gidOf(vCal.ID)}}, "defaultCalendarID")
	e.fails(p1Admin, opCreateOrg, map[string]any{"in": map[string]any{"kind": "CUSTOMER", "name": "Z", "defaultCalendarID": gidOf(p2Cal.ID)}}, "NOT_FOUND")
	// A vendor serving a customer directly may create one too.
	e.ok(vAdmin, opCreateOrg, map[string]any{"in": map[string]any{"kind": "CUSTOMER", "name": "Direct GmbH", "defaultCalendarID": gidOf(vCal.ID)}}, nil)

	// Updates: the provider of a customer and the vendor of a partner; others are refused.
	var up struct{ UpdateOrganization struct{ Organization orgOut } }
	e.ok(p1Admin, opUpdateOrg, map[string]any{"id": cu.ID, "in": map[string]any{"name": "Hansen & Co A/S", "timeZone": "Europe/Copenhagen",
		"clearDefaultCalendar": true, "country": "DK"}}, &up)
	if o := up.UpdateOrganization.Organization; o.Name != "Hansen & Co A/S" || o.TimeZone != "Europe/Copenhagen" || o.DefaultCalendarID != nil || *o.Country != "DK" {
		t.Fatalf("updated %+v", o)
	}
	e.ok(vAdmin, opUpdateOrg, map[string]any{"id": gidOf(w.orgs["P1"].ID), "in": map[string]any{"language": "de"}}, nil)
	e.invalid(p1Admin, opUpdateOrg, map[string]any{"id": cu.ID, "in": map[string]any{"timeZone": "CET+1"}}, "timeZone")
	e.fails(p1Admin, opUpdateOrg, map[string]any{"id": cu.ID, "in": map[string]any{"name": "C2"}}, "CONFLICT")
	e.fails(e.token(w, "P1.AGENT"), opUpdateOrg, map[string]any{"id": cu.ID, "in": map[string]any{"name": "x"}}, "FORBIDDEN")
	e.fails(e.token(w, "C1.KEY_USER"), opUpdateOrg, map[string]any{"id": gidOf(w.orgs["C1"].ID), "in": map[string]any{"name": "x"}}, "FORBIDDEN")
	e.fails(e.token(w, "P2.ADMIN"), opUpdateOrg, map[string]any{"id": cu.ID, "in": map[string]any{"name": "x"}}, "NOT_FOUND")
	e.fails(vAdmin, opUpdateOrg, map[string]any{"id": gidOf(w.orgs["C1"].ID), "in": map[string]any{"name": "x"}}, "NOT_FOUND")
	e.invalid(p1Admin, opUpdateOrg, map[string]any{"id": gidOf(w.orgs["P1"].ID), "in": map[string]any{"active": false}}, "active")

	// Deactivating C1: its users' sessions end at the next request, refresh and login are
	// refused, staff cannot register new tickets for it, and every record stays readable.
	keyAccess, keyRefresh := e.session(w.users["C1.KEY_USER"].Email, testPassword)
	e.ok(keyAccess, `{ me { email } }`, nil, nil)
	e.ok(p1Admin, opUpdateOrg, map[string]any{"id": gidOf(w.orgs["C1"].ID), "in": map[string]any{"active": false}}, nil)
	if r := e.do(keyAccess, `{ me { email } }`, nil); r.status != 401 || r.code() != "UNAUTHENTICATED" {
		t.Fatalf("access token of a deactivated customer: %d %+v", r.status, r.Errors)
	}
	e.fails("", opRefresh, map[string]any{"t": keyRefresh}, "UNAUTHENTICATED")
	e.fails("", opLoginFull, map[string]any{"e": w.users["C1.KEY_USER"].Email, "p": testPassword}, "UNAUTHENTICATED")
	in := incidentInput()
	in["customerID"] = gidOf(w.orgs["C1"].ID)
	e.invalid(e.token(w, "P1.SERVICE_DESK"), createTicket, map[string]any{"in": in}, "customerID")
	var still struct {
		Node struct {
			Active bool
			Users  struct{ TotalCount int }
		}
	}
	e.ok(p1Admin, `query($id:ID!){ node(id:$id){ ... on Organization { active users { totalCount } } } }`, map[string]any{"id": gidOf(w.orgs["C1"].ID)}, &still)
	if still.Node.Active || still.Node.Users.TotalCount != 3 {
		t.Fatalf("deactivated customer %+v", still.Node)
	}
	// Reactivated, its users sign in again.
	e.ok(p1Admin, opUpdateOrg, map[string]any{"id": gidOf(w.orgs["C1"].ID), "in": map[string]any{"active": true}}, nil)
	e.session(w.users["C1.KEY_USER"].Email, testPassword)
}

func TestIssue12Users(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c, ctx := e.app.DB.Client, trusted()
	p1Admin := e.token(w, "P1.ADMIN")
	c1 := gidOf(w.orgs["C1"].ID)
	mk := func(email, role string) string {
		var out struct {
			CreateUser struct{ User struct{ ID string } }
		}
		e.ok(p1Admin, opCreateUsr, map[string]any{"in": map[string]any{"organizationID": c1, "email": email, "name": email,
			"role": role, "password": testPassword}}, &out)
		return out.CreateUser.User.ID
	}
	// The key-user cap (2 included, none bought) on creation, role change and reactivation.
	second := mk("k2@c1.example", "KEY_USER")
	e.fails(p1Admin, opCreateUsr, map[string]any{"in": map[string]any{"organizationID": c1, "email": "k3@c1.example", "name": "k3",
		"role": "KEY_USER", "password": testPassword}}, "CONFLICT")
	e.fails(p1Admin, opCreateUsr, map[string]any{"in": map[string]any{"organizationID": c1, "email": "C1.END_USER@test.example", "name": "dup",
		"role": "END_USER", "password": testPassword}}, "CONFLICT")
	endUser := gidOf(w.users["C1.END_USER"].ID)
	e.fails(p1Admin, opUpdateUsr, map[string]any{"id": endUser, "in": map[string]any{"role": "KEY_USER"}}, "CONFLICT")
	e.ok(p1Admin, opDeactUsr, map[string]any{"id": second}, nil)
	var uu struct {
		UpdateUser struct {
			User struct {
				Role       string
				CanApprove bool
				Levels     []string
			}
		}
	}
	e.ok(p1Admin, opUpdateUsr, map[string]any{"id": endUser, "in": map[string]any{"role": "KEY_USER", "canApprove": true}}, &uu)
	if uu.UpdateUser.User.Role != "KEY_USER" || !uu.UpdateUser.User.CanApprove {
		t.Fatalf("promoted %+v", uu.UpdateUser.User)
	}
	e.fails(p1Admin, opReactUsr, map[string]any{"id": second}, "CONFLICT")
	// One extra support contact bought: the reactivation fits.
	c.Contract.UpdateOneID(w.contracts["C1"].ID).SetExtraKeyUsers(1).ExecX(ctx)
	e.ok(p1Admin, opReactUsr, map[string]any{"id": second}, nil)
	// Approvers do not count against the cap.
	mk("approver2@c1.example", "APPROVER")

	// Validation per field; FORBIDDEN for visible users one may not manage; NOT_FOUND otherwise.
	e.invalid(p1Admin, opUpdateUsr, map[string]any{"id": second, "in": map[string]any{"role": "AGENT", "name": ""}}, "name", "role")
	e.invalid(p1Admin, opUpdateUsr, map[string]any{"id": gidOf(w.users["C1.APPROVER"].ID), "in": map[string]any{"role": "END_USER", "canApprove": true}}, "canApprove")
	e.ok(p1Admin, opUpdateUsr, map[string]any{"id": gidOf(w.users["P1.AGENT"].ID), "in": map[string]any{"levels": []string{"L2", "L3"}}}, &uu)
	if strings.Join(uu.UpdateUser.User.Levels, ",") != "L2,L3" {
		t.Fatalf("levels %v", uu.UpdateUser.User.Levels)
	}
	e.fails(e.token(w, "P1.AGENT"), opUpdateUsr, map[string]any{"id": second, "in": map[string]any{"name": "x"}}, "FORBIDDEN")
	e.fails(e.token(w, "C1.KEY_USER"), opDeactUsr, map[string]any{"id": second}, "FORBIDDEN")
	e.fails(e.token(w, "P2.ADMIN"), opUpdateUsr, map[string]any{"id": second, "in": map[string]any{"name": "x"}}, "NOT_FOUND")
	e.fails(e.token(w, "V.ADMIN"), opDeactUsr, map[string]any{"id": second}, "NOT_FOUND")
	// The vendor administers its partners' users; nobody takes the last administrator away.
	e.ok(e.token(w, "V.ADMIN"), opUpdateUsr, map[string]any{"id": gidOf(w.users["P1.SERVICE_DESK"].ID), "in": map[string]any{"name": "Desk"}}, nil)
	e.invalid(p1Admin, opDeactUsr, map[string]any{"id": gidOf(w.users["P1.ADMIN"].ID)}, "id")
	e.fails(p1Admin, opUpdateUsr, map[string]any{"id": gidOf(w.users["P1.ADMIN"].ID), "in": map[string]any{"role": "AGENT"}}, "CONFLICT")

	// Deactivation ends sessions at once: the access token is refused on the next request, the
	// refresh token is revoked, login fails; reactivation lets the user in again.
	acc, ref := e.session(w.users["C1.APPROVER"].Email, testPassword)
	e.ok(p1Admin, opDeactUsr, map[string]any{"id": gidOf(w.users["C1.APPROVER"].ID)}, nil)
	if r := e.do(acc, `{ me { email } }`, nil); r.status != 401 || r.code() != "UNAUTHENTICATED" {
		t.Fatalf("access token after deactivation: %d %+v", r.status, r.Errors)
	}
	e.fails("", opRefresh, map[string]any{"t": ref}, "UNAUTHENTICATED")
	e.fails("", opLoginFull, map[string]any{"e": w.users["C1.APPROVER"].Email, "p": testPassword}, "UNAUTHENTICATED")
	e.ok(p1Admin, opReactUsr, map[string]any{"id": gidOf(w.users["C1.APPROVER"].ID)}, nil)
	e.fails("", opRefresh, map[string]any{"t": ref}, "UNAUTHENTICATED") // revoked stays revoked
	e.session(w.users["C1.APPROVER"].Email, testPassword)

	// A user changes their own password: the current one is required, other sessions end.
	email := w.users["C1.KEY_USER"].Email
	a1, r1 := e.session(email, testPassword)
	_, r2 := e.session(email, testPassword)
	e.invalid(a1, opChangePw, map[string]any{"c": "wrong-password", "n": "new-password-1"}, "currentPassword")
	e.invalid(a1, opChangePw, map[string]any{"c": testPassword, "n": "short"}, "newPassword")
	var cpw struct {
		ChangePassword struct{ AccessToken, RefreshToken string }
	}
	e.ok(a1, opChangePw, map[string]any{"c": testPassword, "n": "new-password-1"}, &cpw)
	e.fails("", opRefresh, map[string]any{"t": r1}, "UNAUTHENTICATED")
	e.fails("", opRefresh, map[string]any{"t": r2}, "UNAUTHENTICATED")
	e.ok("", opRefresh, map[string]any{"t": cpw.ChangePassword.RefreshToken}, nil)
	e.fails("", opLoginFull, map[string]any{"e": email, "p": testPassword}, "UNAUTHENTICATED")
	e.session(email, "new-password-1")

	// An administrator's password reset: one-time, expiring, stored only as a hash.
	e.fails(e.token(w, "P1.AGENT"), opStartRst, map[string]any{"id": endUser}, "FORBIDDEN")
	e.fails(e.token(w, "P2.ADMIN"), opStartRst, map[string]any{"id": endUser}, "NOT_FOUND")
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	e.clock.Set(start)
	p1Admin = e.login(w.users["P1.ADMIN"].Email)
	var rst struct {
		StartPasswordReset struct {
			Token     string
			ExpiresAt time.Time
		}
	}
	e.ok(p1Admin, opStartRst, map[string]any{"id": endUser}, &rst)
	tok := rst.StartPasswordReset.Token
	if !rst.StartPasswordReset.ExpiresAt.Equal(start.Add(24*time.Hour)) || len(tok) < 40 {
		t.Fatalf("reset %+v", rst.StartPasswordReset)
	}
	stored := c.User.GetX(ctx, w.users["C1.END_USER"].ID)
	sum := sha256.Sum256([]byte(tok))
	if stored.PasswordResetHash == nil || *stored.PasswordResetHash != hex.EncodeToString(sum[:]) {
		t.Fatalf("stored reset hash %v", stored.PasswordResetHash)
	}
	_, oldRefresh := e.session(w.users["C1.END_USER"].Email, testPassword)
	e.invalid("", opResetPw, map[string]any{"t": tok, "n": "tiny"}, "newPassword")
	e.ok("", opResetPw, map[string]any{"t": tok, "n": "reset-password-1"}, nil)
	e.invalid("", opResetPw, map[string]any{"t": tok, "n": "reset-password-2"}, "token")
	e.fails("", opRefresh, map[string]any{"t": oldRefresh}, "UNAUTHENTICATED")
	e.session(w.users["C1.END_USER"].Email, "reset-password-1")
	e.ok(p1Admin, opStartRst, map[string]any{"id": endUser}, &rst)
	e.clock.Set(start.Add(24*time.Hour + time.Minute))
	e.invalid("", opResetPw, map[string]any{"t": rst.StartPasswordReset.Token, "n": "reset-password-3"}, "token")
	if n := c.AuditEvent.Query().Where(auditevent.ObjectTypeEQ(auditevent.ObjectTypeUSER)).CountX(ctx); n == 0 {
		t.Fatal("no audit rows for user changes")
	}
}
