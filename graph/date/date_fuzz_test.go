package date

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"supportdesk/internal/apperr"
)

// FuzzUnmarshalDate: any text is a date written back exactly as given, or VALIDATION.
func FuzzUnmarshalDate(f *testing.F) {
	for _, s := range []string{"2026-12-01", "2024-02-29", "2023-02-29", "2026-13-01", "2026-12-01T00:00:00Z", "", "0000-01-01", "9999-12-31", "2026-1-1", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := UnmarshalDate(context.Background(), s)
		if err != nil {
			if apperr.CodeOf(err) != apperr.Validation {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		var b bytes.Buffer
		if err := MarshalDate(d).MarshalGQLContext(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != strconv.Quote(s) {
			t.Fatalf("%q written back as %s", s, b.String())
		}
	})
}
