package billing

import (
	"cmp"
	"math/bits"
	"slices"
)

// Apportion prices parts of minutes at one hourly rate so that they add up exactly: the parts
// together cost Amount(Σ minutes, rate), the total rounded once; each part first gets its exact
// share minutes × rate / 60 rounded down to the cent, and the cents still missing to the total
// go one each to the parts with the largest remainders (on equal remainders the earlier part
// first). Three parts of 10 minutes at 7000 cents an hour (1166.67 each, 3500.00 together)
// give 1167, 1167 and 1166. A negative rate mirrors a positive one, as in Amount. Minutes must
// not be negative (statements price billable minutes, which never are): Apportion panics on
// them, and, like Amount, when a product does not fit an int64.
func Apportion(minutes []int, rateCentsPerHour int64) []int64 {
	if rateCentsPerHour < 0 {
		out := Apportion(minutes, -rateCentsPerHour)
		for i := range out {
			out[i] = -out[i]
		}
		return out
	}
	out := make([]int64, len(minutes))
	rem := make([]uint64, len(minutes))
	sum := 0
	var floors int64
	for i, m := range minutes {
		if m < 0 {
			panic("billing: apportion of negative minutes")
		}
		hi, lo := bits.Mul64(uint64(m), uint64(rateCentsPerHour))
		if hi >= 60 {
			panic("billing: amount overflows int64")
		}
		q, r := bits.Div64(hi, lo, 60)
		out[i], rem[i] = int64(q), r
		floors += int64(q)
		sum += m
	}
	left := Amount(sum, rateCentsPerHour) - floors
	order := make([]int, len(minutes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for _, i := range order[:left] {
		out[i]++
	}
	return out
}
