package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"supportdesk/graph"
	"supportdesk/graph/gid"
	"supportdesk/internal/apperr"
	"supportdesk/internal/contingent"
	"supportdesk/internal/reqlog"
	"supportdesk/internal/viewer"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/cors"
)

// Handler is the HTTP surface: /graphql, /healthz, /readyz.
func (a *App) Handler() http.Handler {
	gql := graph.NewHandler(a.handler, graph.Options{Logger: a.Log, Introspection: a.Cfg.Introspection,
		MaxDepth: a.Cfg.MaxDepth, MaxComplexity: a.Cfg.MaxComplexity, MaxUploadSize: a.Cfg.MaxUploadBytes,
		MaxBodyBytes: a.Cfg.MaxBodyBytes, DefaultPageSize: a.Cfg.DefaultPageSize, MaxPageSize: a.Cfg.MaxPageSize,
		MaxListItems: a.Cfg.MaxListItems, Websocket: a.websocketTransport(),
		Extensions: []graphql.HandlerExtension{a.Metrics.GraphQL()}, GeneratedStatement: a.Cfg.GeneratedStatement})
	mux := http.NewServeMux()
	admit := a.admission.admit
	mux.Handle("/graphql", a.graphiQL(a.websocketUpgrade(admit(a.limitBody(a.authenticate(gql))))))
	mux.Handle("GET /attachments/{id}", admit(a.authenticate(http.HandlerFunc(a.download))))
	mux.Handle("GET /statements/{contract}/{file}", admit(a.authenticate(http.HandlerFunc(a.statementCSV))))
	if a.Cfg.MetricsEnabled {
		mux.Handle("GET /metrics", a.Metrics.Handler())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.DB.SQL.PingContext(ctx); err != nil {
			a.Log.Warn("not ready", "err", err)
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	c := cors.New(cors.Options{
		AllowedOrigins:   a.Cfg.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "X-Request-Id"},
		ExposedHeaders:   []string{"X-Request-Id"},
		AllowCredentials: false,
		MaxAge:           600,
	})
	return a.requestLog(c.Handler(mux))
}

// requestLog gives every request an id (echoed in X-Request-Id) and logs one line per request.
func (a *App) requestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = reqlog.NewID()
		}
		w.Header().Set("X-Request-Id", id)
		meta := &reqlog.Meta{ClientAddr: clientAddr(r)}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK, meta: meta}
		start := time.Now()
		next.ServeHTTP(rec, r.WithContext(reqlog.WithMeta(reqlog.WithID(r.Context(), id), meta)))
		a.Metrics.ObserveHTTP(metricsRoute(r.URL.Path), rec.status, time.Since(start))
		a.Log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("request_id", id),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)))
	})
}

// clientAddr is the address of the connection's peer (no proxy headers are trusted).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type statusRecorder struct {
	http.ResponseWriter
	status  int
	meta    *reqlog.Meta
	written bool
}

// WriteHeader adds the Retry-After a handler asked for (a throttled login) before the status.
func (s *statusRecorder) WriteHeader(code int) {
	if !s.written && s.meta != nil && s.meta.RetryAfter > 0 {
		s.Header().Set("Retry-After", strconv.Itoa(s.meta.RetryAfter))
	}
	s.written = true
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if !s.written {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(b)
}

// Hijack lets the WebSocket upgrade take the connection over (logged as 101).
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("connection cannot be hijacked")
	}
	s.status = http.StatusSwitchingProtocols
	return h.Hijack()
}

// Unwrap gives http.ResponseController the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// limitBody caps request bodies at MAX_BODY_BYTES (413, with nothing executed); multipart
// uploads are limited by the GraphQL transport (MAX_UPLOAD_BYTES for the whole request,
// MAX_BODY_BYTES for its operations part).
func (a *App) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			if r.ContentLength > a.Cfg.MaxBodyBytes {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
					"message":    "the request body is larger than the limit of " + strconv.FormatInt(a.Cfg.MaxBodyBytes, 10) + " bytes",
					"extensions": map[string]any{"code": "REQUEST_TOO_LARGE"},
				}}})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, a.Cfg.MaxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// graphiQL serves the GraphiQL explorer (gqlgen's playground package: GraphiQL from its CDN
// with subresource integrity) to a browser asking GET /graphql for HTML, as long as
// introspection is enabled; with GRAPHQL_INTROSPECTION=false there is no explorer.
func (a *App) graphiQL(next http.Handler) http.Handler {
	if !a.Cfg.Introspection {
		return next
	}
	page := playground.Handler("Supportdesk GraphiQL", "/graphql")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.Header.Get("Upgrade") == "" && !r.URL.Query().Has("query") &&
			acceptsHTML(r.Header.Get("Accept")) {
			page.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func acceptsHTML(accept string) bool {
	for part := range strings.SplitSeq(accept, ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/html" {
			return true
		}
	}
	return false
}

// HTTPServer is the server of Handler with the configured timeouts. They bound requests only:
// net/http clears a connection's deadlines when the WebSocket upgrade hijacks it, so a
// subscription outlives them (TestIssue15ServerTimeouts); its keep-alive finds dead peers.
func (a *App) HTTPServer() *http.Server {
	return &http.Server{
		Addr:              a.Cfg.Addr,
		Handler:           a.Handler(),
		ReadHeaderTimeout: a.Cfg.ReadHeaderTimeout,
		ReadTimeout:       a.Cfg.ReadTimeout,
		WriteTimeout:      a.Cfg.WriteTimeout,
		IdleTimeout:       a.Cfg.IdleTimeout,
	}
}

// authenticate verifies a bearer token and puts the viewer into the context. Requests without
// a token go on anonymously (login needs none; the privacy rules deny everything else); a
// token that does not verify is refused with 401.
func (a *App) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			next.ServeHTTP(w, r)
			return
		}
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			unauthenticated(w, "the Authorization header must be a Bearer token")
			return
		}
		v, err := a.viewerFor(r.Context(), token)
		if err != nil && apperr.CodeOf(err) != apperr.Unauthenticated {
			// The token verified but its user could not be loaded (the database failed): not a
			// reason to sign the client out.
			a.Log.ErrorContext(r.Context(), "load viewer", "request_id", reqlog.ID(r.Context()), "err", err)
			unavailable(w, reqlog.ID(r.Context()))
			return
		}
		if err != nil {
			unauthenticated(w, "invalid or expired token")
			return
		}
		next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), v)))
	})
}

// viewerFor verifies the token and loads its user's viewer. A token that does not verify, or
// whose user is unknown or inactive, is UNAUTHENTICATED; any other error is the server's.
func (a *App) viewerFor(ctx context.Context, token string) (*viewer.Viewer, error) {
	id, _, err := a.Tokens.Verify(ctx, token)
	if err != nil {
		return nil, apperr.E(apperr.Unauthenticated, "invalid or expired token")
	}
	return a.Viewers.Load(ctx, a.DB.Client, id)
}

// unavailable answers 503 when the viewer of a valid token cannot be loaded; the client keeps
// its session and retries.
func unavailable(w http.ResponseWriter, requestID string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(http.StatusServiceUnavailable)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
		"message": "temporarily unavailable, try again", "extensions": map[string]any{"code": "INTERNAL", "requestId": requestID},
	}}})
}

func unauthenticated(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	w.WriteHeader(http.StatusUnauthorized)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
		"message": msg, "extensions": map[string]any{"code": "UNAUTHENTICATED"},
	}}})
}

// download streams an attachment the viewer may see; anything else is 404.
func (a *App) download(w http.ResponseWriter, r *http.Request) {
	id, err := gid.Decode(r.PathValue("id"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if viewer.FromContext(r.Context()) == nil {
		unauthenticated(w, "authentication required")
		return
	}
	att, rc, err := a.Flow.OpenAttachment(r.Context(), id)
	if err != nil {
		if apperr.CodeOf(err) != apperr.NotFound {
			a.Log.ErrorContext(r.Context(), "download", "request_id", reqlog.ID(r.Context()), "err", err)
		}
		http.NotFound(w, r)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", att.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.Filename}))
	w.Header().Set("Content-Length", strconv.FormatInt(att.Size, 10))
	_, _ = io.Copy(w, rc)
}

// statementCSV serves a monthly statement as CSV, authorised exactly like the GraphQL query.
func (a *App) statementCSV(w http.ResponseWriter, r *http.Request) {
	if viewer.FromContext(r.Context()) == nil {
		unauthenticated(w, "authentication required")
		return
	}
	id, err := gid.Decode(r.PathValue("contract"))
	month, ok := strings.CutSuffix(r.PathValue("file"), ".csv")
	if err != nil || !ok {
		http.NotFound(w, r)
		return
	}
	st, err := a.handler.Budgets.Statement(r.Context(), id, month)
	if err != nil {
		switch apperr.CodeOf(err) {
		case apperr.NotFound:
			http.NotFound(w, r)
		case apperr.Validation:
			http.Error(w, err.Error(), http.StatusBadRequest)
		default:
			a.Log.ErrorContext(r.Context(), "statement csv", "request_id", reqlog.ID(r.Context()), "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "statement-" + month + ".csv"}))
	_ = contingent.WriteCSV(w, st)
}

// metricsRoute is the metrics label of a path: one of a fixed set, whatever clients request.
func metricsRoute(path string) string {
	switch {
	case path == "/graphql", path == "/healthz", path == "/readyz", path == "/metrics":
		return path[1:]
	case strings.HasPrefix(path, "/attachments/"):
		return "attachments"
	case strings.HasPrefix(path, "/statements/"):
		return "statements"
	}
	return "other"
}
