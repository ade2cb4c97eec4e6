package auth

import (
	"context"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/refreshtoken"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/viewer"
)

// PasswordResetTTL is how long a password reset token stays valid.
const PasswordResetTTL = 24 * time.Hour

// InvitationTTL is how long the token of an invitation (a user created without a password)
// stays valid.
const InvitationTTL = 7 * 24 * time.Hour

// RevokeSessions revokes every live refresh token of the given users, so that none of their
// sessions can be renewed. Their access tokens are refused by LoadViewer once the user or the
// organisation is inactive; after a password change they simply run out.
func RevokeSessions(ctx context.Context, c *ent.Client, now time.Time, userIDs ...int) error {
	if len(userIDs) == 0 {
		return nil
	}
	return c.RefreshToken.Update().Where(refreshtoken.UserIDIn(userIDs...), refreshtoken.RevokedAtIsNil()).
		SetRevokedAt(now.UTC()).Exec(trusted(ctx))
}

// NewResetToken returns a fresh one-time token and the hash under which it is stored.
func NewResetToken() (token, hash string) {
	token = newOpaque()
	return token, hashToken(token)
}

// Now is the service's domain clock.
func (s *Service) Now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return s.Tokens.now()
}

// ChangePassword sets the viewer's own password after checking the current one. Every refresh
// token of the user is revoked and a fresh session returned, so other sessions end.
func (s *Service) ChangePassword(ctx context.Context, current, next string, bcryptCost int) (*Session, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	u, err := s.Client.User.Get(trusted(ctx), v.UserID)
	if err != nil {
		return nil, err
	}
	if !CheckPassword(u.PasswordHash, current) {
		return nil, apperr.Invalid("the current password is not correct", "currentPassword")
	}
	hash, err := HashPassword(next, bcryptCost)
	if err != nil {
		return nil, apperr.Invalid(err.Error(), "newPassword")
	}
	var sess *Session
	err = withTx(ctx, s.Client, func(tx *ent.Tx) error {
		// Edges of the returned user are read after commit, so it is reloaded outside.
		// The viewer's own context: rule.AllowOwnPassword lets exactly this update through.
		u, err = tx.User.UpdateOneID(u.ID).SetPasswordHash(hash).ClearPasswordResetHash().ClearPasswordResetExpiresAt().Save(ctx)
		if err != nil {
			return err
		}
		if err := RevokeSessions(ctx, tx.Client(), s.Now(), u.ID); err != nil {
			return err
		}
		sess, err = s.issue(trusted(ctx), tx.Client(), u, newOpaque())
		return err
	})
	if err != nil {
		return nil, err
	}
	sess.User, err = s.Client.User.Get(ctx, u.ID)
	return sess, err
}

var errBadReset = apperr.Invalid("the reset token is invalid, used or expired", "token")

// ResetPassword sets a new password with a token from an administrator's password reset. The
// token works once and until it expires; the user's sessions end. It needs no viewer: the user
// cannot sign in, so it runs as the trusted bypass, like Login.
func (s *Service) ResetPassword(ctx context.Context, token, next string, bcryptCost int) error {
	ctx = trusted(ctx)
	hash, err := HashPassword(next, bcryptCost)
	if err != nil {
		return apperr.Invalid(err.Error(), "newPassword")
	}
	now := s.Now().UTC()
	return withTx(ctx, s.Client, func(tx *ent.Tx) error {
		u, err := tx.User.Query().Where(user.PasswordResetHash(hashToken(token)), user.Active(true)).Only(ctx)
		if ent.IsNotFound(err) {
			return errBadReset
		}
		if err != nil {
			return err
		}
		if u.PasswordResetExpiresAt == nil || !now.Before(*u.PasswordResetExpiresAt) {
			return errBadReset
		}
		// The guarded update makes the token once-only even when presented twice at once.
		n, err := tx.User.Update().Where(user.ID(u.ID), user.PasswordResetHash(hashToken(token))).
			SetPasswordHash(hash).ClearPasswordResetHash().ClearPasswordResetExpiresAt().Save(ctx)
		if err != nil {
			return err
		}
		if n != 1 {
			return errBadReset
		}
		return RevokeSessions(ctx, tx.Client(), now, u.ID)
	})
}

// withTx runs fn in one transaction, rolled back on error or panic.
func withTx(ctx context.Context, c *ent.Client, fn func(tx *ent.Tx) error) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if v := recover(); v != nil {
			_ = tx.Rollback()
			panic(v)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
