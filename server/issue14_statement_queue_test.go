package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// TestIssue14StatementsAtOnce: monthly statements are computed at most as many at a time as
// the service has tokens (one per core in the server); a further request waits for a token,
// is answered in full once one is free, and gives up its turn when its client goes away
// without taking a token with it.
func TestIssue14StatementsAtOnce(t *testing.T) {
	e := newEnv(t)
	tokens := make(chan struct{}, 1) // set before any request: one statement at a time
	e.app.handler.Budgets.Statements = tokens
	w := e.seed()
	e.contingentContract(w)
	e.clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	tk := e.create(key, map[string]any{"title": "Statement question", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	if r, _ := e.book(agent, tk.ID, "L1", 30, nil); len(r.Errors) > 0 {
		t.Fatalf("booking: %+v", r.Errors)
	}
	const q = `query($k:ID!,$m:String!){ monthlyStatement(contractID:$k, month:$m){ totalCents lines{ ticketNumber level minutes amountCents } } }`
	vars := map[string]any{"k": gidOf(w.contracts["C1"].ID), "m": "2026-11"}
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	post := func(ctx context.Context) (*gqlResponse, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var out gqlResponse
		return &out, json.NewDecoder(resp.Body).Decode(&out)
	}
	// L1 at 70 €/h: 30 minutes are 35.00 €.
	want := `{"monthlyStatement":{"totalCents":3500,"lines":[{"ticketNumber":"` + tk.Number + `","level":"L1","minutes":30,"amountCents":3500}]}}`
	first, err := post(context.Background())
	if err != nil || len(first.Errors) > 0 || string(first.Data) != want {
		t.Fatalf("statement: %v %+v %s, want %s", err, first, first.Data, want)
	}

	tokens <- struct{}{} // a statement being computed holds the only token

	// A client that gives up while waiting: its request ends, no token is taken or lost.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	if _, err := post(ctx); err == nil {
		t.Fatal("a statement was answered while the only token was held")
	}
	cancel()

	type answer struct {
		r   *gqlResponse
		err error
	}
	waiting := make(chan answer, 1)
	go func() {
		r, err := post(context.Background())
		waiting <- answer{r, err}
	}()
	select {
	case a := <-waiting:
		t.Fatalf("answered while the only token was held: %+v %v", a.r, a.err)
	case <-time.After(300 * time.Millisecond):
	}
	if len(tokens) != 1 {
		t.Fatalf("%d tokens held, want the one taken by the test", len(tokens))
	}
	<-tokens // the computing statement ends
	select {
	case a := <-waiting:
		if a.err != nil || len(a.r.Errors) > 0 || string(a.r.Data) != want {
			t.Fatalf("the waiting statement: %v %+v %s, want %s", a.err, a.r, a.r.Data, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting statement was not answered once the token was free")
	}
	if len(tokens) != 0 {
		t.Fatalf("%d tokens still held after every statement ended", len(tokens))
	}
}
