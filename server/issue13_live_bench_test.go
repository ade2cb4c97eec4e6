package main

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
	"time"
)

// TestLiveDeliveryLatency measures delivery to many subscribers (LIVE_BENCH=1 go test -run
// TestLiveDeliveryLatency -v ./server): 200 queueUpdated subscribers on their own sockets, 50
// tickets created at 20/s; it logs p50, p99, max latency from the start of the creating request
// to arrival, and lost deliveries. A test rather than a go benchmark: the figure is a
// distribution over a fixed load, not a time per operation.
func TestLiveDeliveryLatency(t *testing.T) {
	if os.Getenv("LIVE_BENCH") == "" {
		t.Skip("set LIVE_BENCH=1")
	}
	const subscribers, events = 200, 50
	e := newEnv(t)
	w := e.seed()
	tok := e.token(w, "P1.AGENT")
	c1 := e.token(w, "C1.KEY_USER")
	var mu sync.Mutex
	sent := map[string]time.Time{}
	var lat []time.Duration
	received := 0
	var wg sync.WaitGroup
	for i := range subscribers {
		s, err := e.dialWS(tok, nil)
		if err != nil {
			t.Fatal(i, err)
		}
		next, _ := s.subscribe("q", `subscription { queueUpdated { kind ticket{ title } } }`, nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < events; n++ {
				select {
				case raw := <-next:
					at := time.Now()
					var title string
					if _, err := fmt.Sscanf(extractTitle(string(raw)), "bench-%s", &title); err != nil {
						continue
					}
					mu.Lock()
					lat = append(lat, at.Sub(sent["bench-"+title]))
					received++
					mu.Unlock()
				case <-time.After(10 * time.Second):
					return
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	tick := time.NewTicker(50 * time.Millisecond)
	for i := range events {
		<-tick.C
		title := fmt.Sprintf("bench-%d", i)
		mu.Lock()
		sent[title] = time.Now()
		mu.Unlock()
		e.create(c1, map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	}
	tick.Stop()
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) == 0 {
		t.Fatal("nothing received")
	}
	t.Logf("subscribers %d, events %d: delivered %d of %d (lost %d); latency p50 %v p99 %v max %v",
		subscribers, events, received, subscribers*events, subscribers*events-received,
		lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
}

func extractTitle(raw string) string {
	const key = `"title":"`
	for i := 0; i+len(key) < len(raw); i++ {
		if raw[i:i+len(key)] == key {
			j := i + len(key)
			k := j
			for k < len(raw) && raw[k] != '"' {
				k++
			}
			return raw[j:k]
		}
	}
	return ""
}
