// Package reqlog carries a request's id through its context so that every log line and every
// INTERNAL error a client sees can be matched.
package reqlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

type ctxKey struct{}

// NewID returns a fresh random request id.
func NewID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// WithID returns a context carrying id.
func WithID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// ID returns the request id of ctx, or "".
func ID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}
