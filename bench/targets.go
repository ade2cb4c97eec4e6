package main

import (
	"fmt"
	"io"
	"time"
)

// get returns the summary of a cell, or nil when it was not measured.
func (b *bench) get(w, mode, side string) *summary {
	c := b.cells[key(w, mode, side)]
	if c == nil || len(c.res.lat) == 0 {
		return nil
	}
	s := summarize(&c.res)
	return &s
}

// targets prints the targets of issue 14 item 6 as met or not met, with their figures.
func (b *bench) targets(w io.Writer) {
	fmt.Fprintf(w, "\nTargets (issue 14 item 6) at size %s:\n", b.cfg.Size.Name)
	line := func(name string, ok *bool, figure string) {
		state := "not measured"
		if ok != nil && *ok {
			state = "MET"
		} else if ok != nil {
			state = "NOT MET"
		}
		fmt.Fprintf(w, "  %-13s %-62s %s\n", state, name, figure)
	}
	yes := func(v bool) *bool { return &v }
	msf := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

	if q, f := b.get("queue+count", "c=1", "ours"), b.get("queue+count", "c=1", "floor"); q != nil && f != nil {
		ratio := msf(q.p50) / msf(f.p50)
		note := ""
		if b.cfg.Size.Name != "L" {
			note = " (the target is for L)"
		}
		line("queue+count p50 at c=1 ≤ 3× floor and < 5 ms", yes(ratio <= 3 && q.p50 < 5*time.Millisecond),
			fmt.Sprintf("%s ms = %.1f× floor %s ms%s", ms(q.p50), ratio, ms(f.p50), note))
	} else {
		line("queue+count p50 at c=1 ≤ 3× floor and < 5 ms", nil, "")
	}
	for _, wl := range []string{"queue", "queue+count"} {
		name := wl + " rps at c=32 ≥ 1.25× peer (goal 2×), lower p99"
		q, p := b.get(wl, "c=32", "ours"), b.get(wl, "c=32", "peer")
		if q == nil || p == nil {
			fig := "peer off"
			if q != nil {
				fig = fmt.Sprintf("ours %.0f rps, p99 %s ms; peer off", q.rps, ms(q.p99))
			}
			line(name, nil, fig)
			continue
		}
		line(name, yes(q.rps >= 1.25*p.rps && q.p99 < p.p99),
			fmt.Sprintf("ours %.0f rps p99 %s ms, peer %.0f rps p99 %s ms: %.2f×", q.rps, ms(q.p99), p.rps, ms(p.p99), q.rps/p.rps))
	}
	if q, p := b.get("detail", "c=32", "ours"), b.get("detail", "c=32", "peer"); q != nil && p != nil {
		line("ticket detail rps at c=32 ≥ 1× peer", yes(q.rps >= p.rps), fmt.Sprintf("ours %.0f rps, peer %.0f rps: %.2f×", q.rps, p.rps, q.rps/p.rps))
	} else {
		line("ticket detail rps at c=32 ≥ 1× peer", nil, "peer off")
	}
	if c := b.get("create", "c=8", "ours"); c != nil {
		st := b.cells[key("create", "c=8", "ours")].d.stmts
		line("create ticket p99 ≤ 50 ms at c=8 (history and outbox written)", yes(c.p99 <= 50*time.Millisecond),
			fmt.Sprintf("p99 %s ms, %.0f rps, %.1f statements", ms(c.p99), c.rps, st))
	} else {
		line("create ticket p99 ≤ 50 ms at c=8 (history and outbox written)", nil, "")
	}
	if c := b.get("statement", "c=1", "ours"); c != nil {
		note := ""
		if b.fix.monthEntries < 45_000 {
			note = " (the target is for a 50k-entry month: size L)"
		}
		line("monthly statement of a 50k-entry customer-month < 100 ms", yes(c.p50 < 100*time.Millisecond),
			fmt.Sprintf("p50 %s ms for %d entries%s", ms(c.p50), b.fix.monthEntries, note))
	} else {
		line("monthly statement of a 50k-entry customer-month < 100 ms", nil, "")
	}
	if c := b.get("sla report", "c=1", "ours"); c != nil {
		line("month SLA report < 1 s", yes(c.p50 < time.Second), fmt.Sprintf("p50 %s ms", ms(c.p50)))
	} else {
		line("month SLA report < 1 s", nil, "")
	}
	const mib = 1 << 20
	srv := b.peakRSS["server"]
	line("RSS under load ≤ 64 MB", yes(srv <= 64*mib), fmt.Sprintf("peak %s", mb(srv)))
	if p := b.peakRSS["peer"]; p > 0 {
		line("RSS under load ≤ 25 % of the peer's", yes(float64(srv) <= 0.25*float64(p)), fmt.Sprintf("%s vs peer %s: %.0f %%", mb(srv), mb(p), 100*float64(srv)/float64(p)))
	} else {
		line("RSS under load ≤ 25 % of the peer's", nil, "peer off")
	}
	idle := max(b.idleRSS["idle at start server"], b.idleRSS["idle at end server"])
	line("RSS idle ≤ 40 MB", yes(idle <= 40*mib), fmt.Sprintf("%s at start, %s at end", mb(b.idleRSS["idle at start server"]), mb(b.idleRSS["idle at end server"])))
}
