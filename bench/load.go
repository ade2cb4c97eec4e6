package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// call is one request of a side (ours, floor, peer); worker and iteration pick its inputs.
type call func(ctx context.Context, worker, iter int) error

// result is what one cell measured.
type result struct {
	lat     []time.Duration
	errs    int
	firstEr error
	elapsed time.Duration
}

func (r *result) merge(o *result) {
	r.lat = append(r.lat, o.lat...)
	r.errs += o.errs
	if r.firstEr == nil {
		r.firstEr = o.firstEr
	}
	r.elapsed += o.elapsed
}

// closedLoop runs c workers back to back for warm-up then d; only the second part is kept.
func closedLoop(ctx context.Context, fn call, c int, warm, d time.Duration) *result {
	var (
		mu      sync.Mutex
		res     = &result{}
		measure atomic.Bool
		iter    atomic.Int64
	)
	begin := time.Now()
	stopAt := begin.Add(warm + d)
	var mStart time.Time
	var wg sync.WaitGroup
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var lat []time.Duration
			errs := 0
			var first error
			for time.Now().Before(stopAt) {
				t0 := time.Now()
				err := fn(ctx, w, int(iter.Add(1)))
				el := time.Since(t0)
				if !measure.Load() {
					continue
				}
				lat = append(lat, el)
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.errs += errs
			if res.firstEr == nil {
				res.firstEr = first
			}
			mu.Unlock()
		}(w)
	}
	time.Sleep(warm)
	mStart = time.Now()
	measure.Store(true)
	wg.Wait()
	res.elapsed = time.Since(mStart)
	return res
}

// openLoop sends rate requests per second for warm-up then d, each on its own goroutine (at
// most 256 in flight); latency counts from the scheduled start, so a stalled server is seen.
func openLoop(ctx context.Context, fn call, rate float64, warm, d time.Duration) *result {
	var (
		mu  sync.Mutex
		res = &result{}
		wg  sync.WaitGroup
	)
	sem := make(chan struct{}, 256)
	interval := time.Duration(float64(time.Second) / rate)
	begin := time.Now()
	mStart := begin.Add(warm)
	end := mStart.Add(d)
	for i := 0; ; i++ {
		at := begin.Add(time.Duration(i) * interval)
		if !at.Before(end) {
			break
		}
		if s := time.Until(at); s > 0 {
			time.Sleep(s)
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(i int, at time.Time) {
			defer func() { <-sem; wg.Done() }()
			err := fn(ctx, i%64, i)
			el := time.Since(at)
			if at.Before(mStart) {
				return
			}
			mu.Lock()
			res.lat = append(res.lat, el)
			if err != nil {
				res.errs++
				if res.firstEr == nil {
					res.firstEr = err
				}
			}
			mu.Unlock()
		}(i, at)
	}
	wg.Wait()
	res.elapsed = d
	return res
}

// summary is the latency distribution of a result.
type summary struct {
	n             int
	rps           float64
	p50, p99, max time.Duration
}

func summarize(r *result) summary {
	s := summary{n: len(r.lat)}
	if s.n == 0 {
		return s
	}
	l := append([]time.Duration(nil), r.lat...)
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(l))+0.5) - 1
		return l[max(0, min(i, len(l)-1))]
	}
	s.p50, s.p99, s.max = rank(0.50), rank(0.99), l[len(l)-1]
	if r.elapsed > 0 {
		s.rps = float64(s.n) / r.elapsed.Seconds()
	}
	return s
}

func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	switch {
	case f >= 100:
		return fmt.Sprintf("%.0f", f)
	case f >= 10:
		return fmt.Sprintf("%.1f", f)
	default:
		return fmt.Sprintf("%.2f", f)
	}
}
