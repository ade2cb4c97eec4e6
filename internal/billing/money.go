package billing

import (
	"math"
	"math/bits"

	"supportdesk/internal/apperr"
)

// RoundUp rounds minutes up to the next multiple of increment; an increment of 0 or less means
// DefaultIncrement (5): 7 → 10, 58 → 60, 61 → 65, 60 → 60. Minutes of 0 or less are no booking
// and give a VALIDATION error, as does a result too large for an int.
func RoundUp(minutes, increment int) (int, error) {
	if increment <= 0 {
		increment = DefaultIncrement
	}
	if minutes <= 0 {
		return 0, apperr.Invalid("minutes must be positive", "minutes")
	}
	q := (minutes-1)/increment + 1
	if q > math.MaxInt/increment {
		return 0, apperr.Invalid("minutes too large", "minutes")
	}
	return q * increment, nil
}

// Amount returns the price in cents of minutes at an hourly rate in cents:
// minutes × rate / 60, rounded half away from zero to the cent with integer math only, so
// 65 min at 7000 (7583.33) is 7583, 10 min at 7000 (1166.67) is 1167, 1 min at 30 (0.5) is 1,
// and Amount(-m, r) is always -Amount(m, r), so a correction cancels its entry exactly. The
// product is formed in 128 bits; Amount panics only when the result does not fit an int64,
// which no real booking reaches.
func Amount(minutes int, rateCentsPerHour int64) int64 {
	neg := (minutes < 0) != (rateCentsPerHour < 0)
	hi, lo := bits.Mul64(abs(int64(minutes)), abs(rateCentsPerHour))
	// Adding half the divisor before a truncating division rounds half up.
	lo, carry := bits.Add64(lo, 30, 0)
	hi += carry
	if hi >= 60 {
		panic("billing: amount overflows int64")
	}
	q, _ := bits.Div64(hi, lo, 60)
	if q > math.MaxInt64 {
		panic("billing: amount overflows int64")
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

// abs returns |x| as a uint64, correct for math.MinInt64 too.
func abs(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1
	}
	return uint64(x)
}
