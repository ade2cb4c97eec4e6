package mail

import (
	"reflect"
	"testing"
)

func TestUnquote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Thanks, works.\n\nOn Mon, 7 Dec 2026 at 10:00, Support <s@p.test> wrote:\n> Hello", "Thanks, works."},
		{"Danke.\n\nAm 07.12.2026 um 10:00 schrieb Support <s@p.test>:\n> Hallo", "Danke."},
		{"Tak.\n\nDen 7. dec. 2026 kl. 10.00 skrev Support <s@p.test>:\n> Hej", "Tak."},
		{"See below\n-----Original Message-----\nFrom: x", "See below"},
		{"Answer\n> quoted\n> more", "Answer"},
		{"No quote at all\nsecond line", "No quote at all\nsecond line"},
		{"> only a quote", ""},
	} {
		if got := Unquote(c.in); got != c.want {
			t.Errorf("Unquote(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMsgIDs(t *testing.T) {
	got := msgIDs(" <ticket.SD-000001@sd.test> <SD-000001.ab@sd.test>\r\n\t<x@y> garbage")
	want := []string{"x@y", "SD-000001.ab@sd.test", "ticket.SD-000001@sd.test"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("msgIDs = %q, want %q", got, want)
	}
}

func TestNumberInSubject(t *testing.T) {
	for subject, want := range map[string]string{
		"Re: [SD-000042] Export hangs": "SD-000042",
		"AW: Nachtrag zu SD-000007":    "SD-000007",
		"Order 12345":                  "",
		"XSD-0000421":                  "",
		// Past 999,999 the number has more digits (SD-%06d), never a leading zero.
		"AW: SD-1000000 still broken":   "SD-1000000",
		"Re: [SD-12345678] Invoice run": "SD-12345678",
		"Re: SD-12345 too short":        "",
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
