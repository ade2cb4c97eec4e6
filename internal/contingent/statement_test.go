package contingent

import (
	"strings"
	"testing"
)

// TestLineKeyCompare: rows compare as their line keys number + "/" + level compare bytewise,
// also when one number is a prefix of the other or holds a '/' or a byte below it.
func TestLineKeyCompare(t *testing.T) {
	numbers := []string{"SD-1", "SD-10", "SD-1-2", "SD-1/L1", "SD-1.5", "SD-100", "SD-2", "SD-", "", "SD-1/", "SD-1 "}
	levels := []string{"L1", "L2", "VENDOR"}
	sign := func(c int) int { return min(max(c, -1), 1) }
	for _, an := range numbers {
		for _, al := range levels {
			for _, bn := range numbers {
				for _, bl := range levels {
					a, b := &monthRow{Number: an, Level: al}, &monthRow{Number: bn, Level: bl}
					if got, want := sign(lineKeyCompare(a, b)), strings.Compare(an+"/"+al, bn+"/"+bl); got != want {
						t.Errorf("%q/%q vs %q/%q: %d, want %d", an, al, bn, bl, got, want)
					}
				}
			}
		}
	}
}
