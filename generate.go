// Package supportdesk is the root of the Supportdesk module. Its only file holds the ordered
// code-generation pipeline: Ent first (which also writes schema/ent.graphql), then gqlgen, then
// the frontend-contract schema snapshot.
package supportdesk

//go:generate go run ./ent/entc.go
//go:generate go run ./graph/gqlgen.go
//go:generate go run ./frontend-contract/snapshot
