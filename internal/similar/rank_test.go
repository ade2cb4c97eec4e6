package similar

import (
	"reflect"
	"testing"
)

func TestWords(t *testing.T) {
	got := Words("The invoice posting FAILS; posting fails again — für 42 Rechnungen, ok?")
	want := []string{"invoice", "posting", "fails", "again", "rechnungen"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
}

func TestRank(t *testing.T) {
	docs := []doc{
		{kind: Ticket, id: 1, title: "Printer label blank", text: "The shipment label printer prints blank pages."},
		{kind: Ticket, id: 2, title: "Invoice posting fails", text: "Posting an invoice to the journal fails with an error."},
		{kind: Article, id: 3, title: "Journal postings", text: "How invoice postings reach the journal."},
		{kind: Task, id: 4, title: "Payroll export", text: "Export of payroll to the bank."},
	}
	got := Rank(Words("invoice posting fails"), docs, 10)
	var ids []int
	for _, m := range got {
		ids = append(ids, m.ID)
		if m.Score <= 0 {
			t.Errorf("match %d with score %v", m.ID, m.Score)
		}
	}
	// The ticket with every word in its title first; the article (prefix "posting" matches
	// "postings") second; documents without any word are left out.
	if !reflect.DeepEqual(ids, []int{2, 3}) {
		t.Fatalf("ranking %v, want [2 3] (%+v)", ids, got)
	}
	if got[0].Kind != Ticket || got[1].Kind != Article || got[0].Score <= got[1].Score {
		t.Errorf("kinds or order wrong: %+v", got)
	}
	if top := Rank(Words("invoice posting fails"), docs, 1); len(top) != 1 || top[0].ID != 2 {
		t.Errorf("limit 1: %+v", top)
	}
	if Rank([]string{"scanner"}, docs, 10) != nil || Rank([]string{"invoice"}, nil, 10) != nil {
		t.Error("no match should rank nothing")
	}
}
