package notify

import (
	"context"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/notification"
	"supportdesk/ent/notificationpreference"
	"supportdesk/ent/privacy"
	"supportdesk/internal/apperr"
	"supportdesk/internal/mail/outbound"
	"supportdesk/internal/viewer"
)

// Notification kinds. Kinds lists all of them, in the order preferences are shown.
const (
	TicketAssigned         = "TICKET_ASSIGNED"
	CustomerReplied        = "CUSTOMER_REPLIED"
	TicketEscalated        = "TICKET_ESCALATED"
	TicketResolved         = "TICKET_RESOLVED"
	TicketWaiting          = "TICKET_WAITING"
	EstimateAwaitsApproval = "ESTIMATE_AWAITS_APPROVAL"
	SLAAtRisk              = "SLA_AT_RISK"
	SLABreached            = "SLA_BREACHED"
	ContingentWarning      = "CONTINGENT_WARNING"
	ContingentExhausted    = "CONTINGENT_EXHAUSTED"
	OverrunDecided         = "OVERRUN_DECIDED"
	FixReleased            = "FIX_RELEASED"
	FixDelivered           = "FIX_DELIVERED"
)

// Kinds are all notification kinds.
var Kinds = []string{TicketAssigned, CustomerReplied, TicketEscalated, TicketResolved, TicketWaiting,
	EstimateAwaitsApproval, SLAAtRisk, SLABreached, ContingentWarning, ContingentExhausted, OverrunDecided, FixReleased, FixDelivered}

// Message is one notification for one recipient.
type Message struct {
	RecipientID int
	Kind        string
	Title       string
	Body        string
	TicketID    *int
	// DedupKey, when set, makes the notification once-only.
	DedupKey string
}

// Send writes the messages in the caller's transaction, leaving out the acting viewer's own
// and those of kinds their recipients turned off in-app; recipients who want a kind by mail
// also get it as outbound mail (package outbound), in the same transaction. It runs with the
// privacy bypass: the fan-out reaches users the acting viewer cannot see (a vendor releasing a
// fix notifies the partner's customers), which is this package's reviewed reason to bypass.
func Send(ctx context.Context, c *ent.Client, msgs ...Message) error {
	actor := 0
	if v := viewer.FromContext(ctx); v != nil {
		actor = v.UserID
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	routes, mailed, err := filter(ctx, c, actor, msgs)
	if err != nil {
		return err
	}
	for _, m := range routes {
		if m.inApp {
			q := c.Notification.Create().SetRecipientID(m.RecipientID).SetKind(m.Kind).SetTitle(m.Title).
				SetBody(m.Body).SetNillableTicketID(m.TicketID)
			if m.DedupKey != "" {
				q.SetDedupKey(m.DedupKey)
				if err := q.OnConflictColumns(notification.FieldDedupKey).DoNothing().Exec(ctx); err != nil && !isNoRows(err) {
					return err
				}
			} else if err := q.Exec(ctx); err != nil {
				return err
			}
		}
		// The mail of a once-only notification is once-only by the same key, in-app or not.
		if mailed[pref{m.RecipientID, m.Kind}] {
			if err := outbound.QueueNotification(ctx, c, m.RecipientID, m.Kind, m.Title, m.Body, m.TicketID, m.DedupKey); err != nil {
				return err
			}
		}
	}
	return nil
}

type pref struct {
	user int
	kind string
}

// routed is a message with its in-app decision.
type routed struct {
	Message
	inApp bool
}

// filter drops the actor's own messages and those their recipient wants neither in-app nor by
// mail, and says which go out by mail; it reads the preferences of all recipients in one query.
func filter(ctx context.Context, c *ent.Client, actor int, msgs []Message) ([]routed, map[pref]bool, error) {
	var ids []int
	out := make([]routed, 0, len(msgs))
	for _, m := range msgs {
		if m.RecipientID == 0 || m.RecipientID == actor {
			continue
		}
		ids = append(ids, m.RecipientID)
		out = append(out, routed{Message: m, inApp: true})
	}
	if len(out) == 0 {
		return nil, nil, nil
	}
	set, err := c.NotificationPreference.Query().Where(notificationpreference.UserIDIn(ids...),
		notificationpreference.Or(notificationpreference.InApp(false), notificationpreference.Mail(true))).All(ctx)
	if err != nil || len(set) == 0 {
		return out, nil, err
	}
	muted, mailed := map[pref]bool{}, map[pref]bool{}
	for _, p := range set {
		muted[pref{p.UserID, p.Kind}] = !p.InApp
		mailed[pref{p.UserID, p.Kind}] = p.Mail
	}
	kept := out[:0]
	for _, m := range out {
		k := pref{m.RecipientID, m.Kind}
		m.inApp = !muted[k]
		if m.inApp || mailed[k] {
			kept = append(kept, m)
		}
	}
	return kept, mailed, nil
}

// isNoRows reports the error ent returns when DO NOTHING skipped the insert.
func isNoRows(err error) bool { return err != nil && err.Error() == "sql: no rows in result set" }

// MarkRead marks one of the viewer's notifications read; others' are NOT_FOUND through the
// privacy rules.
func MarkRead(ctx context.Context, c *ent.Client, id int, now time.Time) error {
	n, err := c.Notification.Query().Where(notification.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return apperr.NotFoundf("notification not found")
	}
	if err != nil {
		return err
	}
	if n.ReadAt != nil {
		return nil
	}
	return c.Notification.UpdateOne(n).SetReadAt(now.UTC()).Exec(ctx)
}

// MarkAllRead marks all of the viewer's unread notifications read and returns how many.
func MarkAllRead(ctx context.Context, c *ent.Client, now time.Time) (int, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return 0, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	return c.Notification.Update().Where(notification.RecipientID(v.UserID), notification.ReadAtIsNil()).
		SetReadAt(now.UTC()).Save(ctx)
}

// UnreadCount counts the viewer's unread notifications.
func UnreadCount(ctx context.Context, c *ent.Client) (int, error) {
	return c.Notification.Query().Where(notification.ReadAtIsNil()).Count(ctx)
}

// Preference is a user's setting for one kind.
type Preference struct {
	Kind  string `json:"kind"`
	InApp bool   `json:"inApp"`
	Mail  bool   `json:"mail"`
}

// Preferences returns the viewer's setting for every kind, defaults (in-app on, mail off) where
// they chose nothing.
func Preferences(ctx context.Context, c *ent.Client) ([]*Preference, error) {
	if viewer.FromContext(ctx) == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	rows, err := c.NotificationPreference.Query().All(ctx)
	if err != nil {
		return nil, err
	}
	stored := map[string]*ent.NotificationPreference{}
	for _, r := range rows {
		stored[r.Kind] = r
	}
	out := make([]*Preference, 0, len(Kinds))
	for _, k := range Kinds {
		p := &Preference{Kind: k, InApp: true}
		if r := stored[k]; r != nil {
			p.InApp, p.Mail = r.InApp, r.Mail
		}
		out = append(out, p)
	}
	return out, nil
}

// SetPreference stores the viewer's setting for one kind.
func SetPreference(ctx context.Context, c *ent.Client, p Preference) (*Preference, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	known := false
	for _, k := range Kinds {
		known = known || k == p.Kind
	}
	if !known {
		return nil, apperr.Invalid("unknown notification kind", "kind")
	}
	err := c.NotificationPreference.Create().SetUserID(v.UserID).SetKind(p.Kind).SetInApp(p.InApp).SetMail(p.Mail).
		OnConflictColumns(notificationpreference.FieldUserID, notificationpreference.FieldKind).
		Update(func(u *ent.NotificationPreferenceUpsert) { u.UpdateInApp().UpdateMail() }).Exec(ctx)
	if err != nil {
		return nil, err
	}
	return &p, nil
}
