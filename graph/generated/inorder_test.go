package generated

import (
	"bytes"
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// marshalSliceInOrder gives what graphql.MarshalSliceConcurrently gives: each element marshalled
// with its index in the field context, a panicking element as null with its error, and the
// elements after a cancellation as null with one error.
func TestMarshalSliceInOrder(t *testing.T) {
	render := func(a graphql.Array) string {
		var b bytes.Buffer
		a.MarshalGQL(&b)
		return b.String()
	}
	run := func(ctx context.Context, n int, panicAt int, cancel func(i int)) (string, gqlerror.List) {
		ctx = graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, graphql.DefaultRecover)
		ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{})
		var order []int
		a := marshalSliceInOrder(ctx, n, 2, false, func(ctx context.Context, i int) graphql.Marshaler {
			if got := *graphql.GetFieldContext(ctx).Index; got != i {
				t.Fatalf("element %d has index %d in its field context", i, got)
			}
			order = append(order, i)
			if cancel != nil {
				cancel(i)
			}
			if i == panicAt {
				panic("boom")
			}
			return graphql.MarshalInt(i * 10)
		})
		for k, i := range order {
			if k != i {
				t.Fatalf("marshalled in order %v", order)
			}
		}
		return render(a), graphql.GetErrors(ctx)
	}

	if got, errs := run(context.Background(), 4, -1, nil); got != "[0,10,20,30]" || len(errs) != 0 {
		t.Fatalf("plain: %s %v", got, errs)
	}
	if got, errs := run(context.Background(), 0, -1, nil); got != "[]" || len(errs) != 0 {
		t.Fatalf("empty: %s %v", got, errs)
	}
	if got, errs := run(context.Background(), 3, 1, nil); got != "[0,null,20]" || len(errs) != 1 ||
		errs[0].Path.String() != "[1]" {
		t.Fatalf("panic: %s %v", got, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got, errs := run(ctx, 4, -1, func(i int) {
		if i == 1 {
			cancel()
		}
	})
	if got != "[0,10,null,null]" || len(errs) != 1 || errs[0].Message != context.Canceled.Error() {
		t.Fatalf("cancelled: %s %v", got, errs)
	}
}
