// Package metrics is the Prometheus instrumentation of one server instance: a registry owned
// by the App (never the global default, so parallel tests do not collide), the GraphQL
// extension that counts operations by name and outcome with their latency and errors by code,
// HTTP latency by route, background job runs and failures, and helpers to expose counters
// kept elsewhere (SQL statements, pool use, sockets, live events) as collectors.
//
// Metric names (all prefixed supportdesk_ except the standard go_, process_ and
// go_sql_ collectors):
//
//	graphql_requests_total{operation,outcome}        outcome is "ok" or the first error's code
//	graphql_request_duration_seconds{operation}      histogram
//	graphql_errors_total{code}                       every error of every response
//	http_request_duration_seconds{route,status}      histogram; route is a fixed set
//	job_runs_total{job}, job_failures_total{job}     sla_evaluator, carry_over, webhook_worker,
//	                                                 outbox_publish, outbox_read, outbox_prune
//	sql_statements_total{kind}                       kind: query, exec
//	sql_transactions_total
//	websocket_connections_open, live_subscriptions_open
//	live_events_delivered_total, live_events_dropped_total
//
// Operation names come from clients; the first MaxOperationNames distinct names are kept as
// they are (cut to 64 characters), later ones are counted as "other", so a client cannot grow
// the label set without bound.
package metrics
