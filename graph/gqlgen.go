//go:build ignore

// Command gqlgen generates the GraphQL executor (graph/generated) from gqlgen.yml, as
// `gqlgen generate` does, with one plugin: fields of objects resolve one after another.
//
// gqlgen starts a goroutine for every field that is a resolver or a method taking a context
// (every Ent edge), per object: ~100 for a queue page of 50 tickets, each growing its own stack.
// Our edges are eager-loaded in one batch per edge and request (entgql's field collection), so
// a goroutine per edge only waits for the answer a map lookup gives; resolving in order gives
// the same answer with a fraction of the CPU (issue 14). Root fields (Query, Subscription)
// stay concurrent.
//
// For the same reason list elements are marshalled in order: gqlgen's template calls
// graphql.MarshalSliceConcurrently, a goroutine per element, for every list of objects, with no
// setting to turn it off; after generating, the calls in generated.go are pointed at
// marshalSliceInOrder (graph/generated/inorder.go, same signature), and generating fails if
// none are found, so a gqlgen that renames the function cannot silently undo this.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

// sequentialFields marks every non-root object as resolving its fields in order, the way gqlgen
// treats Mutation.
type sequentialFields struct{}

func (sequentialFields) Name() string { return "sequentialfields" }

func (sequentialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if !o.Root {
			o.DisableConcurrency = true
		}
	}
	return nil
}

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loading gqlgen.yml:", err)
		os.Exit(2)
	}
	if err := api.Generate(cfg, api.AddPlugin(sequentialFields{})); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if err := listsInOrder(cfg.Exec.Filename); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(4)
	}
}

// listsInOrder points the executor's list marshalling at marshalSliceInOrder.
func listsInOrder(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	concurrent, inOrder := []byte("graphql.MarshalSliceConcurrently("), []byte("marshalSliceInOrder(")
	if !bytes.Contains(src, concurrent) {
		return fmt.Errorf("%s: no call of graphql.MarshalSliceConcurrently to point at marshalSliceInOrder", file)
	}
	return os.WriteFile(file, bytes.ReplaceAll(src, concurrent, inOrder), 0o644)
}
