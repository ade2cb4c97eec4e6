package sla_test

import (
	"testing"
	"time"

	"supportdesk/ent/schema/schematype"
	"supportdesk/internal/sla"
)

// always is a calendar open around the clock: business minutes are wall minutes.
type always struct{}

func (always) Add(t time.Time, minutes int) time.Time {
	return t.Add(time.Duration(minutes) * time.Minute)
}
func (always) Between(from, to time.Time) int { return int(to.Sub(from) / time.Minute) }

func TestClockMeasure(t *testing.T) {
	at := func(hm string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", "2026-11-10 "+hm)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ptr := func(v time.Time) *time.Time { return &v }
	start := at("10:00")
	paused := []schematype.Period{{Start: at("10:10"), End: ptr(at("10:20"))}}
	for _, c := range []struct {
		name      string
		stop      *time.Time
		waiting   []schematype.Period
		now       string
		state     sla.State
		elapsed   int
		remaining int
		due       string
	}{
		{"half way", nil, nil, "10:30", sla.OnTrack, 30, 30, "11:00"},
		{"at 75 percent", nil, nil, "10:45", sla.AtRisk, 45, 15, "11:00"},
		{"at the target", nil, nil, "11:00", sla.Breached, 60, 0, "11:00"},
		{"stopped in time", ptr(at("10:50")), nil, "12:00", sla.Met, 50, 10, "11:00"},
		{"stopped exactly at the target", ptr(at("11:00")), nil, "12:00", sla.Met, 60, 0, "11:00"},
		{"stopped late", ptr(at("11:10")), nil, "12:00", sla.Breached, 70, 0, "11:00"},
		{"waiting pauses the clock and moves the due time", nil, paused, "10:50", sla.OnTrack, 40, 20, "11:10"},
		{"still waiting", nil, []schematype.Period{{Start: at("10:30")}}, "12:00", sla.OnTrack, 30, 30, "12:30"},
	} {
		m := sla.Clock{Cal: always{}}.Measure(60, start, c.stop, c.waiting, at(c.now))
		if m.State != c.state || m.ElapsedMinutes != c.elapsed || m.RemainingMinutes != c.remaining || !m.DueAt.Equal(at(c.due)) {
			t.Errorf("%s: got %s elapsed %d remaining %d due %s; want %s %d %d %s", c.name, m.State, m.ElapsedMinutes,
				m.RemainingMinutes, m.DueAt.Format("15:04"), c.state, c.elapsed, c.remaining, c.due)
		}
	}
	// The at-risk moment of a running 60-minute clock is after 45 minutes (75 %), later by a pause.
	m := sla.Clock{Cal: always{}}.Measure(60, start, nil, paused, at("10:30"))
	if got := (sla.Clock{Cal: always{}}).AtRiskMoment(m, start, paused, at("10:30")); !got.Equal(at("10:55")) {
		t.Errorf("at-risk moment %s, want 10:55", got.Format("15:04"))
	}
}

func TestPercentile(t *testing.T) {
	if sla.Percentile(nil, 0.5) != nil {
		t.Error("percentile of nothing is not nil")
	}
	values := []int{50, 10, 40, 20, 30}
	for _, c := range []struct {
		p    float64
		want int
	}{{0, 10}, {0.2, 10}, {0.21, 20}, {0.5, 30}, {0.8, 40}, {0.9, 50}, {1, 50}} {
		if got := sla.Percentile(values, c.p); got == nil || *got != c.want {
			t.Errorf("p%v = %v, want %d", c.p, got, c.want)
		}
	}
	if values[0] != 50 {
		t.Error("Percentile sorted its argument in place")
	}
}
