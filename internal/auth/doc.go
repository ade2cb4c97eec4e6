// Package auth owns passwords, access tokens (JWT) and rotating refresh tokens, and turns a
// verified token into the viewer of a request.
package auth
