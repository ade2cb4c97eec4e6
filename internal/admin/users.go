package admin

import (
	"context"
	"strings"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/organization"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/auth"
	"supportdesk/internal/mail/outbound"
	"supportdesk/internal/viewer"
)

// UserChange changes a user; nil fields stay as they are.
type UserChange struct {
	Name       *string    `json:"name"`
	Role       *user.Role `json:"role"`
	Levels     []string   `json:"levels"`
	CanApprove *bool      `json:"canApprove"`
	Language   *string    `json:"language"`
}

var supportLevels = map[string]bool{"L1": true, "L2": true, "L3": true, "L4": true, "VENDOR": true}

// managed loads a user the viewer may see and checks that the viewer administers the user's
// organisation: NOT_FOUND for users out of sight, FORBIDDEN for visible ones.
func (s *Service) managed(ctx context.Context, c *ent.Client, id int, what string) (*ent.User, *ent.Organization, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	u, err := c.User.Query().Where(user.ID(id)).WithOrganization().Only(ctx)
	if ent.IsNotFound(err) || (err == nil && u.Edges.Organization == nil) {
		return nil, nil, apperr.NotFoundf("user not found")
	}
	if err != nil {
		return nil, nil, err
	}
	if !auth.Administers(v, u.Edges.Organization) {
		return nil, nil, apperr.Forbiddenf("only administrators of the user's organisation or of its provider %s", what)
	}
	return u, u.Edges.Organization, nil
}

// UpdateUser changes a user's name, role, support levels, approval permission or language. A
// role that makes a key user must fit the contract's key-user cap.
func (s *Service) UpdateUser(ctx context.Context, id int, in UserChange) (*ent.User, error) {
	var out *ent.User
	err := s.inTx(ctx, func(c *ent.Client) error {
		u, org, err := s.managed(ctx, c, id, "change users")
		if err != nil {
			return err
		}
		role := u.Role
		if in.Role != nil {
			role = *in.Role
		}
		var bad []string
		var name string
		if in.Name != nil {
			if name = strings.TrimSpace(*in.Name); name == "" || len(name) > 200 {
				bad = append(bad, "name")
			}
		}
		if user.RoleValidator(role) != nil || isCustomerRole(role) != (org.Kind == organization.KindCUSTOMER) {
			bad = append(bad, "role")
		}
		for _, l := range in.Levels {
			if !supportLevels[l] {
				bad = append(bad, "levels")
				break
			}
		}
		canApprove := u.CanApprove
		if role == user.RoleAPPROVER {
			canApprove = true
		} else if role != user.RoleKEY_USER {
			canApprove = false
		}
		if in.CanApprove != nil {
			if *in.CanApprove && role != user.RoleKEY_USER && role != user.RoleAPPROVER {
				bad = append(bad, "canApprove")
			} else if role == user.RoleKEY_USER {
				canApprove = *in.CanApprove
			}
		}
		if in.Language != nil && (strings.TrimSpace(*in.Language) == "" || len(*in.Language) > 8) {
			bad = append(bad, "language")
		}
		if len(bad) > 0 {
			return apperr.Invalid(userMessage(bad), bad...)
		}
		if role == user.RoleKEY_USER && u.Role != user.RoleKEY_USER && u.Active {
			if err := auth.KeyUserRoom(ctx, c, org.ID); err != nil {
				return err
			}
		}
		if u.Role == user.RoleADMIN && role != user.RoleADMIN && u.Active {
			if err := keepAnAdmin(ctx, c, u); err != nil {
				return err
			}
		}
		up := c.User.UpdateOneID(u.ID).SetRole(role).SetCanApprove(canApprove)
		if name != "" {
			up.SetName(name)
		}
		if in.Levels != nil {
			up.SetLevels(in.Levels)
		}
		if in.Language != nil {
			up.SetLanguage(strings.TrimSpace(*in.Language))
		}
		out, err = up.Save(ctx)
		return err
	})
	return s.reload(ctx, out, err)
}

// SetActive deactivates or reactivates a user. Deactivation ends the user's sessions at once:
// refresh tokens are revoked, and auth.LoadViewer refuses the access tokens from the next
// request. Reactivating a key user must fit the contract's key-user cap.
func (s *Service) SetActive(ctx context.Context, id int, active bool) (*ent.User, error) {
	var out *ent.User
	err := s.inTx(ctx, func(c *ent.Client) error {
		u, org, err := s.managed(ctx, c, id, "deactivate or reactivate users")
		if err != nil {
			return err
		}
		if u.Active == active {
			out = u
			return nil
		}
		if !active {
			if u.ID == viewer.FromContext(ctx).UserID {
				return apperr.Invalid("administrators cannot deactivate themselves", "id")
			}
			if u.Role == user.RoleADMIN {
				if err := keepAnAdmin(ctx, c, u); err != nil {
					return err
				}
			}
			if err := auth.RevokeSessions(ctx, c, s.now(), u.ID); err != nil {
				return err
			}
		} else if u.Role == user.RoleKEY_USER {
			if err := auth.KeyUserRoom(ctx, c, org.ID); err != nil {
				return err
			}
		}
		out, err = c.User.UpdateOneID(u.ID).SetActive(active).Save(ctx)
		return err
	})
	return s.reload(ctx, out, err)
}

// PasswordReset is a started reset: the one-time token goes to the user by mail (package
// outbound), and is shown to the administrator as well.
type PasswordReset struct {
	User      *ent.User
	Token     string
	ExpiresAt time.Time
}

// StartPasswordReset gives a user the administrator manages a one-time, expiring reset token;
// only its hash is stored, and a new reset replaces an older one. For a user without a password
// (invited by createUser) it re-sends the invitation, valid for auth.InvitationTTL.
func (s *Service) StartPasswordReset(ctx context.Context, id int) (*PasswordReset, error) {
	var out *PasswordReset
	err := s.inTx(ctx, func(c *ent.Client) error {
		u, org, err := s.managed(ctx, c, id, "reset passwords")
		if err != nil {
			return err
		}
		if !u.Active {
			return apperr.Invalid("the user is deactivated; reactivate them first", "userID")
		}
		// A user who never set a password (invited, issue 17) gets the invitation again, with
		// the invitation's validity.
		invited := u.PasswordHash == ""
		token, hash := auth.NewResetToken()
		exp := s.now().Add(auth.PasswordResetTTL)
		if invited {
			exp = s.now().Add(auth.InvitationTTL)
		}
		u, err = c.User.UpdateOneID(u.ID).SetPasswordResetHash(hash).SetPasswordResetExpiresAt(exp).Save(ctx)
		if err != nil {
			return err
		}
		out = &PasswordReset{User: u, Token: token, ExpiresAt: exp}
		// The token also goes to the user by mail (issue 17), from the outbox of this transaction.
		if invited {
			return outbound.QueueInvitation(ctx, c, u, org.Name, token, exp)
		}
		return outbound.QueuePasswordReset(ctx, c, u, token, exp)
	})
	if err != nil {
		return nil, err
	}
	out.User, err = s.reload(ctx, out.User, nil)
	return out, err
}

// reload reads a user changed in a finished transaction again, so that its edges resolve.
func (s *Service) reload(ctx context.Context, u *ent.User, err error) (*ent.User, error) {
	if err != nil {
		return nil, err
	}
	return s.Client.User.Get(ctx, u.ID)
}

// keepAnAdmin refuses to take the last active administrator of an organisation away.
func keepAnAdmin(ctx context.Context, c *ent.Client, u *ent.User) error {
	n, err := c.User.Query().Where(user.OrganizationID(u.OrganizationID), user.RoleEQ(user.RoleADMIN),
		user.Active(true), user.IDNEQ(u.ID)).Count(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return apperr.E(apperr.Conflict, "an organisation keeps at least one active administrator")
	}
	return nil
}

func isCustomerRole(r user.Role) bool {
	return r == user.RoleEND_USER || r == user.RoleKEY_USER || r == user.RoleAPPROVER
}

func userMessage(bad []string) string {
	msgs := map[string]string{
		"name":       "a name of 1 to 200 characters is required",
		"role":       "the role does not fit the organisation (customers have end users, key users and approvers; providers have staff)",
		"levels":     "support levels are L1, L2, L3, L4 and VENDOR",
		"canApprove": "only key users and approvers hold the approval permission",
		"language":   "the language must be a short language tag such as de, da or en",
	}
	parts := make([]string, 0, len(bad))
	for _, b := range bad {
		parts = append(parts, msgs[b])
	}
	return strings.Join(parts, "; ")
}
