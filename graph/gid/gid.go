// Package gid encodes Ent's integer ids as opaque GraphQL global ids. Ent's global-id feature
// gives every type its own id range, so the integer alone identifies type and row; the
// encoding keeps clients from treating ids as numbers they could count through.
package gid

import (
	"encoding/base64"
	"io"
	"strconv"
	"strings"

	"supportdesk/internal/apperr"

	"github.com/99designs/gqlgen/graphql"
)

const prefix = "sd:"

// Encode returns the opaque global id of an Ent id.
func Encode(id int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(prefix + strconv.Itoa(id)))
}

// Decode returns the Ent id of an opaque global id.
func Decode(s string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), prefix) {
		return 0, apperr.Invalid("malformed id", "id")
	}
	id, err := strconv.Atoi(string(b[len(prefix):]))
	if err != nil || id <= 0 {
		return 0, apperr.Invalid("malformed id", "id")
	}
	return id, nil
}

// MarshalID writes an Ent id as an opaque GraphQL ID.
func MarshalID(id int) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(Encode(id)))
	})
}

// UnmarshalID reads an opaque GraphQL ID.
func UnmarshalID(v any) (int, error) {
	s, ok := v.(string)
	if !ok {
		return 0, apperr.Invalid("an id must be a string", "id")
	}
	return Decode(s)
}
