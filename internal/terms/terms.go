// Package terms reads a contract's versioned terms: the version in force at a moment, and the
// contract as it stood under those terms. Every rule that depends on a contract's terms (intake,
// SLA targets and calendar, billing, contingents) reads them through At, so a change of terms
// takes effect from its effective-from moment and never rewrites what came before:
//
//   - a ticket keeps the terms in force when it was received (SLA, billing decision, rates);
//   - a month's contingent is created from the terms in force when the month starts;
//   - an issued statement is never recomputed from terms at all (entries carry their rates).
//
// A contract without versions (created before versioning, or by trusted seeding code) is its
// own only version: its columns are the terms.
package terms

import (
	"context"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/contractversion"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/schematype"
)

// trusted reads versions through the reviewed bypass: callers have already found the contract
// (or the ticket that names it) through the privacy rules.
func trusted(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// Of returns the terms held in a contract's own columns.
func Of(k *ent.Contract) schematype.ContractTerms {
	return schematype.ContractTerms{
		AgreementType: string(k.AgreementType), Channels: k.Channels, IntakeModel: string(k.IntakeModel),
		HypercareTier: string(k.HypercareTier), FirstTrainingDay: k.FirstTrainingDay,
		KeyUserLimit: k.KeyUserLimit, ExtraKeyUsers: k.ExtraKeyUsers, CalendarID: k.CalendarID, SLATargets: k.SLATargets,
		TimeIncrementMinutes: k.TimeIncrementMinutes, MinBillableMinutes: k.MinBillableMinutes,
		IncidentsBillable: k.IncidentsBillable, RefuseUncovered: k.RefuseUncovered, Currency: k.Currency,
		LevelTerms: k.LevelTerms, WarningThresholdPercent: k.WarningThresholdPercent, CarryOver: k.CarryOver,
		CarryOverCapMinutes: k.CarryOverCapMinutes, OverrunPolicy: string(k.OverrunPolicy),
	}
}

// Apply returns a copy of k whose term columns hold t; k itself is not changed. Edges loaded on
// k are kept, except the calendar when t names another one.
func Apply(k *ent.Contract, t schematype.ContractTerms) *ent.Contract {
	c := *k
	c.AgreementType = contract.AgreementType(t.AgreementType)
	c.Channels = t.Channels
	c.IntakeModel = contract.IntakeModel(t.IntakeModel)
	c.HypercareTier = contract.HypercareTier(t.HypercareTier)
	c.FirstTrainingDay = t.FirstTrainingDay
	c.KeyUserLimit, c.ExtraKeyUsers = t.KeyUserLimit, t.ExtraKeyUsers
	if !sameID(c.CalendarID, t.CalendarID) {
		c.Edges.Calendar = nil
	}
	c.CalendarID = t.CalendarID
	c.SLATargets = t.SLATargets
	c.TimeIncrementMinutes, c.MinBillableMinutes = t.TimeIncrementMinutes, t.MinBillableMinutes
	c.IncidentsBillable, c.RefuseUncovered = t.IncidentsBillable, t.RefuseUncovered
	c.Currency = t.Currency
	c.LevelTerms = t.LevelTerms
	c.WarningThresholdPercent = t.WarningThresholdPercent
	c.CarryOver, c.CarryOverCapMinutes = t.CarryOver, t.CarryOverCapMinutes
	c.OverrunPolicy = contract.OverrunPolicy(t.OverrunPolicy)
	if c.OverrunPolicy == "" {
		c.OverrunPolicy = contract.DefaultOverrunPolicy
	}
	return &c
}

func sameID(a, b *int) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

// Version returns the version of contract id in force at moment at, or nil when the contract
// has no version then (its columns are the terms).
func Version(ctx context.Context, c *ent.Client, id int, at time.Time) (*ent.ContractVersion, error) {
	v, err := c.ContractVersion.Query().Where(contractversion.ContractID(id), contractversion.EffectiveFromLTE(at)).
		Order(ent.Desc(contractversion.FieldEffectiveFrom), ent.Desc(contractversion.FieldVersion)).First(trusted(ctx))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return v, err
}

// At returns k as it stood at moment at: its columns overlaid with the version then in force
// (k itself when there is none). When the calendar changes, the calendar edge is reloaded if
// k had it loaded.
func At(ctx context.Context, c *ent.Client, k *ent.Contract, at time.Time) (*ent.Contract, error) {
	v, err := Version(ctx, c, k.ID, at)
	if err != nil || v == nil {
		return k, err
	}
	out := Apply(k, v.Terms)
	if k.Edges.Calendar != nil && out.Edges.Calendar == nil && out.CalendarID != nil {
		cal, err := c.Calendar.Get(trusted(ctx), *out.CalendarID)
		if err != nil {
			return nil, err
		}
		out.Edges.Calendar = cal
	}
	return out, nil
}

// Versions loads the versions of many contracts in one query, oldest first per contract, for
// callers that resolve many tickets at once (the SLA evaluator); Pick resolves each.
func Versions(ctx context.Context, c *ent.Client, ids []int) (map[int][]*ent.ContractVersion, error) {
	vs, err := c.ContractVersion.Query().Where(contractversion.ContractIDIn(ids...)).
		Order(ent.Asc(contractversion.FieldEffectiveFrom), ent.Asc(contractversion.FieldVersion)).All(trusted(ctx))
	if err != nil {
		return nil, err
	}
	out := map[int][]*ent.ContractVersion{}
	for _, v := range vs {
		out[v.ContractID] = append(out[v.ContractID], v)
	}
	return out, nil
}

// Pick returns k as it stood at moment at, given its versions oldest first (Versions). The
// calendar edge is dropped when the version in force names another calendar than k's columns.
func Pick(k *ent.Contract, versions []*ent.ContractVersion, at time.Time) *ent.Contract {
	var in *ent.ContractVersion
	for _, v := range versions {
		if v.EffectiveFrom.After(at) {
			break
		}
		in = v
	}
	if in == nil {
		return k
	}
	return Apply(k, in.Terms)
}

// FollowColumns keeps the versions true after code changed a contract's term columns directly
// (setContractSLA): when the contract has versions, its columns become a new version in force
// from at; a contract without versions needs none (its columns are its terms).
func FollowColumns(ctx context.Context, c *ent.Client, k *ent.Contract, at time.Time, by *int, note string) error {
	tctx := trusted(ctx)
	n, err := c.ContractVersion.Query().Where(contractversion.ContractID(k.ID)).Count(tctx)
	if err != nil || n == 0 {
		return err
	}
	return c.ContractVersion.Create().SetContractID(k.ID).SetVersion(n + 1).SetEffectiveFrom(at.UTC()).
		SetTerms(Of(k)).SetNote(note).SetNillableCreatedByID(by).Exec(tctx)
}
