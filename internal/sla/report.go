package sla

import (
	"context"
	"math"
	"sort"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/organization"
	"supportdesk/ent/predicate"
	"supportdesk/ent/privacy"
	"supportdesk/ent/ticket"
	"supportdesk/internal/apperr"
	"supportdesk/internal/viewer"

	"entgo.io/ent/dialect/sql"
)

// ReportFilter narrows an SLA report. From and To bound the time the inquiries were received.
type ReportFilter struct {
	CustomerID *int             `json:"customerID"`
	ContractID *int             `json:"contractID"`
	PartnerID  *int             `json:"partnerID"`
	From       time.Time        `json:"from"`
	To         time.Time        `json:"to"`
	Priority   *ticket.Priority `json:"priority"`
	Level      *ticket.Level    `json:"level"`
}

// Group is one line of a report: counts, met share and percentiles in business minutes.
// Resolved = Met + Breached, MetPercent = Met / Resolved; Overdue counts open tickets apart
// (see the package doc).
type Group struct {
	Priority            *ticket.Priority
	Tickets             int
	Resolved            int
	Met                 int
	Breached            int
	Overdue             int
	MetPercent          *float64
	FirstResponseMedian *int
	FirstResponseP90    *int
	ResolutionMedian    *int
	ResolutionP90       *int
}

// Report is an SLA report: a total, one group per priority, and the filter for its breaches.
type Report struct {
	Total  *Group
	Groups []*Group
	Filter ReportFilter
	Now    time.Time
}

func (f ReportFilter) predicates(ctx context.Context, c *ent.Client) ([]predicate.Ticket, error) {
	if !f.To.After(f.From) {
		return nil, apperr.Invalid("the period must end after it starts", "to")
	}
	ps := []predicate.Ticket{ticket.ReceivedAtGTE(f.From), ticket.ReceivedAtLT(f.To), ticket.LevelNEQ(ticket.LevelCUSTOMER)}
	if f.CustomerID != nil {
		ps = append(ps, ticket.CustomerID(*f.CustomerID))
	}
	if f.ContractID != nil {
		ps = append(ps, ticket.ContractID(*f.ContractID))
	}
	if f.Priority != nil {
		ps = append(ps, ticket.PriorityEQ(*f.Priority))
	}
	if f.Level != nil {
		ps = append(ps, ticket.LevelEQ(*f.Level))
	}
	if f.PartnerID != nil {
		ids, err := c.Organization.Query().Where(organization.ParentID(*f.PartnerID), organization.KindEQ(organization.KindCUSTOMER)).IDs(ctx)
		if err != nil {
			return nil, err
		}
		ps = append(ps, ticket.CustomerIDIn(ids...))
	}
	return ps, nil
}

// breachedResolved is the predicate of resolved tickets that missed a target (first response
// or resolution), read from the results frozen at resolution.
func breachedResolved() predicate.Ticket {
	return ticket.And(ticket.SLAResolutionMetNotNil(), ticket.Or(ticket.SLAResolutionMet(false), ticket.SLAFirstResponseMet(false)))
}

// overdue is the predicate of tickets still open at now that already missed a target: a late
// first response, no first response after its due time, or a resolution past its due time.
func overdue(now time.Time) predicate.Ticket {
	return ticket.And(ticket.SLAResolutionMetIsNil(), ticket.ResolvedAtIsNil(), ticket.SLAResolutionDueNotNil(),
		ticket.StatusNotIn(ticket.StatusCLOSED, ticket.StatusDUPLICATE, ticket.StatusREJECTED, ticket.StatusDECLINED),
		ticket.Or(ticket.SLAFirstResponseMet(false), ticket.SLAResolutionDueLT(now),
			ticket.And(ticket.SLAFirstResponseMetIsNil(), ticket.FirstResponseAtIsNil(), ticket.SLAFirstResponseDueLT(now))))
}

// breached is the predicate of a report's breach list: resolved tickets that missed a target
// and open tickets that are overdue.
func breached(now time.Time) predicate.Ticket {
	return ticket.Or(breachedResolved(), overdue(now))
}

// Report computes an SLA report over the tickets the viewer may see (the privacy rules apply
// to every query here). Counts are aggregated in the database; percentiles are nearest-rank
// (percentile_disc), computed by PostgreSQL there and from the sorted values on SQLite.
func (s *Service) Report(ctx context.Context, f ReportFilter) (*Report, error) {
	if viewer.FromContext(ctx) == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	return s.report(ctx, f, nil)
}

func (s *Service) report(ctx context.Context, f ReportFilter, extra []predicate.Ticket) (*Report, error) {
	ps, err := f.predicates(ctx, s.Client)
	if err != nil {
		return nil, err
	}
	ps = append(ps, extra...)
	now := s.now()
	pg := s.Postgres
	type row struct {
		Priority string   `json:"priority"`
		Count    int      `json:"count"`
		Resolved int      `json:"resolved"`
		Met      int      `json:"met"`
		Breached int      `json:"breached"`
		Overdue  int      `json:"overdue"`
		FRMed    *float64 `json:"fr_med"`
		FRP90    *float64 `json:"fr_p90"`
		ResMed   *float64 `json:"res_med"`
		ResP90   *float64 `json:"res_p90"`
	}
	sum := func(label string, cond func(*sql.Selector) string) ent.AggregateFunc {
		return func(s *sql.Selector) string {
			return sql.As("SUM(CASE WHEN "+cond(s)+" THEN 1 ELSE 0 END)", label)
		}
	}
	aggs := []ent.AggregateFunc{ent.Count(),
		sum("resolved", func(s *sql.Selector) string { return s.C(ticket.FieldSLAResolutionMet) + " IS NOT NULL" }),
		// Met: resolved with both targets met (a first response frozen as NULL predates the
		// rule that resolution finalises it and counts as met).
		sum("met", func(s *sql.Selector) string {
			return s.C(ticket.FieldSLAResolutionMet) + " = " + boolLit(pg, true) + " AND (" + s.C(ticket.FieldSLAFirstResponseMet) +
				" IS NULL OR " + s.C(ticket.FieldSLAFirstResponseMet) + " = " + boolLit(pg, true) + ")"
		}),
	}
	var pcts []ent.AggregateFunc // PostgreSQL's percentiles
	if pg {
		pct := func(label, col string, p float64) ent.AggregateFunc {
			return func(s *sql.Selector) string {
				return sql.As("percentile_disc("+ftoa(p)+") WITHIN GROUP (ORDER BY "+s.C(col)+")", label)
			}
		}
		pcts = []ent.AggregateFunc{pct("fr_med", ticket.FieldSLAFirstResponseMinutes, 0.5), pct("fr_p90", ticket.FieldSLAFirstResponseMinutes, 0.9),
			pct("res_med", ticket.FieldSLAResolutionMinutes, 0.5), pct("res_p90", ticket.FieldSLAResolutionMinutes, 0.9)}
		aggs = append(aggs, pcts...)
	}
	var rows []row
	if err := s.Client.Ticket.Query().Where(ps...).GroupBy(ticket.FieldPriority).Aggregate(aggs...).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	var orows []struct {
		Priority string `json:"priority"`
		Count    int    `json:"count"`
	}
	if err := s.Client.Ticket.Query().Where(append(ps, overdue(now))...).GroupBy(ticket.FieldPriority).
		Aggregate(ent.Count()).Scan(ctx, &orows); err != nil {
		return nil, err
	}
	overdues := map[string]int{}
	for _, o := range orows {
		overdues[o.Priority] = o.Count
	}
	// The total's percentiles: on PostgreSQL one more aggregate over the same tickets without
	// the grouping; on SQLite, which has no percentile_disc, from the values themselves (read
	// once, for the groups and the total).
	var total []row
	values := map[string][2][]int{}
	var frAll, resAll []int
	if pg {
		if err := s.Client.Ticket.Query().Where(ps...).Aggregate(pcts...).Scan(ctx, &total); err != nil {
			return nil, err
		}
	} else {
		var vals []struct {
			Priority string `json:"priority"`
			FR       *int   `json:"sla_first_response_minutes"`
			Res      *int   `json:"sla_resolution_minutes"`
		}
		if err := s.Client.Ticket.Query().Where(append(ps, ticket.Or(ticket.SLAFirstResponseMinutesNotNil(), ticket.SLAResolutionMinutesNotNil()))...).
			Select(ticket.FieldPriority, ticket.FieldSLAFirstResponseMinutes, ticket.FieldSLAResolutionMinutes).Scan(ctx, &vals); err != nil {
			return nil, err
		}
		for _, v := range vals {
			pv := values[v.Priority]
			if v.FR != nil {
				pv[0] = append(pv[0], *v.FR)
				frAll = append(frAll, *v.FR)
			}
			if v.Res != nil {
				pv[1] = append(pv[1], *v.Res)
				resAll = append(resAll, *v.Res)
			}
			values[v.Priority] = pv
		}
	}
	rep := &Report{Filter: f, Now: now, Total: &Group{}}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Priority < rows[j].Priority })
	for _, r := range rows {
		p := ticket.Priority(r.Priority)
		g := &Group{Priority: &p, Tickets: r.Count, Resolved: r.Resolved, Met: r.Met, Breached: r.Resolved - r.Met, Overdue: overdues[r.Priority]}
		if pg {
			g.FirstResponseMedian, g.FirstResponseP90, g.ResolutionMedian, g.ResolutionP90 = round(r.FRMed), round(r.FRP90), round(r.ResMed), round(r.ResP90)
		} else {
			pv := values[r.Priority]
			g.FirstResponseMedian, g.FirstResponseP90 = Percentile(pv[0], 0.5), Percentile(pv[0], 0.9)
			g.ResolutionMedian, g.ResolutionP90 = Percentile(pv[1], 0.5), Percentile(pv[1], 0.9)
		}
		g.MetPercent = percent(g.Met, g.Resolved)
		rep.Groups = append(rep.Groups, g)
		rep.Total.Tickets += g.Tickets
		rep.Total.Resolved += g.Resolved
		rep.Total.Met += g.Met
		rep.Total.Breached += g.Breached
		rep.Total.Overdue += g.Overdue
	}
	rep.Total.MetPercent = percent(rep.Total.Met, rep.Total.Resolved)
	if pg {
		if len(total) == 1 {
			t := total[0]
			rep.Total.FirstResponseMedian, rep.Total.FirstResponseP90, rep.Total.ResolutionMedian, rep.Total.ResolutionP90 = round(t.FRMed), round(t.FRP90), round(t.ResMed), round(t.ResP90)
		}
	} else {
		rep.Total.FirstResponseMedian, rep.Total.FirstResponseP90 = Percentile(frAll, 0.5), Percentile(frAll, 0.9)
		rep.Total.ResolutionMedian, rep.Total.ResolutionP90 = Percentile(resAll, 0.5), Percentile(resAll, 0.9)
	}
	return rep, nil
}

// Breaches pages the tickets of a report that missed or are past a target.
func (s *Service) Breaches(ctx context.Context, r *Report, after *ent.Cursor, first *int, before *ent.Cursor, last *int) (*ent.TicketConnection, error) {
	ps, err := r.Filter.predicates(ctx, s.Client)
	if err != nil {
		return nil, err
	}
	return s.Client.Ticket.Query().Where(append(ps, breached(r.Now))...).Paginate(ctx, after, first, before, last)
}

// PartnerScore is one partner's line of a vendor's scorecard.
type PartnerScore struct {
	Partner *ent.Organization
	Report  *Group
}

// Scorecard reports the SLA figures of every partner of the viewer's vendor organisation. The
// tickets belong to the partners' customers, which vendor staff may not read one by one; only
// these aggregates leave the bypass.
func (s *Service) Scorecard(ctx context.Context, from, to time.Time) ([]*PartnerScore, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	if v.OrgKind != viewer.Vendor {
		return nil, apperr.Forbiddenf("partner scorecards are for vendor staff")
	}
	partners, err := s.Client.Organization.Query().Where(organization.IDIn(v.PartnerIDs...)).Order(ent.Asc(organization.FieldName)).All(ctx)
	if err != nil {
		return nil, err
	}
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	var out []*PartnerScore
	for _, p := range partners {
		pid := p.ID
		rep, err := s.report(trusted, ReportFilter{PartnerID: &pid, From: from, To: to}, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, &PartnerScore{Partner: p, Report: rep.Total})
	}
	return out, nil
}

// Percentile is the nearest-rank percentile (PostgreSQL's percentile_disc): the smallest value
// whose cumulative share reaches p. Nil for no values.
func Percentile(values []int, p float64) *int {
	if len(values) == 0 {
		return nil
	}
	v := append([]int{}, values...)
	sort.Ints(v)
	i := int(math.Ceil(p*float64(len(v)))) - 1
	if i < 0 {
		i = 0
	}
	return &v[i]
}

func percent(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	p := math.Round(float64(n)*10000/float64(d)) / 100
	return &p
}

func round(f *float64) *int {
	if f == nil {
		return nil
	}
	n := int(math.Round(*f))
	return &n
}

func ftoa(f float64) string {
	if f == 0.5 {
		return "0.5"
	}
	return "0.9"
}

func boolLit(pg, b bool) string {
	switch {
	case pg && b:
		return "true"
	case pg:
		return "false"
	case b:
		return "1"
	}
	return "0"
}
