package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"supportdesk/ent/user"
	"supportdesk/internal/auth"
	"supportdesk/internal/db/dbtest"
)

// TestLiveBenchmark measures live delivery as issue 13's "Done means" asks (heavy, so only with
// LIVE_BENCH=1; CI skips it). It is a measurement: run it without nice and read the load lines.
//
//	LIVE_BENCH=1 go test -count=1 -run TestLiveBenchmark -v ./server                  # SQLite, one instance
//	LIVE_BENCH=1 TEST_DATABASE_URL=... go test -count=1 -run TestLiveBenchmark -v ./server  # PostgreSQL, two instances
//
// 1,000 subscribers (LIVE_SUBSCRIBERS; LIVE_QUIET=1 makes them all watch a ticket nobody
// changes, to see the cost of idle connections alone; LIVE_NOMATCH=1 gives the queue subscribers a
// filter no created ticket passes, to see the cost of the reloads without deliveries), each on its own socket, split over the instances: partner
// staff on queueUpdated (half of P1's with a customer filter) and customers' key users and
// approvers on ticketEvents of their organisation's ticket. The sockets live in a child process
// (this test binary re-executed as TestLiveBenchClients, see liveBenchClients), so the server
// process's CPU time and memory are measured apart from the clients'; both share the machine's
// cores. Events are sent open-loop at 20/s for LIVE_SECONDS (default 10), alternately on each
// instance: tickets created by C1, C2, C3 customers and public comments on the customers'
// tickets, plus internal comments as a leak probe. It prints p50/p99/max latency from the start
// of the mutating request to the arrival on the client (wall clocks of one machine), lost,
// duplicated and leaked deliveries (LIVE_CPUPROFILE=path writes the server process's CPU profile of each
// throughput round to path.<round>.<with subscribers>), ticket-create throughput at c=8 with no subscriber and with
// the subscribers connected (LIVE_ROUNDS rounds with, default 2, interleaved with one more
// round without: none, with, none, ..., with, none; each figure is the mean of its rounds; LIVE_CLIENT_NICE, default 0, lowers the client process's priority
// while throughput is measured with subscribers — measured here, 19 made it worse (a starved
// client leaves the server's sockets full: 51-54 % against 74-88 % at 0)), the server's memory per idle subscribed connection, the CPU seconds
// of server and clients, the serialisations per delivery (events are serialised once per
// audience, not per subscriber), and whether the targets are met.
//
// Measured 2026-12-06 on the shared 2-core machine (load average 11-14 from other sessions, so
// single runs vary by 2x; 1,000 subscribers, 200 events, 33,750 deliveries, 0 lost, 0
// duplicated, 0 leaked in every run). Before (in-process clients, per-subscriber execution):
// SQLite p50 58/28 ms, p99 528/337 ms, throughput 32/36 %; PostgreSQL p50 25/29 ms, p99
// 237/279 ms, throughput 28/81 %. After (850 serialisations for the 33,750 deliveries), five
// runs each: SQLite p50 9-12 ms, p99 45/100/331/288 ms and one run of 13.5 s (a mutation
// stalled 13.5 s), throughput at client nice 0 88/93/105 % (54/53 % at nice 19); PostgreSQL
// p50 17-70 ms, p99 130/110/89/650/1039 ms, throughput at nice 0 74/97/60 % (51/51 % at nice
// 19). p99 is dominated by the mutating request itself (its own p99 59-1039 ms); from its
// answer to the arrival p50 1-5 ms, p99 20-300 ms. Server memory per idle subscribed
// connection 37-41 KiB heap, 75-88 KiB RSS, 5 goroutines.
//
// Measured again on a quiet machine (PostgreSQL, two instances, three rounds of 5 s): 48 %
// before this stop's changes; 52-55 % with busy sockets lingering up to 250 ms and cheap client
// parsing; LIVE_NOMATCH showed the reloads alone costing 45 % — the PostgreSQL pool kept 10
// idle connections, so each burst opened and closed sessions (163-172 per round); with as many
// idle as open ones, 66 %; with events handed from Publish to the sockets (no goroutine switch
// per subscriber) and rendered once per audience, 74 %; with the deployed GC_PERCENT, 73 %
// (327/s against 447/s), p99 13 ms, 0 lost, duplicated or leaked. What is left is about 4 µs of
// server and 1.5 µs of client CPU per delivery (217 per ticket created) on the cores the
// creates use. Next stop (machine reset, same setup): 72 % at the start; the server frames the
// data messages itself (frameConn: no frame allocated per subscriber, one write per batch) 74 %;
// a ticket change is reloaded only for viewer classes serving its customer (4 -> 2 reloads per
// ticket created) 77 %; the client process reads frames off the TCP connection (0.43 -> 0.22
// s CPU per round), offering takes two-case selects, one match pass per event: 79-81 %; with
// the rounds without bracketing those with (the drift: PostgreSQL CPU per create grows by a
// third over the run) 82 % (464.6/s against 566.4/s), p99 11.6 ms, 0 lost, duplicated or
// leaked. What is left per ticket created with 1,000 subscribers: two reloads (Ticket.Get of 63
// columns through Ent, ~110 µs of server CPU each, a third of it building the column list),
// about five serialisations (one per viewer class, which includes the role, and operation) of
// ~18 µs, 210 frames offered and written (~0.6 µs each) and the client's reading. The TICKET
// events of one outbox batch then reloaded in one query per viewer class (about 1.3 reload
// queries per ticket created instead of 2): 83 % (442.6/s against 534.6/s), p99 11.5 ms.
//
// Stop 24 (same machine, PostgreSQL with autovacuum off): those 83 % leaned on rounds without
// subscribers slowed by dead rows (490/s in the first, 272-302/s later). With VACUUM ANALYZE and
// CHECKPOINT before every round and 1 s to settle after the client process connects, the same
// code measured 74-80 %. Then, each in runs of 5-6 rounds of 8 s (LIVE_TPUT_SECONDS=8): a pure
// rendering of a ticket change shared across the staff roles of one organisation (5.3 -> 2.7
// serialisations per ticket created) and Publish asking only the subscriptions watching an
// event's object and ticket (it asked all 500 of an instance about every outbox row), 88 %;
// outbox reads coalescing a busy spell (10, then 25 ms: 0.59 -> 0.34 reload queries per ticket
// created) and busy sockets lingering up to 500 ms (half the socket writes), four runs at 83, 89,
// 93 and 96 % (mean 90 %), p99 12-18 ms, 0 lost, duplicated or leaked. Per ticket created the
// subscribers now cost about 0.3 ms of server CPU (Publish and offering 120 µs, reloads 60 µs,
// socket writes 55 µs, the rest the create requests themselves running slower beside them),
// 0.1 ms of PostgreSQL's and 0.1 ms of the client process's, against 3.4 ms of machine CPU per
// ticket created without subscribers; rounds of the same kind vary by 10-20 % on this machine
// (the CPU per create of one round without subscribers ranged 2.9-4.1 ms in one run).
//
// Stop 25 (machine reset; the same final code of stop 24 measured 87 % in one run of 6 rounds):
// a socket's frame queue a slice under a lock woken once per batch, and Publish offering each
// subscriber all of a batch's events in one call, 89 %; renderings shared by the shape of the
// result rather than the operation text (the filtered and unfiltered queue subscriptions: 2.7
// -> 2 serialisations per ticket created) and the client scanning each frame about once, 89 %;
// the outbox's read window growing with the rate of a flood up to 100 ms (0.14 -> 0.035 reload
// queries per ticket created, 8.4 -> 8.1 statements) 91-93 % in runs of 6 rounds; a read that
// finds nothing no longer starting a window (answer-to-arrival p99 at 20 events/s 26 -> 5.6 ms).
func TestLiveBenchmark(t *testing.T) {
	if os.Getenv("LIVE_BENCH") == "" || os.Getenv(liveBenchClientsEnv) != "" {
		t.Skip("set LIVE_BENCH=1")
	}
	// The servers run with the collector as deployed (GC_PERCENT's default; the test binary
	// otherwise runs with the runtime's 100), in both rounds.
	defer debug.SetGCPercent(debug.SetGCPercent(defaultGCPercent))
	subscribers := envInt("LIVE_SUBSCRIBERS", 1000)
	seconds := envInt("LIVE_SECONDS", 10)
	rounds := envInt("LIVE_ROUNDS", 2)
	const rate = 20
	const writers = 8
	tputFor := time.Duration(envInt("LIVE_TPUT_SECONDS", 5)) * time.Second

	var insts []*env
	if dbtest.ServerURL() != "" {
		a, b := twoInstances(t)
		insts = []*env{a, b}
	} else {
		insts = []*env{newEnv(t)}
	}
	e := insts[0]
	w := e.seed()
	ctx := trusted()
	hash, _ := auth.HashPassword(testPassword, 4)
	// Distinct users: 40 staff per partner over the four roles, 10 key users and 10 approvers
	// per customer; each socket signs in as one of them.
	users := map[string][]string{} // group -> tokens
	mkUsers := func(group, org string, roles []user.Role, n int) {
		for i := range n {
			r := roles[i%len(roles)]
			u := e.app.DB.Client.User.Create().SetEmail(fmt.Sprintf("bench.%s.%d@test.example", group, i)).
				SetName(fmt.Sprintf("%s %d", group, i)).SetRole(r).SetLevels([]string{"L1", "L2", "L3", "L4", "VENDOR"}).
				SetPasswordHash(hash).SetOrganizationID(w.orgs[org].ID).SaveX(ctx)
			tok, _, err := e.app.Tokens.IssueAccess(u.ID)
			if err != nil {
				t.Fatal(err)
			}
			users[group] = append(users[group], tok)
		}
	}
	staff := []user.Role{user.RoleSERVICE_DESK, user.RoleAGENT, user.RoleSERVICE_DELIVERY_MANAGER, user.RoleADMIN}
	cust := []user.Role{user.RoleKEY_USER, user.RoleAPPROVER}
	mkUsers("P1", "P1", staff, 40)
	mkUsers("P2", "P2", staff, 40)
	for _, c := range []string{"C1", "C2", "C3"} {
		mkUsers(c, c, cust, 20)
	}
	creator := map[string]string{}
	for _, c := range []string{"C1", "C2", "C3"} {
		creator[c] = e.token(w, c+".KEY_USER")
	}
	p1, p2 := e.token(w, "P1.AGENT"), e.token(w, "P2.AGENT")
	tickets := map[string]string{}
	for _, c := range []string{"C1", "C2", "C3"} {
		tickets[c] = e.create(creator[c], map[string]any{"title": "Watched " + c, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}).ID
	}
	// The first staff reply changes the ticket (first response); send it before measuring.
	for c, by := range map[string]string{"C1": p1, "C2": p1, "C3": p2} {
		e.ok(by, benchComment, map[string]any{"in": map[string]any{"ticketID": tickets[c], "body": "warm-up"}}, nil)
	}
	uptime(t, "start")
	cpu := func() time.Duration { return cpuOf(syscall.RUSAGE_SELF) }

	// Subscribers: 30 % P1 staff on the queue (half filtered to C1), 20 % P2 staff on the
	// queue, 20 % C1, 15 % C2, 15 % C3 on their organisation's ticket.
	type group struct {
		name, org, filter string
		share             int
	}
	groups := []group{{"P1 queue", "P1", "", 15}, {"P1 queue C1", "P1", "C1", 15}, {"P2 queue", "P2", "", 20},
		{"C1 ticket", "C1", "", 20}, {"C2 ticket", "C2", "", 15}, {"C3 ticket", "C3", "", 15}}
	var subs []benchSpec
	for _, g := range groups {
		n := subscribers * g.share / 100
		for i := range n {
			subs = append(subs, benchSpec{Group: g.name, Token: users[g.org][i%len(users[g.org])]})
			s := &subs[len(subs)-1]
			switch {
			case strings.HasSuffix(g.name, "ticket"):
				s.Query, s.Vars = `subscription($id: ID!){ ticketEvents(id: $id){ kind comment{ body } } }`, map[string]any{"id": tickets[g.org]}
			case g.filter != "":
				s.Query, s.Vars = `subscription($f: QueueFilter){ queueUpdated(filter: $f){ kind ticket{ title } } }`,
					map[string]any{"f": map[string]any{"customerID": gidOf(w.orgs[g.filter].ID)}}
			default:
				s.Query = `subscription { queueUpdated { kind ticket{ title } } }`
			}
		}
	}
	for len(subs) < subscribers {
		subs = append(subs, benchSpec{Group: "P1 queue", Token: users["P1"][0], Query: `subscription { queueUpdated { kind ticket{ title } } }`})
	}
	if os.Getenv("LIVE_QUIET") != "" {
		// Diagnosis: the same sockets, but every one watches a ticket nobody changes, so
		// the throughput "with" shows the cost of idle connections alone.
		quiet := e.create(creator["C1"], map[string]any{"title": "Quiet", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}).ID
		for i := range subs {
			subs[i].Query, subs[i].Vars = `subscription($id: ID!){ ticketEvents(id: $id){ kind comment{ body } } }`, map[string]any{"id": quiet}
			subs[i].Token = creator["C1"]
		}
	}
	if os.Getenv("LIVE_NOMATCH") != "" {
		for i := range subs {
			if strings.Contains(subs[i].Group, "queue") {
				subs[i].Query, subs[i].Vars = `subscription($f: QueueFilter){ queueUpdated(filter: $f){ kind ticket{ title } } }`, map[string]any{"f": map[string]any{"priorities": []string{"P1"}}}
			}
		}
	}
	for i := range subs {
		inst := insts[i%len(insts)]
		subs[i].URL = "ws" + strings.TrimPrefix(inst.srv.URL, "http") + "/graphql"
	}

	// Throughput without subscribers and with them, interleaved: none, with, none, with...
	var noneRuns, withRuns []float64
	clientNice := 0
	if v, err := strconv.Atoi(os.Getenv("LIVE_CLIENT_NICE")); err == nil {
		clientNice = v
	}
	var clients *benchClients
	tput := func(with bool) {
		// Every round starts settled: the sockets of a fresh client process are all open (or
		// those of the last one all closed) and their garbage collected, so that a round
		// measures creating tickets with the subscribers connected, not their connecting.
		time.Sleep(time.Second)
		runtime.GC()
		if with {
			clients.nice(clientNice)
			defer clients.nice(0)
		}
		vacuum(t, insts[0])
		c0, pg0, m0 := cpu(), commCPU("postgres"), machineBusy()
		fr0, wr0 := frameWrites.frames.Load(), frameWrites.writes.Load()
		var deferred int64 // summed by hubCounts
		hubCounts := func() (loads, queries, shares, stmts int64) {
			for _, in := range insts {
				deferred += in.app.Hub.Deferred.Load()
				loads += in.app.Hub.Loads.Load()
				queries += in.app.Hub.LoadQueries.Load()
				shares += in.app.Hub.Shares.Load()
				stmts += in.app.DB.Counts.Queries.Load() + in.app.DB.Counts.Execs.Load()
			}
			return
		}
		ld0, lq0, sh0, st0 := hubCounts()
		deferred0 := deferred
		deferred = 0
		sess0 := pgSessions(insts[0])
		var cc0 time.Duration
		if with {
			cc0 = clients.cpu()
		}
		if prof := os.Getenv("LIVE_CPUPROFILE"); prof != "" {
			// Diagnosis: the server process's CPU profile of each round, one file per round.
			f, err := os.Create(fmt.Sprintf("%s.%d.%t", prof, len(noneRuns)+len(withRuns), with))
			if err != nil {
				t.Fatal(err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			defer pprof.StopCPUProfile()
		}
		r := createThroughput(t, insts, creator, writers, tputFor)
		_, _, _, st := hubCounts()
		others := fmt.Sprintf("PostgreSQL CPU %.2fs (%d sessions opened, %.1f statements per ticket created), machine busy %.2fs", (commCPU("postgres") - pg0).Seconds(),
			pgSessions(insts[0])-sess0, float64(st-st0)/(r*tputFor.Seconds()), (machineBusy() - m0).Seconds())
		if with {
			deferred = 0
			ld, lq, sh, _ := hubCounts()
			others = fmt.Sprintf("client process CPU %.2fs, %s; %d frames in %d socket writes (%d offers deferred by a full socket), %d reloads in %d queries, %d serialisations", (clients.cpu() - cc0).Seconds(), others,
				frameWrites.frames.Load()-fr0, frameWrites.writes.Load()-wr0, deferred-deferred0, ld-ld0, lq-lq0, sh-sh0)
		}
		label := "no subscriber"
		if with {
			withRuns = append(withRuns, r)
			label = fmt.Sprintf("%d subscribers connected (client process nice %d)", len(subs), clientNice)
		} else {
			noneRuns = append(noneRuns, r)
		}
		t.Logf("ticket-create throughput, c=%d for %v, %s: %.1f/s (server CPU %.2fs, %s)", writers, tputFor, label, r, (cpu() - c0).Seconds(), others)
		uptime(t, "")
	}
	tput(false)

	runtime.GC()
	heap0, rss0, gor0 := memNow()
	clients = startBenchClients(t, subs)
	// Every subscription registered in its instance's hub.
	deadline := time.Now().Add(60 * time.Second)
	for {
		n := 0
		for _, in := range insts {
			n += in.app.Hub.Subscribers()
		}
		if n == len(subs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d subscriptions registered", n, len(subs))
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	runtime.GC()
	heap1, rss1, gor1 := memNow()
	t.Logf("idle subscribed connections: %d; per connection in the server process: heap %.1f KiB, RSS %.1f KiB, %.1f goroutines",
		len(subs), float64(heap1-heap0)/1024/float64(len(subs)), float64(rss1-rss0)/1024/float64(len(subs)), float64(gor1-gor0)/float64(len(subs)))

	// Events at 20/s, open loop.
	events := seconds * rate
	expect := make([][]int, events) // subscriber indexes per marker
	var sentMu sync.Mutex
	sent, answered := map[int]time.Time{}, map[int]time.Time{}
	want := 0
	tick := time.NewTicker(time.Second / rate)
	var wg sync.WaitGroup
	groupIs := func(i int, names ...string) bool { return slices.Contains(names, subs[i].Group) }
	shares0, loads0, cpu0, ccpu0 := int64(0), int64(0), cpu(), clients.cpu()
	for _, in := range insts {
		shares0 += in.app.Hub.Shares.Load()
		loads0 += in.app.Hub.Loads.Load()
	}
	started := time.Now()
	for i := range events {
		<-tick.C
		inst := insts[i%len(insts)]
		body := "bench-" + strconv.Itoa(i)
		var do func()
		switch i % 4 {
		case 0, 1: // a ticket created by C1, C2 (even rounds) or C3
			c := []string{"C1", "C3", "C2", "C3"}[i%4+(i/4%2)*2]
			for k := range subs {
				if (groupIs(k, "P1 queue") && c != "C3") || (groupIs(k, "P1 queue C1") && c == "C1") || (groupIs(k, "P2 queue") && c == "C3") {
					expect[i] = append(expect[i], k)
				}
			}
			do = func() {
				inst.create(creator[c], map[string]any{"title": body, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
			}
		case 2: // a public comment on C1's or C2's ticket
			c := []string{"C1", "C2"}[i/4%2]
			for k := range subs {
				if groupIs(k, c+" ticket") {
					expect[i] = append(expect[i], k)
				}
			}
			do = func() {
				inst.ok(p1, benchComment, map[string]any{"in": map[string]any{"ticketID": tickets[c], "body": body}}, nil)
			}
		case 3: // a public comment on C3's ticket, or an internal one on C1's (nobody may get it)
			if i/4%2 == 0 {
				for k := range subs {
					if groupIs(k, "C3 ticket") {
						expect[i] = append(expect[i], k)
					}
				}
				do = func() {
					inst.ok(p2, benchComment, map[string]any{"in": map[string]any{"ticketID": tickets["C3"], "body": body}}, nil)
				}
			} else {
				do = func() {
					inst.ok(p1, benchComment, map[string]any{"in": map[string]any{"ticketID": tickets["C1"], "body": body, "internal": true}}, nil)
				}
			}
		}
		want += len(expect[i])
		wg.Add(1)
		go func() {
			defer wg.Done()
			sentMu.Lock()
			sent[i] = time.Now()
			sentMu.Unlock()
			do()
			sentMu.Lock()
			answered[i] = time.Now()
			sentMu.Unlock()
		}()
	}
	tick.Stop()
	wg.Wait()
	sendFor := time.Since(started)
	// Let the last deliveries arrive.
	deadline = time.Now().Add(15 * time.Second)
	for clients.count() < want && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	serverCPU, clientCPU := cpu()-cpu0, clients.cpu()-ccpu0
	shares, loads := -shares0, -loads0
	for _, in := range insts {
		shares += in.app.Hub.Shares.Load()
		loads += in.app.Hub.Loads.Load()
	}
	uptime(t, "after delivery")

	tput(true)
	rep := clients.report()
	waitSubscribers := func(n int) {
		deadline := time.Now().Add(60 * time.Second)
		for {
			got := 0
			for _, in := range insts {
				got += in.app.Hub.Subscribers()
			}
			if got == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d subscriptions registered", got, n)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// Further rounds: none (every socket closed), then with (a fresh client process).
	for range rounds - 1 {
		waitSubscribers(0)
		tput(false)
		clients = startBenchClients(t, subs)
		waitSubscribers(len(subs))
		tput(true)
		clients.report()
	}
	// A last round without: the rounds "without" then bracket those "with" (none, with, ...,
	// with, none), so the drift over the run — every round adds some 2,500 tickets and their
	// history and outbox rows, and PostgreSQL's CPU per create grew by a third from the first
	// round to the third — weighs on both means alike instead of on the rounds "with" alone.
	waitSubscribers(0)
	tput(false)

	var lat, after, reqs latencies
	for i := range events {
		reqs.add(answered[i].Sub(sent[i]))
	}
	lost, dup, leaked, resyncs := 0, 0, 0, 0
	expected := make([]map[int]bool, len(subs))
	for i, ks := range expect {
		for _, k := range ks {
			if expected[k] == nil {
				expected[k] = map[int]bool{}
			}
			expected[k][i] = true
		}
	}
	for k, got := range rep.Subs {
		for i := range expected[k] {
			if got.Got[i] == 0 {
				lost++
			}
		}
		for i, n := range got.Got {
			switch {
			case !expected[k][i]:
				leaked += n
			case n > 1:
				dup += n - 1
			}
			if at, ok := got.First[i]; ok && expected[k][i] {
				lat.add(time.Unix(0, at).Sub(sent[i]))
				after.add(time.Unix(0, at).Sub(answered[i]))
			}
		}
		resyncs += got.Resyncs
		for _, msg := range got.Errors {
			t.Errorf("%s subscription: %s", subs[k].Group, msg)
		}
	}
	dropped := int64(0)
	for _, in := range insts {
		dropped += in.app.Hub.Dropped.Load()
	}
	p50, p99, max := lat.quantiles()
	t.Logf("delivery: %d subscribers on %d instance(s), %d events at %d/s (sent in %v), %d deliveries expected, %d received; lost %d, duplicated %d, leaked %d, resyncs %d (hub dropped %d)",
		len(subs), len(insts), events, rate, sendFor.Round(time.Millisecond), want, lat.count(), lost, dup, leaked, resyncs, dropped)
	t.Logf("latency (request start to arrival): p50 %v, p99 %v, max %v", p50, p99, max)
	a50, a99, amax := after.quantiles()
	r50, r99, rmax := reqs.quantiles()
	t.Logf("  of which the mutating requests: p50 %v, p99 %v, max %v; from the answer to arrival: p50 %v, p99 %v, max %v",
		r50, r99, rmax, a50, a99, amax)
	t.Logf("during delivery: server CPU %.2fs, client process CPU %.2fs; %d reloads (once per event and viewer class) and %d serialisations (once per event and audience) for %d deliveries",
		serverCPU.Seconds(), clientCPU.Seconds(), loads, shares, want)
	none, with := mean(noneRuns), mean(withRuns)
	ratio := with / none * 100
	t.Logf("ticket-create throughput, c=%d: %.1f/s with %d subscribers connected, %.0f %% of %.1f/s without (means of %v and %v)",
		writers, with, len(subs), ratio, none, fmtRuns(withRuns), fmtRuns(noneRuns))
	uptime(t, "end")
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT MET"
	}
	t.Logf("targets: p99 < 100ms %s (%v); 0 lost %s (%d); 0 duplicated %s (%d); 0 leaked %s (%d); throughput >= 90 %% %s (%.0f %%)",
		met(p99 < 100*time.Millisecond), p99, met(lost == 0), lost, met(dup == 0), dup, met(leaked == 0), leaked, met(ratio >= 90), ratio)
	if leaked > 0 {
		t.Errorf("%d deliveries reached subscribers who may not see them", leaked)
	}
}

// pgSessions is the number of sessions PostgreSQL has seen open on the test database (0 on
// SQLite): connections opened during a round cost the database a process each.
// vacuum runs VACUUM ANALYZE on the bench's PostgreSQL database before a throughput round, as
// autovacuum would in a deployment: this machine's PostgreSQL runs with autovacuum off, and
// without it every round's dead ticket, outbox and history rows made the next one slower
// (creates without subscribers fell from 490/s in the first round to 272-302/s in the next
// ones), which weighed on whichever rounds came later.
func vacuum(t *testing.T, e *env) {
	if dbtest.ServerURL() == "" {
		return
	}
	if _, err := e.app.DB.SQL.Exec("VACUUM ANALYZE"); err != nil {
		t.Fatalf("vacuum: %v", err)
	}
	// And a checkpoint, so that every round starts with the same full-page writes ahead of it
	// rather than whichever round a timed checkpoint falls in paying for them.
	if _, err := e.app.DB.SQL.Exec("CHECKPOINT"); err != nil {
		t.Logf("checkpoint (needs a superuser or pg_checkpoint): %v", err)
	}
}

func pgSessions(e *env) int64 {
	if dbtest.ServerURL() == "" {
		return 0
	}
	var n int64
	_ = e.app.DB.SQL.QueryRow("SELECT sessions FROM pg_stat_database WHERE datname = current_database()").Scan(&n)
	return n
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(max(len(xs), 1))
}

func fmtRuns(xs []float64) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, strconv.FormatFloat(x, 'f', 1, 64))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// cpuOf is the user plus system CPU time of this process (RUSAGE_SELF) or of its waited-for
// children (RUSAGE_CHILDREN).
func cpuOf(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const benchComment = `mutation($in: AddCommentInput!){ addComment(input: $in){ comment{ id } } }`

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil && n > 0 {
		return n
	}
	return def
}

// commCPU is the CPU time of every process named comm and of its ended children (user and
// system, from /proc).
func commCPU(comm string) time.Duration {
	dirs, _ := os.ReadDir("/proc")
	var ticks int64
	for _, d := range dirs {
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open || s[open+1:end] != comm {
			continue
		}
		f := strings.Fields(s[end+1:])
		if len(f) > 14 {
			// utime, stime, and cutime, cstime: the CPU of children that ended and were
			// waited for (PostgreSQL's backends of closed connections, in the postmaster's).
			for _, k := range []int{11, 12, 13, 14} {
				n, _ := strconv.ParseInt(f[k], 10, 64)
				ticks += n
			}
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond // USER_HZ 100
}

// machineBusy is the CPU time all cores spent outside idle and iowait (/proc/stat).
func machineBusy() time.Duration {
	b, _ := os.ReadFile("/proc/stat")
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var ticks int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

func uptime(t *testing.T, when string) {
	b, _ := os.ReadFile("/proc/loadavg")
	t.Logf("load %s: %s", when, strings.TrimSpace(string(b)))
}

// memNow is the heap in use, the process RSS (bytes) and the goroutine count.
func memNow() (heap, rss int64, goroutines int) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			rss = kb * 1024
		}
	}
	return int64(m.HeapInuse), rss, runtime.NumGoroutine()
}

// createThroughput creates tickets with c writers spread over the instances for d and returns
// tickets per second.
func createThroughput(t *testing.T, insts []*env, creator map[string]string, c int, d time.Duration) float64 {
	var n atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	orgs := []string{"C1", "C2", "C3"}
	for k := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inst := insts[k%len(insts)]
			for i := 0; time.Now().Before(stop); i++ {
				inst.create(creator[orgs[(k+i)%3]], map[string]any{"title": fmt.Sprintf("tput-%d-%d", k, i), "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
				n.Add(1)
			}
		}()
	}
	start := time.Now()
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds()
}

type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) { l.mu.Lock(); l.d = append(l.d, d); l.mu.Unlock() }

func (l *latencies) count() int { l.mu.Lock(); defer l.mu.Unlock(); return len(l.d) }

func (l *latencies) quantiles() (p50, p99, max time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return
	}
	sort.Slice(l.d, func(i, j int) bool { return l.d[i] < l.d[j] })
	return l.d[len(l.d)/2], l.d[len(l.d)*99/100], l.d[len(l.d)-1]
}
