package contingent

import (
	"context"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contingent"
	"supportdesk/ent/contract"
	"supportdesk/internal/ticketflow"
)

// CarryOver moves the unused minutes of a month's contingents to the next month where the
// contract allows it, up to its cap. Each contingent is carried once: the guarded flip of its
// carried_forward flag and the write of the next month happen in one transaction, so a second
// run, or a run on another instance, finds nothing to do. It returns the number carried.
func (s *Service) CarryOver(ctx context.Context, month string) (int, error) {
	start, err := parseMonth(month)
	if err != nil {
		return 0, err
	}
	next := start.AddDate(0, 1, 0).Format("2006-01")
	tctx := trusted(ctx)
	due, err := s.Client.Contingent.Query().Where(contingent.Month(month), contingent.CarriedForward(false),
		contingent.HasContractWith(contract.CarryOver(true))).WithContract().All(tctx)
	if err != nil {
		return 0, err
	}
	carried := 0
	for _, b := range due {
		err := ticketflow.WithTx(tctx, s.Client, func(tx *ent.Tx) error {
			n, err := tx.Contingent.Update().Where(contingent.ID(b.ID), contingent.CarriedForward(false)).SetCarriedForward(true).Save(tctx)
			if err != nil || n == 0 {
				return err
			}
			k := b.Edges.Contract
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
		prev := s.now().AddDate(0, -1, 0).Format("2006-01")
		if n, err := s.CarryOver(ctx, prev); err != nil && ctx.Err() == nil {
			log("carry-over", "month", prev, "err", err)
		} else if n > 0 {
			log("carry-over", "month", prev, "contingents", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
