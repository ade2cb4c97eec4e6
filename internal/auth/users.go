package auth

import (
	"context"
	"strings"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/organization"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/mail/outbound"
	"supportdesk/internal/terms"
	"supportdesk/internal/viewer"
)

// NewUser is an account an administrator creates.
type NewUser struct {
	OrganizationID int       `json:"organizationID"`
	Email          string    `json:"email"`
	Name           string    `json:"name"`
	Role           user.Role `json:"role"`
	Levels         []string  `json:"levels"`
	CanApprove     *bool     `json:"canApprove"`
	// Password is the initial password; nil invites the user (see CreateUser).
	Password *string `json:"password"`
	// Language is the user's language tag; nil keeps the default (en).
	Language *string `json:"language"`
}

var customerRoles = []user.Role{user.RoleEND_USER, user.RoleKEY_USER, user.RoleAPPROVER}

// CreateUser lets a provider administrator create staff of their own organisation or users of a
// customer they serve. A customer gets no more key users than its contract allows (included
// plus purchased extras); approvers do not count (SPEC 12.4, 12.5).
//
// Without a password the user is invited (issue 17): they are created without a usable password,
// with a one-time token valid for InvitationTTL (stored as a hash, like a password reset), and
// the token goes to them by mail in their language; resetPassword with it sets their password.
// The user, the token and the mail are written in one transaction.
func (s *Service) CreateUser(ctx context.Context, in NewUser, bcryptCost int) (*ent.User, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	if !v.IsStaff() || !v.IsAdmin() {
		return nil, apperr.Forbiddenf("only administrators create users")
	}
	org, err := s.Client.Organization.Get(ctx, in.OrganizationID)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("organization not found")
	}
	if err != nil {
		return nil, err
	}
	if !Administers(v, org) {
		return nil, apperr.Forbiddenf("administrators create users of their own organisation and of the organisations they serve")
	}
	isCustomerRole := false
	for _, r := range customerRoles {
		isCustomerRole = isCustomerRole || r == in.Role
	}
	if user.RoleValidator(in.Role) != nil || isCustomerRole != (org.Kind == organization.KindCUSTOMER) {
		return nil, apperr.Invalid("the role does not fit the organisation", "role")
	}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if !strings.Contains(email, "@") || len(email) > 254 {
		return nil, apperr.Invalid("invalid email address", "email")
	}
	if strings.TrimSpace(in.Name) == "" {
		return nil, apperr.Invalid("a user needs a name", "name")
	}
	for _, l := range in.Levels {
		if l != "L1" && l != "L2" && l != "L3" && l != "L4" && l != "VENDOR" {
			return nil, apperr.Invalid("unknown support level "+l, "levels")
		}
	}
	lang := ""
	if in.Language != nil {
		if lang = strings.TrimSpace(*in.Language); lang == "" || len(lang) > 8 {
			return nil, apperr.Invalid("the language must be a short language tag such as de, da or en", "language")
		}
	}
	hash := ""
	if in.Password != nil {
		if hash, err = HashPassword(*in.Password, bcryptCost); err != nil {
			return nil, apperr.Invalid(err.Error(), "password")
		}
	}
	canApprove := in.Role == user.RoleAPPROVER
	if in.CanApprove != nil {
		canApprove = *in.CanApprove && (in.Role == user.RoleAPPROVER || in.Role == user.RoleKEY_USER)
	}
	var out *ent.User
	err = withTx(ctx, s.Client, func(tx *ent.Tx) error {
		c := tx.Client()
		if in.Role == user.RoleKEY_USER {
			if err := KeyUserRoom(ctx, c, org.ID); err != nil {
				return err
			}
		}
		exists, err := c.User.Query().Where(user.EmailEqualFold(email)).Exist(trusted(ctx))
		if err != nil {
			return err
		}
		if exists {
			return apperr.E(apperr.Conflict, "a user with this email exists")
		}
		create := c.User.Create().SetOrganizationID(org.ID).SetEmail(email).SetName(strings.TrimSpace(in.Name)).
			SetRole(in.Role).SetLevels(in.Levels).SetCanApprove(canApprove)
		if lang != "" {
			create.SetLanguage(lang)
		}
		if in.Password != nil {
			out, err = create.SetPasswordHash(hash).Save(ctx)
			return err
		}
		token, tokenHash := NewResetToken()
		exp := s.Now().Add(InvitationTTL)
		if out, err = create.SetPasswordResetHash(tokenHash).SetPasswordResetExpiresAt(exp).Save(ctx); err != nil {
			return err
		}
		return outbound.QueueInvitation(ctx, c, out, org.Name, token, exp)
	})
	if ent.IsConstraintError(err) {
		// The same address created concurrently: the unique index decides.
		return nil, apperr.E(apperr.Conflict, "a user with this email exists")
	}
	if err != nil {
		return nil, err
	}
	// Edges of the result (organization) resolve through the client, not the finished transaction.
	return out.Unwrap(), nil
}

// Administers reports whether viewer v may manage the users and the record of organisation
// org: administrators of the organisation itself or of its parent (the provider serving a
// customer, the vendor of a partner).
func Administers(v *viewer.Viewer, org *ent.Organization) bool {
	return v != nil && v.IsStaff() && v.IsAdmin() && (org.ID == v.OrgID || (org.ParentID != nil && *org.ParentID == v.OrgID))
}

// KeyUserRoom returns CONFLICT when customer customerID already has as many active key users as
// its contract allows (included plus purchased extra contacts). Every path that makes a key user
// (creation, role change, reactivation) asks it first.
func KeyUserRoom(ctx context.Context, c *ent.Client, customerID int) error {
	tctx := trusted(ctx)
	k, err := c.Contract.Query().Where(contract.CustomerID(customerID)).
		Order(ent.Desc(contract.FieldValidFrom)).First(tctx)
	if ent.IsNotFound(err) {
		return apperr.Invalid("the customer has no contract that allows key users", "role")
	}
	if err != nil {
		return err
	}
	// The cap is the one of the terms in force now (package terms).
	if k, err = terms.At(tctx, c, k, time.Now()); err != nil {
		return err
	}
	n, err := c.User.Query().Where(user.OrganizationID(customerID), user.RoleEQ(user.RoleKEY_USER), user.Active(true)).Count(tctx)
	if err != nil {
		return err
	}
	if limit := k.KeyUserLimit + k.ExtraKeyUsers; n >= limit {
		return apperr.E(apperr.Conflict, "the contract allows %d key users and the customer has %d; buy extra support contacts first", limit, n)
	}
	return nil
}
