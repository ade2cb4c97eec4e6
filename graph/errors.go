package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"supportdesk/ent"
	"supportdesk/ent/privacy"
	"supportdesk/internal/apperr"
	"supportdesk/internal/reqlog"
	"supportdesk/internal/viewer"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// ErrorPresenter is the only place that writes extensions.code. Application errors keep their
// safe message; Ent errors are mapped to the closed set; anything else becomes INTERNAL with
// the request id, and its detail goes to the log only.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var src *gqlerror.Error
		if errors.As(err, &src) && src.Err == nil {
			// Parse and validation errors of the query document itself are safe as they are,
			// except that a variable of the wrong shape is told in GraphQL's words, not Go's
			// ("cannot use map as Int").
			if len(gqlErr.Path) == 2 && gqlErr.Path[0] == ast.PathName("variable") {
				if m := wrongVariable.FindStringSubmatch(gqlErr.Message); m != nil {
					gqlErr.Message = fmt.Sprintf("variable $%v must be a value of type %s", gqlErr.Path[1], m[1])
				}
			}
			return gqlErr
		}
		code, msg, fields := classify(ctx, err)
		if code == apperr.Internal && isDataException(err) {
			// The database refused a value (PostgreSQL SQLSTATE class 22: bad text encoding,
			// number or date out of range): the client's input, not a server fault.
			field := "input"
			for i := len(gqlErr.Path) - 1; i >= 0; i-- {
				if name, ok := gqlErr.Path[i].(ast.PathName); ok {
					field = string(name)
					break
				}
			}
			code, msg, fields = apperr.Validation, "a value is not acceptable: "+field, []string{field}
		}
		if code == apperr.Internal {
			id := reqlog.ID(ctx)
			log.ErrorContext(ctx, "internal error", "request_id", id, "path", gqlErr.Path.String(), "err", err)
			msg = fmt.Sprintf("internal error (request %s)", id)
		}
		gqlErr.Message = msg
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		gqlErr.Extensions["code"] = string(code)
		if len(fields) > 0 {
			gqlErr.Extensions["fields"] = fields
			gqlErr.Extensions["field"] = fields[0]
		}
		if ae, ok := apperr.As(err); ok && ae.RetryAfter > 0 {
			gqlErr.Extensions["retryAfter"] = ae.RetryAfter
			if m := reqlog.MetaOf(ctx); m != nil {
				m.RetryAfter = max(m.RetryAfter, ae.RetryAfter)
			}
		}
		return gqlErr
	}
}

func classify(ctx context.Context, err error) (apperr.Code, string, []string) {
	if ae, ok := apperr.As(err); ok {
		return ae.Code, ae.Message, ae.Fields
	}
	var verr *ent.ValidationError
	switch {
	case errors.Is(err, privacy.Deny):
		if viewer.FromContext(ctx) == nil {
			return apperr.Unauthenticated, "authentication required", nil
		}
		return apperr.Forbidden, "not allowed", nil
	case ent.IsNotFound(err):
		return apperr.NotFound, "not found", nil
	case errors.As(err, &verr):
		return apperr.Validation, "invalid value for " + verr.Name, []string{verr.Name}
	case ent.IsConstraintError(err):
		return apperr.Conflict, "conflicts with existing data", nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return apperr.Internal, "", nil
	}
	return apperr.Internal, "", nil
}

var wrongVariable = regexp.MustCompile(`^cannot use .* as (\w+)$`)

// isDataException tells a database error of SQLSTATE class 22 (data exception).
func isDataException(err error) bool {
	var st interface{ SQLState() string }
	return errors.As(err, &st) && strings.HasPrefix(st.SQLState(), "22")
}

// Recover turns a panic in a resolver into an INTERNAL error; the panic goes to the log.
func Recover(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "request_id", reqlog.ID(ctx), "panic", p)
		return errors.New("panic")
	}
}
