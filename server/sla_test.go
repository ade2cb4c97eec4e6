package main

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportdesk/ent/notification"
	"supportdesk/ent/schema/schematype"
	"supportdesk/internal/sla"
)

const slaQuery = `query($id:ID!){ node(id:$id){ ... on Ticket { sla {
  paused
  firstResponse { targetMinutes dueAt elapsedMinutes remainingMinutes state stoppedAt }
  resolution { targetMinutes dueAt elapsedMinutes remainingMinutes state stoppedAt } } } } }`

type measureOut struct {
	TargetMinutes, ElapsedMinutes, RemainingMinutes int
	DueAt                                           time.Time
	State                                           string
	StoppedAt                                       *time.Time
}

type slaOut struct {
	Node struct {
		SLA *struct {
			Paused                    bool
			FirstResponse, Resolution measureOut
		}
	}
}

// copenhagen gives C1 the seed 004 calendar and an 8-hour target for P3.
func (e *env) copenhagen(w *world) {
	ctx := trusted()
	c := e.app.DB.Client
	day := func(wd int, end string) schematype.DayHours {
		return schematype.DayHours{Weekday: wd, Intervals: []schematype.Interval{{Start: "08:30", End: end}}}
	}
	cal := c.Calendar.Create().SetName("København").SetTimeZone("Europe/Copenhagen").
		SetWeeklyHours([]schematype.DayHours{day(1, "16:00"), day(2, "16:00"), day(3, "16:00"), day(4, "16:00"), day(5, "15:30")}).
		SetHolidayCountry("DK").SetRecurringClosedDays([]string{"12-24", "12-31", "06-05"}).
		SetOrganizationID(w.orgs["P1"].ID).SaveX(ctx)
	c.Contract.UpdateOne(w.contracts["C1"]).SetCalendarID(cal.ID).SetChannels([]string{"PORTAL", "EMAIL", "PHONE"}).
		SetSLATargets([]schematype.SLATarget{{Priority: "P2", FirstResponseMinutes: 120, ResolutionMinutes: 480},
			{Priority: "P3", FirstResponseMinutes: 480, ResolutionMinutes: 960}}).ExecX(ctx)
}

func cph(s string) time.Time {
	loc, _ := time.LoadLocation("Europe/Copenhagen")
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// TestSLAWorkedExample: SPEC section 6 through the API. A ticket received Friday 15:00 in
// Copenhagen with an 8-hour target is due Monday 16:00, Tuesday 16:00 when Monday is a holiday.
func TestSLAWorkedExample(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.copenhagen(w)
	desk := e.token(w, "P1.SERVICE_DESK")
	register := func(received time.Time) string {
		in := incidentInput()
		in["priority"], in["channel"], in["customerID"], in["receivedAt"] = "P3", "PHONE", gidOf(w.orgs["C1"].ID), received.UTC().Format(time.RFC3339)
		in["reporterID"] = gidOf(w.users["C1.KEY_USER"].ID)
		return e.create(desk, in).ID
	}
	cases := []struct {
		name            string
		received, frDue time.Time
	}{
		{"ordinary weekend", cph("2026-11-20 15:00"), cph("2026-11-23 16:00")},
		{"Whit Monday closed", cph("2026-05-22 15:00"), cph("2026-05-26 16:00")},
	}
	e.clock.Set(cph("2026-11-24 09:00"))
	for _, c := range cases {
		id := register(c.received)
		var out slaOut
		e.ok(desk, slaQuery, map[string]any{"id": id}, &out)
		if out.Node.SLA == nil {
			t.Fatalf("%s: no SLA", c.name)
		}
		fr := out.Node.SLA.FirstResponse
		if !fr.DueAt.Equal(c.frDue) || fr.TargetMinutes != 480 || fr.State != "BREACHED" || fr.RemainingMinutes != 0 {
			t.Errorf("%s: first response %+v, want due %s", c.name, fr, c.frDue)
		}
	}
}

// TestSLAPauseAndStates: waiting for the customer pushes the due time by exactly the waiting
// business time; states move ON_TRACK → AT_RISK → MET; the first response is the first public
// staff comment, not a status change.
func TestSLAPauseAndStates(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.copenhagen(w)
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	e.clock.Set(cph("2026-11-23 09:00")) // Monday
	tk := e.create(key, map[string]any{"title": "Question", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	get := func() slaOut {
		var out slaOut
		e.ok(agent, slaQuery, map[string]any{"id": tk.ID}, &out)
		return out
	}
	s := get().Node.SLA
	// Monday 09:00 + 480 business minutes: 420 on Monday (to 16:00), 60 on Tuesday from 08:30.
	// Resolution 960: 420 + 450 (Tuesday) + 90 on Wednesday.
	if !s.FirstResponse.DueAt.Equal(cph("2026-11-24 09:30")) || !s.Resolution.DueAt.Equal(cph("2026-11-25 10:00")) ||
		s.Resolution.State != "ON_TRACK" || s.Paused {
		t.Fatalf("initial %+v", s)
	}
	e.clock.Set(cph("2026-11-23 10:00"))
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "IN_PROGRESS"}})
	if get().Node.SLA.FirstResponse.StoppedAt != nil {
		t.Fatal("a status change counted as first response")
	}
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "WAITING_FOR_CUSTOMER"}})
	e.clock.Set(cph("2026-11-23 13:15")) // waited 195 business minutes
	s = get().Node.SLA
	if !s.Paused || s.Resolution.ElapsedMinutes != 60 {
		t.Fatalf("while waiting %+v", s)
	}
	e.mut(key, opComment, map[string]any{"in": map[string]any{"ticketID": tk.ID, "body": "Here is the answer."}})
	s = get().Node.SLA
	// Due pushed by exactly the 195 business minutes waited: Wednesday 10:00 → 13:15.
	if s.Paused || !s.Resolution.DueAt.Equal(cph("2026-11-25 13:15")) || s.Resolution.ElapsedMinutes != 60 {
		t.Fatalf("after waiting %+v", s)
	}
	e.clock.Set(cph("2026-11-25 08:30")) // elapsed: 60 + Mon 13:15-16:00 (165) + Tue 450 = 675 of 960 → 70 %
	if st := get().Node.SLA.Resolution.State; st != "ON_TRACK" {
		t.Fatalf("at 70 %%: %s", st)
	}
	e.clock.Set(cph("2026-11-25 09:30")) // 735 of 960 → 76.6 %
	if st := get().Node.SLA.Resolution.State; st != "AT_RISK" {
		t.Fatalf("at 77 %%: %s", st)
	}
	e.mut(agent, opComment, map[string]any{"in": map[string]any{"ticketID": tk.ID, "body": "Done, see steps."}})
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "RESOLVED", "resolution": "Explained"}})
	s = get().Node.SLA
	if s.Resolution.State != "MET" || s.Resolution.ElapsedMinutes != 735 || s.FirstResponse.State != "BREACHED" ||
		s.FirstResponse.ElapsedMinutes != 735 {
		t.Fatalf("resolved %+v", s)
	}
	// Frozen on the ticket for reports.
	row := e.app.DB.Client.Ticket.GetX(trusted(), mustID(tk.ID))
	if row.SLAResolutionMinutes == nil || *row.SLAResolutionMinutes != 735 || row.SLAResolutionMet == nil || !*row.SLAResolutionMet {
		t.Fatalf("frozen %+v %+v", row.SLAResolutionMinutes, row.SLAResolutionMet)
	}
}

// TestSLAEvaluatorOnce: at-risk and breach moments are recorded once, however often and
// however concurrently the evaluator runs, and notify the assignee and the service manager.
func TestSLAEvaluatorOnce(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.copenhagen(w)
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetServiceManagerID(w.users["P1.SERVICE_DELIVERY_MANAGER"].ID).ExecX(trusted())
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	e.clock.Set(cph("2026-11-23 09:00"))
	tk := e.create(key, map[string]any{"title": "Question", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.mut(agent, `mutation($in: AssignTicketInput!){ assignTicket(input:$in){ ticket{ id } } }`,
		map[string]any{"in": map[string]any{"ticketID": tk.ID, "assigneeID": gidOf(w.users["P1.AGENT"].ID)}})
	ev := &sla.Evaluator{SLA: e.app.SLA, Log: e.app.Log, Batch: 2}
	// Two more tickets, so that the due ones span batches (Batch 2); they are unassigned, so
	// their alerts notify the service manager only.
	for _, title := range []string{"Second", "Third"} {
		e.create(key, map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	}
	run := func(parallel int) int {
		var wg sync.WaitGroup
		var total atomic.Int64
		for i := 0; i < parallel; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := ev.EvaluateOnce(context.Background())
				if err != nil {
					t.Error(err)
				}
				total.Add(int64(n))
			}()
		}
		wg.Wait()
		return int(total.Load())
	}
	if n := run(1); n != 0 {
		t.Fatalf("fresh ticket: %d alerts", n)
	}
	// First response target 480: at risk from 360 business minutes (Monday 15:00).
	e.clock.Set(cph("2026-11-23 15:10"))
	if n := run(4) + run(1); n != 3 {
		t.Fatalf("at risk recorded %d times for 3 tickets", n)
	}
	// Tuesday 09:30 the first response is due; 10:00 it is breached (resolution at 71 %).
	e.clock.Set(cph("2026-11-24 10:00"))
	if n := run(4) + run(1); n != 3 {
		t.Fatalf("breach recorded %d times for 3 tickets", n)
	}
	// The resolution (960 business minutes) is due Wednesday 10:00; by Sunday night it is
	// breached, but nothing fires at midnight: the alert waits for Monday's opening, and the
	// ticket is not looked at again before then.
	resolutionDue := cph("2026-11-25 10:00")
	e.clock.Set(cph("2026-11-29 23:00"))
	if n := run(1); n != 0 {
		t.Fatalf("alerts at midnight on Sunday: %d", n)
	}
	next := func() time.Time {
		return *e.app.DB.Client.Ticket.GetX(trusted(), mustID(tk.ID)).SLANextCheckAt
	}
	if got := next(); !got.Equal(cph("2026-11-30 08:30")) {
		t.Fatalf("held back until %v, want Monday's opening", got.In(cph("2026-11-30 08:30").Location()))
	}
	e.clock.Set(cph("2026-11-30 08:29"))
	if n := run(1); n != 0 {
		t.Fatalf("alerts before the opening: %d", n)
	}
	e.clock.Set(cph("2026-11-30 08:31"))
	if n := run(4) + run(1); n != 3 {
		t.Fatalf("resolution breach recorded %d times for 3 tickets", n)
	}
	_, lines := e.history(agent, tk.ID)
	var sla []string
	for _, l := range lines {
		if strings.HasPrefix(l, "SLA_") {
			sla = append(sla, l)
		}
	}
	want := []string{
		"SLA_AT_RISK FIRST_RESPONSE>" + cph("2026-11-24 09:30").UTC().Format(time.RFC3339),
		"SLA_BREACHED FIRST_RESPONSE>" + cph("2026-11-24 09:30").UTC().Format(time.RFC3339),
		"SLA_BREACHED RESOLUTION>" + resolutionDue.UTC().Format(time.RFC3339),
	}
	if !reflect.DeepEqual(sla, want) {
		t.Fatalf("sla history %q, want %q", sla, want)
	}
	for who, want := range map[string]int{"P1.AGENT": 3, "P1.SERVICE_DELIVERY_MANAGER": 9} {
		n := e.app.DB.Client.Notification.Query().Where(notification.RecipientID(w.users[who].ID)).CountX(trusted())
		if n != want {
			t.Errorf("%s has %d SLA notifications, want %d", who, n, want)
		}
	}
}

func TestCalendarAdmin(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	admin := e.token(w, "P1.ADMIN")
	create := `mutation($in: CalendarInput!){ createCalendar(input:$in){ calendar{ id name timeZone holidayCountry recurringClosedDays weeklyHours{ weekday intervals{ start end } } } } }`
	hours := []map[string]any{{"weekday": 1, "intervals": []map[string]any{{"start": "08:30", "end": "12:00"}, {"start": "13:00", "end": "16:00"}}}}
	e.fails(e.token(w, "P1.AGENT"), create, map[string]any{"in": map[string]any{"name": "x", "timeZone": "Europe/Berlin", "weeklyHours": hours}}, "FORBIDDEN")
	r := e.fails(admin, create, map[string]any{"in": map[string]any{"name": "x", "timeZone": "Mars/Olympus", "weeklyHours": hours}}, "VALIDATION")
	if r.Errors[0].Extensions["field"] != "timeZone" {
		t.Fatalf("field %v", r.Errors[0].Extensions)
	}
	bad := []map[string]any{{"weekday": 1, "intervals": []map[string]any{{"start": "12:00", "end": "09:00"}}}}
	e.fails(admin, create, map[string]any{"in": map[string]any{"name": "x", "timeZone": "Europe/Berlin", "weeklyHours": bad}}, "VALIDATION")
	e.fails(admin, create, map[string]any{"in": map[string]any{"name": "x", "timeZone": "Europe/Berlin", "weeklyHours": hours, "holidayCountry": "FR"}}, "VALIDATION")
	var out struct {
		CreateCalendar struct {
			Calendar struct {
				ID, Name, TimeZone, HolidayCountry string
				RecurringClosedDays                []string
			}
		}
	}
	e.ok(admin, create, map[string]any{"in": map[string]any{"name": "Lunch break", "timeZone": "Europe/Copenhagen", "weeklyHours": hours,
		"holidayCountry": "dk", "recurringClosedDays": []string{"12-24"}}}, &out)
	cal := out.CreateCalendar.Calendar
	if cal.HolidayCountry != "DK" || cal.TimeZone != "Europe/Copenhagen" || len(cal.RecurringClosedDays) != 1 {
		t.Fatalf("calendar %+v", cal)
	}
	e.ok(admin, `mutation($id:ID!){ updateCalendar(id:$id, input:{name:"Lunch break 2"}){ calendar{ name } } }`, map[string]any{"id": cal.ID}, nil)
	e.fails(e.token(w, "P2.ADMIN"), `mutation($id:ID!){ updateCalendar(id:$id, input:{name:"x"}){ calendar{ name } } }`, map[string]any{"id": cal.ID}, "NOT_FOUND")
	set := `mutation($k:ID!,$c:ID,$t:[SLATargetInput!]!){ setContractSLA(contractID:$k, calendarID:$c, targets:$t){ contract{ calendar{ name } slaTargets{ priority firstResponseMinutes resolutionMinutes } } } }`
	targets := []map[string]any{{"priority": "P1", "firstResponseMinutes": 60, "resolutionMinutes": 240}}
	e.fails(admin, set, map[string]any{"k": gidOf(w.contracts["C3"].ID), "c": cal.ID, "t": targets}, "NOT_FOUND")
	e.fails(admin, set, map[string]any{"k": gidOf(w.contracts["C1"].ID), "c": cal.ID, "t": []map[string]any{{"priority": "P1", "firstResponseMinutes": 300, "resolutionMinutes": 240}}}, "VALIDATION")
	var k struct {
		SetContractSLA struct {
			Contract struct {
				Calendar   struct{ Name string }
				SLATargets []struct {
					Priority                                string
					FirstResponseMinutes, ResolutionMinutes int
				}
			}
		}
	}
	e.ok(admin, set, map[string]any{"k": gidOf(w.contracts["C1"].ID), "c": cal.ID, "t": targets}, &k)
	if k.SetContractSLA.Contract.Calendar.Name != "Lunch break 2" || len(k.SetContractSLA.Contract.SLATargets) != 1 ||
		k.SetContractSLA.Contract.SLATargets[0].ResolutionMinutes != 240 {
		t.Fatalf("contract %+v", k)
	}
}

// TestSLAPriorityChangeRecomputes: a new priority recomputes the due times; the history keeps
// the old one.
func TestSLAPriorityChangeRecomputes(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.copenhagen(w)
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	e.clock.Set(cph("2026-11-23 09:00"))
	tk := e.create(key, map[string]any{"title": "Question", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.clock.Set(cph("2026-11-23 10:00"))
	e.mut(agent, `mutation($in: ChangePriorityInput!){ changePriority(input:$in){ ticket{ id } } }`,
		map[string]any{"in": map[string]any{"ticketID": tk.ID, "priority": "P2", "reason": "blocks invoicing"}})
	var out slaOut
	e.ok(agent, slaQuery, map[string]any{"id": tk.ID}, &out)
	// P2: 480 business minutes from Monday 09:00 → Tuesday 09:30.
	if r := out.Node.SLA.Resolution; r.TargetMinutes != 480 || !r.DueAt.Equal(cph("2026-11-24 09:30")) {
		t.Fatalf("after priority change %+v", r)
	}
	_, lines := e.history(agent, tk.ID)
	want := "PRIORITY_CHANGED P3>P2 (blocks invoicing (resolution due was " + cph("2026-11-25 10:00").UTC().Format(time.RFC3339) + ")) by P1.AGENT"
	if lines[len(lines)-1] != want {
		t.Fatalf("history %q, want %q", lines[len(lines)-1], want)
	}
	row := e.app.DB.Client.Ticket.GetX(trusted(), mustID(tk.ID))
	if row.SLAResolutionDue == nil || !row.SLAResolutionDue.Equal(cph("2026-11-24 09:30")) {
		t.Fatalf("stored due %v", row.SLAResolutionDue)
	}
}
