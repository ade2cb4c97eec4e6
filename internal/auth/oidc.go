package auth

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/organization"
	"supportdesk/ent/user"
	"supportdesk/ent/useridentity"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/golang-jwt/jwt/v5"
)

// OIDCIssuer is one external OpenID Connect issuer whose access tokens sign users in (SPEC 10,
// issue 17). Its users belong to exactly one organisation: a token never reaches a user of
// another one, whatever its claims say.
type OIDCIssuer struct {
	// Issuer is the issuer URL; its discovery document is Issuer + "/.well-known/openid-configuration"
	// and the token's iss claim must equal it.
	Issuer string
	// Audience must be among the token's aud claim (the client id the issuer gives us).
	Audience string
	// OrganizationID is the organisation the issuer's users belong to.
	OrganizationID int
	// Claim says how a token finds its user: "sub" (default) through a linked identity only,
	// "email" through a linked identity or else the verified email claim.
	Claim string
}

// OIDC verifies access tokens of the configured issuers with go-oidc: discovery document,
// JWKS with caching, and rotation (a token with an unknown key id fetches the key set again,
// so a new key works at once and a key the issuer removed is refused once the set has been
// fetched again; KeyTTL bounds how long a cached set is used at all).
type OIDC struct {
	Client  *ent.Client
	Issuers []OIDCIssuer
	// HTTPClient fetches discovery documents and key sets; nil is a client with a 10 s timeout.
	HTTPClient *http.Client
	// KeyTTL is how long a discovered key set is used before discovery runs again; 0 means 1 h.
	KeyTTL time.Duration
	// Now is the clock of exp checks; nil is time.Now.
	Now func() time.Time

	mu        sync.Mutex
	verifiers map[string]*issuerVerifier
}

type issuerVerifier struct {
	v  *oidc.IDTokenVerifier
	at time.Time
}

// errUnknownIssuer and friends never reach clients: every failure is ErrInvalidToken there.
var (
	errUnknownIssuer = errors.New("oidc: issuer not configured")
	errUnmapped      = errors.New("oidc: no local user for the token's subject")
)

func (o *OIDC) issuer(iss string) (OIDCIssuer, bool) {
	for _, is := range o.Issuers {
		if is.Issuer == iss {
			return is, true
		}
	}
	return OIDCIssuer{}, false
}

func (o *OIDC) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// verifier returns the issuer's verifier, running discovery the first time and again after
// KeyTTL. A failed discovery is not remembered: the next token tries again.
func (o *OIDC) verifier(ctx context.Context, is OIDCIssuer) (*oidc.IDTokenVerifier, error) {
	ttl := o.KeyTTL
	if ttl <= 0 {
		ttl = time.Hour
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if iv, ok := o.verifiers[is.Issuer]; ok && time.Since(iv.at) < ttl {
		return iv.v, nil
	}
	client := o.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	// Discovery runs under the request's deadline; the key set fetches later under a context
	// of its own (go-oidc ignores the cancellation of the one given to VerifierContext).
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, client), is.Issuer)
	if err != nil {
		if iv, ok := o.verifiers[is.Issuer]; ok {
			// The issuer is unreachable at a re-discovery: keep its known keys and try again
			// in a minute rather than on every request.
			iv.at = time.Now().Add(time.Minute - ttl)
			return iv.v, nil
		}
		return nil, err
	}
	v := p.VerifierContext(oidc.ClientContext(context.Background(), client), &oidc.Config{ClientID: is.Audience, Now: o.now})
	if o.verifiers == nil {
		o.verifiers = map[string]*issuerVerifier{}
	}
	o.verifiers[is.Issuer] = &issuerVerifier{v: v, at: time.Now()}
	return v, nil
}

// Verify verifies an access token of a configured issuer and returns the local user it maps
// to and the token's expiry. Unknown issuer, wrong audience, expired token, unknown key and
// unmapped subject all fail.
func (o *OIDC) Verify(ctx context.Context, raw string) (int, time.Time, error) {
	var peek jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(raw, &peek); err != nil {
		return 0, time.Time{}, err
	}
	is, ok := o.issuer(peek.Issuer)
	if !ok {
		return 0, time.Time{}, errUnknownIssuer
	}
	v, err := o.verifier(ctx, is)
	if err != nil {
		return 0, time.Time{}, err
	}
	tok, err := v.Verify(ctx, raw)
	if err != nil {
		return 0, time.Time{}, err
	}
	id, err := o.mapUser(ctx, is, tok)
	return id, tok.Expiry, err
}

// mapUser finds the active local user of a verified token in the issuer's organisation: the
// user linked to issuer and subject, or, when the issuer maps by email, the user with the
// token's verified email.
func (o *OIDC) mapUser(ctx context.Context, is OIDCIssuer, tok *oidc.IDToken) (int, error) {
	ctx = trusted(ctx)
	inOrg := user.And(user.Active(true), user.OrganizationID(is.OrganizationID),
		user.HasOrganizationWith(organization.Active(true)))
	ids, err := o.Client.UserIdentity.Query().Where(useridentity.Issuer(is.Issuer), useridentity.Subject(tok.Subject)).
		QueryUser().Where(inOrg).IDs(ctx)
	if err != nil || len(ids) == 1 {
		return first(ids), err
	}
	if is.Claim != "email" {
		return 0, errUnmapped
	}
	var claims struct {
		Email    string `json:"email"`
		Verified bool   `json:"email_verified"`
	}
	if err := tok.Claims(&claims); err != nil || claims.Email == "" || !claims.Verified {
		return 0, errUnmapped
	}
	ids, err = o.Client.User.Query().Where(inOrg, user.EmailEqualFold(claims.Email)).IDs(ctx)
	if err != nil {
		return 0, err
	}
	if len(ids) != 1 {
		return 0, errUnmapped
	}
	return ids[0], nil
}

func first(ids []int) int {
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// Verify verifies the bearer token of an HTTP request or a WebSocket connection_init: one of
// our own access tokens, or else one of a configured OpenID Connect issuer. It returns the
// user and when the token expires; any failure is ErrInvalidToken.
func (t *Tokens) Verify(ctx context.Context, token string) (int, time.Time, error) {
	id, exp, err := t.ParseAccessExpiry(token)
	if err == nil || t.OIDC == nil || len(t.OIDC.Issuers) == 0 {
		return id, exp, err
	}
	if id, exp, err = t.OIDC.Verify(ctx, token); err != nil {
		return 0, time.Time{}, ErrInvalidToken
	}
	return id, exp, nil
}
