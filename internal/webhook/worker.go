package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/ent/webhookdelivery"
	"supportdesk/internal/jobs"
)

// Defaults of a Worker.
const (
	DefaultMaxAttempts = 8
	DefaultBackoff     = 30 * time.Second
	maxBackoff         = time.Hour
	lease              = time.Minute
	requestTimeout     = 10 * time.Second
	batch              = 20
	maxAnswer          = 64 << 10
)

// Worker sends due deliveries. Every instance runs one; claims keep them from sending a row
// twice.
type Worker struct {
	Client      *ent.Client
	Log         *slog.Logger
	Now         func() time.Time
	HTTP        *http.Client
	Interval    time.Duration
	MaxAttempts int
	Backoff     time.Duration
	// Observe, when set, is told the result of every run (metrics).
	Observe func(error)
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return time.Now().UTC()
}

func (w *Worker) client() *http.Client {
	if w.HTTP != nil {
		return w.HTTP
	}
	return &http.Client{Timeout: requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Run sends due deliveries every Interval (default 2 s) until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	jobs.Every(ctx, w.Interval, "webhook deliveries", w.Log, w.Observe, w.RunOnce)
}

// RunOnce sends the deliveries due now (a batch at a time, until none is due) and returns how
// many it attempted.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	ctx = trusted(ctx)
	sent := 0
	for {
		now := w.now()
		due, err := w.Client.WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING),
			webhookdelivery.NextAttemptAtLTE(now),
			webhookdelivery.Or(webhookdelivery.ClaimedUntilIsNil(), webhookdelivery.ClaimedUntilLT(now))).
			Order(ent.Asc(webhookdelivery.FieldNextAttemptAt), ent.Asc(webhookdelivery.FieldID)).Limit(batch).All(ctx)
		if err != nil || len(due) == 0 {
			return sent, err
		}
		claimedAny := false
		for _, d := range due {
			ok, err := w.claim(ctx, d, now)
			if err != nil {
				return sent, err
			}
			if !ok {
				continue // another instance claimed it
			}
			claimedAny = true
			sent++
			if err := w.send(ctx, d.ID); err != nil {
				return sent, err
			}
		}
		if !claimedAny {
			return sent, nil
		}
	}
}

// claim takes a delivery with a guarded update: exactly one instance changes the row.
func (w *Worker) claim(ctx context.Context, d *ent.WebhookDelivery, now time.Time) (bool, error) {
	n, err := w.Client.WebhookDelivery.Update().Where(webhookdelivery.ID(d.ID), webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING),
		webhookdelivery.NextAttemptAtLTE(now),
		webhookdelivery.Or(webhookdelivery.ClaimedUntilIsNil(), webhookdelivery.ClaimedUntilLT(now))).
		SetClaimedUntil(now.Add(lease)).AddAttempts(1).Save(ctx)
	return n == 1, err
}

// Backoff is the wait after the given number of failed attempts: base, 2·base, 4·base, … at
// most an hour.
func Backoff(base time.Duration, attempts int) time.Duration {
	d := base
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// send posts one claimed delivery and records the outcome.
func (w *Worker) send(ctx context.Context, id int) error {
	d, err := w.Client.WebhookDelivery.Query().Where(webhookdelivery.ID(id)).WithEndpoint().Only(ctx)
	if err != nil {
		return err
	}
	ep := d.Edges.Endpoint
	var code int
	var answer []byte
	if !ep.Active {
		err = errors.New("endpoint disabled")
	} else if err = CheckURL(ep.URL); err == nil {
		code, answer, err = w.post(ctx, ep, d)
	}
	now := w.now()
	u := w.Client.WebhookDelivery.UpdateOne(d).ClearClaimedUntil()
	if code != 0 {
		u.SetResponseCode(code)
	}
	switch {
	case err == nil && code >= 200 && code < 300:
		u.SetStatus(webhookdelivery.StatusSUCCEEDED).SetDeliveredAt(now).SetLastError("").ClearNextAttemptAt()
	default:
		msg := fmt.Sprintf("HTTP %d", code)
		if err != nil {
			msg = err.Error()
		}
		u.SetLastError(truncate(msg, 500))
		maxAttempts := w.MaxAttempts
		if maxAttempts <= 0 {
			maxAttempts = DefaultMaxAttempts
		}
		base := w.Backoff
		if base <= 0 {
			base = DefaultBackoff
		}
		if d.Attempts >= maxAttempts || !ep.Active {
			u.SetStatus(webhookdelivery.StatusFAILED).ClearNextAttemptAt()
		} else {
			u.SetNextAttemptAt(now.Add(Backoff(base, d.Attempts)))
		}
	}
	if err := u.Exec(ctx); err != nil {
		return err
	}
	if err == nil && code >= 200 && code < 300 && d.Event == TicketEscalated && d.TicketID != nil {
		return w.caseRef(ctx, *d.TicketID, answer)
	}
	return nil
}

func (w *Worker) post(ctx context.Context, ep *ent.WebhookEndpoint, d *ent.WebhookDelivery) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	ts := w.now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Supportdesk-Webhook/1")
	req.Header.Set(HeaderEvent, d.Event)
	req.Header.Set(HeaderEventID, d.EventID)
	req.Header.Set(HeaderDelivery, globalID(d.ID))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(ep.Secret, ts, body))
	resp, err := w.client().Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("request failed: %w", errors.Unwrap(err))
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	return resp.StatusCode, answer, nil
}

// caseRef stores the vendor's case reference from an escalation answer such as
// {"caseRef":"VC-1"} on a ticket that is still at level VENDOR, with a history row.
func (w *Worker) caseRef(ctx context.Context, ticketID int, answer []byte) error {
	var a struct {
		CaseRef string `json:"caseRef"`
	}
	if json.Unmarshal(answer, &a) != nil {
		return nil
	}
	ref := strings.TrimSpace(a.CaseRef)
	if ref == "" || len(ref) > 200 {
		return nil
	}
	t, err := w.Client.Ticket.Get(ctx, ticketID)
	if err != nil || t.Level != ticket.LevelVENDOR || t.VendorCaseRef == ref {
		return err
	}
	tx, err := w.Client.Tx(ctx)
	if err != nil {
		return err
	}
	err = tx.Ticket.UpdateOneID(t.ID).SetVendorCaseRef(ref).Exec(ctx)
	if err == nil {
		err = tx.TicketEvent.Create().SetTicketID(t.ID).SetKind(ticketevent.KindUPDATED).SetFromValue(t.VendorCaseRef).
			SetToValue(ref).SetReason("vendor case reference from the vendor's system").Exec(ctx)
	}
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
