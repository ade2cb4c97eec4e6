package contingent

import (
	"context"

	"supportdesk/ent"
	"supportdesk/ent/contingent"
	"supportdesk/internal/apperr"
	"supportdesk/internal/viewer"
)

// Budget is a contingent's budget of the month: monthly + carried over + approved extra minutes.
func Budget(b *ent.Contingent) int { return b.MonthlyMinutes + b.CarriedOverMinutes + b.ExtraMinutes }

// Remaining is what is left of a contingent's budget, never below zero.
func Remaining(b *ent.Contingent) int { return max(Budget(b)-b.UsedMinutes, 0) }

// Balance returns a contract's contingents of a month (default: the current month in the
// contract's time zone), one per level with a monthly budget, ordered by level. Rows not yet
// written are created from the contract's terms, so the customer sees the full budget before
// the first booking. The contract is read under the viewer's privacy rules (NOT_FOUND for
// anyone who may not see it) and the contingents too; the selected edges (the open decision,
// the history) are loaded in one query each.
func (s *Service) Balance(ctx context.Context, contractID int, month *string) ([]*ent.Contingent, error) {
	if viewer.FromContext(ctx) == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	k, err := s.Client.Contract.Get(ctx, contractID)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("contract not found")
	}
	if err != nil {
		return nil, err
	}
	var m string
	loc := s.zone(ctx, s.Client, k)
	if month != nil {
		start, err := parseMonth(*month)
		if err != nil {
			return nil, err
		}
		m = start.Format("2006-01")
	} else {
		m = Month(today(s.now(), loc))
	}
	tctx := trusted(ctx)
	have, err := s.Client.Contingent.Query().Where(contingent.ContractID(k.ID), contingent.Month(m)).
		Select(contingent.FieldLevel).Strings(tctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, l := range have {
		seen[l] = true
	}
	mk, err := s.monthTermsIn(ctx, s.Client, k, m, loc)
	if err != nil {
		return nil, err
	}
	var missing []*ent.ContingentCreate
	for _, lt := range mk.LevelTerms {
		if lt.MonthlyMinutes > 0 && !seen[lt.Level] && contingent.LevelValidator(contingent.Level(lt.Level)) == nil {
			missing = append(missing, s.Client.Contingent.Create().SetContractID(k.ID).SetCustomerID(k.CustomerID).
				SetMonth(m).SetLevel(contingent.Level(lt.Level)).SetMonthlyMinutes(lt.MonthlyMinutes))
		}
	}
	if len(missing) > 0 {
		err := s.Client.Contingent.CreateBulk(missing...).
			OnConflictColumns(contingent.FieldContractID, contingent.FieldMonth, contingent.FieldLevel).DoNothing().Exec(tctx)
		if err != nil && err.Error() != "sql: no rows in result set" {
			return nil, err
		}
	}
	q, err := s.Client.Contingent.Query().Where(contingent.ContractID(k.ID), contingent.Month(m)).
		Order(ent.Asc(contingent.FieldLevel)).CollectFields(ctx)
	if err != nil {
		return nil, err
	}
	return q.All(ctx)
}
