// Package date is the GraphQL Date scalar: a civil date ("2026-12-01") without time of day or
// zone. In Go a date is the UTC midnight of that day, which is also how it is stored, so months
// and comparisons read the day the user meant whatever the server's or the client's zone.
package date

import (
	"context"
	"io"
	"strconv"
	"time"

	"supportdesk/internal/apperr"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Layout is the only accepted form of a Date.
const Layout = time.DateOnly

// MarshalDate writes the civil date of t ("2026-12-01").
func MarshalDate(t time.Time) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, strconv.Quote(t.Format(Layout)))
		return err
	})
}

// UnmarshalDate reads "YYYY-MM-DD" as UTC midnight of that day. Anything else (an RFC 3339
// timestamp included: its day depends on a zone the client did not mean to send) is refused
// with VALIDATION naming the input field.
func UnmarshalDate(ctx context.Context, v any) (time.Time, error) {
	field := "date"
	for _, p := range graphql.GetPath(ctx) {
		if name, ok := p.(ast.PathName); ok {
			field = string(name)
		}
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, apperr.Invalid(field+" must be a date like 2026-12-01", field)
	}
	t, err := time.Parse(Layout, s)
	if err != nil {
		return time.Time{}, apperr.Invalid(field+" must be a date like 2026-12-01, without time of day", field)
	}
	return t, nil
}
