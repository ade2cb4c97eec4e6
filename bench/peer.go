package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"supportdesk/graph/gid"
)

// peerSchema gives PostGraphile the tenant filter our API applies to a partner agent: the
// tickets of a list of customers. A set-returning SQL function of one SELECT is inlined by
// PostgreSQL, so the peer's queue uses the same indexes; @sortable and @filterable give it
// orderBy and condition (the behaviours PostGraphile 4's @sortable and @filterable stand for).
const peerSchema = `
CREATE SCHEMA IF NOT EXISTS bench_peer;
CREATE OR REPLACE FUNCTION bench_peer.tickets_of(customers bigint[]) RETURNS SETOF public.tickets
  LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT t.* FROM public.tickets t WHERE t.customer_id = ANY(customers) $$;
COMMENT ON FUNCTION bench_peer.tickets_of(bigint[]) IS E'@behavior +orderBy +order +filter +filterProc +filterBy';
`

// startPeer starts PostGraphile from bench/peer over the bench database (npm ci first when
// its node_modules are missing).
func startPeer(ctx context.Context, dbURL string) (*proc, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, "bench", "peer")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "postgraphile")); err != nil {
		ci := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
		ci.Dir, ci.Stdout, ci.Stderr = dir, os.Stderr, os.Stderr
		if err := ci.Run(); err != nil {
			return nil, fmt.Errorf("npm ci in bench/peer: %w", err)
		}
	}
	q, err := sql.Open("postgres", dbURL)
	if err != nil {
		return nil, err
	}
	_, err = q.ExecContext(ctx, peerSchema)
	q.Close()
	if err != nil {
		return nil, fmt.Errorf("peer schema: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(os.TempDir(), "supportdesk-bench-peer.log")
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("node", "--require", "./polyfill.cjs", "server.mjs")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, lf, lf
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "PORT="+strconv.Itoa(port), "NODE_ENV=production")
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, pid: cmd.Process.Pid, base: fmt.Sprintf("http://127.0.0.1:%d", port), log: logPath}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := gql(ctx, p.base+"/graphql", "", `{ __typename }`, nil, nil)
		if err == nil {
			return p, nil
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("PostGraphile not ready (log %s): %w", logPath, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

const peerQueueFields = `nodes{ rowId number title priority status level receivedAt
  customer: organizationByCustomerId{ name } assignee: userByAssigneeId{ name } } pageInfo{ hasNextPage endCursor }`

var (
	peerQueueCount = `query($c:[BigInt]){ ticketsOf: benchPeerTicketsOf(customers:$c, condition:{open:true}, first:50,
  orderBy:[PRIORITY_ASC, RECEIVED_AT_ASC, ROW_ID_ASC]){ totalCount ` + peerQueueFields + ` } }`
	peerQueueNo = `query($c:[BigInt]){ ticketsOf: benchPeerTicketsOf(customers:$c, condition:{open:true}, first:50,
  orderBy:[PRIORITY_ASC, RECEIVED_AT_ASC, ROW_ID_ASC]){ ` + peerQueueFields + ` } }`
	peerDetail = `query($c:[BigInt], $id:BigInt!){ ticketsOf: benchPeerTicketsOf(customers:$c, condition:{rowId:$id}, first:1){ nodes{
  rowId number title description type priority level status receivedAt firstResponseAt resolvedAt
  customer: organizationByCustomerId{ name } reporter: userByReporterId{ name } assignee: userByAssigneeId{ name }
  contract: contractByContractId{ name } slaFirstResponseDue slaResolutionDue
  comments: commentsByTicketId(first:20, orderBy:PRIMARY_KEY_ASC){ nodes{ body createdAt } }
  events: ticketEventsByTicketId(first:20, orderBy:PRIMARY_KEY_ASC){ nodes{ kind fromValue toValue createdAt } }
  entries: timeEntriesByTicketId(first:20, orderBy:PRIMARY_KEY_ASC){ nodes{ level workDate minutes billableMinutes } } } } }`
)

// peerSides adds PostGraphile's side to the queue and detail workloads, after checking that
// it answers the queue with the same tickets in the same order as our API.
func (b *bench) peerSides(ws []workload) []workload {
	f := &b.fix
	api := b.peer.base + "/graphql"
	cust := make([]string, len(f.partnerCustomers))
	for i, c := range f.partnerCustomers {
		cust[i] = strconv.FormatInt(c, 10)
	}
	peerSide := func(query string, vars func(i int) map[string]any) side {
		return side{"peer", func(ctx context.Context, w, i int) error {
			v := map[string]any{"c": cust}
			if vars != nil {
				for k, x := range vars(i) {
					v[k] = x
				}
			}
			return gql(ctx, api, "", query, v, nil)
		}}
	}
	for i := range ws {
		switch ws[i].name {
		case "queue+count":
			ws[i].sides = append(ws[i].sides, peerSide(peerQueueCount, nil))
		case "queue":
			ws[i].sides = append(ws[i].sides, peerSide(peerQueueNo, nil))
		case "detail":
			ws[i].sides = append(ws[i].sides, peerSide(peerDetail, func(i int) map[string]any {
				return map[string]any{"id": strconv.Itoa(f.detailIDs[i%len(f.detailIDs)])}
			}))
		}
	}
	return ws
}

// comparePeer checks that the peer's queue page holds our tickets in our order, with the same
// total.
func (b *bench) comparePeer(ctx context.Context) error {
	var ours struct {
		Queue struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
	}
	if err := gql(ctx, b.server.base+"/graphql", b.fix.agentTok[0], queueCount, nil, &ours); err != nil {
		return err
	}
	cust := make([]string, len(b.fix.partnerCustomers))
	for i, c := range b.fix.partnerCustomers {
		cust[i] = strconv.FormatInt(c, 10)
	}
	var peer struct {
		TicketsOf struct {
			TotalCount int
			Nodes      []struct{ RowID json.Number }
		}
	}
	if err := gql(ctx, b.peer.base+"/graphql", "", peerQueueCount, map[string]any{"c": cust}, &peer); err != nil {
		return fmt.Errorf("peer queue: %w", err)
	}
	var a, p []string
	for _, e := range ours.Queue.Edges {
		id, _ := gid.Decode(e.Node.ID)
		a = append(a, strconv.Itoa(id))
	}
	for _, n := range peer.TicketsOf.Nodes {
		p = append(p, n.RowID.String())
	}
	if ours.Queue.TotalCount != peer.TicketsOf.TotalCount || strings.Join(a, ",") != strings.Join(p, ",") {
		return fmt.Errorf("the peer's queue differs: ours %d tickets %v…, peer %d tickets %v…", ours.Queue.TotalCount, head(a), peer.TicketsOf.TotalCount, head(p))
	}
	fmt.Fprintf(os.Stderr, "peer agrees: the same %d tickets in the same order of %d\n", len(a), ours.Queue.TotalCount)
	return nil
}

func head(s []string) []string { return s[:min(5, len(s))] }
