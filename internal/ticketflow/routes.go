package ticketflow

import (
	"context"
	"fmt"

	"supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/ticket"
	"supportdesk/internal/apperr"
	"supportdesk/internal/viewer"
)

// Routes are escalation targets or hand-back paths: from a level to the levels it may reach.
type Routes map[ticket.Level][]ticket.Level

// Rules are a provider's escalation targets and hand-back paths (SPEC 12.7).
type Rules struct {
	Escalations Routes
	HandBacks   Routes
}

// rank orders the levels a ticket passes; escalations go up, hand-backs go down.
var rank = map[ticket.Level]int{ticket.LevelL1: 1, ticket.LevelL2: 2, ticket.LevelL3: 3, ticket.LevelL4: 4, ticket.LevelVENDOR: 5}

// DefaultRules are the rules of a provider that never set its own: the table of SPEC 12.7.
func DefaultRules() Rules { return Rules{Escalations: escalations, HandBacks: handBacks} }

// RulesOf reads the stored form of an organisation's rules; nil means the default table.
func RulesOf(stored *schematype.EscalationRules) Rules {
	if stored == nil {
		return DefaultRules()
	}
	conv := func(rs []schematype.LevelRoute) Routes {
		out := Routes{}
		for _, r := range rs {
			for _, to := range r.To {
				out[ticket.Level(r.From)] = append(out[ticket.Level(r.From)], ticket.Level(to))
			}
		}
		return out
	}
	return Rules{Escalations: conv(stored.Escalations), HandBacks: conv(stored.HandBacks)}
}

// Stored returns the rules in their stored (and GraphQL) form, levels in a fixed order.
func (r Rules) Stored() *schematype.EscalationRules {
	conv := func(rs Routes) []schematype.LevelRoute {
		out := []schematype.LevelRoute{}
		for _, from := range []ticket.Level{ticket.LevelL1, ticket.LevelL2, ticket.LevelL3, ticket.LevelL4, ticket.LevelVENDOR} {
			if len(rs[from]) == 0 {
				continue
			}
			route := schematype.LevelRoute{From: string(from), To: []string{}}
			for _, to := range rs[from] {
				route.To = append(route.To, string(to))
			}
			out = append(out, route)
		}
		return out
	}
	return &schematype.EscalationRules{Escalations: conv(r.Escalations), HandBacks: conv(r.HandBacks)}
}

// ValidateRules checks a table a provider sets: known levels (L1..L4, VENDOR), no self-loops,
// escalations up and hand-backs down, each level at most once as a starting point and each
// target once per route. The error names every offending field, e.g. "escalations[1].to".
func ValidateRules(in schematype.EscalationRules) error {
	var bad []string
	check := func(name string, routes []schematype.LevelRoute, up bool) {
		seen := map[string]bool{}
		for i, r := range routes {
			field := fmt.Sprintf("%s[%d]", name, i)
			from, ok := rank[ticket.Level(r.From)]
			if !ok || seen[r.From] {
				bad = append(bad, field+".from")
				continue
			}
			seen[r.From] = true
			targets := map[string]bool{}
			for _, t := range r.To {
				to, ok := rank[ticket.Level(t)]
				if !ok || targets[t] || to == from || (up && to < from) || (!up && to > from) {
					bad = append(bad, field+".to")
					break
				}
				targets[t] = true
			}
		}
	}
	check("escalations", in.Escalations, true)
	check("handBacks", in.HandBacks, false)
	if len(bad) > 0 {
		return apperr.Invalid("escalations go up and hand-backs go down between known levels (L1, L2, L3, L4, VENDOR), never to the same level and each level once", bad...)
	}
	return nil
}

// rulesFor returns the rules of the organisation providing a ticket: its contract's provider,
// or for a ticket without a contract the customer's serving organisation. Read with the
// reviewed bypass: the rules steer the viewer's own action on a ticket they may see.
func rulesFor(ctx context.Context, c *ent.Client, t *ent.Ticket) (Rules, error) {
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	providerID, err := ProviderOf(trusted, c, t)
	if err != nil {
		return Rules{}, err
	}
	o, err := c.Organization.Query().Where(organization.ID(providerID)).Only(trusted)
	if err != nil {
		return Rules{}, err
	}
	return RulesOf(o.EscalationRules), nil
}

// ProviderOf returns the organisation serving a ticket: its contract's provider, else the
// customer's parent (partner or vendor).
func ProviderOf(ctx context.Context, c *ent.Client, t *ent.Ticket) (int, error) {
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	if t.ContractID != nil {
		k, err := c.Contract.Query().Where(contract.ID(*t.ContractID)).Only(trusted)
		if err != nil {
			return 0, err
		}
		return k.ProviderID, nil
	}
	cu, err := c.Organization.Query().Where(organization.ID(t.CustomerID)).Only(trusted)
	if err != nil {
		return 0, err
	}
	if cu.ParentID == nil {
		return 0, apperr.E(apperr.Conflict, "the customer has no serving organisation")
	}
	return *cu.ParentID, nil
}

// CheckWorksLevel returns nil when the viewer may move a ticket away from its level: agents
// only from levels they work; service delivery managers and admins always; the service desk
// from L1 (intake and qualification forward tickets to the next level, seed 002 section 1) and
// from the levels it works.
func CheckWorksLevel(v *viewer.Viewer, level ticket.Level) error {
	switch {
	case v.Role == viewer.RoleSDM || v.Role == viewer.RoleAdmin:
		return nil
	case v.Role == viewer.RoleServiceDesk && level == ticket.LevelL1:
		return nil
	case v.HasLevel(string(level)):
		return nil
	}
	return apperr.Forbiddenf("you do not work level %s, so you cannot move a ticket away from it", level)
}

// EscalationRules returns an organisation's rules to its own staff, and nil to everyone else.
func (s *Service) EscalationRules(ctx context.Context, o *ent.Organization) (*schematype.EscalationRules, error) {
	v := viewer.FromContext(ctx)
	if v == nil || !v.IsStaff() || v.OrgID != o.ID {
		return nil, nil
	}
	return RulesOf(o.EscalationRules).Stored(), nil
}

// SetEscalationRules replaces the viewer's organisation's rules; only its ADMIN sets them.
func (s *Service) SetEscalationRules(ctx context.Context, in schematype.EscalationRules) (*ent.Organization, error) {
	v, err := mustViewer(ctx)
	if err != nil {
		return nil, err
	}
	if !v.IsStaff() || !v.IsAdmin() {
		return nil, apperr.Forbiddenf("only the providing organisation's administrators set its escalation rules")
	}
	if err := ValidateRules(in); err != nil {
		return nil, err
	}
	stored := RulesOf(&in).Stored()
	if err := s.Client.Organization.UpdateOneID(v.OrgID).SetEscalationRules(stored).Exec(ctx); err != nil {
		return nil, err
	}
	return s.Client.Organization.Get(ctx, v.OrgID)
}
