// Package graph holds the GraphQL resolvers. Resolvers stay thin: one Ent query, one call into a
// domain service, or a mapping to a payload.
package graph

import (
	"supportdesk/ent"
	"supportdesk/internal/admin"
	"supportdesk/internal/auth"
	"supportdesk/internal/contingent"
	"supportdesk/internal/devtask"
	"supportdesk/internal/kb"
	"supportdesk/internal/live"
	"supportdesk/internal/mail"
	"supportdesk/internal/sla"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/webhook"
)

// Resolver carries the dependencies of all resolvers.
type Resolver struct {
	Client *ent.Client
	Auth   *auth.Service
	Flow   *ticketflow.Service
	// DevTasks and Knowledge are named so that they do not collide with query fields.
	DevTasks   *devtask.Service
	Knowledge  *kb.Service
	Clocks     *sla.Service
	Budgets    *contingent.Service
	Admin      *admin.Service
	Webhooks   *webhook.Service
	Live       *live.Service
	Mail       *mail.Desk
	BcryptCost int
}
