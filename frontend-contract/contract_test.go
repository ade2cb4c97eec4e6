// Package contract holds the frontend contract's checks.
package contract

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	b, err := os.ReadFile("schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	s, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(b)})
	if gqlErr != nil {
		t.Fatal(gqlErr)
	}
	return s
}

// operationFiles lists every .graphql document under operations/, one folder per client plus
// fragments/ and common/.
func operationFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("operations", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".graphql") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestOperationsValidate checks every operation the frontends use against the schema.
func TestOperationsValidate(t *testing.T) {
	schema := loadSchema(t)
	files := operationFiles(t)
	if len(files) == 0 {
		t.Fatal("no operations")
	}
	var all string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all += string(b) + "\n"
	}
	// One document, so fragments can be shared across files.
	doc, errs := gqlparser.LoadQuery(schema, all)
	if len(errs) > 0 {
		t.Fatalf("operations do not validate against the schema: %v", errs)
	}
	if len(doc.Operations) < 90 {
		t.Fatalf("only %d operations", len(doc.Operations))
	}
}

// TestSnapshotMatchesServedSchema compares the snapshot with the SDL files the server is built
// from, so the contract never drifts from what is served.
func TestSnapshotMatchesServedSchema(t *testing.T) {
	snap := loadSchema(t)
	files, _ := filepath.Glob("../schema/*.graphql")
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: f, Input: string(b)})
	}
	served, gqlErr := gqlparser.LoadSchema(sources...)
	if gqlErr != nil {
		t.Fatal(gqlErr)
	}
	for name, def := range served.Types {
		got, ok := snap.Types[name]
		if !ok {
			t.Errorf("type %s missing from schema.graphql: run go generate ./...", name)
			continue
		}
		if len(got.Fields) != len(def.Fields) || len(got.EnumValues) != len(def.EnumValues) {
			t.Errorf("type %s differs from the served schema: run go generate ./...", name)
		}
	}
}
