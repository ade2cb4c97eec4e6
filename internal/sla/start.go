package sla

import (
	"context"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/privacy"
)

// Start is what a new ticket is inserted with: the due times of both measures and the
// evaluator's first look (all nil without an SLA), as Freeze would store them right after the
// insert. k is the contract under the terms in force when the ticket was received (nil: none);
// t is the ticket about to be inserted (received time, priority, no waiting periods). Computing
// them before the insert saves reading the ticket back and updating it.
type Start struct {
	FirstResponseDue, ResolutionDue, NextCheck *time.Time
}

// StartOf computes the Start of t under k, reading k's calendar through c.
func (s *Service) StartOf(ctx context.Context, c *ent.Client, t *ent.Ticket, k *ent.Contract) (Start, error) {
	if k == nil {
		return Start{}, nil
	}
	target, ok := TargetFor(k, t.Priority)
	if !ok || k.CalendarID == nil {
		return Start{}, nil
	}
	stored := k.Edges.Calendar
	if stored == nil || stored.ID != *k.CalendarID {
		var err error
		if stored, err = c.Calendar.Get(privacy.DecisionContext(ctx, privacy.Allow), *k.CalendarID); err != nil {
			return Start{}, err
		}
	}
	cal, err := s.Calendar(stored)
	if err != nil {
		return Start{}, err
	}
	clk, now := Clock{Cal: cal}, s.now()
	st := status(clk, target, t, now)
	var next *time.Time
	for _, m := range []Measure{st.FirstResponse, st.Resolution} {
		if at := clk.AtRiskMoment(m, t.ReceivedAt, t.WaitingPeriods, now); next == nil || at.Before(*next) {
			next = &at
		}
	}
	fr, res := st.FirstResponse.DueAt, st.Resolution.DueAt
	return Start{FirstResponseDue: &fr, ResolutionDue: &res, NextCheck: next}, nil
}
