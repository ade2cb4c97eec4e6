package contingent

import (
	"context"
	"fmt"

	"supportdesk/ent"
	"supportdesk/ent/contingent"
	"supportdesk/ent/contract"
	"supportdesk/ent/overrundecision"
	"supportdesk/internal/apperr"
	"supportdesk/internal/notify"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/viewer"
	"supportdesk/internal/webhook"
)

// Overrun decisions are episodes (SPEC 12.4, 12.12). An overrun, a booking crossing the warning
// threshold or a booking refused for lack of minutes, opens a new episode unless one is open or
// the level is suspended; the customer's approver answers it once (EXTENDED with extra minutes,
// or SUSPENDED), and the answered episodes stay as the contingent's history. The contingent's
// own decision field is the state of its latest episode and doubles as the guard: opening is
// one UPDATE … WHERE decision IN (NONE, EXTENDED), answering one UPDATE … WHERE decision = OPEN,
// so concurrent overruns open one episode and concurrent answers answer it once.

// openEpisode opens an episode on b unless one is open or the level is suspended. It returns the
// open episode (new or existing), or nil when the level is suspended.
func (s *Service) openEpisode(ctx context.Context, c *ent.Client, b *ent.Contingent, cause overrundecision.Cause) (*ent.OverrunDecision, bool, error) {
	tctx := trusted(ctx)
	n, err := c.Contingent.Update().Where(contingent.ID(b.ID),
		contingent.DecisionIn(contingent.DecisionNONE, contingent.DecisionEXTENDED)).SetDecision(contingent.DecisionOPEN).Save(tctx)
	if err != nil {
		return nil, false, err
	}
	if n == 0 {
		cur, err := c.Contingent.Get(tctx, b.ID)
		if err != nil || cur.OpenDecisionID == nil {
			return nil, false, err
		}
		d, err := c.OverrunDecision.Get(tctx, *cur.OpenDecisionID)
		return d, false, err
	}
	d, err := c.OverrunDecision.Create().SetContingentID(b.ID).SetContractID(b.ContractID).SetCustomerID(b.CustomerID).
		SetCause(cause).Save(tctx)
	if err != nil {
		return nil, false, err
	}
	return d, true, c.Contingent.UpdateOneID(b.ID).SetOpenDecisionID(d.ID).Exec(tctx)
}

// openDecision runs after a booking was refused for lack of minutes, in its own transaction
// because the booking's was rolled back: the month's contingent is created if that booking was
// its first, the episode is opened (or the open one kept), and the customer's key users and
// approvers and the service manager are told once per episode.
//
// Under the contract's overrun policy SUSPEND the level is suspended at once instead (an
// answered episode without an approver) and openDecision reports true.
func (s *Service) openDecision(ctx context.Context, contractID int, month, level string) (suspended bool, err error) {
	tctx := trusted(ctx)
	err = ticketflow.WithTx(tctx, s.Client, func(tx *ent.Tx) error {
		c := tx.Client()
		k, err := c.Contract.Get(tctx, contractID)
		if err != nil {
			return err
		}
		if k, err = s.monthTerms(tctx, c, k, month); err != nil {
			return err
		}
		b, err := s.budget(tctx, c, k, month, level)
		if err != nil {
			return err
		}
		if k.OverrunPolicy == contract.OverrunPolicySUSPEND {
			suspended, err = s.autoSuspend(tctx, c, k, b)
			return err
		}
		d, _, err := s.openEpisode(tctx, c, b, overrundecision.CauseEXHAUSTED)
		if err != nil || d == nil {
			return err
		}
		// Used up is past the warning threshold: the customer is told below, and the next
		// booking that fits does not open a threshold episode on top of this one.
		if err := c.Contingent.UpdateOneID(b.ID).SetWarned(true).Exec(tctx); err != nil {
			return err
		}
		// Used up is the strongest warning a provider's system can get.
		if err := webhook.QueueContingent(tctx, c, k, b, s.now()); err != nil {
			return err
		}
		return s.notifyCustomer(tctx, c, k, d.ID, "CONTINGENT_EXHAUSTED",
			fmt.Sprintf("%s contingent %s is used up: approve extra minutes or suspend the level", b.Level, b.Month))
	})
	return suspended, err
}

// autoExtend answers an overrun under the contract's policy EXTEND, in the booking's
// transaction: the minutes the booking lacks become extra minutes (billed at the level's rate,
// SPEC 12.4), kept as an EXTENDED episode without an approver, and the customer is told.
func (s *Service) autoExtend(ctx context.Context, c *ent.Client, k *ent.Contract, b *ent.Contingent, minutes int) error {
	cur, err := c.Contingent.Get(ctx, b.ID)
	if err != nil {
		return err
	}
	need := cur.UsedMinutes + minutes - (cur.MonthlyMinutes + cur.CarriedOverMinutes + cur.ExtraMinutes)
	if need <= 0 {
		return nil // another booking's extension made room meanwhile
	}
	n, err := c.Contingent.Update().Where(contingent.ID(b.ID), contingent.DecisionNEQ(contingent.DecisionSUSPENDED)).
		AddExtraMinutes(need).SetDecision(contingent.DecisionEXTENDED).ClearOpenDecisionID().Save(ctx)
	if err != nil || n == 0 {
		return err
	}
	now := s.now()
	if cur.OpenDecisionID != nil {
		// An episode the threshold opened is answered by the contract's policy.
		err = c.OverrunDecision.UpdateOneID(*cur.OpenDecisionID).SetStatus(overrundecision.StatusEXTENDED).
			SetExtraMinutes(need).SetAnsweredAt(now).Exec(ctx)
	} else {
		err = c.OverrunDecision.Create().SetContingentID(b.ID).SetContractID(b.ContractID).SetCustomerID(b.CustomerID).
			SetCause(overrundecision.CauseEXHAUSTED).SetStatus(overrundecision.StatusEXTENDED).SetExtraMinutes(need).
			SetAnsweredAt(now).Exec(ctx)
	}
	if err != nil {
		return err
	}
	return s.notifyCustomer(ctx, c, k, b.ID, "CONTINGENT_EXHAUSTED",
		fmt.Sprintf("%s contingent %s: %d extra minutes added by the contract's overrun rule", b.Level, b.Month, need))
}

// autoSuspend answers an overrun under the contract's policy SUSPEND: the level takes no more
// billable work this month (incidents are still booked, unbilled), kept as a SUSPENDED episode
// without an approver; the customer is told. It reports whether the level is suspended now.
func (s *Service) autoSuspend(ctx context.Context, c *ent.Client, k *ent.Contract, b *ent.Contingent) (bool, error) {
	cur, err := c.Contingent.Get(ctx, b.ID)
	if err != nil {
		return false, err
	}
	if cur.Decision == contingent.DecisionSUSPENDED {
		return true, nil
	}
	if err := c.Contingent.UpdateOneID(b.ID).SetDecision(contingent.DecisionSUSPENDED).SetWarned(true).
		ClearOpenDecisionID().Exec(ctx); err != nil {
		return false, err
	}
	now := s.now()
	if cur.OpenDecisionID != nil {
		err = c.OverrunDecision.UpdateOneID(*cur.OpenDecisionID).SetStatus(overrundecision.StatusSUSPENDED).
			SetAnsweredAt(now).Exec(ctx)
	} else {
		err = c.OverrunDecision.Create().SetContingentID(b.ID).SetContractID(b.ContractID).SetCustomerID(b.CustomerID).
			SetCause(overrundecision.CauseEXHAUSTED).SetStatus(overrundecision.StatusSUSPENDED).SetAnsweredAt(now).Exec(ctx)
	}
	if err != nil {
		return false, err
	}
	return true, s.notifyCustomer(ctx, c, k, b.ID, "CONTINGENT_EXHAUSTED",
		fmt.Sprintf("%s contingent %s is used up and suspended for the rest of the month by the contract's overrun rule", b.Level, b.Month))
}

// Decide answers the open overrun decision of a contingent: EXTENDED adds extra minutes (the
// refused booking can then go through), SUSPENDED stops billable work at that level for the rest
// of the month. The answer (who, when, what) is kept on the episode.
func (s *Service) Decide(ctx context.Context, contingentID int, extend bool, extraMinutes int) (*ent.Contingent, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	b, err := s.Client.Contingent.Get(ctx, contingentID)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("contingent not found")
	}
	if err != nil {
		return nil, err
	}
	if !v.IsCustomerSide() || !v.CanApprove || b.CustomerID != v.OrgID {
		return nil, apperr.Forbiddenf("the customer's approvers decide on contingent overruns")
	}
	status, add := overrundecision.StatusSUSPENDED, 0
	if extend {
		if extraMinutes <= 0 || extraMinutes%5 != 0 {
			return nil, apperr.Invalid("extra minutes must be a positive multiple of 5", "extraMinutes")
		}
		status, add = overrundecision.StatusEXTENDED, extraMinutes
	}
	tctx := trusted(ctx)
	err = ticketflow.WithTx(tctx, s.Client, func(tx *ent.Tx) error {
		c := tx.Client()
		cur, err := c.Contingent.Get(tctx, b.ID)
		if err != nil {
			return err
		}
		n, err := c.Contingent.Update().Where(contingent.ID(b.ID), contingent.DecisionEQ(contingent.DecisionOPEN)).
			SetDecision(contingent.Decision(status)).AddExtraMinutes(add).ClearOpenDecisionID().Save(tctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return apperr.E(apperr.Conflict, "no decision is open for this contingent")
		}
		now := s.now()
		if err := s.notifyDecided(tctx, c, b, status); err != nil {
			return err
		}
		if cur.OpenDecisionID == nil {
			// An OPEN state from before episodes were kept: record its answer as one.
			return c.OverrunDecision.Create().SetContingentID(b.ID).SetContractID(b.ContractID).SetCustomerID(b.CustomerID).
				SetCause(overrundecision.CauseEXHAUSTED).SetStatus(status).SetExtraMinutes(add).SetAnsweredAt(now).
				SetAnsweredByID(v.UserID).Exec(tctx)
		}
		return c.OverrunDecision.UpdateOneID(*cur.OpenDecisionID).SetStatus(status).SetExtraMinutes(add).
			SetAnsweredAt(now).SetAnsweredByID(v.UserID).Exec(tctx)
	})
	if err != nil {
		return nil, err
	}
	return s.Client.Contingent.Get(ctx, b.ID)
}

// notifyDecided tells the contract's service delivery manager how the customer decided an
// overrun (the provider plans the month's work by it).
func (s *Service) notifyDecided(ctx context.Context, c *ent.Client, b *ent.Contingent, status overrundecision.Status) error {
	k, err := c.Contract.Get(ctx, b.ContractID)
	if err != nil || k.ServiceManagerID == nil {
		return err
	}
	return notify.Send(ctx, c, notify.Message{RecipientID: *k.ServiceManagerID, Kind: notify.OverrunDecided,
		Title: fmt.Sprintf("%s contingent %s: the customer decided %s", b.Level, b.Month, status)})
}
