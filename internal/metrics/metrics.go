package metrics

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

const namespace = "supportdesk"

// MaxOperationNames is how many distinct operation names are kept as labels.
const MaxOperationNames = 200

// Jobs are the background loops whose runs are counted; they start at zero.
var Jobs = []string{"sla_evaluator", "carry_over", "webhook_worker", "outbox_publish", "outbox_read", "outbox_prune"}

// Metrics is one instance's registry and its instruments.
type Metrics struct {
	Registry *prometheus.Registry

	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	errors      *prometheus.CounterVec
	http        *prometheus.HistogramVec
	jobRuns     *prometheus.CounterVec
	jobFailures *prometheus.CounterVec

	mu    sync.Mutex
	names map[string]bool
}

// New makes a registry with the Go runtime and process collectors and the instruments.
func New() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry(), names: map[string]bool{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "graphql_requests_total",
		Help: "GraphQL operations (queries and mutations) by operation name and outcome (ok or the first error's code)."},
		[]string{"operation", "outcome"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "graphql_request_duration_seconds",
		Help:    "Time from reading a GraphQL request to its response, by operation name.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"operation"})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "graphql_errors_total",
		Help: "GraphQL errors answered, by extensions.code."}, []string{"code"})
	m.http = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "http_request_duration_seconds",
		Help: "HTTP request latency by route and status.", Buckets: prometheus.DefBuckets}, []string{"route", "status"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "job_runs_total",
		Help: "Runs of a background job."}, []string{"job"})
	m.jobFailures = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "job_failures_total",
		Help: "Runs of a background job that failed."}, []string{"job"})
	for _, j := range Jobs {
		m.jobRuns.WithLabelValues(j)
		m.jobFailures.WithLabelValues(j)
	}
	m.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.errors, m.http, m.jobRuns, m.jobFailures)
	return m
}

// Handler serves the registry in the Prometheus text (or OpenMetrics) format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// Counter exposes a counter kept elsewhere (an atomic) under supportdesk_<name>.
func (m *Metrics) Counter(name, help string, labels prometheus.Labels, f func() float64) {
	m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help,
		ConstLabels: labels}, f))
}

// Gauge exposes a value read on every scrape under supportdesk_<name>.
func (m *Metrics) Gauge(name, help string, f func() float64) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, f))
}

// Job returns the function a background loop calls after each run with its result. A run
// ended by cancellation (shutdown) is not counted.
func (m *Metrics) Job(name string) func(error) {
	runs, failures := m.jobRuns.WithLabelValues(name), m.jobFailures.WithLabelValues(name)
	return func(err error) {
		if errors.Is(err, context.Canceled) {
			return
		}
		runs.Inc()
		if err != nil {
			failures.Inc()
		}
	}
}

// ObserveHTTP records one HTTP request; route must come from a fixed set.
func (m *Metrics) ObserveHTTP(route string, status int, d time.Duration) {
	m.http.WithLabelValues(route, strconv.Itoa(status)).Observe(d.Seconds())
}

// operation bounds the label set of client-chosen operation names.
func (m *Metrics) operation(name string) string {
	if name == "" {
		return "anonymous"
	}
	if len(name) > 64 {
		name = name[:64]
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= MaxOperationNames {
		return "other"
	}
	m.names[name] = true
	return name
}

// GraphQL is the gqlgen extension that counts operations, their latency and their errors.
func (m *Metrics) GraphQL() graphql.HandlerExtension { return gqlExtension{m} }

type gqlExtension struct{ m *Metrics }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = gqlExtension{}

func (gqlExtension) ExtensionName() string                   { return "Metrics" }
func (gqlExtension) Validate(graphql.ExecutableSchema) error { return nil }
func (x gqlExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	name, start := "", time.Time{}
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
			// Each event of a subscription is a response; the live metrics count those.
			x.countErrors(resp)
			return resp
		}
		name, start = oc.OperationName, oc.Stats.OperationStart
		if name == "" && oc.Operation != nil {
			name = oc.Operation.Name
		}
		if name == "" && oc.Operation == nil && oc.RawQuery != "" {
			name = parsedName(oc.RawQuery)
		}
	}
	op := x.m.operation(name)
	outcome := "ok"
	if len(resp.Errors) > 0 {
		outcome = code(resp.Errors[0].Extensions)
	}
	x.m.requests.WithLabelValues(op, outcome).Inc()
	if start.IsZero() {
		start = graphql.GetStartTime(ctx)
	}
	if !start.IsZero() {
		x.m.duration.WithLabelValues(op).Observe(time.Since(start).Seconds())
	}
	x.countErrors(resp)
	return resp
}

func (x gqlExtension) countErrors(resp *graphql.Response) {
	for _, e := range resp.Errors {
		x.m.errors.WithLabelValues(code(e.Extensions)).Inc()
	}
}

// code is an error's extensions.code, bounded to the shape of a code.
func code(ext map[string]any) string {
	c, _ := ext["code"].(string)
	if c == "" || len(c) > 40 {
		return "UNKNOWN"
	}
	return c
}

// parsedName is the name of a document's only operation when validation refused it (then the
// operation context has none); the document is parsed again, on this error path only.
func parsedName(raw string) string {
	doc, err := parser.ParseQuery(&ast.Source{Input: raw})
	if err != nil || len(doc.Operations) != 1 {
		return ""
	}
	return doc.Operations[0].Name
}
