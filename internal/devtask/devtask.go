// Package devtask owns development tasks (SPEC 5): the structured L2 handover, watchers, running
// notes, linked tickets, and the stages DEV → QA → BETA → RELEASE whose release posts a public
// note on every linked ticket and notifies reporters and watchers.
package devtask

import (
	"context"
	"fmt"
	"strings"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/task"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/contingent"
	"supportdesk/internal/notify"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/viewer"
	"supportdesk/internal/webhook"
)

// Service performs task operations for the viewer in the context.
type Service struct {
	Client *ent.Client
	// Bookings books the unbilled time of a fix delivery; nil refuses deliveries with minutes.
	Bookings *contingent.Service
	Now      func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Input holds a task's fields; nil leaves a field unchanged on update.
type Input struct {
	Title           *string          `json:"title"`
	Description     *string          `json:"description"`
	PageURL         *string          `json:"pageURL"`
	Findings        []string         `json:"findings"`
	Recommendations []string         `json:"recommendations"`
	TestResult      *task.TestResult `json:"testResult"`
	ReproducedIn    []string         `json:"reproducedIn"`
	AssigneeID      *int             `json:"assigneeID"`
	TicketIDs       []int            `json:"ticketIDs"`
	WatcherIDs      []int            `json:"watcherIDs"`
}

func staff(ctx context.Context) (*viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	if !v.IsStaff() {
		return nil, apperr.Forbiddenf("development tasks are for provider staff")
	}
	return v, nil
}

func clean(lines []string) []string {
	var out []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Create opens a task owned by the viewer's organisation.
func (s *Service) Create(ctx context.Context, in Input) (*ent.Task, error) {
	v, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
		return nil, apperr.Invalid("a task needs a title", "title")
	}
	var id int
	err = ticketflow.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		c := tx.Client()
		t, err := c.Task.Create().SetTitle(strings.TrimSpace(*in.Title)).SetOrganizationID(v.OrgID).Save(ctx)
		if err != nil {
			return err
		}
		id = t.ID
		return s.apply(ctx, c, v, t, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Client.Task.Get(ctx, id)
}

// Update changes a visible task.
func (s *Service) Update(ctx context.Context, id int, in Input) (*ent.Task, error) {
	v, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	err = ticketflow.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		t, err := get(ctx, tx.Client(), id)
		if err != nil {
			return err
		}
		if in.Title != nil && strings.TrimSpace(*in.Title) == "" {
			return apperr.Invalid("a task needs a title", "title")
		}
		return s.apply(ctx, tx.Client(), v, t, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Client.Task.Get(ctx, id)
}

func get(ctx context.Context, c *ent.Client, id int) (*ent.Task, error) {
	t, err := c.Task.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("task not found")
	}
	return t, err
}

func (s *Service) apply(ctx context.Context, c *ent.Client, v *viewer.Viewer, t *ent.Task, in Input) error {
	u := c.Task.UpdateOne(t).SetNillableDescription(in.Description).SetNillablePageURL(in.PageURL).
		SetNillableTestResult(in.TestResult)
	if in.Title != nil {
		u.SetTitle(strings.TrimSpace(*in.Title))
	}
	if in.Findings != nil {
		u.SetFindings(clean(in.Findings))
	}
	if in.Recommendations != nil {
		u.SetRecommendations(clean(in.Recommendations))
	}
	if in.ReproducedIn != nil {
		for _, e := range in.ReproducedIn {
			if ticket.EnvironmentValidator(ticket.Environment(e)) != nil {
				return apperr.Invalid("unknown environment "+e, "reproducedIn")
			}
		}
		u.SetReproducedIn(in.ReproducedIn)
	}
	if in.AssigneeID != nil {
		ok, err := c.User.Query().Where(user.ID(*in.AssigneeID), user.OrganizationID(v.OrgID)).Exist(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Invalid("the assignee must be staff of your organisation", "assigneeID")
		}
		u.SetAssigneeID(*in.AssigneeID)
	}
	if len(in.WatcherIDs) > 0 {
		n, err := c.User.Query().Where(user.IDIn(in.WatcherIDs...)).Count(ctx)
		if err != nil {
			return err
		}
		if n != len(unique(in.WatcherIDs)) {
			return apperr.Invalid("unknown watcher", "watcherIDs")
		}
		u.AddWatcherIDs(unique(in.WatcherIDs)...)
	}
	if len(in.TicketIDs) > 0 {
		ids := unique(in.TicketIDs)
		n, err := c.Ticket.Query().Where(ticket.IDIn(ids...)).Count(ctx)
		if err != nil {
			return err
		}
		if n != len(ids) {
			return apperr.NotFoundf("ticket not found")
		}
		linked, err := t.QueryTickets().IDs(ctx)
		if err != nil {
			return err
		}
		var add []int
		for _, id := range ids {
			if !contains(linked, id) {
				add = append(add, id)
			}
		}
		u.AddTicketIDs(add...)
	}
	return u.Exec(ctx)
}

func unique(ids []int) []int {
	var out []int
	for _, id := range ids {
		if !contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// AddNote appends a running note to a task.
func (s *Service) AddNote(ctx context.Context, taskID int, body string) (*ent.TaskNote, error) {
	v, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(body) == "" {
		return nil, apperr.Invalid("a note needs a body", "body")
	}
	if _, err := get(ctx, s.Client, taskID); err != nil {
		return nil, err
	}
	return s.Client.TaskNote.Create().SetTaskID(taskID).SetAuthorID(v.UserID).SetBody(body).Save(ctx)
}

var stages = []task.Stage{task.StageDEV, task.StageQA, task.StageBETA, task.StageRELEASE}

func stageIndex(st task.Stage) int {
	for i, x := range stages {
		if x == st {
			return i
		}
	}
	return -1
}

// Advance moves a task one stage on. Releasing needs the fix version; it posts a public note on
// every linked ticket, offers the fix for delivery (SPEC 12.11), and notifies every reporter
// and watcher once.
func (s *Service) Advance(ctx context.Context, id int, to task.Stage, fixVersion string) (*ent.Task, error) {
	v, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	err = ticketflow.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		c := tx.Client()
		t, err := get(ctx, c, id)
		if err != nil {
			return err
		}
		if stageIndex(to) != stageIndex(t.Stage)+1 {
			return apperr.E(apperr.IllegalTransition, "a task at %s moves on to %s, not %s", t.Stage, nextStage(t.Stage), to)
		}
		fixVersion = strings.TrimSpace(fixVersion)
		u := c.Task.UpdateOne(t).SetStage(to)
		if fixVersion != "" {
			u.SetFixVersion(fixVersion)
		}
		if to != task.StageRELEASE {
			return u.Exec(ctx)
		}
		if fixVersion == "" && t.FixVersion == "" {
			return apperr.Invalid("a release names its fix version", "fixVersion")
		}
		if fixVersion == "" {
			fixVersion = t.FixVersion
		}
		if err := u.SetReleasedAt(s.now()).Exec(ctx); err != nil {
			return err
		}
		return s.release(ctx, c, v, t, fixVersion)
	})
	if err != nil {
		return nil, err
	}
	return s.Client.Task.Get(ctx, id)
}

func nextStage(st task.Stage) task.Stage {
	if i := stageIndex(st); i >= 0 && i+1 < len(stages) {
		return stages[i+1]
	}
	return st
}

// release is the fan-out of a release. The linked tickets belong to customers the releasing
// viewer may not see (a vendor fixing partners' tickets), so it reads them with the reviewed
// privacy bypass; what it writes is a public note, history rows and notifications.
func (s *Service) release(ctx context.Context, c *ent.Client, v *viewer.Viewer, t *ent.Task, version string) error {
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	tickets, err := c.Task.QueryTickets(t).All(trusted)
	if err != nil {
		return err
	}
	watchers, err := c.Task.QueryWatchers(t).IDs(trusted)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("Fixed in version %s.", version)
	var msgs []notify.Message
	for _, tk := range tickets {
		if err := c.Comment.Create().SetTicketID(tk.ID).SetAuthorID(v.UserID).SetBody(note).Exec(trusted); err != nil {
			return err
		}
		if err := c.Ticket.UpdateOne(tk).SetFixedInVersion(version).SetDeliveryStatus(ticket.DeliveryStatusAVAILABLE).Exec(trusted); err != nil {
			return err
		}
		if err := ticketflow.Record(trusted, c, tk.ID, v.UserID, ticketevent.KindRELEASED, "", version, t.Title); err != nil {
			return err
		}
		tid := tk.ID
		for _, uid := range append([]int{tk.ReporterID}, watchers...) {
			msgs = append(msgs, notify.Message{RecipientID: uid, Kind: "FIX_RELEASED", TicketID: &tid,
				Title: fmt.Sprintf("%s: fixed in version %s", tk.Number, version), Body: t.Title,
				DedupKey: fmt.Sprintf("release:%d:%d:%d", t.ID, tk.ID, uid)})
		}
	}
	if err := webhook.QueueFixReleased(ctx, c, t, tickets, version, s.now()); err != nil {
		return err
	}
	return notify.Send(ctx, c, msgs...)
}
