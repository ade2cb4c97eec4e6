package auth

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"supportdesk/ent"
	"supportdesk/internal/viewer"
)

// ViewerCache keeps the viewers of recent requests, so that a request whose token names a
// known user costs no statement. Every change of a user, an organisation or a contract
// invalidates all entries, when it is written and again when its transaction commits (a
// request that loaded the old state in between cannot keep it), so deactivating a user or an
// organisation refuses the next request of this instance. TTL bounds how long another
// instance's change can go unseen.
type ViewerCache struct {
	// TTL is the longest an entry is used; 0 means 10 seconds.
	TTL time.Duration
	// Max bounds the entries; when full the cache starts afresh. 0 means 10,000.
	Max int
	// Now is the clock of the TTL; nil is time.Now.
	Now func() time.Time

	gen     atomic.Uint64
	mu      sync.Mutex
	entries map[int]cachedViewer
}

type cachedViewer struct {
	v   *viewer.Viewer
	gen uint64
	at  time.Time
}

func (c *ViewerCache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Load returns the viewer of userID from the cache or, on a miss, through LoadViewer.
func (c *ViewerCache) Load(ctx context.Context, client *ent.Client, userID int) (*viewer.Viewer, error) {
	ttl := c.TTL
	if ttl <= 0 {
		ttl = 10 * time.Second
	}
	gen, now := c.gen.Load(), c.now()
	c.mu.Lock()
	e, ok := c.entries[userID]
	c.mu.Unlock()
	if ok && e.gen == gen && now.Sub(e.at) < ttl && !now.Before(e.at) {
		return e.v, nil
	}
	v, err := LoadViewer(ctx, client, userID)
	if err != nil {
		return nil, err
	}
	limit := c.Max
	if limit <= 0 {
		limit = 10_000
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= limit {
		c.entries = map[int]cachedViewer{}
	}
	// Stored under the generation read before loading: a change written meanwhile has moved
	// the generation on, so the entry is never used.
	c.entries[userID] = cachedViewer{v: v, gen: gen, at: now}
	c.mu.Unlock()
	return v, nil
}

// Invalidate drops every entry.
func (c *ViewerCache) Invalidate() { c.gen.Add(1) }

// Hook invalidates the cache on every mutation it is used for, and once more when the
// mutation's transaction commits.
func (c *ViewerCache) Hook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		c.Invalidate()
		if txm, ok := m.(interface{ Tx() (*ent.Tx, error) }); ok {
			if tx, err := txm.Tx(); err == nil {
				tx.OnCommit(func(next ent.Committer) ent.Committer {
					return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
						err := next.Commit(ctx, tx)
						c.Invalidate()
						return err
					})
				})
			}
		}
		return next.Mutate(ctx, m)
	})
}
