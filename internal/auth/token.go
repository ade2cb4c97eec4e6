package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Tokens signs and verifies access tokens. Verification pins HS256 and requires exp, iss and aud.
type Tokens struct {
	Secret     []byte
	Issuer     string
	Audience   string
	AccessTTL  time.Duration
	RefreshTTL time.Duration
	Now        func() time.Time
	// OIDC verifies tokens of external OpenID Connect issuers (Verify); nil accepts only ours.
	OIDC *OIDC
}

func (t *Tokens) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// IssueAccess returns a signed access token for a user and its expiry.
func (t *Tokens) IssueAccess(userID int) (string, time.Time, error) {
	now := t.now()
	exp := now.Add(t.AccessTTL)
	claims := jwt.RegisteredClaims{
		Subject:   strconv.Itoa(userID),
		Issuer:    t.Issuer,
		Audience:  jwt.ClaimStrings{t.Audience},
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
		ExpiresAt: jwt.NewNumericDate(exp),
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.Secret)
	return s, exp, err
}

// ErrInvalidToken is returned for any token that does not verify.
var ErrInvalidToken = errors.New("invalid or expired token")

// ParseAccess verifies an access token and returns its user id.
func (t *Tokens) ParseAccess(token string) (int, error) {
	id, _, err := t.ParseAccessExpiry(token)
	return id, err
}

// ParseAccessExpiry verifies an access token and returns its user id and expiry; a WebSocket
// authenticated with it closes at that instant unless it is renewed.
func (t *Tokens) ParseAccessExpiry(token string) (int, time.Time, error) {
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.Secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(t.Issuer),
		jwt.WithAudience(t.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return 0, time.Time{}, ErrInvalidToken
	}
	id, err := strconv.Atoi(claims.Subject)
	if err != nil || id <= 0 {
		return 0, time.Time{}, ErrInvalidToken
	}
	return id, claims.ExpiresAt.Time, nil
}

// newOpaque returns a random URL-safe token of 32 bytes.
func newOpaque() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is the stored form of a refresh token.
func hashToken(tok string) string {
	s := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(s[:])
}
