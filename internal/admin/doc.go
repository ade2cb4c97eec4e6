// Package admin owns the administration of a provider's world through the API: onboarding and
// changing partner and customer organisations (and deactivating them), managing users (role,
// support levels, approval permission, deactivation, password resets), and reading the audit
// trail. Contracts and their versioned terms belong here too once they exist.
//
// Who may see an object is decided by the privacy rules in ent/schema/rule, so an object the
// viewer cannot see is NOT_FOUND here like one that does not exist; this package decides only
// what a viewer who sees an object may do with it (FORBIDDEN otherwise) and validates input
// field by field. The audit rows are written by ent/schema's AuditMixin inside each change's
// transaction, not here.
package admin
