package main

import (
	"net/http"
	"testing"
	"time"

	"supportdesk/internal/auth"

	"github.com/golang-jwt/jwt/v5"
)

const meQuery = `{ me { email role organization { name kind } } }`

func TestLoginMeRefreshLogout(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	email := w.users["C1.KEY_USER"].Email
	e.app.Tokens.Now = e.clock.Now // refresh-token use and grace follow the test's clock

	e.fails("", `mutation{login(email:"`+email+`",password:"wrong-password"){accessToken}}`, nil, "UNAUTHENTICATED")
	e.fails("", `mutation{login(email:"nobody@test.example",password:"wrong-password"){accessToken}}`, nil, "UNAUTHENTICATED")

	var l struct {
		Login struct {
			AccessToken, RefreshToken string
			User                      struct{ Email string }
		}
	}
	e.ok("", `mutation($e:String!,$p:String!){login(email:$e,password:$p){accessToken refreshToken user{email}}}`,
		map[string]any{"e": email, "p": testPassword}, &l)
	if l.Login.User.Email != email {
		t.Fatalf("login user = %q", l.Login.User.Email)
	}
	var me struct {
		Me struct {
			Email, Role  string
			Organization struct{ Name, Kind string }
		}
	}
	e.ok(l.Login.AccessToken, meQuery, nil, &me)
	if me.Me.Email != email || me.Me.Role != "KEY_USER" || me.Me.Organization.Name != "C1" || me.Me.Organization.Kind != "CUSTOMER" {
		t.Fatalf("me = %+v", me.Me)
	}
	// Without a token, me is refused.
	e.fails("", meQuery, nil, "UNAUTHENTICATED")

	// Rotation: the first refresh works and returns a new token.
	refresh := `mutation($t:String!){refreshToken(token:$t){accessToken refreshToken}}`
	var r1 struct {
		RefreshToken struct{ AccessToken, RefreshToken string }
	}
	e.ok("", refresh, map[string]any{"t": l.Login.RefreshToken}, &r1)
	if r1.RefreshToken.RefreshToken == l.Login.RefreshToken || r1.RefreshToken.RefreshToken == "" {
		t.Fatal("refresh token was not rotated")
	}
	// Within the grace window (a second tab refreshing at the same moment) the old token gives
	// the same successor; after it, reusing the old token is refused and revokes the family, so
	// the new one dies too.
	var again struct {
		RefreshToken struct{ AccessToken, RefreshToken string }
	}
	e.ok("", refresh, map[string]any{"t": l.Login.RefreshToken}, &again)
	if again.RefreshToken.RefreshToken != r1.RefreshToken.RefreshToken {
		t.Fatal("a refresh within the grace window got another successor")
	}
	e.clock.Set(time.Now().Add(auth.RefreshGrace + time.Second))
	e.fails("", refresh, map[string]any{"t": l.Login.RefreshToken}, "UNAUTHENTICATED")
	e.fails("", refresh, map[string]any{"t": r1.RefreshToken.RefreshToken}, "UNAUTHENTICATED")

	// Logout revokes a fresh family.
	var l2 struct{ Login struct{ RefreshToken string } }
	e.ok("", `mutation($e:String!,$p:String!){login(email:$e,password:$p){refreshToken}}`,
		map[string]any{"e": email, "p": testPassword}, &l2)
	var out struct{ Logout bool }
	e.ok("", `mutation($t:String!){logout(refreshToken:$t)}`, map[string]any{"t": l2.Login.RefreshToken}, &out)
	if !out.Logout {
		t.Fatal("logout returned false")
	}
	e.fails("", refresh, map[string]any{"t": l2.Login.RefreshToken}, "UNAUTHENTICATED")
}

func TestTokenChecks(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	uid := w.users["P1.AGENT"].ID
	secret := []byte(e.app.Cfg.JWTSecret)
	sign := func(m jwt.SigningMethod, key any, claims jwt.RegisteredClaims) string {
		s, err := jwt.NewWithClaims(m, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := jwt.RegisteredClaims{Subject: itoa(uid), Issuer: "supportdesk", Audience: jwt.ClaimStrings{"supportdesk-api"},
		ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Minute))}
	e.ok(sign(jwt.SigningMethodHS256, secret, good), meQuery, nil, nil)

	expired := good
	expired.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Minute))
	wrongAud := good
	wrongAud.Audience = jwt.ClaimStrings{"someone-else"}
	wrongIss := good
	wrongIss.Issuer = "evil"
	noExp := good
	noExp.ExpiresAt = nil
	cases := map[string]string{
		"expired":        sign(jwt.SigningMethodHS256, secret, expired),
		"wrong audience": sign(jwt.SigningMethodHS256, secret, wrongAud),
		"wrong issuer":   sign(jwt.SigningMethodHS256, secret, wrongIss),
		"no expiry":      sign(jwt.SigningMethodHS256, secret, noExp),
		"other secret":   sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-0000"), good),
		"alg none":       sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good),
		"HS512":          sign(jwt.SigningMethodHS512, secret, good),
		"garbage":        "not-a-token",
	}
	for name, tok := range cases {
		r := e.do(tok, meQuery, nil)
		if r.status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
			t.Errorf("%s: status %d code %q", name, r.status, r.code())
		}
	}
}
