// Package notify creates in-app notifications. Each notification may carry a dedup key, so a
// fan-out that runs twice notifies once.
package notify

import (
	"context"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/notification"
	"supportdesk/ent/privacy"
)

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

// Send writes the messages in the caller's transaction. It runs with the privacy bypass: the
// fan-out reaches users the acting viewer cannot see (a vendor releasing a fix notifies the
// partner's customers), which is this package's reviewed reason to bypass.
func Send(ctx context.Context, c *ent.Client, msgs ...Message) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	for _, m := range msgs {
		q := c.Notification.Create().SetRecipientID(m.RecipientID).SetKind(m.Kind).SetTitle(m.Title).
			SetBody(m.Body).SetNillableTicketID(m.TicketID)
		if m.DedupKey != "" {
			q.SetDedupKey(m.DedupKey)
			if err := q.OnConflictColumns(notification.FieldDedupKey).DoNothing().Exec(ctx); err != nil && !isNoRows(err) {
				return err
			}
			continue
		}
		if err := q.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// isNoRows reports the error ent returns when DO NOTHING skipped the insert.
func isNoRows(err error) bool { return err != nil && err.Error() == "sql: no rows in result set" }

// MarkRead marks one of the viewer's notifications read; others' are NOT_FOUND through the
// privacy rules.
func MarkRead(ctx context.Context, c *ent.Client, id int, now time.Time) error {
	n, err := c.Notification.Query().Where(notification.ID(id)).Only(ctx)
	if err != nil {
		return err
	}
	if n.ReadAt != nil {
		return nil
	}
	return c.Notification.UpdateOne(n).SetReadAt(now.UTC()).Exec(ctx)
}
