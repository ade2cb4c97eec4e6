package mail

import "testing"

// TestNumberPattern: a ticket number in a subject is found with six digits and past 999,999
// (numbers keep growing beyond six digits: SD-1000000).
func TestNumberPattern(t *testing.T) {
	for subject, want := range map[string]string{
		"Re: [SD-000042] Printer":       "SD-000042",
		"AW: SD-1000000 still broken":   "SD-1000000",
		"Re: [SD-12345678] Invoice run": "SD-12345678",
		"Re: SD-12345 too short":        "",
		"no number here":                "",
	} {
		got := ""
		if m := numberPattern.FindStringSubmatch(subject); m != nil {
			got = m[1]
		}
		if got != want {
			t.Errorf("%q: %q, want %q", subject, got, want)
		}
	}
}
