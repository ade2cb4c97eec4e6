package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"supportdesk/graph/gid"
	"supportdesk/internal/auth"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// testIssuer is a local OpenID Connect issuer: a discovery document and a JWKS whose keys the
// test rotates, and RSA keys to sign access tokens with.
type testIssuer struct {
	t   *testing.T
	srv *httptest.Server
	mu  sync.Mutex
	// published are the keys the JWKS serves, by key id.
	published map[string]*rsa.PrivateKey
	// jwksFetches counts the JWKS requests (the verifier caches the set).
	jwksFetches int
}

func newTestIssuer(t *testing.T) *testIssuer {
	is := &testIssuer{t: t, published: map[string]*rsa.PrivateKey{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": is.srv.URL, "jwks_uri": is.srv.URL + "/keys",
			"authorization_endpoint": is.srv.URL + "/auth", "token_endpoint": is.srv.URL + "/token",
			"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		is.mu.Lock()
		is.jwksFetches++
		set := jose.JSONWebKeySet{}
		for kid, k := range is.published {
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"})
		}
		is.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(set)
	})
	is.srv = httptest.NewServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

func newRSAKey(t *testing.T) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// publish replaces the JWKS with exactly the given keys.
func (is *testIssuer) publish(keys map[string]*rsa.PrivateKey) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.published = keys
}

func (is *testIssuer) fetches() int {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.jwksFetches
}

// sign returns a token with the given claims signed by key under key id kid; iss, aud, exp and
// iat default to this issuer, "supportdesk", now + 10 minutes and now.
func (is *testIssuer) sign(kid string, key *rsa.PrivateKey, claims jwt.MapClaims) string {
	is.t.Helper()
	now := time.Now()
	c := jwt.MapClaims{"iss": is.srv.URL, "aud": "supportdesk", "exp": now.Add(10 * time.Minute).Unix(), "iat": now.Unix()}
	for k, v := range claims {
		c[k] = v
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		is.t.Fatal(err)
	}
	return s
}

// withOIDC serves the env's database through a second App configured with the issuers, so the
// configuration is in place before its first request (the organisations exist only after seed).
func (e *env) withOIDC(issuers ...auth.OIDCIssuer) *env {
	e.t.Helper()
	cfg := e.app.Cfg
	cfg.OIDCIssuers = issuers
	app, err := newApp(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), e.app.DB)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(app.StopLive)
	srv := httptest.NewServer(app.Handler())
	e.t.Cleanup(srv.Close)
	return &env{t: e.t, app: app, srv: srv, queries: e.queries, clock: e.clock}
}

const (
	opMe           = `{ me { email organization { name } } }`
	opLinkIdentity = `mutation($in: LinkIdentityInput!){ linkIdentity(input:$in){ identity{ issuer subject user{ email } } } }`
)

// me returns the e-mail of the token's user over HTTP, or the error code.
func (e *env) me(tok string) (email, code string) {
	e.t.Helper()
	r := e.do(tok, opMe, nil)
	if len(r.Errors) > 0 {
		if r.code() == "UNAUTHENTICATED" && r.status != http.StatusUnauthorized {
			e.t.Fatalf("UNAUTHENTICATED with HTTP status %d", r.status)
		}
		return "", r.code()
	}
	var out struct{ Me struct{ Email string } }
	_ = json.Unmarshal(r.Data, &out)
	return out.Me.Email, ""
}

// meWS opens a WebSocket with the token and asks me on it; "" when connection_init is refused.
func (e *env) meWS(tok string) string {
	e.t.Helper()
	c, err := e.dialWS(tok, nil)
	if err != nil {
		return ""
	}
	defer c.conn.CloseNow()
	next, errs := c.subscribe("me", opMe, nil)
	select {
	case m := <-next:
		var out struct {
			Data struct{ Me struct{ Email string } }
		}
		_ = json.Unmarshal(m, &out)
		return out.Data.Me.Email
	case m := <-errs:
		e.t.Fatalf("me over WebSocket: %s", m)
	case <-time.After(10 * time.Second):
		e.t.Fatal("no answer over WebSocket")
	}
	return ""
}

// TestIssue17OIDC accepts access tokens of a local OpenID Connect issuer over HTTP and
// WebSocket, before and after a key rotation, and refuses other issuers, wrong audiences,
// expired tokens, removed keys, unmapped subjects and users of another organisation.
func TestIssue17OIDC(t *testing.T) {
	base := newEnv(t)
	w := base.seed()
	a, b, c := newTestIssuer(t), newTestIssuer(t), newTestIssuer(t)
	key1, key2, keyB, keyC := newRSAKey(t), newRSAKey(t), newRSAKey(t), newRSAKey(t)
	a.publish(map[string]*rsa.PrivateKey{"k1": key1})
	b.publish(map[string]*rsa.PrivateKey{"b1": keyB})
	c.publish(map[string]*rsa.PrivateKey{"c1": keyC})
	// a signs in C1's users by linked subject, c C2's by linked subject or verified e-mail; b
	// is a working issuer that is not configured.
	e := base.withOIDC(
		auth.OIDCIssuer{Issuer: a.srv.URL, Audience: "supportdesk", OrganizationID: w.orgs["C1"].ID, Claim: "sub"},
		auth.OIDCIssuer{Issuer: c.srv.URL, Audience: "supportdesk", OrganizationID: w.orgs["C2"].ID, Claim: "email"},
	)
	admin := e.token(w, "P1.ADMIN")
	link := func(tok, user, issuer, subject string) *gqlResponse {
		return e.do(tok, opLinkIdentity, map[string]any{"in": map[string]any{"userID": gid.Encode(w.users[user].ID), "issuer": issuer, "subject": subject}})
	}

	// Linking: an administrator of the user's provider, a configured issuer of the user's
	// organisation, one user per subject.
	var linked struct {
		LinkIdentity struct {
			Identity struct {
				Issuer, Subject string
				User            struct{ Email string }
			}
		}
	}
	r := link(admin, "C1.KEY_USER", a.srv.URL, "alice")
	if len(r.Errors) > 0 || json.Unmarshal(r.Data, &linked) != nil || linked.LinkIdentity.Identity.Issuer != a.srv.URL ||
		linked.LinkIdentity.Identity.Subject != "alice" || linked.LinkIdentity.Identity.User.Email != "C1.KEY_USER@test.example" {
		t.Fatalf("link: %+v %s", r.Errors, r.Data)
	}
	for _, c := range []struct {
		who, user, issuer, subject, code string
	}{
		{"P1.ADMIN", "C1.END_USER", a.srv.URL, "alice", "CONFLICT"},
		{"P1.ADMIN", "C2.KEY_USER", a.srv.URL, "bob", "VALIDATION"},   // a maps into C1, not C2
		{"P1.ADMIN", "C1.END_USER", b.srv.URL, "bob", "VALIDATION"},   // b is not configured
		{"P1.AGENT", "C1.END_USER", a.srv.URL, "bob", "FORBIDDEN"},    // not an administrator
		{"C1.KEY_USER", "C1.END_USER", a.srv.URL, "bob", "FORBIDDEN"}, // customer side
		{"P2.ADMIN", "C1.END_USER", a.srv.URL, "bob", "NOT_FOUND"},    // P2 does not serve C1
		{"P1.ADMIN", "C1.END_USER", a.srv.URL, "", "VALIDATION"},      // no subject
	} {
		if r := link(e.token(w, c.who), c.user, c.issuer, c.subject); r.code() != c.code {
			t.Fatalf("link by %s of %s at %s: want %s, got %+v", c.who, c.user, c.issuer, c.code, r.Errors)
		}
	}
	var ids struct {
		UserIdentities []struct{ Issuer, Subject string }
	}
	e.ok(admin, `query($u:ID!){ userIdentities(userID:$u){ issuer subject } }`, map[string]any{"u": gid.Encode(w.users["C1.KEY_USER"].ID)}, &ids)
	if len(ids.UserIdentities) != 1 || ids.UserIdentities[0].Subject != "alice" {
		t.Fatalf("userIdentities: %+v", ids)
	}

	// A token of a for alice works over HTTP and WebSocket; our own tokens keep working.
	alice := a.sign("k1", key1, jwt.MapClaims{"sub": "alice"})
	if email, code := e.me(alice); email != "C1.KEY_USER@test.example" {
		t.Fatalf("alice over HTTP: %q %s", email, code)
	}
	if email := e.meWS(alice); email != "C1.KEY_USER@test.example" {
		t.Fatalf("alice over WebSocket: %q", email)
	}
	if email, code := e.me(e.token(w, "C2.KEY_USER")); email != "C2.KEY_USER@test.example" {
		t.Fatalf("own HS256 token: %q %s", email, code)
	}
	fetched := a.fetches()

	refused := func(name, tok string) {
		t.Helper()
		if email, code := e.me(tok); code != "UNAUTHENTICATED" {
			t.Fatalf("%s over HTTP: want UNAUTHENTICATED, got %q %s", name, email, code)
		}
		if email := e.meWS(tok); email != "" {
			t.Fatalf("%s over WebSocket: signed in as %q", name, email)
		}
	}
	now := time.Now()
	refused("another issuer", b.sign("b1", keyB, jwt.MapClaims{"sub": "alice"}))
	refused("another issuer's key under a's name", a.sign("b1", keyB, jwt.MapClaims{"sub": "alice"}))
	refused("wrong audience", a.sign("k1", key1, jwt.MapClaims{"sub": "alice", "aud": "someone-else"}))
	refused("expired", a.sign("k1", key1, jwt.MapClaims{"sub": "alice", "exp": now.Add(-time.Minute).Unix(), "iat": now.Add(-time.Hour).Unix()}))
	refused("no expiry", a.sign("k1", key1, jwt.MapClaims{"sub": "alice", "exp": nil}))
	refused("unmapped subject", a.sign("k1", key1, jwt.MapClaims{"sub": "mallory"}))
	refused("e-mail on a sub-mapped issuer", a.sign("k1", key1, jwt.MapClaims{"sub": "x", "email": "C1.KEY_USER@test.example", "email_verified": true}))
	refused("tampered", alice[:len(alice)-4]+"AAAA")

	// Rotation: a publishes k2 and drops k1. A token signed with k2 makes the verifier fetch
	// the set again and is accepted; one signed with the removed k1 is refused from then on.
	a.publish(map[string]*rsa.PrivateKey{"k2": key2})
	rotated := a.sign("k2", key2, jwt.MapClaims{"sub": "alice"})
	if email, code := e.me(rotated); email != "C1.KEY_USER@test.example" {
		t.Fatalf("after rotation over HTTP: %q %s", email, code)
	}
	if email := e.meWS(rotated); email != "C1.KEY_USER@test.example" {
		t.Fatalf("after rotation over WebSocket: %q", email)
	}
	if a.fetches() <= fetched {
		t.Fatalf("the key set was not fetched again after the rotation (%d fetches)", a.fetches())
	}
	refused("removed key", a.sign("k1", key1, jwt.MapClaims{"sub": "alice"}))
	refused("token issued before the rotation", alice)
	// A socket signed in with the issuer's token is renewed with a fresh one of the same user,
	// never with a removed key's or an unmapped subject's.
	sock, err := e.dialWS(rotated, nil)
	if err != nil {
		t.Fatal(err)
	}
	const reauth = `mutation($t: String!){ reauthenticate(token: $t) }`
	for i, c := range []struct{ tok, want string }{
		{a.sign("k2", key2, jwt.MapClaims{"sub": "alice", "exp": now.Add(20 * time.Minute).Unix()}), `{"data":{"reauthenticate":true}}`},
		{a.sign("k1", key1, jwt.MapClaims{"sub": "alice"}), "UNAUTHENTICATED"},
		{a.sign("k2", key2, jwt.MapClaims{"sub": "mallory"}), "UNAUTHENTICATED"},
	} {
		res, errs := sock.subscribe(fmt.Sprint("r", i), reauth, map[string]any{"t": c.tok})
		select {
		case raw := <-res:
			if !strings.Contains(string(raw), c.want) {
				t.Fatalf("reauthenticate %d: %s, want %s", i, raw, c.want)
			}
		case raw := <-errs:
			if !strings.Contains(string(raw), c.want) {
				t.Fatalf("reauthenticate %d: %s, want %s", i, raw, c.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("reauthenticate %d: no answer", i)
		}
	}
	sock.conn.CloseNow()

	// c maps into C2 by verified e-mail: C2's users only.
	if email, code := e.me(c.sign("c1", keyC, jwt.MapClaims{"sub": "c-77", "email": "c2.key_user@TEST.example", "email_verified": true})); email != "C2.KEY_USER@test.example" {
		t.Fatalf("e-mail mapping: %q %s", email, code)
	}
	refused("unverified e-mail", c.sign("c1", keyC, jwt.MapClaims{"sub": "c-78", "email": "C2.KEY_USER@test.example", "email_verified": false}))
	refused("user of another organisation by e-mail", c.sign("c1", keyC, jwt.MapClaims{"sub": "c-79", "email": "C1.KEY_USER@test.example", "email_verified": true}))
	refused("staff of the provider by e-mail", c.sign("c1", keyC, jwt.MapClaims{"sub": "c-80", "email": "P1.ADMIN@test.example", "email_verified": true}))
	// A link that points into another organisation (written past the API's check) is never
	// followed: c's tokens reach only C2.
	e.app.DB.Client.UserIdentity.Create().SetIssuer(c.srv.URL).SetSubject("c-81").SetUserID(w.users["C1.KEY_USER"].ID).ExecX(trusted())
	refused("linked user of another organisation", c.sign("c1", keyC, jwt.MapClaims{"sub": "c-81"}))
	// alice's subject at c is not alice at a.
	refused("a's subject at c", c.sign("c1", keyC, jwt.MapClaims{"sub": "alice"}))

	// Unlinking refuses the subject from the next request on.
	if r := e.do(admin, `mutation($in: UnlinkIdentityInput!){ unlinkIdentity(input:$in) }`,
		map[string]any{"in": map[string]any{"issuer": a.srv.URL, "subject": "alice"}}); len(r.Errors) > 0 || !strings.Contains(string(r.Data), "true") {
		t.Fatalf("unlink: %+v %s", r.Errors, r.Data)
	}
	refused("unlinked subject", rotated)
}

// TestIssue17OIDCConfig reads OIDC_ISSUERS and refuses malformed entries at start.
func TestIssue17OIDCConfig(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "OIDC_ISSUERS" {
				return v
			}
			return ""
		}
	}
	org := gid.Encode(25769803777)
	cfg, err := ConfigFromEnv(env(`[{"issuer":"https://login.example.com/realms/acme","audience":"supportdesk","organization":"` + org + `","claim":"email"},
		{"issuer":"https://idp.example.org","audience":"sd","organization":"` + org + `"}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []auth.OIDCIssuer{{Issuer: "https://login.example.com/realms/acme", Audience: "supportdesk", OrganizationID: 25769803777, Claim: "email"},
		{Issuer: "https://idp.example.org", Audience: "sd", OrganizationID: 25769803777, Claim: "sub"}}
	if len(cfg.OIDCIssuers) != 2 || cfg.OIDCIssuers[0] != want[0] || cfg.OIDCIssuers[1] != want[1] {
		t.Fatalf("issuers: %+v", cfg.OIDCIssuers)
	}
	for _, bad := range []string{
		`{"issuer":"https://a"}`,
		`[{"issuer":"not a url","audience":"x","organization":"` + org + `"}]`,
		`[{"issuer":"https://a.example","organization":"` + org + `"}]`,
		`[{"issuer":"https://a.example","audience":"x","organization":"42"}]`,
		`[{"issuer":"https://a.example","audience":"x","organization":"` + org + `","claim":"name"}]`,
		`[{"issuer":"https://a.example","audience":"x","organization":"` + org + `","tenant":"y"}]`,
		`[{"issuer":"https://a.example","audience":"x","organization":"` + org + `"},{"issuer":"https://a.example","audience":"y","organization":"` + org + `"}]`,
		`[{"issuer":"supportdesk","audience":"x","organization":"` + org + `"}]`,
	} {
		if _, err := ConfigFromEnv(env(bad)); err == nil || !strings.Contains(err.Error(), "OIDC_ISSUERS") {
			t.Fatalf("%s: accepted (%v)", bad, err)
		}
	}
}
