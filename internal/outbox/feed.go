package outbox

import (
	"context"
	"sort"
	"strconv"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/migrate"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
)

// Event is one outbox row as the fan-out sees it; zero ids mean "none".
type Event struct {
	ID             int
	Object         outboxevent.ObjectType
	Action         outboxevent.Action
	ObjectID       int
	OrganizationID int
	TicketID       int
	ContractID     int
	RecipientID    int
}

// Kind is the event's kind as clients see it, e.g. TICKET_UPDATED.
func (e Event) Kind() string { return string(e.Object) + "_" + string(e.Action) }

// Sequence is the event's id as a decimal string.
func (e Event) Sequence() string { return strconv.Itoa(e.ID) }

// Feed reads the outbox past its cursor and re-reads the ids it skipped (see the package
// documentation). It is used from one goroutine.
type Feed struct {
	Client *ent.Client
	// GapWindow is how long a skipped id is asked for again.
	GapWindow time.Duration
	// MaxGap is the longest run of skipped ids that is tracked; a longer one is a resync.
	MaxGap int
	// Batch is the page size of one read.
	Batch int

	last int
	gaps map[int]time.Time
}

// Last is the newest id the feed has read.
func (f *Feed) Last() int { return f.last }

// Gaps is the number of skipped ids still asked for.
func (f *Feed) Gaps() int { return len(f.gaps) }

// Start puts the cursor on the newest row, or just before the first id the table can have.
func (f *Feed) Start(ctx context.Context) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	f.gaps = map[int]time.Time{}
	ids, err := f.Client.OutboxEvent.Query().Order(ent.Desc(outboxevent.FieldID)).Limit(1).IDs(ctx)
	if err != nil {
		return err
	}
	if len(ids) == 1 {
		f.last = ids[0]
		return nil
	}
	f.last = 0
	if a := migrate.OutboxEventsTable.Annotation; a != nil && a.IncrementStart != nil {
		f.last = *a.IncrementStart - 1
	}
	return nil
}

// Next reads the rows past the cursor and those found in gaps, oldest first. resync is true
// when ids were skipped beyond what the feed tracks; the rows are still returned.
func (f *Feed) Next(ctx context.Context, now time.Time) (events []Event, resync bool, err error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	if f.gaps == nil {
		f.gaps = map[int]time.Time{}
	}
	if f.Batch == 0 {
		f.Batch = 1000
	}
	if f.MaxGap == 0 {
		f.MaxGap = 10000
	}
	if f.GapWindow == 0 {
		f.GapWindow = 10 * time.Second
	}
	pred := outboxevent.IDGT(f.last)
	if len(f.gaps) > 0 {
		gaps := make([]int, 0, len(f.gaps))
		for id := range f.gaps {
			gaps = append(gaps, id)
		}
		pred = outboxevent.Or(pred, outboxevent.IDIn(gaps...))
	}
	rows, err := f.Client.OutboxEvent.Query().Where(pred).Order(ent.Asc(outboxevent.FieldID)).
		Limit(f.Batch + len(f.gaps)).All(ctx)
	if err != nil {
		return nil, false, err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	for _, r := range rows {
		if _, ok := f.gaps[r.ID]; ok {
			delete(f.gaps, r.ID)
		} else if r.ID <= f.last {
			continue
		} else {
			if skipped := r.ID - f.last - 1; skipped > f.MaxGap {
				resync = true
			} else {
				for id := f.last + 1; id < r.ID; id++ {
					f.gaps[id] = now
				}
			}
			f.last = r.ID
		}
		events = append(events, Event{ID: r.ID, Object: r.ObjectType, Action: r.Action, ObjectID: r.ObjectID,
			OrganizationID: r.OrganizationID, TicketID: r.TicketID, ContractID: r.ContractID, RecipientID: r.RecipientID})
	}
	for id, seen := range f.gaps {
		if now.Sub(seen) > f.GapWindow {
			delete(f.gaps, id) // rolled back, or a transaction longer than any request
		}
	}
	return events, resync, nil
}
