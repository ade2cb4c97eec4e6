package billing

import "testing"

func TestBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		b             Budget
		used          int
		total, unused int
		within, extra int
	}{
		{Budget{Monthly: 480}, 0, 480, 480, 0, 0},
		{Budget{Monthly: 480}, 135, 480, 345, 135, 0},
		{Budget{Monthly: 480}, 480, 480, 0, 480, 0},
		{Budget{Monthly: 480, CarriedOver: 30}, 500, 510, 10, 500, 0},
		{Budget{Monthly: 480, CarriedOver: 30, Extra: 60}, 530, 570, 0, 510, 20},
		{Budget{Monthly: 480, Extra: 60}, 540, 540, 0, 480, 60},
		{Budget{Monthly: 480}, 500, 480, 0, 480, 20},
		{Budget{}, 0, 0, 0, 0, 0},
		{Budget{Extra: 30}, 25, 30, 0, 0, 25},
		{Budget{Monthly: 480}, -15, 480, 495, -15, 0},
	}
	for _, tc := range tests {
		if got := tc.b.Total(); got != tc.total {
			t.Errorf("%+v.Total() = %d, want %d", tc.b, got, tc.total)
		}
		if got := tc.b.Unused(tc.used); got != tc.unused {
			t.Errorf("%+v.Unused(%d) = %d, want %d", tc.b, tc.used, got, tc.unused)
		}
		if within, extra := Split(tc.used, tc.b); within != tc.within || extra != tc.extra {
			t.Errorf("Split(%d, %+v) = %d, %d; want %d, %d", tc.used, tc.b, within, extra, tc.within, tc.extra)
		}
	}
}

func TestCarryOver(t *testing.T) {
	t.Parallel()
	tests := []struct {
		unused, limit int
		enabled       bool
		want          int
	}{
		{345, 120, true, 120},
		{100, 120, true, 100},
		{120, 120, true, 120},
		{345, 120, false, 0},
		{0, 120, true, 0},
		{-10, 120, true, 0},
		{345, 0, true, 0},
		{345, -1, true, 0},
	}
	for _, tc := range tests {
		if got := CarryOver(tc.unused, tc.limit, tc.enabled); got != tc.want {
			t.Errorf("CarryOver(%d, %d, %v) = %d, want %d", tc.unused, tc.limit, tc.enabled, got, tc.want)
		}
	}
}

func TestThresholdCrossed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                          string
		before, after, total, percent int
		want                          bool
	}{
		{"reaches 80 % of 480 exactly", 380, 384, 480, 80, true},
		{"passes 80 %", 380, 390, 480, 80, true},
		{"stays below", 370, 383, 480, 80, false},
		{"already past", 384, 390, 480, 80, false},
		{"already past, far", 400, 480, 480, 80, false},
		{"one booking from zero to full", 0, 480, 480, 80, true},
		{"no change at the threshold", 384, 384, 480, 80, false},
		{"default percent", 380, 390, 480, 0, true},
		{"default percent, below", 300, 380, 480, -5, false},
		{"fractional threshold 5.6 of 7: 5 is below", 4, 5, 7, 80, false},
		{"fractional threshold 5.6 of 7: 6 crosses", 5, 6, 7, 80, true},
		{"100 % crosses at full", 470, 480, 480, 100, true},
		{"100 % not yet", 400, 475, 480, 100, false},
		{"more extra minutes lower usage below; the next crossing counts", 390, 460, 570, 80, true},
		{"no budget", 0, 10, 0, 80, false},
		{"negative budget", 0, 10, -5, 80, false},
		{"correction moving down", 390, 380, 480, 80, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ThresholdCrossed(tc.before, tc.after, tc.total, tc.percent); got != tc.want {
				t.Errorf("ThresholdCrossed(%d, %d, %d, %d) = %v, want %v", tc.before, tc.after, tc.total, tc.percent, got, tc.want)
			}
		})
	}
}

func TestStatementLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		used int
		b    Budget
		rate int64
		want LevelStatement
	}{
		{"seed 003 L1 within", 135, Budget{Monthly: 480}, 7000,
			LevelStatement{135, 135, 0, 7000, 15750, 0, 15750}},
		{"full budget and extra", 500, Budget{Monthly: 480, Extra: 60}, 7000,
			LevelStatement{500, 480, 20, 7000, 56000, 2333, 58333}},
		{"carried over counts as within", 500, Budget{Monthly: 480, CarriedOver: 30}, 8000,
			LevelStatement{500, 500, 0, 8000, 66667, 0, 66667}},
		{"parts rounded apart: total is their sum", 485, Budget{Monthly: 480}, 7000,
			LevelStatement{485, 480, 5, 7000, 56000, 583, 56583}},
		{"nothing used", 0, Budget{Monthly: 720}, 9000,
			LevelStatement{0, 0, 0, 9000, 0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := StatementLine(tc.used, tc.b, tc.rate); got != tc.want {
				t.Errorf("StatementLine = %+v, want %+v", got, tc.want)
			}
		})
	}
}
