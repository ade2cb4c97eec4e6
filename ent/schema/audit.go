package schema

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"entgo.io/ent"
	"entgo.io/ent/schema/mixin"
	gen "supportdesk/ent"
	"supportdesk/ent/auditevent"
	"supportdesk/ent/privacy"
	"supportdesk/internal/viewer"
)

// AuditMixin records every create, update and delete of the schema it is mixed into as an
// AuditEvent row: actor, object, action and the changed fields before and after. The row is
// written through the mutation's own client, so inside the mutation's transaction when there is
// one, and nothing that changes such an object escapes the trail.
type AuditMixin struct {
	mixin.Schema
	// Object is the audited object type (an AuditEvent object_type value).
	Object auditevent.ObjectType
	// CreateAction names the creation of the object, CREATE unless given (a statement is ISSUEd).
	CreateAction auditevent.Action
}

// Hooks of the AuditMixin.
func (a AuditMixin) Hooks() []ent.Hook { return []ent.Hook{a.record} }

// auditedMutation is what every generated mutation offers beyond ent.Mutation.
type auditedMutation interface {
	ent.Mutation
	ID() (int, bool)
	IDs(context.Context) ([]int, error)
	Client() *gen.Client
}

// redacted stands in for secrets (password hashes, reset tokens): the trail says that they
// changed, never what they are.
const redacted = "[redacted]"

func auditSecret(field string) bool {
	return strings.Contains(field, "password") || strings.Contains(field, "token")
}

func (a AuditMixin) record(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		am, ok := m.(auditedMutation)
		if !ok {
			return nil, fmt.Errorf("audit: unexpected mutation %T", m)
		}
		// The hook reads old values and owners whatever the viewer may see; the reads stay
		// inside this mutation and reach no client.
		tctx := privacy.DecisionContext(ctx, privacy.Allow)
		before, after := map[string]any{}, map[string]any{}
		changed := append(m.Fields(), m.ClearedFields()...)
		for _, f := range changed {
			if f == "updated_at" || f == "created_at" {
				continue
			}
			v, _ := m.Field(f)
			if m.Op().Is(ent.OpUpdateOne) {
				old, err := m.OldField(tctx, f)
				if err == nil && reflect.DeepEqual(old, v) {
					continue // set to what it was: no change
				}
				if err == nil {
					if auditSecret(f) {
						old = redacted
					}
					before[f] = old
				}
			}
			if auditSecret(f) {
				v = redacted
			}
			after[f] = v
		}
		action := auditevent.ActionUPDATE
		switch {
		case m.Op().Is(ent.OpCreate):
			action = auditevent.ActionCREATE
			if a.CreateAction != "" {
				action = a.CreateAction
			}
		case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
			action = auditevent.ActionDELETE
		case len(after) == 0:
			return next.Mutate(ctx, m) // only timestamps moved
		}
		// Owners of existing rows are read before the change (a deleted row has none after).
		var ids []int
		owners := map[int]int{}
		if !m.Op().Is(ent.OpCreate) {
			var err error
			if ids, err = am.IDs(tctx); err != nil {
				return nil, err
			}
			for _, id := range ids {
				if owners[id], err = auditOwner(tctx, am.Client(), a.Object, id); err != nil {
					return nil, err
				}
			}
		}
		out, err := next.Mutate(ctx, m)
		if err != nil {
			return out, err
		}
		if m.Op().Is(ent.OpCreate) {
			id, _ := am.ID()
			ids = []int{id}
			if owners[id], err = auditOwner(tctx, am.Client(), a.Object, id); err != nil {
				return nil, err
			}
		}
		var actor *int
		if v := viewer.FromContext(ctx); v != nil {
			actor = &v.UserID
		}
		for _, id := range ids {
			c := am.Client().AuditEvent.Create().SetObjectType(a.Object).SetObjectID(id).SetAction(action).
				SetOrganizationID(owners[id]).SetNillableActorID(actor).SetAfter(after)
			if len(before) > 0 {
				c.SetBefore(before)
			}
			if err := c.Exec(tctx); err != nil {
				return nil, fmt.Errorf("audit: %w", err)
			}
		}
		return out, nil
	})
}

// auditOwner is the organisation an audited object belongs to: an organisation itself, a user's
// or calendar's organisation, a contract's or statement's customer.
func auditOwner(ctx context.Context, c *gen.Client, object auditevent.ObjectType, id int) (int, error) {
	switch object {
	case auditevent.ObjectTypeORGANIZATION:
		return id, nil
	case auditevent.ObjectTypeUSER:
		u, err := c.User.Get(ctx, id)
		if err != nil {
			return 0, err
		}
		return u.OrganizationID, nil
	case auditevent.ObjectTypeCALENDAR:
		k, err := c.Calendar.Get(ctx, id)
		if err != nil {
			return 0, err
		}
		return k.OrganizationID, nil
	case auditevent.ObjectTypeCONTRACT:
		k, err := c.Contract.Get(ctx, id)
		if err != nil {
			return 0, err
		}
		return k.CustomerID, nil
	case auditevent.ObjectTypeCONTRACT_TERMS:
		cv, err := c.ContractVersion.Get(ctx, id)
		if err != nil {
			return 0, err
		}
		k, err := c.Contract.Get(ctx, cv.ContractID)
		if err != nil {
			return 0, err
		}
		return k.CustomerID, nil
	case auditevent.ObjectTypeSTATEMENT:
		st, err := c.Statement.Get(ctx, id)
		if err != nil {
			return 0, err
		}
		return st.CustomerID, nil
	}
	return 0, fmt.Errorf("audit: unknown object type %s", object)
}
