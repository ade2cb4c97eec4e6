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

type metaKey struct{}

// Meta is what a request's handlers learn about it and tell its HTTP response: the client's
// address (for login throttling) and a Retry-After the response must carry.
type Meta struct {
	ClientAddr string
	// RetryAfter, when positive, is sent as the Retry-After header (seconds).
	RetryAfter int
}

// WithMeta returns a context carrying m.
func WithMeta(ctx context.Context, m *Meta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

// MetaOf returns the request's Meta, or nil outside an HTTP request.
func MetaOf(ctx context.Context) *Meta {
	m, _ := ctx.Value(metaKey{}).(*Meta)
	return m
}

// ClientAddr returns the request's client address, or "".
func ClientAddr(ctx context.Context) string {
	if m := MetaOf(ctx); m != nil {
		return m.ClientAddr
	}
	return ""
}
