package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/ent/refreshtoken"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/reqlog"
	"supportdesk/internal/viewer"
)

// Service logs users in and out and rotates refresh tokens.
type Service struct {
	Client *ent.Client
	Tokens *Tokens
	// Clock is the domain clock (password reset expiry); Tokens keep their own for JWTs.
	Clock func() time.Time
}

// dummyHash is compared against when there is no password to check, so that the time a failed
// login takes does not reveal whether the account exists or has a password.
const dummyHash = "$2a$10$7EqJtq98hPqEX7fNZaFWoOHi5BTHnL6gYWp0ZxbSB8ylKkWdY5e1W"

// Session is the result of a login or refresh.
type Session struct {
	AccessToken     string
	AccessExpiresAt time.Time
	RefreshToken    string
	User            *ent.User
}

// trusted marks the reads and writes of this package as the privacy bypass: login happens
// before there is a viewer.
func trusted(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

var errBadLogin = apperr.E(apperr.Unauthenticated, "invalid email or password")

// Login verifies email and password and opens a new refresh-token family.
// Failed logins are throttled (throttle.go): a locked account or address is answered
// RATE_LIMITED before any password is checked.
func (s *Service) Login(ctx context.Context, email, password string) (*Session, error) {
	ctx = trusted(ctx)
	now := s.Tokens.now().UTC()
	if s.Clock != nil {
		now = s.Clock().UTC()
	}
	keys := throttleKeys(email, reqlog.ClientAddr(ctx))
	if d, err := s.lockedFor(ctx, keys, now); err != nil || d > 0 {
		if err != nil {
			return nil, err
		}
		return nil, rateLimited(d)
	}
	fail := func() (*Session, error) {
		if err := s.failed(ctx, keys, now); err != nil {
			return nil, err
		}
		return nil, errBadLogin
	}
	u, err := s.Client.User.Query().Where(user.EmailEqualFold(email)).WithOrganization().Only(ctx)
	if ent.IsNotFound(err) {
		// Compare against a dummy hash anyway so timing does not reveal which emails exist.
		CheckPassword(dummyHash, password)
		return fail()
	}
	if err != nil {
		return nil, err
	}
	if u.PasswordHash == "" {
		// An invited user without a password yet: the same dummy comparison keeps the timing.
		CheckPassword(dummyHash, password)
	}
	// A deactivated user or a user of a deactivated organisation cannot sign in.
	if !u.Active || !u.Edges.Organization.Active || !CheckPassword(u.PasswordHash, password) {
		return fail()
	}
	if err := s.succeeded(ctx, keys); err != nil {
		return nil, err
	}
	return s.issue(ctx, s.Client, u, newOpaque())
}

func (s *Service) issue(ctx context.Context, c *ent.Client, u *ent.User, family string) (*Session, error) {
	return s.issueRefresh(ctx, c, u, family, newOpaque())
}

// issueRefresh issues an access token and stores refresh token refresh in family.
func (s *Service) issueRefresh(ctx context.Context, c *ent.Client, u *ent.User, family, refresh string) (*Session, error) {
	access, exp, err := s.Tokens.IssueAccess(u.ID)
	if err != nil {
		return nil, err
	}
	err = c.RefreshToken.Create().SetUserID(u.ID).SetFamily(family).SetTokenHash(hashToken(refresh)).
		SetExpiresAt(s.Tokens.now().Add(s.Tokens.RefreshTTL).UTC()).Exec(ctx)
	if err != nil {
		return nil, err
	}
	return &Session{AccessToken: access, AccessExpiresAt: exp, RefreshToken: refresh, User: u}, nil
}

var errBadRefresh = apperr.E(apperr.Unauthenticated, "invalid or expired refresh token")

// Refresh rotates a refresh token: the presented token is used up and a new one issued in the
// same family. Presenting a used token again revokes its whole family (token theft).
func (s *Service) Refresh(ctx context.Context, token string) (*Session, error) {
	ctx = trusted(ctx)
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	sess, err := s.refresh(ctx, tx, token)
	if err != nil {
		if ae, ok := apperr.As(err); ok && ae == errReuse {
			// Keep the revocation even though the call fails.
			return nil, commitOr(tx, errBadRefresh)
		}
		_ = tx.Rollback()
		return nil, err
	}
	return sess, tx.Commit()
}

var errReuse = apperr.E(apperr.Unauthenticated, "refresh token reused")

func commitOr(tx *ent.Tx, err error) error {
	if cerr := tx.Commit(); cerr != nil {
		return cerr
	}
	return err
}

func (s *Service) refresh(ctx context.Context, tx *ent.Tx, token string) (*Session, error) {
	now := s.Tokens.now().UTC()
	rt, err := tx.RefreshToken.Query().Where(refreshtoken.TokenHash(hashToken(token))).
		WithUser(func(q *ent.UserQuery) { q.WithOrganization() }).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, errBadRefresh
	}
	if err != nil {
		return nil, err
	}
	if rt.RevokedAt != nil || now.After(rt.ExpiresAt) || !rt.Edges.User.Active || !rt.Edges.User.Edges.Organization.Active {
		return nil, errBadRefresh
	}
	// The guarded update makes the use once-only even under concurrent refreshes.
	n, err := tx.RefreshToken.Update().Where(refreshtoken.ID(rt.ID), refreshtoken.UsedAtIsNil()).SetUsedAt(now).Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		if sess, err := s.grace(ctx, tx, rt.ID, token, now); sess != nil || err != nil {
			return sess, err
		}
		if err := tx.RefreshToken.Update().Where(refreshtoken.Family(rt.Family), refreshtoken.RevokedAtIsNil()).
			SetRevokedAt(now).Exec(ctx); err != nil {
			return nil, err
		}
		return nil, errReuse
	}
	// The successor is derived from the presented token, so a concurrent refresh with the same
	// token inside the grace window can be given the same successor (grace).
	return s.issueRefresh(ctx, tx.Client(), rt.Edges.User, rt.Family, s.successor(token))
}

// RefreshGrace is how long a refresh token that was just used may be presented again: two tabs
// of one browser refreshing at the same moment both stay signed in, and get the same successor.
// Presenting it after the window revokes the family (token theft).
const RefreshGrace = 5 * time.Second

// successor is the refresh token that replaces token: an HMAC of it under the signing secret,
// so it can be derived again but not guessed.
func (s *Service) successor(token string) string {
	m := hmac.New(sha256.New, s.Tokens.Secret)
	m.Write([]byte("refresh-successor\x00" + token))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// grace answers a refresh token used within RefreshGrace with a fresh access token and the same
// successor, as long as the successor itself is still unused and unrevoked; nil otherwise.
func (s *Service) grace(ctx context.Context, tx *ent.Tx, id int, token string, now time.Time) (*Session, error) {
	rt, err := tx.RefreshToken.Query().Where(refreshtoken.ID(id)).WithUser().Only(ctx)
	if err != nil {
		return nil, err
	}
	if rt.UsedAt == nil || rt.RevokedAt != nil || now.Sub(*rt.UsedAt) > RefreshGrace {
		return nil, nil
	}
	next := s.successor(token)
	ok, err := tx.RefreshToken.Query().Where(refreshtoken.TokenHash(hashToken(next)), refreshtoken.UsedAtIsNil(),
		refreshtoken.RevokedAtIsNil()).Exist(ctx)
	if err != nil || !ok {
		return nil, err
	}
	access, exp, err := s.Tokens.IssueAccess(rt.UserID)
	if err != nil {
		return nil, err
	}
	return &Session{AccessToken: access, AccessExpiresAt: exp, RefreshToken: next, User: rt.Edges.User}, nil
}

// Logout revokes the family of a refresh token. Unknown tokens are ignored.
func (s *Service) Logout(ctx context.Context, token string) error {
	ctx = trusted(ctx)
	rt, err := s.Client.RefreshToken.Query().Where(refreshtoken.TokenHash(hashToken(token))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.Client.RefreshToken.Update().Where(refreshtoken.Family(rt.Family), refreshtoken.RevokedAtIsNil()).
		SetRevokedAt(s.Tokens.now().UTC()).Exec(ctx)
}

// LoadViewer builds the viewer of a verified user id, with the organisation scopes that the
// privacy rules use. It costs a fixed number of small queries per request.
func LoadViewer(ctx context.Context, c *ent.Client, userID int) (*viewer.Viewer, error) {
	ctx = trusted(ctx)
	// Checked on every request, so deactivating a user or an organisation refuses its access
	// tokens from the next request on.
	u, err := c.User.Query().Where(user.ID(userID), user.Active(true), user.HasOrganizationWith(organization.Active(true))).
		WithOrganization().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.E(apperr.Unauthenticated, "unknown or inactive user")
	}
	if err != nil {
		return nil, err
	}
	org := u.Edges.Organization
	v := &viewer.Viewer{
		UserID: u.ID, OrgID: org.ID, OrgKind: viewer.OrgKind(org.Kind), Role: string(u.Role), Levels: u.Levels,
		CanApprove: u.Role == user.RoleAPPROVER || (u.Role == user.RoleKEY_USER && u.CanApprove),
	}
	if org.ParentID != nil {
		v.ParentOrgID = *org.ParentID
	}
	if org.Kind == organization.KindCUSTOMER {
		return v, nil
	}
	children, err := c.Organization.Query().Where(organization.ParentID(org.ID)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, ch := range children {
		switch ch.Kind {
		case organization.KindCUSTOMER:
			v.ServedCustomerIDs = append(v.ServedCustomerIDs, ch.ID)
		case organization.KindPARTNER:
			v.PartnerIDs = append(v.PartnerIDs, ch.ID)
		}
	}
	if len(v.PartnerIDs) > 0 {
		v.PartnerCustomerIDs, err = c.Organization.Query().
			Where(organization.ParentIDIn(v.PartnerIDs...), organization.KindEQ(organization.KindCUSTOMER)).IDs(ctx)
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}
