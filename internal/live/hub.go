package live

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"supportdesk/ent/outboxevent"
	"supportdesk/ent/schema/rule"
	"supportdesk/internal/apperr"
	"supportdesk/internal/outbox"
	"supportdesk/internal/viewer"
)

// Hub is the fan-out of one instance.
type Hub struct {
	Log *slog.Logger
	// Buffer is the number of events a subscription may hold before it is resynced.
	Buffer int

	mu     sync.RWMutex
	subs   map[*sub]struct{}
	groups map[string]*group
	// watching indexes the subscriptions by what they watch (watch.keys): Publish asks only
	// those watching an event's object and ids whether they want it.
	watching map[watchKey][]*sub
	// Dropped counts events lost to full buffers (each followed by a RESYNC).
	Dropped atomic.Int64
	// Deferred counts the offers a socket could not take in full (its queue of frames was full:
	// once per subscription and Publish batch); the events it did not take went through the
	// subscription's buffer and goroutine instead.
	Deferred atomic.Int64
	// Delivered counts the events handed to subscribers (RESYNC included).
	Delivered atomic.Int64
	// Loads counts the reloads: one per event and class of subscriptions that wanted it;
	// LoadQueries the queries they took (the TICKET events of a batch load together per class).
	Loads, LoadQueries atomic.Int64
	// Published is the newest outbox id Publish has handed on (every subscription open by then
	// has been offered it or holds it in its buffer).
	Published atomic.Int64
	// Shares counts the values made by Event.Shared (the serialisations): one per event,
	// viewer class and operation.
	Shares atomic.Int64
}

// loadTimeout bounds one shared reload.
const loadTimeout = 10 * time.Second

type sub struct {
	match func(outbox.Event) bool
	class string
	// ticketClass, when set, is the class of the source's TICKET events: what decides those is
	// ticket visibility alone, which many viewers of one organisation share whatever their role.
	ticketClass string
	load        loader
	// loadTickets, when set, reloads the TICKET events of a batch at once (source.loadTickets).
	loadTickets ticketsLoader
	keep        func(*Event) bool
	ch          chan item
	kick        chan struct{}
	lagging     atomic.Bool
	// ctx is the subscription's, loadCtx the same without its cancellation (a reload shared
	// with other subscriptions must not fail because this one ended).
	ctx, loadCtx context.Context
	// grp, when set, is the subscription's audience (its class and Capture.Audience): Publish
	// renders an event once per audience (render) and offers the value to each member without
	// waiting (offer, ErrFull when it cannot take it). pending counts the events in ch and in
	// the hands of the goroutine: while there are any, Publish queues behind them, so that the
	// subscriber's events keep their order.
	grp     *group
	render  func(*Event) (any, error)
	offer   func([]any) (int, error)
	pending atomic.Int64
	// droppedAt is the outbox id of the last event lost to a full buffer or socket.
	droppedAt atomic.Int64
}

// item is one event queued for a subscription, with the reloads shared by every subscription
// the event was handed to.
type item struct {
	e    outbox.Event
	slot *slot
}

// slot holds the reloads of one event, one per class of subscriptions: subscriptions whose
// viewers see the same rows (viewer.ScopeKey) and that load the event the same way get one
// query between them. It lives as long as the subscriptions still holding the event.
type slot struct {
	hub *Hub
	mu  sync.Mutex
	m   map[string]*result
}

type result struct {
	done chan struct{}
	v    any
	err  error
}

// entry returns the result of class, registering a new one (fresh) if there is none: the
// caller of a fresh entry loads it and closes done.
func (sl *slot) entry(class string) (r *result, fresh bool) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if sl.m == nil {
		sl.m = map[string]*result{}
	}
	if r := sl.m[class]; r != nil {
		return r, false
	}
	r = &result{done: make(chan struct{})}
	sl.m[class] = r
	return r, true
}

// made returns the value of key if it is there and done without error.
func (sl *slot) made(key string) (any, bool) {
	sl.mu.Lock()
	r := sl.m[key]
	sl.mu.Unlock()
	if r == nil {
		return nil, false
	}
	select {
	case <-r.done:
		return r.v, r.err == nil
	default:
		return nil, false
	}
}

// put stores v as the value of key, unless key has one (or is being made).
func (sl *slot) put(key string, v any) {
	if r, fresh := sl.entry(key); fresh {
		r.v = v
		close(r.done)
	}
}

// get returns the reload of class, loading it with load if no subscription of the class has.
func (sl *slot) get(ctx context.Context, class string, load func() (any, error)) (any, error) {
	r, fresh := sl.entry(class)
	if fresh {
		r.v, r.err = load()
		close(r.done)
		return r.v, r.err
	}
	select {
	case <-r.done:
		return r.v, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Publish hands a batch to every subscription that wants it, without waiting for any
// subscriber. The reloads of the batch start at once, at most publishLoads at a time, one per
// event and class. A subscription that can take an event without waiting (Capture.Offer: the
// WebSocket transport's queue of frames) and has nothing older in hand gets it from here, in
// order, once its class's reload is done; the others, and any that would have to wait, get it
// through their buffer and their own goroutine (a full buffer means RESYNC). Waking a goroutine
// per subscriber and event cost more than the delivery itself (issue 13's bench: 500
// subscriptions woken per ticket created, 217 of them to deliver it).
func (h *Hub) Publish(batch []outbox.Event) {
	slots := make([]*slot, len(batch))
	// matched[i] are the subscriptions that want batch[i], in one backing array.
	matched := make([][]*sub, len(batch))
	var all []*sub
	h.mu.RLock()
	for i, e := range batch {
		from := len(all)
		for _, k := range watchKeysOf(e) {
			for _, s := range h.watching[k] {
				if s.match(e) {
					all = append(all, s)
				}
			}
		}
		matched[i] = all[from:len(all):len(all)]
	}
	h.mu.RUnlock()
	sem := make(chan struct{}, publishLoads)
	var tickets ticketBatches
	// made holds each event's renderings by audience.
	made := make([]map[*group]*rendering, len(batch))
	for i, e := range batch {
		if len(matched[i]) == 0 {
			continue
		}
		slots[i] = &slot{hub: h}
		made[i] = map[*group]*rendering{}
		started := map[string]bool{}
		for _, s := range matched[i] {
			class := s.classOf(e)
			if started[class] {
				continue
			}
			started[class] = true
			if s.loadTickets != nil && e.Object == outboxevent.ObjectTypeTICKET {
				// Loaded with the batch's other tickets of the class, in one query.
				tickets = tickets.add(class, s, e.ObjectID, slots[i])
				continue
			}
			sl, s, e := slots[i], s, e
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				_, _ = sl.get(context.Background(), class, func() (any, error) { return h.load(s, e) })
			}()
		}
	}
	for _, b := range tickets {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			h.loadBatch(b)
		}()
	}
	defer h.published(batch)
	// Subscriber by subscriber, so that each is offered all of the batch's events it wants at
	// once (one lock of its socket's queue for them, not one per event).
	var order []*sub
	wants := map[*sub][]int{}
	for i := range batch {
		for _, s := range matched[i] {
			if _, ok := wants[s]; !ok {
				order = append(order, s)
			}
			wants[s] = append(wants[s], i)
		}
	}
	var vals []any
	var taking []int
	for _, s := range order {
		idx := wants[s]
		if s.grp == nil || s.pending.Load() != 0 || s.lagging.Load() {
			for _, i := range idx {
				h.queue(s, item{e: batch[i], slot: slots[i]})
			}
			continue
		}
		vals, taking = vals[:0], taking[:0]
		for _, i := range idx {
			if v, ok := h.rendered(s, item{e: batch[i], slot: slots[i]}, made[i]); ok {
				vals = append(vals, v)
				taking = append(taking, i)
			}
		}
		if len(vals) == 0 {
			continue
		}
		n, err := s.offer(vals)
		h.Delivered.Add(int64(n))
		if errors.Is(err, ErrFull) {
			// The socket's queue is full: the events it did not take wait in the
			// subscription's buffer, and the subscription's goroutine hands them over when the
			// socket takes them; only a full buffer as well means RESYNC.
			h.Deferred.Add(1)
			for _, i := range taking[n:] {
				h.queue(s, item{e: batch[i], slot: slots[i]})
			}
		}
		// Any other error means the subscription is over; its goroutine ends it.
	}
}

// watch is what a subscription listens to: the outbox rows of objects, all of them or, by, only
// those of one ticket, recipient or contract (id); an empty watch, every row. Publish asks a
// subscription's match only about the rows it watches.
type watch struct {
	objects []outboxevent.ObjectType
	by      watchBy
	id      int
}

// watchBy is the outbox row's id a watch narrows to.
type watchBy uint8

const (
	anyRow watchBy = iota
	byTicket
	byRecipient
	byContract
)

type watchKey struct {
	object outboxevent.ObjectType
	by     watchBy
	id     int
}

// keys are w's entries in Hub.watching.
func (w watch) keys() []watchKey {
	if len(w.objects) == 0 {
		return []watchKey{{}}
	}
	keys := make([]watchKey, len(w.objects))
	for i, o := range w.objects {
		keys[i] = watchKey{object: o, by: w.by, id: w.id}
	}
	return keys
}

// watchKeysOf are the Hub.watching entries whose subscriptions may want e: every row of e's
// object, its ticket's, recipient's and contract's rows of that object, and every row. A
// subscription's keys differ in object or narrowing, so it is in one of them at most and asked
// once.
func watchKeysOf(e outbox.Event) []watchKey {
	keys := make([]watchKey, 0, 5)
	keys = append(keys, watchKey{object: e.Object}, watchKey{})
	for by, id := range [...]int{byTicket: e.TicketID, byRecipient: e.RecipientID, byContract: e.ContractID} {
		if id != 0 {
			keys = append(keys, watchKey{object: e.Object, by: watchBy(by), id: id})
		}
	}
	return keys
}

// published moves Published up to the newest id of batch.
func (h *Hub) published(batch []outbox.Event) {
	for _, e := range batch {
		for p := h.Published.Load(); int64(e.ID) > p && !h.Published.CompareAndSwap(p, int64(e.ID)); p = h.Published.Load() {
		}
	}
}

// ticketBatch is the TICKET events of one Publish batch that one class reloads together: the
// ids and the slots' results to fill, in the same order; s is a subscription of the class.
type ticketBatch struct {
	s       *sub
	ids     []int
	results []*result
}

// ticketBatches are a Publish batch's ticketBatch per class.
type ticketBatches map[string]*ticketBatch

// add registers the reload of ticket id in sl for s's class (unless sl has it already).
func (m ticketBatches) add(class string, s *sub, id int, sl *slot) ticketBatches {
	r, fresh := sl.entry(class)
	if !fresh {
		return m
	}
	if m == nil {
		m = ticketBatches{}
	}
	b := m[class]
	if b == nil {
		b = &ticketBatch{s: s}
		m[class] = b
	}
	b.ids = append(b.ids, id)
	b.results = append(b.results, r)
	return m
}

// loadBatch reloads b's tickets with one query under the viewer of b's class and completes
// their results: what the class may not see is NOT_FOUND, as with one event at a time.
func (h *Hub) loadBatch(b *ticketBatch) {
	h.Loads.Add(int64(len(b.ids)))
	h.LoadQueries.Add(1)
	ctx, cancel := context.WithTimeout(b.s.loadCtx, loadTimeout)
	defer cancel()
	got, err := b.s.loadTickets(ctx, b.ids)
	for i, r := range b.results {
		switch ev := got[b.ids[i]]; {
		case err != nil:
			r.err = err
		case ev == nil:
			r.err = apperr.NotFoundf("not found")
		default:
			r.v = ev
		}
		close(r.done)
	}
}

// publishLoads bounds the reloads one Publish runs at a time.
const publishLoads = 8

// rendering is an event prepared and rendered once for an audience in Publish.
type rendering struct {
	ev       *Event // nil: not visible to the audience
	rendered bool
	v        any
	err      error
}

// rendered is it prepared and rendered for s from the publishing goroutine, once per audience
// of the event (made); ok is false when s does not get it (not visible to s, not kept by s's own
// filter, or not rendered).
func (h *Hub) rendered(s *sub, it item, made map[*group]*rendering) (v any, ok bool) {
	r := made[s.grp]
	if r == nil {
		// Not s's context: the audience's value must not fail because s is ending.
		r = &rendering{ev: h.load1(context.Background(), s, it)}
		made[s.grp] = r
	}
	if r.ev == nil || (s.keep != nil && !s.keep(r.ev)) {
		return nil, false
	}
	if !r.rendered {
		r.rendered = true
		r.v, r.err = s.render(r.ev)
	}
	return r.v, r.err == nil
}

// queue hands it to s's goroutine through its buffer, or resyncs s when the buffer is full.
func (h *Hub) queue(s *sub, it item) {
	s.pending.Add(1)
	select {
	case s.ch <- it:
	default:
		s.pending.Add(-1)
		h.Dropped.Add(1)
		s.dropped(it.e)
	}
}

// group is an audience: subscriptions of one class whose operation and variables are the same
// (Capture.Audience), counted by the subscriptions in it.
type group struct {
	key string
	n   int
}

// join returns the group of key, counting one more subscription in it; h.mu is held.
func (h *Hub) join(key string) *group {
	if h.groups == nil {
		h.groups = map[string]*group{}
	}
	g := h.groups[key]
	if g == nil {
		g = &group{key: key}
		h.groups[key] = g
	}
	g.n++
	return g
}

// leave takes one subscription out of g; h.mu is held.
func (h *Hub) leave(g *group) {
	if g == nil {
		return
	}
	if g.n--; g.n == 0 {
		delete(h.groups, g.key)
	}
}

// ErrFull is what Capture.Offer returns when the subscriber cannot take an event without
// waiting.
var ErrFull = errors.New("live: subscriber full")

// classOf is the class whose reload of e s shares.
func (s *sub) classOf(e outbox.Event) string {
	if s.ticketClass != "" && e.Object == outboxevent.ObjectTypeTICKET {
		return s.ticketClass
	}
	return s.class
}

// load reloads e under s's viewer.
func (h *Hub) load(s *sub, e outbox.Event) (any, error) {
	h.Loads.Add(1)
	h.LoadQueries.Add(1)
	ctx, cancel := context.WithTimeout(s.loadCtx, loadTimeout)
	defer cancel()
	return s.load(ctx, e)
}

// prepare takes the reload of it shared by s's class (loading it if nobody has) and applies s's
// own filter: the event to deliver to s, or nil.
func (h *Hub) prepare(ctx context.Context, s *sub, it item) *Event {
	ev := h.load1(ctx, s, it)
	if ev == nil || (s.keep != nil && !s.keep(ev)) {
		return nil
	}
	return ev
}

// load1 takes the reload of it shared by s's class (loading it if nobody has): the event in
// s's envelope, or nil when s's viewer may not see it.
func (h *Hub) load1(ctx context.Context, s *sub, it item) *Event {
	e := it.e
	v, err := it.slot.get(ctx, s.classOf(e), func() (any, error) { return h.load(s, e) })
	ev, _ := v.(*Event)
	if err != nil {
		if apperr.CodeOf(err) != apperr.NotFound && ctx.Err() == nil && h.Log != nil {
			h.Log.Warn("live reload", "kind", e.Kind(), "id", e.ObjectID, "err", err)
		}
		return nil
	}
	if ev == nil {
		return nil
	}
	// The reload is shared: each subscription (or audience) sends its own copy of the envelope.
	own := *ev
	own.Sequence, own.Kind = e.Sequence(), e.Kind()
	own.slot, own.class = it.slot, s.class
	if class := s.classOf(e); class != s.class {
		own.ticketClass = class
	}
	return &own
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

// dropped makes s lag for having lost e: its RESYNC carries e's sequence.
func (s *sub) dropped(e outbox.Event) {
	s.droppedAt.Store(int64(e.ID))
	s.resync()
}

func (s *sub) resync() {
	s.lagging.Store(true)
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// loader reloads an event under the subscriber's viewer; nil means "not for this subscriber".
// Its result is shared by the subscriptions of one class and must not depend on anything but
// the viewer's scope and the event.
type loader func(ctx context.Context, e outbox.Event) (*Event, error)

// ticketsLoader reloads tickets under the subscriber's viewer: the events of those it may see,
// by id (the others are absent).
type ticketsLoader func(ctx context.Context, ids []int) (map[int]*Event, error)

// source says how a subscription reloads its events: sources with the same name load the same
// object for the same event and viewer scope. Name must include the user id when the load reads
// rows scoped to the user whatever the role (notifications).
type source struct {
	name string
	load loader
	// tickets says that the source loads a TICKET event as the ticket alone (Client.Ticket.Get),
	// so its TICKET events may be shared by ticket visibility (rule.TicketScopeKey); loadTickets
	// then loads several such events at once.
	tickets     bool
	loadTickets ticketsLoader
}

// subscribe registers a subscription and returns its channel, closed when ctx ends. match is
// the cheap pre-filter on the outbox row; keep, when not nil, the subscriber's own filter on the
// reloaded object (it must not query).
func (h *Hub) subscribe(ctx context.Context, w watch, match func(outbox.Event) bool, src source, keep func(*Event) bool) (<-chan *Event, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
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
	s := &sub{match: match, class: src.name + "|" + v.ScopeKey(), load: src.load, keep: keep,
		ch: make(chan item, n), kick: make(chan struct{}, 1)}
	if src.tickets {
		s.ticketClass = src.name + "|" + rule.TicketScopeKey(v)
		s.loadTickets = src.loadTickets
	}
	s.ctx, s.loadCtx = ctx, context.WithoutCancel(ctx)
	out := make(chan *Event)
	var deliver func(*Event) error
	var audience string
	if c, _ := ctx.Value(captureKey{}).(*Capture); c != nil {
		c.events, deliver = out, c.Deliver
		if deliver != nil && c.Render != nil && c.Offer != nil {
			s.render, s.offer, audience = c.Render, c.Offer, c.Audience
		}
	}
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[*sub]struct{}{}
	}
	h.subs[s] = struct{}{}
	if h.watching == nil {
		h.watching = map[watchKey][]*sub{}
	}
	for _, k := range w.keys() {
		h.watching[k] = append(h.watching[k], s)
	}
	if s.offer != nil {
		s.grp = h.join(s.class + "\x00" + audience)
	}
	h.mu.Unlock()
	go func() {
		defer close(out)
		defer release()
		defer func() {
			h.mu.Lock()
			delete(h.subs, s)
			for _, k := range w.keys() {
				if rest := slices.DeleteFunc(h.watching[k], func(o *sub) bool { return o == s }); len(rest) > 0 {
					h.watching[k] = rest
				} else {
					delete(h.watching, k)
				}
			}
			h.leave(s.grp)
			h.mu.Unlock()
		}()
		for {
			var it item
			var have bool
			select {
			case <-ctx.Done():
				return
			case <-s.kick:
			case it = <-s.ch:
				have = true
			}
			if !h.handle(ctx, s, it, have, out, deliver) {
				return
			}
		}
	}()
	return out, nil
}

// handle is one turn of a subscription's goroutine: a RESYNC when it lags, else it (when have)
// delivered; false means the subscription is over.
func (h *Hub) handle(ctx context.Context, s *sub, it item, have bool, out chan<- *Event, deliver func(*Event) error) bool {
	if have {
		defer s.pending.Add(-1)
	}
	if s.lagging.Load() {
		// Publish offers nothing while the RESYNC is on its way.
		s.pending.Add(1)
		defer s.pending.Add(-1)
	}
	if s.lagging.Swap(false) {
		// Whatever is buffered is older than the resync; the client refetches it.
		for len(s.ch) > 0 {
			<-s.ch
			s.pending.Add(-1)
		}
		// It carries the newest event it stands for: the last one dropped, or the one in hand.
		seq, d := it.e, s.droppedAt.Load()
		seq.ID = max(seq.ID, int(d))
		s.droppedAt.CompareAndSwap(d, 0) // unless another was dropped meanwhile
		if !emit(ctx, out, deliver, &Event{Sequence: seq.Sequence(), Kind: KindResync}) {
			return false
		}
		h.Delivered.Add(1)
		return true
	}
	if !have {
		return true
	}
	ev := h.prepare(ctx, s, it)
	if ev == nil {
		return true
	}
	if !emit(ctx, out, deliver, ev) {
		return false
	}
	h.Delivered.Add(1)
	return true
}

// emit hands ev to the subscription's Deliver, or else to its channel; false means the
// subscription is over.
func emit(ctx context.Context, out chan<- *Event, deliver func(*Event) error, ev *Event) bool {
	if deliver != nil {
		return deliver(ev) == nil && ctx.Err() == nil
	}
	return send(ctx, out, ev)
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

type captureKey struct{}

// Capture receives the event channel of the subscription opened with its context, so that a
// transport can read the events itself (and serialise them once per audience, Event.Shared)
// instead of having the GraphQL executor read and serialise them for each subscriber.
type Capture struct {
	// Deliver, when set before the subscription opens, is called with each event in place of
	// sending it on the channel (which then stays silent); an error ends the subscription.
	// It runs on the subscription's own goroutine: while it blocks, events queue in the
	// subscription's buffer and a full buffer means RESYNC, as for a slow channel reader.
	Deliver func(*Event) error
	// Render and Offer, when set with Deliver, are used in place of Deliver from the hub's
	// publishing goroutine while the subscription has nothing older in hand: Render makes the
	// value of an event for the subscription's audience — its class and Audience, the same for
	// every subscription that would get the same bytes — once for all its members, and Offer
	// hands that value to this subscription without waiting, or returns ErrFull (the event then
	// goes through the subscription's buffer to Deliver, which may wait). It spares a goroutine switch, a reload lookup and a
	// rendering lookup per event and subscriber. Offer is given, in order, the values of every
	// event of a Publish batch that the subscription gets, and returns how many it took (the
	// first n); fewer than all only with ErrFull, or with another error when the subscription
	// is over.
	Audience string
	Render   func(*Event) (any, error)
	Offer    func([]any) (int, error)

	events <-chan *Event
}

// WithCapture returns a context whose subscription's channel the returned Capture receives.
func WithCapture(ctx context.Context) (context.Context, *Capture) {
	c := &Capture{}
	return context.WithValue(ctx, captureKey{}, c), c
}

// Events is the captured channel, nil when no subscription was opened (it failed). With
// Deliver set it carries nothing and closes when the subscription ends.
func (c *Capture) Events() <-chan *Event { return c.events }

type replayKey struct{}

// WithReplay returns a context in which opening any subscription yields ev alone and ends:
// the transport executes the operation once for an event this way and shares the result.
func WithReplay(ctx context.Context, ev *Event) context.Context {
	return context.WithValue(ctx, replayKey{}, ev)
}

// Replaying reports whether ctx replays an event (WithReplay).
func Replaying(ctx context.Context) bool { return ctx.Value(replayKey{}) != nil }

// replayed is the one-event channel of a replaying context; ok is false otherwise. Nothing is
// checked or loaded: the event was loaded under this viewer when it was delivered.
func replayed(ctx context.Context) (<-chan *Event, bool) {
	ev, _ := ctx.Value(replayKey{}).(*Event)
	if ev == nil {
		return nil, false
	}
	ch := make(chan *Event, 1)
	ch <- ev
	close(ch)
	return ch, true
}
