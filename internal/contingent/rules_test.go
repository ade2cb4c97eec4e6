package contingent

import "testing"

func TestRoundUpSeed003(t *testing.T) {
	for raw, want := range map[int]int{7: 10, 58: 60, 61: 65, 5: 5, 1: 5, 60: 60} {
		if got, _ := RoundUp(raw, 5); got != want {
			t.Errorf("RoundUp(%d) = %d, want %d", raw, got, want)
		}
	}
	if _, err := RoundUp(0, 5); err == nil {
		t.Error("zero minutes accepted")
	}
	if got, _ := RoundUp(16, 15); got != 30 {
		t.Errorf("increment 15: %d", got)
	}
}

func TestAmount(t *testing.T) {
	cases := []struct {
		min  int
		rate int64
		want int64
	}{{65, 7000, 7583}, {10, 7000, 1167}, {60, 8000, 8000}, {480, 7000, 56000}, {5, 9000, 750}, {1, 1, 0}, {30, 1, 1}}
	for _, c := range cases {
		if got := Amount(c.min, c.rate); got != c.want {
			t.Errorf("Amount(%d, %d) = %d, want %d", c.min, c.rate, got, c.want)
		}
	}
}

// TestMatrix is the billing matrix as one table: every agreement × ticket type × channel
// covered × hyper care.
func TestMatrix(t *testing.T) {
	type want struct {
		billable, contingent bool
		min                  int
	}
	free := want{}
	cont := want{true, true, 0}
	inv := want{true, false, 15}
	types := []string{"QUESTION", "INCIDENT", "CHANGE_REQUEST", "SERVICE_REQUEST", "PRODUCT_IDEA"}
	table := map[string]map[bool][]want{ // agreement → covered → per type (outside hyper care)
		"CONTINGENT": {true: {cont, cont, cont, cont, free}, false: {cont, cont, cont, cont, free}},
		"INVOICED":   {true: {inv, free, inv, inv, free}, false: {inv, free, inv, inv, free}},
		"EXTENDED":   {true: {free, free, free, free, free}, false: {inv, free, inv, inv, free}},
		"BASIC":      {true: {free, free, free, free, free}, false: {inv, free, inv, inv, free}},
	}
	for agreement, byCovered := range table {
		for covered, wants := range byCovered {
			for i, typ := range types {
				for _, hyper := range []bool{false, true} {
					w := wants[i]
					if hyper && (typ == "QUESTION" || typ == "INCIDENT") {
						w = free
					}
					d := Decide(Terms{Agreement: agreement, ChannelCovered: covered, InHypercare: hyper}, typ, false)
					if d.Billable != w.billable || d.UsesContingent != w.contingent || d.MinimumMinutes != w.min {
						t.Errorf("%s covered=%v hyper=%v %s: %+v, want %+v", agreement, covered, hyper, typ, d, w)
					}
				}
			}
		}
	}
	if d := Decide(Terms{Agreement: "BASIC", ChannelCovered: true, IncidentsBillable: true}, "INCIDENT", false); !d.Billable {
		t.Error("contract billing incidents")
	}
	if d := Decide(Terms{Agreement: "CONTINGENT"}, "INCIDENT", true); d.Billable {
		t.Error("fix delivery billed")
	}
}

func TestBilledMinimumOncePerInquiry(t *testing.T) {
	d := Decide(Terms{Agreement: "INVOICED", ChannelCovered: true}, "QUESTION", false)
	if got := Billed(d, 5, 0); got != 15 {
		t.Errorf("first booking %d", got)
	}
	if got := Billed(d, 5, 15); got != 5 {
		t.Errorf("second booking %d", got)
	}
	if got := Billed(d, 20, 0); got != 20 {
		t.Errorf("long booking %d", got)
	}
}
