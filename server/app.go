package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"supportdesk/graph"
	"supportdesk/internal/admin"
	"supportdesk/internal/auth"
	"supportdesk/internal/contingent"
	"supportdesk/internal/db"
	"supportdesk/internal/demo"
	"supportdesk/internal/devtask"
	"supportdesk/internal/kb"
	"supportdesk/internal/live"
	"supportdesk/internal/mail"
	"supportdesk/internal/metrics"
	"supportdesk/internal/outbox"
	"supportdesk/internal/similar"
	"supportdesk/internal/sla"
	"supportdesk/internal/storage"

	"supportdesk/internal/ticketflow"
	"supportdesk/internal/webhook"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"supportdesk/ent"
	"supportdesk/ent/outboxevent"

	_ "supportdesk/ent/runtime" // registers privacy policies and hooks
)

// App is the wired server: database, domain services and the HTTP handler.
type App struct {
	Cfg    Config
	Log    *slog.Logger
	DB     *db.DB
	Auth   *auth.Service
	Flow   *ticketflow.Service
	Tokens *auth.Tokens
	SLA    *sla.Service
	// Viewers caches the viewers of tokens (invalidated by user, organisation and contract
	// changes, here and, through the outbox, on other instances).
	Viewers *auth.ViewerCache
	// Deliveries sends the webhook deliveries; every instance runs it (main starts Run).
	Deliveries *webhook.Worker
	// Outbox is this instance's end of the event outbox, Hub its subscription fan-out.
	Outbox *outbox.Stream
	Hub    *live.Hub
	// Intake, MailListener and Mailer are the mail intake and the outbound mail worker
	// (issue 17); StartMail starts what is configured.
	Intake       *mail.Intake
	MailListener *mail.Listener
	Mailer       *mail.Worker
	// Metrics is this instance's Prometheus registry (served on /metrics).
	Metrics *metrics.Metrics
	// admission bounds the requests in flight (admit.go).
	admission *admission
	handler   *graph.Resolver
	sockets   sockets

	stop       context.CancelFunc
	streamDone chan struct{}
}

// NewApp opens and migrates the database and wires the services.
func NewApp(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	d, err := db.Open(ctx, db.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: log,
		ConnectTimeout: cfg.DBConnectTimeout, PreparedStatements: cfg.PreparedStatements})
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	return newApp(cfg, log, d)
}

func newApp(cfg Config, log *slog.Logger, d *db.DB) (*App, error) {
	secret := cfg.JWTSecret
	if secret == "" {
		var err error
		if secret, err = loadOrCreateSecret(cfg.DataDir); err != nil {
			return nil, err
		}
		if d.Dialect != "sqlite3" {
			log.Warn("JWT_SECRET is not set: using the secret kept in the data folder; set JWT_SECRET for several instances")
		}
	}
	tokens := &auth.Tokens{Secret: []byte(secret), Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience,
		AccessTTL: cfg.AccessTTL, RefreshTTL: cfg.RefreshTTL}
	if len(cfg.OIDCIssuers) > 0 {
		tokens.OIDC = &auth.OIDC{Client: d.Client, Issuers: cfg.OIDCIssuers}
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	slas := &sla.Service{Client: d.Client, Now: now, Postgres: d.Dialect == dialect.Postgres, SQL: d.SQL}
	budgets := &contingent.Service{Client: d.Client, Now: now, Postgres: d.Dialect == dialect.Postgres,
		Statements: make(chan struct{}, runtime.GOMAXPROCS(0))}
	a := &App{Cfg: cfg, Log: log, DB: d, Tokens: tokens, SLA: slas,
		Auth: &auth.Service{Client: d.Client, Tokens: tokens, Clock: now},
		Flow: &ticketflow.Service{Client: d.Client, SLA: slas, Now: now, Postgres: d.Dialect == dialect.Postgres,
			Storage: storage.Local{Dir: filepath.Join(cfg.DataDir, "attachments")}},
	}
	a.Metrics = metrics.New()
	a.admission = newAdmission(cfg.MaxConcurrentRequests, cfg.RequestQueueTimeout)
	d.Client.Ticket.Intercept(sla.Intercept())
	a.Viewers = &auth.ViewerCache{}
	d.Client.User.Use(a.Viewers.Hook)
	d.Client.Organization.Use(a.Viewers.Hook)
	d.Client.Contract.Use(a.Viewers.Hook)
	// The SLA terms a query operation reads are cached until a contract, a term version or a
	// calendar changes (internal/sla termscache.go).
	d.Client.Contract.Use(slas.TermsHook)
	d.Client.ContractVersion.Use(slas.TermsHook)
	d.Client.Calendar.Use(slas.TermsHook)
	a.Deliveries = &webhook.Worker{Client: d.Client, Log: log, Now: now, Observe: a.Metrics.Job("webhook_worker")}
	budgets.ObserveCarryOver = a.Metrics.Job("carry_over")
	similar.Postgres = d.Dialect == dialect.Postgres
	a.Flow.BookEstimate = budgets.BookEstimate
	a.Flow.OnTypeChange = budgets.Rebill
	a.Intake = &mail.Intake{Client: d.Client, Flow: a.Flow, Cfg: cfg.Mail, Log: log, Now: now}
	a.Mailer = &mail.Worker{Client: d.Client, Cfg: cfg.Mail, Log: log, Now: now, Observe: a.Metrics.Job("mail_worker")}
	a.handler = &graph.Resolver{Client: d.Client, Auth: a.Auth, Flow: a.Flow,
		DevTasks:   &devtask.Service{Client: d.Client, Bookings: budgets, Now: now},
		Clocks:     slas,
		Budgets:    budgets,
		Admin:      &admin.Service{Client: d.Client, Auth: a.Auth, BcryptCost: cfg.BcryptCost},
		Webhooks:   &webhook.Service{Client: d.Client, Now: now},
		Knowledge:  &kb.Service{Client: d.Client, Flow: a.Flow},
		Mail:       &mail.Desk{Client: d.Client, Flow: a.Flow, Now: now},
		BcryptCost: cfg.BcryptCost,
	}
	a.startLive(d)
	a.instrument(d)
	return a, nil
}

// instrument exposes the counters kept by the database, the pool, the sockets and the hub.
func (a *App) instrument(d *db.DB) {
	m := a.Metrics
	m.Registry.MustRegister(collectors.NewDBStatsCollector(d.SQL, "supportdesk"))
	m.Counter("sql_statements_total", "SQL statements sent through Ent.", prometheus.Labels{"kind": "query"},
		func() float64 { return float64(d.Counts.Queries.Load()) })
	m.Counter("sql_statements_total", "SQL statements sent through Ent.", prometheus.Labels{"kind": "exec"},
		func() float64 { return float64(d.Counts.Execs.Load()) })
	m.Counter("sql_transactions_total", "Transactions begun through Ent.", nil,
		func() float64 { return float64(d.Counts.Txs.Load()) })
	m.Gauge("websocket_connections_open", "Open WebSocket connections.", func() float64 { return float64(a.sockets.count()) })
	m.Gauge("live_subscriptions_open", "Open subscriptions on this instance.", func() float64 { return float64(a.Hub.Subscribers()) })
	m.Counter("live_events_delivered_total", "Live events handed to subscribers (RESYNC included).", nil,
		func() float64 { return float64(a.Hub.Delivered.Load()) })
	m.Counter("live_events_dropped_total", "Live events lost to a full subscriber buffer (each followed by a RESYNC).", nil,
		func() float64 { return float64(a.Hub.Dropped.Load()) })
}

// startLive wires the outbox stream to the fan-out and starts reading. Events flow from the
// OutboxMixin rows through the stream's publisher and listener into the hub.
func (a *App) startLive(d *db.DB) {
	a.Hub = &live.Hub{Log: a.Log, Buffer: 64}
	// The stream reads through a client of its own on the same pool: its statements are the
	// instance's, not any request's (tests count a request's statements on d.Client).
	reader := ent.NewClient(ent.Driver(d.Counts.Count(entsql.OpenDB(d.Dialect, d.SQL))))
	deliver := func(batch []outbox.Event) {
		// Another instance's change of a user, organisation or contract reaches this one's
		// viewer cache here, and a change of SLA terms (contract, terms version, calendar) its
		// terms cache, which createTicket reads.
		viewers, terms := false, false
		for _, ev := range batch {
			switch ev.Object {
			case outboxevent.ObjectTypeUSER, outboxevent.ObjectTypeORGANIZATION:
				viewers = true
			case outboxevent.ObjectTypeCONTRACT:
				viewers, terms = true, true
			case outboxevent.ObjectTypeCONTRACT_VERSION, outboxevent.ObjectTypeCALENDAR:
				terms = true
			}
		}
		if viewers {
			a.Viewers.Invalidate()
		}
		if terms && a.SLA != nil {
			a.SLA.InvalidateTerms()
		}
		a.Hub.Publish(batch)
	}
	a.Outbox = &outbox.Stream{Client: reader, Log: a.Log, Deliver: deliver, Resync: a.Hub.Resync,
		Observe: func(job string, err error) { a.Metrics.Job(job)(err) }}
	if d.Dialect == dialect.Postgres {
		a.Outbox.SQL, a.Outbox.URL = d.SQL, d.URL
	}
	d.Client.OutboxEvent.Use(a.Outbox.Hook())
	a.handler.Live = &live.Service{Client: d.Client, Hub: a.Hub}
	ctx, stop := context.WithCancel(context.Background())
	a.stop, a.streamDone = stop, make(chan struct{})
	ready := make(chan struct{})
	go func() {
		defer close(a.streamDone)
		if err := a.Outbox.Run(ctx, ready); err != nil && ctx.Err() == nil {
			a.Log.Error("outbox stream", "err", err)
		}
	}()
	<-ready
}

// StartMail starts the SMTP intake listener and the outbound mail worker when they are
// configured; both stop when ctx ends.
func (a *App) StartMail(ctx context.Context) error {
	if a.Cfg.Mail.SMTPAddr != "" {
		a.MailListener = &mail.Listener{Intake: a.Intake, Log: a.Log}
		if err := a.MailListener.Start(); err != nil {
			return fmt.Errorf("mail listener: %w", err)
		}
		go func() {
			<-ctx.Done()
			closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = a.MailListener.Close(closeCtx)
		}()
	}
	if a.Cfg.Mail.RelayAddr != "" {
		go a.Mailer.Run(ctx)
	}
	return nil
}

// StopLive stops the outbox stream (publisher, listener, pruner) and waits for it.
func (a *App) StopLive() {
	if a.stop != nil {
		a.stop()
		<-a.streamDone
	}
}

// Close stops the outbox stream and releases the database.
func (a *App) Close() error {
	a.StopLive()
	return a.DB.Close()
}

// loadOrCreateSecret keeps the signing secret of the embedded default in the data folder, so
// tokens survive restarts.
func loadOrCreateSecret(dir string) (string, error) {
	path := filepath.Join(dir, "jwt-secret")
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	s := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return "", err
	}
	return s, nil
}

// LoadDemo loads the demo data set (idempotent) and prints the demo logins.
func (a *App) LoadDemo(ctx context.Context, w io.Writer) error {
	now := a.Cfg.Now
	if now == nil {
		now = time.Now
	}
	return demo.Load(ctx, demo.Services{Client: a.DB.Client, Auth: a.Auth, Admin: a.handler.Admin, SLA: a.SLA, Flow: a.Flow,
		Budgets: a.handler.Budgets, Mail: a.handler.Mail, BcryptCost: a.Cfg.BcryptCost, Now: now}, w)
}
