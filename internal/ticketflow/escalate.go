package ticketflow

import (
	"context"
	"fmt"
	"strings"

	"supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/privacy"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/viewer"
)

// Forward hands a ticket from the customer's own triage to the provider (level L1). Only key
// users forward, and only while the customer keeps within its contract's key-user count;
// incidents always go through (SPEC 12.1).
func (s *Service) Forward(ctx context.Context, id int) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if v.Role != viewer.RoleKeyUser || v.OrgID != t.CustomerID {
			return apperr.Forbiddenf("only the customer's key users forward tickets to the provider")
		}
		if t.Level != ticket.LevelCUSTOMER {
			return apperr.E(apperr.IllegalTransition, "the ticket is already with the provider")
		}
		if t.Type != ticket.TypeINCIDENT {
			if err := checkKeyUserCount(ctx, c, t.CustomerID, t.ContractID); err != nil {
				return err
			}
		}
		if err := c.Ticket.UpdateOne(t).SetLevel(ticket.LevelL1).Exec(ctx); err != nil {
			return err
		}
		if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindLEVEL_CHANGED, string(t.Level), string(ticket.LevelL1), "forwarded by key user"); err != nil {
			return err
		}
		return s.announceLevel(ctx, c, t, t.Level, ticket.LevelL1)
	})
}

// KeyUserLimit is the number of key users a contract allows: included plus purchased extras.
func KeyUserLimit(k *ent.Contract) int { return k.KeyUserLimit + k.ExtraKeyUsers }

func checkKeyUserCount(ctx context.Context, c *ent.Client, customerID int, contractID *int) error {
	if contractID == nil {
		return nil
	}
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	k, err := c.Contract.Query().Where(contract.ID(*contractID)).Only(trusted)
	if err != nil {
		return err
	}
	n, err := c.User.Query().Where(user.OrganizationID(customerID), user.RoleEQ(user.RoleKEY_USER), user.Active(true)).Count(trusted)
	if err != nil {
		return err
	}
	if n > KeyUserLimit(k) {
		return apperr.Forbiddenf("the customer has %d key users, more than the %d its contract allows", n, KeyUserLimit(k))
	}
	return nil
}

// Escalate moves a ticket one level up with a reason, after the handover checks.
func (s *Service) Escalate(ctx context.Context, id int, to ticket.Level, reason, vendorCaseRef string) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsStaff() {
			return apperr.Forbiddenf("only provider staff escalate tickets")
		}
		if !IsOpen(t.Status) {
			return apperr.E(apperr.IllegalTransition, "a %s ticket cannot be escalated", t.Status)
		}
		if err := CheckWorksLevel(v, t.Level); err != nil {
			return err
		}
		if strings.TrimSpace(reason) == "" {
			return apperr.Invalid("an escalation needs a reason", "reason")
		}
		rules, err := rulesFor(ctx, c, t)
		if err != nil {
			return err
		}
		facts := HandoverFacts{Type: t.Type, Reproducible: t.Reproducible,
			ReproducedIn: t.ReproducedInEnvironment, Findings: t.Findings, Situation: t.Situation, Context: t.Context,
			ActionsTaken: t.ActionsTaken, VendorCase: vendorCaseRef}
		if to == ticket.LevelVENDOR && strings.TrimSpace(vendorCaseRef) == "" {
			// The vendor's system answers the escalation webhook with its case reference.
			if facts.VendorCaseByWebhook, err = vendorAnswersCaseRef(ctx, c, t); err != nil {
				return err
			}
		}
		if err := CheckEscalation(rules.Escalations, t.Level, to, facts); err != nil {
			return err
		}
		u := c.Ticket.UpdateOne(t).SetLevel(to)
		if to == ticket.LevelVENDOR {
			u.SetVendorInvolved(true).SetVendorCaseRef(strings.TrimSpace(vendorCaseRef))
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
		if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindLEVEL_CHANGED, string(t.Level), string(to), reason); err != nil {
			return err
		}
		return s.announceLevel(ctx, c, t, t.Level, to)
	})
}

// HandBack returns a ticket to a lower level with a reason (e.g. L3 → L2 "not reproducible",
// VENDOR → partner for fix delivery). The partner stays the customer's contact.
func (s *Service) HandBack(ctx context.Context, id int, to ticket.Level, reason string) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsStaff() {
			return apperr.Forbiddenf("only provider staff hand tickets back")
		}
		if err := CheckWorksLevel(v, t.Level); err != nil {
			return err
		}
		if strings.TrimSpace(reason) == "" {
			return apperr.Invalid("a hand-back needs a reason", "reason")
		}
		rules, err := rulesFor(ctx, c, t)
		if err != nil {
			return err
		}
		if err := CheckHandBack(rules.HandBacks, t.Level, to); err != nil {
			return err
		}
		if err := c.Ticket.UpdateOne(t).SetLevel(to).Exec(ctx); err != nil {
			return err
		}
		return Record(ctx, c, t.ID, v.UserID, ticketevent.KindLEVEL_CHANGED, string(t.Level), string(to), reason)
	})
}

// HandoverInput documents a reproduction and the findings before escalation. Environment is
// where staff reproduced the error; it is stored as the ticket's reproducedInEnvironment and
// never overwrites the customer's own ERP environment.
type HandoverInput struct {
	TicketID     int                 `json:"ticketID"`
	Reproducible bool                `json:"reproducible"`
	Environment  *ticket.Environment `json:"environment"`
	Findings     *string             `json:"findings"`
	Situation    *string             `json:"situation"`
	Context      *string             `json:"context"`
	ActionsTaken *string             `json:"actionsTaken"`
}

// DocumentHandover records whether the error was reproduced, where, and what was found, so the
// next level never starts from zero.
func (s *Service) DocumentHandover(ctx context.Context, in HandoverInput) (*ent.Ticket, error) {
	return s.mutate(ctx, in.TicketID, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsStaff() {
			return apperr.Forbiddenf("only provider staff document findings")
		}
		env := t.ReproducedInEnvironment
		if in.Environment != nil {
			e := ticket.ReproducedInEnvironment(*in.Environment)
			env = &e
		}
		if in.Reproducible && env == nil {
			return apperr.Invalid("a confirmed reproduction names the environment it was reproduced in", "environment")
		}
		err := c.Ticket.UpdateOne(t).SetReproducible(in.Reproducible).SetNillableReproducedInEnvironment(env).
			SetNillableFindings(in.Findings).SetNillableSituation(in.Situation).SetNillableContext(in.Context).
			SetNillableActionsTaken(in.ActionsTaken).Exec(ctx)
		if err != nil {
			return err
		}
		reason := "not reproducible"
		if in.Reproducible {
			reason = fmt.Sprintf("reproduced in %s", *env)
		}
		return Record(ctx, c, t.ID, v.UserID, ticketevent.KindUPDATED, "", "", reason)
	})
}

// ResolveFixedInVersion resolves a ticket of an old customer version whose error is fixed
// upstream: "fixed in version X, upgrade recommended".
func (s *Service) ResolveFixedInVersion(ctx context.Context, id int, version string) (*ent.Ticket, error) {
	return s.mutate(ctx, id, func(c *ent.Client, v *viewer.Viewer, t *ent.Ticket) error {
		if !v.IsStaff() {
			return apperr.Forbiddenf("only provider staff resolve tickets")
		}
		version = strings.TrimSpace(version)
		if version == "" {
			return apperr.Invalid("name the version that fixes the error", "version")
		}
		if err := CheckTransition(t.Type, t.Status, ticket.StatusRESOLVED, Staff); err != nil {
			return err
		}
		resolution := fmt.Sprintf("Fixed in version %s; upgrade recommended.", version)
		u := c.Ticket.UpdateOne(t).SetStatus(ticket.StatusRESOLVED).SetFixedInVersion(version).
			SetResolution(resolution).SetResolvedAt(s.now())
		if periods, changed := Waiting(t.WaitingPeriods, t.Status, ticket.StatusRESOLVED, s.now()); changed {
			u.SetWaitingPeriods(periods)
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
		if err := s.freeze(ctx, c, t.ID); err != nil {
			return err
		}
		if err := Record(ctx, c, t.ID, v.UserID, ticketevent.KindSTATUS_CHANGED, string(t.Status), string(ticket.StatusRESOLVED), resolution); err != nil {
			return err
		}
		return s.announceStatus(ctx, c, t, ticket.StatusRESOLVED)
	})
}
