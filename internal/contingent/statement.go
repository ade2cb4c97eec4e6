package contingent

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contingent"
	"supportdesk/ent/contract"
	"supportdesk/ent/statement"
	"supportdesk/ent/ticket"
	"supportdesk/ent/timeentry"
	"supportdesk/internal/apperr"
	"supportdesk/internal/billing"
	"supportdesk/internal/viewer"

	"entgo.io/ent/dialect/sql"
)

// LevelSummary is one support level of a statement.
type LevelSummary struct {
	Level               string
	BudgetMinutes       int
	BillableMinutes     int
	WithinBudgetMinutes int
	ExtraMinutes        int
	RateCents           int64
	AmountCents         int64
}

// Line is the billable time of one ticket at one level.
type Line struct {
	TicketNumber    string
	TicketTitle     string
	Level           string
	Minutes         int
	BillableMinutes int
	AmountCents     int64
}

// Statement is a contract's monthly statement, exact to the cent and reproducible: it is
// computed from the entries' own minutes and copied rates.
type Statement struct {
	ContractID int
	Month      string
	Currency   string
	Levels     []*LevelSummary
	Lines      []*Line
	TotalCents int64
	IssuedAt   *time.Time
}

func parseMonth(m string) (time.Time, error) {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return t, apperr.Invalid("month is YYYY-MM", "month")
	}
	return t, nil
}

// Statement computes the statement of a contract and month the viewer may see: provider staff
// of the contract, and the customer's key users and approvers (their own money).
func (s *Service) Statement(ctx context.Context, contractID int, month string) (*Statement, error) {
	if viewer.FromContext(ctx) == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	start, err := parseMonth(month)
	if err != nil {
		return nil, err
	}
	k, err := s.Client.Contract.Get(ctx, contractID)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("contract not found")
	}
	if err != nil {
		return nil, err
	}
	tctx := trusted(ctx)
	// Work dates are civil dates stored as UTC midnight: the month's entries are those dated
	// from its first to its last day, whatever the zone.
	rows, err := s.monthRows(tctx, k.ID, start)
	if err != nil {
		return nil, err
	}
	budgets, err := s.Client.Contingent.Query().Where(contingent.ContractID(k.ID), contingent.Month(month)).All(tctx)
	if err != nil {
		return nil, err
	}
	st := &Statement{ContractID: k.ID, Month: month, Currency: k.Currency}
	levels, lines, order := priceRows(rows)
	for _, b := range budgets {
		l := levels[string(b.Level)]
		if l == nil {
			l = &LevelSummary{Level: string(b.Level)}
			levels[string(b.Level)] = l
		}
		l.BudgetMinutes = b.MonthlyMinutes + b.CarriedOverMinutes
	}
	for _, l := range levels {
		l.WithinBudgetMinutes = min(l.BillableMinutes, l.BudgetMinutes)
		l.ExtraMinutes = l.BillableMinutes - l.WithinBudgetMinutes
		st.TotalCents += l.AmountCents
		st.Levels = append(st.Levels, l)
	}
	sort.Slice(st.Levels, func(i, j int) bool { return st.Levels[i].Level < st.Levels[j].Level })
	for _, key := range order {
		st.Lines = append(st.Lines, lines[key])
	}
	if issued, err := s.Client.Statement.Query().Where(statement.ContractID(k.ID), statement.Month(month)).Only(tctx); err == nil {
		st.IssuedAt = &issued.CreatedAt
	}
	return st, nil
}

// Issue issues a month's statement, which closes the month for bookings.
func (s *Service) Issue(ctx context.Context, contractID int, month string) (*Statement, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	if !v.IsStaff() || (v.Role != viewer.RoleAdmin && v.Role != viewer.RoleSDM) {
		return nil, apperr.Forbiddenf("statements are issued by administrators and service delivery managers")
	}
	st, err := s.Statement(ctx, contractID, month)
	if err != nil {
		return nil, err
	}
	if ok, err := s.Client.Contract.Query().Where(contract.ID(contractID), contract.ProviderID(v.OrgID)).Exist(ctx); err != nil || !ok {
		return nil, apperr.Forbiddenf("statements are issued by the contract's provider")
	}
	if st.IssuedAt != nil {
		return nil, apperr.E(apperr.Conflict, "the statement of %s was issued already", month)
	}
	k, err := s.Client.Contract.Get(ctx, contractID)
	if err != nil {
		return nil, err
	}
	// A month is billed once it has ended in the contract's time zone.
	start, _ := parseMonth(month)
	if !monthEnded(start, s.now(), s.zone(ctx, s.Client, k)) {
		return nil, apperr.Invalid("a month is billed after it ends", "month")
	}
	err = s.Client.Statement.Create().SetContractID(contractID).SetCustomerID(k.CustomerID).SetMonth(month).
		SetTotalCents(st.TotalCents).SetCurrency(st.Currency).SetIssuedByID(v.UserID).Exec(trusted(ctx))
	if ent.IsConstraintError(err) {
		return nil, apperr.E(apperr.Conflict, "the statement of %s was issued already", month)
	}
	if err != nil {
		return nil, err
	}
	return s.Statement(ctx, contractID, month)
}

// WriteCSV writes the statement's numbers as CSV: one row per ticket and level, then one per
// level, then the total; amounts in cents and in currency units.
func WriteCSV(w io.Writer, st *Statement) error {
	cw := csv.NewWriter(w)
	money := func(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }
	rows := [][]string{{"kind", "ticket", "title", "level", "minutes", "billable_minutes", "within_budget_minutes", "extra_minutes", "rate_cents", "amount_cents", "amount", "currency"}}
	for _, l := range st.Lines {
		rows = append(rows, []string{"line", l.TicketNumber, l.TicketTitle, l.Level, strconv.Itoa(l.Minutes), strconv.Itoa(l.BillableMinutes),
			"", "", "", strconv.FormatInt(l.AmountCents, 10), money(l.AmountCents), st.Currency})
	}
	for _, l := range st.Levels {
		rows = append(rows, []string{"level", "", "", l.Level, "", strconv.Itoa(l.BillableMinutes), strconv.Itoa(l.WithinBudgetMinutes),
			strconv.Itoa(l.ExtraMinutes), strconv.FormatInt(l.RateCents, 10), strconv.FormatInt(l.AmountCents, 10), money(l.AmountCents), st.Currency})
	}
	rows = append(rows, []string{"total", "", "", "", "", "", "", "", "", strconv.FormatInt(st.TotalCents, 10), money(st.TotalCents), st.Currency})
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// monthRow is one ticket, level and snapshot rate of a month: the entries' minutes summed in
// SQL, and the id of the latest entry (a level shows the rate of its latest entry).
type monthRow struct {
	TicketID  int    `json:"ticket_id"`
	Number    string `json:"number"`
	Title     string `json:"title"`
	Level     string `json:"level"`
	RateCents int64  `json:"rate_cents"`
	Minutes   int    `json:"minutes"`
	Billable  int    `json:"billable_minutes"`
	LastID    int    `json:"last_id"`
}

// monthRows aggregates a contract's entries of a month in the database, grouped per ticket,
// level and rate: one statement whose size and parameters do not grow with the entries.
// Work dates are civil dates stored as UTC midnight: the month's entries are those dated from
// its first to its last day, whatever the zone.
func (s *Service) monthRows(ctx context.Context, contractID int, start time.Time) ([]monthRow, error) {
	var rows []monthRow
	err := s.Client.TimeEntry.Query().
		Where(timeentry.ContractID(contractID), timeentry.WorkDateGTE(start), timeentry.WorkDateLT(start.AddDate(0, 1, 0))).
		Modify(func(q *sql.Selector) {
			// The ticket's number and title by its primary key, per group: a join would let
			// the planner scan all tickets for a month's few thousand.
			of := func(col string) string {
				return "(SELECT " + col + " FROM " + ticket.Table + " WHERE " + ticket.Table + "." + ticket.FieldID + " = " + q.C(timeentry.FieldTicketID) + ")"
			}
			q.Select(q.C(timeentry.FieldTicketID), q.C(timeentry.FieldLevel), q.C(timeentry.FieldRateCents))
			q.AppendSelectExprAs(sql.Raw(of(ticket.FieldNumber)), "number")
			q.AppendSelectExprAs(sql.Raw(of(ticket.FieldTitle)), "title")
			q.AppendSelectExprAs(sql.Raw("SUM("+q.C(timeentry.FieldMinutes)+")"), "minutes")
			q.AppendSelectExprAs(sql.Raw("SUM("+q.C(timeentry.FieldBillableMinutes)+")"), "billable_minutes")
			q.AppendSelectExprAs(sql.Raw("MAX("+q.C(timeentry.FieldID)+")"), "last_id")
			q.GroupBy(q.C(timeentry.FieldTicketID), q.C(timeentry.FieldLevel), q.C(timeentry.FieldRateCents))
		}).Scan(ctx, &rows)
	return rows, err
}

// priceRows sums a month's rows into levels and lines (ticket × level, in ticket number order)
// and prices them by the rule of package billing: per level and snapshot rate, the level's
// minutes at that rate cost billing.Amount once, and that amount is apportioned to the lines by
// their minutes at that rate (billing.Apportion). A level's amount is the sum over its rates, a
// line's the sum of its shares, so lines add up to their level and levels to the total to the
// cent. When a level's entries carry several rates (a rate changed during the month), each
// rate is priced on its own minutes and the level's rateCents shows the rate of its latest
// entry.
func priceRows(rows []monthRow) (map[string]*LevelSummary, map[string]*Line, []string) {
	type group struct {
		level string
		rate  int64
	}
	levels := map[string]*LevelSummary{}
	lastID := map[string]int{}
	lines := map[string]*Line{}
	var order []string
	minutes := map[group]map[string]int{}
	var groups []group
	for _, r := range rows {
		l := levels[r.Level]
		if l == nil {
			l = &LevelSummary{Level: r.Level}
			levels[r.Level] = l
		}
		if r.LastID > lastID[r.Level] {
			l.RateCents, lastID[r.Level] = r.RateCents, r.LastID
		}
		l.BillableMinutes += r.Billable
		key := r.Number + "/" + r.Level
		ln := lines[key]
		if ln == nil {
			ln = &Line{TicketNumber: r.Number, TicketTitle: r.Title, Level: r.Level}
			lines[key] = ln
			order = append(order, key)
		}
		ln.Minutes += r.Minutes
		ln.BillableMinutes += r.Billable
		g := group{r.Level, r.RateCents}
		if minutes[g] == nil {
			minutes[g] = map[string]int{}
			groups = append(groups, g)
		}
		minutes[g][key] += r.Billable
	}
	sort.Strings(order)
	// Groups in a fixed order, so the statement does not depend on the rows' order.
	sort.Slice(groups, func(i, j int) bool {
		return groups[i].level < groups[j].level || groups[i].level == groups[j].level && groups[i].rate < groups[j].rate
	})
	for _, g := range groups {
		var keys []string
		var parts []int
		for _, key := range order {
			if m, ok := minutes[g][key]; ok {
				keys, parts = append(keys, key), append(parts, m)
			}
		}
		for i, c := range billing.Apportion(parts, g.rate) {
			lines[keys[i]].AmountCents += c
			levels[g.level].AmountCents += c
		}
	}
	return levels, lines, order
}
