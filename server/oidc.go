package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"supportdesk/graph/gid"
	"supportdesk/internal/auth"
)

// oidcIssuerConfig is one entry of OIDC_ISSUERS, a JSON array, e.g.
//
//	[{"issuer":"https://login.example.com/realms/acme","audience":"supportdesk",
//	  "organization":"c2Q6NDI5NDk2NzI5Nw","claim":"email"}]
//
// organization is the organisation's id as the API shows it; claim is "sub" (the default:
// users are found through identities an administrator linked) or "email" (a linked identity,
// else the user of that organisation with the token's verified email).
type oidcIssuerConfig struct {
	Issuer       string `json:"issuer"`
	Audience     string `json:"audience"`
	Organization string `json:"organization"`
	Claim        string `json:"claim"`
}

func parseOIDCIssuers(v, ownIssuer string) ([]auth.OIDCIssuer, error) {
	var in []oidcIssuerConfig
	dec := json.NewDecoder(strings.NewReader(v))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("not a JSON array of issuers: %w", err)
	}
	seen := map[string]bool{}
	out := make([]auth.OIDCIssuer, 0, len(in))
	for i, c := range in {
		u, err := url.Parse(c.Issuer)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("issuer %d: %q is not an http(s) URL", i, c.Issuer)
		}
		if c.Issuer == ownIssuer || seen[c.Issuer] {
			return nil, fmt.Errorf("issuer %d: %q is configured twice or is JWT_ISSUER", i, c.Issuer)
		}
		seen[c.Issuer] = true
		if c.Audience == "" {
			return nil, fmt.Errorf("issuer %d: audience is required", i)
		}
		org, err := gid.Decode(c.Organization)
		if err != nil {
			return nil, fmt.Errorf("issuer %d: organization %q is not an organisation id", i, c.Organization)
		}
		switch c.Claim {
		case "":
			c.Claim = "sub"
		case "sub", "email":
		default:
			return nil, fmt.Errorf("issuer %d: claim must be sub or email, not %q", i, c.Claim)
		}
		out = append(out, auth.OIDCIssuer{Issuer: c.Issuer, Audience: c.Audience, OrganizationID: org, Claim: c.Claim})
	}
	return out, nil
}
