package sla

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/slaalert"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/internal/notify"
	"supportdesk/internal/terms"
)

// Evaluator detects at-risk and breach moments even when nobody touches a ticket. Each moment
// (ticket, target, kind, due time) is recorded once: the unique key of SLAAlert makes a second
// run, or a run on another instance, a no-op. The history row and the notifications are written
// in the same transaction as the alert, so they exist exactly when the alert does.
type Evaluator struct {
	SLA      *Service
	Log      *slog.Logger
	Interval time.Duration
	// Observe, when set, is told the result of every run (metrics).
	Observe func(error)
	// Batch is how many due tickets one query loads (default 500).
	Batch int
}

// Run evaluates every Interval until ctx ends.
func (e *Evaluator) Run(ctx context.Context) {
	iv := e.Interval
	if iv <= 0 {
		iv = time.Minute
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		n, err := e.EvaluateOnce(ctx)
		if e.Observe != nil && ctx.Err() == nil {
			e.Observe(err)
		}
		if err != nil && ctx.Err() == nil {
			e.Log.Error("sla evaluation", "err", err)
		} else if n > 0 {
			e.Log.Info("sla alerts recorded", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// lateness is how long after its moment an alert may still fire outside opening hours; later
// than that it waits for the calendar to open, so nothing fires at midnight.
const lateness = 5 * time.Minute

// EvaluateOnce checks the open tickets whose next SLA moment has come (sla_next_check_at, an
// indexed column set by Freeze) and returns the number of alerts recorded. Each checked ticket
// gets its next moment stored: the at-risk moment of a measure on track, the due time of one at
// risk, none after a breach. A moment held back by a closed calendar is checked again when the
// calendar opens. The cost follows the tickets near a deadline, not all open tickets.
func (e *Evaluator) EvaluateOnce(ctx context.Context) (int, error) {
	// The evaluator works for no viewer: it reads the due tickets through the bypass.
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	c := e.SLA.Client
	now := e.SLA.now()
	due, err := c.Ticket.Query().
		Where(ticket.SLANextCheckAtLTE(now), ticket.Open(true), ticket.StatusNEQ(ticket.StatusWAITING_FOR_CUSTOMER),
			ticket.LevelNEQ(ticket.LevelCUSTOMER), ticket.ContractIDNotNil()).IDs(ctx)
	if err != nil {
		return 0, err
	}
	// The due tickets are loaded a batch at a time, so a run after a long pause (a restart, a
	// Monday morning) holds a bounded number of rows whatever the backlog.
	batch := e.Batch
	if batch <= 0 {
		batch = 500
	}
	recorded := 0
	for len(due) > 0 {
		chunk := due[:min(len(due), batch)]
		due = due[len(chunk):]
		n, err := e.evaluate(ctx, now, chunk)
		recorded += n
		if err != nil {
			return recorded, err
		}
	}
	return recorded, nil
}

// evaluate checks the tickets ids (due at now) and returns the number of alerts recorded.
func (e *Evaluator) evaluate(ctx context.Context, now time.Time, ids []int) (int, error) {
	c := e.SLA.Client
	tickets, err := c.Ticket.Query().Where(ticket.IDIn(ids...)).
		WithContract(func(q *ent.ContractQuery) { q.WithCalendar() }).All(ctx)
	if err != nil {
		return 0, err
	}
	// Each ticket follows the terms in force when it was received; all versions in one query.
	seen := map[int]bool{}
	var contracts []int
	for _, t := range tickets {
		if !seen[*t.ContractID] {
			seen[*t.ContractID] = true
			contracts = append(contracts, *t.ContractID)
		}
	}
	versions, err := terms.Versions(ctx, c, contracts)
	if err != nil {
		return 0, err
	}
	calendars := map[int]*ent.Calendar{}
	recorded := 0
	for _, t := range tickets {
		k := terms.Pick(t.Edges.Contract, versions[*t.ContractID], t.ReceivedAt)
		if k.Edges.Calendar == nil && k.CalendarID != nil {
			if calendars[*k.CalendarID] == nil {
				if calendars[*k.CalendarID], err = c.Calendar.Get(ctx, *k.CalendarID); err != nil {
					return recorded, err
				}
			}
			k.Edges.Calendar = calendars[*k.CalendarID]
		}
		target, ok := TargetFor(k, t.Priority)
		if !ok || k.Edges.Calendar == nil {
			if err := e.SLA.setNextCheck(ctx, t, nil); err != nil {
				return recorded, err
			}
			continue
		}
		cal, err := e.SLA.Calendar(k.Edges.Calendar)
		if err != nil {
			return recorded, err
		}
		clk := Clock{Cal: cal}
		st := status(clk, target, t, now)
		var next *time.Time
		later := func(at time.Time) {
			if next == nil || at.Before(*next) {
				next = &at
			}
		}
		for _, m := range []struct {
			target slaalert.Target
			m      Measure
			open   bool
		}{
			// A frozen measure never alerts (a reopened ticket's first response stays frozen).
			{slaalert.TargetFIRST_RESPONSE, st.FirstResponse, firstResponseStop(t) == nil && t.SLAFirstResponseMet == nil},
			{slaalert.TargetRESOLUTION, st.Resolution, t.ResolvedAt == nil},
		} {
			if !m.open {
				continue
			}
			if m.m.State != AtRisk && m.m.State != Breached {
				if m.m.State == OnTrack {
					later(clk.AtRiskMoment(m.m, t.ReceivedAt, t.WaitingPeriods, now))
				}
				continue
			}
			kind, moment := slaalert.KindBREACHED, m.m.DueAt
			if m.m.State == AtRisk {
				kind, moment = slaalert.KindAT_RISK, clk.AtRiskMoment(m.m, t.ReceivedAt, t.WaitingPeriods, now)
			}
			if !cal.IsOpen(now) && now.Sub(moment) > lateness {
				// Held back until the calendar opens: not looked at again before then, so a
				// night or a weekend costs nothing per run.
				later(cal.NextOpen(now))
				continue
			}
			ok, err := e.record(ctx, t, k, m.target, kind, m.m.DueAt)
			if err != nil {
				return recorded, err
			}
			if ok {
				recorded++
			}
			if kind == slaalert.KindAT_RISK {
				later(m.m.DueAt)
			}
		}
		if err := e.SLA.setNextCheck(ctx, t, next); err != nil {
			return recorded, err
		}
	}
	return recorded, nil
}

// record writes one alert with its history row and notifications, or nothing if the alert
// exists already.
func (e *Evaluator) record(ctx context.Context, t *ent.Ticket, k *ent.Contract, target slaalert.Target, kind slaalert.Kind, due time.Time) (bool, error) {
	c := e.SLA.Client
	exists, err := c.SLAAlert.Query().Where(slaalert.TicketID(t.ID), slaalert.TargetEQ(target), slaalert.KindEQ(kind), slaalert.DueAt(due)).Exist(ctx)
	if err != nil || exists {
		return false, err
	}
	tx, err := c.Tx(ctx)
	if err != nil {
		return false, err
	}
	err = tx.SLAAlert.Create().SetTicketID(t.ID).SetTarget(target).SetKind(kind).SetDueAt(due).Exec(ctx)
	if ent.IsConstraintError(err) {
		_ = tx.Rollback() // another run or instance recorded it first
		return false, nil
	}
	if err == nil {
		ek := ticketevent.KindSLA_AT_RISK
		if kind == slaalert.KindBREACHED {
			ek = ticketevent.KindSLA_BREACHED
		}
		err = tx.TicketEvent.Create().SetTicketID(t.ID).SetKind(ek).SetFromValue(string(target)).
			SetToValue(due.UTC().Format(time.RFC3339)).Exec(ctx)
	}
	if err == nil {
		var msgs []notify.Message
		tid := t.ID
		for _, uid := range recipients(t, k) {
			msgs = append(msgs, notify.Message{RecipientID: uid, Kind: "SLA_" + string(kind), TicketID: &tid,
				Title: fmt.Sprintf("%s: %s %s", t.Number, target, kind), Body: "due " + due.UTC().Format(time.RFC3339),
				DedupKey: fmt.Sprintf("sla:%d:%s:%s:%d:%d", t.ID, target, kind, due.Unix(), uid)})
		}
		err = notify.Send(ctx, tx.Client(), msgs...)
	}
	if err != nil {
		_ = tx.Rollback()
		if ent.IsConstraintError(err) {
			return false, nil
		}
		return false, err
	}
	return true, tx.Commit()
}

func recipients(t *ent.Ticket, k *ent.Contract) []int {
	var ids []int
	if t.AssigneeID != nil {
		ids = append(ids, *t.AssigneeID)
	}
	if k.ServiceManagerID != nil && (t.AssigneeID == nil || *k.ServiceManagerID != *t.AssigneeID) {
		ids = append(ids, *k.ServiceManagerID)
	}
	return ids
}
