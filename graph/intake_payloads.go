package graph

import (
	"supportdesk/ent"
	"supportdesk/graph/model"
	"supportdesk/internal/ticketflow"
)

// callPayload maps a registered call to its payload.
func callPayload(c *ticketflow.Call, err error) (*model.RegisterCallPayload, error) {
	if err != nil {
		return nil, err
	}
	p := &model.RegisterCallPayload{Ticket: c.Ticket, Covered: c.Covered, WithinPhoneHours: c.WithinPhoneHours}
	if c.UncoveredReason != "" {
		reason := model.UncoveredReason(c.UncoveredReason)
		p.UncoveredReason = &reason
	}
	return p, nil
}

func identityPayload(id *ent.UserIdentity, err error) (*model.IdentityLinkPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.IdentityLinkPayload{Identity: id}, nil
}
