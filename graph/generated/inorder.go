package generated

// This file is written by hand; generated.go is gqlgen's. graph/gqlgen.go, run by
// `go generate`, points generated.go's list marshalling at marshalSliceInOrder.

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSliceInOrder marshals a list's elements one after another, where gqlgen's
// graphql.MarshalSliceConcurrently (same signature, same results) starts a goroutine per
// element. Our objects resolve their fields in order from eager-loaded edges, so an element
// never waits for the database, and a goroutine per element only costs its start and the growth
// of a fresh stack (8 % of the server's CPU for a queue page at saturation, issue 14).
//
// As there, every element of the result is set: a panicking element (recovered unless
// omitPanicHandler) holds Null with its error reported, and once ctx is done the elements not
// yet marshalled hold Null, reported once as ctx.Err().
func marshalSliceInOrder(
	ctx context.Context,
	length int,
	_ int64,
	omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler,
) graphql.Array {
	ret := make(graphql.Array, length)
	for i := range length {
		fc := &graphql.FieldContext{Index: &i}
		childCtx := graphql.WithFieldContext(ctx, fc)
		if err := ctx.Err(); err != nil {
			graphql.AddError(childCtx, err)
			for j := i; j < length; j++ {
				ret[j] = graphql.Null
			}
			break
		}
		if omitPanicHandler {
			ret[i] = marshalElement(childCtx, i)
			continue
		}
		ret[i] = marshalInOrderRecovering(childCtx, i, marshalElement)
	}
	return ret
}

func marshalInOrderRecovering(ctx context.Context, i int,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler,
) (m graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			m = graphql.Null
		}
	}()
	return marshalElement(ctx, i)
}
