package billing

// Budget is a contingent's budget of one level in one month (SPEC 7), in minutes.
type Budget struct {
	Monthly     int
	CarriedOver int
	// Extra is the minutes the customer approved beyond the month's budget (SPEC 12.4).
	Extra int
}

// Total returns the minutes that may be booked: monthly + carried over + extra.
func (b Budget) Total() int { return b.Monthly + b.CarriedOver + b.Extra }

// Unused returns the minutes of the monthly and carried-over budget left after used minutes,
// never negative. Approved extra minutes are an allowance billed only when used, so unused extra
// minutes are not counted and do not carry over.
func (b Budget) Unused(used int) int { return max(0, b.Monthly+b.CarriedOver-used) }

// CarryOver returns the minutes carried into the next month: none when carry-over is off,
// otherwise unused capped at limit. SPEC 3 has carry-over "off, or on with a cap", so the cap is
// always in force: a cap of 0 or less carries nothing, it does not mean unlimited.
func CarryOver(unused, limit int, enabled bool) int {
	if !enabled || unused <= 0 || limit <= 0 {
		return 0
	}
	return min(unused, limit)
}

// ThresholdCrossed reports whether the booking that moved usage from before to after minutes
// crosses the warning threshold of percent of total: before is below it and after reaches or
// passes it, so exactly one booking crosses (a later approval of extra minutes raises total and
// can arm it again). A percent of 0 or less means DefaultWarningPercent (80); a total of 0 or
// less has no threshold. Integer math: after × 100 ≥ total × percent.
func ThresholdCrossed(before, after, total, percent int) bool {
	if percent <= 0 {
		percent = DefaultWarningPercent
	}
	if total <= 0 {
		return false
	}
	limit := total * percent
	return before*100 < limit && after*100 >= limit
}

// Split divides a level's used minutes of a month into those within the monthly and
// carried-over budget and the extra minutes beyond it (approved extra minutes are billed at the
// same rate, SPEC 12.4, but shown apart). Used minutes of 0 or less are all "within".
func Split(used int, b Budget) (within, extra int) {
	base := b.Monthly + b.CarriedOver
	if used <= base {
		return used, 0
	}
	return base, used - base
}

// LevelStatement is one level's line of a monthly statement.
type LevelStatement struct {
	UsedMinutes   int
	WithinMinutes int
	ExtraMinutes  int
	RateCents     int64
	WithinCents   int64
	ExtraCents    int64
	// TotalCents is Amount(UsedMinutes, RateCents) and exactly WithinCents + ExtraCents.
	TotalCents int64
}

// StatementLine builds a level's statement line from its used minutes, budget and hourly rate.
// The level's total is Amount(used, rate), rounded once; within and extra are that total
// apportioned by the minutes within and beyond the budget (Apportion), so they add up to it.
func StatementLine(used int, b Budget, rateCentsPerHour int64) LevelStatement {
	within, extra := Split(used, b)
	s := LevelStatement{
		UsedMinutes:   used,
		WithinMinutes: within,
		ExtraMinutes:  extra,
		RateCents:     rateCentsPerHour,
		TotalCents:    Amount(used, rateCentsPerHour),
	}
	if used > 0 {
		parts := Apportion([]int{within, extra}, rateCentsPerHour)
		s.WithinCents, s.ExtraCents = parts[0], parts[1]
	}
	return s
}
