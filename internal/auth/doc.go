// Package auth owns passwords, access tokens (JWT) and rotating refresh tokens, and turns a
// verified token into the viewer of a request. Tokens.Verify is the one check of a bearer token
// for HTTP and WebSocket alike: our own HS256 tokens, or those of configured OpenID Connect
// issuers (oidc.go), mapped to local users through linked identities (identity.go) or a
// verified e-mail, always within the issuer's organisation.
package auth
