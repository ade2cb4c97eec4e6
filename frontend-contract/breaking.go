// Package contract holds the frontend contract: the schema snapshot, the operations frontends
// use, and the breaking-change guard against the released schema.
package contract

import (
	"fmt"
	"sort"

	"github.com/vektah/gqlparser/v2/ast"
)

// BreakingChanges lists every change from the released schema to the current one that can break a
// client built against the released schema, one readable line each, sorted. Additions pass; so
// does removing a field, argument, input field or enum value that the released schema already
// marked @deprecated. GraphQL has no @deprecated on types, so a type (or a union member) may go
// once every field, input field or enum value of its released version was @deprecated; a scalar
// or union type never goes without breaking.
//
// Breaking are: a removed type, field, argument, input field, enum value, union member or
// implemented interface without a prior deprecation; a changed kind of type; an output field whose
// type was widened (non-null to nullable) or changed to another named type or list shape; an
// argument or input field made required (a new non-null one without a default, nullable to
// non-null, or a dropped default on a non-null one) or changed to another named type or list shape.
func BreakingChanges(released, current *ast.Schema) []string {
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }

	for name, old := range released.Types {
		if old.BuiltIn {
			continue
		}
		cur, ok := current.Types[name]
		if !ok {
			if !wholeTypeDeprecated(old) {
				add("type %s: removed without a prior deprecation", name)
			}
			continue
		}
		if cur.Kind != old.Kind {
			add("type %s: kind changed from %s to %s", name, old.Kind, cur.Kind)
			continue
		}
		switch old.Kind {
		case ast.Object, ast.Interface:
			for _, iface := range old.Interfaces {
				if !contains(cur.Interfaces, iface) {
					add("type %s: no longer implements %s", name, iface)
				}
			}
			for _, f := range old.Fields {
				nf := cur.Fields.ForName(f.Name)
				if nf == nil {
					if !deprecated(f.Directives) {
						add("field %s.%s: removed without a prior deprecation", name, f.Name)
					}
					continue
				}
				if !outputCompatible(f.Type, nf.Type) {
					add("field %s.%s: type changed from %s to %s (clients may get what they do not expect)", name, f.Name, f.Type, nf.Type)
				}
				typeName, fieldName := name, f.Name
				out = append(out, inputChanges(f.Arguments, nf.Arguments, func(arg string) string {
					return fmt.Sprintf("argument %s.%s(%s)", typeName, fieldName, arg)
				})...)
			}
		case ast.InputObject:
			var oldFields, curFields ast.ArgumentDefinitionList
			for _, f := range old.Fields {
				oldFields = append(oldFields, asArg(f))
			}
			for _, f := range cur.Fields {
				curFields = append(curFields, asArg(f))
			}
			typeName := name
			out = append(out, inputChanges(oldFields, curFields, func(field string) string {
				return fmt.Sprintf("input field %s.%s", typeName, field)
			})...)
		case ast.Enum:
			for _, v := range old.EnumValues {
				if cur.EnumValues.ForName(v.Name) == nil && !deprecated(v.Directives) {
					add("enum value %s.%s: removed without a prior deprecation", name, v.Name)
				}
			}
		case ast.Union:
			for _, member := range old.Types {
				if contains(cur.Types, member) {
					continue
				}
				if mt := released.Types[member]; mt == nil || !wholeTypeDeprecated(mt) {
					add("union %s: member %s removed", name, member)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// inputChanges compares arguments or input fields (which accept what a client sends); where names
// one of them for the message.
func inputChanges(old, cur ast.ArgumentDefinitionList, where func(name string) string) []string {
	var out []string
	for _, a := range old {
		na := cur.ForName(a.Name)
		if na == nil {
			if !deprecated(a.Directives) {
				out = append(out, fmt.Sprintf("%s: removed without a prior deprecation", where(a.Name)))
			}
			continue
		}
		if !inputCompatible(a.Type, na.Type) {
			out = append(out, fmt.Sprintf("%s: type changed from %s to %s (what clients send may be rejected)", where(a.Name), a.Type, na.Type))
		} else if !required(a) && required(na) {
			out = append(out, fmt.Sprintf("%s: made required (%s without a default)", where(a.Name), na.Type))
		}
	}
	for _, na := range cur {
		if old.ForName(na.Name) == nil && required(na) {
			out = append(out, fmt.Sprintf("%s: new required %s without a default", where(na.Name), na.Type))
		}
	}
	return out
}

func required(a *ast.ArgumentDefinition) bool { return a.Type.NonNull && a.DefaultValue == nil }

// outputCompatible reports whether every value of type cur is also a value of type old, so a
// client reading the field sees nothing new: non-null may be added, never removed.
func outputCompatible(old, cur *ast.Type) bool {
	if old.NonNull && !cur.NonNull {
		return false
	}
	if (old.Elem == nil) != (cur.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return outputCompatible(old.Elem, cur.Elem)
	}
	return old.NamedType == cur.NamedType
}

// inputCompatible reports whether every value a client could send for old is still accepted by
// cur: non-null may be dropped, never added.
func inputCompatible(old, cur *ast.Type) bool {
	if !old.NonNull && cur.NonNull {
		return false
	}
	if (old.Elem == nil) != (cur.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return inputCompatible(old.Elem, cur.Elem)
	}
	return old.NamedType == cur.NamedType
}

func asArg(f *ast.FieldDefinition) *ast.ArgumentDefinition {
	return &ast.ArgumentDefinition{Name: f.Name, Type: f.Type, DefaultValue: f.DefaultValue, Directives: f.Directives}
}

// wholeTypeDeprecated reports whether every member of a released type was @deprecated.
func wholeTypeDeprecated(def *ast.Definition) bool {
	switch def.Kind {
	case ast.Object, ast.Interface, ast.InputObject:
		for _, f := range def.Fields {
			if !deprecated(f.Directives) {
				return false
			}
		}
		return len(def.Fields) > 0
	case ast.Enum:
		for _, v := range def.EnumValues {
			if !deprecated(v.Directives) {
				return false
			}
		}
		return len(def.EnumValues) > 0
	}
	return false
}

func deprecated(d ast.DirectiveList) bool { return d.ForName("deprecated") != nil }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
