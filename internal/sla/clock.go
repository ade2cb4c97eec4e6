package sla

import (
	"time"

	"supportdesk/ent/schema/schematype"
)

// State of one SLA target.
type State string

// States.
const (
	OnTrack  State = "ON_TRACK"
	AtRisk   State = "AT_RISK"
	Breached State = "BREACHED"
	Met      State = "MET"
)

// DefaultAtRiskPercent is the share of the target after which a running clock is at risk.
const DefaultAtRiskPercent = 75

// BusinessTime is the business-hour math the clock needs (a service calendar).
type BusinessTime interface {
	Add(t time.Time, minutes int) time.Time
	Between(from, to time.Time) int
}

// Measure is the state of one target.
type Measure struct {
	TargetMinutes    int       `json:"targetMinutes"`
	DueAt            time.Time `json:"dueAt"`
	ElapsedMinutes   int       `json:"elapsedMinutes"`
	RemainingMinutes int       `json:"remainingMinutes"`
	State            State     `json:"state"`
	// Stopped is when the clock stopped (first response or resolution), nil while running.
	StoppedAt *time.Time `json:"stoppedAt"`
}

// Clock computes measures in business minutes of one calendar.
type Clock struct {
	Cal           BusinessTime
	AtRiskPercent int
}

// Measure computes one target for a clock that started at start, stops at stop (nil: still
// running) and pauses during waiting.
func (c Clock) Measure(target int, start time.Time, stop *time.Time, waiting []schematype.Period, now time.Time) Measure {
	end := now
	if stop != nil {
		end = *stop
	}
	paused := func(upTo time.Time) int {
		n := 0
		for _, p := range waiting {
			pe := now
			if p.End != nil {
				pe = *p.End
			}
			s, e := maxTime(p.Start, start), minTime(pe, upTo)
			if e.After(s) {
				n += c.Cal.Between(s, e)
			}
		}
		return n
	}
	// The due time moves by the business minutes spent waiting before it; iterate until the
	// waiting inside [start, due) no longer changes (it can only grow, and is bounded).
	due := c.Cal.Add(start, target)
	for i := 0; i < 50; i++ {
		next := c.Cal.Add(start, target+paused(due))
		if next.Equal(due) {
			break
		}
		due = next
	}
	elapsed := c.Cal.Between(start, end) - paused(end)
	if elapsed < 0 {
		elapsed = 0
	}
	m := Measure{TargetMinutes: target, DueAt: due, ElapsedMinutes: elapsed, StoppedAt: stop}
	m.RemainingMinutes = max(target-elapsed, 0)
	pct := c.AtRiskPercent
	if pct <= 0 {
		pct = DefaultAtRiskPercent
	}
	switch {
	case stop != nil && elapsed <= target:
		m.State = Met
	case stop != nil || elapsed >= target:
		m.State = Breached
	case elapsed*100 >= target*pct:
		m.State = AtRisk
	default:
		m.State = OnTrack
	}
	return m
}

// AtRiskMoment is the instant a running clock reaches the at-risk share of its target.
func (c Clock) AtRiskMoment(m Measure, start time.Time, waiting []schematype.Period, now time.Time) time.Time {
	pct := c.AtRiskPercent
	if pct <= 0 {
		pct = DefaultAtRiskPercent
	}
	return c.Measure((m.TargetMinutes*pct+99)/100, start, nil, waiting, now).DueAt
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
