package contingent

import "testing"

// TestAtoi64: the statement's integer columns are parsed from the driver's bytes exactly, and
// anything else is refused rather than read as a wrong number.
func TestAtoi64(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "7": 7, "-15": -15, "123456789012345678": 123456789012345678} {
		if got, ok := atoi64([]byte(in)); !ok || got != want {
			t.Errorf("atoi64(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-", "1.5", "12a", " 1", "1234567890123456789"} {
		if got, ok := atoi64([]byte(in)); ok {
			t.Errorf("atoi64(%q) = %d, accepted", in, got)
		}
	}
}
