package contingent

import (
	"context"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contingent"
	"supportdesk/internal/ticketflow"
)

// CarryOver moves the unused minutes of a month's contingents to the next month where the
// contract allows it, up to its cap, once the month has ended in the contract's time zone (a
// contract in Copenhagen carries November at 23:00 UTC on 30 November). Each contingent is
// carried once: the guarded flip of its carried_forward flag and the write of the next month
// happen in one transaction, so a second run, or a run on another instance, finds nothing to
// do. It returns the number carried.
func (s *Service) CarryOver(ctx context.Context, month string) (int, error) {
	start, err := parseMonth(month)
	if err != nil {
		return 0, err
	}
	next := start.AddDate(0, 1, 0).Format("2006-01")
	tctx := trusted(ctx)
	// Whether a contingent carries over is a term of the month it belongs to (package terms), so
	// every contingent of the month not yet carried is looked at.
	due, err := s.Client.Contingent.Query().Where(contingent.Month(month), contingent.CarriedForward(false)).
		WithContract(func(q *ent.ContractQuery) { q.WithCalendar() }).All(tctx)
	if err != nil {
		return 0, err
	}
	carried := 0
	now := s.now()
	for _, b := range due {
		loc := time.UTC
		if cal := b.Edges.Contract.Edges.Calendar; cal != nil {
			loc = location(cal.TimeZone)
		}
		if !monthEnded(start, now, loc) {
			continue
		}
		err := ticketflow.WithTx(tctx, s.Client, func(tx *ent.Tx) error {
			n, err := tx.Contingent.Update().Where(contingent.ID(b.ID), contingent.CarriedForward(false)).SetCarriedForward(true).Save(tctx)
			if err != nil || n == 0 {
				return err
			}
			k, err := s.monthTerms(tctx, tx.Client(), b.Edges.Contract, month)
			if err != nil {
				return err
			}
			if !k.CarryOver {
				return nil // marked as looked at; nothing moves
			}
			unused := b.MonthlyMinutes + b.CarriedOverMinutes + b.ExtraMinutes - b.UsedMinutes
			move := min(max(unused, 0), k.CarryOverCapMinutes)
			nb, err := s.budget(tctx, tx.Client(), k, next, string(b.Level))
			if err != nil {
				return err
			}
			carried++
			return tx.Contingent.UpdateOne(nb).AddCarriedOverMinutes(move).Exec(tctx)
		})
		if err != nil {
			return carried, err
		}
	}
	return carried, nil
}

// CarryOverRun carries the previous month over once a day; safe on every instance.
func (s *Service) CarryOverRun(ctx context.Context, log func(msg string, args ...any)) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		// The previous month as seen from the zones furthest west and east; CarryOver itself
		// skips contracts whose zone has not yet reached the month's end.
		now := s.now()
		months := []string{Month(now.Add(-12*time.Hour).AddDate(0, 0, -now.Add(-12*time.Hour).Day())),
			Month(now.Add(14*time.Hour).AddDate(0, 0, -now.Add(14*time.Hour).Day()))}
		if months[1] == months[0] {
			months = months[:1]
		}
		for _, prev := range months {
			n, err := s.CarryOver(ctx, prev)
			if s.ObserveCarryOver != nil && ctx.Err() == nil {
				s.ObserveCarryOver(err)
			}
			if err != nil && ctx.Err() == nil {
				log("carry-over", "month", prev, "err", err)
			} else if n > 0 {
				log("carry-over", "month", prev, "contingents", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
