package billing

import (
	"slices"
	"testing"
)

func TestApportion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		minutes []int
		rate    int64
		want    []int64
	}{
		{"three 10s at 7000: 1166.67 each, 3500.00 together", []int{10, 10, 10}, 7000, []int64{1167, 1167, 1166}},
		{"one part is Amount", []int{65}, 7000, []int64{7583}},
		{"exact shares need no cents", []int{60, 30}, 8000, []int64{8000, 4000}},
		{"largest remainder wins: 5 min 583.33, 25 min 2916.67 → 3500", []int{5, 25}, 7000, []int64{583, 2917}},
		{"two halves at 30 cents: 0.5 + 0.5 = 1", []int{1, 1}, 30, []int64{1, 0}},
		{"seven 5s at 7000: 583.33 each, 4083.33 together, floors 4081", []int{5, 5, 5, 5, 5, 5, 5}, 7000, []int64{584, 584, 583, 583, 583, 583, 583}},
		{"within 480 and extra 20 at 7000", []int{480, 20}, 7000, []int64{56000, 2333}},
		{"zero minutes", []int{0, 10}, 7000, []int64{0, 1167}},
		{"nothing", nil, 7000, []int64{}},
		{"1 minute parts at 9999", []int{1, 1, 1}, 9999, []int64{167, 167, 166}},
	}
	for _, tc := range tests {
		got := Apportion(tc.minutes, tc.rate)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		sum, total := int64(0), 0
		for i, c := range got {
			sum += c
			total += tc.minutes[i]
		}
		if sum != Amount(total, tc.rate) {
			t.Errorf("%s: parts add to %d, total is %d", tc.name, sum, Amount(total, tc.rate))
		}
	}
}

// TestApportionAddsUp checks the sum for many part lists against the once-rounded total.
func TestApportionAddsUp(t *testing.T) {
	t.Parallel()
	for _, rate := range []int64{1, 30, 7000, 8000, 9999, 12345} {
		for n := 1; n <= 12; n++ {
			parts := make([]int, n)
			for i := range parts {
				parts[i] = (i*37+n*11)%95 + 1
			}
			sum, total := int64(0), 0
			for i, c := range Apportion(parts, rate) {
				exact := float64(parts[i]) * float64(rate) / 60
				if float64(c) < exact-1 || float64(c) > exact+1 {
					t.Fatalf("rate %d part %d: %d cents for %.2f", rate, i, c, exact)
				}
				sum += c
				total += parts[i]
			}
			if sum != Amount(total, rate) {
				t.Fatalf("rate %d, %v: %d ≠ %d", rate, parts, sum, Amount(total, rate))
			}
		}
	}
}

func TestApportionNegativeRate(t *testing.T) {
	t.Parallel()
	if got := Apportion([]int{10, 10, 10}, -7000); !slices.Equal(got, []int64{-1167, -1167, -1166}) {
		t.Errorf("negative rate: %v", got)
	}
}
