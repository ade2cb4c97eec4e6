package gid

import (
	"strings"
	"testing"
)

// FuzzDecode: any text decodes to a positive id or a VALIDATION error, never a panic, and an
// id that decodes encodes back to the same id.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{Encode(1), Encode(4294967296), "", "sd:1", "c2Q6", "c2Q6MA", "c2Q6LTE", "c2Q6OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "!!!", "c2Q6MQ==", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Decode(s)
		if err != nil {
			if err.Error() != "malformed id: id" {
				t.Fatalf("error text %q", err)
			}
			return
		}
		if id <= 0 {
			t.Fatalf("Decode(%q) = %d", s, id)
		}
		if back, err := Decode(Encode(id)); err != nil || back != id {
			t.Fatalf("round trip of %d: %d %v", id, back, err)
		}
		if strings.ContainsRune(Encode(id), '=') {
			t.Fatalf("padding in %q", Encode(id))
		}
	})
}
