// Package similar ranks tickets, tasks and knowledge articles by their similarity to a text
// (a new ticket's title and description), so staff find duplicates before escalating.
//
// Candidates are read through the privacy rules (a viewer never sees a match it may not read),
// pre-filtered in SQL by full-text search (PostgreSQL to_tsvector/to_tsquery; SQLite FTS5 in
// the search_fts table), and ranked here with BM25 in which words in the title count double,
// so both databases rank alike.
package similar

import (
	"context"
	"math"
	"sort"
	"strings"
	"unicode"

	"supportdesk/ent"
	"supportdesk/ent/predicate"
	"supportdesk/ent/ticket"
	"supportdesk/internal/viewer"

	"entgo.io/ent/dialect/sql"
)

// Kind of a match.
type Kind string

// Kinds.
const (
	Ticket  Kind = "TICKET"
	Task    Kind = "TASK"
	Article Kind = "ARTICLE"
)

// Match is one ranked candidate.
type Match struct {
	Kind  Kind
	ID    int
	Title string
	Score float64
	// Node is the loaded ticket, task or article.
	Node any
}

// Postgres selects the full-text pre-filter; set once at start by the server.
var Postgres bool

// fullText is a PostgreSQL full-text predicate: any query word as a prefix of a word in the
// given columns ('simple' configuration, so German, Danish and English text match alike).
func fullText(words []string, cols ...string) func(*sql.Selector) {
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = w + ":*"
	}
	query := strings.Join(terms, " | ")
	return func(s *sql.Selector) {
		var parts []string
		for _, c := range cols {
			parts = append(parts, "coalesce("+s.C(c)+", '')")
		}
		s.Where(sql.P(func(b *sql.Builder) {
			b.WriteString("to_tsvector('simple', " + strings.Join(parts, " || ' ' || ") + ") @@ to_tsquery('simple', ")
			b.Arg(query)
			b.WriteString(")")
		}))
	}
}

// fts5 is the SQLite pre-filter: the row's id is among the matches of its kind in the FTS5
// table search_fts (kept by triggers, see its migration), any word as a prefix. Bounded, so a
// query of very common words stops after enough matches.
func fts5(words []string, kind string) func(*sql.Selector) {
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + w + `"*`
	}
	match := strings.Join(terms, " OR ")
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.WriteString(s.C("id") + " IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ")
			b.Arg(match)
			b.WriteString(" AND kind = ")
			b.Arg(kind)
			b.WriteString(" LIMIT 5000)")
		}))
	}
}

// prefilter returns the full-text predicate of one kind for the database in use.
func prefilter[P ~func(*sql.Selector)](words []string, kind string, pg P) P {
	if Postgres {
		return pg
	}
	return P(fts5(words, kind))
}

// candidatesPerKind bounds the rows ranked per kind.
const candidatesPerKind = 300

var stop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the and for with from that this have has not but are was were will can
		der die das und mit von ist nicht ein eine bei auf für den dem des wird
		og det som med til har ikke kan den der fra for`) {
		stop[w] = true
	}
}

// Words splits text into lower-case words of at least three letters, without stop words,
// each once.
func Words(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len([]rune(w)) < 3 || stop[w] || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

type doc struct {
	kind          Kind
	id            int
	node          any
	title, text   string
	titleW, bodyW map[string]int
}

// Find returns the best matches for text among what the viewer may see, best first. exclude
// leaves out one ticket (the one being compared).
func Find(ctx context.Context, c *ent.Client, text string, limit int, exclude int) ([]Match, error) {
	words := Words(text)
	if len(words) == 0 {
		return nil, nil
	}
	if len(words) > 12 {
		// Longer words are usually the more specific ones.
		sort.SliceStable(words, func(i, j int) bool { return len(words[i]) > len(words[j]) })
		words = words[:12]
	}
	var docs []doc
	tp := prefilter(words, "T", predicate.Ticket(fullText(words, "title", "description")))
	tickets, err := c.Ticket.Query().Where(tp, ticket.IDNEQ(exclude)).Limit(candidatesPerKind).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tickets {
		docs = append(docs, doc{kind: Ticket, id: t.ID, node: t, title: t.Title, text: t.Description + " " + t.Findings})
	}
	if v := viewer.FromContext(ctx); v != nil && v.IsStaff() {
		kp := prefilter(words, "K", predicate.Task(fullText(words, "title", "description")))
		tasks, err := c.Task.Query().Where(kp).Limit(candidatesPerKind).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range tasks {
			docs = append(docs, doc{kind: Task, id: t.ID, node: t, title: t.Title, text: t.Description + " " + strings.Join(t.Findings, " ")})
		}
	}
	ap := prefilter(words, "A", predicate.KnowledgeArticle(fullText(words, "title", "body")))
	articles, err := c.KnowledgeArticle.Query().Where(ap).Limit(candidatesPerKind).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range articles {
		docs = append(docs, doc{kind: Article, id: a.ID, node: a, title: a.Title, text: a.Body})
	}
	return Rank(words, docs, limit), nil
}

func counts(text string) map[string]int {
	m := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		m[w]++
	}
	return m
}

// Rank scores documents with BM25 (k1 = 1.2, b = 0.75) over title (weight 2) and body; a
// query word counts when a document word starts with it, so "posting" finds "postings".
func Rank(words []string, docs []doc, limit int) []Match {
	if len(docs) == 0 {
		return nil
	}
	total := 0
	for i := range docs {
		docs[i].titleW = counts(docs[i].title)
		docs[i].bodyW = counts(docs[i].text)
		for _, n := range docs[i].titleW {
			total += n
		}
		for _, n := range docs[i].bodyW {
			total += n
		}
	}
	avg := float64(total) / float64(len(docs))
	df := map[string]int{}
	tf := make([]map[string]float64, len(docs))
	for i, d := range docs {
		tf[i] = map[string]float64{}
		for _, q := range words {
			f := 0.0
			for w, n := range d.titleW {
				if strings.HasPrefix(w, q) {
					f += 2 * float64(n)
				}
			}
			for w, n := range d.bodyW {
				if strings.HasPrefix(w, q) {
					f += float64(n)
				}
			}
			if f > 0 {
				tf[i][q] = f
				df[q]++
			}
		}
	}
	n := float64(len(docs))
	var out []Match
	for i, d := range docs {
		length := 0
		for _, c := range d.titleW {
			length += c
		}
		for _, c := range d.bodyW {
			length += c
		}
		score := 0.0
		for q, f := range tf[i] {
			idf := math.Log(1 + (n-float64(df[q])+0.5)/(float64(df[q])+0.5))
			score += idf * f * 2.2 / (f + 1.2*(0.25+0.75*float64(length)/avg))
		}
		if score > 0 {
			out = append(out, Match{Kind: d.kind, ID: d.id, Title: d.title, Score: math.Round(score*1000) / 1000, Node: d.node})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
