package live

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"supportdesk/internal/apperr"
	"supportdesk/internal/outbox"
	"supportdesk/internal/viewer"
)

// Hub is the fan-out of one instance.
type Hub struct {
	Log *slog.Logger
	// Buffer is the number of events a subscription may hold before it is resynced.
	Buffer int

	mu   sync.RWMutex
	subs map[*sub]struct{}
	// Dropped counts events lost to full buffers (each followed by a RESYNC).
	Dropped atomic.Int64
	// Delivered counts the events handed to subscribers (RESYNC included).
	Delivered atomic.Int64
}

type sub struct {
	match   func(outbox.Event) bool
	ch      chan outbox.Event
	kick    chan struct{}
	lagging atomic.Bool
}

// Publish hands a batch to every subscription that wants it, without waiting for any.
func (h *Hub) Publish(batch []outbox.Event) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.subs {
		for _, e := range batch {
			if !s.match(e) {
				continue
			}
			select {
			case s.ch <- e:
			default:
				h.Dropped.Add(1)
				s.resync()
			}
		}
	}
}

// Resync tells every subscription to refetch.
func (h *Hub) Resync() {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.subs {
		s.resync()
	}
}

// Subscribers is the number of open subscriptions.
func (h *Hub) Subscribers() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs)
}

func (s *sub) resync() {
	s.lagging.Store(true)
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// loader reloads an event under the subscriber's viewer; nil means "not for this subscriber".
type loader func(ctx context.Context, e outbox.Event) (*Event, error)

// subscribe registers a subscription and returns its channel, closed when ctx ends.
func (h *Hub) subscribe(ctx context.Context, match func(outbox.Event) bool, load loader) (<-chan *Event, error) {
	if viewer.FromContext(ctx) == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	release, err := acquire(ctx)
	if err != nil {
		return nil, err
	}
	n := h.Buffer
	if n <= 0 {
		n = 64
	}
	s := &sub{match: match, ch: make(chan outbox.Event, n), kick: make(chan struct{}, 1)}
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[*sub]struct{}{}
	}
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	out := make(chan *Event)
	go func() {
		defer close(out)
		defer release()
		defer func() {
			h.mu.Lock()
			delete(h.subs, s)
			h.mu.Unlock()
		}()
		for {
			var e outbox.Event
			var have bool
			select {
			case <-ctx.Done():
				return
			case <-s.kick:
			case e = <-s.ch:
				have = true
			}
			if s.lagging.Swap(false) {
				// Whatever is buffered is older than the resync; the client refetches it.
				for len(s.ch) > 0 {
					<-s.ch
				}
				if !send(ctx, out, &Event{Sequence: e.Sequence(), Kind: KindResync}) {
					return
				}
				h.Delivered.Add(1)
				continue
			}
			if !have {
				continue
			}
			ev, err := load(ctx, e)
			if err != nil {
				if apperr.CodeOf(err) != apperr.NotFound && ctx.Err() == nil && h.Log != nil {
					h.Log.Warn("live reload", "kind", e.Kind(), "id", e.ObjectID, "err", err)
				}
				continue
			}
			if ev == nil {
				continue
			}
			ev.Sequence, ev.Kind = e.Sequence(), e.Kind()
			if !send(ctx, out, ev) {
				return
			}
			h.Delivered.Add(1)
		}
	}()
	return out, nil
}

func send(ctx context.Context, out chan<- *Event, ev *Event) bool {
	select {
	case out <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}

type limitKey struct{}

type limiter struct {
	max int64
	n   atomic.Int64
}

// WithLimit caps the subscriptions opened with ctx (one WebSocket connection) at max.
func WithLimit(ctx context.Context, max int) context.Context {
	return context.WithValue(ctx, limitKey{}, &limiter{max: int64(max)})
}

func acquire(ctx context.Context) (func(), error) {
	l, _ := ctx.Value(limitKey{}).(*limiter)
	if l == nil {
		return func() {}, nil
	}
	if l.n.Add(1) > l.max {
		l.n.Add(-1)
		return nil, apperr.E(apperr.Conflict, "too many subscriptions on this connection")
	}
	var once sync.Once
	return func() { once.Do(func() { l.n.Add(-1) }) }, nil
}
