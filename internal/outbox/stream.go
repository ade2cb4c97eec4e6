package outbox

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"

	"github.com/lib/pq"
)

// Channel is the PostgreSQL notification channel of the outbox.
const Channel = "supportdesk_outbox"

// Stream is one instance's end of the outbox: its publisher, its reader and its pruner.
type Stream struct {
	Client *ent.Client
	Log    *slog.Logger
	// SQL and URL are the PostgreSQL pool (for NOTIFY) and its URL (for the Listener's own
	// connection); both nil/empty on SQLite, where wake-ups stay in process.
	SQL *sql.DB
	URL string
	// Deliver receives every batch of events, in one goroutine, oldest first.
	Deliver func([]Event)
	// Resync is called when events may have been missed.
	Resync func()
	// Poll is the fallback read interval, PollGap the one while gaps are open.
	Poll, PollGap time.Duration
	// Coalesce is the shortest time between two reads: the wake-ups of a busy spell are read
	// and delivered together, at most once per Coalesce (a quiet stream reads at once). Fewer,
	// larger batches cost the readers and the subscribers' reloads less per event; an event
	// waits at most Coalesce longer. While rows keep coming faster than CoalesceBusy per
	// Coalesce the time between reads grows with the rate, up to CoalesceMax (coalesceFor):
	// under a flood of hundreds of changes a second an event waits up to CoalesceMax, at a few a
	// second nothing changes.
	Coalesce, CoalesceMax time.Duration
	CoalesceBusy          int
	// Retain is how long rows are kept; Prune runs every PruneEvery.
	Retain, PruneEvery time.Duration
	// MaxCatchUp is the most rows one wake-up delivers before it resyncs instead.
	MaxCatchUp int
	// Feed settings (GapWindow, MaxGap); Client is filled in.
	Feed Feed

	newest atomic.Int64
	wake   chan struct{} // publisher
	local  chan struct{} // reader, on SQLite
	// Notifies counts the NOTIFYs sent (tests check the batching).
	Notifies atomic.Int64
	// Observe, when set, is told the result of every run of the publisher ("outbox_publish"),
	// the reader ("outbox_read") and the pruner ("outbox_prune") (metrics).
	Observe func(job string, err error)
}

func (s *Stream) observe(job string, err error) {
	if s.Observe != nil {
		s.Observe(job, err)
	}
}

func (s *Stream) init() {
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
		s.local = make(chan struct{}, 1)
	}
}

// Hook wakes the publisher after the transaction that wrote an outbox row commits, or at once
// when the row was written without one. Register it with client.OutboxEvent.Use.
func (s *Stream) Hook() ent.Hook {
	s.init()
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			out, err := next.Mutate(ctx, m)
			om, ok := m.(*ent.OutboxEventMutation)
			if err != nil || !ok || !m.Op().Is(ent.OpCreate) {
				return out, err
			}
			id, _ := om.ID()
			tx, txErr := om.Tx()
			if txErr != nil {
				s.Wake(id)
				return out, nil
			}
			tx.OnCommit(func(c ent.Committer) ent.Committer {
				return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
					err := c.Commit(ctx, tx)
					if err == nil {
						s.Wake(id)
					}
					return err
				})
			})
			return out, nil
		})
	}
}

// Wake tells the publisher that rows up to id were committed. It never blocks.
func (s *Stream) Wake(id int) {
	s.init()
	for {
		cur := s.newest.Load()
		if int64(id) <= cur || s.newest.CompareAndSwap(cur, int64(id)) {
			break
		}
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run publishes, reads and prunes until ctx ends. The feed starts at the newest row; ready,
// when not nil, is closed once the stream listens (or failed to start).
func (s *Stream) Run(ctx context.Context, ready chan<- struct{}) error {
	s.init()
	s.defaults()
	s.Feed.Client = s.Client
	var once sync.Once
	started := func() {
		if ready != nil {
			once.Do(func() { close(ready) })
		}
	}
	defer started()
	var notify <-chan *pq.Notification
	if s.URL != "" {
		l := pq.NewListener(s.URL, 100*time.Millisecond, 2*time.Second, func(ev pq.ListenerEventType, err error) {
			if err != nil {
				s.Log.Warn("outbox listener", "event", ev, "err", err)
			}
		})
		defer l.Close()
		if err := l.Listen(Channel); err != nil {
			return err
		}
		notify = l.Notify
	}
	// Listening before reading the cursor: a row committed in between is read, not missed.
	if err := s.Feed.Start(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.publish(ctx) }()
	go func() { defer wg.Done(); s.prune(ctx) }()
	started()
	s.read(ctx, notify)
	wg.Wait()
	return nil
}

func (s *Stream) defaults() {
	if s.Poll == 0 {
		s.Poll = 2 * time.Second
	}
	if s.PollGap == 0 {
		s.PollGap = 100 * time.Millisecond
	}
	if s.Retain == 0 {
		s.Retain = 24 * time.Hour
	}
	if s.PruneEvery == 0 {
		s.PruneEvery = time.Hour
	}
	if s.Coalesce == 0 {
		s.Coalesce = 25 * time.Millisecond
	}
	if s.CoalesceMax == 0 {
		s.CoalesceMax = 100 * time.Millisecond
	}
	if s.CoalesceBusy == 0 {
		s.CoalesceBusy = 4
	}
	if s.MaxCatchUp == 0 {
		s.MaxCatchUp = 10000
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
}

// publish sends one NOTIFY per batch of wake-ups, carrying only the newest id.
func (s *Stream) publish(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		}
		id := s.newest.Load()
		if s.SQL == nil {
			select {
			case s.local <- struct{}{}:
			default:
			}
			continue
		}
		for attempt := 0; ; attempt++ {
			_, err := s.SQL.ExecContext(ctx, "SELECT pg_notify($1, $2)", Channel, strconv.FormatInt(id, 10))
			if err == nil {
				s.Notifies.Add(1)
				s.observe("outbox_publish", nil)
				break
			}
			if ctx.Err() != nil {
				return
			}
			// The readers' poll delivers anyway; retrying only shortens the delay.
			s.Log.Warn("outbox notify", "err", err)
			if attempt == 3 {
				s.observe("outbox_publish", err)
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// read waits for a notification (or the poll) and delivers the rows past the cursor.
func (s *Stream) read(ctx context.Context, notify <-chan *pq.Notification) {
	timer := time.NewTimer(s.Poll)
	defer timer.Stop()
	var last time.Time
	window := s.Coalesce
	for {
		select {
		case <-ctx.Done():
			return
		case <-notify: // nil after a reconnect: read past the cursor all the same
		case <-s.local:
		case <-timer.C:
		}
		if wait := window - time.Since(last); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		drain(notify)
		// A read that finds nothing (a second wake-up for rows already read: the local one and
		// the NOTIFY of one commit) starts no window: the next commit is read at once.
		gap, started := time.Since(last), time.Now()
		if n := s.catchUp(ctx); n > 0 {
			last, window = started, s.coalesceFor(n, gap)
		}
		wait := s.Poll
		if s.Feed.Gaps() > 0 {
			wait = s.PollGap
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
	}
}

func drain(c <-chan *pq.Notification) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// coalesceFor is the shortest time before the next read after one that brought n rows written
// over gap (the time since the read before): Coalesce while that rate is at most CoalesceBusy
// rows per Coalesce, and longer in proportion to it above, at most CoalesceMax. Under a steady
// flood the window grows until reads bring CoalesceBusy × CoalesceMax / Coalesce rows or more;
// one big transaction after a quiet spell (many rows, a long gap) does not lengthen it.
func (s *Stream) coalesceFor(n int, gap time.Duration) time.Duration {
	gap = max(gap, s.Coalesce)
	perCoalesce := time.Duration(n) * s.Coalesce / gap
	if perCoalesce <= time.Duration(s.CoalesceBusy) {
		return s.Coalesce
	}
	return min(s.Coalesce*perCoalesce/time.Duration(s.CoalesceBusy), max(s.CoalesceMax, s.Coalesce))
}

// catchUp reads and delivers until the feed is at the newest row, and returns how many rows it
// delivered.
func (s *Stream) catchUp(ctx context.Context) (total int) {
	for {
		events, resync, err := s.Feed.Next(ctx, time.Now())
		if ctx.Err() == nil {
			s.observe("outbox_read", err)
		}
		if err != nil {
			if ctx.Err() == nil {
				s.Log.Warn("outbox read", "err", err)
			}
			return
		}
		total += len(events)
		if resync || total > s.MaxCatchUp {
			s.Log.Warn("outbox: subscribers resync", "rows", total, "skipped_ids", resync)
			if s.Resync != nil {
				s.Resync()
			}
			if total > s.MaxCatchUp {
				// Skip to the newest row rather than replaying what clients refetch anyway.
				if err := s.Feed.Start(ctx); err != nil {
					s.Log.Warn("outbox restart", "err", err)
				}
				return
			}
		}
		if len(events) > 0 && s.Deliver != nil {
			s.Deliver(events)
		}
		if len(events) < s.Feed.Batch {
			return
		}
	}
}

// prune deletes rows older than Retain.
func (s *Stream) prune(ctx context.Context) {
	t := time.NewTicker(s.PruneEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := Prune(ctx, s.Client, time.Now().Add(-s.Retain))
			if ctx.Err() == nil {
				s.observe("outbox_prune", err)
			}
			if err != nil {
				s.Log.Warn("outbox prune", "err", err)
			} else if n > 0 {
				s.Log.Info("outbox pruned", "rows", n)
			}
		}
	}
}

// Prune deletes the outbox rows created before cutoff.
func Prune(ctx context.Context, c *ent.Client, cutoff time.Time) (int, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	return c.OutboxEvent.Delete().Where(outboxevent.CreatedAtLT(cutoff.UTC())).Exec(ctx)
}
